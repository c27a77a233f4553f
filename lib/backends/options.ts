/**
 * The options of the built-in backends (`FunctionBackend.kubernetes()`, `knative()`, `spinKube()`,
 * `openFaas()`), read by their renderers.
 */
import { Duration } from 'cdk8s';

/** Which API of the KEDA HTTP add-on routes and scales HTTP traffic. */
export enum HttpAddOnApi {
  /**
   * `InterceptorRoute` (http.keda.sh/v1beta1) plus a KEDA `ScaledObject` with the add-on's
   * `external-push` trigger: the current API (add-on v0.14+), and the only one that combines HTTP
   * scaling with event triggers (Kafka, RabbitMQ, cron) in one ScaledObject.
   *
   * @see https://keda.sh/http-add-on/0.16/user-guide/autoscale-an-app/
   */
  INTERCEPTOR_ROUTE = 'interceptor-route',

  /**
   * `HTTPScaledObject` (http.keda.sh/v1alpha1), deprecated since add-on v0.14: the add-on creates
   * the ScaledObject itself, so event triggers cannot be added.
   *
   * @see https://keda.sh/http-add-on/0.14/reference/httpscaledobject/
   */
  HTTP_SCALED_OBJECT = 'http-scaled-object',
}

/** How a Knative function gets the `config-features` flags it needs (runtimeClassName, nodeSelector, tolerations). */
export enum KnativeFeatureFlags {
  /**
   * Emit nothing; a synth warning names the flags and the `kubectl patch` command that enables them.
   */
  WARN = 'warn',

  /**
   * Emit the `config-features` ConfigMap (namespace `knative-serving`) carrying only these flags.
   * Applying it replaces the ConfigMap's data written by Knative's installer (client-side apply
   * drops the keys it does not list; server-side apply takes ownership of just these keys): prefer
   * server-side apply, or let the Knative Operator own the ConfigMap.
   */
  EMIT_CONFIG_MAP = 'emit-config-map',

  /** The cluster already enables the flags (e.g. through the Knative Operator): emit and warn nothing. */
  ASSUME_ENABLED = 'assume-enabled',
}

/** Knative's autoscaler implementation (`autoscaling.knative.dev/class`). */
export enum KnativeAutoscalerClass {
  /** The Knative Pod Autoscaler: concurrency or RPS, and scale to zero. */
  KPA = 'kpa.autoscaling.knative.dev',
  /** The Kubernetes HPA (CPU or memory): no scale to zero. */
  HPA = 'hpa.autoscaling.knative.dev',
}

/**
 * Whether a Knative function's custom domains get a `ClusterDomainClaim`.
 *
 * Knative's DomainMapping reconciler refuses a domain unless a ClusterDomainClaim
 * (networking.internal.knative.dev/v1alpha1, cluster-scoped) names the DomainMapping's namespace,
 * and creates that claim itself only when `config-network` sets
 * `autocreate-cluster-domain-claims: "true"` (`autocreateClusterDomainClaims` in older releases;
 * false by default since Knative 0.24, true in some distributions' operators).
 *
 * @see https://knative.dev/docs/serving/services/custom-domains/
 */
export enum KnativeDomainClaims {
  /**
   * Emit one ClusterDomainClaim per host (named after the host, `spec.namespace` = the function's
   * namespace). Applying it needs cluster-scoped rights.
   */
  EMIT = 'emit',

  /** The cluster sets `autocreate-cluster-domain-claims: "true"`: emit no claim. */
  CLUSTER_AUTOCREATES = 'cluster-autocreates',
}

/**
 * The OpenFaaS edition that runs the functions, in OpenFaaS's terms.
 *
 * @see https://docs.openfaas.com/openfaas-pro/introduction/
 */
export enum OpenFaasEdition {
  /**
   * OpenFaaS Community Edition (CE): faas-netes without operator mode, so no Function CRD and no
   * Profiles, which is everything this backend emits; it also refuses the
   * `com.openfaas.scale.zero`, `scale.target` and `scale.type` labels and more than 5 replicas.
   * Choosing it makes the library refuse the function with the reasons.
   */
  COMMUNITY = 'community',

  /** OpenFaaS Standard: the operator (Function CRD), Profiles, the autoscaler with scale to zero. */
  STANDARD = 'standard',

  /** OpenFaaS for Enterprises: everything Standard has. */
  ENTERPRISE = 'enterprise',
}

/** Options of the SpinAppExecutor a SpinKube function emits. */
export interface SpinAppExecutorOptions {
  /**
   * The executor's name. Functions of one namespace that use the same name share one executor; they
   * must agree on its settings.
   *
   * @default 'containerd-shim-spin' (spin-operator's sample executor)
   */
  readonly name?: string;

  /**
   * `deploymentConfig.installDefaultCACerts`: spin-operator creates a Secret `spin-ca` with a CA
   * bundle and mounts it at `/etc/ssl/certs/ca-certificates.crt`, so outbound HTTPS from the Spin app
   * can verify servers. spin-operator's own default is false (no bundle).
   *
   * @default true (as spin-operator's sample executor)
   */
  readonly installDefaultCaCerts?: boolean;
}

/** Options of `FunctionBackend.kubernetes()`. */
export interface KubernetesBackendOptions {
  /**
   * The KEDA HTTP add-on API used when the function scales on HTTP traffic or to zero.
   *
   * @default HttpAddOnApi.INTERCEPTOR_ROUTE
   */
  readonly httpAddOnApi?: HttpAddOnApi;
}

/** Options of `FunctionBackend.knative()`. */
export interface KnativeBackendOptions {
  /**
   * How the `config-features` flags get enabled.
   *
   * @default KnativeFeatureFlags.WARN
   */
  readonly featureFlags?: KnativeFeatureFlags;

  /**
   * `autoscaling.knative.dev/class`.
   *
   * @default KnativeAutoscalerClass.KPA
   */
  readonly autoscalerClass?: KnativeAutoscalerClass;

  /**
   * `autoscaling.knative.dev/window`: the stable window the KPA averages over (6s to 1h).
   *
   * @default - the cluster's `stable-window` (60s)
   */
  readonly window?: Duration;

  /**
   * `autoscaling.knative.dev/scale-down-delay`: how long demand must stay low before replicas are
   * removed (0s to 1h); keeps pods warm across short lulls.
   *
   * @default - the cluster's `scale-down-delay` (0s)
   */
  readonly scaleDownDelay?: Duration;

  /**
   * Whether custom domains (`host`/`hosts`) get a ClusterDomainClaim.
   *
   * @default KnativeDomainClaims.EMIT
   */
  readonly domainClaims?: KnativeDomainClaims;
}

/** Options of `FunctionBackend.spinKube()`. */
export interface SpinKubeBackendOptions {
  /**
   * Name of an existing SpinAppExecutor to use; none is emitted. Excludes `executor`.
   *
   * @default - an emitted executor (see `executor`)
   */
  readonly executorName?: string;

  /**
   * The SpinAppExecutor to emit: one per namespace and name, shared by the functions that use it,
   * with `createDeployment: true` and the function's RuntimeClass.
   *
   * @default - `containerd-shim-spin` with installDefaultCACerts
   */
  readonly executor?: SpinAppExecutorOptions;
}

/** Options of `FunctionBackend.openFaas()`. */
export interface OpenFaasBackendOptions {
  /**
   * The namespace of the OpenFaaS core components, where faas-netes reads Profiles.
   *
   * @default 'openfaas'
   */
  readonly profileNamespace?: string;

  /**
   * The OpenFaaS edition of the cluster. What this backend emits (a Function in operator mode and a
   * Profile) needs OpenFaaS Standard or Enterprise.
   *
   * @default OpenFaasEdition.STANDARD
   */
  readonly edition?: OpenFaasEdition;
}
