/**
 * Bundles the compiled library into its entry point (issue 11, item 7: loading cost). After jsii has
 * compiled lib/ into dist/lib, this replaces dist/lib/index.js (package.json `main`) with one file
 * that holds every compiled module it reaches, so `require('cdk8s-wasm-edge')` reads and compiles
 * one file instead of going through node's module loader for each of ~80 small ones.
 *
 * Not bundled, required as real files from the bundle's location:
 * - lib/imports/* (generated CRD classes): they stay separate files, loaded on first use by the lazy
 *   `require('../imports/x')` calls (lib/private/lazy.ts), whose paths are rewritten to the bundle's
 *   folder (`./imports/x`);
 * - packages and node built-ins (cdk8s, cdk8s-plus-30, constructs, js-yaml, path, fs).
 *
 * How: tsc's output is CommonJS whose modules reach each other only through `require("<literal>")`.
 * Each module's text goes into the bundle unchanged (jsii's RTTI symbols and all), wrapped in
 * `(function (exports, require, module) { ... })`; its `require` is a per-module function that looks
 * the literal up in a table made here (a bundled module's index, or the specifier to hand to node's
 * require). A module runs once, on its first require, in the order node would run it. The bundle's
 * source map (index.js.map) joins the modules' own maps, shifted by the lines each module starts at,
 * so stack traces (`node --enable-source-maps`) still point at lib/*.ts.
 *
 * Refused, because the module would behave differently from the bundle's location: `__dirname`,
 * `__filename`, `import()`, any other use of `require` (`require.resolve`, a computed specifier), a
 * relative specifier that is not a compiled file, and a separate module (lib/imports) that requires a
 * bundled one (it would load a second copy of it).
 *
 * The output depends only on the compiled files (modules in sorted order, no paths outside the
 * tree, no time stamps): two runs give byte-identical files.
 *
 * The entry as tsc wrote it is kept beside the bundle as index.unbundled.js (with its map; not in the
 * npm package): bench/require.ts measures it too, and bundling again takes the entry from there, so
 * running this twice after one compile gives the same bundle.
 *
 * Usage: ts-node --project projenrc/tsconfig.json scripts/bundle.ts [dir]   (dir: dist/lib)
 * Runs in `npx projen compile`, right after jsii (.projenrc.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** First line after "use strict" of every bundle: a bundle is never bundled again. */
export const BUNDLE_MARKER = '// cdk8s-wasm-edge: bundled by scripts/bundle.ts';

export interface BundleOptions {
  /** The entry module, relative to the folder. @default 'index.js' */
  readonly entry?: string;
  /** Modules (ids relative to the folder, without .js) that stay separate files. @default ids under imports/ */
  readonly separate?: (id: string) => boolean;
}

export interface Bundle {
  /** The bundle's JavaScript (to replace the entry). */
  readonly code: string;
  /** Its source map (JSON). */
  readonly map: string;
  /** The ids of the bundled modules, sorted. */
  readonly modules: string[];
  /** The files the bundle requires from its folder (separate modules), sorted. */
  readonly separate: string[];
  /** Packages and built-ins the bundle requires, sorted. */
  readonly external: string[];
}

/** The file the entry as compiled is kept in once the entry is the bundle: index.js -> index.unbundled.js. */
export const unbundledFile = (entry: string) => entry.replace(/\.js$/, '.unbundled.js');

/** A module of the tree: its text without the sourceMappingURL line, and what its requires resolve to. */
interface ModuleInfo {
  readonly id: string;
  readonly code: string;
  /** specifier -> bundled module id, or the specifier for node's require (from the entry's folder). */
  readonly deps: Map<string, { readonly module: string } | { readonly require: string }>;
}

const isRelative = (spec: string) => spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../');
const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * The `require("...")` specifiers of a compiled module, in source order. For a module to bundle
 * (`bundled`), throws on what a bundle cannot keep; a module kept separate runs from its own file,
 * where those are fine.
 */
export function requireSpecifiers(file: string, code: string, bundled = true): string[] {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const specs: string[] = [];
  const refuse = (node: ts.Node, what: string): void => {
    if (!bundled) return;
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    throw new Error(`bundle: ${file}:${line + 1}: ${what} would change meaning in a bundle (scripts/bundle.ts)`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) refuse(node, 'import()');
    if (ts.isIdentifier(node)) {
      if (node.text === '__dirname' || node.text === '__filename') refuse(node, node.text);
      if (node.text === 'require') {
        const call = node.parent;
        const isPropertyName = (ts.isPropertyAccessExpression(call) && call.name === node) || (ts.isPropertyAssignment(call) && call.name === node);
        if (isPropertyName) return;
        if (ts.isCallExpression(call) && call.expression === node && call.arguments.length === 1 && ts.isStringLiteralLike(call.arguments[0])) {
          specs.push(call.arguments[0].text);
        } else {
          refuse(node, 'a use of require other than require("<literal>")');
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs;
}

/** The module id (relative to the folder, `/`, no .js) a relative specifier of `from` names, or undefined. */
function resolveRelative(dir: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  if (base.startsWith('../')) return undefined;
  for (const [candidate, id] of [[`${base}.js`, base], [`${base}/index.js`, `${base}/index`]]) {
    if (fs.existsSync(path.join(dir, candidate)) && fs.statSync(path.join(dir, candidate)).isFile()) return id;
  }
  return undefined;
}

const stripMapComment = (code: string) => code.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n');

/** Where a module's text (or, with `.map`, its map) is: the entry comes from index.unbundled.js once index.js is the bundle. */
function moduleFile(dir: string, file: string, isEntry: boolean): string {
  const saved = path.join(dir, unbundledFile(file));
  if (isEntry && fs.existsSync(saved) && fs.readFileSync(path.join(dir, file), 'utf-8').includes(BUNDLE_MARKER)) return saved;
  return path.join(dir, file);
}

function readModule(dir: string, file: string, isEntry: boolean): string {
  return fs.readFileSync(moduleFile(dir, file, isEntry), 'utf-8');
}

/** Reads the modules the entry reaches (bundled and separate ones), checking what each requires. */
function collect(dir: string, entryId: string, separate: (id: string) => boolean): Map<string, ModuleInfo> {
  const modules = new Map<string, ModuleInfo>();
  const todo = [entryId];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (modules.has(id)) continue;
    const file = `${id}.js`;
    const code = readModule(dir, file, id === entryId);
    if (code.includes(BUNDLE_MARKER)) {
      throw new Error(`bundle: ${path.join(dir, file)} is already a bundle; compile again first (npx projen compile)`);
    }
    const deps: ModuleInfo['deps'] = new Map();
    for (const spec of requireSpecifiers(file, code, !separate(id))) {
      if (!isRelative(spec)) {
        deps.set(spec, { require: spec });
        continue;
      }
      const target = resolveRelative(dir, id, spec);
      if (target === undefined) throw new Error(`bundle: ${file} requires ${spec}, which is no compiled file in ${dir}`);
      if (separate(id) && !separate(target)) {
        throw new Error(`bundle: ${file} (kept separate) requires ${spec}, a bundled module: it would load a second copy`);
      }
      if (separate(target)) {
        const rel = path.posix.relative(path.posix.dirname(entryId), target);
        deps.set(spec, { require: rel.startsWith('../') ? rel : `./${rel}` });
      } else {
        deps.set(spec, { module: target });
      }
      todo.push(target);
    }
    modules.set(id, { id, code: stripMapComment(code), deps });
  }
  return modules;
}

// Base64 VLQ, as source maps encode their mappings.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source-map mappings as lines of segments with absolute values: [column, source, line, column, name?]. */
export function decodeMappings(mappings: string): number[][][] {
  const state = [0, 0, 0, 0, 0];
  return mappings.split(';').map(line => {
    state[0] = 0;
    return line.split(',').filter(s => s !== '').map(seg => {
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        if (digit < 0) throw new Error(`bundle: bad source map character ${ch}`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      return fields.map((f, i) => (state[i] += f));
    });
  });
}

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    const digit = v & 31;
    v >>>= 5;
    out += B64[v > 0 ? digit | 32 : digit];
  } while (v > 0);
  return out;
}

/** The inverse of decodeMappings. */
export function encodeMappings(lines: number[][][]): string {
  const state = [0, 0, 0, 0, 0];
  return lines.map(segs => {
    state[0] = 0;
    return segs.map(seg => seg.map((v, i) => {
      const d = v - state[i];
      state[i] = v;
      return vlq(d);
    }).join('')).join(',');
  }).join(';');
}

interface RawMap { sources: string[]; sourcesContent?: Array<string | null>; sourceRoot?: string; names?: string[]; mappings: string }

/**
 * Builds the bundle of `dir` (a compiled tree) without writing it.
 */
export function bundle(dir: string, options: BundleOptions = {}): Bundle {
  const entryFile = toPosix(options.entry ?? 'index.js');
  const entryId = entryFile.replace(/\.js$/, '');
  const separate = options.separate ?? ((id: string) => id.startsWith('imports/'));
  if (separate(entryId)) throw new Error(`bundle: the entry ${entryFile} is itself kept separate`);
  const all = collect(dir, entryId, separate);
  const ids = [...all.keys()].filter(id => !separate(id)).sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const sepFiles = new Set<string>();
  const external = new Set<string>();

  const out: string[] = [
    '"use strict";',
    BUNDLE_MARKER + ` from ${ids.length} compiled modules of lib/ (lib/imports and the packages load as separate files).`,
    'const __modules = [',
  ];
  const outLines: number[][][] = [];
  const sources: string[] = [];
  const sourcesContent: Array<string | null> = [];
  const names: string[] = [];
  const sourceIndex = new Map<string, number>();
  const nameIndex = new Map<string, number>();

  for (const id of ids) {
    const mod = all.get(id)!;
    const deps = [...mod.deps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([spec, d]) => {
      if ('module' in d) return `${JSON.stringify(spec)}: ${index.get(d.module)}`;
      if (isRelative(d.require)) sepFiles.add(`${path.posix.normalize(path.posix.join(path.posix.dirname(entryId), d.require))}.js`);
      else external.add(d.require);
      return `${JSON.stringify(spec)}: ${JSON.stringify(d.require)}`;
    });
    // In parentheses: V8 then compiles the function at once instead of pre-parsing it first and
    // parsing it again on the call that follows at load (every bundled module runs at load).
    out.push(`// ${index.get(id)}: ${id}.js`, '[(function (exports, require, module) {');
    const first = out.length;
    const codeLines = mod.code.replace(/\n$/, '').split('\n');
    out.push(...codeLines);
    out.push(`}), { ${deps.join(', ')} }],`);

    const mapFile = `${moduleFile(dir, `${id}.js`, id === entryId)}.map`;
    if (!fs.existsSync(mapFile)) continue;
    const raw = JSON.parse(fs.readFileSync(mapFile, 'utf-8')) as RawMap;
    const srcMap = raw.sources.map((s, i) => {
      const rel = toPosix(path.relative(dir, path.resolve(dir, path.dirname(id), raw.sourceRoot ?? '', s)));
      if (!sourceIndex.has(rel)) {
        sourceIndex.set(rel, sources.length);
        sources.push(rel);
        sourcesContent.push(raw.sourcesContent?.[i] ?? null);
      }
      return sourceIndex.get(rel)!;
    });
    const nameMap = (raw.names ?? []).map(n => {
      if (!nameIndex.has(n)) {
        nameIndex.set(n, names.length);
        names.push(n);
      }
      return nameIndex.get(n)!;
    });
    decodeMappings(raw.mappings).forEach((segs, line) => {
      if (line >= codeLines.length) return;
      outLines[first + line] = segs.map(s => (s.length >= 4
        ? [s[0], srcMap[s[1]], s[2], s[3], ...(s.length >= 5 ? [nameMap[s[4]]] : [])]
        : [s[0]]));
    });
  }

  out.push(
    '];',
    'const __cache = [];',
    '// A bundled module runs once, on its first require; a failed one is dropped, as node drops it.',
    'function __load(i, module) {',
    '  if (__cache[i] !== undefined) return __cache[i].exports;',
    '  const m = __cache[i] = module ?? { exports: {} };',
    '  const [fn, deps] = __modules[i];',
    '  const req = (spec) => {',
    '    const d = Object.prototype.hasOwnProperty.call(deps, spec) ? deps[spec] : undefined;',
    '    if (typeof d === "number") return __load(d);',
    '    if (typeof d === "string") return require(d);',
    '    throw new Error(`cdk8s-wasm-edge: ${JSON.stringify(spec)} is not in the bundle (scripts/bundle.ts)`);',
    '  };',
    '  try {',
    '    fn.call(m.exports, m.exports, req, m);',
    '  } catch (e) {',
    '    __cache[i] = undefined;',
    '    throw e;',
    '  }',
    '  return m.exports;',
    '}',
    ...entryExports(dir, entryId, all, index),
    `//# sourceMappingURL=${path.posix.basename(entryFile)}.map`,
    '',
  );
  for (let i = 0; i < out.length - 1; i++) outLines[i] ??= [];
  const map = {
    version: 3,
    file: path.posix.basename(entryFile),
    sources,
    sourcesContent,
    names,
    mappings: encodeMappings(outLines.slice(0, out.length - 1)),
  };
  return {
    code: out.join('\n'),
    map: JSON.stringify(map),
    modules: ids,
    separate: [...sepFiles].sort(),
    external: [...external].sort(),
  };
}

/**
 * How the bundle hands out the entry's exports. The entry (lib/index.ts) only re-exports, so each
 * export becomes a getter that loads the one module it comes from on first use: requiring the
 * package runs no module until a name is read (the loading cost, issue 11 item 7), and an app pays
 * for the modules it uses. `exports.Name = void 0` lines name every export where node's
 * cjs-module-lexer finds them (ESM `import { Name }` from the package). Which module gives which
 * name is found by loading the compiled modules once, in a child process; if that fails, or a name
 * comes from the entry itself, the entry runs at load as before.
 */
function entryExports(dir: string, entryId: string, all: Map<string, ModuleInfo>, index: Map<string, number>): string[] {
  const eager = [`__load(${index.get(entryId)}, module);`];
  const deps = [...all.get(entryId)!.deps].filter(([, d]) => 'module' in d && index.has(d.module)) as Array<[string, { module: string }]>;
  const script = 'const [entry, deps] = JSON.parse(process.argv[1]); const e = require(entry); const mods = deps.map(([s, f]) => [s, require(f)]);'
    + 'const out = {}; for (const k of Object.keys(e)) { const hit = mods.find(([, m]) => Object.prototype.hasOwnProperty.call(m, k) && m[k] === e[k]); out[k] = hit ? hit[0] : null; }'
    + 'process.stdout.write(JSON.stringify(out));';
  const arg = JSON.stringify([moduleFile(dir, `${entryId}.js`, true), deps.map(([spec, d]) => [spec, path.join(dir, `${d.module}.js`)])]);
  // NODE_PATH: a tree compiled outside the project (the tests') still finds the project's packages.
  const env = Object.assign({}, process.env, { NODE_PATH: [path.join(process.cwd(), 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter) });
  const r = spawnSync(process.execPath, ['-e', script, arg], { cwd: dir, encoding: 'utf-8', env });
  if (r.status !== 0) return eager;
  const from: { [name: string]: string | null } = JSON.parse(r.stdout);
  const names = Object.keys(from).sort();
  if (names.some(n => from[n] === null)) return eager;
  const moduleOf = new Map(deps.map(([spec, d]) => [spec, index.get(d.module)!]));
  return [
    'Object.defineProperty(exports, "__esModule", { value: true });',
    ...names.map(n => `exports.${n} = void 0;`),
    'const __export = (i, name) => ({ enumerable: true, configurable: true, get: () => __load(i)[name] });',
    ...names.map(n => `Object.defineProperty(exports, ${JSON.stringify(n)}, __export(${moduleOf.get(from[n]!)}, ${JSON.stringify(n)}));`),
  ];
}

/**
 * Bundles `dir` and replaces its entry (and the entry's source map) with the bundle; the entry as
 * compiled goes to index.unbundled.js (and .js.map) beside it.
 */
export function writeBundle(dir: string, options: BundleOptions = {}): Bundle {
  const b = bundle(dir, options);
  const file = options.entry ?? 'index.js';
  const entry = path.join(dir, file);
  const code = fs.readFileSync(entry, 'utf-8');
  if (!code.includes(BUNDLE_MARKER)) {
    const saved = path.join(dir, unbundledFile(file));
    fs.writeFileSync(saved, `${stripMapComment(code)}//# sourceMappingURL=${path.basename(saved)}.map\n`);
    if (fs.existsSync(`${entry}.map`)) {
      const map = JSON.parse(fs.readFileSync(`${entry}.map`, 'utf-8'));
      fs.writeFileSync(`${saved}.map`, JSON.stringify(Object.assign(map, { file: path.basename(saved) })));
    }
  }
  fs.writeFileSync(entry, b.code);
  fs.writeFileSync(`${entry}.map`, b.map);
  return b;
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'lib'));
  const b = writeBundle(dir);
  console.log(`bundle: ${path.relative(process.cwd(), path.join(dir, 'index.js'))}: ${b.modules.length} modules, `
    + `${Math.round(b.code.length / 1024)} KiB; separate: ${b.separate.length} files (imports), external: ${b.external.join(', ')}; `
    + (b.code.includes('const __export = ') ? 'exports load their module on first read' : 'the entry runs at load (its exports could not be traced to modules)'));
}
