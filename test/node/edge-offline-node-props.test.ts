import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as yaml from 'js-yaml';
import { EdgeNodeGroup } from '../../lib/node/edge-node-group';
import { EdgeNodeRole, EdgeOfflineNode, EdgeOfflineNodeProps } from '../../lib/node/edge-offline-node';
import { isDocumentedError } from '../util/fuzz';

function node(props: EdgeOfflineNodeProps, id = 'n'): EdgeOfflineNode {
  return new EdgeOfflineNode(Testing.chart(), id, props);
}

/** The documented error of building a node (fails the test when the build does not throw it). */
function errorOf(props: EdgeOfflineNodeProps): string {
  try {
    node(props).renderCloudInit();
  } catch (e) {
    expect(isDocumentedError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function config(n: EdgeOfflineNode, file = '/etc/rancher/k3s/config.yaml'): any {
  return yaml.load(n.renderFiles().find(f => f.path === file)!.content);
}

const agent = { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443' };

describe('no secret inline in any node file (one credential detector)', () => {
  test.each([
    ['datastore-endpoint with password= in the query', { 'datastore-endpoint': 'postgres://db:5432/k3s?sslmode=require&password=hunter2' }],
    ['datastore-endpoint with user:password@', { 'datastore-endpoint': 'mysql://k3s:hunter2@tcp(db:3306)/k3s' }],
    ['a key=value DSN', { 'datastore-endpoint': 'host=db user=k3s password=hunter2' }],
    ['a token inline', { token: 'K10abcdef::server:hunter2' }],
    ['a kube-apiserver arg with a token parameter', { 'kube-apiserver-arg': ['oidc-issuer-url=https://idp.local/?access_token=hunter2'] }],
  ])('%s is refused and never echoed', (_name, extraConfig) => {
    const message = errorOf({ extraConfig });
    expect(message).not.toContain('hunter2');
    expect(message).toMatch(/secret inline|generated files are not Secrets/);
  });

  test('a GitHub token shaped label value is refused (labels are node files too)', () => {
    expect(errorOf({ labels: { 'example.com/ci': 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } })).toMatch(/labels.example.com\/ci="<redacted>": it holds a GitHub token/);
  });

  // Found by the fuzz suite: "/opt/k3s/http://user:pass@host" is made of safe path characters.
  test('a credential in a path is refused (paths reach node files and runcmd)', () => {
    expect(errorOf({ airgap: { imagesTarball: '/opt/k3s/i.tar', installScript: '/opt/k3s/http://user:hunter2@host' } })).toMatch(/airgap.installScript="<redacted>"/);
    expect(errorOf(Object.assign({}, agent, { tokenFile: '/run/x?password=hunter2' }))).toMatch(/tokenFile=/);
  });

  test('a password in a local registry URL is refused', () => {
    expect(errorOf({ localRegistry: 'http://bob:hunter2@10.0.0.2:5000' })).not.toContain('hunter2');
  });

  test('what is not a secret passes: the Secret name for etcd S3, a sqlite endpoint, token files', () => {
    const n = node({ role: EdgeNodeRole.CLUSTER_INIT_SERVER, extraConfig: { 'etcd-s3-config-secret': 'k3s-etcd-s3', 'datastore-endpoint': 'sqlite:///data/state.db?_journal=WAL' } });
    expect(config(n)['etcd-s3-config-secret']).toBe('k3s-etcd-s3');
  });
});

describe('every prop is validated before it reaches output', () => {
  test.each([
    // cdk8s's toSeconds() threw "'1500 millis' cannot be converted into a whole number of seconds".
    ['offlineAutonomy of 1500 ms', { offlineAutonomy: Duration.millis(1500) }, /offlineAutonomy="1500ms": must be a whole number of seconds/],
    ['offlineAutonomy of NaN days', { offlineAutonomy: Duration.days(NaN) }, /offlineAutonomy="NaNms"/],
    ['offlineAutonomy beyond 100 years', { offlineAutonomy: Duration.days(365 * 101) }, /to 100 years/],
    // new URL() threw "TypeError: Invalid URL".
    ['serverUrl with port 99999', Object.assign({}, agent, { serverUrl: 'https://h:99999' }), /serverUrl="https:\/\/h:99999": has port 99999/],
    ['serverUrl with port 0', Object.assign({}, agent, { serverUrl: 'https://h:0' }), /has port 0/],
    ['serverUrl without host', Object.assign({}, agent, { serverUrl: 'https://' }), /is not an https URL/],
    ['serverUrl with a path', Object.assign({}, agent, { serverUrl: 'https://h:6443/x' }), /is not an https URL/],
    ['serverUrl with a query', Object.assign({}, agent, { serverUrl: 'https://h:6443?token=x' }), /is not an https URL/],
    ['serverUrl with a newline', Object.assign({}, agent, { serverUrl: 'https://h:6443\nx' }), /serverUrl=.*single line/],
    ['serverUrl with unicode', Object.assign({}, agent, { serverUrl: 'https://日本:6443' }), /is not an https URL/],
    // toKibibytes() threw for sizes that are not whole KiB.
    ['density memory of half a KiB', { density: { podsPerNode: 10, nodeAllocatableMemory: Size.gibibytes(1), podMemoryRequest: Size.kibibytes(0.5) } }, /density.podMemoryRequest="0.5KiB": must be a whole number of KiB/],
    ['density memory of NaN', { density: { podsPerNode: 10, nodeAllocatableMemory: Size.mebibytes(NaN), podMemoryRequest: Size.mebibytes(8) } }, /density.nodeAllocatableMemory=/],
    ['eviction memory of 3 KiB', { kubeletThresholds: { evictionMemoryAvailable: Size.kibibytes(3) } }, /kubelet.evictionMemoryAvailable=.*whole number of MiB/],
    ['eviction memory beyond safe integers', { kubeletThresholds: { evictionMemoryAvailable: Size.gibibytes(1e20) } }, /kubelet.evictionMemoryAvailable=/],
    ['a node name longer than a label value', { nodeName: 'a'.repeat(64) }, /nodeName=.*64 characters long: the kubelet sets it as the value of the kubernetes.io\/hostname label/],
    ['a taint effect that does not exist', Object.assign({}, agent, { taints: [{ key: 'a', effect: 'Sometimes' as any }] }), /taints\[a\].effect="Sometimes": is not a taint effect/],
    ['a taint value with a space', Object.assign({}, agent, { taints: [{ key: 'a', value: 'b c', effect: kplus.TaintEffect.NO_SCHEDULE }] }), /taints\[a\].value="b c"/],
    ['a zone with a slash', { zone: 'a/b' }, /zone="a\/b": is not a valid label value/],
    ['a tokenFile that is relative', Object.assign({}, agent, { tokenFile: 'token' }), /tokenFile="token": is not an absolute path/],
    ['an agentTokenFile with a space', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, agentTokenFile: '/etc/a b' }, /agentTokenFile="\/etc\/a b"/],
    ['a k3sVersion that is not a version number', { k3sVersion: 'v1.99999999999999999999.0' }, /k3sVersion=.*is not a K3s version/],
    ['extraConfig that is not a map', { extraConfig: ['disable'] as any }, /extraConfig=.*is not a map/],
    ['a runtime that is not a WasmRuntime', { runtimes: [{ handler: 'x' } as any] }, /runtimes=.*is not a WasmRuntime/],
  ])('%s: the library\'s error', (_name, props, message) => {
    expect(errorOf(props as EdgeOfflineNodeProps)).toMatch(message);
  });

  test('valid edge values pass: IPv6 and upper-case hosts, 1 second, a 63-character node name', () => {
    expect(node(Object.assign({}, agent, { serverUrl: 'https://[fd00::1]:6443' })).serverUrl).toBe('https://[fd00::1]:6443');
    expect(config(node(Object.assign({}, agent, { serverUrl: 'https://HUB.example:6443/' }))).server).toBe('https://HUB.example:6443/');
    expect(node({ offlineAutonomy: Duration.seconds(1) }).tolerations()[0].tolerationSeconds).toBe(1);
    expect(node({ nodeName: 'a'.repeat(63) }).nodeLabels['kubernetes.io/hostname']).toBe('a'.repeat(63));
  });

  test('EdgeNodeGroup names and labels are checked', () => {
    const c = Testing.chart();
    expect(() => new EdgeNodeGroup(c, 'G', {})).toThrow(/groupName="G": is not a DNS-1123 label/);
    expect(() => new EdgeNodeGroup(c, 'g', { groupName: 'a'.repeat(58) })).toThrow(/longer than 63 characters/);
    const n = new EdgeOfflineNode(c, 'n');
    expect(() => n.addLabel('example.com/x', 'a b')).toThrow(/labels\[example.com\/x\]="a b"/);
  });
});

// The density planner sizes max-pods, node-cidr-mask-size and cluster-cidr together
// (k3s-io/k3s pkg/util/args.go GetArgs: kubelet-arg and kube-controller-manager-arg entries become
// "--<name>=<value>", "--" and a "+"/"-" suffix of the name trimmed; kubernetes
// kube-controller-manager: --node-cidr-mask-size defaults to 24 for IPv4).
describe('density cannot be bypassed through extraConfig', () => {
  test.each([
    ['kubelet-arg max-pods without density', { 'kubelet-arg': ['max-pods=5000'] }],
    ['kubelet-arg --max-pods with dashes', { 'kubelet-arg': ['--max-pods=5000'] }],
    // k3s-io/k3s pkg/util/args.go GetArgs: TrimRight(arg, "-+") makes max-pods+= and max-pods-= the same flag.
    ['kubelet-arg max-pods+ (append form of the arg)', { 'kubelet-arg': ['max-pods+=5000'] }],
    ['kubelet-arg max-pods- (prepend form of the arg)', { 'kubelet-arg': ['max-pods-=5000'] }],
    ['kube-controller-manager-arg node-cidr-mask-size', { 'kube-controller-manager-arg': ['node-cidr-mask-size=16'] }],
    ['kube-controller-manager-arg node-cidr-mask-size-ipv4', { 'kube-controller-manager-arg': ['node-cidr-mask-size-ipv4=20'] }],
    ['kube-controller-manager-arg cluster-cidr', { 'kube-controller-manager-arg': ['cluster-cidr=10.0.0.0/8'] }],
  ])('%s is refused with the fix', (_name, extraConfig) => {
    expect(errorOf({ extraConfig })).toMatch(/bypasses the density planner.*Fix: remove it and set density: \{ podsPerNode \}/);
  });

  test('the append form (kubelet-arg+) is refused too', () => {
    expect(errorOf({ extraConfig: { 'kubelet-arg+': ['max-pods=5000'] } })).toMatch(/kubelet-arg\+/);
  });

  test('cluster-cidr without density must hold a /24 node subnet and miss the service CIDR', () => {
    expect(errorOf({ extraConfig: { 'cluster-cidr': ['10.42.0.0/25'] } })).toMatch(/extraConfig.cluster-cidr="10.42.0.0\/25": is smaller than one node subnet \(\/24/);
    expect(errorOf({ extraConfig: { 'cluster-cidr': ['10.43.0.0/16'] } })).toMatch(/overlaps the service CIDR 10.43.0.0\/16/);
    expect(errorOf({ extraConfig: { 'cluster-cidr': ['10.50.0.0/16'], 'service-cidr': ['10.50.128.0/17'] } })).toMatch(/overlaps the service CIDR 10.50.128.0\/17/);
    expect(errorOf({ extraConfig: { 'cluster-cidr': ['10.42.0.0/33'] } })).toMatch(/is not an IPv4 CIDR/);
    expect(config(node({ extraConfig: { 'cluster-cidr': ['10.50.0.0/16,fd00:42::/56'] } }))['cluster-cidr']).toEqual(['10.50.0.0/16,fd00:42::/56']);
  });

  test('cluster-cidr with density stays the planner\'s', () => {
    expect(errorOf({ density: { podsPerNode: 3000 }, extraConfig: { 'cluster-cidr': ['10.50.0.0/16'] } })).toMatch(/extraConfig.cluster-cidr=.*is set by the construct/);
  });

  test('a service-cidr in extraConfig is planned around', () => {
    const n = node({ density: { podsPerNode: 3000, nodeCount: 4 }, extraConfig: { 'service-cidr': ['10.42.0.0/16'] } });
    const drop = config(n, '/etc/rancher/k3s/config.yaml.d/10-density.yaml');
    expect(drop['cluster-cidr']).toEqual([n.densityPlan!.clusterCidr]);
    expect(n.densityPlan!.clusterCidr).not.toBe('10.42.0.0/16');
    expect(errorOf({ density: { podsPerNode: 100, serviceCidr: '10.43.0.0/16' }, extraConfig: { 'service-cidr': ['10.96.0.0/16'] } })).toMatch(/density.serviceCidr=.*differs from extraConfig.service-cidr/);
  });

  test('other kubelet args pass', () => {
    expect(config(node({ extraConfig: { 'kubelet-arg': ['serialize-image-pulls=false', 'pods-per-core=0'] } }))['kubelet-arg']).toEqual(['serialize-image-pulls=false', 'pods-per-core=0']);
  });
});

describe('the public node-file classes refuse input of the wrong type with the library error', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../lib');
  test.each([
    ['EdgeOfflineNode props null', () => new EdgeOfflineNode(Testing.chart(), 'n', null as any)],
    ['EdgeOfflineNode labels as a string', () => node({ labels: 'a=b' as any })],
    ['ContainerdTemplate without runtimes', () => new lib.ContainerdTemplate({})],
    ['ContainerdTemplate with a runtime that is not one', () => new lib.ContainerdTemplate({ runtimes: ['wasmedge'] })],
    ['ContainerdTemplate with crunPodAnnotations as a string', () => new lib.ContainerdTemplate({ runtimes: [lib.WasmRuntime.WASMEDGE], crunPodAnnotations: 'x' })],
    ['ContainerdTemplate with binaryPaths as a list', () => new lib.ContainerdTemplate({ runtimes: [lib.WasmRuntime.WASMEDGE], binaryPaths: ['/x'] })],
    ['K3sConfig with no command', () => new lib.K3sConfig({})],
    ['K3sConfig with a path that is not a string', () => new lib.K3sConfig({ command: 'server', path: 5 })],
    ['K3sConfig.set with a key that is not a string', () => new lib.K3sConfig({ command: 'server' }).set(5, 'x')],
    ['Registries mirror without a registry', () => new lib.Registries({ mirrors: [{}] })],
    ['Registries mirror with endpoints as a string', () => new lib.Registries({ mirrors: [{ registry: 'docker.io', endpoints: 'http://x' }] })],
    ['Registries config without a host', () => new lib.Registries({ configs: [{}] })],
    ['DensityPlanner.plan without options', () => lib.DensityPlanner.plan(undefined)],
    ['K3sVersion.parse of a number', () => lib.K3sVersion.parse(133)],
    ['EdgeNodeGroup with a node that is not one', () => new EdgeNodeGroup(Testing.chart(), 'g', { nodes: [{} as any] })],
    ['EdgeNodeGroup with nodes that are not a list', () => new EdgeNodeGroup(Testing.chart(), 'g', { nodes: {} as any })],
    ['EdgeNodeGroup with a groupName that is not a string', () => new EdgeNodeGroup(Testing.chart(), 'g', { groupName: 5 as any })],
  ])('%s', (_name, build) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(isDocumentedError(error)).toBe(true);
  });
});
