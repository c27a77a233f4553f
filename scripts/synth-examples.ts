/**
 * The main job: synthesizes every example under examples/<name>/ into dist/<name>/ (Kubernetes
 * manifests) and dist-nodes/<name>/ (K3s node files, which must never sit among the manifests).
 *
 * Usage: npx projen synth-examples [name ...]
 */
import * as fs from 'fs';
import Module = require('module');
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = 'cdk8s-wasm-edge';

/**
 * The examples import 'cdk8s-wasm-edge', as a copied example does from its node_modules. In the
 * repository that name is lib/ (the `paths` mapping of projenrc/tsconfig.json and test/tsconfig.json
 * gives the types; this gives the module at run time).
 */
export function resolvePackageToLib(): void {
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  if ((original as { cdk8sWasmEdgeAlias?: boolean }).cdk8sWasmEdgeAlias) return;
  const lib = path.join(ROOT, 'lib', 'index.ts');
  const patched = function (this: unknown, request: string, ...rest: unknown[]): string {
    return original.call(this, request === PACKAGE ? lib : request, ...rest);
  };
  (patched as { cdk8sWasmEdgeAlias?: boolean }).cdk8sWasmEdgeAlias = true;
  m._resolveFilename = patched;
}

export function exampleNames(): string[] {
  const dir = path.join(ROOT, 'examples');
  return fs.readdirSync(dir)
    .filter(n => fs.existsSync(path.join(dir, n, 'main.ts')))
    .sort();
}

function main(): void {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : exampleNames();
  resolvePackageToLib();
  for (const name of names) {
    const outdir = path.join(ROOT, 'dist', name);
    const nodesOutdir = path.join(ROOT, 'dist-nodes', name);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.rmSync(nodesOutdir, { recursive: true, force: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const example = require(path.join(ROOT, 'examples', name, 'main.ts'));
    example.synthExample(outdir, nodesOutdir);
    const files = listFiles(outdir).concat(listFiles(nodesOutdir));
    console.log(`${name}: ${files.length} files -> ${path.relative(ROOT, outdir)}/${fs.existsSync(nodesOutdir) ? `, ${path.relative(ROOT, nodesOutdir)}/` : ''}`);
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

if (require.main === module) {
  main();
}
