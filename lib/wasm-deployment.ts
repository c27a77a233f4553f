import { ApiObjectMetadataDefinition, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IWasmPlacement, placementTolerations } from './core/placement';
import { IntegrationRoute, WASM_POD_LABEL, WasmRuntime } from './core/runtime';
import { IRuntimeClass } from './core/runtime-class-ref';
import { renderTopologySpread, resolveTopologySpread, TopologySpreadOptions } from './core/topology';
import { appIndex } from './private/app-checks';
import { WORKLOAD_RUNTIME } from './private/app-checks/sites';
import { checkRunwasiEntrypoint, checkImage } from './private/containers';
import { checkNoCredential } from './private/credentials';
import { checkDns1123Label, checkInt, propError, propMessage } from './private/errors';
import { checkResources, wasmResources, WASM_DEFAULT_RESOURCES } from './private/resources';
import { definedMetadata } from './private/scaling-metadata';
import { hardenedSecurityContext, HARDENED_SECURITY_CONTEXT, WASM_UID } from './private/security-context';
import { checkLabels, checkMetadata, checkNumber, checkPort, isQualifiedName } from './private/validate';
import { warn } from './private/warnings';
import { RuntimeClass } from './runtime-class';
import { IWasmScalable } from './scaling/scalable';

/** The pod annotation crun reads to run a container as Wasm. */
export const CRUN_VARIANT_ANNOTATION = 'module.wasm.image/variant';

/** Numeric uid/gid Wasm pods run as: `FROM scratch` images have no /etc/passwd to resolve a name. */
export const DEFAULT_WASM_UID = WASM_UID;

/**
 * The most replicas (or warm replicas) a workload may ask for: 150,000, the total pods Kubernetes
 * supports in one cluster (kubernetes.io/docs/setup/best-practices/cluster-large). More could never
 * run, and is a typo.
 */
export const MAX_REPLICAS = 150000;

/** The most GPUs per container: no node has more than a few dozen (8 in a DGX/HGX system). */
export const MAX_GPUS_PER_CONTAINER = 64;

/** GPU access for WasmEdge WASI-NN inference (GGML / LlamaEdge style plugins). */
export interface WasmGpuOptions {
  /**
   * GPUs per Wasm container: a whole number from 1 to `MAX_GPUS_PER_CONTAINER` (64).
   *
   * @default 1
   */
  readonly count?: number;

  /**
   * The extended resource the device plugin advertises: a qualified name with a domain prefix
   * outside `kubernetes.io`, e.g. `nvidia.com/gpu` or `amd.com/gpu`.
   *
   * @default 'nvidia.com/gpu'
   */
  readonly resourceName?: string;
}

/** Props of a WasmDeployment. */
export interface WasmDeploymentProps extends kplus.DeploymentProps {
  /**
   * The RuntimeClass the pods run with. Use `RuntimeClass.fromK3s()` for a class K3s created,
   * a `RuntimeClass` construct for one with scheduling, or `RuntimeClass.fromRuntimeClassName()`.
   *
   * @default - the `wasmedge` RuntimeClass K3s creates when containerd-shim-wasmedge-v1 is on its PATH
   */
  readonly runtimeClass?: IRuntimeClass;

  /**
   * The integration route. `WASMEDGE_IN_IMAGE` sets no runtimeClassName (unless the class is a GPU
   * class); `CRUN` needs a crun class; `RUNWASI` needs a runwasi shim class.
   *
   * @default - the route of the runtime class's runtime
   */
  readonly route?: IntegrationRoute;

  /**
   * Wasm containers of the pod (each gets the Wasm defaults: small resources, IfNotPresent pulls, a
   * numeric non-root user, read-only root filesystem, no privilege escalation, no capabilities,
   * RuntimeDefault seccomp). Linux containers go in `containers`.
   *
   * @default - none; add them with `addWasmContainer()`
   */
  readonly wasmContainers?: kplus.ContainerProps[];

  /**
   * Replicas kept running and warm so requests never wait for a cold start. It is the replica count
   * when no autoscaler is attached and `replicas` is not set, and the floor autoscalers keep. A whole
   * number from 0 to `MAX_REPLICAS`.
   *
   * @default 1
   */
  readonly warmReplicas?: number;

  /**
   * Whether the Wasm module uses WASI networking (sockets, e.g. WasmEdge's wasmedge_wasi_socket or
   * wasi-http). Without it the pods are isolated by a deny-all NetworkPolicy and may declare no ports,
   * because a module without WASI sockets cannot use the network anyway.
   *
   * @default false
   */
  readonly wasiNetworking?: boolean;

  /**
   * GPU access for WasmEdge WASI-NN. Needs a RuntimeClass whose runtime is GPU-capable
   * (`WasmRuntime.NVIDIA*`), so the pods also land on GPU nodes.
   *
   * @default - no GPU
   */
  readonly gpu?: WasmGpuOptions;

  /**
   * Nodes or node group to run on: their labels, taints, offered runtimes and offline autonomy window
   * follow from the placement (tolerations for `unreachable`/`not-ready` last the whole window).
   *
   * @default - anywhere the RuntimeClass's scheduling allows
   */
  readonly placement?: IWasmPlacement;

  /**
   * Probes tuned for millisecond starts on every Wasm container that declares a port and has no
   * probes of its own: a TCP startup probe every second, readiness every 2 seconds, liveness every 10.
   *
   * @default true
   */
  readonly fastProbes?: boolean;

  /**
   * Spread the pods over topology domains (`topologySpreadConstraints`), e.g. MEC zones. The
   * constraint selects the workload's own pods. Add more with `addTopologySpread()`.
   *
   * @default - no spreading constraint
   */
  readonly topologySpread?: TopologySpreadOptions;
}

/**
 * A Deployment of WebAssembly modules: the right runtimeClassName and annotations for the
 * integration route, Wasm-sized resources, a security context that works for `FROM scratch` images,
 * zero-downtime rolling updates and placement on nodes that have the runtime. The whole cdk8s-plus
 * Deployment API stays available.
 *
 * Defaults that differ from cdk8s-plus's `DeploymentProps`: `replicas` is `warmReplicas` (1) when no
 * autoscaler is attached; `strategy` is a rolling update with maxSurge 1 and maxUnavailable 0;
 * `automountServiceAccountToken` is false; `isolate` is true unless `wasiNetworking`;
 * `securityContext` runs as uid/gid `DEFAULT_WASM_UID` (fsGroup the same) with `ensureNonRoot`.
 *
 * @see https://github.com/containers/crun/blob/main/docs/wasm-wasi-on-kubernetes.md
 * @see https://github.com/containerd/runwasi
 */
export class WasmDeployment extends kplus.Deployment implements IWasmScalable {
  /** Wasm-sized default resources: requests 50m CPU / 10Mi, limits 200m CPU / 50Mi. */
  public static readonly DEFAULT_RESOURCES: kplus.ContainerResources = WASM_DEFAULT_RESOURCES;

  /**
   * The container security context every container of a WasmDeployment starts from: non-root,
   * read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp
   * RuntimeDefault. Use it for Linux workloads beside Wasm ones too.
   */
  public static readonly HARDENED_CONTAINER_SECURITY_CONTEXT: kplus.ContainerSecurityContextProps = HARDENED_SECURITY_CONTEXT;

  /** The RuntimeClass the pods run with (undefined on the WasmEdge-in-image route without GPU). */
  public readonly runtimeClass?: IRuntimeClass;
  /** The integration route. */
  public readonly route: IntegrationRoute;
  /** Replicas kept warm (the floor for autoscalers). */
  public readonly warmReplicas: number;
  /** Whether the module uses WASI networking. */
  public readonly wasiNetworking: boolean;
  /** Where the pods run, if placed. */
  public readonly placement?: IWasmPlacement;

  private readonly wasmContainerSet = new Set<kplus.Container>();
  private readonly gpu?: Required<WasmGpuOptions>;
  private readonly fastProbes: boolean;
  private readonly spreads: TopologySpreadOptions[] = [];

  constructor(scope: Construct, id: string, props: WasmDeploymentProps = {}) {
    const where = `${scope.node.path ? scope.node.path + '/' : ''}${id}`;
    // Before cdk8s-plus sees them: names, labels and annotations (no credential inline).
    checkMetadata(where, 'metadata', props.metadata);
    checkMetadata(where, 'podMetadata', props.podMetadata);
    for (const [prop, v] of [['securityContext.user', props.securityContext?.user], ['securityContext.group', props.securityContext?.group],
      ['securityContext.fsGroup', props.securityContext?.fsGroup]] as const) {
      checkNumber(where, prop, v, { integer: true, min: 0, max: 2147483647 });
    }
    const warmReplicas = props.warmReplicas ?? 1;
    const wasiNetworking = props.wasiNetworking ?? false;
    const uid = props.securityContext?.user ?? DEFAULT_WASM_UID;
    const gid = props.securityContext?.group ?? DEFAULT_WASM_UID;
    // Object.assign, not object spread: in V8 (Node 20) a spread followed by more properties is
    // several times slower (README, Development), and this runs for every workload of a fleet.
    super(scope, id, Object.assign({}, props, {
      metadata: definedMetadata(props.metadata),
      podMetadata: definedMetadata(props.podMetadata),
      // Only an explicit count reaches cdk8s-plus, so its HPA and our autoscalers can tell a fixed
      // replica count from the warm default (applied in _toKube).
      replicas: props.replicas,
      strategy: props.strategy ?? kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      isolate: props.isolate ?? !wasiNetworking,
      securityContext: Object.assign({}, props.securityContext, {
        ensureNonRoot: props.securityContext?.ensureNonRoot ?? true,
        user: uid,
        group: gid,
        fsGroup: props.securityContext?.fsGroup ?? gid,
      }),
    }));
    checkCount(where, 'warmReplicas', warmReplicas);
    checkCount(where, 'replicas', props.replicas);

    this.warmReplicas = warmReplicas;
    this.wasiNetworking = wasiNetworking;
    if (props.placement) checkPlacement(where, props.placement);
    this.placement = props.placement;
    this.fastProbes = props.fastProbes ?? true;

    const runtimeClass = props.runtimeClass ?? defaultRuntimeClass(this);
    this.route = props.route ?? runtimeClass.runtime.route;
    this.checkRoute(runtimeClass);
    // WasmEdge inside a Linux image runs on the node's default runtime, unless it needs a GPU runtime.
    this.runtimeClass = this.route === IntegrationRoute.WASMEDGE_IN_IMAGE && !runtimeClass.runtime.gpu ? undefined : runtimeClass;
    if (this.runtimeClass) {
      const { runtime, runtimeClassName } = this.runtimeClass;
      appIndex(this).add(WORKLOAD_RUNTIME, { scope: this, handler: runtime.handler, runtimeClassName });
    }

    if (props.gpu) {
      const count = props.gpu.count ?? 1;
      checkCount(this.node.path, 'gpu.count', count, 1, MAX_GPUS_PER_CONTAINER);
      checkExtendedResource(this.node.path, 'gpu.resourceName', props.gpu.resourceName);
      if (!runtimeClass.runtime.gpu) {
        throw propError(this, 'gpu', props.gpu, `the RuntimeClass "${runtimeClass.runtimeClassName}" (handler "${runtimeClass.runtime.handler}") gives no GPU access`,
          'use a GPU-capable class, e.g. new RuntimeClass(this, "Nvidia", { runtime: WasmRuntime.NVIDIA }) with route WASMEDGE_IN_IMAGE (a Linux image with WasmEdge and the WASI-NN plugin)');
      }
      this.gpu = { count, resourceName: props.gpu.resourceName ?? 'nvidia.com/gpu' };
    }

    for (const c of props.wasmContainers ?? []) {
      this.addWasmContainer(c);
    }
    if (props.topologySpread) this.pushSpread(props.topologySpread, 'topologySpread');

    this.node.addValidation({ validate: () => this.validateWasm() });
  }

  /**
   * Adds a Wasm container with the Wasm defaults (each overridable through `props`).
   *
   * @returns the container
   */
  public addWasmContainer(props: kplus.ContainerProps): kplus.Container {
    const where = `${this.node.path}/wasmContainers[${this.wasmContainerSet.size}]`;
    checkImage(where, props.image);
    warnUnpinned(this, where, props.image, props.imagePullPolicy);
    checkContainerProps(where, props);
    if (this.route === IntegrationRoute.RUNWASI) checkRunwasiEntrypoint(where, props.command);
    const declaresPorts = props.port !== undefined || props.portNumber !== undefined || (props.ports?.length ?? 0) > 0;
    if (declaresPorts && !this.wasiNetworking) {
      throw propError(where, 'ports', props.portNumber ?? props.port ?? props.ports, 'a Wasm module without WASI networking cannot listen, and its pods are isolated',
        'set wasiNetworking: true on the WasmDeployment (the module must be built with WASI sockets)');
    }
    const resources = wasmResources(where, props.resources);
    const port = props.portNumber ?? props.port ?? props.ports?.[0]?.number;
    const probes = this.fastProbes && port !== undefined ? fastProbes(port) : {};
    const container = super.addContainer(Object.assign({}, probes, props, {
      resources,
      imagePullPolicy: props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: hardenedSecurityContext({ user: this.securityContext.user, group: this.securityContext.group }, props.securityContext),
    }));
    checkRendered(where, container);
    this.wasmContainerSet.add(container);
    return container;
  }

  /**
   * Adds a Linux container (a sidecar, or the WasmEdge-in-image container), hardened like the Wasm
   * ones and pulled `IfNotPresent` so offline nodes start it from their local images; resources stay
   * cdk8s-plus's defaults unless given.
   *
   * @returns the container
   */
  public addContainer(cont: kplus.ContainerProps): kplus.Container {
    // Called by the base constructor for props.containers too: touch no field of this class here.
    const where = `${this.node.path}/containers[${this.containers.length}]`;
    checkContainerProps(where, cont);
    checkResources(where, cont.resources ?? {});
    const container = super.addContainer(hardened(cont));
    checkRendered(where, container);
    return container;
  }

  /**
   * Adds a topology spread constraint over the workload's own pods (see `TopologySpreadOptions` for
   * the defaults: maxSkew 1 over `topology.kubernetes.io/zone`, DoNotSchedule, taints honored).
   */
  public addTopologySpread(options: TopologySpreadOptions): void {
    this.pushSpread(options, `topologySpread[${this.spreads.length}]`);
  }

  /** The topology spread constraints added so far (with defaults filled in). */
  public get topologySpreads(): TopologySpreadOptions[] {
    return this.spreads.map(s => ({ ...s }));
  }

  /**
   * Adds an init container, hardened and pulled `IfNotPresent` like the Linux containers.
   *
   * @returns the container
   */
  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    // Called by the base constructor for props.initContainers too: touch no field of this class here.
    const where = `${this.node.path}/initContainers[${this.initContainers.length}]`;
    checkContainerProps(where, cont);
    checkResources(where, cont.resources ?? {});
    const container = super.addInitContainer(hardened(cont));
    checkRendered(where, container);
    return container;
  }

  /** The Wasm containers (a subset of `containers`). */
  public get wasmContainers(): kplus.Container[] {
    return this.containers.filter(c => this.wasmContainerSet.has(c));
  }

  /** The crun variant annotation value this pod needs, if any. */
  public get crunVariant(): string | undefined {
    if (this.route !== IntegrationRoute.CRUN) return undefined;
    return this.containers.some(c => !this.wasmContainerSet.has(c)) ? 'compat-smart' : 'compat';
  }

  /**
   * @internal
   */
  public _toKube(): kplus.k8s.DeploymentSpec {
    const spec = super._toKube();
    const template = spec.template;
    const podSpec = template.spec!;
    const containers = podSpec.containers.map((c, i) => this.gpu && this.wasmContainerSet.has(this.containers[i]) ? withGpu(c, this.gpu) : c);
    // Object.assign rather than spreads, as in the constructor: this runs for every workload.
    const annotations: Record<string, string> = Object.assign({}, template.metadata?.annotations);
    const variant = this.crunVariant;
    if (variant) annotations[CRUN_VARIANT_ANNOTATION] = variant;
    const nodeSelector: Record<string, string> = Object.assign({}, podSpec.nodeSelector, this.placement?.nodeLabels);
    const tolerations = [...(podSpec.tolerations ?? []), ...placementTolerations(this.placement)];
    const matchLabels = spec.selector.matchLabels ?? {};
    const spreads = [...(podSpec.topologySpreadConstraints ?? []), ...this.spreads.map(s => renderTopologySpread(s, matchLabels))];
    return Object.assign({}, spec, {
      replicas: this.hasAutoscaler ? undefined : (this.replicas ?? this.warmReplicas),
      template: {
        metadata: Object.assign({}, template.metadata, {
          // The Wasm mark the admission rules read (WasmPolicies): a pod of a Wasm class keeps to the Wasm rules.
          labels: this.runtimeClass && this.route !== IntegrationRoute.WASMEDGE_IN_IMAGE ? Object.assign({}, template.metadata?.labels, { [WASM_POD_LABEL]: 'true' }) : template.metadata?.labels,
          annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
        }),
        spec: Object.assign({}, podSpec, {
          runtimeClassName: this.runtimeClass?.runtimeClassName,
          nodeSelector: Object.keys(nodeSelector).length > 0 ? nodeSelector : undefined,
          tolerations: tolerations.length > 0 ? tolerations : undefined,
          topologySpreadConstraints: spreads.length > 0 ? spreads : undefined,
          containers,
        }),
      },
    });
  }

  private pushSpread(options: TopologySpreadOptions, where: string): void {
    const resolved = resolveTopologySpread(this.node.path, where, options);
    const twin = this.spreads.find(s => s.topologyKey === resolved.topologyKey && s.whenUnsatisfiable === resolved.whenUnsatisfiable);
    if (twin) {
      throw propError(this, `${where}.topologyKey`, resolved.topologyKey, `already has a ${resolved.whenUnsatisfiable} constraint (the API server refuses duplicate topologyKey/whenUnsatisfiable pairs)`,
        'keep one constraint per topologyKey and whenUnsatisfiable');
    }
    const placement = this.placement;
    if (placement) {
      let shared: string | undefined;
      try {
        shared = placement.nodeLabels[resolved.topologyKey!];
      } catch {
        shared = undefined; // an empty node group: nothing to compare yet
      }
      if (shared !== undefined) {
        warn(this, `${where}.topologyKey`, resolved.topologyKey,
          `every node of placement ${placement.placementName} has ${resolved.topologyKey}=${shared}, so the pods have one domain and the constraint spreads nothing`,
          'place the workload on a group of nodes in several domains');
      }
    }
    this.spreads.push(resolved);
  }

  private checkRoute(runtimeClass: IRuntimeClass): void {
    const runtime = runtimeClass.runtime;
    if (this.route === IntegrationRoute.CRUN && runtime.route !== IntegrationRoute.CRUN) {
      throw propError(this, 'route', this.route, `the crun annotation ${CRUN_VARIANT_ANNOTATION} only works with a crun RuntimeClass, not "${runtimeClass.runtimeClassName}" (handler "${runtime.handler}")`,
        'use a RuntimeClass with runtime WasmRuntime.CRUN, or drop route to use the class\'s own route');
    }
    if (this.route === IntegrationRoute.RUNWASI && runtime.route !== IntegrationRoute.RUNWASI) {
      throw propError(this, 'route', this.route, `"${runtimeClass.runtimeClassName}" (handler "${runtime.handler}") is not a runwasi shim`,
        'use a shim class such as RuntimeClass.fromK3s(this, "Wasmedge", WasmRuntime.WASMEDGE)');
    }
  }

  private validateWasm(): string[] {
    const errors: string[] = [];
    if (this.wasmContainerSet.size === 0) {
      errors.push(propMessage(this, 'wasmContainers', [], 'a WasmDeployment needs at least one Wasm container',
        'pass wasmContainers or call addWasmContainer()'));
    }
    const userVariant = podAnnotation(this.podMetadata, CRUN_VARIANT_ANNOTATION);
    if (userVariant !== undefined && this.route !== IntegrationRoute.CRUN) {
      errors.push(propMessage(this, `podMetadata.annotations["${CRUN_VARIANT_ANNOTATION}"]`, userVariant,
        `crun annotations do nothing on the ${this.route} route${this.runtimeClass ? ` (RuntimeClass "${this.runtimeClass.runtimeClassName}")` : ''}`,
        'remove the annotation, or use a crun RuntimeClass (WasmRuntime.CRUN); the library sets the annotation itself'));
    }
    const selector = this.spreads.length > 0 ? this.matchLabels : {};
    for (const [i, s] of this.spreads.entries()) {
      const clash = (s.matchLabelKeys ?? []).find(k => k in selector);
      if (clash) {
        errors.push(propMessage(this, `topologySpread[${i}].matchLabelKeys`, clash, 'is also a key of the pod selector the constraint uses (the API server refuses a key in both)',
          'remove it from matchLabelKeys: the selector already pins its value'));
      }
    }
    // The placement is a prop: its nodes offer the runtime (read now, a node group may have grown).
    const placement = this.placement;
    if (placement && this.runtimeClass && !placement.runtimes.some(r => r.handler === this.runtimeClass!.runtime.handler)) {
      errors.push(propMessage(this, 'placement', placement.placementName,
        `its nodes do not offer the "${this.runtimeClass.runtime.handler}" runtime of RuntimeClass "${this.runtimeClass.runtimeClassName}" (they offer ${placement.runtimes.map(r => r.handler).join(', ') || 'none'})`,
        'add the runtime to the node\'s runtimes, or choose a RuntimeClass the nodes offer'));
    }
    return errors;
  }
}

/** K3s's own `wasmedge` class, referenced once per chart rather than once per workload. */
function defaultRuntimeClass(scope: Construct): IRuntimeClass {
  const chart = Chart.of(scope);
  const id = 'K3sRuntimeClassWasmedge';
  return (chart.node.tryFindChild(id) as IRuntimeClass | undefined) ?? RuntimeClass.fromK3s(chart, id, WasmRuntime.WASMEDGE);
}


/**
 * One annotation of a metadata definition. cdk8s offers no getAnnotation(), and toJson() sanitizes
 * every label and annotation, which the validation of thousands of workloads pays for twice per synth.
 */
function podAnnotation(metadata: ApiObjectMetadataDefinition, key: string): string | undefined {
  const annotations = (metadata as unknown as { annotations?: unknown }).annotations;
  if (annotations !== null && typeof annotations === 'object') return (annotations as Record<string, string>)[key];
  return metadata.toJson().annotations?.[key];
}

/** A replica (or GPU) count: a whole number from `min` to `max`. NaN and Infinity show as such in the message. */
function checkCount(path: string, prop: string, value: number | undefined, min = 0, max = MAX_REPLICAS): void {
  checkInt(path, prop, typeof value === 'number' && !Number.isFinite(value) ? String(value) as unknown as number : value, min, max);
}

/**
 * An extended resource name (k8s.io/kubernetes pkg/apis/core/helper IsExtendedResourceName): a
 * qualified name with a domain prefix that is not kubernetes.io (those are native resources),
 * which also stays a qualified name behind "requests." (the quota key).
 */
function checkExtendedResource(path: string, prop: string, name: string | undefined): void {
  if (name === undefined) return;
  // IsExtendedResourceName also refuses the "requests." prefix (it is the quota key's).
  const ok = typeof name === 'string' && name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.')
    && isQualifiedName(name) && isQualifiedName(`requests.${name}`);
  if (!ok) {
    throw propError(path, prop, name, 'is not an extended resource name (a domain prefix outside kubernetes.io, "/", then a name of at most 63 letters, digits, "-", "_" or ".")',
      'use the name the device plugin advertises, e.g. "nvidia.com/gpu" or "amd.com/gpu"');
  }
}

/**
 * A placement's labels and taints go into the pod spec: check them (a placement may be a user's
 * own IWasmPlacement). An empty EdgeNodeGroup has none yet; it reports that itself at synth.
 */
function checkPlacement(where: string, placement: IWasmPlacement): void {
  let labels: { [key: string]: string } | undefined;
  try {
    labels = placement.nodeLabels;
  } catch {
    return;
  }
  checkLabels(where, 'placement.nodeLabels', labels);
  placementTolerations(placement);
}

/** Env names the API server accepts everywhere (validation.IsEnvVarName before relaxed env names). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Container props the library passes on: name, ports, env (no credential inline). */
function checkContainerProps(where: string, props: kplus.ContainerProps): void {
  if (props.name !== undefined) {
    if (typeof props.name !== 'string') throw propError(where, 'name', props.name, 'is not a string', 'use a DNS-1123 label such as "main"');
    checkDns1123Label(where, 'name', props.name);
  }
  checkPort(where, 'port', props.port);
  checkPort(where, 'portNumber', props.portNumber);
  for (const [i, p] of (props.ports ?? []).entries()) {
    checkPort(where, `ports[${i}].number`, p?.number);
    checkPort(where, `ports[${i}].hostPort`, p?.hostPort);
  }
  for (const [prop, list] of [['command', props.command], ['args', props.args]] as const) {
    for (const [i, arg] of (list ?? []).entries()) {
      if (typeof arg !== 'string') throw propError(where, `${prop}[${i}]`, arg, 'is not a string', `pass ${prop} as strings`);
      checkNoCredential(where, `${prop}[${i}]`, undefined, arg, 'pass the credential through an env variable from a Secret (EnvValue.fromSecretValue) and read it in the module');
    }
  }
  for (const [name, value] of Object.entries(props.envVariables ?? {})) {
    if (name.length > 4096 || !ENV_NAME.test(name)) {
      throw propError(where, 'envVariables', name, 'is not an environment variable name (letters, digits, "_", "-" and ".", not starting with a digit)',
        `use a name such as "${name.replace(/[^-._a-zA-Z0-9]+/g, '_').replace(/^[0-9]/, '_$&') || 'MY_VAR'}"`);
    }
    checkNoCredential(where, `envVariables.${name}`, name, value?.value,
      `put the value in a Secret and use EnvValue.fromSecretValue({ secret: Secret.fromSecretName(this, "Db", "db"), key: "${name.toLowerCase()}" })`);
  }
}

/**
 * Renders the container once as cdk8s-plus will at synth, so whatever it would refuse then (a
 * probe timing that is not whole seconds, a size it cannot express) fails now with the library's
 * error; checks the probe timings the kubelet needs (core/v1 Probe: periodSeconds, timeoutSeconds
 * and failureThreshold at least 1, successThreshold 1 for liveness and startup).
 */
function checkRendered(where: string, container: kplus.Container): void {
  let k: kplus.k8s.Container;
  try {
    k = container._toKube();
  } catch (e) {
    throw propError(where, 'container', container.name, `cdk8s-plus cannot render it (${(e as Error).message})`,
      'use whole seconds for probe timings (Duration.seconds(n)) and whole MiB for memory (Size.mebibytes(n))');
  }
  for (const [kind, probe] of [['startup', k.startupProbe], ['readiness', k.readinessProbe], ['liveness', k.livenessProbe]] as const) {
    if (!probe) continue;
    const int32 = 2147483647;
    checkNumber(where, `${kind}.initialDelaySeconds`, probe.initialDelaySeconds, { integer: true, min: 0, max: int32 });
    checkNumber(where, `${kind}.periodSeconds`, probe.periodSeconds, { integer: true, min: 1, max: int32 });
    checkNumber(where, `${kind}.timeoutSeconds`, probe.timeoutSeconds, { integer: true, min: 1, max: int32 });
    checkNumber(where, `${kind}.failureThreshold`, probe.failureThreshold, { integer: true, min: 1, max: int32 });
    checkNumber(where, `${kind}.successThreshold`, probe.successThreshold, { integer: true, min: 1, max: kind === 'readiness' ? int32 : 1 });
    checkNumber(where, `${kind}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, { integer: true, min: 1, max: int32 });
    const port = probe.tcpSocket?.port?.value ?? probe.httpGet?.port?.value ?? probe.grpc?.port;
    if (typeof port === 'number') checkPort(where, `${kind}.port`, port);
  }
}

/**
 * Warns about a Wasm image that names no version: without a tag it means `:latest`, which
 * `IfNotPresent` (the Wasm default) never refreshes on a node that has it, and which K3s's
 * embedded registry mirror never shares between nodes (docs.k3s.io installation/registry-mirror).
 * A digest pins the image whatever the tag; `host:port/` is a registry, not a tag.
 */
function warnUnpinned(scope: WasmDeployment, where: string, image: string, pullPolicy?: kplus.ImagePullPolicy): void {
  if (image.includes('@sha256:')) return;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  if (tag !== undefined && tag !== 'latest') return;
  const what = tag === undefined ? 'has no tag (so it is :latest)' : 'uses the :latest tag';
  const refresh = (pullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT) === kplus.ImagePullPolicy.IF_NOT_PRESENT
    ? 'with imagePullPolicy IfNotPresent a node that has some "latest" never pulls a newer one, so nodes run different code, and '
    : '';
  warn(scope, `${where.slice(scope.node.path.length + 1)}.image`, image, `${what}: ${refresh}K3s's embedded registry mirror never shares latest tags between nodes `
    + '(docs.k3s.io registry-mirror), so offline nodes cannot get it', 'pin a version tag (e.g. ":1.0.0") or a digest ("@sha256:...")');
}

// Probes and Durations are immutable: every container on a port shares one set.
const FAST_PROBES = new Map<number, Pick<kplus.ContainerProps, 'startup' | 'readiness' | 'liveness'>>();

function fastProbes(port: number): Pick<kplus.ContainerProps, 'startup' | 'readiness' | 'liveness'> {
  let probes = FAST_PROBES.get(port);
  if (!probes) {
    const tcp = (period: number, failureThreshold: number) => kplus.Probe.fromTcpSocket({
      port, initialDelaySeconds: Duration.seconds(0), periodSeconds: Duration.seconds(period), failureThreshold, timeoutSeconds: Duration.seconds(1),
    });
    probes = { startup: tcp(1, 30), readiness: tcp(2, 3), liveness: tcp(10, 3) };
    FAST_PROBES.set(port, probes);
  }
  return probes;
}

/** A Linux container's props, hardened and pulled `IfNotPresent` unless they say otherwise. */
function hardened(cont: kplus.ContainerProps): kplus.ContainerProps {
  return Object.assign({}, cont, {
    imagePullPolicy: cont.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
    securityContext: hardenedSecurityContext(cont.securityContext),
  });
}

function withGpu(c: kplus.k8s.Container, gpu: Required<WasmGpuOptions>): kplus.k8s.Container {
  const q = kplus.k8s.Quantity.fromNumber(gpu.count);
  return Object.assign({}, c, {
    resources: Object.assign({}, c.resources, {
      // Extended resources: requests must equal limits, so set both.
      limits: Object.assign({}, c.resources?.limits, { [gpu.resourceName]: q }),
      requests: Object.assign({}, c.resources?.requests, { [gpu.resourceName]: q }),
    }),
  });
}

// serverless-function.ts imports it from here until it imports lib/private/containers.ts (not in index.ts).
