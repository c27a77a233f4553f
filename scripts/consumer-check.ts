/**
 * Consumer check: packs the library as npm would publish it, installs the tarball into a fresh
 * temporary cdk8s project with its peer dependencies, and synthesizes a small app from it. Then it
 * copies an example (examples/quickstart, or CONSUMER_EXAMPLE) out of the repository, installs the
 * tarball, the peers and the example's own devDependencies there, and runs `cdk8s synth` in it, as a
 * user who copied the folder would. Proves the published package works, not just the source tree.
 * Needs a compiled dist/lib (npx projen compile).
 *
 * Usage: npx projen consumer-check
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));

function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf-8')).version;
}

const APP = `
const { App, Chart } = require('cdk8s');
const { EdgeNodeRole, EdgeOfflineNode, RuntimeClass, WasmDeployment, WasmRuntime } = require('cdk8s-wasm-edge');
const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'consumer');
const crun = new RuntimeClass(chart, 'Crun', { runtime: WasmRuntime.CRUN });
new WasmDeployment(chart, 'on-k3s', { wasiNetworking: true, wasmContainers: [{ image: 'ghcr.io/acme/hello:1.0', portNumber: 8080 }] });
new WasmDeployment(chart, 'on-crun', { runtimeClass: crun, wasmContainers: [{ image: 'ghcr.io/acme/worker:1.0' }] });
app.synth();
// Node files are written with js-yaml, a bundled dependency: this checks the bundle.
new EdgeOfflineNode(app, 'edge-1', { role: EdgeNodeRole.AGENT, serverUrl: 'https://hub.edge.internal:6443', runtimes: [WasmRuntime.WASMEDGE] });
EdgeOfflineNode.writeAll(app, 'nodes');
`;

const EXAMPLE = process.env.CONSUMER_EXAMPLE ?? 'quickstart';
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/**
 * Copies examples/<name> to work/<name> (without its build output), points its cdk8s-wasm-edge
 * dependency at the tarball and its peers at the versions tested here, installs, and runs the
 * repository's `cdk8s synth` there. cdk8s-cli itself comes from the repository (installing it per
 * run is slow); everything the app loads comes from the copy's own node_modules.
 */
function checkCopiedExample(work: string, tarball: string): Array<[string, boolean]> {
  const src = path.join(ROOT, 'examples', EXAMPLE);
  const dir = path.join(work, EXAMPLE);
  fs.cpSync(src, dir, { recursive: true, filter: f => !['dist', 'nodes', 'node_modules'].includes(path.basename(f)) || path.dirname(f) !== src });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  const declared = manifest.dependencies['cdk8s-wasm-edge'];
  manifest.dependencies['cdk8s-wasm-edge'] = `file:${tarball}`;
  for (const peer of Object.keys(pkg.peerDependencies)) manifest.dependencies[peer] = installedVersion(peer);
  delete manifest.devDependencies['cdk8s-cli'];
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const appCommand = /^app:\s*(.*)$/m.exec(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf-8'))?.[1] ?? '';
  execFileSync('npm', NPM_INSTALL, { cwd: dir, stdio: 'inherit' });
  const cdk8s = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  execFileSync(cdk8s, ['synth', '--no-check-upgrade'], { cwd: dir, stdio: 'inherit' });
  const out = path.join(dir, 'dist');
  const files = fs.existsSync(out) ? fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml')) : [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('js-yaml') as typeof import('js-yaml');
  const docs = files.flatMap(f => yaml.loadAll(fs.readFileSync(path.join(out, f), 'utf-8'))).filter(d => d !== null);
  const resolved = require.resolve('cdk8s-wasm-edge', { paths: [dir] });
  return [
    [`example ${EXAMPLE}: package.json asks for this version (${declared}, package ${pkg.version})`, declared === `^${pkg.version}`],
    [`example ${EXAMPLE}: cdk8s.yaml app stays in the folder (${appCommand})`, appCommand !== '' && !appCommand.includes('..')],
    [`example ${EXAMPLE}: cdk8s-wasm-edge loads from the copy's node_modules`, resolved.startsWith(path.join(dir, 'node_modules') + path.sep)],
    [`example ${EXAMPLE}: cdk8s synth wrote ${files.join(', ') || 'nothing'}`, files.length > 0],
    [`example ${EXAMPLE}: ${docs.length} YAML documents, each an object with kind and apiVersion`,
      docs.length > 0 && docs.every(d => typeof (d as { kind?: unknown }).kind === 'string' && typeof (d as { apiVersion?: unknown }).apiVersion === 'string')],
  ];
}

function main(): void {
  if (!fs.existsSync(path.join(ROOT, pkg.main))) {
    throw new Error(`consumer-check: ${pkg.main} is missing; run npx projen compile first`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-wasm-edge-consumer-'));
  try {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf-8' }).trim().split('\n').pop()!;
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    const deps: Record<string, string> = { 'cdk8s-wasm-edge': `file:${path.join(work, packed)}` };
    for (const peer of Object.keys(pkg.peerDependencies)) deps[peer] = installedVersion(peer);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: deps }, null, 2));
    fs.writeFileSync(path.join(app, 'main.js'), APP);
    execFileSync('npm', NPM_INSTALL, { cwd: app, stdio: 'inherit' });
    execFileSync(process.execPath, ['main.js'], { cwd: app, stdio: 'inherit' });
    const yaml = fs.readFileSync(path.join(app, 'dist', 'consumer.k8s.yaml'), 'utf-8');
    const k3sConfig = fs.readFileSync(path.join(app, 'nodes', 'edge-1', 'etc', 'rancher', 'k3s', 'config.yaml'), 'utf-8');
    const cloudInit = fs.readFileSync(path.join(app, 'nodes', 'edge-1', 'cloud-init.yaml'), 'utf-8');
    const checks: Array<[string, boolean]> = [
      ['runtimeClassName wasmedge (K3s class)', yaml.includes('runtimeClassName: wasmedge')],
      ['crun RuntimeClass emitted', yaml.includes('handler: crun-wasm')],
      ['crun annotation', yaml.includes('module.wasm.image/variant: compat')],
      ['numeric non-root uid', yaml.includes('runAsUser: 65532')],
      ['Wasm-sized requests', yaml.includes('memory: 10Mi')],
      ['K3s agent config written', k3sConfig.includes('server: https://hub.edge.internal:6443')],
      ['cloud-init written', cloudInit.startsWith('#cloud-config\n') && cloudInit.includes('/etc/rancher/k3s/config.yaml')],
      ...checkCopiedExample(work, path.join(work, packed)),
    ];
    for (const [name, ok] of checks) console.log(`${ok ? 'ok' : 'FAILED'} - ${name}`);
    const failed = checks.filter(([, ok]) => !ok).length;
    console.log(`consumer check: ${checks.length - failed} passed, ${failed} failed`);
    if (failed > 0) process.exit(1);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
