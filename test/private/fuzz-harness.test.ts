import { Chart, ApiObject } from 'cdk8s';
import { isDocumentedError, nodeFileProblems, semanticProblems, validOrDocumentedError } from '../util/fuzz';

// The harness the fuzz suites rely on must itself catch what it claims to.
describe('fuzz harness', () => {
  const cm = (data: any, extra: any = {}) => Object.assign({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data }, extra);

  test('flags leaked JavaScript values, bad labels, credentials, min above max', () => {
    expect(semanticProblems([cm({ a: 'NaN' })]).join()).toMatch(/leaked/);
    expect(semanticProblems([cm({ a: '[object Object]' })]).join()).toMatch(/leaked/);
    expect(semanticProblems([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', labels: { a: 'b c' } } }]).join()).toMatch(/labels\.a: bad value/);
    expect(semanticProblems([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ env: [{ name: 'DB_URL', value: 'postgres://u:p@h/x' }] }] } }]).join()).toMatch(/credential inline/);
    expect(semanticProblems([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ env: [{ name: 'DBPASSWORD', value: 'x' }] }] } }]).join()).toMatch(/inline credential/);
    expect(semanticProblems([{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'x' }, spec: { minReplicaCount: 3, maxReplicaCount: 2 } }]).join()).toMatch(/minReplicaCount 3 > maxReplicaCount 2/);
    expect(semanticProblems([cm({ a: 'ok' })])).toEqual([]);
  });

  test('flags an injected document', () => {
    expect(semanticProblems([cm({ a: 'b' })], 'apiVersion: v1\nkind: ConfigMap\n---\nkind: Secret\n').join()).toMatch(/2 documents, not 1/);
  });

  test('node files: TOML, YAML and credentials', () => {
    expect(nodeFileProblems([{ path: '/x/config.toml.tmpl', content: '{{ template "base" . }}\n[a]\nb = "c"\n' }])).toEqual([]);
    expect(nodeFileProblems([{ path: '/x/config.toml.tmpl', content: '[a]\nb = "c"d"\n' }]).join()).toMatch(/TOML/);
    expect(nodeFileProblems([{ path: '/x/config.toml.tmpl', content: '[a]\nSystemdCgroup = {{ .SystemdCgroup }}\n' }])).toEqual([]);
    expect(nodeFileProblems([{ path: '/x/config.toml.tmpl', content: '[a]\nb = {{ .Other }}\n' }]).join()).toMatch(/TOML/);
    expect(nodeFileProblems([{ path: '/x/config.yaml', content: 'datastore-endpoint: postgres://u:p@h/x\n' }]).join()).toMatch(/credential/);
    expect(nodeFileProblems([{ path: '/x/config.yaml', content: 'a: 1\n---\nb: 2\n' }]).join()).toMatch(/more than one/);
  });

  test('a documented error is an outcome, any other exception fails', () => {
    expect(validOrDocumentedError(() => { throw new Error('[cdk8s-wasm-edge] x: y=1: bad. Fix: z'); })).toBe('error');
    expect(() => validOrDocumentedError(() => { throw new TypeError('Invalid URL'); })).toThrow(/Invalid URL/);
    expect(isDocumentedError(new Error('plain'))).toBe(false);
    expect(validOrDocumentedError(app => { new ApiObject(new Chart(app, 'c'), 'o', cm({ a: 'b' })); })).toBe('ok');
    expect(() => validOrDocumentedError(app => { new ApiObject(new Chart(app, 'c'), 'o', cm({ a: 'NaN' })); })).toThrow(/leaked/);
  });
});
