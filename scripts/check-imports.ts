/**
 * Import-graph check (issue 11, item 5): fails on any import cycle among lib/**\/*.ts and on any
 * import from a lower layer into a higher one. Layers, lowest first:
 *
 *   0 lib/imports/            generated CRD classes
 *   1 lib/private/            the private kit (imports, private and external packages only)
 *   2 building blocks         lib/core, lib/node, lib/scaling, lib/routing, lib/backends, lib/kubeedge, lib/fleet
 *   3 named constructs        top-level lib/*.ts
 *   4 app-wide constructs     lib/policy, lib/monitoring: derived from the named constructs of the
 *                             whole app (their classes, images, ports, budgets), so above them
 *   5 lib/index.ts            re-exports every layer
 *
 * An edge is any runtime dependency: `import ... from`, `import '...'`, `export ... from`,
 * `import x = require(...)`, `require(...)` and `import(...)` (a lazy require still depends on the
 * module). Type-only imports and exports (`import type`, `export type ... from`, and `import { type A }`
 * when every name is type-only) are ignored: TypeScript erases them.
 *
 * Usage: ts-node --project projenrc/tsconfig.json scripts/check-imports.ts [--report-only] [dir]
 * `--report-only` (or CHECK_IMPORTS=report) prints the findings and exits 0.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** Module graph: file (relative to the root, with `/`) -> the files it imports, in source order. */
export type ImportGraph = Map<string, string[]>;

/** Building-block folders (layer 2). */
export const BUILDING_BLOCKS = ['core', 'node', 'scaling', 'routing', 'backends', 'kubeedge', 'fleet'];

/** App-wide folders (layer 4): constructs derived from the named constructs of the whole app. */
export const APP_WIDE = ['policy', 'monitoring'];

export const LAYER_NAMES = [
  'generated imports (lib/imports)', 'private kit (lib/private)', 'building blocks', 'named constructs (lib/*.ts)', 'app-wide constructs',
  'the public index (lib/index.ts)',
];

/**
 * The layer of a file given relative to lib/ (`private/errors.ts`), or undefined when it lies in no
 * layer (a new folder nobody placed yet, which is itself reported).
 */
export function layerOf(file: string): number | undefined {
  const parts = file.split('/');
  if (file === 'index.ts') return 5;
  if (parts.length === 1) return 3;
  if (parts[0] === 'imports') return 0;
  if (parts[0] === 'private') return 1;
  if (BUILDING_BLOCKS.includes(parts[0])) return 2;
  if (APP_WIDE.includes(parts[0])) return 4;
  return undefined;
}

/** The module specifiers a source file depends on at run time, in source order. */
export function runtimeSpecifiers(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const literal = (e: ts.Expression | undefined) => (e && ts.isStringLiteralLike(e) ? e.text : undefined);
  const push = (s: string | undefined) => { if (s !== undefined) out.push(s); };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (
        clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)
        && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every(e => e.isTypeOnly)));
      if (!typeOnly) push(literal(node.moduleSpecifier));
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause)
        && node.exportClause.elements.length > 0 && node.exportClause.elements.every(e => e.isTypeOnly));
      if (!typeOnly) push(literal(node.moduleSpecifier));
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) push(literal(node.moduleReference.expression));
      return;
    }
    if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && node.arguments.length === 1) push(literal(node.arguments[0]));
    }
    // Type positions never load a module (`typeof import('./x')`, `import('./x').T`).
    if (ts.isImportTypeNode(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every .ts file under dir (not .d.ts), relative to dir, with `/`, sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Resolves a relative specifier of `from` against the known files (`x.ts`, then `x/index.ts`);
 * undefined for packages and for files outside the set.
 */
export function resolveSpecifier(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** The import graph of every .ts file under dir (edges to packages and outside dir dropped). */
export function buildGraph(dir: string): ImportGraph {
  const files = sourceFiles(dir);
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const f of files) {
    const targets: string[] = [];
    for (const spec of runtimeSpecifiers(f, fs.readFileSync(path.join(dir, f), 'utf-8'))) {
      const t = resolveSpecifier(f, spec, known);
      if (t !== undefined && t !== f && !targets.includes(t)) targets.push(t);
    }
    graph.set(f, targets);
  }
  return graph;
}

/**
 * Import cycles: the strongly connected components with more than one file, or a file that imports
 * itself (Tarjan's algorithm, iterative so deep graphs cannot overflow the stack). Each cycle is
 * sorted; the list is sorted by its first file.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const edges = (v: string) => graph.get(v) ?? [];

  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    index.set(root, counter); low.set(root, counter); counter++;
    stack.push(root); onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const next = edges(v);
      if (i < next.length) {
        frame[1]++;
        const w = next[i];
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter); counter++;
          stack.push(w); onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || edges(v).includes(v)) sccs.push(scc.sort());
      }
    }
  }
  return sccs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** One path around a cycle, starting and ending at its first file (for the message). */
export function cyclePath(graph: ImportGraph, scc: string[]): string[] {
  const members = new Set(scc);
  const start = scc[0];
  // Breadth-first search for the shortest way back to start inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const way: string[] = [];
        for (let x: string | undefined = v; x !== undefined; x = prev.get(x)) way.unshift(x);
        return [...way, start];
      }
      if (!prev.has(w) && w !== start) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc, start];
}

export interface LayerViolation {
  readonly from: string;
  readonly to: string;
  readonly problem: string;
}

/** Edges from a lower layer into a higher one, and files that lie in no layer. */
export function findLayerViolations(graph: ImportGraph): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const [from, targets] of graph) {
    const lf = layerOf(from);
    if (lf === undefined) {
      out.push({ from, to: '', problem: `lies in no layer (known folders: imports, private, ${BUILDING_BLOCKS.join(', ')}, ${APP_WIDE.join(', ')}; or top-level lib/*.ts)` });
      continue;
    }
    for (const to of targets) {
      const lt = layerOf(to);
      if (lt !== undefined && lt > lf) {
        out.push({ from, to, problem: `${LAYER_NAMES[lf]} imports ${LAYER_NAMES[lt]}` });
      }
    }
  }
  return out;
}

/** The report lines (empty when the graph is clean). */
export function checkGraph(graph: ImportGraph, prefix = 'lib/'): string[] {
  const lines: string[] = [];
  for (const scc of findCycles(graph)) {
    const component = scc.length > 2 ? ` (component of ${scc.length} files: ${scc.map(f => prefix + f).join(', ')})` : '';
    lines.push(`import cycle: ${cyclePath(graph, scc).map(f => prefix + f).join(' -> ')}${component}`);
  }
  for (const v of findLayerViolations(graph)) {
    lines.push(v.to ? `layer violation: ${prefix}${v.from} -> ${prefix}${v.to}: ${v.problem}` : `layer violation: ${prefix}${v.from} ${v.problem}`);
  }
  return lines;
}

function main(): void {
  const args = process.argv.slice(2);
  const reportOnly = args.includes('--report-only') || process.env.CHECK_IMPORTS === 'report';
  const dir = path.resolve(__dirname, '..', args.find(a => !a.startsWith('--')) ?? 'lib');
  const graph = buildGraph(dir);
  const lines = checkGraph(graph, `${path.relative(path.resolve(__dirname, '..'), dir)}/`);
  const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
  if (lines.length === 0) {
    console.log(`check-imports: ${graph.size} files, ${edges} imports: no cycle, no layer violation`);
    return;
  }
  for (const l of lines) console.error(l);
  console.error(`check-imports: ${lines.length} problem(s) in ${graph.size} files, ${edges} imports`
    + (reportOnly ? ' (report only)' : '. Layers: imports < private < building blocks < lib/*.ts; no cycles (scripts/check-imports.ts)'));
  if (!reportOnly) process.exit(1);
}

if (require.main === module) {
  main();
}
