import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { parseImage } from './image-verification';
import { operatorPodModel } from './operator-pods';
import { PolicyEngine, PolicyRule } from './policy-engine';
import { PolicyNamespaces } from './policy-namespaces';
import { definitionOf, PodShape, PolicyAction, PolicyModel, WasmPolicyRule } from './policy-rule';
import { IntegrationRoute, WASM_ONLY_TAINT_KEY, WasmRuntime } from '../core/runtime';
import { IRuntimeClass } from '../core/runtime-class-ref';
import { EdgeOfflineNode } from '../node/edge-offline-node';
import { appIndex, AppView, Derived, REGISTERED_CHECK, Report } from '../private/app-checks';
import { clusterKey } from '../private/app-checks/clusters';
import { evaluate } from '../private/cel';
import { checkDns1123Subdomain, propError } from '../private/errors';
import { warn } from '../private/warnings';
import { FUNCTION_TENANT_LABEL, FunctionTenant } from '../tenant';
import { WasmDeployment } from '../wasm-deployment';

/** Props of `WasmPolicies`. */
export interface WasmPoliciesProps {
  /**
   * The admission engine.
   *
   * @default PolicyEngine.validatingAdmissionPolicy() - built into the API server (Kubernetes 1.30+), nothing to run on the node
   */
  readonly engine?: PolicyEngine;

  /**
   * The repositories Wasm images come from (`registry/path`, matched with any tag or digest) or
   * prefixes (ending in `/`, e.g. `registry.example.com/wasm/`): a pod with an image from them is a
   * Wasm pod. Matched as written: `docker.io/library/x` and `x` are different strings to the rules.
   *
   * @default - the repositories of the Wasm images of the app's workloads (WasmDeployment Wasm
   * containers, SpinKube and OpenFaaS function images), read at synth
   */
  readonly wasmImageRepositories?: string[];

  /**
   * What the engine does with an object a rule refuses.
   *
   * @default PolicyAction.DENY
   */
  readonly action?: PolicyAction;

  /**
   * The action per rule name (e.g. `{ 'wasm-only-nodes': PolicyAction.WARN }`), over `action`.
   *
   * @default - `action` for every rule
   */
  readonly ruleActions?: { [ruleName: string]: PolicyAction };

  /**
   * The namespaces the rules apply in. The `tenant-resource-limits` rule applies in those of them that
   * carry the function-tenant label (`cdk8s-wasm-edge.io/function-tenant: "true"`, set by
   * FunctionTenant on the namespaces it creates).
   *
   * @default PolicyNamespaces.all() - every namespace but kube-system, kube-public and kube-node-lease
   */
  readonly namespaces?: PolicyNamespaces;

  /**
   * Rules left out.
   *
   * @default - none: every rule of the rule base
   */
  readonly disabledRules?: WasmPolicyRule[];

  /**
   * The first part of every object name (`<namePrefix>.<rule>`), a DNS-1123 subdomain.
   *
   * @default "wasm-edge"
   */
  readonly namePrefix?: string;

  /**
   * Wasm RuntimeClasses beyond the app's own (e.g. classes a platform team manages).
   *
   * @default - none: the app's RuntimeClasses and the classes its workloads use
   */
  readonly runtimeClasses?: IRuntimeClass[];
}

/**
 * Admission rules derived from the app: its Wasm RuntimeClasses, Wasm image repositories, Wasm-only
 * nodes and function tenants, rendered by one engine (ValidatingAdmissionPolicy, Kyverno or
 * Gatekeeper) from one CEL rule base (`WasmPolicyRule`).
 *
 * At synth the library evaluates every rule against every pod and pod template the app emits (in
 * the namespaces the rule applies in): a workload its own policy would refuse is an error (Deny) or
 * a warning (Warn, Audit) naming the workload, the rule and the fix, before the YAML is committed.
 */
export class WasmPolicies extends Construct {
  /** The engine that renders the rules. */
  public readonly engine: PolicyEngine;
  /** The rules, as configured. */
  public readonly rules: PolicyRule[];
  /** The engine's objects. */
  public readonly apiObjects: ApiObject[];

  private readonly repositories?: string[];
  private readonly extraClasses: IRuntimeClass[];
  private readonly modelOf: Derived<PolicyModel>;

  constructor(scope: Construct, id: string, props: WasmPoliciesProps = {}) {
    super(scope, id);
    this.engine = props.engine ?? PolicyEngine.validatingAdmissionPolicy();
    if (!(this.engine instanceof PolicyEngine)) {
      throw propError(this, 'engine', props.engine, 'is not a PolicyEngine', 'use PolicyEngine.validatingAdmissionPolicy(), kyverno() or gatekeeper()');
    }
    const action = props.action ?? PolicyAction.DENY;
    checkAction(this, 'action', action);
    const prefix = props.namePrefix ?? 'wasm-edge';
    checkDns1123Subdomain(this, 'namePrefix', prefix);
    const namespaces = props.namespaces ?? PolicyNamespaces.all();
    if (!(namespaces instanceof PolicyNamespaces)) {
      throw propError(this, 'namespaces', namespaces, 'is not a PolicyNamespaces', 'use PolicyNamespaces.all(), named([...]) or labelled({...})');
    }
    const disabled = new Set<WasmPolicyRule>();
    for (const [i, r] of (props.disabledRules ?? []).entries()) {
      if (!(r instanceof WasmPolicyRule)) {
        throw propError(this, `disabledRules[${i}]`, r, 'is not a WasmPolicyRule', `use one of WasmPolicyRule.${WasmPolicyRule.all().map(x => x.ruleName).join(', ')}`);
      }
      disabled.add(r);
    }
    const actions = props.ruleActions ?? {};
    for (const [name, a] of Object.entries(actions)) {
      if (!WasmPolicyRule.all().some(r => r.ruleName === name)) {
        throw propError(this, `ruleActions["${name}"]`, name, 'is not a rule of the rule base', `use one of ${WasmPolicyRule.all().map(r => r.ruleName).join(', ')}`);
      }
      checkAction(this, `ruleActions["${name}"]`, a);
    }
    if (props.wasmImageRepositories !== undefined) {
      if (!Array.isArray(props.wasmImageRepositories)) {
        throw propError(this, 'wasmImageRepositories', props.wasmImageRepositories, 'is not a list', 'give repositories, e.g. ["ghcr.io/acme/wasm/"]');
      }
      props.wasmImageRepositories.forEach((r, i) => checkRepository(this, `wasmImageRepositories[${i}]`, r));
    }
    this.repositories = props.wasmImageRepositories ? [...new Set(props.wasmImageRepositories)].sort() : undefined;
    this.extraClasses = [...(props.runtimeClasses ?? [])];
    this.extraClasses.forEach((c, i) => {
      if (!c || typeof c.runtimeClassName !== 'string' || !(c.runtime instanceof WasmRuntime)) {
        throw propError(this, `runtimeClasses[${i}]`, c, 'is not a RuntimeClass', 'use a RuntimeClass, or RuntimeClass.fromRuntimeClassName(...) for one that exists');
      }
    });

    const enabled = WasmPolicyRule.all().filter(r => !disabled.has(r));
    if (enabled.length === 0) {
      throw propError(this, 'disabledRules', [...disabled].map(r => r.ruleName), 'leaves no rule', 'enable at least one rule, or drop the WasmPolicies');
    }
    if (this.repositories && this.repositories.length === 0) {
      const needing = enabled.filter(r => definitionOf(r).needsRepositories).map(r => r.ruleName);
      if (needing.length > 0) {
        throw propError(this, 'wasmImageRepositories', [], `is empty, and the rules ${needing.join(', ')} tell Wasm pods by their image`,
          'name the repositories of your Wasm images, leave the prop out to take them from the app, or disable those rules');
      }
    }
    for (const r of enabled) {
      for (const dep of definitionOf(r).dependsOn) {
        if (disabled.has(dep)) {
          warn(this, 'disabledRules', dep.ruleName, `${r.ruleName} trusts runtimeClassName to tell Wasm pods, which only ${dep.ruleName} guarantees for Wasm images`,
            `enable ${dep.ruleName}, or disable ${r.ruleName} too`);
        }
      }
    }

    const index = appIndex(this);
    this.modelOf = new Derived<PolicyModel>(`the policy model of ${this.node.path}`, () => this.computeModel());
    const model = () => index.derived(this.modelOf);
    this.rules = enabled.map(rule => PolicyRule._create(rule, {
      objectName: `${prefix}.${rule.ruleName}`,
      action: actions[rule.ruleName] ?? action,
      namespaces: definitionOf(rule).tenantsOnly ? namespaces.withLabels({ [FUNCTION_TENANT_LABEL]: 'true' }) : namespaces,
      model,
    }));
    this.apiObjects = this.engine.bind(this, this.rules);
    index.add(REGISTERED_CHECK, { scope: this, name: 'the app admits its own workloads', check: (view, report) => this.checkApp(view, report) });
  }

  /**
   * The app's facts the rules read (computed at synth, once per check pass).
   *
   * @internal
   */
  public _model(): PolicyModel {
    return appIndex(this).derived(this.modelOf);
  }

  private computeModel(): PolicyModel {
    const index = appIndex(this);
    const cluster = clusterKey(index, this);
    const mine = this.node.root.node.findAll().filter(c => clusterKey(index, c) === cluster);
    const classes = new Map<string, WasmRuntime>();
    const repositories = new Set<string>(this.repositories ?? []);
    const nodes = new Set<string>();
    const tolerating = new Set<string>();
    const addClass = (c: IRuntimeClass) => {
      if (c.runtime.route !== IntegrationRoute.WASMEDGE_IN_IMAGE) classes.set(c.runtimeClassName, c.runtime);
    };
    this.extraClasses.forEach(addClass);
    for (const c of mine) {
      if (isRuntimeClassRef(c)) addClass(c);
      if (c instanceof WasmDeployment && c.runtimeClass && c.route !== IntegrationRoute.WASMEDGE_IN_IMAGE) {
        addClass(c.runtimeClass);
        if (!this.repositories) for (const w of c.wasmContainers) repositories.add(repositoryOf(w.image));
      }
      if (c instanceof EdgeOfflineNode && c.taints.some(t => t.key === WASM_ONLY_TAINT_KEY)) nodes.add(c.nodeName);
      // A class that tolerates the wasm-only taint puts its pods on Wasm-only nodes (the RuntimeClass
      // admission plugin adds the toleration to each pod): a GPU class for WasmEdge in a Linux image.
      if (c instanceof ApiObject && c.apiVersion === 'node.k8s.io/v1' && c.kind === 'RuntimeClass') {
        const json = c.toJson();
        if ((json.scheduling?.tolerations ?? []).some((t: any) => t.key === WASM_ONLY_TAINT_KEY)) tolerating.add(json.metadata?.name);
      }
      if (c instanceof ApiObject && !this.repositories && OPERATOR_IMAGE_KINDS.has(`${c.apiVersion}/${c.kind}`)) {
        const image = (c.toJson() as { spec?: { image?: unknown } }).spec?.image;
        if (typeof image === 'string') repositories.add(repositoryOf(image));
      }
      // A Knative Service on a RuntimeClass: its first container is the module (queue-proxy is Knative's).
      if (c instanceof ApiObject && !this.repositories && c.apiVersion === 'serving.knative.dev/v1' && c.kind === 'Service') {
        const spec = c.toJson().spec?.template?.spec;
        const image = spec?.runtimeClassName ? spec?.containers?.[0]?.image : undefined;
        if (typeof image === 'string') repositories.add(repositoryOf(image));
      }
    }
    const sorted = (s: Iterable<string>) => [...s].sort();
    return {
      wasmClasses: sorted(classes.keys()),
      crunClasses: sorted([...classes].filter(([, r]) => r.route === IntegrationRoute.CRUN).map(([n]) => n)),
      repositories: sorted(repositories),
      wasmOnlyNodes: sorted(nodes),
      nodeClasses: sorted([...tolerating].filter(n => typeof n === 'string' && !classes.has(n))),
    };
  }

  /** The self-check: every pod the app emits, against every rule in the namespaces it applies in. */
  private checkApp(view: AppView, report: Report): void {
    const model = this._model();
    const cluster = clusterKey(view, this);
    const needing = this.rules.filter(r => definitionOf(r.rule).needsRepositories).map(r => r.ruleName);
    if (model.repositories.length === 0 && needing.length > 0 && !this.repositories) {
      report.error(propError(this, 'wasmImageRepositories', [], `is empty: the app has no Wasm workload to take repositories from, and ${needing.join(', ')} tell Wasm pods by their image`,
        'name the repositories of your Wasm images (wasmImageRepositories), or disable those rules'));
      return;
    }
    const namespaceLabels = new Map<string, { [key: string]: string }>();
    const objects = view.ofType(ApiObject).filter(o => clusterKey(view, o) === cluster);
    for (const o of objects) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') {
        const json = o.toJson() as { metadata?: { name?: string; labels?: { [key: string]: string } } };
        if (json.metadata?.name) namespaceLabels.set(json.metadata.name, Object.assign({ 'kubernetes.io/metadata.name': json.metadata.name }, json.metadata.labels));
      }
    }
    // A tenant rule that selects no namespace of the app does nothing the app can see.
    const tenantRule = this.rules.find(r => r.rule === WasmPolicyRule.TENANT_LIMITS);
    const tenants = view.ofType(FunctionTenant).filter(t => clusterKey(view, t) === cluster);
    if (tenantRule && tenants.length === 0 && ![...namespaceLabels.values()].some(l => l[FUNCTION_TENANT_LABEL] === 'true')) {
      report.warn(this, {
        prop: 'disabledRules',
        value: [],
        problem: `rule ${tenantRule.ruleName} selects the namespaces labelled ${FUNCTION_TENANT_LABEL}=true, and the app has no FunctionTenant and no such namespace`,
        fix: 'disable it (disabledRules: [WasmPolicyRule.TENANT_LIMITS]) unless tenants are made outside this app',
      });
    }
    for (const t of tenants) {
      if (t.namespaceObject) continue;
      if (this.rules.some(r => r.rule === WasmPolicyRule.TENANT_LIMITS)) {
        report.warn(t, {
          prop: 'createNamespace',
          value: false,
          problem: `the tenant's namespace "${t.namespaceName}" is not created by the library, so it lacks the label ${FUNCTION_TENANT_LABEL}=true that rule tenant-resource-limits of ${this.node.path} selects`,
          fix: `label it: kubectl label namespace ${t.namespaceName} ${FUNCTION_TENANT_LABEL}=true, or let the tenant create it`,
        });
      }
    }
    // Pods in the objects, and the pods operators make from function objects (SpinApp, OpenFaaS
    // Function, Knative Service: lib/policy/operator-pods.ts, read from the operators' code).
    let allJson: any[] | undefined;
    const targets: { o: ApiObject; json: any; shape: PodShape; madeBy?: string }[] = [];
    for (const o of objects) {
      const shape = SHAPE_OF.get(`${o.apiVersion}/${o.kind}`);
      if (shape) {
        targets.push({ o, json: o.toJson(), shape });
      } else if (OPERATOR_KINDS.has(`${o.apiVersion}/${o.kind}`)) {
        allJson ??= objects.map(x => x.toJson());
        const made = operatorPodModel(o.toJson(), allJson);
        if (!made) continue;
        if (made.unresolved.length > 0) {
          report.warn(o.node.scope ?? o, {
            prop: 'policy',
            value: o.kind,
            problem: `the pods ${made.madeBy} makes from it depend on what the cluster holds (${made.unresolved.join('; ')}), so ${this.node.path} cannot check them at synth`,
            fix: 'emit those objects with the app, or check the pods on a cluster (kubectl apply --dry-run=server)',
          });
          continue;
        }
        for (const d of made.deployments) targets.push({ o, json: d, shape: PodShape.POD_TEMPLATE, madeBy: made.madeBy });
      }
    }
    // What admission plugins fill in on Pods before validating admission runs: the LimitRanger's
    // default limits and the RuntimeClass's scheduling.
    const limitRanges = new Map<string, any[]>();
    const runtimeClasses = new Map<string, any>();
    for (const o of objects) {
      if (o.kind === 'LimitRange' && o.apiVersion === 'v1') {
        const json = o.toJson();
        const ns = json.metadata?.namespace ?? 'default';
        limitRanges.set(ns, [...(limitRanges.get(ns) ?? []), json]);
      } else if (o.kind === 'RuntimeClass' && o.apiVersion === 'node.k8s.io/v1') {
        const json = o.toJson();
        runtimeClasses.set(json.metadata?.name, json);
      }
    }
    const reported = new Set<string>();
    for (const target of targets) {
      const { o, madeBy } = target;
      const ns = target.json.metadata?.namespace ?? o.toJson().metadata?.namespace ?? Chart.of(o).namespace ?? 'default';
      const labels = namespaceLabels.get(ns);
      // The object as admitted, and (for a controller) the Pods it creates, as admitted.
      const admit = (pod: any) => admittedPod(pod, ns, limitRanges.get(ns) ?? [], runtimeClasses);
      const pod = podOf(target.json, target.shape);
      const admitted: [PodShape, any][] = target.shape === PodShape.POD
        ? [[PodShape.POD, admit(target.json)]]
        : [[target.shape, target.json], ...(pod ? [[PodShape.POD, admit(pod)] as [PodShape, any]] : [])];
      for (const rule of this.rules) {
        const selected = rule.namespaces.selects(ns, labels);
        if (selected === false) continue;
        for (const [shape, json] of admitted) {
          if (!rule.shapes.includes(shape)) continue;
          const owner: IConstruct = o.node.scope ?? o;
          const key = `${owner.node.path}\n${rule.ruleName}`;
          if (reported.has(key)) break;
          const v = rule.validation();
          const outcome = evaluate(rule.variables(shape), v.expression, json);
          if (outcome.value === true) continue;
          reported.add(key);
          const why = outcome.error !== undefined ? `its evaluation fails (${outcome.error}), which refuses the object (failurePolicy Fail)` : v.message;
          const made = madeBy ? `the Deployment ${madeBy} makes from ${o.kind} "${o.name}"` : `${o.kind} "${target.json.metadata?.name ?? ''}"`;
          const what = shape === PodShape.POD && target.shape !== PodShape.POD ? `the Pods of ${made}` : made;
          const problem = `${what} in namespace "${ns}" would be refused by rule ${rule.ruleName} of ${this.node.path} (${this.engine.displayName}, ${rule.action}): ${why}`;
          const away = `take namespace "${ns}" out of the rule (namespaces, or disabledRules: [WasmPolicyRule.of("${rule.ruleName}")])`;
          const fix = madeBy
            ? `the operator decides these fields: use a backend whose pods the library hardens (FunctionBackend.KUBERNETES), or ${away}`
            : `change the workload, or ${away}`;
          if (selected === undefined) {
            // Selected by labels the app does not declare: the cluster's namespace decides.
            report.warn(owner, { prop: 'policy', value: rule.ruleName, problem: `if namespace "${ns}" carries the labels the rule selects, ${problem}`, fix });
          } else if (rule.action === PolicyAction.DENY) {
            report.error(propError(owner, 'policy', rule.ruleName, problem, fix));
          } else {
            report.warn(owner, { prop: 'policy', value: rule.ruleName, problem, fix });
          }
          break;
        }
      }
    }
  }
}

/** The Pod a controller creates from its template (undefined for a Pod). */
function podOf(json: any, shape: PodShape): any | undefined {
  if (shape === PodShape.POD) return undefined;
  const template = shape === PodShape.CRON_JOB ? json.spec?.jobTemplate?.spec?.template : json.spec?.template;
  if (!template?.spec) return undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: Object.assign({}, template.metadata), spec: template.spec };
}

/**
 * A Pod as validating admission sees it: mutating admission has filled in the namespace's
 * LimitRange defaults (the LimitRanger: kubernetes plugin/pkg/admission/limitranger/admission.go,
 * mergeContainerResources: a missing limit from the first LimitRange that has one) and the
 * RuntimeClass's scheduling (plugin/pkg/admission/runtimeclass/admission.go, setScheduling:
 * its nodeSelector merged in, its tolerations added).
 */
function admittedPod(pod: any, namespace: string, limitRanges: readonly any[], runtimeClasses: ReadonlyMap<string, any>): any {
  const copy = JSON.parse(JSON.stringify(pod));
  copy.metadata.namespace = namespace;
  const spec = copy.spec;
  const defaults: { [resource: string]: string } = {};
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container' || !item.default) continue;
      for (const [r, q] of Object.entries(item.default)) if (!(r in defaults)) defaults[r] = q as string;
    }
  }
  if (Object.keys(defaults).length > 0) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      c.resources = Object.assign({}, c.resources);
      c.resources.limits = Object.assign({}, defaults, c.resources.limits);
    }
  }
  const scheduling = spec.runtimeClassName ? runtimeClasses.get(spec.runtimeClassName)?.scheduling : undefined;
  if (scheduling?.nodeSelector) spec.nodeSelector = Object.assign({}, scheduling.nodeSelector, spec.nodeSelector);
  if (scheduling?.tolerations) spec.tolerations = [...(spec.tolerations ?? []), ...scheduling.tolerations];
  return copy;
}

/** The kinds whose objects hold a pod, by `apiVersion/kind`. */
const SHAPE_OF = new Map<string, PodShape>(PodShape.all().flatMap(s => s.kinds.map(k => [`${k.apiGroup ? `${k.apiGroup}/` : ''}${k.apiVersion}/${k.kind}`, s] as [string, PodShape])));

/** Function objects from which an operator makes the pods. */
const OPERATOR_KINDS = new Set(['core.spinkube.dev/v1alpha1/SpinApp', 'openfaas.com/v1/Function', 'serving.knative.dev/v1/Service']);

/** Function objects whose `spec.image` is a Wasm image (the operator makes the pods). */
const OPERATOR_IMAGE_KINDS = new Set(['core.spinkube.dev/v1alpha1/SpinApp', 'openfaas.com/v1/Function']);

function isRuntimeClassRef(c: IConstruct): c is IRuntimeClass {
  const r = c as Partial<IRuntimeClass>;
  return typeof r.runtimeClassName === 'string' && r.runtime instanceof WasmRuntime && typeof r.managed === 'boolean';
}

/** The repository of an image reference: without its digest and tag. */
export function repositoryOf(image: string): string {
  return parseImage(image).repository;
}

function checkAction(scope: IConstruct, prop: string, action: unknown): void {
  if (!Object.values(PolicyAction).includes(action as PolicyAction)) {
    throw propError(scope, prop, action, 'is not a PolicyAction', 'use PolicyAction.DENY, WARN or AUDIT');
  }
}

function checkRepository(scope: IConstruct, prop: string, repo: unknown): void {
  if (typeof repo !== 'string' || repo.length === 0 || repo.length > 255 || !/^[a-z0-9][a-z0-9._\-/:]*$/.test(repo) || repo.includes('//')) {
    throw propError(scope, prop, repo, 'is not an image repository or prefix (lowercase registry/path, e.g. "ghcr.io/acme/hello" or "ghcr.io/acme/")',
      'give the repository without tag or digest');
  }
  if (repositoryOf(repo) !== repo && !repo.endsWith('/')) {
    throw propError(scope, prop, repo, 'carries a tag or digest, so it would match only that tag', `give the repository "${repositoryOf(repo)}"`);
  }
}
