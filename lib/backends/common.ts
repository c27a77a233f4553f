/**
 * What the built-in backend renderers share. Internal: not exported from the package.
 */
import * as kplus from 'cdk8s-plus-30';
import { ProbeTiming, ResolvedFunction } from './resolved-function';
import { propError } from '../private/errors';
import { cpuToMillis, sizeToQuantity } from '../private/quantity';
import { ValidationError } from '../private/validation-error';

/** The port a function listens on unless its backend fixes another. */
export const DEFAULT_FUNCTION_PORT = 8080;

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

/** EnvVar entries (plain values, then Secret references), sorted by name within each group. */
export function envVars(fn: ResolvedFunction): Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }> {
  return [
    ...Object.keys(fn.env).sort().map(name => ({ name, value: fn.env[name] })),
    ...Object.keys(fn.secretEnv).sort().map(name => ({
      name,
      valueFrom: { secretKeyRef: { name: fn.secretEnv[name].secretName, key: fn.secretEnv[name].key } },
    })),
  ];
}

/** The error for a prop a backend cannot express. */
export function unsupported(scope: string, prop: string, value: unknown, backendName: string, why: string, fix: string): ValidationError {
  return propError(scope, prop, value, `the ${backendName} backend cannot express ${prop}: ${why}`, fix);
}
