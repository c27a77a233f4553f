/**
 * What the app's autoscalers register, and the replica floor they keep per workload (read by the
 * tenant rules and the one-autoscaler-per-workload rule).
 */
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { AppView, Kind } from './engine';

/** An autoscaler construct of this library (HPA, KEDA ScaledObject, HTTP add-on). */
export interface AutoscalerFacts {
  readonly scope: IConstruct;
  /** Human name of the autoscaler kind, e.g. "KEDA ScaledObject". */
  readonly kind: string;
  readonly target: kplus.IScalable;
  /** The floor it keeps (read at check time: props may still change after construction). */
  readonly minReplicas: () => number;
}

export const AUTOSCALER = new Kind<AutoscalerFacts>('autoscaler');

/**
 * The replica floor of every autoscaled workload in the app: the minReplicas of this library's
 * autoscalers and of cdk8s-plus HorizontalPodAutoscalers, by target.
 */
export function autoscalerFloors(view: AppView): Map<kplus.IScalable, number> {
  const floors = new Map<kplus.IScalable, number>();
  for (const a of view.members(AUTOSCALER)) floors.set(a.target, a.minReplicas());
  for (const h of view.ofType(kplus.HorizontalPodAutoscaler)) floors.set(h.target, h.minReplicas);
  return floors;
}

/** "apps/v1 Deployment my-app" (namespace-qualified when known). */
export function targetLabel(target: kplus.IScalable): string {
  const t = target.toScalingTarget();
  const ns = namespaceOf(target);
  return `${t.apiVersion} ${t.kind} ${ns ? `${ns}/` : ''}${t.name}`;
}

/** The namespace of a scaled workload, when it is a cdk8s-plus resource. */
export function namespaceOf(target: kplus.IScalable): string | undefined {
  return target instanceof kplus.Resource ? target.metadata.namespace : undefined;
}

// toScalingTarget() builds the target's container list each call: a cdk8s-plus resource names
// itself without it, and every key is computed once.
const WORKLOAD_KEYS = new WeakMap<kplus.IScalable, string>();

/** What tells two workloads apart: API version, kind, namespace and name. */
export function workloadKey(target: kplus.IScalable): string {
  let key = WORKLOAD_KEYS.get(target);
  if (key === undefined) {
    const t = target instanceof kplus.Resource ? target : target.toScalingTarget();
    key = `${t.apiVersion}|${t.kind}|${namespaceOf(target) ?? ''}|${t.name}`;
    WORKLOAD_KEYS.set(target, key);
  }
  return key;
}
