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
