import * as kplus from 'cdk8s-plus-30';
import { checkInt, propError } from '../private/errors';
import { checkLabelKey } from '../private/labels';

/** The well-known node label of the zone (an MEC zone, a factory hall, a rack). */
export const TOPOLOGY_ZONE_KEY = 'topology.kubernetes.io/zone';
/** The well-known node label of the region. */
export const TOPOLOGY_REGION_KEY = 'topology.kubernetes.io/region';
/** The node label every kubelet sets to its node name: one domain per node. */
export const TOPOLOGY_HOSTNAME_KEY = 'kubernetes.io/hostname';

/** What the scheduler does with a pod that would break the skew. */
export enum WhenUnsatisfiable {
  /** Keep the pod pending (a hard constraint). */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
  /** Schedule it anyway, preferring nodes that reduce the skew (a soft constraint). */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
}

/** Whether node affinity or node taints decide which nodes count as spreading domains. */
export enum NodeInclusionPolicy {
  /** Only nodes the pod could be scheduled on count. */
  HONOR = 'Honor',
  /** Every node with the topology key counts. */
  IGNORE = 'Ignore',
}

/**
 * How to spread a workload's pods over topology domains (`topologySpreadConstraints`). The label
 * selector is the workload's own pod selector, so the constraint always counts the right pods.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export interface TopologySpreadOptions {
  /**
   * The largest allowed difference in matching pods between two domains.
   *
   * @default 1
   */
  readonly maxSkew?: number;

  /**
   * The node label whose values are the domains.
   *
   * @default TOPOLOGY_ZONE_KEY (`topology.kubernetes.io/zone`)
   */
  readonly topologyKey?: string;

  /**
   * What to do when no node keeps the skew.
   *
   * @default WhenUnsatisfiable.DO_NOT_SCHEDULE
   */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;

  /**
   * The minimum number of eligible domains; fewer count as zero-pod domains (only with
   * `DO_NOT_SCHEDULE`).
   *
   * @default - not set (Kubernetes treats it as 1)
   */
  readonly minDomains?: number;

  /**
   * Whether node taints decide which domains are eligible. `HONOR` by default because edge nodes cut
   * off from the control plane carry `node.kubernetes.io/unreachable:NoSchedule`: with `IGNORE`, a
   * zone whose nodes are offline (but whose pods keep running through the autonomy window) still
   * counts as a domain no new pod can reach, and a hard constraint can block scale-ups everywhere.
   *
   * @default NodeInclusionPolicy.HONOR
   */
  readonly nodeTaintsPolicy?: NodeInclusionPolicy;

  /**
   * Whether the pod's nodeSelector / node affinity decides which domains are eligible.
   *
   * @default - not set (Kubernetes' default, Honor)
   */
  readonly nodeAffinityPolicy?: NodeInclusionPolicy;

  /**
   * Pod label keys whose values (taken from the incoming pod) narrow the counted pods, e.g.
   * `["pod-template-hash"]` so that a rolling update spreads the new ReplicaSet on its own.
   *
   * @default - none
   */
  readonly matchLabelKeys?: string[];
}

const INT32_MAX = 2147483647;

function checkEnum(path: string, prop: string, value: string | undefined, values: string[]): void {
  if (value !== undefined && !values.includes(value)) {
    throw propError(path, prop, value, 'is not one of the allowed values', `use one of ${values.join(', ')}`);
  }
}

/**
 * Checks topology spread options and fills in the defaults.
 *
 * @internal
 */
export function resolveTopologySpread(path: string, prop: string, options: TopologySpreadOptions): TopologySpreadOptions {
  const maxSkew = options.maxSkew ?? 1;
  // int32 fields of core/v1 TopologySpreadConstraint.
  checkInt(path, `${prop}.maxSkew`, maxSkew, 1, INT32_MAX);
  const topologyKey = options.topologyKey ?? TOPOLOGY_ZONE_KEY;
  if (typeof topologyKey !== 'string') throw propError(path, `${prop}.topologyKey`, topologyKey, 'is not a string', 'use a node label key such as "topology.kubernetes.io/zone"');
  checkLabelKey(path, `${prop}.topologyKey`, topologyKey, false);
  const whenUnsatisfiable = options.whenUnsatisfiable ?? WhenUnsatisfiable.DO_NOT_SCHEDULE;
  checkEnum(path, `${prop}.whenUnsatisfiable`, whenUnsatisfiable, Object.values(WhenUnsatisfiable));
  checkEnum(path, `${prop}.nodeTaintsPolicy`, options.nodeTaintsPolicy, Object.values(NodeInclusionPolicy));
  checkEnum(path, `${prop}.nodeAffinityPolicy`, options.nodeAffinityPolicy, Object.values(NodeInclusionPolicy));
  if (options.minDomains !== undefined) {
    checkInt(path, `${prop}.minDomains`, options.minDomains, 1, INT32_MAX);
    if (whenUnsatisfiable !== WhenUnsatisfiable.DO_NOT_SCHEDULE) {
      throw propError(path, `${prop}.minDomains`, options.minDomains, 'only applies to hard constraints (the API server refuses it with ScheduleAnyway)',
        'remove minDomains, or set whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE');
    }
  }
  for (const key of options.matchLabelKeys ?? []) {
    if (typeof key !== 'string') throw propError(path, `${prop}.matchLabelKeys`, key, 'is not a string', 'use pod label keys such as "pod-template-hash"');
    checkLabelKey(path, `${prop}.matchLabelKeys`, key, false);
  }
  if (new Set(options.matchLabelKeys ?? []).size !== (options.matchLabelKeys ?? []).length) {
    throw propError(path, `${prop}.matchLabelKeys`, options.matchLabelKeys, 'has a key twice (the API server refuses duplicates)', 'list each key once');
  }
  return Object.assign({}, options, {
    maxSkew,
    topologyKey,
    whenUnsatisfiable,
    nodeTaintsPolicy: options.nodeTaintsPolicy ?? NodeInclusionPolicy.HONOR,
  });
}

/**
 * Renders one constraint for pods selected by `matchLabels`.
 *
 * @internal
 */
export function renderTopologySpread(options: TopologySpreadOptions, matchLabels: { [key: string]: string }): kplus.k8s.TopologySpreadConstraint {
  const keys = options.matchLabelKeys ?? [];
  return {
    maxSkew: options.maxSkew ?? 1,
    topologyKey: options.topologyKey ?? TOPOLOGY_ZONE_KEY,
    whenUnsatisfiable: options.whenUnsatisfiable ?? WhenUnsatisfiable.DO_NOT_SCHEDULE,
    labelSelector: { matchLabels },
    minDomains: options.minDomains,
    nodeTaintsPolicy: options.nodeTaintsPolicy,
    nodeAffinityPolicy: options.nodeAffinityPolicy,
    matchLabelKeys: keys.length > 0 ? [...keys] : undefined,
  };
}
