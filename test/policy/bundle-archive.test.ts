import * as zlib from 'zlib';
import * as fc from 'fast-check';
import { BundleArchiveError, MAX_UNPACKED_BUNDLE_BYTES, readBundleArchive } from '../../lib/policy/bundle-archive';
import { fuzzParams } from '../util/fuzz';
import { EMPTY_WASM, opaWasmBundle, tar, tarGz } from '../util/tar';

function errorOf(bytes: Uint8Array): string {
  try {
    readBundleArchive(bytes);
  } catch (e) {
    if (e instanceof BundleArchiveError) return e.message;
    throw e;
  }
  throw new Error('expected a BundleArchiveError');
}

/** A ustar header block with arbitrary name, type and size (for GNU and pax records). */
function rawEntry(name: string, type: string, data: Buffer): Buffer {
  const t = tar([{ name: 'x', data }]);
  const h = Buffer.from(t.subarray(0, 512));
  h.fill(0, 0, 100);
  h.write(name, 0, 'utf-8');
  h.write(type, 156, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return Buffer.concat([h, t.subarray(512, 512 + Math.ceil(data.length / 512) * 512)]);
}

describe('readBundleArchive', () => {
  test('reads what opa build -t wasm writes: /data.json, /policy.wasm, /.manifest with wasm resolvers', () => {
    const info = readBundleArchive(opaWasmBundle({ revision: 'r42', entrypoint: 'factory/alarms/alarm' }));
    expect(info.files).toEqual(['/.manifest', '/data.json', '/policy.wasm']);
    expect(info.revision).toBe('r42');
    expect(info.wasmEntrypoints).toEqual(['factory/alarms/alarm']);
  });

  test('a Rego-only bundle without a manifest is a bundle; directories are skipped and "./" is dropped', () => {
    const info = readBundleArchive(tarGz([
      { name: './policy/', data: '', type: '5' },
      { name: './policy/alarms.rego', data: 'package alarms\n' },
    ]));
    expect(info.files).toEqual(['/policy/alarms.rego']);
    expect(info.revision).toBeUndefined();
    expect(info.wasmEntrypoints).toEqual([]);
  });

  test('GNU long names and pax path records name the next entry (Go archive/tar writes both)', () => {
    const long = `/${'d'.repeat(120)}/policy.wasm`;
    const body = Buffer.concat([
      rawEntry('././@LongLink', 'L', Buffer.from(long + '\0')),
      tar([{ name: 'short', data: Buffer.from(EMPTY_WASM) }]).subarray(0, 1024),
      rawEntry('PaxHeaders/x', 'x', Buffer.from('30 path=/very/long/data.json\n')),
      tar([{ name: 'other', data: '{}' }]).subarray(0, 1024),
      Buffer.alloc(1024),
    ]);
    expect(readBundleArchive(zlib.gzipSync(body)).files).toEqual([long, '/very/long/data.json']);
  });

  test('the ustar prefix field is joined to the name', () => {
    const t = tar([{ name: 'policy.wasm', data: Buffer.from(EMPTY_WASM) }]);
    t.write('bundle/dir', 345, 'utf-8');
    t.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of t.subarray(0, 512)) sum += b;
    t.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    expect(readBundleArchive(zlib.gzipSync(t)).files).toEqual(['/bundle/dir/policy.wasm']);
  });

  test.each([
    ['empty input', Buffer.alloc(0), /not gzip data/],
    ['a tar that is not gzipped', tar([{ name: 'policy.rego', data: 'package a' }]), /not gzip data .*1f 8b/],
    ['a Rego file', Buffer.from('package a\n'), /not gzip data/],
    ['a broken gzip stream', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff]), /not valid gzip data/],
    ['gzip of text, not a tar', zlib.gzipSync(Buffer.from('x'.repeat(2000))), /not a tar archive \(bad header checksum/],
    ['gzip of nothing', zlib.gzipSync(Buffer.alloc(0)), /not a tar archive \(no tar header/],
    ['a bundle with no policy', tarGz([{ name: '/data.json', data: '{}' }]), /holds no policy .*it has \/data.json/],
    ['an empty tar', tarGz([]), /holds no policy .*no files/],
    ['a manifest that is not JSON', tarGz([{ name: '/policy.wasm', data: Buffer.from(EMPTY_WASM) }, { name: '/.manifest', data: '{revision' }]), /\.manifest that is not JSON/],
    ['a manifest that is an array', tarGz([{ name: '/policy.wasm', data: Buffer.from(EMPTY_WASM) }, { name: '/.manifest', data: '[]' }]), /not a JSON object/],
    ['a manifest naming a missing module', tarGz([
      { name: '/policy.rego', data: 'package a' },
      { name: '/.manifest', data: JSON.stringify({ wasm: [{ entrypoint: 'a/b', module: '/policy.wasm' }] }) },
    ]), /references the Wasm module \/policy.wasm, which is not in the archive/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(errorOf(bytes)).toMatch(message);
  });

  test('refuses a truncated archive', () => {
    const t = tar([{ name: '/policy.wasm', data: Buffer.alloc(2000, 1) }]);
    expect(errorOf(zlib.gzipSync(t.subarray(0, 1024)))).toMatch(/truncated tar archive/);
  });

  test('refuses a gzip bomb: more than MAX_UNPACKED_BUNDLE_BYTES unpacked', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(MAX_UNPACKED_BUNDLE_BYTES + 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(errorOf(bomb)).toMatch(/unpacks to more than 67108864 bytes/);
  });

  test('property: every regular file written is listed, sorted, with one leading slash', () => {
    const name = fc.stringMatching(/^[a-z0-9_-]{1,12}(\/[a-z0-9_-]{1,12}){0,3}$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 0, maxLength: 6 }), fc.boolean(), (names, slash) => {
      const entries = [...names.map(n => ({ name: `${slash ? '/' : ''}${n}.json`, data: '{}' })), { name: 'policy.wasm', data: Buffer.from(EMPTY_WASM) }];
      const files = readBundleArchive(tarGz(entries)).files;
      expect(files).toEqual([...new Set([...names.map(n => `/${n}.json`), '/policy.wasm'])].sort());
    }), fuzzParams({ numRuns: 200 }));
  });
});
