import * as fs from 'fs';

/**
 * File-system helpers of the writers that keep a record of what they wrote (node files,
 * FleetApp's tree): one implementation of what "safe", "missing" and "a record" mean.
 */

/** The entry at `p` without following a final link, or undefined when nothing (or a file where a parent must be) stands there. */
export function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; the writers report that when they check the parents.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** A relative POSIX path that stays inside its directory: not absolute, no "", "." or ".." segment, no backslash or NUL. */
export function isSafeRelative(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && p.split('/').every(s => s !== '' && s !== '.' && s !== '..');
}

/**
 * A record file's JSON, or undefined when there is none. `bad(why)` reports a record that is not a
 * file or not JSON (it throws).
 */
export function readJsonRecord(file: string, bad: (why: string) => never): any {
  const st = lstat(file);
  if (!st) return undefined;
  if (!st.isFile()) bad('is not a file');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    return bad('is not valid JSON');
  }
}

/** Writes a JSON document through a temporary file and a rename, so a record is never half written. */
export function writeJsonFile(file: string, doc: unknown, indent: number): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(doc, null, indent) + '\n');
  fs.renameSync(tmp, file);
}
