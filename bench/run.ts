/**
 * Fleet-scale synthesis benchmark (issue 6). Not a test: `npm run bench`.
 *
 * For N = 1000, 5000, 10000 workloads (Deployment + Service + KEDA ScaledObject each):
 *   (a) this library, (b) hand-written cdk8s-plus-30, (c) js-yaml dump of the same documents;
 * and node files for 1000 and 10000 EdgeOfflineNodes. Each measurement runs in a fresh process,
 * RUNS times; the median is reported. Prints one JSON object, then a table. Also the loading cost:
 * requiring the package against requiring its peers alone (bench/require.ts; `requireMs`,
 * `requireMsPeersOnly`). BENCH_ONLY=require measures only that (a few seconds).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measureRequire, requireRows, RequireTimes } from './require';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,10000').split(',').map(Number);
const NODE_SIZES = (process.env.BENCH_NODE_SIZES ?? '1000,10000').split(',').map(Number);
// Opt-in fleet shapes (not part of the 3-minute run): mode and its sizes (tenant charts, workloads
// on one node group, site charts). Each pair of sizes shows whether time grows linearly.
const EXTRA: Array<[string, number[]]> = process.env.BENCH_EXTRA ? [['tenants', [50, 100]], ['group', [1000, 2000]], ['sites', [150, 300]]] : [];
// The fleet section (issue 12): sites of one K3s server + 2 agents, 5 WasmDeployments with
// Services and a KEDA ScaledObject each, through FleetApp; cdk8s's own App.synth() on the same
// charts at the smaller sizes (it is quadratic in charts); js-yaml writing the same files.
const FLEET_SIZES = (process.env.BENCH_FLEET_SIZES ?? '1000,5000,10000').split(',').map(Number);
const FLEET_PLAIN_SIZES = (process.env.BENCH_FLEET_PLAIN_SIZES ?? '500,1000').split(',').map(Number);
// The baselines run once each by default: plain cdk8s at 1000 sites alone takes minutes (quadratic).
const FLEET_BASELINE_RUNS = Number(process.env.BENCH_FLEET_BASELINE_RUNS ?? 1);
const PROJECT_BENCH = path.resolve(__dirname, '..', '.bench');
// Output goes to a tmpfs when there is one, so the numbers measure synthesis, not the virtual disk of
// a CI machine (the 10000-node case makes 120000 directories); BENCH_DIR picks another place.
const WORK = process.env.BENCH_DIR ? path.resolve(process.env.BENCH_DIR) : defaultWorkDir();

function defaultWorkDir(): string {
  const shm = '/dev/shm';
  try {
    fs.accessSync(shm, fs.constants.W_OK);
    return fs.mkdtempSync(path.join(shm, 'cdk8s-wasm-edge-bench-'));
  } catch {
    return path.join(PROJECT_BENCH, 'out');
  }
}

interface Sample {
  mode: string; n: number; ms: number; cpuMs: number; maxRssMb: number; bytes: number; files: number; phases?: Record<string, number>;
}

/** The fleet section: FleetApp at FLEET_SIZES, plain cdk8s at FLEET_PLAIN_SIZES, js-yaml at the largest size. */
function fleetSection() {
  const lib = FLEET_SIZES.map(n => {
    const s = measure(['fleet'], n).fleet;
    process.stderr.write(`fleet sites=${n}: ${round(s.ms, 0)} ms, ${round(s.maxRssMb, 0)} MB\n`);
    return s;
  });
  const plain = FLEET_PLAIN_SIZES.map(n => {
    const s = measure(['fleet-plain'], n, FLEET_BASELINE_RUNS)['fleet-plain'];
    process.stderr.write(`fleet-plain sites=${n}: ${round(s.ms, 0)} ms\n`);
    return s;
  });
  const largest = Math.max(...FLEET_SIZES);
  const yaml = measure(['fleet-yaml'], largest, FLEET_BASELINE_RUNS)['fleet-yaml'];
  process.stderr.write(`fleet-yaml sites=${largest}: ${round(yaml.ms, 0)} ms\n`);
  const at = (samples: Sample[], n: number) => samples.find(s => s.n === n);
  const lib1000 = at(lib, 1000);
  const plain1000 = at(plain, 1000);
  const smallest = Math.min(...FLEET_SIZES);
  return {
    sites: lib.map(s => ({
      sites: s.n,
      ms: round(s.ms, 0),
      cpuMs: round(s.cpuMs, 0),
      peakMB: round(s.maxRssMb, 0),
      mbWritten: round(s.bytes / 2 ** 20, 1),
      files: s.files,
      phases: Object.fromEntries(Object.entries(s.phases ?? {}).map(([k, v]) => [k, round(v, 0)])),
    })),
    plain: plain.map(s => ({ sites: s.n, ms: round(s.ms, 0), cpuMs: round(s.cpuMs, 0), peakMB: round(s.maxRssMb, 0) })),
    yaml: { sites: largest, ms: round(yaml.ms, 0), cpuMs: round(yaml.cpuMs, 0), mbWritten: round(yaml.bytes / 2 ** 20, 1) },
    ratioToYaml: round(at(lib, largest)!.ms / yaml.ms),
    ratioToYamlCpu: round(at(lib, largest)!.cpuMs / yaml.cpuMs),
    ratioToPlainAt1000: lib1000 && plain1000 ? round(lib1000.ms / plain1000.ms) : undefined,
    growth: round(at(lib, largest)!.ms / at(lib, smallest)!.ms),
    growthFactor: largest / smallest,
    runs: { library: RUNS, baselines: FLEET_BASELINE_RUNS },
    targets: { growth: 11, ratioToYaml: 3, ratioToPlainAt1000: 0.25, peakMBAt10000: 1536, totalSeconds: 360 },
  };
}

function printFleet(f: ReturnType<typeof fleetSection>): void {
  const rows = [['sites', 'ms', 'CPU ms', 'peak MB', 'MB written', 'files', 'construct', 'validation', 'resolveToJson', 'yamlDump', 'nodeFiles', 'other']];
  for (const s of f.sites) {
    const p = s.phases as Record<string, number>;
    rows.push([String(s.sites), String(s.ms), String(s.cpuMs), String(s.peakMB), String(s.mbWritten), String(s.files),
      ...['construct', 'validation', 'resolveToJson', 'yamlDump', 'nodeFiles', 'other'].map(k => String(p[k] ?? ''))]);
  }
  for (const s of f.plain) rows.push([`${s.sites} plain cdk8s`, String(s.ms), String(s.cpuMs), String(s.peakMB), '', '', '', '', '', '', '', '']);
  rows.push([`${f.yaml.sites} js-yaml`, String(f.yaml.ms), String(f.yaml.cpuMs), '', String(f.yaml.mbWritten), '', '', '', '', '', '', '']);
  printTable(rows);
  console.log(`fleet: growth x${f.growth} for x${f.growthFactor} sites (target <= ${f.targets.growth}), ratioToYaml ${f.ratioToYaml} (CPU ${f.ratioToYamlCpu}; target <= 3), `
    + `ratioToPlainAt1000 ${f.ratioToPlainAt1000} (target <= 0.25)`);
}

const BUILD = path.join(PROJECT_BENCH, 'build');

// Compile the library and the worker once, so each measured process starts in a fraction of a
// second instead of transpiling the library again.
function compile(): void {
  const tsc = path.resolve(__dirname, '..', 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', path.join(__dirname, 'tsconfig.json')], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`bench: compiling failed:\n${r.stdout}${r.stderr}`);
}

function run(mode: string, n: number): Sample {
  const outdir = path.join(WORK, `${mode}-${n}`);
  const r = spawnSync(process.execPath, [path.join(BUILD, 'bench', 'worker.js'), mode, String(n), outdir], {
    encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench ${mode} ${n} failed:\n${r.stderr}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The median run by wall time; CPU time and peak memory are the medians of their own. */
function median(samples: Sample[]): Sample {
  const mid = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const byTime = [...samples].sort((x, y) => x.ms - y.ms)[Math.floor(samples.length / 2)];
  return Object.assign({}, byTime, { cpuMs: mid(samples.map(s => s.cpuMs)), maxRssMb: mid(samples.map(s => s.maxRssMb)) });
}

/** RUNS samples of each mode, interleaved (a, b, c, a, b, c, ...) so drift in the machine's speed hits all modes alike. */
function measure(modes: string[], n: number, runs = RUNS): Record<string, Sample> {
  const samples: Record<string, Sample[]> = Object.fromEntries(modes.map(m => [m, []]));
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) samples[mode].push(run(mode, n));
  }
  return Object.fromEntries(modes.map(m => [m, median(samples[m])]));
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.platform()} ${os.arch()}` };
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(line(rows[0]));
  console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

function requireSummary(t: RequireTimes) {
  return {
    requireMs: t.requireMs,
    requireMsPeersOnly: t.requireMsPeersOnly,
    requireRatio: t.requireRatio,
    requireCpuMs: t.requireCpuMs,
    requireCpuMsPeersOnly: t.requireCpuMsPeersOnly,
    requireCpuRatio: t.requireCpuRatio,
    requireMsAllExports: t.requireMsAllExports,
    requireCpuMsAllExports: t.requireCpuMsAllExports,
    requireMsUnbundled: t.requireMsUnbundled,
    requireUnbundledRatio: t.requireUnbundledRatio,
    requireCpuMsUnbundled: t.requireCpuMsUnbundled,
    requireCpuUnbundledRatio: t.requireCpuUnbundledRatio,
    requireTarget: t.target,
    requireRuns: t.runs,
  };
}

function main(): void {
  const started = Date.now();
  if (process.env.BENCH_ONLY === 'fleet') {
    fs.rmSync(BUILD, { recursive: true, force: true });
    compile();
    const fleet = fleetSection();
    fs.rmSync(WORK, { recursive: true, force: true });
    const totalSeconds = round((Date.now() - started) / 1000, 1);
    console.log(JSON.stringify({ machine: machine(), runs: RUNS, fleet, totalSeconds }, null, 2));
    printFleet(fleet);
    return;
  }
  if (process.env.BENCH_ONLY === 'require') {
    const t = measureRequire();
    const totalSeconds = round((Date.now() - started) / 1000, 1);
    console.log(JSON.stringify(Object.assign({ machine: machine() }, requireSummary(t), { totalSeconds }), null, 2));
    printTable(requireRows(t));
    return;
  }
  fs.rmSync(BUILD, { recursive: true, force: true });
  compile();
  const results: Record<string, Record<number, Sample>> = { library: {}, plain: {}, yaml: {}, nodes: {} };
  for (const n of SIZES) {
    const m = measure(['library', 'plain', 'yaml'], n);
    for (const mode of Object.keys(m)) {
      results[mode][n] = m[mode];
      process.stderr.write(`${mode} n=${n}: ${round(m[mode].ms, 0)} ms\n`);
    }
  }
  for (const n of NODE_SIZES) {
    results.nodes[n] = measure(['nodes'], n).nodes;
    process.stderr.write(`nodes n=${n}: ${round(results.nodes[n].ms, 0)} ms\n`);
  }
  const fleet = FLEET_SIZES.length > 0 && FLEET_SIZES[0] > 0 ? fleetSection() : undefined;
  const extra: Record<string, Sample[]> = {};
  for (const [mode, sizes] of EXTRA) {
    extra[mode] = sizes.map(n => measure([mode], n)[mode]);
    process.stderr.write(`${mode}: ${extra[mode].map(s => `n=${s.n} ${round(s.ms, 0)} ms`).join(', ')}\n`);
  }
  fs.rmSync(WORK, { recursive: true, force: true });
  const loading = measureRequire();
  process.stderr.write(`require: package ${loading.requireMs} ms, peers only ${loading.requireMsPeersOnly} ms\n`);
  const largest = Math.max(...SIZES);
  // Every library run times its phases: report those of the median run at the largest N.
  const phases = results.library[largest].phases!;
  const phaseTotal = Object.values(phases).reduce((a, b) => a + b, 0);
  const smallest = Math.min(...SIZES);
  const objectsPer = 3;

  const summary = {
    outputDir: WORK,
    machine: machine(),
    runs: RUNS,
    ...requireSummary(loading),
    sizes: SIZES.map(n => ({
      n,
      objects: n * objectsPer,
      library: results.library[n],
      plain: results.plain[n],
      yaml: results.yaml[n],
      ratioLibraryToPlain: round(results.library[n].ms / results.plain[n].ms),
      ratioLibraryToPlainCpu: round(results.library[n].cpuMs / results.plain[n].cpuMs),
      ratioLibraryToYaml: round(results.library[n].ms / results.yaml[n].ms),
      memoryPerObjectKb: round(results.library[n].maxRssMb * 1024 / (n * objectsPer), 1),
    })),
    growth: {
      fromN: smallest,
      toN: largest,
      factor: largest / smallest,
      libraryTime: round(results.library[largest].ms / results.library[smallest].ms),
      libraryMemory: round(results.library[largest].maxRssMb / results.library[smallest].maxRssMb),
      plainTime: round(results.plain[largest].ms / results.plain[smallest].ms),
    },
    nodes: NODE_SIZES.map(n => results.nodes[n]),
    phasesAtLargestN: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, {
      ms: round(v, 0), share: round(v / phaseTotal), plainMs: round(results.plain[largest].phases?.[k] ?? 0, 0),
    }])),
    fleet,
    extra: Object.fromEntries(Object.entries(extra).map(([mode, samples]) => [mode, {
      samples: samples.map(s => ({ n: s.n, ms: round(s.ms, 0), maxRssMb: round(s.maxRssMb, 0) })),
      growth: samples.length === 2 ? { factor: samples[1].n / samples[0].n, time: round(samples[1].ms / samples[0].ms) } : undefined,
    }])),
    totalSeconds: round((Date.now() - started) / 1000, 1),
  };
  console.log(JSON.stringify(summary, null, 2));

  const rows = [['N', 'objects', '(a) library ms', '(b) cdk8s-plus ms', '(c) js-yaml ms', 'a/b', 'a/b CPU', 'a/c', 'peak MB (a)', 'KB/object (a)', 'MB written (a)']];
  for (const s of summary.sizes) {
    rows.push([
      String(s.n), String(s.objects), String(round(s.library.ms, 0)), String(round(s.plain.ms, 0)), String(round(s.yaml.ms, 0)),
      String(s.ratioLibraryToPlain), String(s.ratioLibraryToPlainCpu), String(s.ratioLibraryToYaml),
      String(round(s.library.maxRssMb, 0)), String(s.memoryPerObjectKb),
      String(round(s.library.bytes / 2 ** 20, 1)),
    ]);
  }
  for (const s of summary.nodes) {
    rows.push([`${s.n} nodes`, `${s.files} files`, String(round(s.ms, 0)), '', '', '', '', '', String(round(s.maxRssMb, 0)), '', String(round(s.bytes / 2 ** 20, 1))]);
  }
  printTable(rows);
  printTable(requireRows(loading));
  if (fleet) printFleet(fleet);
  console.log('');
  console.log(`growth ${smallest} -> ${largest} (x${largest / smallest}): time x${summary.growth.libraryTime}, memory x${summary.growth.libraryMemory}`);
  console.log(`phases at N=${largest}: ${Object.entries(summary.phasesAtLargestN).map(([k, v]) => `${k} ${Math.round(v.share * 100)}%`).join(', ')}`);
  console.log(`  ms (a) vs (b): ${Object.entries(summary.phasesAtLargestN).map(([k, v]) => `${k} ${v.ms} vs ${v.plainMs}`).join(', ')}`);
  for (const [mode, e] of Object.entries(summary.extra)) {
    console.log(`${mode}: ${e.samples.map(s => `n=${s.n} ${s.ms} ms`).join(', ')}${e.growth ? ` (x${e.growth.factor} -> time x${e.growth.time})` : ''}`);
  }
  console.log(`total ${summary.totalSeconds}s`);
}

main();
