import * as fs from 'fs';
import * as path from 'path';
import { TREE_RECORD_FILE, writeTree } from '../../lib/private/tree-writer';
import { readTree, tmpdir } from '../util/fleet';

const file = (p: string, ...chunks: string[]) => ({ path: p, chunks: () => chunks });

describe('writeTree', () => {
  test('writes the files, streamed chunk by chunk, and records them', () => {
    const out = tmpdir();
    const r = writeTree('t', out, [file('a/b.yaml', 'x: 1\n', '---\n', 'y: 2\n'), file('c.txt', 'c')]);
    expect(r).toEqual({ written: ['a/b.yaml', 'c.txt'], removed: [], bytes: 15 });
    expect(fs.readFileSync(path.join(out, 'a/b.yaml'), 'utf-8')).toBe('x: 1\n---\ny: 2\n');
    expect(JSON.parse(fs.readFileSync(path.join(out, TREE_RECORD_FILE), 'utf-8')).files).toEqual(['a/b.yaml', 'c.txt']);
  });

  test('removes what it wrote before and no longer writes; keeps everything else', () => {
    const out = tmpdir();
    writeTree('t', out, [file('s/1/a.yaml', 'a'), file('s/2/b.yaml', 'b'), file('s/2/deep/c.yaml', 'c')]);
    fs.writeFileSync(path.join(out, 's/keep.md'), 'mine');
    const r = writeTree('t', out, [file('s/1/a.yaml', 'a2')]);
    expect(r.removed).toEqual(['s/2/b.yaml', 's/2/deep/c.yaml']);
    expect([...readTree(out).keys()]).toEqual([TREE_RECORD_FILE, 's/1/a.yaml', 's/keep.md']);
  });

  test('keeps a directory that still holds the user\'s files', () => {
    const out = tmpdir();
    writeTree('t', out, [file('s/2/b.yaml', 'b')]);
    fs.writeFileSync(path.join(out, 's/2/NOTES.md'), 'mine');
    writeTree('t', out, []);
    expect([...readTree(out).keys()]).toEqual([TREE_RECORD_FILE, 's/2/NOTES.md']);
  });

  test('refuses, before writing anything, a user\'s file, a directory or a link where it must write', () => {
    const out = tmpdir();
    fs.mkdirSync(path.join(out, 'a'));
    fs.writeFileSync(path.join(out, 'a/mine.yaml'), 'mine');
    expect(() => writeTree('t', out, [file('z.yaml', 'z'), file('a/mine.yaml', 'x')])).toThrow(/a file the library did not write/);
    expect(fs.existsSync(path.join(out, 'z.yaml'))).toBe(false);
    fs.mkdirSync(path.join(out, 'd.yaml'));
    expect(() => writeTree('t', out, [file('d.yaml', 'x')])).toThrow(/a directory where the library must write a file/);
    fs.symlinkSync('/tmp', path.join(out, 'link'));
    expect(() => writeTree('t', out, [file('link/x.yaml', 'x')])).toThrow(/a symbolic link where the library must create a directory/);
    fs.writeFileSync(path.join(out, 'f'), 'mine');
    expect(() => writeTree('t', out, [file('f/x.yaml', 'x')])).toThrow(/a file where the library must create a directory/);
    expect(fs.readFileSync(path.join(out, 'a/mine.yaml'), 'utf-8')).toBe('mine');
  });

  test.each(['/abs', '../up', 'a/../b', 'a//b', './a', '', TREE_RECORD_FILE, 'a\\b'])('refuses the path %j', p => {
    expect(() => writeTree('t', tmpdir(), [file(p, 'x')])).toThrow(/is not a relative path inside the output directory/);
  });

  test('refuses a path written twice, or both a file and a directory', () => {
    expect(() => writeTree('t', tmpdir(), [file('a', 'x'), file('a', 'y')])).toThrow(/would be written twice/);
    expect(() => writeTree('t', tmpdir(), [file('a', 'x'), file('a/b', 'y')])).toThrow(/both a file and a directory/);
  });

  test('refuses an output directory that is a file, and a record it cannot read', () => {
    const out = tmpdir();
    fs.writeFileSync(path.join(out, 'file'), 'x');
    expect(() => writeTree('t', path.join(out, 'file'), [])).toThrow(/is a file/);
    fs.writeFileSync(path.join(out, TREE_RECORD_FILE), '{"version": 1, "files": ["../etc/passwd"]}');
    expect(() => writeTree('t', out, [])).toThrow(/lists a path outside the directory/);
    fs.writeFileSync(path.join(out, TREE_RECORD_FILE), 'not json');
    expect(() => writeTree('t', out, [])).toThrow(/is not valid JSON/);
  });
});

describe('writeTree groups', () => {
  const group = (dir: string, files: Array<[string, string]>, calls: string[] = []) => ({
    dir,
    files: () => {
      calls.push(dir);
      return files.map(([p, content]) => ({ path: p, content }));
    },
  });

  test('renders a group when its turn comes, and records its files', () => {
    const out = tmpdir();
    const calls: string[] = [];
    const r = writeTree('t', out, [group('n/a', [['etc/x.yaml', 'x'], ['cloud-init.yaml', 'c']], calls), file('m.yaml', 'm')]);
    expect(calls).toEqual(['n/a']);
    expect(r.written).toEqual(['m.yaml', 'n/a/cloud-init.yaml', 'n/a/etc/x.yaml']);
    expect(readTree(out).get('n/a/etc/x.yaml')).toBe('x');
  });

  test('a group whose directory holds a user\'s file is checked before anything is written', () => {
    const out = tmpdir();
    writeTree('t', out, [group('n/a', [['x.yaml', 'x']])]);
    fs.writeFileSync(path.join(out, 'n/a/y.yaml'), 'mine');
    expect(() => writeTree('t', out, [file('first.yaml', '1'), group('n/a', [['x.yaml', 'x2'], ['y.yaml', 'y']])])).toThrow(/a file the library did not write/);
    expect(fs.existsSync(path.join(out, 'first.yaml'))).toBe(false);
    // A user's file the group does not write stays; stale files of the group go.
    writeTree('t', out, [group('n/a', [['z.yaml', 'z']])]);
    expect([...readTree(out).keys()]).toEqual([TREE_RECORD_FILE, 'n/a/y.yaml', 'n/a/z.yaml']);
  });

  test('refuses a group written twice, a file inside a group, and unsafe paths in a group', () => {
    expect(() => writeTree('t', tmpdir(), [group('g', []), group('g', [])])).toThrow(/would be written twice/);
    expect(() => writeTree('t', tmpdir(), [group('g', []), file('g/x', 'x')])).toThrow(/lies in the directory of another part/);
    expect(() => writeTree('t', tmpdir(), [group('g', [['../x', 'x']])])).toThrow(/is not a relative path/);
  });
});

test('never removes a file through a parent that became a link (it may point outside the output directory)', () => {
  const out = tmpdir();
  const elsewhere = tmpdir();
  writeTree('t', out, [file('s/old/x.yaml', 'x')]);
  fs.rmSync(path.join(out, 's/old'), { recursive: true });
  fs.writeFileSync(path.join(elsewhere, 'x.yaml'), 'mine');
  fs.symlinkSync(elsewhere, path.join(out, 's/old'));
  writeTree('t', out, []);
  expect(fs.readFileSync(path.join(elsewhere, 'x.yaml'), 'utf-8')).toBe('mine');
});

test('a part that fails while rendering: what was written is recorded, so the next write may replace it', () => {
  const out = tmpdir();
  const failing = { dir: 'b', files: () => { throw new Error('site b does not validate'); } };
  expect(() => writeTree('t', out, [file('a.yaml', 'a'), failing])).toThrow(/site b does not validate/);
  expect(JSON.parse(fs.readFileSync(path.join(out, TREE_RECORD_FILE), 'utf-8')).files).toEqual(['a.yaml']);
  expect(writeTree('t', out, [file('a.yaml', 'a2')]).written).toEqual(['a.yaml']);
});
