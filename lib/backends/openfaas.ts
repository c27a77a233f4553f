/**
 * Renders a ServerlessFunction as an OpenFaaS Function + Profile. Internal.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { resourceQuantities, unsupported } from './common';
import { OpenFaasBackendOptions, OpenFaasEdition } from './options';
import { FunctionBackendConfig, ResolvedFunction } from './resolved-function';
import { placementTolerations } from '../core/placement';
import { IntegrationRoute } from '../core/runtime';
import { propError } from '../private/errors';
import { lazyModule } from '../private/lazy';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const faas = lazyModule((): typeof import('../imports/openfaas') => require('../imports/openfaas'));

/** The port of the OpenFaaS watchdog, and of the Service faas-netes creates per function. */
export const OPENFAAS_FUNCTION_PORT = 8080;
/** The annotation that selects Profiles for a function. */
export const OPENFAAS_PROFILE_ANNOTATION = 'com.openfaas.profile';

/** @internal */
export function renderOpenFaas(scope: Construct, fn: ResolvedFunction, opts: OpenFaasBackendOptions, b: string): FunctionBackendConfig {
  const hasRoute = fn.gateway !== undefined;
  if (fn.triggers.length > 0) {
    throw unsupported(fn.where, 'triggers', fn.triggers.map(t => t.type), b,
      'OpenFaaS scales functions with its own autoscaler; a KEDA ScaledObject would fight it',
      'invoke the function from an OpenFaaS event connector (kafka-connector, rabbitmq-connector, cron-connector), or use FunctionBackend.KUBERNETES for KEDA triggers');
  }
  if (fn.port !== OPENFAAS_FUNCTION_PORT) {
    throw unsupported(fn.where, 'port', fn.port, b, `faas-netes routes to the watchdog port ${OPENFAAS_FUNCTION_PORT}`,
      'leave port out (8080)');
  }
  if (Object.keys(fn.secretEnv).length > 0) {
    throw unsupported(fn.where, 'secretEnv', Object.keys(fn.secretEnv), b,
      'OpenFaaS mounts secrets as files under /var/openfaas/secrets/, never as environment variables',
      'read the secret from /var/openfaas/secrets/<name> in the function and create it with faas-cli secret create, or use another backend');
  }
  if (fn.command || fn.args) {
    throw unsupported(fn.where, fn.command ? 'command' : 'args', fn.command ?? fn.args, b, 'an OpenFaaS Function runs the image\'s entrypoint',
      'bake the entrypoint into the image (ENTRYPOINT ["/app.wasm"])');
  }
  if (fn.scaleToZero && hasRoute) {
    throw unsupported(fn.where, 'gateway', 'route to the function Service', b,
      'a scaled-to-zero OpenFaaS function is woken only by requests through the OpenFaaS gateway, which a direct route bypasses',
      'drop gateway/host and call the function through the OpenFaaS gateway (/function/<name>), or keep warm replicas');
  }

  checkEdition(fn, opts);

  const minReplicas = Math.max(1, fn.warmReplicas);
  // max == min disables OpenFaaS scaling: a fixed warm pool when nothing asks for autoscaling.
  const labels: { [key: string]: string } = {
    'com.openfaas.scale.min': String(minReplicas),
    'com.openfaas.scale.max': String(fn.autoscales ? fn.maxReplicas : minReplicas),
  };
  if (fn.concurrency !== undefined) {
    labels['com.openfaas.scale.type'] = 'capacity';
    labels['com.openfaas.scale.target'] = String(fn.concurrency);
  }
  // Scale to zero is OpenFaaS Pro (autoscaler with scale-to-zero); the gateway wakes the function.
  if (fn.scaleToZero) labels['com.openfaas.scale.zero'] = 'true';

  const tolerations = placementTolerations(fn.placement);
  // The Profile carries what the Function CRD cannot: runtimeClassName, tolerations, pod security.
  // Profiles share one namespace, so the chart's namespace is part of the name.
  const chartNs = Chart.of(scope).namespace;
  const profileName = `${chartNs ? `${chartNs}-` : ''}${fn.name}-wasm`.slice(0, 63).replace(/-+$/, '');
  new faas.Profile(scope, 'OpenFaasProfile', {
    metadata: { name: profileName, namespace: opts.profileNamespace ?? 'openfaas' },
    spec: {
      runtimeClassName: fn.runtimeClassName,
      tolerations: tolerations.length > 0 ? tolerations : undefined,
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: fn.uid,
        runAsGroup: fn.uid,
        fsGroup: fn.uid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    },
  });
  const annotations: { [key: string]: string } = { [OPENFAAS_PROFILE_ANNOTATION]: profileName };
  if (fn.route === IntegrationRoute.CRUN) annotations[fn.crunVariantAnnotation] = 'compat';

  const r = resourceQuantities(fn.resources);
  const constraints = Object.entries(fn.placement?.nodeLabels ?? {}).sort().map(([k, v]) => `${k}=${v}`);
  const fnObject = new faas.Function(scope, 'OpenFaasFunction', {
    metadata: { name: fn.name },
    spec: {
      name: fn.name,
      image: fn.image,
      labels,
      annotations,
      environment: Object.keys(fn.env).length > 0 ? Object.assign({}, fn.env) : undefined,
      constraints: constraints.length > 0 ? constraints : undefined,
      requests: { cpu: r.requests.cpu, memory: r.requests.memory },
      limits: { cpu: r.limits.cpu, memory: r.limits.memory },
      readOnlyRootFilesystem: true,
    },
  });
  // faas-netes creates a Service named after the function, on the watchdog port.
  return { serviceName: fn.name, servicePort: OPENFAAS_FUNCTION_PORT, resource: fnObject };
}

/** The most replicas OpenFaaS CE runs (openfaas/faas-netes pkg/handlers/replica_reader.go MaxReplicas). */
export const OPENFAAS_CE_MAX_REPLICAS = 5;

/**
 * Refuses what the chosen OpenFaaS edition cannot run. CE's faas-netes refuses the labels in
 * openfaas/faas-netes pkg/handlers/validate.go validateScalingLabels ("... not available for
 * Community Edition", scale.min/max above MaxReplicas = 5), and runs without operator mode
 * (main.go: "-operator ... (not available in CE)", `operator := false`), so it never reads a
 * Function object or a Profile.
 */
function checkEdition(fn: ResolvedFunction, opts: OpenFaasBackendOptions): void {
  const edition = opts.edition ?? OpenFaasEdition.STANDARD;
  if (edition !== OpenFaasEdition.COMMUNITY) return;
  const ce = 'OpenFaaS Community Edition';
  const fix = 'run OpenFaaS Standard or Enterprise (FunctionBackend.openFaas({ edition: OpenFaasEdition.STANDARD })), or use another backend';
  if (fn.scaleToZero) {
    throw propError(fn.where, 'scaleToZero', true, `${ce} refuses com.openfaas.scale.zero (faas-netes validateScalingLabels: "not available for Community Edition")`, fix);
  }
  if (fn.concurrency !== undefined) {
    throw propError(fn.where, 'concurrency', fn.concurrency, `${ce} refuses com.openfaas.scale.type and com.openfaas.scale.target (faas-netes validateScalingLabels)`, fix);
  }
  const max = fn.autoscales ? fn.maxReplicas : Math.max(1, fn.warmReplicas);
  if (max > OPENFAAS_CE_MAX_REPLICAS || fn.warmReplicas > OPENFAAS_CE_MAX_REPLICAS) {
    throw propError(fn.where, fn.warmReplicas > OPENFAAS_CE_MAX_REPLICAS ? 'warmReplicas' : 'maxReplicas', Math.max(max, fn.warmReplicas),
      `${ce} runs at most ${OPENFAAS_CE_MAX_REPLICAS} replicas (faas-netes MaxReplicas; "com.openfaas.scale.max is set too high for Community Edition")`,
      `${fix}; or stay at ${OPENFAAS_CE_MAX_REPLICAS} replicas or fewer`);
  }
  throw propError(fn.where, 'backend.edition', edition,
    `${ce} has no operator mode, so it reads neither the Function objects nor the Profiles (runtimeClassName, tolerations, pod security) this backend emits`,
    `${fix}; with CE, deploy through the OpenFaaS gateway API (faas-cli deploy) instead`);
}
