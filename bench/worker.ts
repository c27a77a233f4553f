/**
 * One benchmark measurement, in a fresh process: `node -r ts-node/register/transpile-only
 * bench/worker.ts <mode> <n> <outdir>`. Prints one JSON line. Time is measured from after module
 * loading, so the three modes are compared on the work itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { buildLibrary, buildNodes, buildPlain, plainDocuments, writeNodeFiles } from './scenarios';

interface Result {
  readonly mode: string;
  readonly n: number;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly bytes: number;
  readonly files: number;
  readonly phases?: { [phase: string]: number };
}

function main(): void {
  const [mode, nText, outdir] = process.argv.slice(2);
  const n = Number(nText);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const start = performance.now();
  let phases: { [phase: string]: number } | undefined;
  switch (mode) {
    case 'library': synth(buildLibrary, n, outdir); break;
    case 'plain': synth(buildPlain, n, outdir); break;
    case 'yaml': {
      const docs = plainDocuments(n);
      // Only the dump and the write are the lower bound: building the objects is not writing them.
      const t = performance.now();
      fs.writeFileSync(path.join(outdir, 'fleet.k8s.yaml'), docs.map(d => jsyaml.dump(d, { noRefs: true })).join('---\n'));
      report({ mode, n, ms: performance.now() - t, ...measure(outdir) });
      return;
    }
    case 'library-phases': phases = phased(n, outdir); break;
    case 'nodes': {
      const app = new App({ outdir: path.join(outdir, 'manifests') });
      buildNodes(app, n);
      writeNodeFiles(app, path.join(outdir, 'nodes'));
      break;
    }
    default: throw new Error(`unknown mode ${mode}`);
  }
  report({ mode, n, ms: performance.now() - start, ...measure(outdir), phases });
}

function synth(build: (app: App, n: number) => void, n: number, outdir: string): void {
  const app = new App({ outdir });
  build(app, n);
  app.synth();
}

// The steps of App.synth() timed one by one (same order: validate, resolve to JSON, write YAML).
function phased(n: number, outdir: string): { [phase: string]: number } {
  const t0 = performance.now();
  const app = new App({ outdir });
  buildLibrary(app, n);
  const t1 = performance.now();
  const errors = app.node.findAll().flatMap(c => c.node.validate());
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const t2 = performance.now();
  const charts = app.charts.map(chart => ({ chart, docs: chart.toJson() }));
  const t3 = performance.now();
  for (const { chart, docs } of charts) {
    fs.writeFileSync(path.join(outdir, `${chart.node.id}.k8s.yaml`), Yaml.stringify(...docs));
  }
  const t4 = performance.now();
  return { construct: t1 - t0, validation: t2 - t1, resolveToJson: t3 - t2, yamlWriting: t4 - t3 };
}

function measure(dir: string): { maxRssMb: number; bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else { bytes += fs.statSync(p).size; files++; }
    }
  };
  walk(dir);
  return { maxRssMb: process.resourceUsage().maxRSS / 1024, bytes, files };
}

function report(r: Result): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}

main();
