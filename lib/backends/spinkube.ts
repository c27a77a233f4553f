/**
 * Renders a ServerlessFunction as a SpinKube SpinApp (+ SpinAppExecutor). Internal.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import * as spin from '../imports/spinkube';
import { WasmRuntime } from '../runtime';
import { ResolvedFunction, resourceQuantities } from './common';
import { unsupported } from './function-backend';

/** The port spin-operator's pods and Service listen on (spinapp.DefaultHTTPPort). */
export const SPINKUBE_HTTP_PORT = 80;

/** Spin's built-in health endpoint, served by the runtime for every app. */
export const SPIN_HEALTH_PATH = '/.well-known/spin/health';

// Spin application variable names: lower-case letters, digits and single underscores.
const SPIN_VARIABLE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** What a SpinKube function renders to. */
export interface SpinKubeRendering {
  readonly spinApp: ApiObject;
  readonly executor?: ApiObject;
  /** The Deployment spin-operator creates, as a scale target for KEDA. */
  readonly scaleTarget: kplus.IScalable;
}

/** @internal */
export function checkSpinKube(fn: ResolvedFunction): void {
  if (fn.placement) {
    throw unsupported(fn.where, 'placement', fn.placement.placementName, fn.backend,
      'SpinApp has no nodeSelector or tolerations (spin-operator builds the pods)',
      'drop placement and steer pods with the RuntimeClass\'s scheduling (RuntimeClass.wasmtimeSpinV2 with nodeSelector/tolerations), or use FunctionBackend.KUBERNETES');
  }
  if (fn.port !== SPINKUBE_HTTP_PORT) {
    throw unsupported(fn.where, 'port', fn.port, fn.backend, `spin-operator always serves Spin apps on port ${SPINKUBE_HTTP_PORT}`,
      'leave port out (it defaults to 80 on SpinKube)');
  }
  if (fn.command || fn.args) {
    throw unsupported(fn.where, fn.command ? 'command' : 'args', fn.command ?? fn.args, fn.backend, 'spin-operator starts the Spin app from its OCI artifact',
      'drop command/args; configure the app through env (Spin variables) instead');
  }
  if (fn.runtimeClass && fn.runtimeClass.runtime.runtimeType !== WasmRuntime.SPIN.runtimeType) {
    throw propErrorRuntime(fn);
  }
  for (const name of [...Object.keys(fn.env), ...Object.keys(fn.secretEnv)]) {
    if (!SPIN_VARIABLE.test(name)) {
      throw unsupported(fn.where, `env["${name}"]`, name, fn.backend,
        'SpinKube passes env as Spin application variables, whose names are lower-case letters, digits and single underscores',
        `rename it to "${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '') || 'my_variable'}" and declare it in spin.toml [variables]`);
    }
  }
}

function propErrorRuntime(fn: ResolvedFunction): Error {
  return unsupported(fn.where, 'runtimeClass', fn.runtimeClass!.runtimeClassName, fn.backend,
    `SpinApps need the Spin shim (containerd-shim-spin-v2), not handler "${fn.runtimeClass!.runtime.handler}"`,
    'use RuntimeClass.wasmtimeSpinV2(this, "Spin"), or leave runtimeClass out for the existing "wasmtime-spin-v2" class');
}

/** @internal */
export function renderSpinKube(scope: Construct, fn: ResolvedFunction): SpinKubeRendering {
  checkSpinKube(fn);
  const opts = fn.backend.spinKubeOptions ?? {};
  let executor: ApiObject | undefined;
  let executorName = opts.executorName;
  if (!executorName) {
    executorName = `${fn.name}-executor`.slice(0, 63).replace(/-+$/, '');
    executor = new spin.SpinAppExecutor(scope, 'SpinAppExecutor', {
      metadata: { name: executorName },
      spec: {
        createDeployment: true,
        deploymentConfig: { runtimeClassName: fn.runtimeClass?.runtimeClassName ?? 'wasmtime-spin-v2' },
      },
    });
  }

  const r = resourceQuantities(fn.resources);
  const p = fn.probes;
  const variables: spin.SpinAppSpecVariables[] = [
    ...Object.keys(fn.env).sort().map(name => ({ name, value: fn.env[name] })),
    ...Object.keys(fn.secretEnv).sort().map(name => ({
      name, valueFrom: { secretKeyRef: { name: fn.secretEnv[name].secretName, key: fn.secretEnv[name].key } },
    })),
  ];
  const spinApp = new spin.SpinApp(scope, 'SpinApp', {
    metadata: { name: fn.name },
    spec: {
      image: fn.image,
      executor: executorName,
      // An autoscaler (KEDA) owns the replica count of the Deployment spin-operator creates.
      replicas: fn.autoscales ? undefined : fn.warmReplicas,
      enableAutoscaling: fn.autoscales ? true : undefined,
      resources: {
        requests: mapValues(r.requests, v => spin.SpinAppSpecResourcesRequests.fromString(v)),
        limits: mapValues(r.limits, v => spin.SpinAppSpecResourcesLimits.fromString(v)),
      },
      variables: variables.length > 0 ? variables : undefined,
      checks: {
        // Ready as soon as the runtime answers; liveness only starts once the cold-start budget is spent.
        readiness: {
          httpGet: { path: SPIN_HEALTH_PATH },
          initialDelaySeconds: 0,
          periodSeconds: p.periodSeconds,
          failureThreshold: p.failureThreshold,
          timeoutSeconds: 1,
        },
        liveness: {
          httpGet: { path: SPIN_HEALTH_PATH }, initialDelaySeconds: p.budgetSeconds, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1,
        },
      },
    },
  });

  const scaleTarget = new SpinAppDeployment(fn.name);
  return { spinApp, executor, scaleTarget };
}

function mapValues<T>(m: { [k: string]: string }, f: (v: string) => T): { [k: string]: T } | undefined {
  const keys = Object.keys(m);
  if (keys.length === 0) return undefined;
  const out: { [k: string]: T } = {};
  for (const k of keys) out[k] = f(m[k]);
  return out;
}

/** The Deployment spin-operator creates for a SpinApp (same name): what KEDA scales. */
class SpinAppDeployment implements kplus.IScalable {
  public hasAutoscaler = false;
  constructor(private readonly name: string) {}
  public markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }
  public toScalingTarget(): kplus.ScalingTarget {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name, containers: [] };
  }
}
