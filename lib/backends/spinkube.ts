/**
 * Renders a ServerlessFunction as a SpinKube SpinApp (+ SpinAppExecutor). Internal.
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { envVars, resourceQuantities, unsupported } from './common';
import { kedaHttpScaling, renderKedaScaling } from './keda-scaling';
import { HttpAddOnApi, SpinKubeBackendOptions } from './options';
import { FunctionBackendConfig, ResolvedFunction } from './resolved-function';
import { WasmRuntime } from '../core/runtime';
import type * as spinT from '../imports/spinkube';
import { appIndex, Slot } from '../private/app-checks';
import { propError } from '../private/errors';
import { lazyModule } from '../private/lazy';
import { mapValues } from '../private/objects';
import { warn } from '../private/warnings';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const spin = lazyModule((): typeof import('../imports/spinkube') => require('../imports/spinkube'));

/** The port spin-operator's pods and Service listen on (spinapp.DefaultHTTPPort). */
export const SPINKUBE_HTTP_PORT = 80;

/** The RuntimeClass SpinAppExecutors expect (runtime-class-manager and SpinKube name it so). */
export const SPINKUBE_RUNTIME_CLASS_NAME = 'wasmtime-spin-v2';

/** Spin's built-in health endpoint, served by the runtime for every app. */
export const SPIN_HEALTH_PATH = '/.well-known/spin/health';

// Spin application variable names: lower-case letters, digits and single underscores.
const SPIN_VARIABLE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** @internal */
export function checkSpinKube(fn: ResolvedFunction, backendName: string): void {
  if (fn.placement) {
    throw unsupported(fn.where, 'placement', fn.placement.placementName, backendName,
      'SpinApp has no nodeSelector or tolerations (spin-operator builds the pods)',
      'drop placement and steer pods with the RuntimeClass\'s scheduling (RuntimeClass.wasmtimeSpinV2 with nodeSelector/tolerations), or use FunctionBackend.KUBERNETES');
  }
  if (fn.port !== SPINKUBE_HTTP_PORT) {
    throw unsupported(fn.where, 'port', fn.port, backendName, `spin-operator always serves Spin apps on port ${SPINKUBE_HTTP_PORT}`,
      'leave port out (it defaults to 80 on SpinKube)');
  }
  if (fn.command || fn.args) {
    throw unsupported(fn.where, fn.command ? 'command' : 'args', fn.command ?? fn.args, backendName, 'spin-operator starts the Spin app from its OCI artifact',
      'drop command/args; configure the app through env (Spin variables) instead');
  }
  if (fn.runtimeClassName !== undefined && fn.runtime.runtimeType !== WasmRuntime.SPIN.runtimeType) {
    throw unsupported(fn.where, 'runtimeClass', fn.runtimeClassName, backendName,
      `SpinApps need the Spin shim (containerd-shim-spin-v2), not handler "${fn.runtime.handler}"`,
      'use RuntimeClass.wasmtimeSpinV2(this, "Spin"), or leave runtimeClass out for the existing "wasmtime-spin-v2" class');
  }
  for (const name of [...Object.keys(fn.env), ...Object.keys(fn.secretEnv)]) {
    if (!SPIN_VARIABLE.test(name)) {
      throw unsupported(fn.where, `env["${name}"]`, name, backendName,
        'SpinKube passes env as Spin application variables, whose names are lower-case letters, digits and single underscores',
        `rename it to "${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '') || 'my_variable'}" and declare it in spin.toml [variables]`);
    }
  }
}

/** The name of spin-operator's sample executor (config/samples/spin-shim-executor.yaml). */
export const DEFAULT_SPIN_EXECUTOR = 'containerd-shim-spin';

interface SharedExecutor {
  readonly object: ApiObject;
  readonly settings: string;
  readonly firstUser: string;
}

/** The executors the app's SpinKube functions emitted, by namespace and name. */
const EXECUTORS = new Slot<Map<string, SharedExecutor>>('the SpinAppExecutors of SpinKube functions', () => new Map());

/**
 * The SpinAppExecutor for a function: an existing one by name, or one emitted per namespace and
 * name, shared by every function of the app that asks for the same settings.
 */
function executorFor(scope: Construct, fn: ResolvedFunction, opts: SpinKubeBackendOptions)
  : { name: string; emitted?: ApiObject; object?: ApiObject } {
  if (opts.executorName) return { name: opts.executorName };
  const name = opts.executor?.name ?? DEFAULT_SPIN_EXECUTOR;
  const runtimeClassName = fn.runtimeClassName ?? SPINKUBE_RUNTIME_CLASS_NAME;
  const installDefaultCaCerts = opts.executor?.installDefaultCaCerts ?? true;
  const chart = Chart.of(scope);
  const namespace = chart.namespace ?? '';
  const registry = appIndex(scope).slot(EXECUTORS);
  const key = `${namespace}/${name}`;
  const settings = JSON.stringify({ runtimeClassName, installDefaultCaCerts });
  const existing = registry.get(key);
  if (existing) {
    if (existing.settings !== settings) {
      throw propError(fn.where, 'backend.executor', JSON.parse(settings),
        `SpinAppExecutor "${name}" in namespace "${namespace || 'default'}" is already emitted for ${existing.firstUser} with ${existing.settings}; one executor has one set of settings`,
        'give this function the same RuntimeClass and installDefaultCaCerts, or another executor name (FunctionBackend.spinKube({ executor: { name: "spin-custom" } }))');
    }
    return { name, object: existing.object };
  }
  // In the chart, not under the function: other functions of the namespace share it.
  const object = new spin.SpinAppExecutor(chart, `SpinAppExecutor-${name}`, {
    metadata: { name },
    spec: {
      createDeployment: true,
      deploymentConfig: { runtimeClassName, installDefaultCaCerts },
    },
  });
  registry.set(key, { object, settings, firstUser: fn.where });
  return { name, emitted: object, object };
}

/** @internal */
export function renderSpinKube(scope: Construct, fn: ResolvedFunction, opts: SpinKubeBackendOptions, backendName: string): FunctionBackendConfig {
  const api = HttpAddOnApi.INTERCEPTOR_ROUTE;
  const httpScaling = kedaHttpScaling(fn, api);
  checkSpinKube(fn, backendName);
  const { name: executorName, emitted: executor, object: executorObject } = executorFor(scope, fn, opts);
  warnResourceMetricScaling(scope, fn);

  const r = resourceQuantities(fn.resources);
  const p = fn.probes;
  // Spin application variables take the shape of EnvVars.
  const variables: spinT.SpinAppSpecVariables[] = envVars(fn);
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

  // spin-operator reconciles a SpinApp against its executor: apply the executor first.
  if (executorObject && Chart.of(executorObject) === Chart.of(spinApp)) spinApp.addDependency(executorObject);
  // spin-operator creates a Service named after the app, on port 80.
  const serviceName = fn.name;
  const scaling = renderKedaScaling(scope, fn, httpScaling, api, { target: new SpinAppDeployment(fn.name), serviceName, port: SPINKUBE_HTTP_PORT });
  return Object.assign({
    serviceName,
    servicePort: SPINKUBE_HTTP_PORT,
    resource: spinApp,
    // The shared executor lives in the chart: this function answers for the one it emitted.
    sharedObjects: executor ? [executor] : undefined,
  }, scaling);
}

/**
 * KEDA cpu/memory triggers read the pods' cgroup metrics, which stay flat for Spin pods unless the
 * Spin shim (a runwasi shim) runs with SystemdCgroup = true: containerd-shim-spin #180, runwasi #821.
 */
function warnResourceMetricScaling(scope: Construct, fn: ResolvedFunction): void {
  const resource = fn.triggers.filter(t => t.type === 'cpu' || t.type === 'memory').map(t => t.type);
  if (resource.length === 0) return;
  const kinds = [...new Set(resource)];
  warn(scope, 'triggers', kinds, `${kinds.join('/')}-based scaling of SpinApp ${fn.name}: the CPU and memory metrics of Spin pods stay flat unless `
    + 'containerd-shim-spin runs with SystemdCgroup = true (containerd-shim-spin #180, runwasi #821), so the autoscaler may never scale out',
  'set SystemdCgroup = true in the node\'s containerd runtime options for the spin runtime, '
    + 'or prefer request-rate scaling (concurrency, through the KEDA HTTP add-on) or queue-based scaling (KedaTrigger.kafka, KedaTrigger.rabbitmq)');
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
