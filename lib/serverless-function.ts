import { ApiObject, Chart, Duration, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DEFAULT_FUNCTION_PORT, probeTiming } from './backends/common';
import { FunctionBackend, FunctionBackendConfig, IFunctionWorkloads, ResolvedFunction } from './backends/function-backend';
import { IWasmPlacement } from './core/placement';
import { IntegrationRoute } from './core/runtime';
import { IRuntimeClass } from './core/runtime-class-ref';
import { appIndex } from './private/app-checks';
import { NAME_CLAIMER, objectsUnder, serviceClaim } from './private/app-checks/functions';
import { checkImage, checkRunwasiEntrypoint } from './private/containers';
import { checkNoCredential, isCredentialKey } from './private/credentials';
import { checkDns1123Subdomain, checkInt, propError } from './private/errors';
import { checkList, checkPlacementShape, checkString, checkStringMap } from './private/function-checks';
import { wasmResources } from './private/resources';
import { checkAnnotations, checkDns1035Label, checkNumber, checkPort } from './private/validate';
import { FunctionRoute, routeHosts, routePaths } from './routing/function-route';
import { Gateway, TraefikMiddlewareRef } from './routing/gateway';
import { InterceptorAccess, RouteBackend } from './routing/route-backend';
import { RuntimeClass } from './runtime-class';
import { KedaHttpScaledObject, KedaInterceptorRoute } from './scaling/http';
import { KedaScaledObject } from './scaling/keda';
import { KedaTrigger } from './scaling/keda-trigger';
import { CRUN_VARIANT_ANNOTATION, DEFAULT_WASM_UID, WasmDeployment } from './wasm-deployment';

/** A key of a Kubernetes Secret, for an environment variable. */
export interface FunctionSecretRef {
  /** The Secret's name (same namespace as the function). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/** Props of a ServerlessFunction. */
export interface ServerlessFunctionProps {
  /** The OCI image of the Wasm function (usually `FROM scratch`, platform `wasi/wasm`). */
  readonly image: string;

  /**
   * Name of the function's objects (workload, Service, autoscaler). Every backend creates a Service
   * of this name, so it is a DNS-1035 label: lower-case letters, digits and "-", starting with a
   * letter, at most 63 characters. Two functions of one namespace cannot share it.
   *
   * @default - generated from the construct path (characters a DNS label cannot hold become `-`; prefixed with `fn-` when the path starts with a digit)
   */
  readonly name?: string;

  /**
   * The platform that runs the function.
   *
   * @default FunctionBackend.KUBERNETES
   */
  readonly backend?: FunctionBackend;

  /**
   * The RuntimeClass of the function's pods.
   *
   * @default - the `wasmedge` class K3s creates (`RuntimeClass.fromK3s`); on SpinKube the existing
   * `wasmtime-spin-v2` class
   */
  readonly runtimeClass?: IRuntimeClass;

  /**
   * The port the function listens on (WASI sockets).
   *
   * @default 8080 (80 on SpinKube, where spin-operator fixes it)
   */
  readonly port?: number;

  /**
   * Entrypoint (runwasi shims need an absolute path, e.g. `["/app.wasm"]`).
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments.
   *
   * @default - the image's
   */
  readonly args?: string[];

  /**
   * The gateway that exposes the function outside the cluster.
   *
   * @default - no route: reachable in the cluster only
   */
  readonly gateway?: Gateway;

  /**
   * The host name the function serves. Required when the function scales on HTTP traffic through the
   * KEDA HTTP add-on, whose interceptor routes by Host header (in-cluster callers may send the
   * Service name). On Knative it becomes a DomainMapping. Shortcut for `hosts: [host]`.
   *
   * @default - every host (unless `hosts` is given)
   */
  readonly host?: string;

  /**
   * The host names the function serves (any of them), in every gateway route and HTTP add-on
   * object; on Knative one DomainMapping each. Excludes `host`.
   *
   * @default - `[host]` when `host` is given, else every host
   */
  readonly hosts?: string[];

  /**
   * The URL path prefix the function serves. Shortcut for `paths: [path]`.
   *
   * @default '/' (unless `paths` is given)
   */
  readonly path?: string;

  /**
   * The URL path prefixes the function serves (any of them). Excludes `path`.
   *
   * @default - `[path]`, i.e. `['/']` when neither is given
   */
  readonly paths?: string[];

  /**
   * Annotations of the gateway route object (IngressRoute, Ingress or HTTPRoute). Needs `gateway`.
   *
   * @default - none
   */
  readonly routeAnnotations?: { [key: string]: string };

  /**
   * Traefik Middlewares applied to the route (IngressRoute `routes[].middlewares`). Needs a
   * `Gateway.traefik()` gateway.
   *
   * @default - none
   */
  readonly middlewares?: TraefikMiddlewareRef[];

  /**
   * How the gateway route reaches the KEDA HTTP interceptor (namespace `keda`) when traffic goes
   * through it. Ignored otherwise.
   *
   * @default InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE
   */
  readonly interceptorAccess?: InterceptorAccess;

  /**
   * Pre-warm: replicas kept running so requests never wait for a cold start; the autoscaler's
   * floor. Excludes `scaleToZero`.
   *
   * @default 1 (0 with scaleToZero)
   */
  readonly warmReplicas?: number;

  /**
   * Scale to zero when idle: through the KEDA HTTP add-on for HTTP traffic (requests wait in the
   * interceptor while a pod starts), or KEDA event triggers with a minimum of 0; natively on Knative;
   * OpenFaaS Pro's scale to zero on OpenFaaS.
   *
   * @default false
   */
  readonly scaleToZero?: boolean;

  /**
   * The most replicas. Setting it makes the function autoscale (on HTTP concurrency, unless
   * triggers are given).
   *
   * @default - the larger of 10 and `warmReplicas` when the function autoscales (scaleToZero,
   * concurrency or triggers); otherwise no autoscaling and a fixed `warmReplicas`
   */
  readonly maxReplicas?: number;

  /**
   * Target concurrent requests per replica: the KEDA HTTP add-on's concurrency target, Knative's
   * `containerConcurrency` (a hard limit) and target, OpenFaaS's `capacity` scaling target.
   *
   * @default - the platform's default (HTTP add-on 100, Knative unlimited with a soft target of 100,
   * OpenFaaS requests per second)
   */
  readonly concurrency?: number;

  /**
   * How long a cold start may take before the pod counts as failed (and, with the HTTP add-on, how
   * long the interceptor holds a request for a pod to become ready). The startup probe runs every
   * second up to a 30 s budget (stretched beyond) and fails after the budget.
   *
   * @default Duration.seconds(30)
   */
  readonly coldStartBudget?: Duration;

  /**
   * KEDA event triggers (Kafka, RabbitMQ, cron, Prometheus, ...). MQTT has no KEDA scaler:
   * `KedaTrigger.mqtt()` throws and explains the alternatives. Combined with HTTP scaling in one
   * ScaledObject when the function also scales on HTTP traffic.
   *
   * @default - none
   */
  readonly triggers?: KedaTrigger[];

  /**
   * Resources of the function container: CPU in whole millicores, memory in whole MiB, ephemeral
   * storage in whole GiB (what cdk8s-plus can write).
   *
   * @default - Wasm-sized: requests 50m CPU / 10Mi, limits 200m CPU / 50Mi (`WasmDeployment.DEFAULT_RESOURCES`)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Plain environment variables. No secrets: names that look like credentials are refused; use
   * `secretEnv`. On SpinKube they become Spin application variables.
   *
   * @default - none
   */
  readonly env?: { [name: string]: string };

  /**
   * Environment variables read from Secrets (by reference, never inline).
   *
   * @default - none
   */
  readonly secretEnv?: { [name: string]: FunctionSecretRef };

  /**
   * Nodes or node group to run on.
   *
   * @default - anywhere the RuntimeClass's scheduling allows
   */
  readonly placement?: IWasmPlacement;
}

/**
 * One Wasm function: the workload on the chosen backend (a WasmDeployment with WASI networking by
 * default), its Service, a gateway route, and the autoscaler (KEDA HTTP add-on for HTTP traffic and
 * scale to zero, KEDA event triggers), with probes tuned to a cold-start budget and a hardened,
 * non-root security context.
 *
 * @see https://keda.sh/http-add-on/0.15/
 */
export class ServerlessFunction extends Construct {
  /** Default cold-start budget. */
  public static readonly DEFAULT_COLD_START_BUDGET = Duration.seconds(30);
  /** Default autoscaling ceiling. */
  public static readonly DEFAULT_MAX_REPLICAS = 10;
  /** Default port (except SpinKube). */
  public static readonly DEFAULT_PORT = DEFAULT_FUNCTION_PORT;

  /** Name of the function's objects. */
  public readonly functionName: string;
  /** The function's Wasm image (on every backend: the policies and image verification read it). */
  public readonly image: string;
  /** How long a cold start may take (the probes and the alerts read it). */
  public readonly coldStartBudget: Duration;
  /** The host names the function serves (empty: every host). */
  public readonly hosts: string[];
  /** The URL path prefixes the function serves. */
  public readonly paths: string[];
  /** The platform. */
  public readonly backend: FunctionBackend;
  /** The Service in-cluster callers use (created by this library on Kubernetes, by the platform otherwise). */
  public readonly serviceName: string;
  /** That Service's port. */
  public readonly servicePort: number;
  /** Replicas kept warm (0 with scale to zero). */
  public readonly warmReplicas: number;
  /** The autoscaling ceiling (equals warmReplicas when the function does not autoscale). */
  public readonly maxReplicas: number;
  /** Whether the function scales to zero. */
  public readonly scalesToZero: boolean;
  /** Whether HTTP traffic goes through the KEDA HTTP interceptor. */
  public readonly routesThroughInterceptor: boolean;
  /** The WasmDeployment (Kubernetes backend). */
  public readonly deployment?: WasmDeployment;
  /** The Service (Kubernetes backend). */
  public readonly service?: kplus.Service;
  /** The platform's main object: Knative Service, SpinApp or OpenFaaS Function (undefined on Kubernetes). */
  public readonly resource?: ApiObject;
  /** The gateway route, if any. */
  public readonly route?: FunctionRoute;
  /** The KEDA ScaledObject, if any. */
  public readonly scaledObject?: KedaScaledObject;
  /** The KEDA HTTP add-on InterceptorRoute, if any. */
  public readonly interceptorRoute?: KedaInterceptorRoute;
  /** The KEDA HTTP add-on HTTPScaledObject (HttpAddOnApi.HTTP_SCALED_OBJECT), if any. */
  public readonly httpScaledObject?: KedaHttpScaledObject;

  constructor(scope: Construct, id: string, props: ServerlessFunctionProps) {
    super(scope, id);
    const where = this.node.path;
    if (!props || typeof props !== 'object') throw propError(where, 'props', props, 'are required', 'pass at least { image }');
    const backend = props.backend ?? FunctionBackend.KUBERNETES;
    if (!(backend instanceof FunctionBackend)) {
      throw propError(where, 'backend', backend, 'is not a FunctionBackend', 'use FunctionBackend.KUBERNETES, knative(), spinKube() or openFaas()');
    }
    this.backend = backend;
    const workloads = new FunctionWorkloads();
    const fn = resolve(this, props, backend, workloads);
    this.functionName = fn.name;
    this.image = fn.image;
    this.coldStartBudget = props.coldStartBudget ?? ServerlessFunction.DEFAULT_COLD_START_BUDGET;
    this.hosts = fn.hosts;
    this.paths = fn.paths;
    this.warmReplicas = fn.warmReplicas;
    this.maxReplicas = fn.autoscales ? fn.maxReplicas : fn.warmReplicas;
    this.scalesToZero = fn.scaleToZero;

    const config: FunctionBackendConfig = backend.bind(this, fn);
    this.deployment = workloads.deployment;
    this.service = config.service;
    this.resource = config.resource;
    this.serviceName = config.serviceName;
    this.servicePort = config.servicePort;
    this.scaledObject = config.scaledObject;
    this.interceptorRoute = config.interceptorRoute;
    this.httpScaledObject = config.httpScaledObject;
    const httpScaling = config.routesThroughInterceptor ?? false;
    this.routesThroughInterceptor = httpScaling;

    // Hosts and paths take effect in a gateway route, the HTTP interceptor's routing table or a
    // Knative DomainMapping; anywhere else they would be dropped without a word.
    const pathsGiven = props.path !== undefined || props.paths !== undefined;
    if (!props.gateway && !httpScaling && !config.routesByHost && (fn.hosts.length > 0 || pathsGiven)) {
      throw propError(this, fn.hosts.length > 0 ? 'host' : 'path', fn.hosts.length > 0 ? fn.hosts : fn.paths,
        `nothing routes by it: without a gateway the ${backend.displayName} backend serves only the Service ${fn.name}, and the KEDA HTTP interceptor routes only scale-to-zero or concurrency-scaled functions`,
        'set gateway (e.g. Gateway.traefik()), set scaleToZero or concurrency to route through the KEDA HTTP interceptor, or drop host/path');
    }
    if (!props.gateway && (Object.keys(props.routeAnnotations ?? {}).length > 0 || (props.middlewares ?? []).length > 0)) {
      const annotated = Object.keys(props.routeAnnotations ?? {}).length > 0;
      throw propError(this, annotated ? 'routeAnnotations' : 'middlewares', annotated ? props.routeAnnotations : props.middlewares,
        'without a gateway the function has no route to carry them', 'set gateway (e.g. Gateway.traefik()), or drop them');
    }
    if (props.gateway) {
      const routeBackend = httpScaling
        ? RouteBackend.kedaHttpInterceptor({ access: props.interceptorAccess })
        : RouteBackend.service(this.serviceName, this.servicePort);
      this.route = new FunctionRoute(this, 'Route', {
        gateway: props.gateway,
        backend: routeBackend,
        hosts: fn.hosts,
        pathPrefixes: fn.paths,
        name: fn.name,
        annotations: props.routeAnnotations,
        middlewares: props.middlewares,
      });
    }

    // Every backend creates a Service named after the function (ours on Kubernetes; Knative,
    // spin-operator and faas-netes their own): two functions of one namespace cannot share a name.
    const names = (config.claimedNames ?? []).map(what => ({ key: what, what }));
    if (!config.service) names.push(serviceClaim(Chart.of(this).namespace ?? '', config.serviceName, backend.displayName));
    const shared = config.sharedObjects ?? [];
    const route = this.route;
    appIndex(this).add(NAME_CLAIMER, {
      scope: this,
      objects: () => [...objectsUnder(this, route), ...shared],
      names,
      fix: 'give each function its own name (and host) in a namespace',
    });
  }
}

/** The WasmDeployment a backend builds through ServerlessFunction (the backends sit below the named constructs). */
interface WorkloadSettings {
  readonly name: string;
  readonly runtimeClass: IRuntimeClass;
  readonly warmReplicas: number;
  readonly placement?: IWasmPlacement;
}

class FunctionWorkloads implements IFunctionWorkloads {
  public deployment?: WasmDeployment;
  private fn?: WorkloadSettings;

  /** What every WasmDeployment of the function is made of (set once the props are resolved). */
  public configure(fn: WorkloadSettings): void {
    this.fn = fn;
  }

  public addWasmDeployment(scope: Construct, id: string, container: kplus.ContainerProps): kplus.Deployment {
    const fn = this.fn!;
    const deployment = new WasmDeployment(scope, id, {
      metadata: { name: fn.name },
      runtimeClass: fn.runtimeClass,
      wasiNetworking: true,
      warmReplicas: fn.warmReplicas,
      placement: fn.placement,
      wasmContainers: [container],
    });
    this.deployment = deployment;
    return deployment;
  }
}

/** Checks and defaults the props into what every backend renders from. */
function resolve(scope: ServerlessFunction, props: ServerlessFunctionProps, backend: FunctionBackend,
  workloads: FunctionWorkloads): ResolvedFunction {
  const where = scope.node.path;
  checkString(where, 'image', props.image, 'ghcr.io/acme/hello-wasm:1.0.0');
  checkImage(where, props.image);
  checkString(where, 'name', props.name, 'hello');
  checkString(where, 'host', props.host, 'hello.example.com');
  checkString(where, 'path', props.path, '/api');
  checkList(where, 'hosts', props.hosts, '["hello.example.com"]');
  checkList(where, 'paths', props.paths, '["/api"]');
  checkList(where, 'middlewares', props.middlewares, '[{ name: "strip-prefix" }]');
  checkStringMap(where, 'routeAnnotations', props.routeAnnotations, '{ "example.com/team": "edge" }');
  checkPlacementShape(where, 'placement', props.placement);
  if (props.resources !== undefined && (props.resources === null || typeof props.resources !== 'object')) {
    throw propError(where, 'resources', props.resources, 'is not a ContainerResources', 'use e.g. { cpu: { limit: kplus.Cpu.millis(200) } }');
  }
  for (const p of ['port', 'warmReplicas', 'maxReplicas', 'concurrency'] as const) {
    if (props[p] !== undefined && typeof props[p] !== 'number') throw propError(where, p, props[p], 'is not a number', `write ${p} as a number`);
  }
  let name = props.name;
  if (name === undefined) {
    // A Service name must start with a letter (DNS-1035); a construct path may start with a digit.
    // Names.toDnsLabel keeps "_" of construct ids ("Hello_World"), which no DNS label allows
    // (cdk8s lib/names.js:147 normalizeToDnsName removes only characters outside [-_.0-9a-zA-Z]).
    const generated = Names.toDnsLabel(scope, { maxLen: 50 }).replace(/[^a-z0-9-]/g, '-');
    name = /^[a-z]/.test(generated) ? generated : `fn-${generated}`;
  }
  // k8s.io/kubernetes pkg/apis/core/validation ValidateServiceName (DNS-1035): every backend
  // creates a Service of this name, so "1abc" is refused by the API server on all four.
  checkDns1035Label(where, 'name', name);

  const port = props.port ?? backend.defaultPort;
  checkPort(where, 'port', port);

  const scaleToZero = props.scaleToZero ?? false;
  if (scaleToZero && props.warmReplicas !== undefined && props.warmReplicas > 0) {
    throw propError(where, 'warmReplicas', props.warmReplicas, 'pre-warmed replicas and scaleToZero exclude each other',
      'drop warmReplicas to scale to zero when idle, or drop scaleToZero to keep replicas warm');
  }
  const warmReplicas = props.warmReplicas ?? (scaleToZero ? 0 : 1);
  checkNumber(where, 'warmReplicas', warmReplicas, { integer: true, min: 0, max: MAX_REPLICAS });
  if (!scaleToZero && warmReplicas === 0) {
    throw propError(where, 'warmReplicas', 0, 'zero warm replicas means scaling to zero',
      'set scaleToZero: true (so something wakes the function), or keep at least 1 warm replica');
  }
  const triggers = props.triggers ?? [];
  if (!Array.isArray(triggers)) {
    throw propError(where, 'triggers', triggers, 'is not a list of KedaTriggers', 'use e.g. triggers: [KedaTrigger.kafka({ ... })]');
  }
  triggers.forEach((t, i) => {
    if (!(t instanceof KedaTrigger)) {
      throw propError(where, `triggers[${i}]`, t, 'is not a KedaTrigger', 'build triggers with KedaTrigger.kafka(), rabbitmq(), cron(), prometheus(), ...');
    }
  });
  if (props.concurrency !== undefined) checkInt(where, 'concurrency', props.concurrency, 1, 1000000);
  if (props.scaleToZero !== undefined && typeof props.scaleToZero !== 'boolean') {
    throw propError(where, 'scaleToZero', props.scaleToZero, 'is not a boolean', 'use true or false');
  }
  const autoscales = scaleToZero || props.concurrency !== undefined || triggers.length > 0 || props.maxReplicas !== undefined;
  const maxReplicas = props.maxReplicas ?? Math.max(ServerlessFunction.DEFAULT_MAX_REPLICAS, warmReplicas);
  // Replica counts are int32 in every autoscaler API (KEDA ScaledObject maxReplicaCount, HPA maxReplicas).
  checkNumber(where, 'maxReplicas', maxReplicas, { integer: true, min: 1, max: MAX_REPLICAS });
  if (maxReplicas < warmReplicas) {
    throw propError(where, 'maxReplicas', maxReplicas, `is below warmReplicas=${warmReplicas}`,
      `raise maxReplicas to at least ${warmReplicas}, or lower warmReplicas`);
  }

  const budget = props.coldStartBudget ?? ServerlessFunction.DEFAULT_COLD_START_BUDGET;
  if (!(budget instanceof Duration)) {
    throw propError(where, 'coldStartBudget', budget, 'is not a Duration', 'use e.g. Duration.seconds(5)');
  }
  const budgetMs = budget.toMilliseconds({ integral: false });
  if (!(budgetMs > 0) || budgetMs > 3600000) {
    throw propError(where, 'coldStartBudget', `${budgetMs}ms`, 'must be more than 0 and at most 1 hour',
      'use e.g. Duration.seconds(5) for a Wasm function (they start in milliseconds)');
  }

  const hosts = routeHosts(where, props.gateway, 'host', props.host, 'hosts', props.hosts);
  const paths = routePaths(where, 'path', props.path, 'paths', props.paths);
  checkAnnotations(where, 'routeAnnotations', props.routeAnnotations);

  if (props.env !== undefined && (props.env === null || typeof props.env !== 'object' || Array.isArray(props.env))) {
    throw propError(where, 'env', props.env, 'is not a map of variable names to values', 'use e.g. { LOG_LEVEL: "info" }');
  }
  const env = { ...(props.env ?? {}) };
  for (const [k, v] of Object.entries(env)) {
    checkEnvName(where, `env["${k}"]`, k);
    if (typeof v !== 'string') {
      throw propError(where, `env["${k}"]`, v, 'environment values are strings', `write it as "${String(v)}"`);
    }
    // One detector for every construct: names (DBPASSWORD, api_key) and values (a URL with a
    // password, a token) alike. env reaches the Deployment, the Knative Service, the SpinApp
    // variables and the OpenFaaS environment, all readable with kubectl get.
    const fix = `put it in a Secret and reference it: secretEnv: { ${k}: { secretName: "my-secret", key: "${k.toLowerCase()}" } }`;
    // Under a credential name even a word like "true" is refused: it may be the secret itself
    // (the detector lets switches pass only for keys it does not judge by name).
    if (v !== '' && isCredentialKey(k)) {
      throw propError(where, `env["${k}"]`, '<redacted>', `"${k}" names a credential; generated files are not Secrets (they land in Git, in cloud-init user-data and in kubectl output)`, fix);
    }
    checkNoCredential(where, `env["${k}"]`, k, v, fix);
  }
  for (const [prop, list] of [['command', props.command], ['args', props.args]] as Array<[string, string[] | undefined]>) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some(a => typeof a !== 'string')) {
      throw propError(where, prop, list, 'is not a list of strings', `use e.g. ${prop}: ["/app.wasm"]`);
    }
    list.forEach((a, i) => checkNoCredential(where, `${prop}[${i}]`, undefined, a,
      'pass the credential through secretEnv (an environment variable read from a Secret) instead of the command line'));
  }
  const secretEnv: { [k: string]: { secretName: string; key: string } } = {};
  if (props.secretEnv !== undefined && (props.secretEnv === null || typeof props.secretEnv !== 'object' || Array.isArray(props.secretEnv))) {
    throw propError(where, 'secretEnv', props.secretEnv, 'is not a map of variable names to Secret keys', 'use e.g. { API_TOKEN: { secretName: "api", key: "token" } }');
  }
  for (const [k, ref] of Object.entries(props.secretEnv ?? {})) {
    checkEnvName(where, `secretEnv["${k}"]`, k);
    if (!ref || typeof ref !== 'object') {
      throw propError(where, `secretEnv["${k}"]`, ref, 'must reference a Secret key', `use { secretName: "my-secret", key: "${k.toLowerCase()}" }`);
    }
    if (k in env) {
      throw propError(where, `secretEnv["${k}"]`, k, 'is also set in env', 'set each variable once');
    }
    checkDns1123Subdomain(where, `secretEnv["${k}"].secretName`, typeof ref.secretName === 'string' ? ref.secretName : '');
    if (typeof ref.key !== 'string' || ref.key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      throw propError(where, `secretEnv["${k}"].key`, ref.key, 'is not a Secret key (letters, digits, "-", "_", ".")', 'use the key inside the Secret, e.g. "password"');
    }
    secretEnv[k] = { secretName: ref.secretName, key: ref.key };
  }

  const resources = wasmResources(where, props.resources);

  // The runtime class: the backend's (SpinKube needs the Spin shim class), else K3s's class for its runtime.
  const defaultClassName = backend.defaultRuntimeClassName;
  const runtimeClass = props.runtimeClass
    ?? (defaultClassName !== undefined ? RuntimeClass.fromRuntimeClassName(scope, 'RuntimeClass', defaultClassName, backend.defaultRuntime)
      : RuntimeClass.fromK3s(scope, 'RuntimeClass', backend.defaultRuntime));
  if (!runtimeClass || typeof runtimeClass !== 'object' || !runtimeClass.runtime || typeof runtimeClass.runtimeClassName !== 'string') {
    throw propError(where, 'runtimeClass', runtimeClass, 'is not a RuntimeClass', 'use RuntimeClass.fromK3s(this, "Wasm", WasmRuntime.WASMEDGE) or another RuntimeClass factory');
  }
  const route = runtimeClass.runtime.route;
  if (route === IntegrationRoute.RUNWASI) checkRunwasiEntrypoint(where, props.command);

  workloads.configure({ name, runtimeClass, warmReplicas, placement: props.placement });
  // WasmEdge inside a Linux image needs no RuntimeClass unless it is a GPU class.
  const needsClass = route !== IntegrationRoute.WASMEDGE_IN_IMAGE || runtimeClass.runtime.gpu;
  return {
    where,
    name,
    image: props.image,
    port,
    command: props.command,
    args: props.args,
    runtimeClassName: needsClass ? runtimeClass.runtimeClassName : undefined,
    runtime: runtimeClass.runtime,
    route,
    crunVariantAnnotation: CRUN_VARIANT_ANNOTATION,
    scaleToZero,
    warmReplicas,
    maxReplicas,
    autoscales,
    concurrency: props.concurrency,
    probes: probeTiming(budgetMs),
    triggers,
    resources,
    env,
    secretEnv,
    placement: props.placement,
    hosts,
    paths,
    uid: DEFAULT_WASM_UID,
    gateway: props.gateway,
    workloads,
  };
}

/** Replica counts are int32 in the Kubernetes and KEDA APIs. */
const MAX_REPLICAS = 2147483647;

function checkEnvName(where: string, prop: string, name: string): void {
  // Kubernetes ValidateEnv (IsEnvVarName): letters, digits, "-", "_", "."; not starting with a digit.
  if (name.length > 4096 || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
    throw propError(where, prop, name, 'is not an environment variable name', 'use letters, digits and "_", starting with a letter (e.g. "LOG_LEVEL")');
  }
}

