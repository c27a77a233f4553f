import * as fs from 'fs';
import * as path from 'path';

// Tests mirror the sources (as cdk8s-plus does): lib/<path>.ts has test/<path>.test.ts. Generated
// CRD classes (lib/imports) and the re-exporting index files are not sources of behaviour.
const ROOT = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return rel === 'lib/imports' ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && e.name !== 'index.ts' ? [rel] : [];
  });
}

test('every source file in lib/ has its own test file', () => {
  const all = sources('lib');
  expect(all.length).toBeGreaterThan(50);
  const missing = all.map(f => `test/${f.slice('lib/'.length, -'.ts'.length)}.test.ts`).filter(t => !fs.existsSync(path.join(ROOT, t)));
  expect(missing).toEqual([]);
});
