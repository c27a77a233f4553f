/**
 * Where the load time of the package goes: requires the compiled entry point (dist/lib/index.js or
 * BENCH_REQUIRE_TARGET) in fresh processes with Module._load timed, and prints each module's own
 * time (its load minus the loads it caused), summed per group and for the slowest files, median over
 * BENCH_REQUIRE_RUNS (default 7) processes. The timing hook adds a little to every module.
 * dist/lib/index.js is the bundle (scripts/bundle.ts), which shows as one file: for the compiled
 * modules one by one, set BENCH_REQUIRE_TARGET=dist/lib/index.unbundled.js (the entry as tsc wrote it).
 *
 * Usage: npx ts-node --project projenrc/tsconfig.json bench/require-profile.ts
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { requireTarget } from './require';

const CHILD = `
const Module = require('module');
const load = Module._load;
const self = new Map();
const stack = [];
Module._load = function (request, parent, isMain) {
  let file;
  try { file = Module._resolveFilename(request, parent, isMain); } catch { file = request; }
  if (Module._cache[file] || !file.includes('/')) return load.apply(this, arguments);
  const t = process.hrtime.bigint();
  stack.push(0n);
  try { return load.apply(this, arguments); } finally {
    const total = process.hrtime.bigint() - t;
    const children = stack.pop();
    self.set(file, (self.get(file) || 0n) + total - children);
    if (stack.length) stack[stack.length - 1] += total;
  }
};
const t = process.hrtime.bigint();
require(process.argv[1]);
const total = Number(process.hrtime.bigint() - t) / 1e6;
process.stdout.write(JSON.stringify({ total, self: Object.fromEntries([...self].map(([f, n]) => [f, Number(n) / 1e6])) }));
`;

/** The group a loaded file counts in. */
export function groupOf(file: string, libDir: string): string {
  if (file.startsWith(libDir + path.sep)) {
    const rel = path.relative(libDir, file);
    if (rel.startsWith(`imports${path.sep}`)) return 'lib/imports (generated CRD classes)';
    return 'lib (own code)';
  }
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (!m) return 'other';
  if (['cdk8s', 'cdk8s-plus-30', 'constructs'].includes(m[1])) return `peer ${m[1]}`;
  return `dependency ${m[1]}`;
}

function main(): void {
  const target = requireTarget();
  const libDir = path.dirname(target);
  const runs = Number(process.env.BENCH_REQUIRE_RUNS ?? 7);
  const samples: Array<{ total: number; self: Record<string, number> }> = [];
  for (let i = 0; i < runs + 1; i++) {
    const r = spawnSync(process.execPath, ['-e', CHILD, target], { encoding: 'utf-8', cwd: path.resolve(__dirname, '..') });
    if (r.status !== 0) throw new Error(r.stderr);
    if (i > 0) samples.push(JSON.parse(r.stdout));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const files = Object.keys(samples[0].self);
  const perFile = new Map(files.map(f => [f, median(samples.map(s => s.self[f] ?? 0))]));
  const groups = new Map<string, number>();
  for (const [f, ms] of perFile) groups.set(groupOf(f, libDir), (groups.get(groupOf(f, libDir)) ?? 0) + ms);
  console.log(`${path.relative(process.cwd(), target)}: ${median(samples.map(s => s.total)).toFixed(1)} ms (median of ${runs}, with the timing hook)`);
  for (const [g, ms] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${g}`);
  console.log('slowest files (own time):');
  for (const [f, ms] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 25))) {
    console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${path.relative(process.cwd(), f)}`);
  }
}

if (require.main === module) {
  main();
}
