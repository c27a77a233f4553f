/**
 * Checks shared by every autoscaler construct (HPA, KEDA ScaledObject, HTTP add-on): one autoscaler
 * per workload, no fixed replica count on an autoscaled workload, no scale-to-zero on triggers that
 * cannot, and a warning about CPU metrics of Wasm pods. Internal: not exported from the package.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { propError, propMessage } from '../private/errors';
import { appConstructs, groupBy, perValidationPass, rootMembers, trackValidationPasses } from '../root-registry';
import { IntegrationRoute } from '../core/runtime';
import { Warnings } from '../warnings';
import { WasmDeployment } from '../wasm-deployment';

/** What an autoscaler construct registers about itself. */
interface AutoscalerRecord {
  /** Human name of the autoscaler kind, e.g. "KEDA ScaledObject". */
  readonly kind: string;
  readonly target: kplus.IScalable;
}

/** An autoscaler construct of this library: it knows its floor before it registers. */
interface IAutoscaler extends IConstruct {
  readonly minReplicas: number;
}

/** The largest int32: replica counts, periods in seconds and metric targets are int32 in the APIs. */
export const INT32_MAX = 2147483647;

const AUTOSCALERS = new WeakMap<IConstruct, AutoscalerRecord>();

/**
 * Registers `scope` as the autoscaler of `target`: marks the target (cdk8s-plus then omits
 * `spec.replicas`), refuses an explicit fixed replica count, and adds a validation that fails when
 * another autoscaler in the app scales the same workload.
 *
 * @internal
 */
export function registerAutoscaler(scope: IAutoscaler, kind: string, target: kplus.IScalable): void {
  const fixed = explicitReplicas(target);
  if (fixed !== undefined) {
    throw propError(scope, 'target', targetLabel(target),
      `the workload sets a fixed replicas=${fixed}, which the ${kind} would fight with (every apply resets the replica count)`,
      target instanceof WasmDeployment
        ? 'remove replicas from the WasmDeployment; use warmReplicas for the floor the autoscaler keeps'
        : 'remove replicas from the workload\'s props');
  }
  target.markHasAutoscaler();
  AUTOSCALERS.set(scope, { kind, target });
  rootMembers<IAutoscaler>(scope, 'autoscalers').push(scope);
  trackValidationPasses(scope);
  scope.node.addValidation({ validate: () => conflictsOf(scope) });
}

/**
 * The replica floor of every autoscaled workload in the app: the minReplicas of this library's
 * autoscalers and of cdk8s-plus HorizontalPodAutoscalers, by target.
 *
 * @internal
 */
export function autoscalerFloors(scope: IConstruct): Map<kplus.IScalable, number> {
  const floors = new Map<kplus.IScalable, number>();
  for (const a of rootMembers<IAutoscaler>(scope, 'autoscalers')) floors.set(AUTOSCALERS.get(a)!.target, a.minReplicas);
  for (const c of appConstructs(scope)) {
    if (c instanceof kplus.HorizontalPodAutoscaler) floors.set(c.target, c.minReplicas);
  }
  return floors;
}

/** The replica count the user fixed on the target, if any (WasmDeployment keeps its warm default apart). */
function explicitReplicas(target: kplus.IScalable): number | undefined {
  return target.toScalingTarget().replicas;
}

/** "apps/v1 Deployment my-app" (namespace-qualified when known).
 * @internal
 */
export function targetLabel(target: kplus.IScalable): string {
  const t = target.toScalingTarget();
  const ns = namespaceOf(target);
  return `${t.apiVersion} ${t.kind} ${ns ? `${ns}/` : ''}${t.name}`;
}

/** @internal */
export function namespaceOf(target: kplus.IScalable): string | undefined {
  return target instanceof kplus.Resource ? target.metadata.namespace : undefined;
}

// toScalingTarget() builds the target's container list each call: a cdk8s-plus resource names
// itself without it, and every key is computed once.
const WORKLOAD_KEYS = new WeakMap<kplus.IScalable, string>();

function workloadKey(target: kplus.IScalable): string {
  let key = WORKLOAD_KEYS.get(target);
  if (key === undefined) {
    const t = target instanceof kplus.Resource ? target : target.toScalingTarget();
    key = `${t.apiVersion}|${t.kind}|${namespaceOf(target) ?? ''}|${t.name}`;
    WORKLOAD_KEYS.set(target, key);
  }
  return key;
}

type AutoscalerIndex = Map<string, Array<{ readonly kind: string; readonly target: kplus.IScalable; readonly scope: IConstruct }>>;

/**
 * Autoscalers of the app (ours, and cdk8s-plus HorizontalPodAutoscalers) grouped by workload: one
 * walk of the tree per validation pass, shared by every autoscaler's validation.
 */
function autoscalerIndex(scope: IConstruct): AutoscalerIndex {
  return perValidationPass(scope, 'autoscalers-by-workload', () => {
    const records = appConstructs(scope).flatMap(c => {
      const r = AUTOSCALERS.get(c) ?? (c instanceof kplus.HorizontalPodAutoscaler ? { kind: 'HorizontalPodAutoscaler', target: c.target } : undefined);
      return r ? [{ kind: r.kind, target: r.target, scope: c }] : [];
    });
    return groupBy(records, r => [workloadKey(r.target)]);
  });
}

/** Other autoscalers (ours, or cdk8s-plus HorizontalPodAutoscalers) in the app with the same target. */
function conflictsOf(scope: IConstruct): string[] {
  const me = AUTOSCALERS.get(scope)!;
  const shared = autoscalerIndex(scope).get(workloadKey(me.target)) ?? [];
  if (shared.length < 2) return [];
  const others = shared.filter(r => r.scope !== scope).map(r => `${r.kind} ${r.scope.node.path}`);
  return [propMessage(scope, 'target', targetLabel(me.target),
    `the workload is also scaled by ${others.join(', ')}; two autoscalers on one workload fight over its replica count (KEDA's webhook rejects the second)`,
    'keep one autoscaler per workload: put every trigger into one KedaScaledObject (KEDA scales on the largest), or use one HPA with several metrics')];
}

/**
 * Warns when a Wasm workload on a runwasi shim is scaled on CPU.
 *
 * @internal
 */
export function warnCpuScaling(scope: IConstruct, target: kplus.IScalable, prop: string): void {
  if (!(target instanceof WasmDeployment) || target.route !== IntegrationRoute.RUNWASI) return;
  Warnings.of(scope).add(`${prop}: CPU-based scaling of WasmDeployment ${target.node.path}: the CPU metrics of Wasm pods stay flat unless the containerd shim runs with SystemdCgroup = true `
    + '(containerd-shim-spin #180, runwasi #821), so the autoscaler may never scale out. Set SystemdCgroup = true in the node\'s containerd runtime options, '
    + 'or prefer request-rate scaling (KedaInterceptorRoute with KedaTrigger.httpAddOn, KedaTrigger.prometheus) or queue-based scaling (KedaTrigger.kafka, KedaTrigger.rabbitmq)');
}

/**
 * The default floor of an autoscaler: the WasmDeployment's warmReplicas, else `fallback`.
 *
 * @internal
 */
export function warmFloor(target: kplus.IScalable, fallback: number): number {
  return target instanceof WasmDeployment ? target.warmReplicas : fallback;
}

/**
 * Checks min/max replica counts (whole numbers, 0 <= min <= max, max >= 1).
 *
 * @internal
 */
export function checkReplicaRange(scope: IConstruct, minProp: string, min: number, maxProp: string, max: number, minFloor = 0): void {
  // Replica counts are int32 in every consumer (HPA, ScaledObject, HTTPScaledObject).
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > INT32_MAX) {
    throw propError(scope, maxProp, max, 'must be a whole number >= 1 (and at most 2147483647)', `set ${maxProp} to the most replicas the nodes can hold, e.g. 10`);
  }
  if (typeof min !== 'number' || !Number.isInteger(min) || min < minFloor || min > INT32_MAX) {
    throw propError(scope, minProp, min, `must be a whole number >= ${minFloor} (and at most 2147483647)`, `set ${minProp} to ${minFloor} or more`);
  }
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
  if (!Number.isInteger(s) || s < min || s > max) {
    throw propError(scope, prop, `${s}s`, `must be whole seconds from ${min}${max < 2147483647 ? ` to ${max}` : ' up'}`,
      `use e.g. Duration.seconds(${Math.max(min, 30)})`);
  }
  return s;
}
