import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import * as toml from 'smol-toml';
import { parseK3sConfig, renderAsK3s, templateToml } from './helpers';
import { IntegrationRoute, WASM_ONLY_TAINT_KEY, WasmRuntime } from '../../lib/core/runtime';
import { DEFAULT_CRUN_PATH } from '../../lib/node/containerd-template';
import { EdgeNodeGroup } from '../../lib/node/edge-node-group';
import { EDGE_NODE_LABEL, EdgeNodeRole, EdgeOfflineNode, GPU_NODE_LABEL, SITE_NODE_LABEL } from '../../lib/node/edge-offline-node';
import { K3sVersion } from '../../lib/node/k3s-version';
import { Warnings } from '../../lib/warnings';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, isDocumentedError, nastyString } from '../util/fuzz';
import { synthAppAndValidate } from '../util/validate';

function chart(): Chart {
  return Testing.chart();
}

function files(n: EdgeOfflineNode): { [path: string]: string } {
  return Object.fromEntries(n.renderFiles().map(f => [f.path, f.content]));
}

/** All config files of a node merged as K3s would (later files replace keys; key+ appends). */
function mergedConfig(n: EdgeOfflineNode): { [key: string]: any } {
  const cmd = n.role === EdgeNodeRole.AGENT ? 'agent' : 'server';
  const out: { [key: string]: any } = {};
  for (const f of n.renderFiles().filter(x => x.path.startsWith('/etc/rancher/k3s/config.yaml'))) {
    const doc = parseK3sConfig(f.content, cmd);
    for (const [k, v] of Object.entries(doc)) {
      if (k.endsWith('+')) out[k.slice(0, -1)] = [...(out[k.slice(0, -1)] ?? []), ...v];
      else out[k] = v;
    }
  }
  return out;
}

/** crun under a handler of its own (what WasmRuntime.CRUN becomes with the crun-wasm rename): snapshots do not depend on the preset's name. */
const CRUN_WASM = WasmRuntime.custom({ handler: 'crun-wasm', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN });

const denseProps = {
  runtimes: [WasmRuntime.WASMEDGE, CRUN_WASM, WasmRuntime.SPIN],
  density: { podsPerNode: 3000, nodeCount: 4 },
  zone: 'mec-zone-a',
  site: 'factory-7',
  localRegistry: 'http://10.0.0.2:5000',
  airgap: { imagesTarball: '/opt/k3s/k3s-airgap-images-arm64.tar.zst', extraImageTarballs: ['/var/lib/rancher/k3s/agent/images/wasm-apps.tar'] },
};

describe('EdgeOfflineNode defaults', () => {
  const n = new EdgeOfflineNode(chart(), 'edge-1');

  test('@default role is SINGLE_NODE_SERVER (sqlite: no cluster-init, no server)', () => {
    expect(n.role).toBe(EdgeNodeRole.SINGLE_NODE_SERVER);
    const cfg = mergedConfig(n);
    expect(cfg['cluster-init']).toBeUndefined();
    expect(cfg.server).toBeUndefined();
    expect(cfg['token-file']).toBeUndefined();
  });

  test('@default nodeName is the construct id', () => {
    expect(n.nodeName).toBe('edge-1');
    expect(mergedConfig(n)['node-name']).toBe('edge-1');
  });

  test('@default k3sVersion is K3sVersion.DEFAULT, so the containerd 2 template', () => {
    expect(n.k3sVersion.toString()).toBe(K3sVersion.DEFAULT.toString());
    expect(Object.keys(files(n))).toContain('/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    expect(n.renderCloudInit()).toContain(`INSTALL_K3S_VERSION=${K3sVersion.DEFAULT} sh -s - server`);
  });

  test('@default runtimes is [WasmRuntime.WASMEDGE], labelled for RuntimeClasses', () => {
    expect(n.runtimes).toEqual([WasmRuntime.WASMEDGE]);
    expect(n.nodeLabels[WasmRuntime.WASMEDGE.nodeLabel]).toBe('true');
    expect(mergedConfig(n)['node-label']).toContain(`${WasmRuntime.WASMEDGE.nodeLabel}=true`);
  });

  test('@default labels/taints/wasmOnly/zone/region/site: only the edge and runtime labels, no taints', () => {
    expect(n.nodeLabels).toEqual({ [EDGE_NODE_LABEL]: 'true', [WasmRuntime.WASMEDGE.nodeLabel]: 'true', 'kubernetes.io/hostname': 'edge-1' });
    expect(n.taints).toEqual([]);
    expect(mergedConfig(n)['node-taint']).toBeUndefined();
  });

  test('@default gpu is false without a GPU runtime', () => {
    expect(n.gpu).toBe(false);
    expect(n.nodeLabels[GPU_NODE_LABEL]).toBeUndefined();
  });

  test('@default density: none (kubelet keeps 110 pods, no CIDR settings)', () => {
    expect(n.densityPlan).toBeUndefined();
    const cfg = mergedConfig(n);
    expect(cfg['cluster-cidr']).toBeUndefined();
    expect((cfg['kubelet-arg'] as string[]).some(a => a.startsWith('max-pods'))).toBe(false);
    expect(Object.keys(files(n))).not.toContain('/etc/rancher/k3s/config.yaml.d/10-density.yaml');
  });

  test('@default kubeletThresholds: eviction and image GC for small disks', () => {
    expect(mergedConfig(n)['kubelet-arg']).toEqual([
      'eviction-hard=imagefs.available<10%,memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%',
      'image-gc-high-threshold=70',
      'image-gc-low-threshold=50',
    ]);
  });

  test('@default offlineAutonomy is 30 days, tolerated by placed pods', () => {
    expect(n.offlineAutonomy!.toSeconds()).toBe(30 * 24 * 3600);
    expect(n.tolerations()).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2592000 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2592000 },
    ]);
  });

  test('@default embeddedRegistry is false on a single node, and localRegistry/mirroredRegistries unset: no registries.yaml', () => {
    expect(n.embeddedRegistry).toBe(false);
    expect(mergedConfig(n)['embedded-registry']).toBeUndefined();
    expect(Object.keys(files(n))).not.toContain('/etc/rancher/k3s/registries.yaml');
  });

  test('@default airgap: online install from get.k3s.io', () => {
    expect(n.renderCloudInit()).toContain('curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=');
    expect(n.renderCloudInit()).not.toContain('INSTALL_K3S_SKIP_DOWNLOAD');
  });

  // k3s-io/k3s pkg/agent/templates/templates.go: K3s fills .SystemdCgroup with the cgroup driver it
  // detected (cgroupfs on non-systemd hosts); a hard-coded true broke runc-based runtimes there.
  test('@default containerd.systemdCgroup: follows K3s ({{ .SystemdCgroup }}); forced values are written', () => {
    const tmpl = '/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl';
    expect(files(n)[tmpl]).toContain('SystemdCgroup = {{ .SystemdCgroup }}');
    expect(files(n)[tmpl]).not.toMatch(/SystemdCgroup = (true|false)/);
    const forced = new EdgeOfflineNode(chart(), 'forced', { containerd: { systemdCgroup: false } });
    expect(files(forced)[tmpl]).toContain('SystemdCgroup = false');
    expect((toml.parse(templateToml(files(n)[tmpl], false)) as any).plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.wasmedge.options.SystemdCgroup).toBe(false);
  });

  test('@default extraConfig: none (only the managed keys)', () => {
    expect(Object.keys(parseK3sConfig(files(n)['/etc/rancher/k3s/config.yaml'], 'server'))).toEqual(['node-label', 'node-name']);
  });
});

describe('EdgeOfflineNode roles', () => {
  test.each([
    [EdgeNodeRole.SINGLE_NODE_SERVER, 'server', {}],
    [EdgeNodeRole.CLUSTER_INIT_SERVER, 'server', { 'cluster-init': true, 'embedded-registry': true }],
    [EdgeNodeRole.JOINING_SERVER, 'server', { 'server': 'https://10.0.0.1:6443', 'token-file': '/etc/rancher/k3s/cluster-token', 'embedded-registry': true }],
    [EdgeNodeRole.AGENT, 'agent', { 'server': 'https://10.0.0.1:6443', 'token-file': '/etc/rancher/k3s/cluster-token' }],
  ])('%s: every key is a %s flag, with the role keys', (role, command, expected) => {
    const joins = role === EdgeNodeRole.JOINING_SERVER || role === EdgeNodeRole.AGENT;
    const n = new EdgeOfflineNode(chart(), 'n1', { role, serverUrl: joins ? 'https://10.0.0.1:6443' : undefined, density: { podsPerNode: 3000 } });
    expect(n.command).toBe(command);
    const cfg = mergedConfig(n); // throws on keys not valid for the command
    expect(cfg).toMatchObject(expected);
    expect(cfg['kubelet-arg']).toContain('max-pods=3010');
    if (command === 'agent') {
      expect(cfg['kube-controller-manager-arg']).toBeUndefined();
      expect(cfg['cluster-cidr']).toBeUndefined();
    } else {
      expect(cfg['kube-controller-manager-arg']).toEqual(['node-cidr-mask-size=19']);
      expect(cfg['cluster-cidr']).toEqual(['10.42.0.0/16']);
    }
    expect(JSON.stringify(cfg)).not.toMatch(/"token"|"agent-token"/);
  });

  test('joining roles need serverUrl; others refuse it', () => {
    const missing = validationErrorOf(() => new EdgeOfflineNode(chart(), 'a', { role: EdgeNodeRole.AGENT }));
    expect([missing.prop, missing.value, missing.problem]).toEqual(['serverUrl', 'undefined', 'is required for role agent']);
    expect(missing.fix).toMatch(/set serverUrl to the URL of a server/);
    expect(() => new EdgeOfflineNode(chart(), 'a', { serverUrl: 'https://x:6443' })).toThrow(/does not join a cluster/);
    expect(() => new EdgeOfflineNode(chart(), 'a', { role: EdgeNodeRole.AGENT, serverUrl: 'http://x:6443' })).toThrow(/not an https URL/);
    expect(() => new EdgeOfflineNode(chart(), 'a', { role: EdgeNodeRole.AGENT, serverUrl: 'https://x:6443', agentTokenFile: '/t' })).toThrow(/server setting/);
  });

  test('tokenFile and agentTokenFile are written as file references', () => {
    const n = new EdgeOfflineNode(chart(), 's', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, tokenFile: '/run/secrets/k3s-token', agentTokenFile: '/run/secrets/agent-token' });
    expect(mergedConfig(n)).toMatchObject({ 'token-file': '/run/secrets/k3s-token', 'agent-token-file': '/run/secrets/agent-token' });
  });
});

describe('EdgeOfflineNode files', () => {
  test('dense offline MEC server: snapshot of every file and of cloud-init', () => {
    const app = Testing.app();
    const n = new EdgeOfflineNode(new Chart(app, 'mec'), 'mec-box-1', { ...denseProps, role: EdgeNodeRole.CLUSTER_INIT_SERVER });
    const f = files(n);
    expect(Object.keys(f)).toEqual([
      '/etc/rancher/k3s/config.yaml',
      '/etc/rancher/k3s/config.yaml.d/10-density.yaml',
      '/etc/rancher/k3s/config.yaml.d/20-kubelet-thresholds.yaml',
      '/etc/rancher/k3s/registries.yaml',
      '/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl',
    ]);
    expect(f).toMatchSnapshot();
    expect(n.renderCloudInit()).toMatchSnapshot();
  });

  test('registries.yaml mirrors every registry to the local registry, plus the embedded mirror on clusters', () => {
    const n = new EdgeOfflineNode(chart(), 'n', { ...denseProps, role: EdgeNodeRole.CLUSTER_INIT_SERVER, embeddedRegistry: true });
    expect(yaml.load(files(n)['/etc/rancher/k3s/registries.yaml'])).toEqual({ mirrors: { '*': { endpoint: ['http://10.0.0.2:5000'] } } });
    expect(mergedConfig(n)['embedded-registry']).toBe(true);
  });

  test('@default embeddedRegistry is true for clustered roles without a local registry; mirroredRegistries defaults to "*"', () => {
    const n = new EdgeOfflineNode(chart(), 'n', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443' });
    expect(n.embeddedRegistry).toBe(true);
    expect(yaml.load(files(n)['/etc/rancher/k3s/registries.yaml'])).toEqual({ mirrors: { '*': {} } });
    expect(mergedConfig(n)['embedded-registry']).toBeUndefined(); // server-only flag
  });

  test('mirroredRegistries and localRegistryTls', () => {
    const n = new EdgeOfflineNode(chart(), 'n', {
      localRegistry: 'https://registry.site.local:5000',
      mirroredRegistries: ['docker.io', 'ghcr.io'],
      localRegistryTls: { caFile: '/etc/rancher/k3s/site-ca.pem' },
    });
    expect(yaml.load(files(n)['/etc/rancher/k3s/registries.yaml'])).toEqual({
      mirrors: { 'docker.io': { endpoint: ['https://registry.site.local:5000'] }, 'ghcr.io': { endpoint: ['https://registry.site.local:5000'] } },
      configs: { 'registry.site.local:5000': { tls: { ca_file: '/etc/rancher/k3s/site-ca.pem' } } },
    });
  });

  test('the containerd template parses as TOML and holds the offered runtimes', () => {
    const n = new EdgeOfflineNode(chart(), 'n', { ...denseProps, k3sVersion: 'v1.30.8+k3s1' });
    const t = files(n)['/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl'];
    const doc: any = toml.parse(templateToml(t));
    const runtimes = doc.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes;
    expect(Object.keys(runtimes)).toEqual(['crun-wasm', 'spin', 'wasmedge']);
    expect(runtimes['crun-wasm'].pod_annotations).toEqual(['module.wasm.image/*', 'run.oci.handler']);
    expect(runtimes['crun-wasm'].options.BinaryName).toBe(DEFAULT_CRUN_PATH);
  });

  // Active once the crun preset has a handler of its own (WasmRuntime.CRUN.handler "crun-wasm", issue
  // #10 B9): until then K3s's detected "crun" replaces the preset's table on hosts with crun on PATH.
  test('the crun preset keeps its pod annotations on a host where K3s detected crun', () => {
    const n = new EdgeOfflineNode(chart(), 'n', { runtimes: [WasmRuntime.CRUN] });
    const t = files(n)['/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl'];
    expect(t).not.toContain(`ExtraRuntimes "${WasmRuntime.CRUN.handler}"`);
    const runtimes = (toml.parse(renderAsK3s(t, { detected: ['crun'] })) as any).plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
    expect(runtimes[WasmRuntime.CRUN.handler].pod_annotations).toEqual(['module.wasm.image/*', 'run.oci.handler']);
    expect(Warnings.of(n).messages).toEqual([]);
  });

  // k3s-io/k3s pkg/agent/containerd/runtimes.go defines a runtime "crun" itself when crun is on its
  // PATH: a crun-route runtime under that very name would be a second table of the same name.
  test('a crun-route runtime cannot take a name K3s defines itself', () => {
    expect(() => WasmRuntime.custom({ handler: 'crun', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN }))
      .toThrow(/handler="crun": is a runtime K3s defines itself/);
    const t = files(new EdgeOfflineNode(chart(), 'm', { runtimes: [CRUN_WASM] }))['/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl'];
    expect(() => toml.parse(renderAsK3s(t, { detected: ['crun'] }))).not.toThrow();
  });

  test('cloud-init: #cloud-config, write_files of every node file, airgap install', () => {
    const n = new EdgeOfflineNode(chart(), 'n', denseProps);
    const text = n.renderCloudInit();
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const doc: any = yaml.load(text);
    expect(doc.write_files.map((w: any) => w.path)).toEqual(n.renderFiles().map(f => f.path));
    for (const w of doc.write_files) expect(w.content).toBe(files(n)[w.path]);
    expect(doc.write_files.find((w: any) => w.path === '/etc/rancher/k3s/config.yaml').permissions).toBe('0600');
    expect(doc.runcmd).toContain('cp /opt/k3s/k3s-airgap-images-arm64.tar.zst /var/lib/rancher/k3s/agent/images/');
    expect(doc.runcmd.filter((c: string) => c.includes('wasm-apps.tar'))).toEqual([]); // already in the images dir
    expect(doc.runcmd[doc.runcmd.length - 1]).toBe(`INSTALL_K3S_SKIP_DOWNLOAD=true INSTALL_K3S_VERSION=${K3sVersion.DEFAULT} sh /usr/local/bin/k3s-install.sh server`);
    expect(doc.runcmd[0]).toMatch(/ip -4 route show default; ip -6 route show default/);
  });

  test('@default airgap.installScript is /usr/local/bin/k3s-install.sh; airgap paths are checked', () => {
    const n = new EdgeOfflineNode(chart(), 'n', { airgap: { imagesTarball: '/opt/i.tar', installScript: '/opt/install.sh' } });
    expect(n.renderCloudInit()).toContain('sh /opt/install.sh server');
    expect(() => new EdgeOfflineNode(chart(), 'm', { airgap: { imagesTarball: 'images.tar' } })).toThrow(/airgap.imagesTarball="images.tar": is not an absolute path/);
  });

  test('labels: zone, region, site, gpu, extra labels, taints', () => {
    const n = new EdgeOfflineNode(chart(), 'n', {
      role: EdgeNodeRole.AGENT,
      serverUrl: 'https://s:6443',
      runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.NVIDIA],
      zone: 'z1',
      region: 'r1',
      site: 'plant-3',
      labels: { 'example.com/line': 'a' },
      wasmOnly: true,
      taints: [{ key: 'example.com/dedicated', value: 'ai', effect: kplus.TaintEffect.NO_SCHEDULE }],
    });
    expect(n.gpu).toBe(true); // @default gpu: true with a GPU runtime
    const cfg = mergedConfig(n);
    expect(cfg['node-label']).toEqual([
      'cdk8s-wasm-edge.io/edge=true', 'cdk8s-wasm-edge.io/gpu=true', 'cdk8s-wasm-edge.io/runtime.nvidia=true',
      'cdk8s-wasm-edge.io/runtime.wasmedge=true', `${SITE_NODE_LABEL}=plant-3`, 'example.com/line=a',
      'topology.kubernetes.io/region=r1', 'topology.kubernetes.io/zone=z1',
    ]);
    expect(cfg['node-taint']).toEqual(['example.com/dedicated=ai:NoSchedule', `${WASM_ONLY_TAINT_KEY}:NoSchedule`]);
    expect(n.tolerations().slice(0, 2)).toEqual([
      { key: WASM_ONLY_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' },
      { key: 'example.com/dedicated', operator: 'Equal', value: 'ai', effect: 'NoSchedule' },
    ].sort((a, b) => `${a.key}|${a.effect}|${(a as any).value ?? ''}`.localeCompare(`${b.key}|${b.effect}|${(b as any).value ?? ''}`)));
  });

  test('output is deterministic', () => {
    const a = new EdgeOfflineNode(chart(), 'n', denseProps);
    const b = new EdgeOfflineNode(chart(), 'n', { ...denseProps, runtimes: [...denseProps.runtimes].reverse() });
    expect(a.renderFiles()).toEqual(b.renderFiles());
    expect(a.renderCloudInit()).toBe(b.renderCloudInit());
  });
});

describe('EdgeOfflineNode errors', () => {
  test.each([
    ['node-role label', { labels: { 'node-role.kubernetes.io/edge': '' } }, /kubelet refuses in --node-labels.*kubectl label node/],
    ['other kubernetes.io label', { labels: { 'kubernetes.io/role': 'edge' } }, /kubelet refuses/],
    ['gpu without a GPU runtime', { gpu: true }, /gpu=true: is set but no GPU runtime is offered/],
    ['wasmOnly on a single node', { wasmOnly: true }, /K3s's own pods/],
    ['no runtimes', { runtimes: [] }, /offer at least one runtime/],
    ['bad node name', { nodeName: 'Edge_1' }, /nodeName="Edge_1": is not a DNS-1123 subdomain/],
    ['bad k3s version', { k3sVersion: 'latest' }, /k3sVersion="latest": is not a K3s version/],
    ['embedded registry on old K3s', { embeddedRegistry: true, k3sVersion: 'v1.29.11+k3s1' }, /needs K3s v1.29.12/],
    ['crun without the whitelist', { runtimes: [WasmRuntime.CRUN], containerd: { crunPodAnnotations: ['run.oci.handler'] } }, /reach crun/],
    ['impossible density', { density: { podsPerNode: 40000 } }, /more than a \/16 node subnet holds/],
    ['extraConfig wasm', { extraConfig: { wasm: true } }, /extraConfig|K3s has no --wasm flag/],
    ['extraConfig token', { extraConfig: { token: 'K10secret' } }, /secret inline.*token-file/],
    ['extraConfig managed key', { extraConfig: { 'node-name': 'x' } }, /extraConfig.node-name="x": is set by the construct/],
    ['extraConfig clashing kubelet arg', { density: { podsPerNode: 500 }, extraConfig: { 'kubelet-arg': ['max-pods=900'] } }, /max-pods=900.*bypasses the density planner/],
    ['extraConfig clashing threshold arg', { extraConfig: { 'kubelet-arg': ['--image-gc-high-threshold=90'] } }, /image-gc-high-threshold=90.*density or kubeletThresholds/],
    ['label conflicting with a prop', { zone: 'a', labels: { 'topology.kubernetes.io/zone': 'b' } }, /conflicts with the value "a"/],
    ['mirroredRegistries without a mirror', { mirroredRegistries: ['docker.io'] }, /has no effect without a localRegistry/],
    ['offline window of zero', { offlineAutonomy: Duration.seconds(0) }, /offlineAutonomy="0ms": must be a whole number of seconds from 1 second/],
    ['bad taint key', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', taints: [{ key: 'bad key', effect: kplus.TaintEffect.NO_SCHEDULE }] }, /not a valid label key/],
  ])('%s', (_name, props, message) => {
    expect(() => new EdgeOfflineNode(chart(), 'n', props as any)).toThrow(message);
  });

  test('errors name the construct path', () => {
    const c = chart();
    expect(() => new EdgeOfflineNode(c, 'n', { gpu: true })).toThrow(`[cdk8s-wasm-edge] ${c.node.path}/n: gpu=true`);
  });

  test('extraConfig keys are checked against the node command', () => {
    expect(() => new EdgeOfflineNode(chart(), 'n', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', extraConfig: { disable: ['traefik'] } }))
      .toThrow(/server-only flag/);
    const n = new EdgeOfflineNode(chart(), 'n', { extraConfig: { 'disable': ['traefik', 'servicelb'], 'kubelet-arg': ['serialize-image-pulls=false'] } });
    expect(mergedConfig(n).disable).toEqual(['traefik', 'servicelb']);
    expect(mergedConfig(n)['kubelet-arg'][0]).toBe('serialize-image-pulls=false');
  });

  test('an agent denser than its server is reported at synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'server', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, density: { podsPerNode: 500 } });
    new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', density: { podsPerNode: 3000 } });
    expect(() => app.synth()).toThrow(/needs \/19 node subnets, but server c\/server hands out \/22/);
  });

  test('@default serverUrl: https://<server nodeName>:6443 when server is given', () => {
    const c = chart();
    const hub = new EdgeOfflineNode(c, 'hub', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeName: 'hub-01' });
    const agent = new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, server: hub });
    expect(agent.serverUrl).toBe('https://hub-01:6443');
    expect(mergedConfig(agent).server).toBe('https://hub-01:6443');
    expect(mergedConfig(agent)['token-file']).toBe('/etc/rancher/k3s/cluster-token');
    const viaIp = new EdgeOfflineNode(c, 'agent-2', { role: EdgeNodeRole.AGENT, server: hub, serverUrl: 'https://10.0.0.10:6443' });
    expect(mergedConfig(viaIp).server).toBe('https://10.0.0.10:6443');
  });

  test('server: only joining roles take it, and it must be a server', () => {
    const c = chart();
    const hub = new EdgeOfflineNode(c, 'hub', { role: EdgeNodeRole.CLUSTER_INIT_SERVER });
    const agent = new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, server: hub });
    expect(() => new EdgeOfflineNode(c, 'single', { role: EdgeNodeRole.SINGLE_NODE_SERVER, server: hub }))
      .toThrow(/c\/single: server="c\/hub": is set for role single-node-server|server=.*is set for role/);
    expect(() => new EdgeOfflineNode(c, 'agent-2', { role: EdgeNodeRole.AGENT, server: agent })).toThrow(/server=.*is an agent: nodes join a server/);
  });

  test('several sites in one app: each agent is checked against its own server only', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    // Site A plans dense agents; site B is a small site whose server hands out /24 subnets.
    const a = new EdgeOfflineNode(c, 'site-a', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, density: { podsPerNode: 3000 }, embeddedRegistry: true });
    const b = new EdgeOfflineNode(c, 'site-b', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, embeddedRegistry: false });
    // Linked to site-a, and joining by an address no server of the app names (their own site).
    new EdgeOfflineNode(c, 'a-agent', { role: EdgeNodeRole.AGENT, server: a, density: { podsPerNode: 3000 } });
    new EdgeOfflineNode(c, 'unnamed', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.9.0.1:6443', density: { podsPerNode: 3000 } });
    // Site-b's denser-than-planned, embedded-mirror agent would be refused against site-b only.
    expect(() => app.synth()).not.toThrow();
    new EdgeOfflineNode(c, 'b-agent', { role: EdgeNodeRole.AGENT, server: b, density: { podsPerNode: 3000 } });
    expect(() => app.synth()).toThrow(/c\/b-agent: density.podsPerNode=\d+: needs \/19 node subnets, but server c\/site-b hands out \/24/);
    expect(() => app.synth()).toThrow(/c\/b-agent: embeddedRegistry=true: server c\/site-b does not run the embedded registry mirror/);
    expect(() => app.synth()).not.toThrow(/server c\/site-a/);
  });

  test('the servers a URL names: by nodeName or by an address in their config', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'site-a', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, density: { podsPerNode: 3000 }, extraConfig: { 'tls-san': ['10.1.0.1', 'k3s.site-a.example'] } });
    new EdgeOfflineNode(c, 'site-b', { role: EdgeNodeRole.CLUSTER_INIT_SERVER });
    new EdgeOfflineNode(c, 'by-san', { role: EdgeNodeRole.AGENT, serverUrl: 'https://k3s.site-a.example:6443', density: { podsPerNode: 3000 } });
    new EdgeOfflineNode(c, 'by-ip', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.1.0.1:6443', density: { podsPerNode: 3000 } });
    new EdgeOfflineNode(c, 'by-name', { role: EdgeNodeRole.AGENT, serverUrl: 'https://site-b:6443', density: { podsPerNode: 100 } });
    new EdgeOfflineNode(c, 'other-cluster', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.9.0.1:6443', density: { podsPerNode: 3000 } });
    expect(() => app.synth()).not.toThrow();
    // The same dense agent named at site-b's server is refused.
    new EdgeOfflineNode(c, 'dense-at-b', { role: EdgeNodeRole.AGENT, serverUrl: 'https://site-b:6443', density: { podsPerNode: 3000 } });
    expect(() => app.synth()).toThrow(/c\/dense-at-b: .*server c\/site-b hands out \/24/);
  });

  test('an agent counting on the embedded registry mirror needs a server that runs it', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    // SINGLE_NODE_SERVER defaults to no embedded registry; AGENT defaults to using it.
    new EdgeOfflineNode(c, 'server', { role: EdgeNodeRole.SINGLE_NODE_SERVER });
    const agent = new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443' });
    expect(agent.embeddedRegistry).toBe(true);
    expect(() => synthAppAndValidate(app)).toThrow(
      /c\/agent: embeddedRegistry=true: server c\/server does not run the embedded registry mirror.*Fix: set embeddedRegistry: true on c\/server/);
  });

  test('agents and servers that agree on the embedded registry pass validation', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'server', { role: EdgeNodeRole.SINGLE_NODE_SERVER, embeddedRegistry: true });
    new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443' });
    new EdgeOfflineNode(c, 'offline', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', localRegistry: 'http://10.0.0.2:5000' });
    expect(() => synthAppAndValidate(app)).not.toThrow();
  });

  test('an agent that fits its server passes validation', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'server', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, density: { podsPerNode: 3000, nodeCount: 4 } });
    new EdgeOfflineNode(c, 'agent', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', density: { podsPerNode: 1000 } });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('writing node files', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-node-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('writeAll writes every node under <outdir>/<nodeName>/ beside the manifests', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const c = new Chart(app, 'c');
    const a = new EdgeOfflineNode(c, 'edge-a', denseProps);
    new EdgeOfflineNode(c, 'edge-b', { role: EdgeNodeRole.AGENT, serverUrl: 'https://edge-a:6443' });
    const written = EdgeOfflineNode.writeAll(app, path.join(tmp, 'nodes'));
    expect(written.map(p => path.relative(tmp, p)).sort()).toEqual([
      'nodes/edge-a/cloud-init.yaml',
      'nodes/edge-a/etc/rancher/k3s/config.yaml',
      'nodes/edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml',
      'nodes/edge-a/etc/rancher/k3s/config.yaml.d/20-kubelet-thresholds.yaml',
      'nodes/edge-a/etc/rancher/k3s/registries.yaml',
      'nodes/edge-a/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl',
      'nodes/edge-b/cloud-init.yaml',
      'nodes/edge-b/etc/rancher/k3s/config.yaml',
      'nodes/edge-b/etc/rancher/k3s/config.yaml.d/20-kubelet-thresholds.yaml',
      'nodes/edge-b/etc/rancher/k3s/registries.yaml',
      'nodes/edge-b/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl',
    ]);
    expect(fs.readFileSync(path.join(tmp, 'nodes/edge-a/etc/rancher/k3s/config.yaml'), 'utf-8')).toBe(files(a)['/etc/rancher/k3s/config.yaml']);
    expect(fs.readFileSync(path.join(tmp, 'nodes/edge-a/cloud-init.yaml'), 'utf-8')).toBe(a.renderCloudInit());
  });

  test('refuses the cdk8s output directory and directories inside it', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const n = new EdgeOfflineNode(new Chart(app, 'c'), 'edge-a');
    expect(() => n.writeTo(path.join(tmp, 'dist'))).toThrow(/is \(or is inside\) the cdk8s manifest output directory/);
    expect(() => EdgeOfflineNode.writeAll(app, path.join(tmp, 'dist', 'nodes'))).toThrow(/manifest output directory/);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('rewriting follows the app: stale files and removed nodes go, other directories stay (removeStale default true)', () => {
    const nodes = path.join(tmp, 'nodes');
    const first = new App({ outdir: path.join(tmp, 'dist') });
    new EdgeOfflineNode(new Chart(first, 'c'), 'edge-a', denseProps);
    new EdgeOfflineNode(new Chart(first, 'd'), 'edge-gone');
    EdgeOfflineNode.writeAll(first, nodes);
    fs.mkdirSync(path.join(nodes, 'not-a-node'));
    fs.writeFileSync(path.join(nodes, 'not-a-node', 'keep.txt'), 'mine');

    const second = new App({ outdir: path.join(tmp, 'dist') });
    new EdgeOfflineNode(new Chart(second, 'c'), 'edge-a'); // no density target any more
    EdgeOfflineNode.writeAll(second, nodes);
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(nodes, 'edge-gone'))).toBe(false);
    expect(fs.readFileSync(path.join(nodes, 'not-a-node', 'keep.txt'), 'utf-8')).toBe('mine');
  });

  test('removeStale: false keeps the directories of removed nodes', () => {
    const nodes = path.join(tmp, 'nodes');
    const first = new App({ outdir: path.join(tmp, 'dist') });
    new EdgeOfflineNode(new Chart(first, 'c'), 'edge-gone');
    EdgeOfflineNode.writeAll(first, nodes);
    const second = new App({ outdir: path.join(tmp, 'dist') });
    new EdgeOfflineNode(new Chart(second, 'c'), 'edge-a');
    EdgeOfflineNode.writeAll(second, nodes, { removeStale: false });
    expect(fs.existsSync(path.join(nodes, 'edge-gone', 'cloud-init.yaml'))).toBe(true);
  });

  test('refuses two nodes with the same nodeName', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'a', { nodeName: 'box' });
    new EdgeOfflineNode(c, 'b', { nodeName: 'box' });
    expect(() => EdgeOfflineNode.writeAll(app, path.join(tmp, 'nodes'))).toThrow(/nodeName="box": is also the name of c\/a/);
  });
});

describe('EdgeNodeGroup', () => {
  function group() {
    const c = chart();
    const a = new EdgeOfflineNode(c, 'a', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', zone: 'z1', runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN], wasmOnly: true, offlineAutonomy: Duration.days(7) });
    const b = new EdgeOfflineNode(c, 'b', { role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', zone: 'z1', runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN] });
    const g = new EdgeNodeGroup(c, 'mec-pool', { nodes: [a] });
    g.addNode(b);
    return { a, b, g };
  }

  test('runtimes are the intersection, labels the common ones plus the group label', () => {
    const { a, g } = group();
    expect(g.runtimes).toEqual([WasmRuntime.WASMEDGE]);
    expect(g.nodeLabels).toEqual({
      [EDGE_NODE_LABEL]: 'true',
      'cdk8s-wasm-edge.io/group.mec-pool': 'true',
      [WasmRuntime.WASMEDGE.nodeLabel]: 'true',
      'topology.kubernetes.io/zone': 'z1',
    });
    expect(mergedConfig(a)['node-label']).toContain('cdk8s-wasm-edge.io/group.mec-pool=true');
  });

  test('taints are the union; the offline window is the longest', () => {
    const { g } = group();
    expect(g.taints).toEqual([{ key: WASM_ONLY_TAINT_KEY, effect: 'NoSchedule' }]);
    expect(g.offlineAutonomy!.toSeconds()).toBe(30 * 24 * 3600);
    expect(g.tolerations().map(t => t.key)).toEqual([WASM_ONLY_TAINT_KEY, 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  });

  test('@default groupName is the construct id; nodes defaults to none and an empty group is refused', () => {
    const c = Testing.chart();
    const g = new EdgeNodeGroup(c, 'empty');
    expect(g.groupName).toBe('empty');
    expect(() => g.runtimes).toThrow(/is empty, so the group has no runtimes/);
    expect(() => Testing.synth(c)).toThrow(/the group has no nodes/);
  });

  test('a node is added once', () => {
    const { a, g } = group();
    expect(() => g.addNode(a)).toThrow(/already in the group/);
  });

  // The group caches what it derives from its nodes (placement reads it per workload): a later
  // node or label must still show.
  test('labels, runtimes, taints and the offline window follow nodes and labels added later', () => {
    const { a, b, g } = group();
    expect(g.runtimes).toEqual([WasmRuntime.WASMEDGE]);
    expect(g.nodeLabels.site).toBeUndefined();
    a.addLabel('site', 'berlin');
    expect(g.nodeLabels.site).toBeUndefined(); // b does not have it yet
    b.addLabel('site', 'berlin');
    expect(g.nodeLabels.site).toBe('berlin');
    expect(a.nodeLabels.site).toBe('berlin');

    const c = new EdgeOfflineNode(Testing.chart(), 'c', {
      role: EdgeNodeRole.AGENT,
      serverUrl: 'https://s:6443',
      zone: 'z2',
      runtimes: [WasmRuntime.SPIN],
      taints: [{ key: 'gpu', effect: kplus.TaintEffect.NO_SCHEDULE }],
      offlineAutonomy: Duration.days(40),
    });
    g.addNode(c);
    expect(g.runtimes).toEqual([]);
    expect(g.nodeLabels['topology.kubernetes.io/zone']).toBeUndefined();
    expect(g.nodeLabels.site).toBeUndefined();
    expect(g.taints.map(t => t.key)).toEqual([WASM_ONLY_TAINT_KEY, 'gpu']);
    expect(g.offlineAutonomy!.toSeconds()).toBe(40 * 24 * 3600);
  });

  test('what the getters return is a copy: changing it changes nothing', () => {
    const { a, g } = group();
    g.nodeLabels.x = 'y';
    g.runtimes.push(WasmRuntime.CRUN);
    g.taints[0].key = 'changed';
    a.nodeLabels.x = 'y';
    expect(g.nodeLabels.x).toBeUndefined();
    expect(g.runtimes).toEqual([WasmRuntime.WASMEDGE]);
    expect(g.taints[0].key).toBe(WASM_ONLY_TAINT_KEY);
    expect(a.nodeLabels.x).toBeUndefined();
  });
});

test('Size import keeps the density memory check reachable from the construct', () => {
  expect(() => new EdgeOfflineNode(chart(), 'n', { density: { podsPerNode: 3000, nodeAllocatableMemory: Size.gibibytes(2), podMemoryRequest: Size.mebibytes(1) } }))
    .toThrow(/does not fit in memory/);
});

// k3s-io/k3s pkg/util/net.go:176-191 (ParseStringSliceToIPs: split on ",", net.ParseIP each),
// pkg/agent/run.go:69-72 and pkg/daemons/agent/agent_linux.go:114-126 (a dual-stack pair only).
describe('nodeIp', () => {
  test('@default nodeIp: none (K3s picks the default route\'s address); no node-ip key', () => {
    const n = new EdgeOfflineNode(chart(), 'n');
    expect(n.nodeIp).toBeUndefined();
    expect(mergedConfig(n)['node-ip']).toBeUndefined();
  });

  test.each(['10.0.0.11', 'fd00::11', '10.0.0.11,fd00::11', 'fd00::11,10.0.0.11', '::ffff:10.0.0.1'])('%s becomes node-ip (one list entry, as written)', (ip) => {
    const n = new EdgeOfflineNode(chart(), 'n', { nodeIp: ip });
    expect(n.nodeIp).toBe(ip);
    expect(mergedConfig(n)['node-ip']).toEqual([ip]);
  });

  test.each<[string, RegExp]>([
    ['10.0.0.256', /nodeIp="10.0.0.256": is not an IPv4 or IPv6 address/],
    ['010.0.0.1', /is not an IPv4 or IPv6 address/],
    ['10.0.0.1, fd00::1', /holds " fd00::1", which is not an IPv4 or IPv6 address/],
    ['fe80::1%eth0', /is not an IPv4 or IPv6 address/],
    ['node-a', /is not an IPv4 or IPv6 address/],
    ['10.0.0.1/24', /is not an IPv4 or IPv6 address/],
    ['0.0.0.0', /is the unspecified address/],
    ['::', /is the unspecified address/],
    ['10.0.0.1,10.0.0.2', /is not one address or a dual-stack pair/],
    ['10.0.0.1,fd00::1,fd00::2', /is not one address or a dual-stack pair/],
    // Go's net.IP.To4() takes IPv4-mapped IPv6 for IPv4: two IPv4 addresses to K3s.
    ['10.0.0.1,::ffff:10.0.0.2', /is not one address or a dual-stack pair/],
    ['::ffff:0.0.0.0', /is the unspecified address/],
    ['', /single line/],
    ['10.0.0.1\n', /single line/],
  ])('%j is refused', (ip, message) => {
    expect(() => new EdgeOfflineNode(chart(), 'n', { nodeIp: ip })).toThrow(message);
  });

  test('one owner: node-ip in extraConfig together with nodeIp is refused; alone it still works', () => {
    expect(() => new EdgeOfflineNode(chart(), 'n', { nodeIp: '10.0.0.11', extraConfig: { 'node-ip': ['10.0.0.12'] } }))
      .toThrow(/extraConfig.node-ip=\["10.0.0.12"\]: is set together with nodeIp/);
    expect(mergedConfig(new EdgeOfflineNode(chart(), 'm', { extraConfig: { 'node-ip': ['10.0.0.12'] } }))['node-ip']).toEqual(['10.0.0.12']);
  });

  test('@default serverUrl with a server that has a nodeIp: https://<first nodeIp>:6443, IPv6 in brackets', () => {
    const c = chart();
    const v4 = new EdgeOfflineNode(c, 'v4', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeIp: '10.0.0.1,fd00::1' });
    const v6 = new EdgeOfflineNode(c, 'v6', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeIp: 'FD00:0:0::0001,10.0.0.2' });
    expect(new EdgeOfflineNode(c, 'a', { role: EdgeNodeRole.AGENT, server: v4 }).serverUrl).toBe('https://10.0.0.1:6443');
    const a6 = new EdgeOfflineNode(c, 'b', { role: EdgeNodeRole.JOINING_SERVER, server: v6 });
    expect(a6.serverUrl).toBe('https://[fd00::1]:6443');
    expect(mergedConfig(a6).server).toBe('https://[fd00::1]:6443');
    // An explicit serverUrl still wins.
    expect(new EdgeOfflineNode(c, 'd', { role: EdgeNodeRole.AGENT, server: v4, serverUrl: 'https://vip.site:6443' }).serverUrl).toBe('https://vip.site:6443');
  });

  test('the cluster-wide checks find a server by its nodeIp, as by node-ip in extraConfig (IPv6 in any spelling)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EdgeOfflineNode(c, 'site-a', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, density: { podsPerNode: 3000 }, nodeIp: '10.1.0.1' });
    new EdgeOfflineNode(c, 'site-b', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeIp: 'FD00:0::B' });
    new EdgeOfflineNode(c, 'by-ip', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.1.0.1:6443', density: { podsPerNode: 3000 } });
    expect(() => app.synth()).not.toThrow();
    new EdgeOfflineNode(c, 'dense-at-b', { role: EdgeNodeRole.AGENT, serverUrl: 'https://[fd00::b]:6443', density: { podsPerNode: 3000 } });
    expect(() => app.synth()).toThrow(/c\/dense-at-b: .*server c\/site-b hands out \/24/);
  });

  // What K3s would accept and hand the kubelet whole: every part an IP literal, at most one per family.
  test('fuzz: an accepted nodeIp is what K3s parses as one address or a dual-stack pair', () => {
    const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), nastyString(['10.0.0.1', 'fd00::1']));
    fc.assert(fc.property(fc.oneof(ip, fc.tuple(ip, ip).map(([a, b]) => `${a},${b}`), fc.array(ip, { minLength: 3, maxLength: 4 }).map(x => x.join(','))), (value) => {
      let n: EdgeOfflineNode;
      try {
        n = new EdgeOfflineNode(chart(), 'n', { nodeIp: value });
      } catch (e) {
        expect(isDocumentedError(e)).toBe(true);
        return;
      }
      const parts = value.split(',');
      expect(parts.length).toBeLessThanOrEqual(2);
      for (const p of parts) expect(net.isIP(p) !== 0 && !p.includes('%')).toBe(true);
      expect(mergedConfig(n)['node-ip']).toEqual([value]);
    }), fuzzParams({ numRuns: 300 }));
  });
});

test('_renderAll gives renderFiles() and renderCloudInit() from one rendering', () => {
  const n = new EdgeOfflineNode(Testing.chart(), 'n', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.0.0.1:6443', nodeIp: '10.0.0.2' });
  const all = n._renderAll();
  expect(all.files).toEqual(n.renderFiles());
  expect(all.cloudInit).toBe(n.renderCloudInit());
});
