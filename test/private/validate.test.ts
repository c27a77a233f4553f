import { checkDns1035Label, checkLabels, checkMetadata, checkNumber, checkPort, checkSafeAbsolutePath, isLabelValue, isQualifiedName, shellQuote } from '../../lib/private/validate';

describe('shared validators', () => {
  test('ports are whole numbers from 1 to 65535', () => {
    for (const ok of [1, 80, 65535]) expect(() => checkPort('c', 'port', ok)).not.toThrow();
    for (const bad of [0, -1, 65536, 1.5, NaN, Infinity]) expect(() => checkPort('c', 'port', bad)).toThrow(/\[cdk8s-wasm-edge\] c: port=.*is not a port/);
  });

  test('numbers are finite and within bounds', () => {
    expect(() => checkNumber('c', 'n', NaN, { min: 0 })).toThrow(/finite number >= 0/);
    expect(() => checkNumber('c', 'n', Infinity)).toThrow(/finite/);
    expect(() => checkNumber('c', 'n', 0, { min: 0, minExclusive: true })).toThrow(/above 0/);
    expect(() => checkNumber('c', 'n', 2.5, { integer: true })).toThrow(/whole number/);
    expect(() => checkNumber('c', 'n', 3, { min: 1, max: 3, integer: true })).not.toThrow();
  });

  test('label keys and values follow IsQualifiedName / IsValidLabelValue', () => {
    expect(isQualifiedName('app.kubernetes.io/name')).toBe(true);
    expect(isQualifiedName('Tier_1')).toBe(true);
    expect(isQualifiedName('a'.repeat(64))).toBe(false);
    expect(isQualifiedName('Example.com/x')).toBe(false);
    expect(isQualifiedName('/x')).toBe(false);
    expect(isQualifiedName('x/')).toBe(false);
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('a b')).toBe(false);
    expect(isLabelValue('-a')).toBe(false);
    expect(() => checkLabels('c', 'metadata.labels', { ok: 'x y' })).toThrow(/metadata\.labels\.ok="x y": is not a label value/);
    expect(() => checkLabels('c', 'metadata.labels', { 'bad key': 'x' })).toThrow(/metadata\.labels key="bad key"/);
  });

  test('metadata names, namespaces, labels and annotations', () => {
    expect(() => checkMetadata('c', 'metadata', { name: 'Upper' })).toThrow(/metadata\.name="Upper": is not a DNS-1123 subdomain/);
    expect(() => checkMetadata('c', 'metadata', { namespace: 'a.b' })).toThrow(/metadata\.namespace/);
    expect(() => checkMetadata('c', 'metadata', { annotations: { 'x/y': 'Bearer abcdefghijklmnop' } })).toThrow(/<redacted>/);
    expect(() => checkMetadata('c', 'metadata', { name: 'ok', labels: { a: 'b' }, annotations: { 'x/y': 'free text' } })).not.toThrow();
  });

  test('Service names are DNS-1035 labels (start with a letter)', () => {
    expect(() => checkDns1035Label('c', 'name', '1abc')).toThrow(/DNS-1035.*use a name such as "fn-1abc"/);
    expect(() => checkDns1035Label('c', 'name', 'abc-1')).not.toThrow();
  });

  test('safe absolute paths refuse shell and TOML metacharacters and dot segments', () => {
    for (const bad of ['/opt/k3s/images.tar;reboot', '/a|b', '/a&&b', '/a>b', '/a(b)', '/a*', '/$(id)', '/`id`', '/a\nb', 'rel/x', '', '/a/../b', '/a b', '/a"b', "/a'b"]) {
      expect(() => checkSafeAbsolutePath('c', 'p', bad, '/opt/x')).toThrow(/is not an absolute path/);
    }
    expect(() => checkSafeAbsolutePath('c', 'p', '/opt/k3s/k3s-airgap-images-arm64.tar.zst', '/opt/x')).not.toThrow();
  });

  test('shellQuote makes one word of anything', () => {
    expect(shellQuote('/opt/x')).toBe('/opt/x');
    expect(shellQuote("a'b; c")).toBe('\'a\'\\\'\'b; c\'');
  });
});
