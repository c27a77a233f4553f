/**
 * What every backend renderer receives: the ServerlessFunction's props, checked and defaulted.
 * Internal: not exported from the package.
 */
import * as kplus from 'cdk8s-plus-30';
import { IWasmPlacement } from '../core/placement';
import { cpuToMillis, sizeToQuantity } from '../private/quantity';
import { IntegrationRoute } from '../core/runtime';
import { IRuntimeClass } from '../runtime-class';
import { KedaTrigger } from '../scaling/keda-trigger';
import { DEFAULT_WASM_UID } from '../wasm-deployment';
import { FunctionBackend } from './function-backend';

/** A key of a Secret, for an environment variable. */
export interface ResolvedSecretRef {
  readonly secretName: string;
  readonly key: string;
}

/** Probe timing derived from the cold-start budget. */
export interface ProbeTiming {
  /** The budget in whole seconds (rounded up; at least 1). */
  readonly budgetSeconds: number;
  /** Probe period. */
  readonly periodSeconds: number;
  /** Failures allowed before the budget is spent. */
  readonly failureThreshold: number;
}

/** @internal */
export interface ResolvedFunction {
  /** Construct path, for messages. */
  readonly where: string;
  readonly backend: FunctionBackend;
  /** Resource name of the workload (Deployment / Knative Service / SpinApp / Function) and Service. */
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly command?: string[];
  readonly args?: string[];
  /** The RuntimeClass (undefined on the WasmEdge-in-image route without GPU). */
  readonly runtimeClass?: IRuntimeClass;
  /** The RuntimeClass as given or defaulted (before the WasmEdge-in-image rule). */
  readonly declaredRuntimeClass: IRuntimeClass;
  readonly route: IntegrationRoute;
  readonly scaleToZero: boolean;
  /** Replicas kept warm (0 with scaleToZero). */
  readonly warmReplicas: number;
  /** The autoscaler's ceiling, when the function autoscales. */
  readonly maxReplicas: number;
  /** Whether anything asks for autoscaling (scaleToZero, concurrency, triggers or maxReplicas). */
  readonly autoscales: boolean;
  readonly concurrency?: number;
  readonly probes: ProbeTiming;
  readonly triggers: KedaTrigger[];
  readonly resources: kplus.ContainerResources;
  readonly env: { [key: string]: string };
  readonly secretEnv: { [key: string]: ResolvedSecretRef };
  readonly placement?: IWasmPlacement;
  /** Host names the function serves (empty: every host). */
  readonly hosts: string[];
  /** URL path prefixes of the route (at least one; `['/']` by default). */
  readonly paths: string[];
  readonly uid: number;
}

/** The container security context every backend uses where its API allows it. */
export function hardenedContainerContext(uid: number = DEFAULT_WASM_UID) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Probe timing for a cold-start budget: probe every second up to a 30 s budget (Wasm starts in
 * milliseconds, so the first probe usually passes), then stretch the period so at most ~30 probes
 * fit. Kubernetes probes have 1 s granularity, so a budget below 1 s is rounded up to 1 s.
 */
export function probeTiming(budgetMillis: number): ProbeTiming {
  const budgetSeconds = Math.max(1, Math.ceil(budgetMillis / 1000));
  const periodSeconds = Math.max(1, Math.ceil(budgetSeconds / 30));
  const failureThreshold = Math.max(1, Math.ceil(budgetSeconds / periodSeconds));
  return { budgetSeconds, periodSeconds, failureThreshold };
}

/** Kubernetes quantities of a ContainerResources (strings). */
export function resourceQuantities(r: kplus.ContainerResources): { requests: { [k: string]: string }; limits: { [k: string]: string } } {
  const requests: { [k: string]: string } = {};
  const limits: { [k: string]: string } = {};
  if (r.cpu?.request) requests.cpu = cpuQuantity(r.cpu.request);
  if (r.cpu?.limit) limits.cpu = cpuQuantity(r.cpu.limit);
  if (r.memory?.request) requests.memory = sizeToQuantity(r.memory.request);
  if (r.memory?.limit) limits.memory = sizeToQuantity(r.memory.limit);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = sizeToQuantity(r.ephemeralStorage.request);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = sizeToQuantity(r.ephemeralStorage.limit);
  return { requests, limits };
}

function cpuQuantity(cpu: kplus.Cpu): string {
  return `${cpuToMillis(cpu)}m`;
}

/** Kubernetes EnvVar entries (plain values, then Secret references), sorted by name within each group. */
export function envVars(fn: ResolvedFunction): Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }> {
  return [
    ...Object.keys(fn.env).sort().map(name => ({ name, value: fn.env[name] })),
    ...Object.keys(fn.secretEnv).sort().map(name => ({
      name,
      valueFrom: { secretKeyRef: { name: fn.secretEnv[name].secretName, key: fn.secretEnv[name].key } },
    })),
  ];
}

/** The pod's tolerations for a placement, in the shape of core/v1 Toleration. */
export { placementTolerations } from '../core/placement';
