/**
 * A tiny ustar writer for tests: builds OPA bundles the way `opa build` lays them out (a gzipped
 * tar with /policy.wasm, /data.json, /.manifest) without the opa binary. Deterministic: mtime 0,
 * uid/gid 0, mode 0644, gzip level 9 with no file name or time in the gzip header.
 */
import * as crypto from 'crypto';
import * as zlib from 'zlib';

/** One archive entry: a path and its contents (a string is UTF-8). */
export interface TarEntry {
  readonly name: string;
  readonly data: string | Uint8Array;
  /** Tar type flag: '0' file (default), '5' directory. */
  readonly type?: string;
}

function field(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf-8');
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar test writer: name too long: ${name}`);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(type === '5' ? 0o755 : 0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(0, 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, type);
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** An uncompressed tar archive of `entries`. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf-8') : Buffer.from(e.data);
    const type = e.type ?? '0';
    parts.push(header(e.name, type === '5' ? 0 : data.length, type));
    if (type !== '5') {
      parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzipped tar archive of `entries` (Node writes no name or mtime in the gzip header). */
export function tarGz(entries: TarEntry[]): Buffer {
  return zlib.gzipSync(tar(entries), { level: 9 });
}

/** The smallest valid Wasm module: magic and version. */
export const EMPTY_WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** An OPA-Wasm bundle as `opa build -t wasm -e <entrypoint>` lays it out. */
export function opaWasmBundle(options: { entrypoint?: string; data?: unknown; revision?: string; wasm?: Uint8Array; padding?: number } = {}): Buffer {
  const entrypoint = options.entrypoint ?? 'factory/alarms/alarm';
  const manifest: Record<string, unknown> = { revision: options.revision ?? '', roots: [''], wasm: [{ entrypoint, module: '/policy.wasm' }] };
  const entries: TarEntry[] = [
    { name: '/data.json', data: JSON.stringify(options.data ?? {}) },
    { name: '/policy.wasm', data: options.wasm ?? EMPTY_WASM },
    { name: '/.manifest', data: JSON.stringify(manifest) },
  ];
  if (options.padding) {
    // Hash-chain bytes: deterministic, and gzip cannot shrink them, so the compressed size is about `padding`.
    const blocks: Buffer[] = [];
    for (let i = 0, n = 0; n < options.padding; i++, n += 32) blocks.push(crypto.createHash('sha256').update(`pad-${i}`).digest());
    const pad = Buffer.concat(blocks).subarray(0, options.padding);
    entries.push({ name: '/padding.bin', data: pad });
  }
  return tarGz(entries);
}
