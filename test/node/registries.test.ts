import * as yaml from 'js-yaml';
import { Registries } from '../../lib/node/registries';

describe('Registries', () => {
  test('mirrors with endpoints and rewrites, TLS configs, * quoted, sorted keys', () => {
    const r = new Registries({
      mirrors: [
        { registry: 'ghcr.io', endpoints: ['https://mirror.local:5000'], rewrites: { '^org/(.*)': 'ghcr/org/$1' } },
        { registry: '*', endpoints: ['http://10.0.0.2:5000'] },
      ],
      configs: [{ host: 'mirror.local:5000', tls: { caFile: '/etc/ssl/mirror-ca.pem', certFile: '/etc/ssl/c.pem', keyFile: '/etc/ssl/k.pem' } }],
    });
    const text = r.render();
    expect(text).toContain("'*':");
    expect(yaml.load(text)).toEqual({
      mirrors: {
        '*': { endpoint: ['http://10.0.0.2:5000'] },
        'ghcr.io': { endpoint: ['https://mirror.local:5000'], rewrite: { '^org/(.*)': 'ghcr/org/$1' } },
      },
      configs: { 'mirror.local:5000': { tls: { ca_file: '/etc/ssl/mirror-ca.pem', cert_file: '/etc/ssl/c.pem', key_file: '/etc/ssl/k.pem' } } },
    });
    expect(text).toMatchSnapshot();
  });

  test('@default embeddedMirror is false: a mirror without endpoint is refused', () => {
    expect(new Registries().embeddedMirror).toBe(false);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io' }] })).toThrow(/only makes sense with the embedded registry mirror/);
  });

  test('with the embedded mirror, mirrors need no endpoint', () => {
    const r = new Registries({ embeddedMirror: true, mirrors: [{ registry: 'docker.io' }, { registry: 'registry.k8s.io' }] });
    expect(yaml.load(r.render())).toEqual({ mirrors: { 'docker.io': {}, 'registry.k8s.io': {} } });
  });

  test('credentials in endpoints are refused and not echoed', () => {
    let message = '';
    try {
      new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['https://bob:s3cret@mirror.local'] }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/endpoints="<redacted>": the URL carries a user name and password/);
    expect(message).not.toContain('s3cret');
  });

  test('credentials in endpoint queries and rewrites are refused too (one detector)', () => {
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['https://mirror.local/?token=s3cret'] }] })).toThrow(/="<redacted>": it carries a password/);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['http://mirror.local'], rewrites: { '^(.*)': 'x?access_token=s3cret' } }] }))
      .toThrow(/rewrites="<redacted>"/);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['http://mirror.local'], rewrites: { '^(.*)': 'a\nb' } }] })).toThrow(/single-line/);
  });

  test('TLS file paths must be safe absolute paths (they are written into YAML read by K3s)', () => {
    expect(() => new Registries({ configs: [{ host: 'a.io', tls: { caFile: '/etc/ca.pem\nauth: x' } }] })).toThrow(/is not an absolute path of letters/);
    expect(() => new Registries({ configs: [{ host: 'a.io', tls: { caFile: '/etc/../ca.pem' } }] })).toThrow(/without "." or ".." segments/);
  });

  test('invalid input is refused', () => {
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['ftp://x'] }] })).toThrow(/not an http\(s\) URL/);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['not a url'] }] })).toThrow(/not a URL/);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['http://r.local:0'] }] })).toThrow(/has port 0/);
    expect(() => new Registries({ mirrors: [{ registry: 'docker.io', endpoints: ['http://r.local:99999'] }] })).toThrow(/not a URL/);
    expect(() => new Registries({ mirrors: [{ registry: 'https://docker.io', endpoints: ['http://x'] }] })).toThrow(/not a registry host/);
    expect(() => new Registries({ mirrors: [{ registry: 'a.io', endpoints: ['http://x'] }, { registry: 'a.io', endpoints: ['http://y'] }] })).toThrow(/mirrored twice/);
    expect(() => new Registries({ mirrors: [{ registry: 'a.io', endpoints: ['http://x'], rewrites: { '(': 'x' } }] })).toThrow(/not a regular expression/);
    expect(() => new Registries({ configs: [{ host: 'a.io', tls: { caFile: 'ca.pem' } }] })).toThrow(/absolute path/);
    expect(() => new Registries({ configs: [{ host: 'a.io', tls: { certFile: '/c.pem' } }] })).toThrow(/without its key/);
  });

  test('insecureSkipVerify defaults to false (not written) and is written when set', () => {
    expect(yaml.load(new Registries({ configs: [{ host: 'a.io', tls: { caFile: '/ca.pem' } }] }).render())).toEqual({ configs: { 'a.io': { tls: { ca_file: '/ca.pem' } } } });
    expect(yaml.load(new Registries({ configs: [{ host: 'a.io', tls: { insecureSkipVerify: true } }] }).render())).toEqual({ configs: { 'a.io': { tls: { insecure_skip_verify: true } } } });
  });
});
