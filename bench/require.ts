/**
 * Loading cost (issue 11, item 7; target: at most 1.2 times the peers alone): the time to require
 * the package (dist/lib/index.js, what `require('cdk8s-wasm-edge')` loads) against the time to
 * require its peers alone (cdk8s, cdk8s-plus-30, constructs). Each sample is a fresh `node` process
 * timing its own require calls; the series are interleaved; the median is reported.
 *
 * dist/lib/index.js is the bundle `npx projen compile` makes right after jsii (scripts/bundle.ts: the
 * compiled lib modules in one file; lib/imports/* load lazily from their own files, the peers and
 * js-yaml as packages). Where the entry as tsc wrote it sits beside it (index.unbundled.js, which the
 * bundler keeps and the package does not ship), it is measured too, as `requireMsUnbundled`: what
 * node's module loader over the ~80 separate files costs. Without dist/lib, lib/ is compiled with tsc
 * into .bench/dist-lib and bundled the same way.
 *
 * Alone: `BENCH_ONLY=require npm run bench` (or `npx ts-node --project projenrc/tsconfig.json
 * bench/require.ts`). BENCH_REQUIRE_RUNS sets the number of samples (default 15);
 * BENCH_REQUIRE_TARGET measures another compiled entry point instead of dist/lib/index.js.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BUNDLE_MARKER, unbundledFile, writeBundle } from '../scripts/bundle';

const ROOT = path.resolve(__dirname, '..');
// From .bench/build/bench/ (compiled) or bench/ (ts-node), the project root is the first parent with
// a package.json named cdk8s-wasm-edge.
const PROJECT = findProject(__dirname) ?? ROOT;

function findProject(dir: string): string | undefined {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p) && JSON.parse(fs.readFileSync(p, 'utf-8')).name === 'cdk8s-wasm-edge') return d;
  }
  return undefined;
}

export const PEERS = ['constructs', 'cdk8s', 'cdk8s-plus-30'];

export interface RequireTimes {
  /** Median ms to require the package (its peers load with it). */
  readonly requireMs: number;
  /** Median ms to require cdk8s, cdk8s-plus-30 and constructs alone. */
  readonly requireMsPeersOnly: number;
  /** requireMs / requireMsPeersOnly (target: at most 1.2). */
  readonly requireRatio: number;
  /** The same by CPU time of the process (steadier on a shared machine). */
  readonly requireCpuMs: number;
  readonly requireCpuMsPeersOnly: number;
  readonly requireCpuRatio: number;
  /** The same for the entry as compiled, unbundled (when index.unbundled.js is beside the target). */
  readonly requireMsUnbundled?: number;
  /** Median ms to require the package and read every export (every module loaded). */
  readonly requireMsAllExports: number;
  readonly requireCpuMsAllExports: number;
  readonly requireUnbundledRatio?: number;
  readonly requireCpuMsUnbundled?: number;
  readonly requireCpuUnbundledRatio?: number;
  /** What was measured (relative to the project). */
  readonly target: string;
  readonly runs: number;
  readonly samples: { readonly package: number[]; readonly peersOnly: number[]; readonly unbundled?: number[] };
}

// The child times only its require calls (not node's own start-up), in milliseconds.
// CPU time too: on a shared VM it moves less than wall time when another tenant takes the core.
// `file#A,B` requires file and reads the exports A and B (`#*`: every export): the package's exports load
// their modules on first read, so a sample reads what an app uses.
const CHILD = 'const t=process.hrtime.bigint(),c=process.cpuUsage();for(const s of JSON.parse(process.argv[1])){const [f,n]=s.split("#");const m=require(f);'
  + 'for(const k of n===undefined?[]:n==="*"?Object.keys(m):n.split(","))void m[k];}'
  + 'const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({ms:Number(process.hrtime.bigint()-t)/1e6,cpuMs:(u.user+u.system)/1e3}))';

/** One fresh process requiring `modules` (absolute paths); its require time (wall and CPU) in ms. */
export function requireSample(modules: string[]): { ms: number; cpuMs: number } {
  const r = spawnSync(process.execPath, ['-e', CHILD, JSON.stringify(modules)], { cwd: PROJECT, encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`bench require ${modules.join(', ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim());
}

/** One fresh process requiring `modules`; its wall-clock require time in ms. */
export function requireOnce(modules: string[]): number {
  return requireSample(modules).ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * The compiled entry point: BENCH_REQUIRE_TARGET, else dist/lib/index.js (from `npx projen compile`),
 * else a tsc build of lib/ with the package's own tsconfig.json into .bench/dist-lib (the options
 * jsii compiles with), bundled as the compile task bundles dist/lib.
 */
export function requireTarget(): string {
  if (process.env.BENCH_REQUIRE_TARGET) return path.resolve(process.env.BENCH_REQUIRE_TARGET);
  const dist = path.join(PROJECT, 'dist', 'lib', 'index.js');
  if (fs.existsSync(dist)) return dist;
  const out = path.join(PROJECT, '.bench', 'dist-lib');
  const tsc = path.join(PROJECT, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', path.join(PROJECT, 'tsconfig.json'), '--outDir', out], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`bench: compiling lib/ failed:\n${r.stdout}${r.stderr}`);
  writeBundle(out);
  return path.join(out, 'index.js');
}

/** index.unbundled.js beside a bundled target, if there is one. */
export function unbundledTarget(target: string): string | undefined {
  const saved = unbundledFile(target);
  return fs.existsSync(saved) && fs.readFileSync(target, 'utf-8').includes(BUNDLE_MARKER) ? saved : undefined;
}

/**
 * What the package sample reads after requiring it: the quick start's imports (a WasmDeployment on a
 * RuntimeClass of a WasmRuntime). Requiring alone would load no module of the library (and not its
 * peers): its exports are getters that load their module on first use (scripts/bundle.ts).
 */
export const TYPICAL_USE = ['WasmDeployment', 'RuntimeClass', 'WasmRuntime'];

export function measureRequire(runs = Number(process.env.BENCH_REQUIRE_RUNS ?? 15)): RequireTimes {
  const target = `${requireTarget()}#${TYPICAL_USE.join(',')}`;
  const unbundledFileName = unbundledTarget(requireTarget());
  const unbundled = unbundledFileName ? `${unbundledFileName}#${TYPICAL_USE.join(',')}` : undefined;
  const allExports = `${requireTarget()}#*`;
  const peers = PEERS.map(p => require.resolve(p, { paths: [PROJECT] }));
  // One warm-up of each, unrecorded: the first process after a build pays for the file cache.
  requireOnce(peers);
  requireOnce([target]);
  if (unbundled) requireOnce([unbundled]);
  const pkg: Array<{ ms: number; cpuMs: number }> = [];
  const peersOnly: Array<{ ms: number; cpuMs: number }> = [];
  const unb: Array<{ ms: number; cpuMs: number }> = [];
  const all: Array<{ ms: number; cpuMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    pkg.push(requireSample([target]));
    all.push(requireSample([allExports]));
    peersOnly.push(requireSample(peers));
    if (unbundled) unb.push(requireSample([unbundled]));
  }
  const requireMs = round(median(pkg.map(s => s.ms)));
  const requireMsPeersOnly = round(median(peersOnly.map(s => s.ms)));
  const requireCpuMs = round(median(pkg.map(s => s.cpuMs)));
  const requireCpuMsPeersOnly = round(median(peersOnly.map(s => s.cpuMs)));
  const ratio = (a: number, b: number) => Math.round(a / b * 100) / 100;
  const t: RequireTimes = {
    requireMs,
    requireMsPeersOnly,
    requireRatio: ratio(requireMs, requireMsPeersOnly),
    requireCpuMs,
    requireCpuMsPeersOnly,
    requireCpuRatio: ratio(requireCpuMs, requireCpuMsPeersOnly),
    target: path.relative(PROJECT, requireTarget()),
    requireMsAllExports: round(median(all.map(s => s.ms))),
    requireCpuMsAllExports: round(median(all.map(s => s.cpuMs))),
    runs,
    samples: { package: pkg.map(s => round(s.ms)), peersOnly: peersOnly.map(s => round(s.ms)) },
  };
  if (!unbundled) return t;
  const requireMsUnbundled = round(median(unb.map(s => s.ms)));
  const requireCpuMsUnbundled = round(median(unb.map(s => s.cpuMs)));
  return Object.assign(t, {
    requireMsUnbundled,
    requireUnbundledRatio: ratio(requireMsUnbundled, requireMsPeersOnly),
    requireCpuMsUnbundled,
    requireCpuUnbundledRatio: ratio(requireCpuMsUnbundled, requireCpuMsPeersOnly),
    samples: Object.assign(t.samples, { unbundled: unb.map(s => round(s.ms)) }),
  });
}

/** The table rows of a measurement. */
export function requireRows(t: RequireTimes): string[][] {
  return [
    ['require', 'ms (median)', 'vs peers', 'CPU ms', 'vs peers (CPU)'],
    [`package (${t.target}, reading ${TYPICAL_USE.join(', ')})`, String(t.requireMs), `x${t.requireRatio}`, String(t.requireCpuMs), `x${t.requireCpuRatio}`],
    ['package, every export read (all modules loaded)', String(t.requireMsAllExports), `x${Math.round(t.requireMsAllExports / t.requireMsPeersOnly * 100) / 100}`,
      String(t.requireCpuMsAllExports), `x${Math.round(t.requireCpuMsAllExports / t.requireCpuMsPeersOnly * 100) / 100}`],
    ...(t.requireMsUnbundled === undefined ? [] : [[`unbundled (${unbundledFile(t.target)}, not shipped)`,
      String(t.requireMsUnbundled), `x${t.requireUnbundledRatio}`, String(t.requireCpuMsUnbundled), `x${t.requireCpuUnbundledRatio}`]]),
    ['peers only (cdk8s, cdk8s-plus-30, constructs)', String(t.requireMsPeersOnly), 'x1', String(t.requireCpuMsPeersOnly), 'x1'],
  ];
}

if (require.main === module) {
  const t = measureRequire();
  console.log(JSON.stringify(t, null, 2));
  for (const r of requireRows(t)) console.log(`| ${r.join(' | ')} |`);
}
