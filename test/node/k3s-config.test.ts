import * as yaml from 'js-yaml';
import { parseK3sConfig } from './helpers';
import { K3S_CONFIG_PATH, K3sCommand, K3sConfig } from '../../lib/node/k3s-config';

const server = () => new K3sConfig({ command: K3sCommand.SERVER, owner: 'test/node' });
const agent = () => new K3sConfig({ command: K3sCommand.AGENT, owner: 'test/node' });

describe('K3sConfig', () => {
  test('@default path is /etc/rancher/k3s/config.yaml', () => {
    expect(server().path).toBe(K3S_CONFIG_PATH);
    expect(K3S_CONFIG_PATH).toBe('/etc/rancher/k3s/config.yaml');
  });

  test('@default owner is K3sConfig (named in errors)', () => {
    expect(() => new K3sConfig({ command: K3sCommand.SERVER }).set('wasm', true)).toThrow(/K3sConfig: key="wasm"/);
  });

  test('renders sorted keys, lists for repeatable flags, and the + append form', () => {
    const c = server()
      .set('write-kubeconfig-mode', '0600')
      .set('cluster-init', true)
      .set('v', 2)
      .add('node-label', ['b=2'])
      .add('node-label', ['a=1'])
      .append('kubelet-arg', ['max-pods=500']);
    const doc = parseK3sConfig(c.render(), 'server');
    expect(Object.keys(doc)).toEqual(['cluster-init', 'kubelet-arg+', 'node-label', 'v', 'write-kubeconfig-mode']);
    expect(doc['node-label']).toEqual(['b=2', 'a=1']);
    expect(doc['kubelet-arg+']).toEqual(['max-pods=500']);
    expect(doc['write-kubeconfig-mode']).toBe('0600'); // stays a string, not an octal number
    expect(doc.v).toBe(2);
    expect(c.render().startsWith('# /etc/rancher/k3s/config.yaml')).toBe(true);
  });

  test('drop-in paths are accepted, other paths refused', () => {
    expect(new K3sConfig({ command: K3sCommand.AGENT, path: '/etc/rancher/k3s/config.yaml.d/50-x.yaml' }).path).toContain('config.yaml.d');
    expect(() => new K3sConfig({ command: K3sCommand.AGENT, path: '/etc/k3s.yaml' })).toThrow(/neither the K3s config file nor a drop-in/);
    expect(() => new K3sConfig({ command: K3sCommand.AGENT, path: '/etc/rancher/k3s/config.yaml.d/x.yml' })).toThrow(/drop-in/);
  });

  test('wasm is refused with what to do instead', () => {
    expect(() => server().set('wasm', true)).toThrow(/K3s has no --wasm flag; install the shim binaries on the node and offer WasmRuntime presets/);
    expect(() => agent().set('wasm', true)).toThrow(/\[cdk8s-wasm-edge\] test\/node: key="wasm"/);
  });

  test.each([
    ['token', /token-file/],
    ['agent-token', /agent-token-file/],
    ['vpn-auth', /vpn-auth-file/],
    ['etcd-s3-secret-key', /etcd-s3-config-secret/],
  ])('inline secret %s is refused', (key, fix) => {
    expect(() => server().set(key, 'K10abc::server:secret')).toThrow(/would write a secret inline/);
    expect(() => server().set(key, 'x')).toThrow(fix);
  });

  test('a datastore URL with a password is refused and not echoed', () => {
    let message = '';
    try {
      server().set('datastore-endpoint', 'postgres://k3s:hunter2@db:5432/k3s');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/datastore-endpoint="<redacted>": the URL carries a user name and password/);
    expect(message).not.toContain('hunter2');
    expect(server().set('datastore-endpoint', 'sqlite:///var/lib/rancher/k3s/server/db/state.db').get('datastore-endpoint')).toContain('sqlite');
  });

  // The one credential detector (lib/private/credentials.ts) in every file: a password in the query
  // string or in a key=value DSN (K3s hands the endpoint to kine as is: k3s-io/kine pkg/endpoint).
  test.each([
    ['datastore-endpoint', 'postgres://db:5432/k3s?sslmode=disable&password=hunter2'],
    ['datastore-endpoint', 'mysql://k3s@tcp(db:3306)/k3s?password=hunter2'],
    ['datastore-endpoint', 'host=db user=k3s password=hunter2 dbname=k3s'],
    ['kube-apiserver-arg', ['oidc-issuer-url=https://idp/?token=hunter2']],
    ['etcd-s3-endpoint', 'https://user:hunter2@s3.local'],
  ])('%s with a credential in the value is refused and not echoed', (key, value) => {
    const set = () => Array.isArray(value) ? server().add(key, value) : server().set(key, value);
    expect(set).toThrow(/="<redacted>": .*generated files are not Secrets/);
    expect(set).not.toThrow(/hunter2/);
  });

  test('flags named like secrets that hold no secret are accepted: a Secret name, a path, a switch', () => {
    const c = server().set('etcd-s3-config-secret', 'k3s-etcd-snapshot-s3-config').set('secrets-encryption', true)
      .set('image-credential-provider-config', '/etc/rancher/k3s/credential-provider.yaml').set('datastore-endpoint', 'postgres://db:5432/k3s?sslmode=verify-full');
    expect(c.keys).toEqual(['datastore-endpoint', 'etcd-s3-config-secret', 'image-credential-provider-config', 'secrets-encryption']);
  });

  test('values with newlines or control characters are refused (one flag value is one line)', () => {
    expect(() => server().set('node-name', 'a\nb')).toThrow(/single-line string/);
    expect(() => server().add('kubelet-arg', ['a=b\nc: d'])).toThrow(/single-line strings/);
  });

  test('server-only keys are refused on agents', () => {
    expect(() => agent().add('kube-controller-manager-arg', ['node-cidr-mask-size=20'])).toThrow(/server-only flag/);
    expect(() => agent().set('cluster-init', true)).toThrow(/server-only/);
    expect(() => agent().set('embedded-registry', true)).toThrow(/server-only/);
  });

  test('agent-only keys are refused on servers', () => {
    expect(() => server().set('disable-apiserver-lb', true)).toThrow(/agent-only/);
  });

  test('unknown keys are refused with a suggestion', () => {
    expect(() => server().set('node-lable', ['a=b'])).toThrow(/did you mean "node-label"/);
    expect(() => server().set('max-pods', 500)).toThrow(/kubelet-arg/);
  });

  test('aliases, deprecated and non-config keys are refused', () => {
    expect(() => server().set('t', 'x')).toThrow(/alias of "token"/);
    expect(() => server().add('kube-controller-arg', ['x=y'])).toThrow(/deprecated.*kube-controller-manager-arg/);
    expect(() => server().set('config', '/x.yaml')).toThrow(/no effect inside a config file/);
    expect(() => server().set('kubelet-arg+', ['a=b'])).toThrow(/append\("kubelet-arg"/);
  });

  test('values must match the flag type', () => {
    expect(() => server().set('cluster-init', 'true')).toThrow(/true or false/);
    expect(() => server().set('v', 1.5)).toThrow(/whole number/);
    expect(() => server().set('node-label', 'a=b')).toThrow(/list of non-empty single-line strings/);
    expect(() => server().set('etcd-s3-timeout', '5 minutes')).toThrow(/Go duration/);
    expect(server().set('etcd-s3-timeout', '5m0s').get('etcd-s3-timeout')).toBe('5m0s');
    expect(() => server().append('node-name', ['x'])).toThrow(/single-valued/);
  });

  test('an empty config renders only the header and parses as empty', () => {
    const c = agent();
    expect(c.isEmpty).toBe(true);
    expect(yaml.load(c.render()) ?? undefined).toBeUndefined();
  });
});
