import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { WasmRuntime } from './runtime';
import { propError } from '../private/errors';
import { byCodeUnit } from '../private/order';
import { tolerationOf } from '../private/tolerations';
import { isLabelValue, isQualifiedName } from '../private/validate';

/** A node taint (`key=value:effect`). */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /**
   * Taint value.
   *
   * @default - no value (pods tolerate the key with operator Exists)
   */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: kplus.TaintEffect;
}

/**
 * Where Wasm workloads may run: a node or a group of nodes that share labels, taints, runtimes and
 * offline settings. Implemented by EdgeOfflineNode and EdgeNodeGroup; WasmDeployment and
 * ServerlessFunction take one as `placement`, so workloads follow the node's settings instead of
 * retyping labels.
 */
export interface IWasmPlacement {
  /** A name for messages (usually the construct path of the node or group). */
  readonly placementName: string;

  /** Labels that every node of the placement carries; pods select all of them. */
  readonly nodeLabels: { [key: string]: string };

  /** Taints that every node of the placement carries; pods tolerate all of them. */
  readonly taints: NodeTaint[];

  /** Runtimes that every node of the placement offers. */
  readonly runtimes: WasmRuntime[];

  /**
   * How long the nodes keep running their pods without the control plane. Pods placed here tolerate
   * `node.kubernetes.io/unreachable` and `node.kubernetes.io/not-ready` (NoExecute) that long.
   *
   * @default - no offline autonomy: the Kubernetes default eviction (300s) applies
   */
  readonly offlineAutonomy?: Duration;
}

/** Taints the node controller puts on nodes that lost the control plane. */
export const OFFLINE_TAINT_KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/**
 * The tolerations a pod needs to run on a placement: one per node taint, and, with offline autonomy,
 * `node.kubernetes.io/unreachable` and `not-ready` (NoExecute) for the autonomy window so pods are not
 * evicted while the node is cut off. Sorted, so the output is deterministic.
 *
 * @internal
 */
export function placementTolerations(placement?: IWasmPlacement): kplus.k8s.Toleration[] {
  const out: kplus.k8s.Toleration[] = [];
  if (!placement) return out;
  const where = placement.placementName;
  for (const [i, t] of placement.taints.entries()) {
    if (typeof t?.key !== 'string' || !isQualifiedName(t.key) || (t.value !== undefined && !isLabelValue(t.value)) || !TAINT_EFFECTS.includes(t.effect)) {
      throw propError(where, `taints[${i}]`, t, 'is not a taint (a label key, an optional label value, and NoSchedule, PreferNoSchedule or NoExecute)',
        'use { key: "example.com/edge", effect: TaintEffect.NO_SCHEDULE }');
    }
    out.push(tolerationOf(t));
  }
  if (placement.offlineAutonomy) {
    const seconds = autonomySeconds(where, placement.offlineAutonomy);
    for (const key of OFFLINE_TAINT_KEYS) {
      out.push(tolerationOf({ key, effect: kplus.TaintEffect.NO_EXECUTE }, seconds));
    }
  }
  return out.sort((a, b) => byCodeUnit(`${a.key}|${a.effect}|${a.value ?? ''}`, `${b.key}|${b.effect}|${b.value ?? ''}`));
}

const TAINT_EFFECTS: string[] = Object.values(kplus.TaintEffect);

/**
 * The offline window in whole seconds, as `tolerationSeconds` (an int64 count of seconds, core/v1
 * Toleration) needs it: `Duration.millis(1500)` is the library's error, not a `toSeconds()` crash.
 *
 * @internal
 */
export function autonomySeconds(where: string, d: Duration): number {
  let seconds: number;
  try {
    seconds = d.toSeconds({ integral: false });
  } catch {
    seconds = NaN;
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > Number.MAX_SAFE_INTEGER) {
    throw propError(where, 'offlineAutonomy', `${seconds}s`, 'must be whole seconds (tolerationSeconds counts seconds)', 'use e.g. Duration.hours(24) or Duration.seconds(90)');
  }
  return seconds;
}
