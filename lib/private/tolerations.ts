/**
 * Tolerations for node taints: one shape for RuntimeClass scheduling and placed workloads.
 */
import * as kplus from 'cdk8s-plus-30';

/** A taint as the library's types describe it (`NodeTaint`). */
export interface TaintLike {
  readonly key: string;
  readonly value?: string;
  readonly effect: kplus.TaintEffect | string;
}

/**
 * The toleration of a taint: `Equal` to its value, or `Exists` for a taint without a value.
 *
 * @internal
 */
export function tolerationOf(taint: TaintLike, tolerationSeconds?: number): kplus.k8s.Toleration {
  return taint.value === undefined
    ? { key: taint.key, operator: 'Exists', effect: taint.effect, tolerationSeconds }
    : { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect, tolerationSeconds };
}
