import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { propError } from './errors';
import { isSafeRelative, lstat, readJsonRecord, writeJsonFile } from './files';
import { byCodeUnit } from './order';

/**
 * Writes a tree of generated files (a fleet's GitOps repository) under an output directory,
 * streaming each file's chunks to disk, and keeps a record of what it wrote, so that a rewrite
 * removes only files this library wrote and no longer writes, never a file it did not write.
 */

/** Name of the record file in the output directory. */
export const TREE_RECORD_FILE = '.cdk8s-wasm-edge-tree.json';

const RECORD_VERSION = 1;

/** One file to write: its path relative to the output directory, and its text in chunks. */
export interface PlannedFile {
  /** A relative POSIX path without "." or ".." segments. */
  readonly path: string;
  /** The text, produced while writing (one chunk per YAML document, say): nothing is held for the whole tree. */
  readonly chunks: () => Iterable<string>;
}

/**
 * A directory of files rendered only while writing (a node's files): nothing of it is held
 * before its turn, and where its directory does not exist yet nothing needs checking first.
 */
export interface PlannedGroup {
  /** The group's directory, a relative POSIX path. */
  readonly dir: string;
  /** Its files, paths relative to `dir`. */
  readonly files: () => ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

export type PlannedEntry = PlannedFile | PlannedGroup;

function isGroup(e: PlannedEntry): e is PlannedGroup {
  return (e as PlannedGroup).dir !== undefined;
}

/** What a write did. */
export interface TreeWriteResult {
  /** Relative paths written, sorted. */
  readonly written: string[];
  /** Relative paths removed (recorded earlier, not written now), sorted. */
  readonly removed: string[];
  /** Bytes written. */
  readonly bytes: number;
}

/**
 * Whether a directory holds an entry the record does not list: a file of the user's, a link, or
 * anything that is neither a file nor a directory.
 */
function holdsUnrecorded(root: string, dir: string, recorded: Set<string>): boolean {
  const st = lstat(path.join(root, dir));
  if (!st) return false;
  if (!st.isDirectory() || st.isSymbolicLink()) return true;
  const walk = (rel: string): boolean => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (walk(r)) return true;
      } else if (!e.isFile() || !recorded.has(r)) {
        return true;
      }
    }
    return false;
  };
  return walk(dir);
}

/** Whether every directory between root and rel is a real directory (no symbolic link). */
function realParents(root: string, rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = lstat(path.join(root, ...parts.slice(0, i)));
    if (!st || !st.isDirectory() || st.isSymbolicLink()) return false;
  }
  return true;
}

function saveRecord(recordFile: string, files: string[]): void {
  const doc = {
    '//': 'Written by cdk8s-wasm-edge (FleetApp.synth): the files it wrote here. Only files listed here are ever removed, and only when no longer generated. Do not edit.',
    'version': RECORD_VERSION,
    files,
  };
  writeJsonFile(recordFile, doc, 1);
}

function readRecord(scope: IConstruct | string, outdir: string, file: string): Set<string> {
  const bad = (why: string): never => {
    throw propError(scope, 'outdir', outdir, `holds ${TREE_RECORD_FILE}, which ${why}`,
      `remove ${file} if it is not the library's (the library then writes only where no file stands, and removes nothing)`);
  };
  const doc = readJsonRecord(file, bad);
  if (doc === undefined) return new Set();
  if (!doc || doc.version !== RECORD_VERSION || !Array.isArray(doc.files)) bad(`is not a version ${RECORD_VERSION} record of this library`);
  const files = new Set<string>();
  for (const f of doc.files) {
    if (typeof f !== 'string' || !isSafeRelative(f)) bad('lists a path outside the directory');
    files.add(f);
  }
  return files;
}

/**
 * Writes `files` under `outdir`. Checks every path before writing any file: a path must be safe,
 * and where a file already stands it must be one this library recorded there (a user's file is
 * never overwritten; a directory or link where a file must go is refused). Files recorded by the
 * previous write and not written now are removed, with the directories that are left empty.
 *
 * @internal
 */
export function writeTree(scope: IConstruct | string, outdir: string, entries: readonly PlannedEntry[]): TreeWriteResult {
  const root = path.resolve(outdir);
  const rootStat = lstat(root);
  if (rootStat && !rootStat.isDirectory()) {
    throw propError(scope, 'outdir', outdir, `is a file (${root}), not a directory`, 'give the app an output directory (App outdir, or CDK8S_OUTDIR)');
  }
  const recordFile = path.join(root, TREE_RECORD_FILE);
  const recorded = rootStat ? readRecord(scope, outdir, recordFile) : new Set<string>();
  const badPath = (p: string, problem: string, fix: string): never => {
    throw propError(scope, 'path', p, problem, fix);
  };
  const checkPath = (p: string) => {
    if (!isSafeRelative(p) || p === TREE_RECORD_FILE) badPath(p, 'is not a relative path inside the output directory', 'use names without "/", "." or ".." of their own');
  };

  // A group whose directory already holds something the library did not record is rendered now,
  // so that its files are checked before anything is written; the others wait for their turn.
  const plan: Array<PlannedFile | PlannedGroup> = [];
  const groupDirs = new Set<string>();
  const lazyGroups = new Set<string>();
  for (const e of entries) {
    if (!isGroup(e)) {
      plan.push(e);
      continue;
    }
    checkPath(e.dir);
    if (groupDirs.has(e.dir)) badPath(e.dir, 'would be written twice', 'give each site, node and chart its own name');
    groupDirs.add(e.dir);
    if (rootStat && holdsUnrecorded(root, e.dir, recorded)) {
      for (const f of e.files()) plan.push({ path: `${e.dir}/${f.path}`, chunks: () => [f.content] });
    } else {
      plan.push(e);
      lazyGroups.add(e.dir);
    }
  }

  // Plan: every path once, safe; the directories to create.
  const planned = new Set<string>();
  const dirs = new Set<string>();
  const addDirs = (rel: string, self: boolean) => {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length + (self ? 1 : 0); i++) dirs.add(parts.slice(0, i).join('/'));
  };
  for (const f of plan) {
    if (isGroup(f)) {
      addDirs(f.dir, true);
      continue;
    }
    checkPath(f.path);
    if (planned.has(f.path)) badPath(f.path, 'would be written twice', 'give each site, node and chart its own name');
    planned.add(f.path);
    addDirs(f.path, false);
  }
  // A planned directory must not be a planned file (a node named like a chart file, say).
  for (const d of dirs) {
    if (planned.has(d)) badPath(d, 'would be both a file and a directory', 'rename one of them');
  }
  for (const p of planned) {
    for (let d = p; d.includes('/');) {
      d = d.slice(0, d.lastIndexOf('/'));
      if (lazyGroups.has(d)) badPath(p, `lies in the directory of another part (${d})`, 'rename one of them');
    }
  }

  // Check what stands on disk. Under a directory that does not exist yet nothing can stand.
  const existingDirs = new Set<string>();
  const missing = new Set<string>();
  const isMissing = (rel: string): boolean => {
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    return parent !== '' && missing.has(parent);
  };
  for (const d of [...dirs].sort(byCodeUnit)) {
    if (!rootStat || isMissing(d)) {
      missing.add(d);
      continue;
    }
    const st = lstat(path.join(root, d));
    if (!st) {
      missing.add(d);
    } else if (!st.isDirectory() || st.isSymbolicLink()) {
      throw propError(scope, 'outdir', outdir, `holds ${path.join(root, d)}, a ${st.isSymbolicLink() ? 'symbolic link' : 'file'} where the library must create a directory`,
        'move it away (the library writes only into directories)');
    } else {
      existingDirs.add(d);
    }
  }
  for (const rel of planned) {
    if (!rootStat || isMissing(rel)) continue;
    const st = lstat(path.join(root, rel));
    if (!st) continue;
    if (!st.isFile() || st.isSymbolicLink()) {
      throw propError(scope, 'outdir', outdir, `holds ${path.join(root, rel)}, a ${st.isDirectory() ? 'directory' : 'link or special file'} where the library must write a file`, 'move it away');
    }
    if (!recorded.has(rel)) {
      throw propError(scope, 'outdir', outdir, `holds ${path.join(root, rel)}, a file the library did not write (it is not in ${TREE_RECORD_FILE}), where it must write one`,
        'move your file elsewhere, or delete it if it is an old copy of generated output');
    }
  }

  // Write, streaming each file.
  const io = <T>(p: string, op: () => T): T => {
    try {
      return op();
    } catch (e) {
      throw propError(scope, 'outdir', outdir, `could not write ${p}: ${(e as Error).message}`, 'check the permissions and the free space');
    }
  };
  io(root, () => fs.mkdirSync(root, { recursive: true }));
  for (const d of [...missing].sort(byCodeUnit)) io(d, () => fs.mkdirSync(path.join(root, d)));
  let bytes = 0;
  const writtenNow = new Set<string>();
  const write = (rel: string, chunks: Iterable<string>) => {
    const abs = path.join(root, rel);
    writtenNow.add(rel);
    const fd = io(abs, () => fs.openSync(abs, 'w'));
    try {
      for (const chunk of chunks) {
        const buf = Buffer.from(chunk, 'utf-8');
        bytes += buf.length;
        io(abs, () => fs.writeSync(fd, buf));
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const made = new Set<string>(dirs);
  try {
    for (const f of plan) {
      if (!isGroup(f)) {
        write(f.path, f.chunks());
        continue;
      }
      for (const g of f.files()) {
        const rel = `${f.dir}/${g.path}`;
        checkPath(rel);
        if (planned.has(rel)) badPath(rel, 'would be written twice', 'give each node file its own path');
        planned.add(rel);
        const parent = rel.slice(0, rel.lastIndexOf('/'));
        if (!made.has(parent)) {
          io(parent, () => fs.mkdirSync(path.join(root, parent), { recursive: true }));
          for (let d = parent; d !== '' && !made.has(d); d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
            made.add(d);
            dirs.add(d);
          }
        }
        write(rel, [g.content]);
      }
    }
  } catch (e) {
    // A part failed while rendering (a site built at synth that does not validate): what was
    // written so far is recorded as the library's, so the next synth may replace it; nothing is removed.
    saveRecord(recordFile, [...new Set([...recorded, ...writtenNow])].sort(byCodeUnit));
    throw e;
  }

  // Stale: recorded, not written now. Then directories left empty, deepest first (only those the
  // removed files were in: a directory the user keeps files in is not empty and stays).
  const removed: string[] = [];
  const emptied = new Set<string>();
  for (const rel of recorded) {
    if (planned.has(rel)) continue;
    const abs = path.join(root, rel);
    const st = lstat(abs);
    // Only through real directories: a parent replaced by a link may point outside the output directory.
    if (st && st.isFile() && !st.isSymbolicLink() && realParents(root, rel)) {
      io(abs, () => fs.unlinkSync(abs));
      removed.push(rel);
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) emptied.add(parts.slice(0, i).join('/'));
    }
  }
  const byDepth = [...emptied].filter(d => !dirs.has(d)).sort((a, b) => b.split('/').length - a.split('/').length || byCodeUnit(b, a));
  for (const d of byDepth) {
    const abs = path.join(root, d);
    const st = lstat(abs);
    if (st && st.isDirectory() && !st.isSymbolicLink() && fs.readdirSync(abs).length === 0) io(abs, () => fs.rmdirSync(abs));
  }

  const written = [...planned].sort(byCodeUnit);
  io(recordFile, () => saveRecord(recordFile, written));
  return { written, removed: removed.sort(byCodeUnit), bytes };
}
