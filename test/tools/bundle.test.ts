import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { bundle, BUNDLE_MARKER, decodeMappings, encodeMappings, writeBundle } from '../../scripts/bundle';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-wasm-edge-bundle-${name}-`));
const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/**
 * Runs `script` in a fresh node process (the real module loader, not jest's) with the project's
 * packages on NODE_PATH (the trees live in a temporary folder); returns what it printed as JSON.
 */
function node(script: string, args: string[] = [], flags: string[] = []): any {
  const r = spawnSync(process.execPath, [...flags, '-e', script, ...args], {
    encoding: 'utf-8', env: Object.assign({}, process.env, { NODE_PATH: path.join(ROOT, 'node_modules') }),
  });
  if (r.status !== 0) throw new Error(`node failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * Compiles TypeScript sources (path under src/ -> text) into out/ as tsc does (CommonJS, maps with
 * sources); a `.js` entry is written to out/ as it is, without a map.
 */
function compiledTree(files: Record<string, string>): string {
  const root = tmp('fixture');
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const src = path.join(root, 'src', rel);
    const out = path.join(root, 'out', rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(src), { recursive: true });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    if (rel.endsWith('.js')) {
      fs.writeFileSync(out, text);
      continue;
    }
    fs.writeFileSync(src, text);
    const r = ts.transpileModule(text, {
      fileName: path.basename(src),
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true, inlineSources: true },
    });
    const map = JSON.parse(r.sourceMapText!);
    map.sources = [path.relative(path.dirname(out), src).split(path.sep).join('/')];
    fs.writeFileSync(out, r.outputText.replace(/\/\/# sourceMappingURL=.*$/, `//# sourceMappingURL=${path.basename(out)}.map`));
    fs.writeFileSync(`${out}.map`, JSON.stringify(map));
  }
  return path.join(root, 'out');
}

const FIXTURE = {
  'index.ts': [
    "import * as path from 'path';",
    "export * from './shapes';",
    "export { describeShape } from './sub';",
    'export const SEP = path.sep;',
    '// Loaded on first use, as lib/private/lazy.ts does.',
    "export function loadGenerated(): string { return require('./imports/gen').GENERATED; }",
    '',
  ].join('\n'),
  'shapes.ts': [
    "const RTTI = Symbol.for('jsii.rtti');",
    'export class Shape {',
    "  static [RTTI] = { fqn: 'fixture.Shape', version: '1.0.0' };",
    '}',
    'export class Square extends Shape {',
    "  static [RTTI] = { fqn: 'fixture.Square', version: '1.0.0' };",
    '}',
    'export function fail(): never {',
    "  throw new Error('boom');", // line 9, column 9
    '}',
    '',
  ].join('\n'),
  'sub/index.ts': [
    "import { Square } from '../shapes';",
    "export function describeShape(s: object): string { return s instanceof Square ? 'square' : 'other'; }",
    '',
  ].join('\n'),
  'imports/gen.ts': "export const GENERATED = 'generated-class';\n",
};

describe('scripts/bundle.ts', () => {
  test('bundles the modules the entry reaches; lib/imports and packages stay real requires', () => {
    const out = compiledTree(FIXTURE);
    const b = bundle(out);
    expect(b.modules).toEqual(['index', 'shapes', 'sub/index']);
    expect(b.separate).toEqual(['imports/gen.js']);
    expect(b.external).toEqual(['path']);
    expect(b.code).not.toContain('generated-class');
    expect(b.code).toContain('"./imports/gen": "./imports/gen"');
    expect(b.code.split('\n')[1]).toContain(BUNDLE_MARKER);
    // One sourceMappingURL comment, the bundle's own.
    expect(b.code.match(/sourceMappingURL=/g)).toEqual(['sourceMappingURL=']);
    expect(b.code.endsWith('//# sourceMappingURL=index.js.map\n')).toBe(true);
  });

  test('the bundle exports what the modules export; instanceof and jsii RTTI hold; lib/imports loads on first use', () => {
    const out = compiledTree(FIXTURE);
    writeBundle(out);
    const r = node(`
      const loaded = () => Object.keys(require.cache).filter(f => f.includes('imports')).map(f => require('path').basename(f));
      const b = require(process.argv[1]);
      const u = require(process.argv[2]);
      const R = Symbol.for('jsii.rtti');
      const before = loaded();
      const generated = b.loadGenerated();
      console.log(JSON.stringify({
        keys: Object.keys(b).sort(), unbundledKeys: Object.keys(u).sort(), before, after: loaded(), generated,
        sep: b.SEP, square: b.describeShape(new b.Square()), other: b.describeShape(new b.Shape()),
        isShape: new b.Square() instanceof b.Shape, rtti: [b.Shape[R], b.Square[R]], esModule: b.__esModule,
      }));
    `, [path.join(out, 'index.js'), path.join(out, 'index.unbundled.js')]);
    expect(r.keys).toEqual(r.unbundledKeys);
    expect(r.keys).toEqual(['SEP', 'Shape', 'Square', 'describeShape', 'fail', 'loadGenerated']);
    expect(r.before).toEqual([]);
    expect(r.after).toEqual(['gen.js']);
    expect(r.generated).toBe('generated-class');
    expect(r.sep).toBe(path.sep);
    expect([r.square, r.other, r.isShape]).toEqual(['square', 'other', true]);
    expect(r.rtti).toEqual([{ fqn: 'fixture.Shape', version: '1.0.0' }, { fqn: 'fixture.Square', version: '1.0.0' }]);
    expect(r.esModule).toBe(true);
  });

  test('stack traces map to the TypeScript sources (node --enable-source-maps)', () => {
    const out = compiledTree(FIXTURE);
    writeBundle(out);
    const r = node('try { require(process.argv[1]).fail(); } catch (e) { console.log(JSON.stringify(e.stack.split("\\n")[1])); }',
      [path.join(out, 'index.js')], ['--enable-source-maps']);
    expect(r).toContain(`${path.join(path.dirname(out), 'src', 'shapes.ts')}:9:9`);
  });

  test('deterministic: the same tree gives the same bytes, wherever it lies', () => {
    const out = compiledTree(FIXTURE);
    const copy = path.join(tmp('copy'), 'elsewhere');
    dirs.push(path.dirname(copy));
    fs.cpSync(path.dirname(out), copy, { recursive: true });
    const [a, b, c] = [bundle(out), bundle(out), bundle(path.join(copy, 'out'))];
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  test('source map mappings decode and encode back unchanged', () => {
    const mappings = ';;;;AAAA,iEAA2E;AAElE,6FAFA,+BAAY,OAEA;AAgBrB,sFAAsF;;IACjB;QAClE,OAAO,CAAC,YAAY,kCAAe,IAAI';
    expect(encodeMappings(decodeMappings(mappings))).toBe(mappings);
    expect(decodeMappings('AAAA;AACA,EAAE;;CAAC')).toEqual([[[0, 0, 0, 0]], [[0, 0, 1, 0], [2, 0, 1, 2]], [], [[1, 0, 1, 3]]]);
    const lines = [[[0, 0, 0, 0, 0]], [[100000, 1, 500, 3, 7], [4]]];
    expect(decodeMappings(encodeMappings(lines))).toEqual(lines);
  });

  test.each([
    ['__dirname', 'index.ts', 'export const here = __dirname;\n', '__dirname'],
    ['__filename', 'index.ts', 'export const here = __filename;\n', '__filename'],
    ['require.resolve', 'index.ts', "export const p = require.resolve('path');\n", 'a use of require'],
    ['a computed specifier', 'index.ts', "const m = 'path';\nexport const p = require(m);\n", 'a use of require other than require("<literal>")'],
    ['a missing relative file', 'index.ts', "export * from './nowhere';\n", './nowhere, which is no compiled file'],
    // tsc keeps import() in a CommonJS file under module node16 (the package's tsconfig.json).
    ['import()', 'index.js', "'use strict';\nexports.p = import('path');\n", 'index.js:2: import()'],
  ])('refuses %s', (_name, file, source, message) => {
    expect(() => bundle(compiledTree({ [file]: source }))).toThrow(message);
  });

  test('a separate module runs from its own file: __dirname and computed requires are fine there', () => {
    const out = compiledTree({
      'index.ts': "export const g = (): string => require('./imports/gen').here;\n",
      'imports/gen.ts': "const name = 'path';\nexport const here = require(name).basename(__dirname);\n",
    });
    writeBundle(out);
    expect(node('console.log(JSON.stringify(require(process.argv[1]).g()))', [path.join(out, 'index.js')])).toBe('imports');
  });

  test('refuses a separate module that requires a bundled one (a second copy would load)', () => {
    const out = compiledTree({
      'index.ts': "export const g = () => require('./imports/gen');\nexport const x = 1;\n",
      'imports/gen.ts': "export { x } from '../index';\n",
    });
    expect(() => bundle(out)).toThrow('imports/gen.js (kept separate) requires ../index, a bundled module');
  });

  test('bundling again gives the same files: the entry as compiled is kept in index.unbundled.js', () => {
    const out = compiledTree(FIXTURE);
    const compiled = fs.readFileSync(path.join(out, 'index.js'), 'utf-8');
    writeBundle(out);
    const files = ['index.js', 'index.js.map', 'index.unbundled.js', 'index.unbundled.js.map'];
    const first = files.map(f => fs.readFileSync(path.join(out, f), 'utf-8'));
    expect(first[2].trimEnd()).toBe(compiled.replace('sourceMappingURL=index.js.map', 'sourceMappingURL=index.unbundled.js.map').trimEnd());
    expect(JSON.parse(first[3]).file).toBe('index.unbundled.js');
    writeBundle(out);
    expect(files.map(f => fs.readFileSync(path.join(out, f), 'utf-8'))).toEqual(first);
  });

  test('refuses to bundle a bundle whose compiled entry is gone (compile again first)', () => {
    const out = compiledTree(FIXTURE);
    writeBundle(out);
    fs.rmSync(path.join(out, 'index.unbundled.js'));
    expect(() => bundle(out)).toThrow('is already a bundle; compile again first');
  });
});

/**
 * The library itself, compiled as jsii does (tsc with the package's tsconfig.json; jsii adds only the
 * RTTI symbols, covered above): the bundle exposes the same exports as the unbundled index.js, holds
 * no lib/imports module, and loads those on first use from the real files.
 */
describe('scripts/bundle.ts on the compiled library', () => {
  let out: string;
  let b: ReturnType<typeof bundle>;
  beforeAll(() => {
    out = path.join(tmp('lib'), 'dist', 'lib');
    dirs.push(path.dirname(path.dirname(out)));
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    // --noCheck: the emit is the same; type errors are tsc's and jest's business, not this test's.
    const r = spawnSync(tsc, ['-p', path.join(ROOT, 'tsconfig.json'), '--outDir', out, '--noCheck', '--declaration', 'false'], { encoding: 'utf-8' });
    if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
    b = writeBundle(out);
  }, 300_000);

  test('every compiled lib module but lib/imports is in the bundle; lib/imports and packages are not', () => {
    const compiled = (dir: string): string[] => fs.readdirSync(path.join(out, dir), { withFileTypes: true }).flatMap(e => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return compiled(rel);
      return e.name.endsWith('.js') && rel !== 'index.unbundled.js' ? [rel.replace(/\.js$/, '')] : [];
    });
    // A module of types only (an interface) compiles to an empty module; one nothing requires at
    // run time (its imports are type-only) is not reached, and may be left out.
    const typesOnly = (f: string) => /^"use strict";\s*Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);\s*(\/\/# sourceMappingURL=\S+\s*)?$/
      .test(fs.readFileSync(path.join(out, `${f}.js`), 'utf-8'));
    const all = compiled('.').map(f => f.replace(/^\.\//, '')).filter(f => !(typesOnly(f) && !b.modules.includes(f)));
    expect(all.length).toBeGreaterThan(50);
    expect(b.modules).toEqual(all.filter(f => !f.startsWith('imports/')).sort());
    expect(b.modules.length).toBeGreaterThan(50);
    expect(b.separate.length).toBeGreaterThan(0);
    expect(b.separate.every(f => f.startsWith('imports/') && fs.existsSync(path.join(out, f)))).toBe(true);
    expect(b.external).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-30', 'constructs', 'js-yaml']));
    expect(b.external.filter(e => e.startsWith('.'))).toEqual([]);
    // The generated CRD classes are not in it (lib/imports/keda.ts defines class ScaledObject).
    expect(b.code).not.toMatch(/class ScaledObject extends/);
    expect(fs.readFileSync(path.join(out, 'imports', 'keda.js'), 'utf-8')).toMatch(/class ScaledObject extends/);
  });

  test('requiring it exposes the same exports as the unbundled index.js (kept as index.unbundled.js)', () => {
    const r = node(`
      const b = require(process.argv[1]);
      const u = require(process.argv[2]);
      const shape = m => Object.keys(m).sort().map(k => [k, typeof m[k], typeof m[k] === 'function' ? m[k].name : typeof m[k] === 'object' ? Object.keys(m[k]).sort() : m[k]]);
      console.log(JSON.stringify({ bundled: shape(b), unbundled: shape(u) }));
    `, [path.join(out, 'index.js'), path.join(out, 'index.unbundled.js')]);
    expect(r.bundled.length).toBeGreaterThan(50);
    expect(r.bundled).toEqual(r.unbundled);
  });

  test('its exports load their module on first read: requiring it runs no module (not even its peers)', () => {
    const r = node(`
      const loaded = () => Object.keys(require.cache).filter(f => f.includes('node_modules/cdk8s-plus-30/')).length;
      const b = require(process.argv[1]);
      const before = loaded();
      const names = Object.keys(b).length;
      const cls = b.WasmDeployment;
      console.log(JSON.stringify({ before, after: loaded(), names, cls: typeof cls, same: b.WasmDeployment === cls }));
    `, [path.join(out, 'index.js')]);
    expect(r.before).toBe(0);
    expect(r.after).toBeGreaterThan(0);
    expect(r.names).toBeGreaterThan(50);
    expect(r).toEqual(expect.objectContaining({ cls: 'function', same: true }));
    // Every name is where node's cjs-module-lexer finds it (ESM named imports of the package).
    expect(b.code).toMatch(/^exports\.WasmDeployment = void 0;$/m);
  });

  test('lib/imports load on first use, from the real files beside the bundle; instanceof holds', () => {
    const r = node(`
      const { App, Chart } = require('cdk8s');
      const { Construct } = require('constructs');
      const lib = require(process.argv[1]);
      const loaded = () => Object.keys(require.cache).filter(f => f.startsWith(process.argv[2]));
      const before = loaded();
      const app = new App();
      const c = new Chart(app, 'c');
      const d = new lib.WasmDeployment(c, 'd', { wasmContainers: [{ image: 'ghcr.io/acme/worker:1.0' }] });
      new lib.KedaScaledObject(c, 's', { target: d, triggers: [lib.KedaTrigger.cron({ timezone: 'UTC', start: '0 8 * * *', end: '0 20 * * *', desiredReplicas: 2 })] });
      const kinds = c.toJson().map(o => o.kind).sort();
      console.log(JSON.stringify({ before, after: loaded(), kinds, isDeployment: d instanceof lib.WasmDeployment, isConstruct: d instanceof Construct }));
    `, [path.join(out, 'index.js'), out + path.sep]);
    expect(r.before).toEqual([path.join(out, 'index.js')]);
    expect(r.after).toEqual([path.join(out, 'index.js'), path.join(out, 'imports', 'keda.js')]);
    expect(r.kinds).toEqual(expect.arrayContaining(['Deployment', 'ScaledObject']));
    expect([r.isDeployment, r.isConstruct]).toEqual([true, true]);
  });

  test('its source map points at lib/*.ts: every source is a lib file, and a ValidationError maps to lib/private/errors.ts', () => {
    const map = JSON.parse(fs.readFileSync(path.join(out, 'index.js.map'), 'utf-8'));
    const sources = (map.sources as string[]).map(s => path.relative(ROOT, path.resolve(out, s)).split(path.sep).join('/'));
    expect(sources).toEqual(b.modules.map(m => `lib/${m}.ts`));
    expect((map.sourcesContent as string[]).every(s => typeof s === 'string' && s.length > 0)).toBe(true);
    const frames = node(`
      const { App, Chart } = require('cdk8s');
      const lib = require(process.argv[1]);
      try { new lib.WasmDeployment(new Chart(new App(), 'c'), 'd', { wasmContainers: [{ image: 'x:1', portNumber: 99999 }] }); }
      catch (e) { console.log(JSON.stringify(e.stack.split('\\n').slice(1, 4))); }
    `, [path.join(out, 'index.js')], ['--enable-source-maps']);
    expect(frames[0]).toContain(path.join(ROOT, 'lib', 'private', 'errors.ts'));
    expect(frames.join('\n')).not.toContain('index.js');
  });
});
