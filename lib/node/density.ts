import { Size, SizeRoundingBehavior } from 'cdk8s';
import { propError } from '../private/errors';

/** K3s's default cluster (pod) CIDR. @see https://docs.k3s.io/cli/server#networking */
export const K3S_DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';
/** K3s's default service CIDR. */
export const K3S_DEFAULT_SERVICE_CIDR = '10.43.0.0/16';
/** The kubelet's default pod limit. */
export const KUBELET_DEFAULT_MAX_PODS = 110;

/** What a dense node must hold. */
export interface DensityOptions {
  /** Wasm pods each node must run (the design documents quote 3000 per ARM64 edge box). */
  readonly podsPerNode: number;

  /**
   * Nodes the cluster (pod CIDR) must have room for, including future ones.
   *
   * @default 1
   */
  readonly nodeCount?: number;

  /**
   * Pods per node beside the Wasm pods (coredns, metrics-server, local-path, svclb, DaemonSets).
   *
   * @default 10
   */
  readonly systemPodsPerNode?: number;

  /**
   * The pod CIDR to use. Must hold `nodeCount` node subnets and not overlap the service CIDR.
   *
   * @default - K3S_DEFAULT_CLUSTER_CIDR when it is large enough, else the first block of 10.0.0.0/8
   *   of the needed size that does not overlap the service CIDR
   */
  readonly clusterCidr?: string;

  /**
   * The service CIDR, to check the pod CIDR does not overlap it.
   *
   * @default K3S_DEFAULT_SERVICE_CIDR
   */
  readonly serviceCidr?: string;

  /**
   * Memory the node has for pods. With `podMemoryRequest`, refuses targets that cannot fit.
   *
   * @default - not checked
   */
  readonly nodeAllocatableMemory?: Size;

  /**
   * Memory request of one Wasm pod.
   *
   * @default - not checked
   */
  readonly podMemoryRequest?: Size;
}

/** Kubelet thresholds for small disks and memory. */
export interface KubeletThresholds {
  /**
   * Hard eviction when free memory drops below this.
   *
   * @default Size.mebibytes(100)
   */
  readonly evictionMemoryAvailable?: Size;

  /**
   * Hard eviction when the node filesystem has less than this percentage free.
   *
   * @default 10
   */
  readonly evictionNodefsAvailablePercent?: number;

  /**
   * Hard eviction when the image filesystem has less than this percentage free.
   *
   * @default 10
   */
  readonly evictionImagefsAvailablePercent?: number;

  /**
   * Hard eviction when the node filesystem has less than this percentage of inodes free. Setting
   * `eviction-hard` replaces all of the kubelet's defaults, so the inode threshold is written too;
   * thousands of small pods use many inodes.
   *
   * @default 5 (the kubelet's own default)
   */
  readonly evictionNodefsInodesFreePercent?: number;

  /**
   * Image garbage collection starts when the image filesystem is this full (percent).
   *
   * @default 70
   */
  readonly imageGcHighThresholdPercent?: number;

  /**
   * Image garbage collection frees space down to this usage (percent).
   *
   * @default 50
   */
  readonly imageGcLowThresholdPercent?: number;
}

/** The result of a density plan. */
export interface DensityPlan {
  /** kubelet `max-pods`. */
  readonly maxPods: number;
  /** kube-controller-manager `node-cidr-mask-size` (IPv4 prefix length of each node's pod subnet). */
  readonly nodeCidrMaskSize: number;
  /** Pod IPs one node subnet holds (network, broadcast and the bridge gateway excluded). */
  readonly podIpsPerNode: number;
  /** The cluster (pod) CIDR. */
  readonly clusterCidr: string;
  /** Nodes the cluster CIDR has room for. */
  readonly nodeCapacity: number;
  /** kubelet `kube-api-qps`. */
  readonly kubeApiQps: number;
  /** kubelet `kube-api-burst`. */
  readonly kubeApiBurst: number;
  /** kubelet args for the node (`max-pods`, `kube-api-qps`, `kube-api-burst`). */
  readonly kubeletArgs: string[];
  /** kube-controller-manager args for the servers (`node-cidr-mask-size`). */
  readonly controllerManagerArgs: string[];
}

/** The largest node subnet the planner hands out (a /16 holds 65533 pod IPs). */
const MIN_NODE_PREFIX = 16;
/** The smallest node subnet: the K3s default /24. */
const MAX_NODE_PREFIX = 24;
/** The largest cluster CIDR: a /8. */
const MIN_CLUSTER_PREFIX = 8;

/**
 * Plans kubelet and network settings for dense Wasm nodes: the kubelet refuses more than 110 pods
 * unless `max-pods` is raised, and a node's pod subnet (K3s: /24 out of 10.42.0.0/16) holds only ~254
 * pod IPs. The planner sizes `max-pods`, `node-cidr-mask-size` (with 2x headroom, so pods that are
 * still terminating keep their IPs while replacements start, as in scale-to-zero churn), the cluster
 * CIDR, and the kubelet's API rate limits; it refuses targets that cannot fit, saying why.
 *
 * @see https://docs.k3s.io/cli/server#networking
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
 */
export class DensityPlanner {
  /**
   * Plans the settings for a density target.
   *
   * @param options the target
   * @param owner who asked, for error messages
   * @default owner 'DensityPlanner'
   */
  public static plan(options: DensityOptions, owner?: string): DensityPlan {
    const who = owner ?? 'DensityPlanner';
    if (!options || typeof options !== 'object') {
      throw propError(who, 'density', options, 'is not a density target', 'pass an object such as { podsPerNode: 3000 }');
    }
    const podsPerNode = options.podsPerNode;
    const nodeCount = options.nodeCount ?? 1;
    const systemPods = options.systemPodsPerNode ?? 10;
    checkWhole(who, 'density.podsPerNode', podsPerNode, 1);
    checkWhole(who, 'density.nodeCount', nodeCount, 1);
    checkWhole(who, 'density.systemPodsPerNode', systemPods, 0);

    const maxPods = podsPerNode + systemPods;

    const allocatableKib = wholeKib(who, 'density.nodeAllocatableMemory', options.nodeAllocatableMemory);
    const perPodKib = wholeKib(who, 'density.podMemoryRequest', options.podMemoryRequest);
    if (options.nodeAllocatableMemory && options.podMemoryRequest) {
      const allocatable = allocatableKib!;
      const perPod = perPodKib!;
      const fit = perPod > 0 ? Math.floor(allocatable / perPod) : Infinity;
      if (fit < podsPerNode) {
        throw propError(who, 'density.podsPerNode', podsPerNode,
          `does not fit in memory: ${options.nodeAllocatableMemory.toMebibytes({ rounding: SizeRoundingBehavior.NONE })}Mi allocatable holds ${fit} pods of ${options.podMemoryRequest.toMebibytes({ rounding: SizeRoundingBehavior.NONE })}Mi`,
          `lower podsPerNode to ${fit} or less, or lower the pod memory request (Wasm modules often need 8-32Mi)`);
      }
    }

    // 2x headroom: IPs of terminating pods are only freed when the pod is gone.
    let nodePrefix = MAX_NODE_PREFIX;
    while (nodePrefix > MIN_NODE_PREFIX && usableIps(nodePrefix) < 2 * maxPods) nodePrefix--;
    if (usableIps(nodePrefix) < 2 * maxPods) {
      throw propError(who, 'density.podsPerNode', podsPerNode,
        `needs ${maxPods} pods (with ${systemPods} system pods) and twice as many pod IPs, more than a /16 node subnet holds (${usableIps(MIN_NODE_PREFIX)} IPs)`,
        `use at most ${Math.floor(usableIps(MIN_NODE_PREFIX) / 2) - systemPods} pods per node, and spread the rest over more nodes`);
    }

    const nodeBits = Math.ceil(Math.log2(nodeCount));
    const neededClusterPrefix = nodePrefix - nodeBits;
    if (neededClusterPrefix < MIN_CLUSTER_PREFIX) {
      throw propError(who, 'density.nodeCount', nodeCount,
        `needs ${nodeCount} node subnets of /${nodePrefix}, a cluster CIDR of /${neededClusterPrefix}, larger than a /8`,
        `use at most ${2 ** (nodePrefix - MIN_CLUSTER_PREFIX)} nodes at this density, or fewer pods per node`);
    }

    const serviceCidr = parseCidr(who, 'density.serviceCidr', options.serviceCidr ?? K3S_DEFAULT_SERVICE_CIDR);
    let cluster: Cidr;
    if (options.clusterCidr !== undefined) {
      cluster = parseCidr(who, 'density.clusterCidr', options.clusterCidr);
      if (cluster.prefix > neededClusterPrefix) {
        throw propError(who, 'density.clusterCidr', options.clusterCidr,
          `is too small: ${nodeCount} node(s) with /${nodePrefix} subnets need a /${neededClusterPrefix} or larger`,
          `use a /${neededClusterPrefix} such as ${formatCidr(firstFreeBlock(neededClusterPrefix, serviceCidr) ?? { base: 0x0a000000, prefix: neededClusterPrefix })}`);
      }
      if (cluster.prefix > nodePrefix) {
        throw propError(who, 'density.clusterCidr', options.clusterCidr, `is smaller than one node subnet (/${nodePrefix})`, `use a /${neededClusterPrefix} or larger`);
      }
    } else {
      const def = parseCidr(who, 'clusterCidr', K3S_DEFAULT_CLUSTER_CIDR);
      const free = def.prefix <= neededClusterPrefix && !overlaps(def, serviceCidr) ? def : firstFreeBlock(neededClusterPrefix, serviceCidr);
      if (!free) {
        throw propError(who, 'density.nodeCount', nodeCount,
          `needs a /${neededClusterPrefix} pod CIDR and 10.0.0.0/8 has none free beside the service CIDR ${formatCidr(serviceCidr)}`,
          'move the service CIDR out of 10.0.0.0/8 (e.g. serviceCidr "172.16.0.0/16") or set clusterCidr explicitly');
      }
      cluster = free;
    }
    if (overlaps(cluster, serviceCidr)) {
      throw propError(who, 'density.clusterCidr', formatCidr(cluster), `overlaps the service CIDR ${formatCidr(serviceCidr)}`, 'use a pod CIDR that does not overlap the service CIDR');
    }

    // The kubelet's defaults (50 QPS, burst 100) are sized for 110 pods; status updates and watches
    // grow with the pod count. One QPS per 20 pods, within [50, 200].
    const kubeApiQps = Math.min(200, Math.max(50, Math.ceil(maxPods / 20)));
    const kubeApiBurst = 2 * kubeApiQps;

    return {
      maxPods,
      nodeCidrMaskSize: nodePrefix,
      podIpsPerNode: usableIps(nodePrefix),
      clusterCidr: formatCidr(cluster),
      nodeCapacity: 2 ** (nodePrefix - cluster.prefix),
      kubeApiQps,
      kubeApiBurst,
      kubeletArgs: [`max-pods=${maxPods}`, `kube-api-qps=${kubeApiQps}`, `kube-api-burst=${kubeApiBurst}`],
      controllerManagerArgs: [`node-cidr-mask-size=${nodePrefix}`],
    };
  }

  /**
   * kubelet args for eviction and image garbage collection on small disks and memory. Refuses
   * thresholds where image GC would start only after eviction (pods would be evicted for disk
   * pressure that deleting unused images would fix).
   *
   * @param thresholds the thresholds
   * @param owner who asked, for error messages
   * @default thresholds - the defaults of each field
   */
  public static kubeletThresholdArgs(thresholds?: KubeletThresholds, owner?: string): string[] {
    const who = owner ?? 'DensityPlanner';
    const t = thresholds ?? {};
    const memory = t.evictionMemoryAvailable ?? Size.mebibytes(100);
    const nodefs = t.evictionNodefsAvailablePercent ?? 10;
    const imagefs = t.evictionImagefsAvailablePercent ?? 10;
    const inodes = t.evictionNodefsInodesFreePercent ?? 5;
    const high = t.imageGcHighThresholdPercent ?? 70;
    const low = t.imageGcLowThresholdPercent ?? 50;
    checkWhole(who, 'kubelet.evictionNodefsAvailablePercent', nodefs, 1, 50);
    checkWhole(who, 'kubelet.evictionNodefsInodesFreePercent', inodes, 1, 50);
    checkWhole(who, 'kubelet.evictionImagefsAvailablePercent', imagefs, 1, 50);
    checkWhole(who, 'kubelet.imageGcHighThresholdPercent', high, 1, 100);
    checkWhole(who, 'kubelet.imageGcLowThresholdPercent', low, 0, 99);
    let memMi: number;
    try {
      memMi = memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    } catch {
      memMi = NaN;
    }
    if (!Number.isSafeInteger(memMi) || memMi < 1) {
      throw propError(who, 'kubelet.evictionMemoryAvailable', `${memMi}Mi`, 'must be a whole number of MiB, at least 1', 'use Size.mebibytes(100) or similar');
    }
    if (low >= high) {
      throw propError(who, 'kubelet.imageGcLowThresholdPercent', low, `must be below imageGcHighThresholdPercent (${high})`, `use a value below ${high}, e.g. ${Math.max(0, high - 20)}`);
    }
    if (high + imagefs > 100) {
      throw propError(who, 'kubelet.imageGcHighThresholdPercent', high,
        `starts image garbage collection at ${high}% usage, after eviction at ${100 - imagefs}% usage (imagefs.available<${imagefs}%)`,
        `use at most ${100 - imagefs}`);
    }
    return [
      `eviction-hard=imagefs.available<${imagefs}%,memory.available<${memMi}Mi,nodefs.available<${nodefs}%,nodefs.inodesFree<${inodes}%`,
      `image-gc-high-threshold=${high}`,
      `image-gc-low-threshold=${low}`,
    ];
  }
}

interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

function usableIps(prefix: number): number {
  // network, broadcast and the bridge (cni0) gateway
  return 2 ** (32 - prefix) - 3;
}

/** A size as a whole number of KiB, at least 1 (cdk8s's toKibibytes throws a plain error otherwise). */
function wholeKib(owner: string, prop: string, size: Size | undefined): number | undefined {
  if (size === undefined) return undefined;
  let kib: number;
  try {
    kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  } catch {
    kib = NaN;
  }
  if (!Number.isSafeInteger(kib) || kib < 1) {
    throw propError(owner, prop, `${kib}KiB`, 'must be a whole number of KiB, at least 1', 'use a size such as Size.mebibytes(16)');
  }
  return kib;
}

/**
 * Checks a `cluster-cidr` given without a density target: each IPv4 block must hold at least one
 * node subnet of the default size (/24) and not overlap the service CIDR. IPv6 blocks are passed
 * through (not planned by this library).
 *
 * @internal
 */
export function checkClusterCidrs(owner: string, prop: string, clusterCidrs: string[], serviceCidrs: string[]): void {
  const services = serviceCidrs.flatMap(c => c.split(',')).map(c => c.trim()).filter(c => c.includes('.')).map(c => parseCidr(owner, 'service-cidr', c));
  if (services.length === 0) services.push(parseCidr(owner, 'service-cidr', K3S_DEFAULT_SERVICE_CIDR));
  for (const entry of clusterCidrs.flatMap(c => c.split(',')).map(c => c.trim())) {
    if (entry.includes(':')) continue;
    const c = parseCidr(owner, prop, entry);
    if (c.prefix > MAX_NODE_PREFIX) {
      throw propError(owner, prop, entry, `is smaller than one node subnet (/${MAX_NODE_PREFIX}, the kube-controller-manager default node-cidr-mask-size), so no node would get pod IPs`,
        `use a /${MAX_NODE_PREFIX} or larger (e.g. ${K3S_DEFAULT_CLUSTER_CIDR}), or set density to plan the sizes`);
    }
    for (const s of services) {
      if (overlaps(c, s)) throw propError(owner, prop, entry, `overlaps the service CIDR ${formatCidr(s)}`, 'use a pod CIDR that does not overlap the service CIDR');
    }
  }
}

function checkWhole(owner: string, prop: string, value: number, min: number, max?: number): void {
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw propError(owner, prop, value, `must be ${range}`, `set ${prop} to ${range}`);
  }
}

function parseCidr(owner: string, prop: string, value: string): Cidr {
  const m = typeof value !== 'string' ? null : /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some(o => o > 255) || prefix > 32) {
    throw propError(owner, prop, value, 'is not an IPv4 CIDR', 'use a CIDR such as "10.42.0.0/16" (IPv6 is not planned by this library)');
  }
  const base = octets[0] * 2 ** 24 + octets[1] * 2 ** 16 + octets[2] * 2 ** 8 + octets[3];
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    throw propError(owner, prop, value, 'has host bits set', `use ${formatCidr({ base: base - (base % size), prefix })}`);
  }
  return { base, prefix };
}

function formatCidr(c: Cidr): string {
  return `${[24, 16, 8, 0].map(s => Math.floor(c.base / 2 ** s) % 256).join('.')}/${c.prefix}`;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The first block of this size in 10.0.0.0/8 that does not overlap `avoid`. */
function firstFreeBlock(prefix: number, avoid: Cidr): Cidr | undefined {
  const size = 2 ** (32 - prefix);
  for (let base = 0x0a000000; base < 0x0b000000; base += size) {
    const c = { base, prefix };
    if (!overlaps(c, avoid)) return c;
  }
  return undefined;
}
