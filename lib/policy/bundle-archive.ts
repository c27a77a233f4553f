/**
 * Reads an OPA bundle file (`opa build` output: a gzipped tar) far enough to refuse what OPA would
 * refuse before the bytes are shipped: not a gzip, not a tar, no policy in it, a `.manifest` that is
 * not JSON. OPA's reader is github:open-policy-agent/opa v1/bundle/bundle.go (`Reader.Read`, commit
 * 01c474da): a file whose base name is `policy.wasm` is a Wasm module, `plan.json` a plan, `*.rego` a
 * module, `data.json`/`data.yaml` data, a name ending in `.manifest` the manifest (bundle.go:39-51
 * name these); `Writer.Write` writes `/data.json`, the modules, `/policy.wasm` and `/.manifest`.
 */
import * as zlib from 'zlib';

/** What the library learned from a bundle file. */
export interface BundleArchiveInfo {
  /** The regular files of the archive, sorted, with a leading "/" (as `opa build` names them). */
  readonly files: string[];
  /** `revision` of the `.manifest`, if any. */
  readonly revision?: string;
  /** The `wasm` entrypoints the manifest declares (`entrypoint` of each resolver), sorted. */
  readonly wasmEntrypoints: string[];
}

/**
 * The most a bundle may hold unpacked here: the library reads it into memory at synth, and a
 * ConfigMap bundle is at most 1 MiB compressed. 64 MiB stops a gzip bomb long before it hurts
 * (OPA's own cap is 1 GiB, `DefaultSizeLimitBytes`, bundle.go:49).
 */
export const MAX_UNPACKED_BUNDLE_BYTES = 64 * 1024 * 1024;

/** Why a buffer is not a bundle (thrown as an Error; the caller wraps it in a propError). */
export class BundleArchiveError extends Error {}

/**
 * Reads the file list and manifest of a gzipped tar bundle.
 *
 * @throws BundleArchiveError when the bytes are not a gzipped tar bundle OPA could load
 */
export function readBundleArchive(bytes: Uint8Array): BundleArchiveInfo {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new BundleArchiveError('is not gzip data (it does not start with the gzip magic bytes 1f 8b)');
  }
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BUNDLE_BYTES });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /too large|maxOutputLength|Cannot create a Buffer larger/i.test((e as Error).message)) {
      throw new BundleArchiveError(`unpacks to more than ${MAX_UNPACKED_BUNDLE_BYTES} bytes`);
    }
    throw new BundleArchiveError(`is not valid gzip data (${(e as Error).message})`);
  }
  const entries = readTar(tar);
  const files = [...entries.keys()].sort();
  const isPolicy = (f: string) => f.endsWith('.rego') || baseName(f) === 'policy.wasm' || baseName(f) === 'plan.json';
  if (!files.some(isPolicy)) {
    throw new BundleArchiveError(`holds no policy (no /policy.wasm, plan.json or .rego file; it has ${files.length === 0 ? 'no files' : files.join(', ')})`);
  }
  let revision: string | undefined;
  let wasmEntrypoints: string[] = [];
  const manifestName = files.find(f => f.endsWith('.manifest'));
  if (manifestName !== undefined) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(entries.get(manifestName)!.toString('utf-8'));
    } catch {
      throw new BundleArchiveError(`has a ${manifestName} that is not JSON (OPA fails with "bundle load failed on manifest decode")`);
    }
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
      throw new BundleArchiveError(`has a ${manifestName} that is not a JSON object`);
    }
    const m = manifest as { revision?: unknown; wasm?: unknown };
    if (typeof m.revision === 'string') revision = m.revision;
    if (Array.isArray(m.wasm)) {
      for (const r of m.wasm as Array<{ module?: unknown; entrypoint?: unknown }>) {
        // Manifest.validateAndInjectDefaults: "manifest references wasm module '%s' but the module file does not exist".
        if (typeof r?.module === 'string' && !files.includes(withSlash(r.module))) {
          throw new BundleArchiveError(`has a manifest that references the Wasm module ${r.module}, which is not in the archive`);
        }
        if (typeof r?.entrypoint === 'string') wasmEntrypoints.push(r.entrypoint);
      }
      wasmEntrypoints = wasmEntrypoints.sort();
    }
  }
  return { files, revision, wasmEntrypoints };
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function withSlash(p: string): string {
  return p.startsWith('/') ? p : `/${p}`;
}

/**
 * The regular files of a tar archive (POSIX ustar, with GNU long names and pax `path` records, the
 * formats Go's archive/tar writes). Directories, links and other entries are skipped.
 */
function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  let sawEnd = false;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every(b => b === 0)) {
      sawEnd = true;
      break;
    }
    if (!validChecksum(header)) throw new BundleArchiveError(`is not a tar archive (bad header checksum at byte ${offset} of the unpacked data)`);
    const size = octal(header.subarray(124, 136));
    if (size === undefined) throw new BundleArchiveError(`is not a tar archive (bad size field at byte ${offset} of the unpacked data)`);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + 512;
    if (dataStart + size > tar.length) throw new BundleArchiveError('is a truncated tar archive');
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data);
      continue;
    }
    if (type === 'x') {
      const path = paxPath(data);
      if (path !== undefined) longName = path;
      continue;
    }
    if (type === 'g') continue;
    const magic = header.subarray(257, 262).toString('latin1');
    const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
    const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = undefined;
    if (type !== '0' && type !== '7') continue;
    files.set(withSlash(name.replace(/^\.\//, '')), data);
  }
  if (!sawEnd && files.size === 0) throw new BundleArchiveError('is not a tar archive (no tar header found)');
  return files;
}

function validChecksum(header: Buffer): boolean {
  const stored = octal(header.subarray(148, 156));
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

function octal(field: Buffer): number | undefined {
  const text = cString(field).trim();
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf-8');
}

/** The `path` record of a pax extended header ("<len> path=<value>\n"). */
function paxPath(data: Buffer): string | undefined {
  const text = data.toString('utf-8');
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return m ? m[1] : undefined;
}
