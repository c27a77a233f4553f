import * as net from 'net';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { AirgapTargets, SHIM_BIN_DIR } from './airgap';
import { ContainerdTemplate } from './containerd-template';
import { checkClusterCidrs, DensityOptions, DensityPlan, DensityPlanner, KUBELET_DEFAULT_MAX_PODS, KubeletThresholds } from './density';
import { K3S_CONFIG_DROPIN_DIR, K3sCommand, K3sConfig } from './k3s-config';
import { K3sVersion } from './k3s-version';
import { AirgapOptions, checkAirgap, checkNotManifestDir, NodeFile, renderCloudInit } from './node-file';
import { K3S_REGISTRIES_PATH, Registries, RegistryTls } from './registries';
import { IWasmPlacement, NodeTaint, placementTolerations } from '../core/placement';
import { IntegrationRoute, WASM_EDGE_LABEL_PREFIX, WASM_ONLY_TAINT_KEY, WasmRuntime } from '../core/runtime';
import { appIndex } from '../private/app-checks';
import { NODE, NodeFacts } from '../private/app-checks/nodes';
import { checkDns1123Subdomain, propError } from '../private/errors';
import { nodeIpProblem, parseIp } from '../private/ip';
import { checkLabelKey, checkLabelValue } from '../private/labels';
import { checkNodePath, normalizeDataDir } from '../private/node-toml';
import { NodeTree, writeNodeTrees } from '../private/node-writer';
import { byCodeUnit } from '../private/order';
import { checkLabels, checkSingleLine } from '../private/validate';

/** What the node runs: which K3s command, and how it finds its cluster. */
export enum EdgeNodeRole {
  /**
   * A K3s server alone: control plane, datastore (SQLite, K3s's default without `cluster-init`) and
   * workloads on one box. Keeps running with no uplink at all. Agents may join it; servers may not.
   */
  SINGLE_NODE_SERVER = 'single-node-server',
  /** The first server of a highly available cluster: embedded etcd (`cluster-init: true`). */
  CLUSTER_INIT_SERVER = 'cluster-init-server',
  /** A server that joins an embedded-etcd cluster (`server` URL and `token-file`). */
  JOINING_SERVER = 'joining-server',
  /** A K3s agent (worker) that joins a server (`server` URL and `token-file`). */
  AGENT = 'agent',
}

/** containerd settings of the node. */
export interface EdgeNodeContainerdOptions {
  /**
   * `SystemdCgroup` for the runtimes the node adds (must match the kubelet's cgroup driver). By
   * default the containerd template follows what K3s detected on the host
   * (`SystemdCgroup = {{ .SystemdCgroup }}`: systemd on systemd hosts, cgroupfs on others such as
   * Alpine/OpenRC); force true or false only when you know the host.
   *
   * @default - K3s's detected cgroup driver
   */
  readonly systemdCgroup?: boolean;
  /**
   * Pod annotations the crun runtime passes to crun.
   *
   * @default CRUN_POD_ANNOTATIONS
   */
  readonly crunPodAnnotations?: string[];
  /**
   * Absolute binary path per runc-compatible handler (letters, digits and "._+@%=,:/-" only: it is
   * written into the containerd TOML).
   *
   * @default - crun at DEFAULT_CRUN_PATH, others by name on containerd's PATH
   */
  readonly binaryPaths?: { [handler: string]: string };
}

/** Props of an EdgeOfflineNode. */
export interface EdgeOfflineNodeProps {
  /**
   * What the node runs.
   *
   * @default EdgeNodeRole.SINGLE_NODE_SERVER
   */
  readonly role?: EdgeNodeRole;

  /**
   * The Kubernetes node name (`node-name`), also the directory the writer puts the files in.
   *
   * @default - the construct id
   */
  readonly nodeName?: string;

  /**
   * K3s release to install, e.g. `v1.33.5+k3s1`. Picks the containerd template file.
   *
   * @default - K3sVersion.DEFAULT
   */
  readonly k3sVersion?: string;

  /**
   * The IP address the node advertises (K3s `node-ip`): an IPv4 or IPv6 literal, or a dual-stack
   * pair `"<IPv4>,<IPv6>"` (either order; the first is the primary). K3s splits the value on commas
   * and parses each part with Go's net.ParseIP (k3s-io/k3s pkg/util/net.go:176-191), and passes
   * both addresses to the kubelet only when they are one of each family (pkg/agent/run.go:69-72,
   * pkg/daemons/agent/agent_linux.go:114-126), so a second address of the same family, zones
   * (`%eth0`), spaces and the unspecified address are refused. On a server it is also the
   * default `advertise-address` (pkg/cli/server/server.go:549-552), and joining nodes whose `server`
   * is this node use it in their default `serverUrl`. Set it here, not in `extraConfig`.
   *
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/pkg/util/net.go#L176-L191
   * @see https://docs.k3s.io/cli/agent#networking
   * @default - none: K3s picks the address of the default route's interface
   */
  readonly nodeIp?: string;

  /**
   * URL of the server to join, e.g. `https://10.0.0.1:6443`. Required for JOINING_SERVER and AGENT
   * unless `server` is given.
   *
   * @default - when `server` is given: `https://<server's nodeIp>:6443` (its first address, IPv6 in
   *   brackets) if it has a nodeIp, else `https://<server's nodeName>:6443`; otherwise none (only
   *   valid for SINGLE_NODE_SERVER and CLUSTER_INIT_SERVER)
   */
  readonly serverUrl?: string;

  /**
   * The server this node joins, when the app describes it too. The cluster-wide checks (node subnet
   * size, embedded registry mirror) then compare this node with that server only. Without it they
   * compare with the servers of the app whose nodeName, `tls-san`, `node-ip` or `advertise-address`
   * is the host of `serverUrl`, or with the app's only server; an app of several clusters (one
   * repository for many sites) should link each node to its server.
   *
   * @default - the servers of the app that `serverUrl` names, as above
   */
  readonly server?: EdgeOfflineNode;

  /**
   * Path on the node of the file holding the cluster token (`token-file`). The operator provisions
   * it; the token never appears in node files.
   *
   * @default - "/etc/rancher/k3s/cluster-token" for JOINING_SERVER and AGENT; none for the other
   *   roles (K3s generates a token)
   */
  readonly tokenFile?: string;

  /**
   * Servers only: path of the file with the token agents join with (`agent-token-file`).
   *
   * @default - none (agents use the server token)
   */
  readonly agentTokenFile?: string;

  /**
   * Extra node labels. Keys in the kubernetes.io/k8s.io namespaces are refused unless the kubelet may
   * set them (e.g. `node-role.kubernetes.io/edge` must be applied with kubectl after joining).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Node taints; workloads placed on this node tolerate them.
   *
   * @default - none
   */
  readonly taints?: NodeTaint[];

  /**
   * Reserve the node for Wasm workloads: taint it with WASM_ONLY_TAINT_KEY (NoSchedule), which the
   * library's RuntimeClasses and placed workloads tolerate. Refused on a SINGLE_NODE_SERVER, where
   * K3s's own pods must schedule too.
   *
   * @default false
   */
  readonly wasmOnly?: boolean;

  /**
   * MEC zone (`topology.kubernetes.io/zone`).
   *
   * @default - no zone label
   */
  readonly zone?: string;

  /**
   * Region (`topology.kubernetes.io/region`).
   *
   * @default - no region label
   */
  readonly region?: string;

  /**
   * Edge site, e.g. a factory or base station (`cdk8s-wasm-edge.io/site`).
   *
   * @default - no site label
   */
  readonly site?: string;

  /**
   * Whether the node has a GPU (`cdk8s-wasm-edge.io/gpu: "true"`). Needs a GPU runtime (e.g.
   * WasmRuntime.NVIDIA) among `runtimes`.
   *
   * @default - true when a GPU runtime is offered
   */
  readonly gpu?: boolean;

  /**
   * Runtimes the node offers. Each adds its containerd runtime (template) and the label
   * `runtime.nodeLabel: "true"` that the library's RuntimeClasses select. The shim binaries must be
   * installed on the node: K3s ships none.
   *
   * @default [WasmRuntime.WASMEDGE]
   */
  readonly runtimes?: WasmRuntime[];

  /**
   * Density target: raises kubelet `max-pods` and sizes pod CIDRs. On servers it also sets the
   * cluster-wide `node-cidr-mask-size` and `cluster-cidr`, which must fit the densest node.
   *
   * @default - kubelet defaults: 110 pods per node, /24 node subnets
   */
  readonly density?: DensityOptions;

  /**
   * Kubelet eviction and image GC thresholds for small disks and memory.
   *
   * @default - the defaults of KubeletThresholds (memory.available<100Mi, nodefs/imagefs.available<10%,
   *   image GC from 70% down to 50%)
   */
  readonly kubeletThresholds?: KubeletThresholds;

  /**
   * How long the node keeps running its pods without the control plane. Placed pods tolerate
   * `node.kubernetes.io/unreachable` and `not-ready` that long. Images must stay pullable while
   * offline: give a `localRegistry`, the embedded mirror, or airgap tarballs (imported images are
   * pinned, so image GC keeps them).
   *
   * @default Duration.days(30)
   */
  readonly offlineAutonomy?: Duration;

  /**
   * A registry on the local network (e.g. `http://10.0.0.2:5000`) that mirrors `mirroredRegistries`
   * for offline pulls. No credentials: see RegistryHostConfig for why.
   *
   * @default - no local registry
   */
  readonly localRegistry?: string;

  /**
   * TLS settings for the local registry.
   *
   * @default - none
   */
  readonly localRegistryTls?: RegistryTls;

  /**
   * Use the embedded peer-to-peer registry mirror (Spegel): servers set `embedded-registry: true`,
   * every node lists `mirroredRegistries`. Needs K3s v1.29.12 / v1.30.8 / v1.31.4 or later.
   *
   * @default - true for clustered roles (CLUSTER_INIT_SERVER, JOINING_SERVER, AGENT) without a
   *   `localRegistry`; false for SINGLE_NODE_SERVER (no peers to share with) and when a
   *   `localRegistry` is given
   */
  readonly embeddedRegistry?: boolean;

  /**
   * Registries mirrored by the local registry and/or the embedded mirror.
   *
   * @default ["*"] (every registry)
   */
  readonly mirroredRegistries?: string[];

  /**
   * Install K3s without the internet: the K3s binary, the install script, the airgap image
   * tarballs, the Wasm shims and crun, each staged on the node or fetched from the site's mirror
   * with a checksum (BootstrapArtifact), then `INSTALL_K3S_SKIP_DOWNLOAD=true`.
   *
   * @default - online install from https://get.k3s.io
   */
  readonly airgap?: AirgapOptions;

  /**
   * containerd settings.
   *
   * @default - the defaults of EdgeNodeContainerdOptions
   */
  readonly containerd?: EdgeNodeContainerdOptions;

  /**
   * More K3s config keys (flag names without `--`), checked against the K3s flag list of the node's
   * command. Keys the construct sets itself are refused (use the props), and so are the settings
   * the density planner owns (kubelet `max-pods`, kube-controller-manager `node-cidr-mask-size*`,
   * `cluster-cidr` and `allocate-node-cidrs`: use `density`). A `cluster-cidr` without `density` must
   * hold a /24 node subnet and miss the service CIDR; a `service-cidr` is planned around. `data-dir`
   * moves the containerd template and the airgap images under it, as K3s reads them there.
   *
   * @default - none
   */
  readonly extraConfig?: { [key: string]: any };
}

/** Label every EdgeOfflineNode carries; `node-role.kubernetes.io/edge` cannot be set by the kubelet. */
export const EDGE_NODE_LABEL = `${WASM_EDGE_LABEL_PREFIX}edge`;
/** Label of nodes with a GPU. */
export const GPU_NODE_LABEL = `${WASM_EDGE_LABEL_PREFIX}gpu`;
/** Label of the edge site. */
export const SITE_NODE_LABEL = `${WASM_EDGE_LABEL_PREFIX}site`;
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const DEFAULT_TOKEN_FILE = '/etc/rancher/k3s/cluster-token';
const TAINT_EFFECTS = new Set<string>([kplus.TaintEffect.NO_SCHEDULE, kplus.TaintEffect.PREFER_NO_SCHEDULE, kplus.TaintEffect.NO_EXECUTE]);
/** The longest offline window: 100 years (tolerationSeconds is an int64, but nobody means more). */
const MAX_OFFLINE_SECONDS = 100 * 365 * 24 * 3600;
/** Settings the density planner owns, by K3s key: refused in extraConfig (use `density`). */
const DENSITY_OWNED_ARGS: { [key: string]: Set<string> } = {
  'kubelet-arg': new Set(['max-pods']),
  'kube-controller-manager-arg': new Set(['node-cidr-mask-size', 'node-cidr-mask-size-ipv4', 'node-cidr-mask-size-ipv6', 'cluster-cidr', 'allocate-node-cidrs']),
};

// Node labels only grow (a label's value never changes), so this count of additions anywhere tells
// the caches of nodes and node groups when to recompute.
let labelsAdded = 0;

/**
 * How many node labels have been added so far, in every app: a version for caches of node labels.
 *
 * @internal
 */
export function nodeLabelsVersion(): number {
  return labelsAdded;
}

/** Options for `EdgeOfflineNode.writeAll` and `writeTo`. */
export interface NodeFilesWriteOptions {
  /**
   * Remove the files of nodes that are no longer in the app: only files this app wrote there, as
   * listed in the record `<outdir>/.cdk8s-wasm-edge-nodes.json`, then the directories the library
   * created that are left empty. Files of a node still in the app that it no longer has (a dropped
   * drop-in) are removed either way: K3s would still read them. Files the library did not write are
   * never removed.
   *
   * @default true
   */
  readonly removeStale?: boolean;

  /**
   * The identity of the app in the record, so several apps can write nodes to one directory
   * without removing each other's: each removes only what it recorded. A node directory another
   * app recorded is refused. Keep it stable across runs.
   *
   * @default - the app's manifest output directory as a path relative to `outdir` (e.g. `../dist`),
   *   or "default" when the scope is not in an App
   */
  readonly appId?: string;
}

/**
 * One K3s edge node that keeps serving Wasm workloads while cut off: its K3s config (and
 * drop-ins), registries.yaml, containerd template for the runtimes it offers, and cloud-init
 * user-data. These are node files, not Kubernetes objects: `writeTo` / `EdgeOfflineNode.writeAll`
 * write them beside (never inside) the cdk8s output directory.
 *
 * It is also a placement: workloads placed on it select its labels, tolerate its taints and stay
 * through its offline window.
 *
 * @see https://docs.k3s.io/installation/configuration
 */
export class EdgeOfflineNode extends Construct implements IWasmPlacement {
  /**
   * Writes the files of every EdgeOfflineNode under `scope` to `<outdir>/<nodeName>/`, and records
   * what it wrote in `<outdir>/.cdk8s-wasm-edge-nodes.json` (per app, see `appId`).
   *
   * What it may delete: only files listed in that record for this app, and only when stale (a node
   * no longer in the app, with `removeStale`; a file a node no longer has), then directories it
   * created that are left empty. It never deletes or overwrites a file it did not write: a node file
   * path held by a file that is neither in the record nor carries the library's generated header is
   * refused, and so is a node another app recorded. `outdir` must not be the root, the current
   * directory or above it, nor be, hold or sit inside the cdk8s output directory.
   *
   * @param scope the app (or any construct) holding the nodes
   * @param outdir a directory of its own, beside the cdk8s output directory
   * @param options stale files and the app identity
   * @returns the paths written
   */
  public static writeAll(scope: IConstruct, outdir: string, options: NodeFilesWriteOptions = {}): string[] {
    const nodes = scope.node.findAll().filter((c): c is EdgeOfflineNode => c instanceof EdgeOfflineNode);
    const seen = new Map<string, string>();
    for (const n of nodes) {
      const other = seen.get(n.nodeName);
      if (other) {
        throw propError(n, 'nodeName', n.nodeName, `is also the name of ${other}`, 'give every node its own nodeName');
      }
      seen.set(n.nodeName, n.node.path);
    }
    const appId = checkOutdir(scope, outdir, options);
    return writeNodeTrees({
      scope,
      outdir,
      appId,
      trees: nodes.map(n => n.tree()),
      wholeApp: true,
      removeStale: options.removeStale ?? true,
    });
  }

  /** Whether a construct is an EdgeOfflineNode. */
  public static isEdgeOfflineNode(x: any): x is EdgeOfflineNode {
    return x instanceof EdgeOfflineNode;
  }

  /** The Kubernetes node name. */
  public readonly nodeName: string;
  /** What the node runs. */
  public readonly role: EdgeNodeRole;
  /** URL of the server the node joins (JOINING_SERVER and AGENT). */
  public readonly serverUrl?: string;
  /** The address(es) the node advertises (`node-ip`), when given. */
  public readonly nodeIp?: string;
  /** The K3s release. */
  public readonly k3sVersion: K3sVersion;
  /** The runtimes the node offers, sorted by handler. */
  public readonly runtimes: WasmRuntime[];
  /** The offline autonomy window. */
  public readonly offlineAutonomy?: Duration;
  /** Whether the node has a GPU. */
  public readonly gpu: boolean;
  /** The density plan, when a density target is given. */
  public readonly densityPlan?: DensityPlan;
  /** Whether the node uses the embedded registry mirror. */
  public readonly embeddedRegistry: boolean;
  /** K3s's data dir (`data-dir` in extraConfig, else /var/lib/rancher/k3s): the template and airgap images go under it. */
  public readonly dataDir: string;

  private readonly props: EdgeOfflineNodeProps;
  private readonly serverHost?: string;
  private readonly labels = new Map<string, string>();
  private sortedLabels?: { readonly size: number; readonly labels: { [key: string]: string } };
  private readonly nodeTaints: NodeTaint[];
  private readonly containerd: ContainerdTemplate;
  private readonly registries: Registries;
  private readonly thresholdArgs: string[];
  private readonly facts: NodeFacts;

  constructor(scope: Construct, id: string, props: EdgeOfflineNodeProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') {
      throw propError(this, 'props', props, 'is not an object of EdgeOfflineNode props', 'pass an object such as { role: EdgeNodeRole.AGENT, serverUrl: "https://10.0.0.1:6443" }');
    }
    this.props = props;
    this.role = props.role ?? EdgeNodeRole.SINGLE_NODE_SERVER;
    this.nodeName = props.nodeName ?? id;
    checkDns1123Subdomain(this, 'nodeName', this.nodeName);
    if (this.nodeName.length > 63) {
      throw propError(this, 'nodeName', this.nodeName, `is ${this.nodeName.length} characters long: the kubelet sets it as the value of the ${HOSTNAME_LABEL} label (at most 63 characters), which workloads placed here select`,
        'use a node name of at most 63 characters');
    }
    this.k3sVersion = props.k3sVersion === undefined ? K3sVersion.DEFAULT : K3sVersion.parse(props.k3sVersion, this.node.path);
    const owner = this.node.path;

    // Role and join settings.
    const joins = this.role === EdgeNodeRole.JOINING_SERVER || this.role === EdgeNodeRole.AGENT;
    if (props.server) {
      if (!joins) {
        throw propError(this, 'server', props.server.node.path, `is set for role ${this.role}, which does not join a cluster`, 'remove it, or use role JOINING_SERVER or AGENT');
      }
      if (props.server.role === EdgeNodeRole.AGENT) {
        throw propError(this, 'server', props.server.node.path, 'is an agent: nodes join a server', 'pass a node whose role is a server role');
      }
    }
    if (props.nodeIp !== undefined) {
      checkNodeIp(this, props.nodeIp);
      if (props.extraConfig !== null && typeof props.extraConfig === 'object' && props.extraConfig['node-ip'] !== undefined) {
        throw propError(this, 'extraConfig.node-ip', props.extraConfig['node-ip'], 'is set together with nodeIp', 'set the node address once, in nodeIp');
      }
      this.nodeIp = props.nodeIp;
    }
    this.serverUrl = props.serverUrl ?? (props.server ? `https://${serverHostOf(props.server)}:6443` : undefined);
    if (joins) {
      if (!this.serverUrl) {
        throw propError(this, 'serverUrl', props.serverUrl, `is required for role ${this.role}`, 'set serverUrl to the URL of a server, e.g. "https://10.0.0.1:6443", or pass server');
      }
    } else if (props.serverUrl !== undefined) {
      throw propError(this, 'serverUrl', props.serverUrl, `is set for role ${this.role}, which does not join a cluster`, 'remove it, or use role JOINING_SERVER or AGENT');
    }
    this.serverHost = this.serverUrl !== undefined ? serverUrlHost(this, this.serverUrl) : undefined;
    for (const [prop, p] of [['tokenFile', props.tokenFile], ['agentTokenFile', props.agentTokenFile]] as const) {
      checkNodePath(owner, prop, p, DEFAULT_TOKEN_FILE);
    }
    if (props.agentTokenFile !== undefined && this.role === EdgeNodeRole.AGENT) {
      throw propError(this, 'agentTokenFile', props.agentTokenFile, 'is a server setting', 'set tokenFile on agents');
    }

    // Runtimes.
    const runtimes = props.runtimes ?? [WasmRuntime.WASMEDGE];
    if (runtimes.length === 0) {
      throw propError(this, 'runtimes', runtimes, 'is empty: the node would offer no Wasm runtime', 'offer at least one runtime, e.g. [WasmRuntime.WASMEDGE]');
    }
    if (props.extraConfig !== undefined && (typeof props.extraConfig !== 'object' || props.extraConfig === null || Array.isArray(props.extraConfig))) {
      throw propError(this, 'extraConfig', props.extraConfig, 'is not a map of K3s flag names to values', 'pass an object such as { "disable": ["traefik"] }');
    }
    // K3s reads the containerd template and the airgap images under its data-dir
    // (k3s-io/k3s pkg/agent/config/config.go, get(): Containerd.Template and Images).
    this.dataDir = normalizeDataDir(owner, 'extraConfig.data-dir', props.extraConfig?.['data-dir']);
    for (const r of runtimes) {
      if (!(r instanceof WasmRuntime)) {
        throw propError(this, 'runtimes', r, 'is not a WasmRuntime', 'use a preset such as WasmRuntime.WASMEDGE, or WasmRuntime.custom()');
      }
    }
    this.containerd = new ContainerdTemplate({
      runtimes,
      k3sVersion: this.k3sVersion,
      dataDir: this.dataDir,
      systemdCgroup: props.containerd?.systemdCgroup,
      crunPodAnnotations: props.containerd?.crunPodAnnotations,
      binaryPaths: props.containerd?.binaryPaths,
      owner: `${owner}.containerd`,
    });
    this.runtimes = this.containerd.runtimes;
    const hasGpuRuntime = this.runtimes.some(r => r.gpu);
    this.gpu = props.gpu ?? hasGpuRuntime;
    if (this.gpu && !hasGpuRuntime) {
      throw propError(this, 'gpu', true, 'is set but no GPU runtime is offered, so pods could not reach the GPU', 'add WasmRuntime.NVIDIA (or another GPU runtime) to runtimes');
    }

    // Labels: the managed ones first, then the user's (which may not override them).
    this.labels.set(EDGE_NODE_LABEL, 'true');
    for (const r of this.runtimes) this.labels.set(r.nodeLabel, 'true');
    if (this.gpu) this.labels.set(GPU_NODE_LABEL, 'true');
    for (const [prop, key, value] of [['zone', ZONE_LABEL, props.zone], ['region', REGION_LABEL, props.region], ['site', SITE_NODE_LABEL, props.site]] as const) {
      if (value !== undefined) {
        checkLabelValue(owner, prop, value);
        checkLabels(owner, prop, { [key]: value });
        this.labels.set(key, value);
      }
    }
    if (props.labels !== undefined && (typeof props.labels !== 'object' || props.labels === null || Array.isArray(props.labels))) {
      throw propError(this, 'labels', props.labels, 'is not a map of label keys to values', 'pass an object such as { "example.com/line": "a" }');
    }
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      this.addLabel(key, value);
    }

    // Taints.
    this.nodeTaints = [];
    if (props.taints !== undefined && !Array.isArray(props.taints)) {
      throw propError(this, 'taints', props.taints, 'is not a list of taints', 'pass a list such as [{ key: "example.com/dedicated", effect: TaintEffect.NO_SCHEDULE }]');
    }
    for (const t of props.taints ?? []) {
      checkLabelKey(owner, 'taints.key', t.key, false);
      if (t.value !== undefined) checkLabelValue(owner, `taints[${t.key}].value`, t.value);
      checkLabels(owner, `taints[${t.key}]`, { [t.key]: t.value ?? '' });
      if (!TAINT_EFFECTS.has(t.effect)) {
        throw propError(this, `taints[${t.key}].effect`, t.effect, 'is not a taint effect', 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE');
      }
      if (this.nodeTaints.some(x => x.key === t.key && x.effect === t.effect)) {
        throw propError(this, 'taints', t.key, `is tainted twice with effect ${t.effect}`, 'keep one taint per key and effect');
      }
      this.nodeTaints.push(t);
    }
    if (props.wasmOnly ?? false) {
      if (this.role === EdgeNodeRole.SINGLE_NODE_SERVER) {
        throw propError(this, 'wasmOnly', true, 'would taint the only node of a single-node cluster, so K3s\'s own pods (coredns, metrics-server, local-path-provisioner) could not schedule',
          'leave wasmOnly off on a single-node server (every pod runs there anyway), or reserve agents for Wasm');
      }
      this.nodeTaints.push({ key: WASM_ONLY_TAINT_KEY, effect: kplus.TaintEffect.NO_SCHEDULE });
    }

    // Density and kubelet thresholds.
    if (props.density) {
      // A service-cidr in extraConfig is what the planned pod CIDR must not overlap.
      const services = ipv4Entries(props.extraConfig?.['service-cidr']);
      if (props.density.serviceCidr !== undefined && services.length > 0 && !services.includes(props.density.serviceCidr)) {
        throw propError(this, 'density.serviceCidr', props.density.serviceCidr, `differs from extraConfig.service-cidr (${services.join(', ')})`, 'set the service CIDR once: in density.serviceCidr, or in extraConfig only');
      }
      this.densityPlan = DensityPlanner.plan(Object.assign({}, props.density, { serviceCidr: props.density.serviceCidr ?? services[0] }), owner);
    }
    this.thresholdArgs = DensityPlanner.kubeletThresholdArgs(props.kubeletThresholds, owner);

    // Offline autonomy and registries.
    this.offlineAutonomy = props.offlineAutonomy ?? Duration.days(30);
    checkOfflineAutonomy(this, this.offlineAutonomy);
    this.embeddedRegistry = props.embeddedRegistry ?? (this.role !== EdgeNodeRole.SINGLE_NODE_SERVER && props.localRegistry === undefined);
    if (this.embeddedRegistry && !this.k3sVersion.hasEmbeddedRegistry) {
      throw propError(this, 'embeddedRegistry', true, `needs K3s v1.29.12, v1.30.8, v1.31.4 or later (k3sVersion is ${this.k3sVersion})`,
        'use a newer k3sVersion, or set embeddedRegistry: false and give a localRegistry');
    }
    this.registries = new Registries({ embeddedMirror: this.embeddedRegistry, owner: `${owner}.registries` });
    if (props.localRegistry !== undefined || this.embeddedRegistry) {
      const mirrored = props.mirroredRegistries ?? ['*'];
      if (mirrored.length === 0) {
        throw propError(this, 'mirroredRegistries', mirrored, 'is empty', 'list the registries to mirror, or "*" for all');
      }
      for (const registry of mirrored) {
        this.registries.addMirror({ registry, endpoints: props.localRegistry !== undefined ? [props.localRegistry] : undefined });
      }
    } else if (props.mirroredRegistries !== undefined) {
      throw propError(this, 'mirroredRegistries', props.mirroredRegistries, 'has no effect without a localRegistry or the embedded registry', 'set localRegistry or embeddedRegistry: true');
    }
    if (props.localRegistryTls) {
      if (props.localRegistry === undefined) {
        throw propError(this, 'localRegistryTls', props.localRegistryTls, 'is set without a localRegistry', 'set localRegistry');
      }
      this.registries.addConfig({ host: new URL(props.localRegistry).host, tls: props.localRegistryTls });
    }

    // Validate the config files and the cloud-init input now, so errors name the prop at construction.
    checkAirgap(owner, props.airgap, this.airgapTargets());
    this.buildConfigs();

    // What the app-level checks and RuntimeClass read of the node (lib/private/app-checks/nodes.ts).
    const joinsCluster = this.role === EdgeNodeRole.JOINING_SERVER || this.role === EdgeNodeRole.AGENT;
    this.facts = appIndex(this).add(NODE, {
      scope: this,
      nodeName: this.nodeName,
      handlers: this.runtimes.map(r => r.handler),
      labels: () => this.nodeLabels,
      server: this.command === K3sCommand.SERVER,
      joins: joinsCluster ? { server: props.server?.facts, host: this.serverHost } : undefined,
      addresses: this.addresses(),
      nodeCidrMaskSize: this.densityPlan?.nodeCidrMaskSize ?? 24,
      maxPods: this.densityPlan?.maxPods ?? KUBELET_DEFAULT_MAX_PODS,
      podsPerNode: props.density?.podsPerNode,
      embeddedRegistry: this.embeddedRegistry,
    });
  }

  /** The K3s command the node runs. */
  public get command(): K3sCommand {
    return this.role === EdgeNodeRole.AGENT ? K3sCommand.AGENT : K3sCommand.SERVER;
  }

  /** Name used in messages (the construct path). */
  public get placementName(): string {
    return this.node.path;
  }

  /**
   * Labels that select this node: the node labels plus `kubernetes.io/hostname` (set by the kubelet
   * itself), so workloads placed here land on this node.
   */
  public get nodeLabels(): { [key: string]: string } {
    // Read once per workload placed here, twice per synth: sort once per set of labels.
    if (this.sortedLabels?.size !== this.labels.size) {
      const all = new Map(this.labels);
      all.set(HOSTNAME_LABEL, this.nodeName);
      const labels: { [key: string]: string } = {};
      for (const k of [...all.keys()].sort()) labels[k] = all.get(k)!;
      this.sortedLabels = { size: this.labels.size, labels };
    }
    return { ...this.sortedLabels.labels };
  }

  /** Labels written into `node-label` (without the hostname label the kubelet sets). */
  public get registeredLabels(): { [key: string]: string } {
    const out: { [key: string]: string } = {};
    for (const k of [...this.labels.keys()].sort()) out[k] = this.labels.get(k)!;
    return out;
  }

  /** The node's taints. */
  public get taints(): NodeTaint[] {
    return this.nodeTaints.map(t => ({ ...t }));
  }

  /**
   * Tolerations a pod needs here: the node's taints, and unreachable/not-ready (NoExecute) for the
   * offline window.
   */
  public tolerations(): kplus.k8s.Toleration[] {
    return placementTolerations(this);
  }

  /**
   * Adds a node label (e.g. from an EdgeNodeGroup). Refuses labels the kubelet may not register and
   * changing a label the node already has.
   */
  public addLabel(key: string, value: string): void {
    checkLabelKey(this.node.path, 'labels', key, true);
    checkLabelValue(this.node.path, `labels[${key}]`, value);
    checkLabels(this.node.path, 'labels', { [key]: value });
    if (key === HOSTNAME_LABEL) {
      throw propError(this, 'labels', key, 'is set by the kubelet from the node name', 'set nodeName instead');
    }
    const current = this.labels.get(key);
    if (current !== undefined && current !== value) {
      throw propError(this, `labels[${key}]`, value, `conflicts with the value "${current}" the node already has (from a prop such as zone, site, gpu or runtimes)`, 'use the dedicated prop, or another key');
    }
    if (current === undefined) {
      this.labels.set(key, value);
      labelsAdded++;
    }
  }

  /** The containerd config template. */
  public get containerdTemplate(): ContainerdTemplate {
    return this.containerd;
  }

  /**
   * The node files: config.yaml, its drop-ins, registries.yaml (when mirrors are set) and the
   * containerd template, sorted by path.
   */
  public renderFiles(): NodeFile[] {
    const files: NodeFile[] = this.buildConfigs()
      .filter(c => c.path.endsWith('/config.yaml') || !c.isEmpty)
      .map(c => ({ path: c.path, content: c.render(), permissions: '0600' }));
    if (!this.registries.isEmpty) {
      files.push({ path: K3S_REGISTRIES_PATH, content: this.registries.render(), permissions: '0600' });
    }
    files.push({ path: this.containerd.path, content: this.containerd.render(), permissions: '0644' });
    return files.sort((a, b) => byCodeUnit(a.path, b.path));
  }

  /** cloud-init user-data that writes the node files and installs K3s. */
  public renderCloudInit(): string {
    return this.cloudInitOf(this.renderFiles());
  }

  /**
   * The node files and cloud-init from one rendering (a fleet writes both for every node).
   *
   * @internal
   */
  public _renderAll(): { readonly files: NodeFile[]; readonly cloudInit: string } {
    const files = this.renderFiles();
    return { files, cloudInit: this.cloudInitOf(files) };
  }

  private cloudInitOf(files: NodeFile[]): string {
    return renderCloudInit({
      files,
      command: this.command,
      k3sVersion: this.k3sVersion.toString(),
      airgap: this.props.airgap,
      airgapTargets: this.props.airgap ? this.airgapTargets() : undefined,
      imagesDir: `${this.dataDir}/agent/images`,
      owner: this.node.path,
    });
  }

  /**
   * Writes the node files to `<outdir>/<nodeName>/<path on the node>` and
   * `<outdir>/<nodeName>/cloud-init.yaml`, with the same record and rules as `writeAll` (only this
   * node's files are written; files this node no longer has are removed; other nodes are left alone).
   *
   * @param outdir a directory of its own, beside the cdk8s output directory
   * @param options the app identity (removeStale does not apply: other nodes are never touched)
   * @returns the paths written
   */
  public writeTo(outdir: string, options: NodeFilesWriteOptions = {}): string[] {
    const appId = checkOutdir(this, outdir, options);
    return writeNodeTrees({ scope: this, outdir, appId, trees: [this.tree()], wholeApp: false, removeStale: false });
  }

  /** The files under the node's directory: node files by their path on the node, and cloud-init.yaml. */
  private tree(): NodeTree {
    const files = this.renderFiles().map(f => ({ path: f.path.split('/').filter(x => x !== '').join('/'), content: f.content }));
    files.push({ path: 'cloud-init.yaml', content: this.renderCloudInit() });
    return { nodeName: this.nodeName, files };
  }

  private buildConfigs(): K3sConfig[] {
    const owner = this.node.path;
    const cmd = this.command;
    const props = this.props;
    const main = new K3sConfig({ command: cmd, owner });
    main.set('node-name', this.nodeName);
    if (this.nodeIp !== undefined) main.set('node-ip', [this.nodeIp]);
    main.add('node-label', Object.entries(this.registeredLabels).map(([k, v]) => `${k}=${v}`));
    if (this.nodeTaints.length > 0) {
      main.add('node-taint', this.nodeTaints.map(t => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`));
    }
    switch (this.role) {
      case EdgeNodeRole.CLUSTER_INIT_SERVER:
        main.set('cluster-init', true);
        break;
      case EdgeNodeRole.JOINING_SERVER:
      case EdgeNodeRole.AGENT:
        main.set('server', this.serverUrl);
        break;
      default:
        break;
    }
    const tokenFile = props.tokenFile ?? (this.serverUrl !== undefined ? DEFAULT_TOKEN_FILE : undefined);
    if (tokenFile !== undefined) main.set('token-file', tokenFile);
    if (props.agentTokenFile !== undefined) main.set('agent-token-file', props.agentTokenFile);
    if (this.embeddedRegistry && cmd === K3sCommand.SERVER) main.set('embedded-registry', true);

    const plan = this.densityPlan;
    // The arg name as K3s reads it (k3s-io/k3s pkg/util/args.go GetArgs): "--" trimmed, and the
    // "+" (append) or "-" (prepend) suffix of the name trimmed: max-pods+=N is max-pods.
    const argName = (a: string) => a.replace(/^-+/, '').split('=')[0].replace(/[-+]+$/, '');
    const managedArgs = new Set([
      ...(plan?.kubeletArgs ?? []), ...this.thresholdArgs, ...(cmd === K3sCommand.SERVER ? plan?.controllerManagerArgs ?? [] : []),
    ].map(argName));
    for (const key of Object.keys(props.extraConfig ?? {}).sort()) {
      const value = props.extraConfig![key];
      if (main.has(key) || (key === 'cluster-cidr' && plan && cmd === K3sCommand.SERVER)) {
        throw propError(owner, `extraConfig.${key}`, value, 'is set by the construct', 'use the matching prop (nodeName, nodeIp, labels, taints, serverUrl, tokenFile, embeddedRegistry, density)');
      }
      const owned = DENSITY_OWNED_ARGS[key.replace(/\+$/, '')];
      if (owned && Array.isArray(value)) {
        for (const a of value) {
          if (typeof a !== 'string') continue;
          if (owned.has(argName(a))) {
            throw propError(owner, `extraConfig.${key}`, a,
              'bypasses the density planner: the pod limit and the node subnets must be sized together (a /24 node subnet holds 253 pod IPs), and agents checked against their server',
              'remove it and set density: { podsPerNode } (it writes max-pods, node-cidr-mask-size and cluster-cidr to fit)');
          }
          if (managedArgs.has(argName(a))) {
            throw propError(owner, `extraConfig.${key}`, a, 'is set by the construct (density or kubeletThresholds)', 'use the density or kubeletThresholds props');
          }
        }
      }
      main.set(key, value);
      if (key === 'cluster-cidr' && Array.isArray(value)) checkClusterCidrs(owner, 'extraConfig.cluster-cidr', value, ipv4Entries(props.extraConfig?.['service-cidr']));
    }

    const density = new K3sConfig({ command: cmd, owner, path: `${K3S_CONFIG_DROPIN_DIR}/10-density.yaml` });
    if (plan) {
      density.append('kubelet-arg', plan.kubeletArgs);
      if (cmd === K3sCommand.SERVER) {
        density.append('kube-controller-manager-arg', plan.controllerManagerArgs);
        density.set('cluster-cidr', [plan.clusterCidr]);
      }
    }
    const thresholds = new K3sConfig({ command: cmd, owner, path: `${K3S_CONFIG_DROPIN_DIR}/20-kubelet-thresholds.yaml` });
    thresholds.append('kubelet-arg', this.thresholdArgs);
    return [main, density, thresholds];
  }

  /**
   * Names and addresses the node's server certificate and API answer on (nodeIp, tls-san, node-ip,
   * advertise-address). IPv6 literals in the canonical form a URL host has, so they match the host
   * of a joining node's serverUrl.
   */
  private addresses(): string[] {
    const out: string[] = [];
    const add = (v: unknown) => {
      for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
        out.push(...String(item).split(',').map(s => s.trim()).filter(s => s !== '').map(canonicalHost));
      }
    };
    add(this.nodeIp);
    for (const key of ['tls-san', 'node-ip', 'advertise-address']) add(this.props.extraConfig?.[key]);
    return out;
  }

  /** Where the node's runtimes expect their binaries: shims on the K3s PATH, crun where the template points. */
  private airgapTargets(): AirgapTargets {
    const shims: { [handler: string]: string } = {};
    const runcHandlers: string[] = [];
    const crun = new Set<string>();
    for (const r of this.runtimes) {
      if (r.runcCompatible) {
        runcHandlers.push(r.handler);
        if (r.route === IntegrationRoute.CRUN) crun.add(this.containerd.binaryPathOf(r));
      } else {
        shims[r.handler] = r.binaryName.startsWith('/') ? r.binaryName : `${SHIM_BIN_DIR}/${r.binaryName}`;
      }
    }
    return { shims, runcHandlers, crun: [...crun].sort(byCodeUnit) };
  }
}

/** An IPv6 literal as a URL host spells it (lower case, zeros compressed); anything else unchanged. */
function canonicalHost(host: string): string {
  if (!net.isIPv6(host)) return host;
  try {
    return new URL(`https://[${host}]/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return host;
  }
}

/** The host a joining node reaches `server` at: its first nodeIp (IPv6 in brackets), else its nodeName. */
function serverHostOf(server: EdgeOfflineNode): string {
  const ip = server.nodeIp?.split(',')[0];
  if (ip === undefined) return server.nodeName;
  return net.isIPv6(ip) ? `[${canonicalHost(ip)}]` : ip;
}

/**
 * `node-ip`: one IP literal as Go's net.ParseIP reads it (no zone, no leading zeros in IPv4), or a
 * dual-stack pair of one IPv4 and one IPv6 address, comma-separated without spaces (K3s splits on
 * "," without trimming: k3s-io/k3s pkg/util/net.go:181). Not the unspecified address.
 */
function checkNodeIp(scope: IConstruct, value: string): void {
  const fix = 'use an address such as "10.0.0.11" or "fd00::11", or a dual-stack pair such as "10.0.0.11,fd00::11"';
  checkSingleLine(scope, 'nodeIp', value, 128);
  const parts = value.split(',');
  for (const p of parts) {
    // net.isIP accepts IPv6 zones ("fe80::1%eth0"), which Go's ParseIP refuses.
    if (!net.isIP(p) || p.includes('%')) {
      throw propError(scope, 'nodeIp', value, `${parts.length > 1 ? `holds "${p}", which is` : 'is'} not an IPv4 or IPv6 address (K3s parses each comma-separated part with Go's net.ParseIP)`, fix);
    }
    if (/^(0+\.){3}0+$/.test(p) || ['::', '::ffff:0:0'].includes(canonicalHost(p))) {
      throw propError(scope, 'nodeIp', value, 'is the unspecified address, which no peer can reach', fix);
    }
    const parsed = parseIp(p);
    const problem = parsed && nodeIpProblem(parsed);
    if (problem) {
      throw propError(scope, 'nodeIp', value, `${parts.length > 1 ? `holds "${p}", which ` : ''}${problem}: the kubelet refuses it as a node IP (validateNodeIP)`, fix);
    }
  }
  if (parts.length > 2 || (parts.length === 2 && isIPv4Family(parts[0]) === isIPv4Family(parts[1]))) {
    throw propError(scope, 'nodeIp', value, 'is not one address or a dual-stack pair of one IPv4 and one IPv6 address (K3s hands the kubelet only the first address otherwise)', fix);
  }
}

/** Whether Go counts the address as IPv4 (To4() != nil): IPv4, or IPv4-mapped IPv6 such as ::ffff:10.0.0.1. */
function isIPv4Family(ip: string): boolean {
  return net.isIPv4(ip) || /^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(canonicalHost(ip));
}

/** The IPv4 entries of a K3s CIDR list value (entries may be comma-separated dual-stack pairs). */
function ipv4Entries(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string').flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v.includes('.') && !v.includes(':'));
}

/**
 * Checks the URL of the server to join and returns its host: https, a DNS name or an IP address, a
 * port from 1 to 65535, no credentials, path, query or fragment.
 */
function serverUrlHost(scope: IConstruct, url: string): string {
  const bad = (why: string): never => {
    throw propError(scope, 'serverUrl', url, `${why} (K3s joins https://<host>[:port], without credentials or a path)`, 'use a URL such as "https://10.0.0.1:6443"');
  };
  checkSingleLine(scope, 'serverUrl', url, 2048);
  const m = /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:(\d{1,5}))?\/?$/.exec(url);
  if (!m) return bad('is not an https URL of a K3s server');
  if (m[4] !== undefined && (Number(m[4]) < 1 || Number(m[4]) > 65535)) return bad(`has port ${m[4]}, not a port from 1 to 65535`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('is not a URL');
  }
  return parsed.hostname.replace(/^\[|\]$/g, '');
}

/** The offline window: whole seconds (it becomes tolerationSeconds), from one second to 100 years. */
function checkOfflineAutonomy(scope: IConstruct, d: Duration): void {
  let ms: number;
  try {
    ms = d.toMilliseconds({ integral: false });
  } catch {
    ms = NaN;
  }
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || ms < 1000 || ms / 1000 > MAX_OFFLINE_SECONDS) {
    throw propError(scope, 'offlineAutonomy', `${ms}ms`, 'must be a whole number of seconds from 1 second to 100 years (it becomes the tolerationSeconds of placed pods)',
      'use e.g. Duration.days(30)');
  }
}

/** Checks `outdir` for a write and returns the app identity. */
function checkOutdir(scope: IConstruct, outdir: string, options: NodeFilesWriteOptions): string {
  let appOutdir: string | undefined;
  try {
    appOutdir = App.of(scope).outdir;
  } catch {
    appOutdir = undefined;
  }
  const owner = scope.node.path || '<root>';
  checkNotManifestDir(owner, outdir, appOutdir);
  if (options.removeStale !== undefined && typeof options.removeStale !== 'boolean') {
    throw propError(owner, 'removeStale', options.removeStale, 'is not true or false', 'pass true or false');
  }
  if (options.appId !== undefined) {
    checkSingleLine(owner, 'appId', options.appId, 253);
    return options.appId;
  }
  if (appOutdir === undefined) return 'default';
  return path.relative(path.resolve(outdir), path.resolve(appOutdir)).split(path.sep).join('/') || '.';
}
