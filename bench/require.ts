/**
 * Loading cost (issue 11, item 7): the time to require the package (the compiled dist/lib/index.js,
 * what `require('cdk8s-wasm-edge')` loads) against the time to require its peers alone (cdk8s,
 * cdk8s-plus-30, constructs). Each sample is a fresh `node` process timing its own require calls;
 * package and peers-only samples are interleaved; the median is reported.
 *
 * Alone: `BENCH_ONLY=require npm run bench` (or `npx ts-node --project projenrc/tsconfig.json
 * bench/require.ts`). BENCH_REQUIRE_RUNS sets the number of samples (default 15);
 * BENCH_REQUIRE_TARGET measures another compiled entry point instead of dist/lib/index.js.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

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
  /** What was measured (relative to the project). */
  readonly target: string;
  readonly runs: number;
  readonly samples: { readonly package: number[]; readonly peersOnly: number[] };
}

// The child times only its require calls (not node's own start-up), in milliseconds.
// CPU time too: on a shared VM it moves less than wall time when another tenant takes the core.
const CHILD = 'const t=process.hrtime.bigint(),c=process.cpuUsage();for(const m of JSON.parse(process.argv[1]))require(m);'
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
 * jsii compiles with, inline source maps included).
 */
export function requireTarget(): string {
  if (process.env.BENCH_REQUIRE_TARGET) return path.resolve(process.env.BENCH_REQUIRE_TARGET);
  const dist = path.join(PROJECT, 'dist', 'lib', 'index.js');
  if (fs.existsSync(dist)) return dist;
  const out = path.join(PROJECT, '.bench', 'dist-lib');
  const tsc = path.join(PROJECT, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', path.join(PROJECT, 'tsconfig.json'), '--outDir', out], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(`bench: compiling lib/ failed:\n${r.stdout}${r.stderr}`);
  return path.join(out, 'index.js');
}

export function measureRequire(runs = Number(process.env.BENCH_REQUIRE_RUNS ?? 15)): RequireTimes {
  const target = requireTarget();
  const peers = PEERS.map(p => require.resolve(p, { paths: [PROJECT] }));
  // One warm-up of each, unrecorded: the first process after a build pays for the file cache.
  requireOnce(peers);
  requireOnce([target]);
  const pkg: Array<{ ms: number; cpuMs: number }> = [];
  const peersOnly: Array<{ ms: number; cpuMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    pkg.push(requireSample([target]));
    peersOnly.push(requireSample(peers));
  }
  const requireMs = round(median(pkg.map(s => s.ms)));
  const requireMsPeersOnly = round(median(peersOnly.map(s => s.ms)));
  const requireCpuMs = round(median(pkg.map(s => s.cpuMs)));
  const requireCpuMsPeersOnly = round(median(peersOnly.map(s => s.cpuMs)));
  return {
    requireMs,
    requireMsPeersOnly,
    requireRatio: Math.round(requireMs / requireMsPeersOnly * 100) / 100,
    requireCpuMs,
    requireCpuMsPeersOnly,
    requireCpuRatio: Math.round(requireCpuMs / requireCpuMsPeersOnly * 100) / 100,
    target: path.relative(PROJECT, target),
    runs,
    samples: { package: pkg.map(s => round(s.ms)), peersOnly: peersOnly.map(s => round(s.ms)) },
  };
}

/** The table rows of a measurement. */
export function requireRows(t: RequireTimes): string[][] {
  return [
    ['require', 'ms (median)', 'vs peers', 'CPU ms', 'vs peers (CPU)'],
    [`package (${t.target})`, String(t.requireMs), `x${t.requireRatio}`, String(t.requireCpuMs), `x${t.requireCpuRatio}`],
    ['peers only (cdk8s, cdk8s-plus-30, constructs)', String(t.requireMsPeersOnly), 'x1', String(t.requireCpuMsPeersOnly), 'x1'],
  ];
}

if (require.main === module) {
  const t = measureRequire();
  console.log(JSON.stringify(t, null, 2));
  for (const r of requireRows(t)) console.log(`| ${r.join(' | ')} |`);
}
