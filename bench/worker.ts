/**
 * One benchmark measurement, in a fresh process: `node .bench/build/bench/worker.js <mode> <n>
 * <outdir>`. Prints one JSON line. Time is measured from after module loading, so the modes are
 * compared on the work itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Yaml } from 'cdk8s';
import { Node } from 'constructs';
import * as jsyaml from 'js-yaml';
import { EdgeOfflineNode, FleetApp } from '../lib';
import {
  buildFleet, buildFleetCharts, buildGroup, buildLibrary, buildNodes, buildPlain, buildSites, buildTenants, fleetDocuments, plainDocuments,
  writeNodeFiles,
} from './scenarios';

interface Result {
  readonly mode: string;
  readonly n: number;
  readonly ms: number;
  readonly cpuMs: number;
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
  switch (mode) {
    case 'library': return synth(mode, buildLibrary, n, outdir);
    case 'plain': return synth(mode, buildPlain, n, outdir);
    case 'tenants': return synth(mode, buildTenants, n, outdir);
    case 'group': return synth(mode, buildGroup, n, outdir);
    case 'sites': return synth(mode, buildSites, n, outdir);
    case 'yaml': {
      const docs = plainDocuments(n);
      // Only the dump and the write are the lower bound: building the objects is not writing them.
      const start = performance.now();
      const cpu = process.cpuUsage();
      const file = path.join(outdir, 'fleet.k8s.yaml');
      fs.writeFileSync(file, docs.map(d => jsyaml.dump(d, { noRefs: true })).join('---\n'));
      const ms = performance.now() - start;
      return report({ mode, n, ms, cpuMs: cpuMsSince(cpu), ...measure([file]) });
    }
    case 'nodes': {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const app = new App({ outdir: path.join(outdir, 'manifests') });
      buildNodes(app, n);
      const written = writeNodeFiles(app, path.join(outdir, 'nodes'));
      const ms = performance.now() - start;
      return report({ mode, n, ms, cpuMs: cpuMsSince(cpu), ...measure(written) });
    }
    case 'fleet-added': // the sites in the app's tree (addSite): every site in memory at once
    case 'fleet': {
      // Phases: construct, validation, resolve to JSON (ApiObject.toJson), YAML dump of the
      // manifests, node files (rendering, their YAML and TOML included), and the rest (dependency
      // ordering, planning, file I/O).
      const timers = { validation: 0, resolveToJson: 0, yamlDump: 0, nodeFiles: 0 };
      const time = (owner: any, key: string, phase: keyof typeof timers) => {
        const original = owner[key] as (...args: any[]) => any;
        owner[key] = function (this: any, ...args: any[]) {
          const t = performance.now();
          try {
            return original.apply(this, args);
          } finally {
            timers[phase] += performance.now() - t;
          }
        };
      };
      time(Node.prototype, 'validate', 'validation');
      time(ApiObject.prototype, 'toJson', 'resolveToJson');
      const start = performance.now();
      const cpu = process.cpuUsage();
      const app = new FleetApp({ outdir });
      buildFleet(app, n, mode === 'fleet-added');
      const built = performance.now();
      // The manifests' YAML: js-yaml's dump outside node files (node files time their own).
      let inNode = 0;
      // The module object the library's lazy require gets (not this file's import copy).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const jsyamlModule = require('js-yaml');
      const dump = jsyamlModule.dump as typeof jsyaml.dump;
      jsyamlModule.dump = (...args: Parameters<typeof dump>) => {
        if (inNode > 0) return dump(...args);
        const t = performance.now();
        try {
          return dump(...args);
        } finally {
          timers.yamlDump += performance.now() - t;
        }
      };
      for (const key of ['renderFiles', 'renderCloudInit', '_renderAll'] as const) {
        const original = (EdgeOfflineNode.prototype as any)[key];
        (EdgeOfflineNode.prototype as any)[key] = function (this: any, ...args: any[]) {
          // _renderAll and renderCloudInit call renderFiles: the outermost call holds the time.
          const t = inNode === 0 ? performance.now() : undefined;
          inNode++;
          try {
            return original.apply(this, args);
          } finally {
            inNode--;
            if (t !== undefined) timers.nodeFiles += performance.now() - t;
          }
        };
      }
      app.synth();
      const end = performance.now();
      const r = app.lastSynth!;
      const phases = { construct: built - start, ...timers, other: 0 };
      phases.other = end - built - timers.validation - timers.resolveToJson - timers.yamlDump - timers.nodeFiles;
      return report({ mode, n, ms: end - start, cpuMs: cpuMsSince(cpu), maxRssMb: maxRssMb(), bytes: r.bytes, files: r.files.length, phases });
    }
    case 'fleet-plain': {
      // cdk8s's own App.synth() on the same site charts: one chart per site, flat output.
      const start = performance.now();
      const cpu = process.cpuUsage();
      const app = new App({ outdir });
      buildFleetCharts(app, n);
      app.synth();
      const ms = performance.now() - start;
      const files = fs.readdirSync(outdir).map(f => path.join(outdir, f));
      return report({ mode, n, ms, cpuMs: cpuMsSince(cpu), ...measure(files) });
    }
    case 'fleet-yaml': {
      const files = fleetDocuments(n);
      const start = performance.now();
      const cpu = process.cpuUsage();
      const dirs = new Set<string>();
      let bytes = 0;
      for (const f of files) {
        const abs = path.join(outdir, f.path);
        const dir = path.dirname(abs);
        if (!dirs.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          dirs.add(dir);
        }
        const text = f.text ?? f.docs!.map(d => jsyaml.dump(d, { noRefs: true, lineWidth: -1 })).join('---\n');
        fs.writeFileSync(abs, text);
        bytes += Buffer.byteLength(text);
      }
      const ms = performance.now() - start;
      return report({ mode, n, ms, cpuMs: cpuMsSince(cpu), maxRssMb: maxRssMb(), bytes, files: files.length });
    }
    default: throw new Error(`unknown mode ${mode}`);
  }
}

/**
 * Times `app.synth()` as a whole and its steps: construct (before synth), validation (every
 * construct's validations; cdk8s runs them twice, in synth and again per chart), resolve to JSON
 * (the rest of Chart.toJson: dependency ordering, resolving tokens, the typed L1 conversion), YAML
 * writing (Yaml.save) and the rest of synth. The wrappers cost the same per call in every mode.
 */
function synth(mode: string, build: (app: App, n: number) => void, n: number, outdir: string): void {
  const timers = { validation: 0, resolveToJson: 0, yamlWriting: 0 };
  // Wraps a method so its time goes to a phase, less the time of any phase nested inside it.
  const time = (owner: any, key: string, phase: keyof typeof timers) => {
    const original = owner[key] as (...args: any[]) => any;
    owner[key] = function (this: any, ...args: any[]) {
      const t = performance.now();
      const nestedBefore = timers.validation + timers.yamlWriting;
      try {
        return original.apply(this, args);
      } finally {
        const nested = phase === 'resolveToJson' ? timers.validation + timers.yamlWriting - nestedBefore : 0;
        timers[phase] += performance.now() - t - nested;
      }
    };
  };
  time(Node.prototype, 'validate', 'validation');
  time(App, '_synthChart', 'resolveToJson');
  time(Yaml, 'save', 'yamlWriting');

  const start = performance.now();
  const cpu = process.cpuUsage();
  const app = new App({ outdir });
  build(app, n);
  const built = performance.now();
  app.synth();
  const end = performance.now();

  const phases = { construct: built - start, ...timers, other: end - built - timers.validation - timers.resolveToJson - timers.yamlWriting };
  const files = fs.readdirSync(outdir).map(f => path.join(outdir, f));
  report({ mode, n, ms: end - start, cpuMs: cpuMsSince(cpu), ...measure(files), phases });
}

// CPU time of the process (all its threads, GC helpers included): steadier than wall time on a
// shared VM, where another tenant can take the core.
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function measure(files: string[]): { maxRssMb: number; bytes: number; files: number } {
  let bytes = 0;
  for (const f of files) bytes += fs.statSync(f).size;
  return { maxRssMb: maxRssMb(), bytes, files: files.length };
}

function report(r: Result): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}

main();
