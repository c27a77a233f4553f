import * as fc from 'fast-check';
import { BootstrapArtifact } from '../../lib/node/bootstrap-artifact';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, isDocumentedError, nastyString } from '../util/fuzz';

const H = 'c'.repeat(64);

describe('BootstrapArtifact.fromPath', () => {
  test('keeps the path, takes the file name from it, lower-cases the checksum', () => {
    const a = BootstrapArtifact.fromPath('/opt/k3s/k3s-airgap-images-arm64.tar.zst', { sha256: H.toUpperCase() });
    expect([a.path, a.url, a.fileName, a.sha256]).toEqual(['/opt/k3s/k3s-airgap-images-arm64.tar.zst', undefined, 'k3s-airgap-images-arm64.tar.zst', H]);
  });

  test.each([
    ['a relative path', 'k3s', /path="k3s": is not an absolute path/],
    ['a ".." segment', '/opt/../etc/shadow', /without "." or ".." segments/],
    ['a directory', '/opt/k3s/', /path="\/opt\/k3s\/": is a directory/],
    ['shell characters', '/opt/k3s;reboot', /is not an absolute path of letters/],
    ['a credential', '/opt/http://u:hunter2@h', /path="<redacted>"/],
  ])('refuses %s', (_name, p, message) => {
    expect(() => BootstrapArtifact.fromPath(p)).toThrow(message);
  });

  test('refuses a checksum that is not 64 hex digits', () => {
    const e = validationErrorOf(() => BootstrapArtifact.fromPath('/opt/k3s', { sha256: 'abc' }));
    expect(e.prop).toBe('sha256');
    expect(e.message).toMatch(/is not a SHA-256 checksum \(64 hex digits\)/);
    expect(() => BootstrapArtifact.fromPath('/opt/k3s', { sha256: 'g'.repeat(64) })).toThrow(/SHA-256/);
  });
});

describe('BootstrapArtifact.fromUrl', () => {
  test.each([
    ['https://mirror.lan/k3s/v1.33.5+k3s1/k3s', 'k3s'],
    ['http://10.0.0.2:8080/k3s-airgap-images-arm64.tar.zst', 'k3s-airgap-images-arm64.tar.zst'],
    ['https://[fd00::2]:5000/v2/k3s/blobs/sha256:' + H, 'sha256:' + H],
  ])('accepts %s (file name %s)', (url, fileName) => {
    const a = BootstrapArtifact.fromUrl(url, { sha256: H });
    expect([a.url, a.path, a.fileName, a.sha256]).toEqual([url, undefined, fileName, H]);
  });

  test('fileName overrides the last URL segment', () => {
    expect(BootstrapArtifact.fromUrl(`https://r.lan/v2/x/blobs/sha256:${H}`, { sha256: H, fileName: 'images.tar.zst' }).fileName).toBe('images.tar.zst');
  });

  test.each<[string, string, any, RegExp]>([
    ['no checksum', 'https://m.lan/k3s', {}, /sha256=undefined: is not a SHA-256 checksum/],
    ['no options', 'https://m.lan/k3s', undefined, /sha256=undefined: is required for a fetched artifact/],
    ['credentials', 'https://user:pw@m.lan/k3s', { sha256: H }, /url=.*is not an http\(s\) URL/],
    ['a query (pre-signed URLs carry tokens)', 'https://m.lan/k3s?X-Amz-Signature=abc', { sha256: H }, /is not an http\(s\) URL/],
    ['a fragment', 'https://m.lan/k3s#x', { sha256: H }, /is not an http\(s\) URL/],
    ['ftp', 'ftp://m.lan/k3s', { sha256: H }, /is not an http\(s\) URL/],
    ['a bad port', 'https://m.lan:70000/k3s', { sha256: H }, /has port 70000/],
    ['a ".." segment', 'https://m.lan/a/../k3s', { sha256: H }, /has "." or ".." path segments/],
    ['shell characters', 'https://m.lan/k3s;reboot', { sha256: H }, /is not an http\(s\) URL/],
    ['a quote', "https://m.lan/k3s'", { sha256: H }, /is not an http\(s\) URL/],
    ['a newline', 'https://m.lan/k3s\nreboot', { sha256: H }, /single line/],
    ['no file name in the path', 'https://m.lan/', { sha256: H }, /fileName="": cannot be taken from the URL/],
    ['a bad file name', 'https://m.lan/k3s', { sha256: H, fileName: '../k3s' }, /fileName="..\/k3s": is not a file name/],
    ['a dot file name', 'https://m.lan/k3s', { sha256: H, fileName: '.hidden' }, /is not a file name/],
  ])('refuses %s', (_name, url, options, message) => {
    expect(() => BootstrapArtifact.fromUrl(url, options)).toThrow(message);
  });

  test('fuzz: a value is accepted only when it is made of the safe characters', () => {
    fc.assert(fc.property(nastyString(['https://m.lan/k3s', 'http://10.0.0.1/x.tar']), nastyString([H]), fc.option(nastyString(['x.tar']), { nil: undefined }), (url, sha256, fileName) => {
      let a: BootstrapArtifact;
      try {
        a = BootstrapArtifact.fromUrl(url, { sha256, fileName });
      } catch (e) {
        expect(isDocumentedError(e)).toBe(true);
        return;
      }
      expect(a.url).toMatch(/^https?:\/\/[A-Za-z0-9._~%+=,:@/[\]-]+$/);
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(a.fileName).toMatch(/^[A-Za-z0-9_+:%@=,-][A-Za-z0-9._+:%@=,-]*$/);
    }), fuzzParams({ numRuns: 500 }));
  });
});
