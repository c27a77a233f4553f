/**
 * Renders a ServerlessFunction as a Knative Service (serving.knative.dev/v1). Internal.
 */
import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { envVars, resourceQuantities, unsupported } from './common';
import { KnativeAutoscalerClass, KnativeBackendOptions, KnativeDomainClaims, KnativeFeatureFlags } from './options';
import { FunctionBackendConfig, ResolvedFunction } from './resolved-function';
import { placementTolerations } from '../core/placement';
import { IntegrationRoute } from '../core/runtime';
import type * as knT from '../imports/knative-serving';
import { appIndex, Slot } from '../private/app-checks';
import { propError } from '../private/errors';
import { lazyModule } from '../private/lazy';
import { mapValues } from '../private/objects';
import { hardenedKubeSecurityContext } from '../private/security-context';
import { warn } from '../private/warnings';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const kn = lazyModule((): typeof import('../imports/knative-serving') => require('../imports/knative-serving'));

/** Knative's namespace and the ConfigMap of its feature flags. */
export const KNATIVE_SERVING_NAMESPACE = 'knative-serving';
/** The ConfigMap with Knative's feature flags. */
export const KNATIVE_CONFIG_FEATURES = 'config-features';

/** Ports the queue-proxy sidecar uses; a user container must not listen on them. */
const RESERVED_PORTS = [8012, 8013, 8022, 9090, 9091];

/** Knative's default `container-concurrency-max-limit` (config-defaults). */
export const KNATIVE_MAX_CONTAINER_CONCURRENCY = 1000;

/** Knative creates a Service named after the ksvc, on this port. */
export const KNATIVE_SERVICE_PORT = 80;

/** @internal */
export function renderKnative(scope: Construct, fn: ResolvedFunction, opts: KnativeBackendOptions, backendName: string): FunctionBackendConfig {
  const cls = opts.autoscalerClass ?? KnativeAutoscalerClass.KPA;
  if (fn.gateway) {
    throw unsupported(fn.where, 'gateway', fn.gateway.routeKind, backendName, 'Knative exposes Services through its own networking layer (Kourier, Contour or Istio)',
      'drop gateway; set host to map a custom domain (a DomainMapping is emitted), or use FunctionBackend.KUBERNETES');
  }
  if (fn.triggers.length > 0) {
    throw unsupported(fn.where, 'triggers', fn.triggers.map(t => t.type), backendName,
      'Knative scales a Service on its own HTTP metrics; KEDA cannot target a Knative Service',
      'deliver events over HTTP with Knative Eventing (KafkaSource, RabbitmqSource, PingSource for cron), or use FunctionBackend.KUBERNETES for KEDA triggers');
  }
  if (fn.paths.some(p => p !== '/')) {
    throw unsupported(fn.where, 'path', fn.paths.length === 1 ? fn.paths[0] : fn.paths, backendName, 'a Knative Service is addressed by host name only',
      'drop path (serve the function at "/"), or put a gateway in front with FunctionBackend.KUBERNETES');
  }
  if (RESERVED_PORTS.includes(fn.port)) {
    throw propError(fn.where, 'port', fn.port, `Knative's queue-proxy sidecar uses ports ${RESERVED_PORTS.join(', ')}`,
      'listen on another port, e.g. 8080');
  }
  // knative/serving pkg/apis/serving/k8s_validation.go ValidateContainerConcurrency: at most
  // config-defaults container-concurrency-max-limit, "1000" by default (knative/docs
  // docs/serving/configuration/config-defaults.md).
  if (fn.concurrency !== undefined && fn.concurrency > KNATIVE_MAX_CONTAINER_CONCURRENCY) {
    throw propError(fn.where, 'concurrency', fn.concurrency, `Knative refuses a containerConcurrency above config-defaults container-concurrency-max-limit (${KNATIVE_MAX_CONTAINER_CONCURRENCY} by default)`,
      `use at most ${KNATIVE_MAX_CONTAINER_CONCURRENCY}`);
  }
  if (cls === KnativeAutoscalerClass.HPA && fn.scaleToZero) {
    throw propError(fn.where, 'scaleToZero', true, 'the Knative HPA autoscaler class cannot scale to zero',
      'use KnativeAutoscalerClass.KPA (the default), or keep warm replicas');
  }
  if (cls === KnativeAutoscalerClass.HPA && fn.concurrency !== undefined) {
    throw propError(fn.where, 'concurrency', fn.concurrency, 'the Knative HPA autoscaler class scales on CPU or memory, not concurrency',
      'use KnativeAutoscalerClass.KPA (the default)');
  }

  // Knative refuses these pod fields unless config-features enables them.
  const flags: string[] = [];
  if (fn.runtimeClassName !== undefined) flags.push('kubernetes.podspec-runtimeclassname');
  // The pod-level uid covers the queue-proxy sidecar, which Knative runs with runAsNonRoot but no
  // runAsUser (knative/serving pkg/reconciler/revision/resources/queue.go:80-90 at v1.23.0): without
  // it the pod has a container of unknown uid, which WasmPolicies' wasm-pod-security refuses.
  // Knative drops or refuses pod securityContext fields unless the flag is on
  // (pkg/apis/serving/fieldmask.go PodSecurityContextMask, k8s_validation.go:957-966).
  flags.push('kubernetes.podspec-securitycontext');
  const nodeSelector = Object.assign({}, fn.placement?.nodeLabels);
  const tolerations = placementTolerations(fn.placement);
  if (Object.keys(nodeSelector).length > 0) flags.push('kubernetes.podspec-nodeselector');
  if (tolerations.length > 0) flags.push('kubernetes.podspec-tolerations');
  requireFeatureFlags(scope, opts.featureFlags ?? KnativeFeatureFlags.WARN, flags);

  const annotations: { [key: string]: string } = {
    'autoscaling.knative.dev/class': cls,
    'autoscaling.knative.dev/min-scale': String(fn.warmReplicas),
    // Nothing asked for autoscaling: pin the warm pool (min == max), as on the other backends.
    'autoscaling.knative.dev/max-scale': String(fn.autoscales ? fn.maxReplicas : fn.warmReplicas),
  };
  if (cls === KnativeAutoscalerClass.KPA) {
    annotations['autoscaling.knative.dev/metric'] = 'concurrency';
    if (fn.concurrency !== undefined) annotations['autoscaling.knative.dev/target'] = String(fn.concurrency);
  } else {
    // The HPA class needs a resource metric; CPU of Wasm pods may stay flat (see facts: SystemdCgroup).
    annotations['autoscaling.knative.dev/metric'] = 'cpu';
    if (fn.route === IntegrationRoute.RUNWASI) {
      warn(scope, 'backend.autoscalerClass', cls, 'KnativeAutoscalerClass.HPA scales on CPU, and the CPU metrics of pods on a runwasi shim stay flat unless the shim runs with '
        + 'SystemdCgroup = true (containerd-shim-spin #180, runwasi #821), so the autoscaler may never scale out',
      'set SystemdCgroup = true in the node\'s containerd runtime options, or use KnativeAutoscalerClass.KPA (concurrency)');
    }
  }
  // Start with the warm pool; with scale to zero Knative starts one pod and then scales down.
  if (!fn.scaleToZero) annotations['autoscaling.knative.dev/initial-scale'] = String(fn.warmReplicas);
  if (opts.window) annotations['autoscaling.knative.dev/window'] = seconds(fn.where, 'window', opts.window, 6, 3600);
  if (opts.scaleDownDelay) annotations['autoscaling.knative.dev/scale-down-delay'] = seconds(fn.where, 'scaleDownDelay', opts.scaleDownDelay, 0, 3600);
  // queue-proxy is a Linux container beside the Wasm one: crun must run the pod as compat-smart.
  if (fn.route === IntegrationRoute.CRUN) annotations[fn.crunVariantAnnotation] = 'compat-smart';

  const r = resourceQuantities(fn.resources);
  const p = fn.probes;
  const container: knT.ServiceSpecTemplateSpecContainers = {
    name: 'function',
    image: fn.image,
    imagePullPolicy: 'IfNotPresent',
    command: fn.command,
    args: fn.args,
    ports: [{ containerPort: fn.port, name: 'http1' }],
    env: envVars(fn).length > 0 ? envVars(fn) as knT.ServiceSpecTemplateSpecContainersEnv[] : undefined,
    resources: {
      requests: mapValues(r.requests, v => kn.ServiceSpecTemplateSpecContainersResourcesRequests.fromString(v)),
      limits: mapValues(r.limits, v => kn.ServiceSpecTemplateSpecContainersResourcesLimits.fromString(v)),
    },
    securityContext: hardenedKubeSecurityContext(fn.uid),
    startupProbe: {
      tcpSocket: { port: kn.ServiceSpecTemplateSpecContainersStartupProbeTcpSocketPort.fromNumber(fn.port) },
      initialDelaySeconds: 0,
      periodSeconds: p.periodSeconds,
      failureThreshold: p.failureThreshold,
      timeoutSeconds: 1,
    },
  };

  const service = new kn.Service(scope, 'KnativeService', {
    metadata: { name: fn.name },
    spec: {
      template: {
        metadata: { annotations },
        spec: {
          containerConcurrency: fn.concurrency,
          automountServiceAccountToken: false,
          runtimeClassName: fn.runtimeClassName,
          nodeSelector: Object.keys(nodeSelector).length > 0 ? nodeSelector : undefined,
          tolerations: tolerations.length > 0 ? tolerations : undefined,
          securityContext: { runAsNonRoot: true, runAsUser: fn.uid, runAsGroup: fn.uid },
          containers: [container],
        },
      },
    },
  });

  const emitClaims = (opts.domainClaims ?? KnativeDomainClaims.EMIT) === KnativeDomainClaims.EMIT;
  const namespace = Chart.of(scope).namespace;
  if (emitClaims && fn.hosts.length > 0 && !namespace) {
    warn(scope, fn.hosts.length > 1 ? 'hosts' : 'host', fn.hosts.length > 1 ? fn.hosts : fn.hosts[0],
      `the chart has no namespace, so the ClusterDomainClaim for ${fn.hosts.join(', ')} names namespace "default"; Knative refuses the DomainMapping if it is applied elsewhere`,
      'give the chart a namespace');
  }
  fn.hosts.forEach((host, i) => {
    const prop = fn.hosts.length > 1 ? `hosts[${i}]` : 'host';
    if (host.startsWith('*.')) {
      throw unsupported(fn.where, prop, host, backendName, 'a DomainMapping maps one exact domain',
        'use an exact host such as "hello.example.com"');
    }
    // knative/serving pkg/apis/serving/v1beta1/domainmapping_validation.go: the name must be a fully
    // qualified domain name (at least two labels) outside the cluster-local domain.
    if (!host.includes('.') || host === 'cluster.local' || host.endsWith('.cluster.local')) {
      throw unsupported(fn.where, prop, host, backendName, 'a DomainMapping needs a fully qualified domain outside the cluster-local domain (Knative\'s webhook refuses the rest)',
        'use a public host such as "hello.example.com"; in-cluster callers use the Knative Service\'s own address');
    }
    // A DomainMapping is named after the domain it maps.
    const id = i === 0 ? 'DomainMapping' : `DomainMapping${i}`;
    new kn.DomainMapping(scope, id, {
      metadata: { name: host },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: fn.name } },
    });
    // knative/serving pkg/reconciler/domainmapping/reconciler.go: the reconciler does not serve the
    // mapping unless a ClusterDomainClaim of that name names this namespace, and creates (and, in
    // FinalizeKind, deletes) one only when config-network autocreates claims.
    if (emitClaims) {
      const claim = new ApiObject(scope, i === 0 ? 'ClusterDomainClaim' : `ClusterDomainClaim${i}`, {
        apiVersion: 'networking.internal.knative.dev/v1alpha1',
        kind: 'ClusterDomainClaim',
        metadata: { name: host },
        spec: { namespace: namespace ?? 'default' },
      });
      // Cluster-scoped: drop the namespace cdk8s copies from a namespaced chart.
      if (claim.metadata.namespace) claim.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  });
  return {
    // Knative creates a Service named after the ksvc.
    serviceName: fn.name,
    servicePort: KNATIVE_SERVICE_PORT,
    resource: service,
    routesByHost: true,
    // Knative's DomainMapping webhook and ClusterDomainClaims make a domain cluster-wide.
    claimedNames: fn.hosts.map(host => `Knative domain ${host}`),
  };
}

function seconds(where: string, prop: string, d: Duration, min: number, max: number): string {
  if (!(d instanceof Duration)) throw propError(where, prop, d, 'is not a Duration', `use e.g. Duration.seconds(${Math.max(min, 60)})`);
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max) {
    throw propError(where, prop, `${s}s`, `must be whole seconds from ${min} to ${max}`, `use e.g. Duration.seconds(${Math.max(min, 60)})`);
  }
  return `${s}s`;
}

/**
 * Makes sure the cluster enables `flags` in Knative's config-features: warns, emits one shared
 * ConfigMap per app (in the first chart that needs it), or trusts the user.
 */
function requireFeatureFlags(scope: Construct, mode: KnativeFeatureFlags, flags: string[]): void {
  if (flags.length === 0 || mode === KnativeFeatureFlags.ASSUME_ENABLED) return;
  if (mode === KnativeFeatureFlags.WARN) {
    const patch = JSON.stringify({ data: Object.fromEntries(flags.map(f => [f, 'enabled'])) });
    warn(scope, 'backend.featureFlags', mode,
      `Knative refuses ${flags.map(f => f.replace('kubernetes.podspec-', '')).join(', ')} in a Service unless ConfigMap ${KNATIVE_CONFIG_FEATURES} `
        + `(namespace ${KNATIVE_SERVING_NAMESPACE}) enables ${flags.join(', ')}`,
      `run kubectl -n ${KNATIVE_SERVING_NAMESPACE} patch configmap ${KNATIVE_CONFIG_FEATURES} --type merge -p '${patch}', `
        + 'or pass FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP }) (or ASSUME_ENABLED when the cluster already has them)');
    return;
  }
  KnativeFeaturesConfigMap.of(scope).enable(flags);
}

/** The app's `config-features` ConfigMap, once a function asks for it. */
const CONFIG_FEATURES = new Slot<{ configMap?: KnativeFeaturesConfigMap }>('the Knative config-features ConfigMap', () => ({}));

/** One `config-features` ConfigMap per app, carrying the union of the flags functions need. */
class KnativeFeaturesConfigMap extends Construct {
  public static of(scope: IConstruct): KnativeFeaturesConfigMap {
    const slot = appIndex(scope).slot(CONFIG_FEATURES);
    if (!slot.configMap) slot.configMap = new KnativeFeaturesConfigMap(Chart.of(scope), 'KnativeConfigFeatures');
    return slot.configMap;
  }

  private readonly flags = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: KNATIVE_CONFIG_FEATURES,
        namespace: KNATIVE_SERVING_NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': 'knative-serving' },
      },
      data: Lazy.any({ produce: () => Object.fromEntries([...this.flags].sort().map(f => [f, 'enabled'])) }) as any,
    });
  }

  public enable(flags: string[]): void {
    for (const f of flags) this.flags.add(f);
  }
}
