/**
 * Checks shared by every autoscaler construct (HPA, KEDA ScaledObject, HTTP add-on): no fixed
 * replica count on an autoscaled workload, replica ranges and durations, and a warning about CPU
 * metrics of Wasm pods. One autoscaler per workload is an app-level rule
 * (lib/private/app-checks/scaling.ts). Internal: not exported from the package.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { IWasmScalable } from './scalable';
import { IntegrationRoute } from '../core/runtime';
import { appIndex } from '../private/app-checks';
import { AUTOSCALER, targetLabel } from '../private/app-checks/autoscalers';
import { checkInt32, INT32_MAX, isWholeNumber, propError } from '../private/errors';
import { warn } from '../private/warnings';

/** An autoscaler construct of this library: it knows its floor before it registers. */
interface IAutoscaler extends IConstruct {
  readonly minReplicas: number;
}

/**
 * Registers `scope` as the autoscaler of `target` with its app (the one-autoscaler-per-workload
 * rule reads it): marks the target (cdk8s-plus then omits `spec.replicas`) and refuses an
 * explicit fixed replica count.
 *
 * @internal
 */
export function registerAutoscaler(scope: IAutoscaler, kind: string, target: kplus.IScalable): void {
  const fixed = target.toScalingTarget().replicas;
  if (fixed !== undefined) {
    throw propError(scope, 'target', targetLabel(target),
      `the workload sets a fixed replicas=${fixed}, which the ${kind} would fight with (every apply resets the replica count)`,
      isWasmScalable(target)
        ? 'remove replicas from the WasmDeployment; use warmReplicas for the floor the autoscaler keeps'
        : 'remove replicas from the workload\'s props');
  }
  target.markHasAutoscaler();
  appIndex(scope).add(AUTOSCALER, { scope, kind, target, minReplicas: () => scope.minReplicas });
}

/**
 * Whether `target` is a Wasm workload (an `IWasmScalable`, such as a WasmDeployment): a construct
 * with warm replicas and an integration route.
 *
 * @internal
 */
export function isWasmScalable(target: kplus.IScalable): target is IWasmScalable {
  const t: Partial<IWasmScalable> = target;
  return Construct.isConstruct(target) && typeof t.warmReplicas === 'number'
    && t.route !== undefined && Object.values(IntegrationRoute).includes(t.route);
}

/**
 * Warns when a Wasm workload on a runwasi shim is scaled on CPU.
 *
 * @internal
 */
export function warnCpuScaling(scope: IConstruct, target: kplus.IScalable, prop: string): void {
  if (!isWasmScalable(target) || target.route !== IntegrationRoute.RUNWASI) return;
  warn(scope, prop, 'cpu', `CPU-based scaling of WasmDeployment ${target.node.path}: the CPU metrics of Wasm pods stay flat unless the containerd shim runs with SystemdCgroup = true `
    + '(containerd-shim-spin #180, runwasi #821), so the autoscaler may never scale out',
  'set SystemdCgroup = true in the node\'s containerd runtime options, '
    + 'or prefer request-rate scaling (KedaInterceptorRoute with KedaTrigger.httpAddOn, KedaTrigger.prometheus) or queue-based scaling (KedaTrigger.kafka, KedaTrigger.rabbitmq)');
}

/**
 * The default floor of an autoscaler: the Wasm workload's warmReplicas, else `fallback`.
 *
 * @internal
 */
export function warmFloor(target: kplus.IScalable, fallback: number): number {
  return isWasmScalable(target) ? target.warmReplicas : fallback;
}

/**
 * Checks min/max replica counts (whole numbers, 0 <= min <= max, max >= 1).
 *
 * @internal
 */
export function checkReplicaRange(scope: IConstruct, minProp: string, min: number, maxProp: string, max: number, minFloor = 0): void {
  // Replica counts are int32 in every consumer (HPA, ScaledObject, HTTPScaledObject).
  checkInt32(scope, maxProp, max, 1, `set ${maxProp} to the most replicas the nodes can hold, e.g. 10`);
  checkInt32(scope, minProp, min, minFloor);
  if (min > max) {
    throw propError(scope, minProp, min, `is above ${maxProp}=${max}, so the autoscaler can never settle`,
      `lower ${minProp} to at most ${max}, or raise ${maxProp} to at least ${min}`);
  }
}

/**
 * A Duration as whole seconds, checked.
 *
 * @internal
 */
export function wholeSeconds(scope: IConstruct, prop: string, d: Duration | undefined, min: number, max = INT32_MAX): number | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Duration)) {
    throw propError(scope, prop, d, 'is not a Duration', 'use e.g. Duration.seconds(30)');
  }
  const s = d.toSeconds({ integral: false });
  if (!isWholeNumber(s, min, max)) {
    throw propError(scope, prop, `${s}s`, `must be whole seconds from ${min}${max < INT32_MAX ? ` to ${max}` : ' up'}`,
      `use e.g. Duration.seconds(${Math.max(min, 30)})`);
  }
  return s;
}
