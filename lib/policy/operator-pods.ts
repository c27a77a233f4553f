/**
 * The pods that operators make from the app's objects, for the policy layer's synth-time
 * self-check. A SpinApp, an OpenFaaS Function or a Knative Service holds no pod: spin-operator,
 * the OpenFaaS operator and Knative's revision reconciler each build a Deployment from it. This
 * module computes that Deployment as a pure function of the emitted objects' JSON, from each
 * operator's code at the versions the project pins (../shared/crds/SOURCES*.txt), so the app's
 * admission rules can be evaluated against the pods the cluster will really run.
 *
 * Modelled exactly: the fields the rules read (pod template labels and annotations,
 * runtimeClassName, nodeName, nodeSelector, tolerations, pod and container securityContext,
 * resources, images of containers and initContainers), and the containers' names, ports and the
 * Deployment's name, namespace and selector. Left out: env (but Knative's), probes, volumes, enableServiceLinks, service account
 * details and the API server's own defaults (e.g. `securityContext: {}` on a pod template), none of
 * which changes a rule's outcome; nor UID-valued labels and names longer than 63 characters (which
 * Knative shortens with a hash, knative.dev/pkg kmeta.ChildName). What a rule reads but depends on
 * the cluster rather than on the app's objects (an executor or Profile the app does not emit) is
 * listed in `unresolved`. The objects are taken to be admitted as they are (e.g. a Knative Service
 * that sets runtimeClassName on a cluster whose config-features allow it).
 */

/** A Kubernetes object as JSON (what `Chart.toJson()` returns). */
export type ObjectJson = { [key: string]: any };

/** Cluster settings the operators read from their own configuration, not from the app's objects. */
export interface OperatorPodOptions {
  /**
   * The OpenFaaS operator's `setNonRootUser` (Helm value `setNonRootUser`, env `set_nonroot_user`):
   * when true the function container runs as uid 12000.
   *
   * @default false (the openfaas chart's default)
   */
  readonly openFaasSetNonRootUser?: boolean;
  /**
   * The namespace the OpenFaaS operator reads Profiles from (`profiles_namespace`).
   *
   * @default 'openfaas'
   */
  readonly openFaasProfileNamespace?: string;
  /**
   * Knative's `queue-sidecar-image` (ConfigMap config-deployment, namespace knative-serving).
   *
   * @default KNATIVE_QUEUE_SIDECAR_IMAGE (the release's image, pinned there by digest)
   */
  readonly knativeQueueSidecarImage?: string;
  /**
   * Knative's `runtime-class-name` default (config-deployment), given for the revisions that set
   * no runtimeClassName. Only its unconditional form (`{"<class>": {}}` without a selector) is modelled.
   *
   * @default - none (config-deployment's `runtime-class-name: ""`)
   */
  readonly knativeDefaultRuntimeClassName?: string;
}

/** What an operator makes from one object: its Deployments, and what the model could not know. */
export interface OperatorPodModel {
  /** The operator and the version modelled, e.g. `spin-operator v0.6.1`. */
  readonly madeBy: string;
  /** The Deployments (apps/v1 JSON) the operator makes; empty when it makes none. */
  readonly deployments: ObjectJson[];
  /**
   * Fields a rule reads that depend on the cluster rather than on the app's objects (an executor or
   * Profile the app does not emit), as `path: why`; empty when the model is complete for the rules.
   */
  readonly unresolved: string[];
}

/** The spin-operator version modelled (spinframework/spin-operator v0.6.1, 96c9d1d). */
export const SPIN_OPERATOR_VERSION = 'spin-operator v0.6.1';
/** The OpenFaaS version modelled (openfaas/faas-netes 0.18.17, e000629; see openFaasFunction for the operator's code). */
export const OPENFAAS_OPERATOR_VERSION = 'openfaas operator (faas-netes 0.18.17)';
/** The Knative Serving version modelled (knative/serving knative-v1.23.0, 7ed4aa2). */
export const KNATIVE_SERVING_VERSION = 'knative-serving v1.23.0';

/**
 * The queue-proxy image of a Knative release: config/core/configmaps/deployment.yaml:29 reads
 * `ko://knative.dev/serving/cmd/queue`, which the release build replaces with this repository at a digest.
 */
export const KNATIVE_QUEUE_SIDECAR_IMAGE = 'gcr.io/knative-releases/knative.dev/serving/cmd/queue';

/** The uid faas-netes gives function containers with setNonRootUser (pkg/k8s/securityContext.go:14). */
export const OPENFAAS_NON_ROOT_UID = 12000;

/**
 * The Deployments an operator makes from `object` (a SpinApp, an OpenFaaS Function or a Knative
 * Service), given every object of the app (`allObjects`, for the SpinAppExecutor and the Profiles
 * it reads); undefined for any other kind.
 */
export function operatorPodTemplates(object: ObjectJson, allObjects: readonly ObjectJson[],
  options: OperatorPodOptions = {}): ObjectJson[] | undefined {
  return operatorPodModel(object, allObjects, options)?.deployments;
}

/** As operatorPodTemplates, with the operator's name and what the model could not know. */
export function operatorPodModel(object: ObjectJson, allObjects: readonly ObjectJson[],
  options: OperatorPodOptions = {}): OperatorPodModel | undefined {
  const group = String(object?.apiVersion ?? '').split('/')[0];
  if (group === 'core.spinkube.dev' && object.kind === 'SpinApp') return spinApp(object, allObjects);
  if (group === 'openfaas.com' && object.kind === 'Function') return openFaasFunction(object, allObjects, options);
  if (group === 'serving.knative.dev' && object.kind === 'Service') return knativeService(object, options);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SpinKube: spinframework/spin-operator v0.6.1 (96c9d1d1d69c2c04e005375c44f323fb10e31002)
// ---------------------------------------------------------------------------------------------

/**
 * internal/controller/spinapp_controller.go constructDeployment (387-538). spin-operator sets no
 * securityContext at all, on the pod or the container, in either branch (455-468, 476-490, 516-522):
 * the pod runs as the image's user (root unless the image names one; `FROM scratch` Wasm images do not), with a writable root
 * filesystem and privilege escalation allowed. The SpinApp CRD has no field that would change that.
 */
function spinApp(app: ObjectJson, all: readonly ObjectJson[]): OperatorPodModel {
  const name: string = app.metadata?.name;
  const namespace: string | undefined = app.metadata?.namespace;
  const spec = app.spec ?? {};
  const unresolved: string[] = [];
  const model = (deployments: ObjectJson[]) => ({ madeBy: SPIN_OPERATOR_VERSION, deployments, unresolved });

  // spinapp_controller.go:105-117: the executor is read from the app's own namespace. An empty
  // executor is defaulted by the webhook to the alphabetically first executor of the cluster
  // (internal/webhook/spinapp_defaulting.go:28-34, 44-68), which the app cannot know.
  const executorName: string = spec.executor ?? '';
  const executor = executorName === '' ? undefined
    : all.find(o => o?.kind === 'SpinAppExecutor' && String(o.apiVersion ?? '').startsWith('core.spinkube.dev/')
      && o.metadata?.name === executorName && sameNamespace(o.metadata?.namespace, namespace));
  if (!executor) {
    unresolved.push(executorName === ''
      ? 'spec.template: the SpinApp names no executor; spin-operator\'s webhook picks the alphabetically first SpinAppExecutor of the cluster'
      : `spec.template: SpinAppExecutor "${executorName}" is not among the app's objects, so its deploymentConfig (runtimeClassName or spinImage) is unknown`);
    return model([]);
  }
  // spinapp_controller.go:133-146: an executor without createDeployment makes no Deployment (it
  // realises the app itself).
  if (executor.spec?.createDeployment !== true) {
    unresolved.push(`spec.template: SpinAppExecutor "${executorName}" has no createDeployment: whatever realises the app makes its pods, not spin-operator`);
    return model([]);
  }
  const config = executor.spec?.deploymentConfig;
  // spinapp_controller.go:454, 469, 491-492: neither runtimeClassName nor spinImage (or no
  // deploymentConfig, which the controller dereferences) is a reconcile error: no Deployment.
  if (!config || (config.runtimeClassName === undefined && config.spinImage === undefined)) return model([]);

  // 413-423: the pod labels are podLabels plus the two labels the Service selects on.
  const readyLabels: { [key: string]: string } = {
    'core.spinkube.dev/app-name': name, // pkg/spinapp/spinapp.go:24, internal/constants/constants.go:7-13
    [`core.spinkube.dev/app.${name}.status`]: 'ready', // pkg/spinapp/spinapp.go:18, 29-36
  };
  const labels = Object.assign({}, spec.podLabels ?? {}, readyLabels);
  // 408-411: the pod annotations are podAnnotations, nothing added.
  const annotations = Object.assign({}, spec.podAnnotations ?? {});
  // 427-430: resources are the SpinApp's, as given.
  const resources = resourceRequirements(spec.resources);
  const ports = [{ name: 'http-app', containerPort: 80 }]; // pkg/spinapp/spinapp.go:12, 16

  let container: ObjectJson;
  if (config.runtimeClassName !== undefined) {
    // 454-468: the shim runs the app's OCI artifact; the command is "/" for runwasi.
    container = { name, image: spec.image, command: ['/'], ports, resources };
  } else {
    // 469-490: a Linux container runs `spin up` on the app's image.
    const args = ['up', '--listen', '0.0.0.0:80', '-f', spec.image, '--runtime-config-file', '/runtime-config.toml'];
    for (const component of spec.components ?? []) args.push('--component-id', component);
    container = { name, image: config.spinImage, args, ports, resources };
  }
  dropEmpty(container, 'resources');

  const podSpec: ObjectJson = {
    runtimeClassName: config.runtimeClassName, // 517
    serviceAccountName: spec.serviceAccountName || 'default', // 518, getServiceAccountName 543-557
    containers: [container], // 519
    imagePullSecrets: spec.imagePullSecrets, // 520
  };
  return model([deployment(name, namespace, labels, annotations, podSpec, readyLabels)]);
}

// ---------------------------------------------------------------------------------------------
// OpenFaaS: openfaas/faas-netes 0.18.17 (e000629a3b94e27aacb34ce54698997e9e60de9b)
// ---------------------------------------------------------------------------------------------

/**
 * The Deployment of a Function object. At the pinned 0.18.17, faas-netes' public tree holds the
 * Function and Profile types (pkg/apis/openfaas/v1/types.go) and the Community Edition handlers,
 * but not the operator that reads Function objects (OpenFaaS Standard/Enterprise). The model is the
 * last public operator, pkg/controller/deployment.go newDeployment at 8992092e78247bcade293b2148091b83b10679e0
 * (the parent of ff4f40bd "Clean-up old code", Oct 2023), with Profiles applied as the pinned
 * types.go documents them (123-209) and as pkg/k8s/profiles.go ApplyProfile did when it still
 * applied runtimeClassName (b7772368c54e5329211e706932c0014063ecc2d3, 155-178).
 *
 * Security: the operator sets the function container's `allowPrivilegeEscalation: false`
 * (deployment.go:50, 106-108), `readOnlyRootFilesystem` from the Function (ConfigureReadOnlyRootFilesystem,
 * pkg/k8s/securityContext.go:41-48 at 0.18.17), and `runAsUser` to 12000 with setNonRootUser or
 * to nil without it (ConfigureContainerUserID, securityContext.go:18-31). A Profile's
 * podSecurityContext becomes the pod's (types.go:144-151). Should the closed operator differ, so
 * does the pod: the Community Edition's deploy handler at 0.18.17, for one, sets no
 * allowPrivilegeEscalation (pkg/handlers/deploy.go:220-222).
 */
function openFaasFunction(fn: ObjectJson, all: readonly ObjectJson[], options: OperatorPodOptions): OperatorPodModel {
  const spec = fn.spec ?? {};
  const unresolved: string[] = [];
  const fnName: string = spec.name; // deployment.go:54, 96: the Deployment and container are named spec.name
  const namespace: string | undefined = fn.metadata?.namespace; // deployment.go:56

  // deployment.go:185-198 makeLabels: the three labels, then the Function's labels over them.
  const labels = Object.assign({ faas_function: fnName, app: fnName, controller: fn.metadata?.name }, spec.labels ?? {});
  // deployment.go:200-223 makeAnnotations: scraping off, the Function's annotations, then the spec as JSON.
  const annotations: { [key: string]: string } = Object.assign({ 'prometheus.io.scrape': 'false' }, spec.annotations ?? {});
  annotations['com.openfaas.function.spec'] = goFunctionSpecJson(spec);

  // deployment.go:225-239 makeNodeSelector: "key=value" constraints; others are dropped.
  const nodeSelector: { [key: string]: string } = {};
  for (const constraint of spec.constraints ?? []) {
    const parts = String(constraint).split('=');
    if (parts.length === 2) nodeSelector[parts[0]] = parts[1];
  }

  const securityContext: ObjectJson = {
    allowPrivilegeEscalation: false, // deployment.go:50, 106-108
    readOnlyRootFilesystem: spec.readOnlyRootFilesystem === true, // securityContext.go:41-48 (a Go bool: false when absent)
  };
  // securityContext.go:18-31: runAsUser 12000 with setNonRootUser, else nil (the image's user).
  if (options.openFaasSetNonRootUser === true) securityContext.runAsUser = OPENFAAS_NON_ROOT_UID;

  const container: ObjectJson = {
    name: fnName,
    image: spec.image,
    ports: [{ containerPort: 8080, protocol: 'TCP' }], // deployment.go:98-100 (functionPort 8080)
    imagePullPolicy: 'Always', // deployment.go:101
    // pkg/controller/resources.go makeResources: the Function's limits and requests, memory and cpu, each when set.
    resources: resourceRequirements({ limits: functionResources(spec.limits), requests: functionResources(spec.requests) }),
    securityContext,
  };
  dropEmpty(container, 'resources');
  const podSpec: ObjectJson = { nodeSelector, containers: [container] }; // deployment.go:92-110

  // deployment.go:142-152 with pkg/k8s/profiles.go ParseProfileNames (78-92): the Profiles named
  // in com.openfaas.profile (comma-separated, trimmed), read from the operator's profile namespace,
  // applied in order.
  const profileNamespace = options.openFaasProfileNamespace ?? 'openfaas';
  const names = String(annotations['com.openfaas.profile'] ?? '').split(',').map(s => s.trim()).filter(s => s !== '');
  for (const profileName of names) {
    const profile = all.find(o => o?.kind === 'Profile' && String(o.apiVersion ?? '').startsWith('openfaas.com/')
      && o.metadata?.name === profileName && (o.metadata?.namespace ?? 'default') === profileNamespace);
    if (!profile) {
      // profiles.go:31-45: a Profile the operator cannot read fails the whole lookup, and
      // deployment.go:142-147 then applies none; whether the cluster has it, the app cannot know.
      unresolved.push(`spec.template.spec: Profile "${profileName}" (namespace ${profileNamespace}) is not among the app's objects; `
        + 'without it the operator applies no Profile at all');
      continue;
    }
    applyProfile(profile.spec ?? {}, podSpec, container);
  }
  const selector = { app: fnName, controller: fn.metadata?.name }; // deployment.go:80-85
  return { madeBy: OPENFAAS_OPERATOR_VERSION, deployments: [deployment(fnName, namespace, labels, annotations, podSpec, selector)], unresolved };
}

/** A Profile on the pod (pinned types.go:123-209; ApplyProfile at b7772368 155-178). */
function applyProfile(profile: ObjectJson, podSpec: ObjectJson, container: ObjectJson): void {
  // types.go:124-129: merged into the pod's tolerations (ApplyProfile appends, 156-158).
  if (Array.isArray(profile.tolerations) && profile.tolerations.length > 0) {
    podSpec.tolerations = [...(podSpec.tolerations ?? []), ...profile.tolerations];
  }
  // types.go:131-142: replaces the pod's runtimeClassName (ApplyProfile 160-162).
  if (profile.runtimeClassName !== undefined) podSpec.runtimeClassName = profile.runtimeClassName;
  // types.go:144-151: each non-nil field merged into the pod securityContext, replacing the value.
  if (profile.podSecurityContext !== undefined) {
    podSpec.securityContext = Object.assign({}, podSpec.securityContext ?? {}, profile.podSecurityContext);
  }
  // types.go:153-161: the affinity is replaced.
  if (profile.affinity !== undefined) podSpec.affinity = profile.affinity;
  // types.go:189-195: requests and limits merged by key into the function container's.
  if (profile.resources !== undefined) {
    const r: ObjectJson = Object.assign({}, container.resources ?? {});
    for (const key of ['limits', 'requests']) {
      if (profile.resources[key] !== undefined) r[key] = Object.assign({}, r[key] ?? {}, profile.resources[key]);
    }
    container.resources = r;
    dropEmpty(container, 'resources');
  }
  // types.go:197-203: priorityClassName copied.
  if (profile.priorityClassName) podSpec.priorityClassName = profile.priorityClassName;
}

/** `{ memory, cpu }` of a Function (pkg/apis/openfaas/v1/types.go:55-59) as a ResourceList, empty values dropped. */
function functionResources(r: ObjectJson | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (r?.cpu) out.cpu = r.cpu;
  if (r?.memory) out.memory = r.memory;
  return out;
}

/**
 * The FunctionSpec as Go's encoding/json writes it (deployment.go:215): struct fields in
 * declaration order (types.go:31-53), `omitempty` fields dropped when nil or empty, map keys sorted,
 * and <, >, &, U+2028 and U+2029 escaped as Go does.
 */
function goFunctionSpecJson(spec: ObjectJson): string {
  const ordered: ObjectJson = { name: spec.name ?? '', image: spec.image ?? '' };
  if (spec.handler) ordered.handler = spec.handler;
  for (const key of ['annotations', 'labels', 'environment']) {
    if (spec[key] !== undefined && spec[key] !== null) ordered[key] = sortedKeys(spec[key]);
  }
  for (const key of ['constraints', 'secrets']) {
    if (Array.isArray(spec[key]) && spec[key].length > 0) ordered[key] = spec[key];
  }
  for (const key of ['limits', 'requests']) {
    if (spec[key] !== undefined && spec[key] !== null) {
      const r: ObjectJson = {};
      if (spec[key].memory) r.memory = spec[key].memory; // types.go:57: memory before cpu
      if (spec[key].cpu) r.cpu = spec[key].cpu;
      ordered[key] = r;
    }
  }
  ordered.readOnlyRootFilesystem = spec.readOnlyRootFilesystem === true;
  return JSON.stringify(ordered)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// ---------------------------------------------------------------------------------------------
// Knative Serving: knative/serving knative-v1.23.0 (7ed4aa2ab601e3a33c6552285f6e0d910747351d)
// ---------------------------------------------------------------------------------------------

/** The queue-proxy sidecar's name (pkg/reconciler/revision/resources/constants.go:21). */
export const KNATIVE_QUEUE_CONTAINER = 'queue-proxy';

/** Annotations that set queue-proxy's resources (pkg/apis/serving/register.go:128-143). */
const QUEUE_RESOURCE_ANNOTATIONS: ReadonlyArray<[string, 'requests' | 'limits', string]> = [
  ['queue.sidecar.serving.knative.dev/cpu-resource-request', 'requests', 'cpu'],
  ['queue.sidecar.serving.knative.dev/cpu-resource-limit', 'limits', 'cpu'],
  ['queue.sidecar.serving.knative.dev/memory-resource-request', 'requests', 'memory'],
  ['queue.sidecar.serving.knative.dev/memory-resource-limit', 'limits', 'memory'],
  ['queue.sidecar.serving.knative.dev/ephemeral-storage-resource-request', 'requests', 'ephemeral-storage'],
  ['queue.sidecar.serving.knative.dev/ephemeral-storage-resource-limit', 'limits', 'ephemeral-storage'],
];

/**
 * The Deployment of a Knative Service's first Revision: Service -> Configuration
 * (pkg/reconciler/service/resources/configuration.go MakeConfigurationFromExisting 40-67) ->
 * Revision (pkg/reconciler/configuration/resources/revision.go MakeRevision 32-55, after the
 * webhook's RevisionSpec.SetDefaults, pkg/apis/serving/v1/revision_defaults.go 50-98) -> Deployment
 * (pkg/reconciler/revision/resources/deploy.go MakeDeployment 359-421, makePodSpec 173-241).
 *
 * Security: the user containers keep the securityContext the Service gives them (BuildPodSpec
 * copies the pod spec, deploy.go:306-314; the webhook adds nothing while config-features
 * `secure-pod-defaults` is Disabled, its default: pkg/apis/config/features.go:115,
 * revision_defaults.go:213-215). queue-proxy always gets allowPrivilegeEscalation false,
 * readOnlyRootFilesystem true, runAsNonRoot true, capabilities drop ALL, seccomp RuntimeDefault,
 * and no runAsUser (queue.go:80-90, 354): its uid is the pod's runAsUser if the pod sets one.
 */
function knativeService(service: ObjectJson, options: OperatorPodOptions): OperatorPodModel {
  const name: string = service.metadata?.name;
  const namespace: string | undefined = service.metadata?.namespace;
  const template = service.spec?.template ?? {};
  const templateMeta = template.metadata ?? {};
  const unresolved: string[] = [];

  // revision.go:41-43: the Revision is named <configuration>-<generation, 5 digits> unless the
  // template names it; the first generation is 1. The Configuration is named after the Service
  // (pkg/reconciler/service/resources/names).
  const revisionName: string = templateMeta.name ?? `${name}-00001`;
  // Revision labels: the template's (revision.go:35), then updateRevisionLabels 58-77. The labels
  // whose values are UIDs the cluster assigns (serving.knative.dev/configurationUID, serviceUID,
  // revisionUID) are left out: no rule reads them, and they never carry the Wasm marker.
  const revisionLabels: { [key: string]: string } = Object.assign({}, templateMeta.labels ?? {}, {
    'serving.knative.dev/configuration': name,
    'serving.knative.dev/service': name,
    'serving.knative.dev/configurationGeneration': '1',
  });
  // meta.go:54-70 makeLabels: without the route labels (36-40), plus revision, revisionUID, and
  // app = the revision name unless set.
  const labels: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(revisionLabels)) {
    if (k !== 'serving.knative.dev/route' && k !== 'serving.knative.dev/routingState') labels[k] = v;
  }
  labels['serving.knative.dev/revision'] = revisionName;
  if (!('app' in labels)) labels.app = revisionName;

  // Revision spec after the webhook's defaults: container names (revision_defaults.go:79-90,
  // 266-289: "user-container", suffixed when several), timeouts (53-56: config-defaults
  // revision-timeout-seconds, 300).
  const revSpec: ObjectJson = JSON.parse(JSON.stringify(template.spec ?? {}));
  const containers: ObjectJson[] = revSpec.containers ?? [];
  const initContainers: ObjectJson[] = revSpec.initContainers ?? [];
  const taken = new Set<string>([...containers, ...initContainers].map(c => c.name).filter(n => n));
  defaultContainerNames(containers, taken, 'user-container');
  defaultContainerNames(initContainers, taken, 'init-container');

  // revision_helpers.go:75-88 GetContainer: the only container, else the one with ports.
  const serving = containers.length === 1 ? containers[0] : containers.find(c => (c.ports ?? []).length > 0);
  // meta.go:88-96 podAnnotations: the Revision's annotations without autoscaling.knative.dev/* and
  // the routing ones (42-47, 72-74), plus the default container. Left out: serving.knative.dev/creator,
  // which revision.go:86-90 copies from the Configuration's lastModifier (the user who applied it).
  const annotations: { [key: string]: string } = {};
  for (const [k, v] of Object.entries<string>(templateMeta.annotations ?? {})) {
    if (k.startsWith('autoscaling.knative.dev') || EXCLUDED_ANNOTATIONS.includes(k)) continue;
    annotations[k] = v;
  }
  if (serving?.name) annotations['kubectl.kubernetes.io/default-container'] = serving.name;

  // deploy.go:316-324 getUserPort: the serving container's port, 8080 by default (v1.DefaultUserPort).
  const userPort: number = serving?.ports?.[0]?.containerPort || 8080;
  // deploy.go:245-266 BuildUserContainers, 268-302 makeContainer / makeServingContainer.
  const userContainers = containers.map(c => {
    const out: ObjectJson = Object.assign({}, c);
    if (c === serving || (c.ports ?? []).length > 0) {
      out.ports = [{ name: 'user-port', containerPort: userPort }]; // 326-331, revision_helpers.go:35
      out.env = [...(c.env ?? []), { name: 'PORT', value: String(userPort) }]; // 297, 351-356
    }
    // env_var.go:31-41
    out.env = [...(out.env ?? []), { name: 'K_REVISION', value: revisionName }, { name: 'K_CONFIGURATION', value: name }, { name: 'K_SERVICE', value: name }];
    out.lifecycle = { preStop: { httpGet: { port: 8022, path: '/wait-for-drain' } } }; // 106-113 (QueueAdminPort, RequestQueueDrainPath)
    out.stdin = false;
    out.tty = false;
    if (!out.terminationMessagePolicy) out.terminationMessagePolicy = 'FallbackToLogsOnError';
    // 281-287: HTTP, TCP and gRPC readiness probes are run by queue-proxy instead.
    if (out.readinessProbe && (out.readinessProbe.httpGet || out.readinessProbe.tcpSocket || out.readinessProbe.grpc)) delete out.readinessProbe;
    return out;
  });

  // queue.go:223-354 makeQueueContainer.
  const portName: string | undefined = serving?.ports?.[0]?.name;
  const queue: ObjectJson = {
    name: KNATIVE_QUEUE_CONTAINER,
    image: options.knativeQueueSidecarImage ?? KNATIVE_QUEUE_SIDECAR_IMAGE, // 349
    resources: queueResources(templateMeta.annotations ?? {}, unresolved), // 350
    ports: [
      { name: 'http-autometric', containerPort: 9090 }, // 67-73, pkg/networking/constants.go:38, revision_helpers.go:43
      { name: 'http-usermetric', containerPort: 9091 }, // constants.go:42, revision_helpers.go:47
      // 253-258: 8012, or 8013 for h2c (the serving port's name), then https 8112.
      { name: 'queue-port', containerPort: portName === 'h2c' ? 8013 : 8012 },
      { name: 'https-port', containerPort: 8112 },
    ],
    // 80-90
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };

  // deploy.go:306-314 BuildPodSpec: the Revision's pod spec with the containers replaced; the
  // RevisionSpec's own fields are not pod fields.
  const podSpec: ObjectJson = Object.assign({}, revSpec, {
    containers: [...userContainers, queue],
    terminationGracePeriodSeconds: revSpec.timeoutSeconds ?? 300,
  });
  for (const k of ['containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds']) delete podSpec[k];
  if (initContainers.length > 0) podSpec.initContainers = initContainers;
  // deploy.go:216-218: config-deployment's runtime-class-name, only when the revision sets none.
  if (podSpec.runtimeClassName === undefined && options.knativeDefaultRuntimeClassName !== undefined) {
    podSpec.runtimeClassName = options.knativeDefaultRuntimeClassName;
  }
  // meta.go:99-105: the selector is the revision UID.
  const selector = { 'serving.knative.dev/revisionUID': '' };
  const d = deployment(`${revisionName}-deployment`, namespace, labels, annotations, podSpec, selector); // names.Deployment
  delete d.spec.selector;
  return { madeBy: KNATIVE_SERVING_VERSION, deployments: [d], unresolved };
}

/** Annotations of a Revision that stay off its pods (meta.go:42-47; pkg/apis/serving/register.go). */
const EXCLUDED_ANNOTATIONS = [
  'serving.knative.dev/lastPinned', 'serving.knative.dev/no-gc', 'serving.knative.dev/routingStateModified', 'serving.knative.dev/routes',
];

/**
 * queue.go:93-184 createQueueResources: config-deployment's queue-sidecar-* values (by default
 * only the 25m CPU request, pkg/deployment/config.go:96, 124; the other defaults apply only with
 * config-features queueproxy.resource-defaults, Disabled by default: features.go:111), then the
 * Revision's queue.sidecar.serving.knative.dev/* annotations over them. No limits unless set.
 */
function queueResources(annotations: { [key: string]: string }, unresolved: string[]): ObjectJson {
  const r: { requests: { [key: string]: string }; limits: { [key: string]: string } } = { requests: { cpu: '25m' }, limits: {} };
  const percentage = ['queue.sidecar.serving.knative.dev/resource-percentage', 'queue.sidecar.serving.knative.dev/resourcePercentage'];
  if (percentage.some(k => k in annotations)) {
    unresolved.push('spec.template.spec.containers[queue-proxy].resources: the resource-percentage annotation (deprecated) is not modelled');
  }
  for (const [key, kind, resource] of QUEUE_RESOURCE_ANNOTATIONS) {
    if (annotations[key] !== undefined) r[kind][resource] = annotations[key];
  }
  return Object.keys(r.limits).length > 0 ? r : { requests: r.requests };
}

/** revision_defaults.go:266-289 applyDefaultContainerNames. */
function defaultContainerNames(containers: ObjectJson[], taken: Set<string>, base: string): void {
  let next = 0;
  for (const c of containers) {
    if (c.name) continue;
    let n = base;
    if (containers.length > 1 || taken.has(n)) {
      do { n = `${base}-${next++}`; } while (taken.has(n));
    }
    c.name = n;
  }
}

// ---------------------------------------------------------------------------------------------

/** An apps/v1 Deployment around a pod template. */
function deployment(name: string, namespace: string | undefined, labels: { [key: string]: string }, annotations: { [key: string]: string },
  podSpec: ObjectJson, selector: { [key: string]: string }): ObjectJson {
  const metadata: ObjectJson = { name };
  if (namespace !== undefined) metadata.namespace = namespace;
  const templateMeta: ObjectJson = { labels: sortedKeys(labels) };
  if (Object.keys(annotations).length > 0) templateMeta.annotations = sortedKeys(annotations);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: { selector: { matchLabels: selector }, template: { metadata: templateMeta, spec: pruned(podSpec) } },
  };
}

/** `{ limits, requests }` with empty lists dropped (Go's omitempty on ResourceList). */
function resourceRequirements(r: ObjectJson | undefined): ObjectJson {
  const out: ObjectJson = {};
  if (r?.limits && Object.keys(r.limits).length > 0) out.limits = Object.assign({}, r.limits);
  if (r?.requests && Object.keys(r.requests).length > 0) out.requests = Object.assign({}, r.requests);
  return out;
}

function dropEmpty(o: ObjectJson, key: string): void {
  if (o[key] !== undefined && Object.keys(o[key]).length === 0) delete o[key];
}

/** A pod spec without undefined fields and empty maps and lists (Go's omitempty). */
function pruned(spec: ObjectJson): ObjectJson {
  const out: ObjectJson = {};
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

function sortedKeys<T>(m: { [key: string]: T }): { [key: string]: T } {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return (a ?? 'default') === (b ?? 'default');
}
