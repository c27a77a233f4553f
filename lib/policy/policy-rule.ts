/**
 * The policy layer's rule base: each rule written once, in the CEL subset that Kubernetes compiles
 * for admission (no optional syntax, no extension libraries), over variables that say where a pod
 * lies in each kind of object. Every engine renders these same strings.
 */
import { WASM_POD_LABEL } from '../core/runtime';
import { propError } from '../private/errors';

/** What an engine does with an object a rule refuses. */
export enum PolicyAction {
  /** Refuse the request (VAP `Deny`, Kyverno `Enforce`, Gatekeeper `deny`). */
  DENY = 'Deny',
  /** Admit it with a warning to the client (VAP `Warn`, Kyverno `Audit` + `emitWarning`, Gatekeeper `warn`). */
  WARN = 'Warn',
  /** Admit it and record the violation (VAP `Audit` audit annotation, Kyverno `Audit`, Gatekeeper `dryrun`). */
  AUDIT = 'Audit',
}

/** One kind of object that holds a pod (a Pod, or a workload with a pod template). */
export interface PodKind {
  /** API group ('' for the core group). */
  readonly apiGroup: string;
  /** API version, e.g. `v1`. */
  readonly apiVersion: string;
  /** Resource (plural), e.g. `deployments`. */
  readonly resource: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
}

/**
 * Where the pod lies in a family of kinds. A rule is rendered once per shape, so that every
 * expression type-checks against the schema of the kinds it matches (Kubernetes type-checks a
 * ValidatingAdmissionPolicy per matched kind, and a Pod has no `spec.template`).
 */
export class PodShape {
  /** Pods themselves. */
  public static readonly POD = new PodShape('pod', [{ apiGroup: '', apiVersion: 'v1', resource: 'pods', kind: 'Pod' }], 'object.spec', 'object.metadata', false);

  /** Workloads whose pod template is `spec.template`: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, ReplicationControllers. */
  public static readonly POD_TEMPLATE = new PodShape('pod-template', [
    { apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', kind: 'Deployment' },
    { apiGroup: 'apps', apiVersion: 'v1', resource: 'replicasets', kind: 'ReplicaSet' },
    { apiGroup: 'apps', apiVersion: 'v1', resource: 'statefulsets', kind: 'StatefulSet' },
    { apiGroup: 'apps', apiVersion: 'v1', resource: 'daemonsets', kind: 'DaemonSet' },
    { apiGroup: 'batch', apiVersion: 'v1', resource: 'jobs', kind: 'Job' },
    { apiGroup: '', apiVersion: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController' },
  ], 'object.spec.template.spec', 'object.spec.template.metadata', true);

  /** CronJobs (`spec.jobTemplate.spec.template`). */
  public static readonly CRON_JOB = new PodShape('cron-job', [{ apiGroup: 'batch', apiVersion: 'v1', resource: 'cronjobs', kind: 'CronJob' }],
    'object.spec.jobTemplate.spec.template.spec', 'object.spec.jobTemplate.spec.template.metadata', true);

  /** Every shape, in rendering order. */
  public static all(): PodShape[] {
    return [PodShape.POD, PodShape.POD_TEMPLATE, PodShape.CRON_JOB];
  }

  private constructor(
    /** Short name, used in object names (`pod`, `pod-template`, `cron-job`). */
    public readonly name: string,
    /** The kinds of this shape. */
    public readonly kinds: PodKind[],
    /** CEL path of the pod spec. */
    public readonly specPath: string,
    /** CEL path of the pod's metadata. */
    public readonly metadataPath: string,
    /** Whether the metadata may be absent (a template's). */
    public readonly metadataOptional: boolean) {}
}

/** A CEL variable: `variables.<name>` in later variables and validations. */
export interface PolicyVariable {
  readonly name: string;
  readonly expression: string;
}

/** A CEL validation: the object is admitted when `expression` is true. */
export interface PolicyValidation {
  readonly expression: string;
  /** A single line that names the rule and the fix. */
  readonly message: string;
}

/** The rules of the rule base (the names are the rule names in objects and messages). */
export class WasmPolicyRule {
  /**
   * (a) A Wasm pod (an image of the app's Wasm repositories, or the label `cdk8s-wasm-edge.io/wasm: "true"`)
   * sets a `runtimeClassName` among the app's Wasm RuntimeClasses: without one it starts as a Linux
   * container and crash-loops.
   */
  public static readonly RUNTIME_CLASS = new WasmPolicyRule('wasm-runtime-class');
  /**
   * (b) A pod that may run on Wasm-only nodes (it tolerates the `cdk8s-wasm-edge.io/wasm-only` taint,
   * or names such a node in `nodeName`) is a Wasm pod.
   */
  public static readonly WASM_ONLY_NODES = new WasmPolicyRule('wasm-only-nodes');
  /**
   * (c) A Wasm pod runs every container as a numeric non-root uid, with a read-only root filesystem
   * and no privilege escalation.
   */
  public static readonly POD_SECURITY = new WasmPolicyRule('wasm-pod-security');
  /** (d) A pod on a crun class carries `module.wasm.image/variant` (`compat` or `compat-smart`), without which crun runs it as a Linux container. */
  public static readonly CRUN_VARIANT = new WasmPolicyRule('crun-wasm-variant');
  /** (e) Every container of a pod in a function tenant's namespace declares CPU and memory limits. */
  public static readonly TENANT_LIMITS = new WasmPolicyRule('tenant-resource-limits');

  /** Every rule, in rendering order. */
  public static all(): WasmPolicyRule[] {
    return [WasmPolicyRule.RUNTIME_CLASS, WasmPolicyRule.WASM_ONLY_NODES, WasmPolicyRule.POD_SECURITY,
      WasmPolicyRule.CRUN_VARIANT, WasmPolicyRule.TENANT_LIMITS];
  }

  /** The rule of a name. */
  public static of(name: string): WasmPolicyRule {
    const rule = WasmPolicyRule.all().find(r => r.ruleName === name);
    if (!rule) {
      throw propError('WasmPolicyRule.of', 'name', name, 'is not a rule of the rule base', `use one of ${WasmPolicyRule.all().map(r => r.ruleName).join(', ')}`);
    }
    return rule;
  }

  private constructor(
    /** The rule's name, e.g. `wasm-runtime-class`. */
    public readonly ruleName: string) {}
}


/** The app's facts a rule reads: known at synth, when the app is complete. */
export interface PolicyModel {
  /** The names of the app's Wasm RuntimeClasses, sorted. */
  readonly wasmClasses: readonly string[];
  /** The subset of them on the crun route. */
  readonly crunClasses: readonly string[];
  /** Wasm image repositories (`registry/path`, matched with its tag or digest) or prefixes (ending in `/`), sorted. */
  readonly repositories: readonly string[];
  /** The names of the app's Wasm-only nodes (tainted `cdk8s-wasm-edge.io/wasm-only`), sorted. */
  readonly wasmOnlyNodes: readonly string[];
  /**
   * Classes that are not Wasm classes but whose pods belong on Wasm-only nodes: the library's
   * RuntimeClasses that tolerate the wasm-only taint (e.g. a GPU class for WasmEdge inside a Linux
   * image), sorted. The RuntimeClass admission plugin gives their pods the toleration.
   */
  readonly nodeClasses?: readonly string[];
}

/** A CEL string literal (single-quoted; backslash and quote escaped). */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** A CEL list literal of strings. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/**
 * The variables every rule reads, for one shape, given the app. Order matters: later variables read
 * earlier ones. Kubernetes evaluates variables lazily, so an unused one costs nothing.
 */
export function policyVariables(shape: PodShape, model: PolicyModel): PolicyVariable[] {
  const meta = shape.metadataPath;
  const field = (name: string) => shape.metadataOptional
    ? `has(${meta}) && has(${meta}.${name}) ? ${meta}.${name} : {}`
    : `has(${meta}.${name}) ? ${meta}.${name} : {}`;
  const repoMatch = model.repositories.length === 0 ? 'false'
    : `variables.containers.exists(c, ${celList(model.repositories)}.exists(r, r.endsWith('/') ? c.image.startsWith(r) : (c.image == r || c.image.startsWith(r + ':') || c.image.startsWith(r + '@'))))`;
  return [
    { name: 'spec', expression: shape.specPath },
    { name: 'labels', expression: field('labels') },
    { name: 'annotations', expression: field('annotations') },
    { name: 'containers', expression: 'variables.spec.containers + (has(variables.spec.initContainers) ? variables.spec.initContainers : [])' },
    { name: 'runtimeClass', expression: "has(variables.spec.runtimeClassName) ? variables.spec.runtimeClassName : ''" },
    { name: 'wasmClass', expression: `variables.runtimeClass in ${celList(model.wasmClasses)}` },
    { name: 'wasmImage', expression: repoMatch },
    { name: 'marked', expression: `${celString(WASM_POD_LABEL)} in variables.labels && variables.labels[${celString(WASM_POD_LABEL)}] == 'true'` },
  ];
}

/** A rule as written once: its dependencies and its validation, given the app. */
export interface RuleDefinition {
  readonly rule: WasmPolicyRule;
  /** What it keeps true, one line (for READMEs and descriptions). */
  readonly summary: string;
  /** Rules whose guarantee this one trusts (disabling them weakens it). */
  readonly dependsOn: readonly WasmPolicyRule[];
  /** Whether the rule needs the app's Wasm repositories. */
  readonly needsRepositories: boolean;
  /** Whether the rule applies in function tenants' namespaces only. */
  readonly tenantsOnly: boolean;
  /**
   * The shapes it is rendered for. A rule on what admission plugins fill in (LimitRange defaults)
   * holds Pods only: the plugins mutate Pods, not the templates of their controllers.
   */
  readonly shapes: readonly PodShape[];
  readonly validation: (model: PolicyModel) => PolicyValidation;
}

const uid = (c: string) => `(has(${c}.securityContext) && has(${c}.securityContext.runAsUser) ? ${c}.securityContext.runAsUser : `
  + '(has(variables.spec.securityContext) && has(variables.spec.securityContext.runAsUser) ? variables.spec.securityContext.runAsUser : 0))';

/** The rule base. */
export const RULE_DEFINITIONS: readonly RuleDefinition[] = [
  {
    rule: WasmPolicyRule.RUNTIME_CLASS,
    summary: 'a Wasm pod sets a runtimeClassName among the app\'s Wasm RuntimeClasses',
    dependsOn: [],
    needsRepositories: true,
    tenantsOnly: false,
    shapes: PodShape.all(),
    validation: m => ({
      expression: '!(variables.wasmImage || variables.marked) || variables.wasmClass',
      message: `${WasmPolicyRule.RUNTIME_CLASS.ruleName}: a Wasm pod (an image of ${m.repositories.join(', ') || 'no repository'} or the label ${WASM_POD_LABEL}=true) `
        + `must set spec.runtimeClassName to a Wasm RuntimeClass (${m.wasmClasses.join(', ') || 'none declared'}); `
        + 'fix: set runtimeClassName (WasmDeployment does), or take the image out of the Wasm repositories',
    }),
  },
  {
    rule: WasmPolicyRule.WASM_ONLY_NODES,
    summary: 'a pod that tolerates the cdk8s-wasm-edge.io/wasm-only taint (or names a Wasm-only node) is a Wasm pod',
    dependsOn: [WasmPolicyRule.RUNTIME_CLASS],
    needsRepositories: false,
    tenantsOnly: false,
    shapes: PodShape.all(),
    validation: m => ({
      expression: '!((has(variables.spec.tolerations) && variables.spec.tolerations.exists(t, '
        + "(has(t.key) && t.key == 'cdk8s-wasm-edge.io/wasm-only' && (!has(t.effect) || t.effect == '' || t.effect == 'NoSchedule')) "
        + "|| (!has(t.key) || t.key == '') && has(t.operator) && t.operator == 'Exists' && (!has(t.effect) || t.effect == '' || t.effect == 'NoSchedule')))"
        + (m.wasmOnlyNodes.length > 0 ? ` || (has(variables.spec.nodeName) && variables.spec.nodeName in ${celList(m.wasmOnlyNodes)})` : '')
        + ') || variables.wasmClass'
        + ((m.nodeClasses ?? []).length > 0 ? ` || variables.runtimeClass in ${celList(m.nodeClasses!)}` : ''),
      message: `${WasmPolicyRule.WASM_ONLY_NODES.ruleName}: a pod that tolerates the taint cdk8s-wasm-edge.io/wasm-only:NoSchedule `
        + `or names a Wasm-only node must set spec.runtimeClassName to a Wasm RuntimeClass (${m.wasmClasses.join(', ') || 'none declared'}); `
        + 'fix: drop the toleration (Linux pods belong on other nodes), or run the pod as Wasm',
    }),
  },
  {
    rule: WasmPolicyRule.POD_SECURITY,
    summary: 'a Wasm pod runs every container as a numeric non-root uid, read-only root filesystem, no privilege escalation',
    dependsOn: [],
    needsRepositories: true,
    tenantsOnly: false,
    shapes: PodShape.all(),
    validation: () => ({
      expression: '!(variables.wasmClass || variables.wasmImage || variables.marked) || variables.containers.all(c, '
        + `${uid('c')} > 0 `
        + '&& has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true '
        + '&& has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false)',
      message: `${WasmPolicyRule.POD_SECURITY.ruleName}: every container of a Wasm pod must run as a numeric non-root uid (runAsUser > 0 on the container or the pod), `
        + 'with readOnlyRootFilesystem: true and allowPrivilegeEscalation: false; fix: set them in securityContext (WasmDeployment does)',
    }),
  },
  {
    rule: WasmPolicyRule.CRUN_VARIANT,
    summary: 'a pod on a crun class carries module.wasm.image/variant: compat or compat-smart',
    dependsOn: [WasmPolicyRule.RUNTIME_CLASS],
    needsRepositories: false,
    tenantsOnly: false,
    shapes: PodShape.all(),
    validation: m => ({
      expression: `!(variables.runtimeClass in ${celList(m.crunClasses)}) `
        + "|| ('module.wasm.image/variant' in variables.annotations && variables.annotations['module.wasm.image/variant'] in ['compat', 'compat-smart'])",
      message: `${WasmPolicyRule.CRUN_VARIANT.ruleName}: a pod on a crun RuntimeClass (${m.crunClasses.join(', ') || 'none declared'}) must carry the annotation `
        + 'module.wasm.image/variant: compat (Wasm only) or compat-smart (Wasm beside Linux containers), or crun runs it as a Linux container; '
        + 'fix: annotate the pod template (WasmDeployment does)',
    }),
  },
  {
    rule: WasmPolicyRule.TENANT_LIMITS,
    summary: 'every container of a pod in a function tenant\'s namespace declares CPU and memory limits',
    dependsOn: [],
    needsRepositories: false,
    tenantsOnly: true,
    // The LimitRanger fills in default limits on Pods only (kubernetes plugin/pkg/admission/limitranger/
    // admission.go, SupportsAttributes): a Deployment of a tenant namespace without limits is fine.
    shapes: [PodShape.POD],
    validation: () => ({
      expression: "variables.containers.all(c, has(c.resources) && has(c.resources.limits) && 'cpu' in c.resources.limits && 'memory' in c.resources.limits)",
      message: `${WasmPolicyRule.TENANT_LIMITS.ruleName}: every container of a pod in a function tenant's namespace must declare resources.limits.cpu and `
        + 'resources.limits.memory; fix: set the limits (ServerlessFunction does)',
    }),
  },
];

/** The definition of a rule. */
export function definitionOf(rule: WasmPolicyRule): RuleDefinition {
  return RULE_DEFINITIONS.find(d => d.rule === rule)!;
}
