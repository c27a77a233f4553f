import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { isSafeRelative, lstat, readJsonRecord, writeJsonFile } from '../../lib/private/files';
import { tmpdir } from '../util/fleet';
import { fuzzParams } from '../util/fuzz';

const bad = (why: string): never => {
  throw new Error(why);
};

describe('files', () => {
  test('lstat: undefined for a missing path and below a file; a link is not followed', () => {
    const d = tmpdir();
    fs.writeFileSync(path.join(d, 'f'), 'x');
    fs.symlinkSync(path.join(d, 'f'), path.join(d, 'l'));
    expect(lstat(path.join(d, 'missing'))).toBeUndefined();
    expect(lstat(path.join(d, 'f', 'below'))).toBeUndefined();
    expect(lstat(path.join(d, 'l'))!.isSymbolicLink()).toBe(true);
  });

  test.each(['a', 'a/b.yaml', '.hidden/x'])('isSafeRelative(%j)', p => expect(isSafeRelative(p)).toBe(true));
  test.each(['', '/a', 'a/../b', '..', './a', 'a//b', 'a/', 'a\\b', 'a\0b'])('not isSafeRelative(%j)', p => expect(isSafeRelative(p)).toBe(false));

  test('a safe relative path never leaves its directory', () => {
    fc.assert(fc.property(fc.string(), p => {
      if (isSafeRelative(p)) expect(path.posix.normalize(`/root/${p}`).startsWith('/root/')).toBe(true);
    }), fuzzParams({ numRuns: 1000 }));
  });

  test('records: written whole, read back; not a file or not JSON is reported', () => {
    const d = tmpdir();
    const f = path.join(d, 'r.json');
    expect(readJsonRecord(f, bad)).toBeUndefined();
    writeJsonFile(f, { version: 1, files: ['a'] }, 1);
    expect(readJsonRecord(f, bad)).toEqual({ version: 1, files: ['a'] });
    expect(fs.existsSync(`${f}.tmp`)).toBe(false);
    fs.writeFileSync(f, '{');
    expect(() => readJsonRecord(f, bad)).toThrow('is not valid JSON');
    fs.rmSync(f);
    fs.mkdirSync(f);
    expect(() => readJsonRecord(f, bad)).toThrow('is not a file');
  });
});
