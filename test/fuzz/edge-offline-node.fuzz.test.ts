/**
 * Property-based suites for EdgeOfflineNode (servers, agents) and EdgeNodeGroup: every run ends in
 * the library's documented error, or in node files that pass `nodeFileProblems` (YAML 1.1 and 1.2
 * agree, one document, TOML parses, no credential inline) and these checks: the containerd template
 * renders to valid TOML whatever K3s detected, cloud-init has no injected key or document, every
 * runcmd value is one shell word that expands nothing, and every K3s config key is a flag of
 * k3s-flags.json for the node's command.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import * as toml from 'smol-toml';
import { IntegrationRoute, WasmRuntime } from '../../lib/core/runtime';
import { EdgeNodeGroup } from '../../lib/node/edge-node-group';
import { EdgeNodeRole, EdgeOfflineNode, EdgeOfflineNodeProps } from '../../lib/node/edge-offline-node';
import { WasmDeployment } from '../../lib/wasm-deployment';
import { parseK3sConfig, renderAsK3s, shellTokens } from '../node/helpers';
import { assertValidOrDocumentedError, FUZZ_RUNS, nastyNumber, nastyString, nodeFileProblems } from '../util/fuzz';

jest.setTimeout(240_000);

/** Mostly left out (3 in 4), so a run sets a few props and valid runs occur. */
function some<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** A plausible value twice as often as a nasty one (nasty strings and numbers still come often). */
function str(good: string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 2 }, { arbitrary: nastyString(good), weight: 1 });
}
function num(good: number[]): fc.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 2 }, { arbitrary: nastyNumber(good), weight: 1 });
}

const CRUN_WASM = WasmRuntime.custom({ handler: 'crun-wasm', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN });
const ODD_BINARY = WasmRuntime.custom({ handler: 'odd', runtimeType: 'io.containerd.runc.v2', binaryName: 'odd-runtime' });
const RUNTIMES = [...WasmRuntime.all(), CRUN_WASM, ODD_BINARY];

const path = (good: string[]) => fc.oneof(
  { arbitrary: fc.constantFrom(...good), weight: 4 },
  { arbitrary: nastyString(good), weight: 2 },
  { arbitrary: nastyString().map(s => `/opt/k3s/${s}`), weight: 2 },
  { arbitrary: fc.constantFrom('/opt/k3s/i,v=1:a@b%c+d.tar', '/data/k3s/agent/images/x.tar', '/var/lib/rancher/k3s/agent/images/y.tar', '/opt//k3s/z.tar'), weight: 1 },
);

/** cdk8s refuses some amounts itself (negative): fall back to a plain value, the library sees only what cdk8s builds. */
function safely<T>(make: () => T, fallback: () => T): T {
  try {
    return make();
  } catch {
    return fallback();
  }
}
const size = fc.tuple(nastyNumber([1, 16, 100, 2048]), fc.constantFrom('kibibytes', 'mebibytes', 'gibibytes'))
  .map(([n, unit]) => safely(() => (Size as any)[unit](n) as Size, () => Size.mebibytes(16)));
const duration = fc.tuple(nastyNumber([1, 30, 1500]), fc.constantFrom('millis', 'seconds', 'days'))
  .map(([n, unit]) => safely(() => (Duration as any)[unit](n) as Duration, () => Duration.days(1)));

const EXTRA_KEYS = ['disable', 'kubelet-arg', 'kubelet-arg+', 'kube-controller-manager-arg', 'kube-apiserver-arg', 'cluster-cidr', 'service-cidr', 'data-dir',
  'datastore-endpoint', 'tls-san', 'node-ip', 'token', 'agent-token', 'wasm', 'max-pods', 'write-kubeconfig-mode', 'etcd-s3-config-secret', 'secrets-encryption',
  'protect-kernel-defaults', 'node-name', 'selinux', 'default-runtime', 'flannel-backend', 't', 'nonsense-flag'];
const extraValue = fc.oneof(
  str(['traefik', '/data/k3s', '0644', 'postgres://db/k3s?password=x', 'vxlan']),
  fc.boolean(),
  num([1, 10]),
  fc.array(str(['traefik', 'max-pods=5000', 'node-cidr-mask-size=16', '10.42.0.0/16', '10.50.0.0/16,fd00::/56', 'serialize-image-pulls=false', '--max-pods=9']), { maxLength: 3 }),
);

const commonProps = {
  nodeName: some(str(['edge-1', 'a.b.c', 'Edge', 'a'.repeat(63)])),
  k3sVersion: some(str(['v1.33.5+k3s1', 'v1.29.12+k3s1', 'v1.31.5+k3s1', 'v1.26.7+k3s1', 'v1.34.0-rc1+k3s1', 'v1.9999.0'])),
  labels: some(fc.dictionary(str(['example.com/line', 'site', 'node-role.kubernetes.io/edge', 'kubernetes.io/hostname']), str(['a', 'b-1', '']), { maxKeys: 3 })),
  taints: some(fc.array(fc.record({
    key: str(['example.com/dedicated', 'gpu']),
    value: some(str(['ai', ''])),
    effect: fc.constantFrom<any>(kplus.TaintEffect.NO_SCHEDULE, kplus.TaintEffect.NO_EXECUTE, kplus.TaintEffect.PREFER_NO_SCHEDULE, 'Sometimes'),
  }), { maxLength: 2 })),
  wasmOnly: some(fc.boolean()),
  zone: some(str(['zone-a'])),
  region: some(str(['eu-1'])),
  site: some(str(['plant-3'])),
  gpu: some(fc.boolean()),
  runtimes: some(fc.subarray(RUNTIMES, { maxLength: 4 })),
  density: some(fc.record({
    podsPerNode: num([100, 3000]),
    nodeCount: some(num([1, 4, 300])),
    systemPodsPerNode: some(num([0, 10])),
    clusterCidr: some(str(['10.42.0.0/16', '10.0.0.0/8', '10.42.0.1/16', '10.43.0.0/16'])),
    serviceCidr: some(str(['10.43.0.0/16', '172.16.0.0/16'])),
    nodeAllocatableMemory: some(size),
    podMemoryRequest: some(size),
  })),
  kubeletThresholds: some(fc.record({
    evictionMemoryAvailable: some(size),
    evictionNodefsAvailablePercent: some(num([10])),
    evictionImagefsAvailablePercent: some(num([10])),
    evictionNodefsInodesFreePercent: some(num([5])),
    imageGcHighThresholdPercent: some(num([70, 85])),
    imageGcLowThresholdPercent: some(num([50])),
  })),
  offlineAutonomy: some(duration),
  localRegistry: some(str(['http://10.0.0.2:5000', 'https://registry.local', 'http://u:p@h', 'ftp://x', 'http://h/?token=abc'])),
  localRegistryTls: some(fc.record({ caFile: some(path(['/etc/rancher/k3s/ca.pem'])), certFile: some(path(['/c.pem'])), keyFile: some(path(['/k.pem'])), insecureSkipVerify: some(fc.boolean()) })),
  embeddedRegistry: some(fc.boolean()),
  mirroredRegistries: some(fc.array(str(['docker.io', '*', 'ghcr.io', 'registry.local:5000']), { maxLength: 3 })),
  airgap: some(fc.record({
    imagesTarball: path(['/opt/k3s/k3s-airgap-images-arm64.tar.zst']),
    installScript: some(path(['/usr/local/bin/k3s-install.sh'])),
    extraImageTarballs: some(fc.array(path(['/opt/images/apps.tar']), { maxLength: 3 })),
  })),
  containerd: some(fc.record({
    systemdCgroup: some(fc.boolean()),
    crunPodAnnotations: some(fc.array(str(['module.wasm.image/*', 'run.oci.handler', '*']), { maxLength: 3 })),
    binaryPaths: some(fc.dictionary(fc.constantFrom('crun', 'crun-wasm', 'nvidia', 'odd', 'wasmedge', 'nope'), path(['/usr/local/bin/crun', 'a"b', '/usr/bin/crun"#']), { maxKeys: 2 })),
  })),
  extraConfig: some(fc.dictionary(fc.constantFrom(...EXTRA_KEYS), extraValue, { maxKeys: 3 })),
};

const serverProps = fc.record(Object.assign({}, commonProps, {
  role: fc.constantFrom(EdgeNodeRole.SINGLE_NODE_SERVER, EdgeNodeRole.CLUSTER_INIT_SERVER, EdgeNodeRole.JOINING_SERVER),
  serverUrl: some(str(['https://10.0.0.1:6443', 'https://h:99999', 'https://[fd00::1]:6443', 'http://x:6443', 'https://hub:6443/'])),
  tokenFile: some(path(['/etc/rancher/k3s/cluster-token'])),
  agentTokenFile: some(path(['/etc/rancher/k3s/agent-token'])),
}), { requiredKeys: ['role'] }) as fc.Arbitrary<EdgeOfflineNodeProps>;

const agentProps = fc.record(Object.assign({}, commonProps, {
  role: fc.constant(EdgeNodeRole.AGENT),
  serverUrl: fc.oneof(
    { arbitrary: fc.constantFrom('https://hub:6443', 'https://10.0.0.1:6443'), weight: 3 },
    { arbitrary: str(['https://h:99999', 'https://[fd00::1]:6443', 'https://', 'https://a b:1']), weight: 1 },
  ),
  tokenFile: some(path(['/etc/rancher/k3s/cluster-token'])),
}), { requiredKeys: ['role', 'serverUrl'] }) as fc.Arbitrary<EdgeOfflineNodeProps>;

const ALWAYS_LINES = new Set([
  '{ ip -4 route show default; ip -6 route show default; } 2>/dev/null | grep -q . || { echo "K3s needs a default route, even offline: add one (a dummy route is enough)" >&2; exit 1; }',
  'test -x /usr/local/bin/k3s || { echo "airgap install: stage the k3s binary at /usr/local/bin/k3s first" >&2; exit 1; }',
]);

/** Nodes whose files passed every check in the current suite: enough of them, or the suite proves little. */
let checked = 0;
beforeEach(() => {
  checked = 0;
});
afterEach(() => {
  expect(checked).toBeGreaterThanOrEqual(Math.ceil(FUZZ_RUNS / 50));
});

/** Everything a node writes is checked; any problem throws a plain Error, which fails the run. */
function checkNode(n: EdgeOfflineNode, props: EdgeOfflineNodeProps): void {
  const problems: string[] = [];
  const files = n.renderFiles();
  const cloudInit = n.renderCloudInit();
  const cmd = n.role === EdgeNodeRole.AGENT ? 'agent' : 'server';

  // The template as K3s renders it, for each cgroup driver K3s may detect.
  const rendered = files.map(f => f.path.endsWith('.tmpl') ? Object.assign({}, f, { content: f.content.replace(/\{\{ \.SystemdCgroup \}\}/g, 'true') }) : f);
  problems.push(...nodeFileProblems([...rendered, { path: 'cloud-init.yaml', content: cloudInit }]));
  const tmpl = files.find(f => f.path.endsWith('.tmpl'))!;
  if (!tmpl.path.startsWith(`${n.dataDir}/agent/etc/containerd/`)) problems.push(`template at ${tmpl.path}, not under data-dir ${n.dataDir}`);
  for (const systemdCgroup of [true, false]) {
    for (const detected of [[], ['crun', 'wasmedge', 'spin', 'nvidia', 'nvidia-experimental', 'wasmtime']]) {
      try {
        toml.parse(renderAsK3s(tmpl.content, { systemdCgroup, detected, configVersion: n.containerdTemplate.configVersion as 2 | 3 }));
      } catch (e) {
        problems.push(`template rendered by K3s (SystemdCgroup ${systemdCgroup}, detected ${detected.join(',')}): ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }

  // K3s configs: every key (without "+") is a flag of the node's command in k3s-flags.json.
  for (const f of files.filter(x => x.path.startsWith('/etc/rancher/k3s/config.yaml'))) {
    try {
      parseK3sConfig(f.content, cmd);
    } catch (e) {
      problems.push(`${f.path}: ${(e as Error).message}`);
    }
  }
  const reg = files.find(f => f.path === '/etc/rancher/k3s/registries.yaml');
  if (reg) {
    const keys = Object.keys((yaml.load(reg.content) ?? {}) as object);
    if (keys.some(k => k !== 'mirrors' && k !== 'configs')) problems.push(`registries.yaml keys ${keys}`);
  }

  // cloud-init: exactly the keys written, one document, write_files as rendered.
  const doc = yaml.load(cloudInit) as any;
  if (JSON.stringify(Object.keys(doc)) !== JSON.stringify(['write_files', 'runcmd'])) problems.push(`cloud-init keys ${Object.keys(doc)}`);
  if (JSON.stringify(doc.write_files.map((w: any) => w.path)) !== JSON.stringify(files.map(f => f.path))) problems.push('cloud-init write_files paths differ from the node files');
  for (const w of doc.write_files) {
    if (JSON.stringify(Object.keys(w)) !== JSON.stringify(['path', 'owner', 'permissions', 'content'])) problems.push(`write_files entry keys ${Object.keys(w)}`);
    if (w.content !== files.find(f => f.path === w.path)?.content) problems.push(`write_files ${w.path}: content differs`);
  }

  // runcmd: fixed lines as they are; the others are `mkdir -p D`, `cp F D/`, and the install line,
  // with no operator but the online install's pipe, and every user value one whole word.
  const words: string[] = [];
  for (const line of doc.runcmd as string[]) {
    if (ALWAYS_LINES.has(line)) continue;
    const tokens = shellTokens(line);
    const ops = tokens.filter(t => t.kind === 'op').map(t => t.value);
    const expected = line.startsWith('curl ') ? ['|'] : [];
    if (JSON.stringify(ops) !== JSON.stringify(expected)) problems.push(`runcmd line has operators ${JSON.stringify(ops)}: ${line}`);
    for (const t of tokens) {
      if (t.kind === 'word' && t.expands) problems.push(`runcmd word expands: ${t.value} in ${line}`);
      if (t.kind === 'word') words.push(t.value);
    }
  }
  const a = props.airgap;
  const values = a ? [a.installScript ?? '/usr/local/bin/k3s-install.sh', `${n.dataDir}/agent/images`] : [];
  values.push(`INSTALL_K3S_VERSION=${n.k3sVersion}`, cmd);
  for (const v of values) if (!words.includes(v)) problems.push(`runcmd: ${JSON.stringify(v)} is not one word`);
  // Tarballs are copied (one word each) unless already in <data-dir>/agent/images.
  for (const t of a ? [a.imagesTarball, ...(a.extraImageTarballs ?? [])] : []) {
    const inPlace = t.replace(/\/+/g, '/').replace(/\/[^/]*$/, '') === `${n.dataDir}/agent/images`;
    if (words.includes(t) === inPlace) problems.push(`runcmd: ${JSON.stringify(t)} ${inPlace ? 'is copied onto itself' : 'is not one word'}`);
  }

  checked++;
  if (problems.length > 0) throw new Error(`node file problems:\n  ${problems.join('\n  ')}\n${cloudInit}`);
}

describe('EdgeOfflineNode fuzz', () => {
  test('servers: valid node files or the documented error', () => {
    assertValidOrDocumentedError(serverProps, (app: App, props) => {
      const n = new EdgeOfflineNode(new Chart(app, 'c'), 'n', props);
      checkNode(n, props);
    });
  });

  test('agents (alone, or linked to a server of the app): valid node files or the documented error', () => {
    const arb = fc.tuple(agentProps, fc.boolean(), some(fc.record({ podsPerNode: fc.constantFrom(100, 3000) })));
    assertValidOrDocumentedError(arb, (app: App, [props, link, serverDensity]) => {
      const c = new Chart(app, 'c');
      const hub = new EdgeOfflineNode(c, 'hub', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeName: 'hub', density: serverDensity, embeddedRegistry: true });
      const n = new EdgeOfflineNode(c, 'n', Object.assign({}, props, link ? { server: hub } : {}));
      checkNode(n, props);
    });
  });

  test('node groups: labels every node shares, workloads placed on the group, valid output or the documented error', () => {
    const group = fc.record({
      groupName: some(str(['mec-pool', 'a'.repeat(57), 'a'.repeat(58)])),
      nodes: fc.array(agentProps, { minLength: 0, maxLength: 3 }),
      extraLabel: some(fc.tuple(str(['example.com/line']), str(['a']))),
      place: fc.boolean(),
    });
    assertValidOrDocumentedError(group, (app: App, g) => {
      const c = new Chart(app, 'c');
      const nodes = g.nodes.map((p, i) => new EdgeOfflineNode(c, `n${i}`, p));
      const grp = new EdgeNodeGroup(c, 'grp', { groupName: g.groupName, nodes });
      if (g.extraLabel) for (const n of nodes) n.addLabel(g.extraLabel[0], g.extraLabel[1]);
      if (g.place) new WasmDeployment(c, 'w', { placement: grp, wasmContainers: [{ image: 'ghcr.io/acme/fn:1.0' }] });
      nodes.forEach((n, i) => checkNode(n, g.nodes[i]));
      for (const n of nodes) {
        if (!n.registeredLabels[grp.groupLabel]) throw new Error(`${n.node.path} lacks the group label`);
      }
    });
  });
});
