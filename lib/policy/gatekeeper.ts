/**
 * The rules as Gatekeeper ConstraintTemplates (templates.gatekeeper.sh/v1, the `K8sNativeValidation`
 * CEL engine, Gatekeeper v3.23) and one Constraint each.
 *
 * A template's code needs no Rego: Gatekeeper runs a template with the driver its `code[]` names
 * (open-policy-agent/frameworks at Gatekeeper v3.23.0's pin e1eaa1bf6d62, constraint/pkg/client/client.go:77-92,
 * driverForTemplate, refusing only a template with no known engine at 186-191; `rego` is a shorthand
 * for a `Rego` code entry, constraint/pkg/apis/templates/v1/conversion.go), and the CEL driver is on
 * by default (gatekeeper v3.23.0 main.go:124, `--enable-k8s-native-validation=true`).
 *
 * Gatekeeper v3.23 also generates a ValidatingAdmissionPolicy from such a template unless told not
 * to (pkg/controller/constraint/constraint_controller.go:83, 515-523); the expressions are the same
 * and the API server exposes `object.kind` to CEL, so both enforce alike.
 *
 * The CEL driver binds `object`, `oldObject`, `request`, `namespaceObject` and `variables` as a
 * ValidatingAdmissionPolicy does, compiled without a schema (gatekeeper v3.23.0
 * pkg/drivers/k8scel/driver.go:74-137), plus `variables.params` (the Constraint's parameters) and
 * `variables.anyObject` (the object, or oldObject on DELETE), placed before the template's own
 * variables (pkg/drivers/k8scel/transform/cel_snippets.go:214-262, driver.go:88-99) under names a
 * template may not define (pkg/drivers/k8scel/schema/schema.go:16-25, 116-131). One template serves every kind its
 * Constraint matches, so the variables that say where the pod lies choose by `object.kind` at run
 * time among the rule base's pod shapes.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { GatekeeperPolicyOptions, PolicyRule } from './policy-engine';
import { celList, celString, PodShape, PolicyAction, PolicyVariable } from './policy-rule';
import type * as gkT from '../imports/gatekeeper';
import { ClusterScopedObject, clusterScoped } from '../private/cluster-object';
import { propError } from '../private/errors';
import { lazyExports } from '../private/lazy';

const { ConstraintTemplate, ConstraintTemplateSpecTargetsOperations } = lazyExports(
  (): typeof import('../imports/gatekeeper') => require('../imports/gatekeeper'));

/** The API group of the kinds Gatekeeper creates from templates (frameworks constraint/pkg/apis/constraints). */
export const GATEKEEPER_CONSTRAINT_API_VERSION = 'constraints.gatekeeper.sh/v1beta1';
/** The admission target of Gatekeeper's Kubernetes validation. */
export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';
/** The CEL engine of a template's `code[]` (pkg/drivers/k8scel/schema/schema.go:18). */
export const K8S_NATIVE_VALIDATION = 'K8sNativeValidation';

/** Names the CEL driver keeps for itself (pkg/drivers/k8scel/schema/schema.go:19-25). */
const RESERVED_VARIABLES = ['params', 'anyObject'];
const RESERVED_PREFIX = 'gatekeeper_internal_';

/** A generated Constraint CRD limits names to 63 characters (frameworks constraint/pkg/client/crds/schema.go:47-58). */
const MAX_CONSTRAINT_NAME = 63;

/**
 * The enforcementAction of an action: `deny` refuses, `warn` admits with a warning, `dryrun` admits
 * and leaves the violation to the audit (gatekeeper v3.23.0 pkg/util/enforcement_action.go:15-22).
 */
export function gatekeeperEnforcementAction(action: PolicyAction): string {
  switch (action) {
    case PolicyAction.DENY: return 'deny';
    case PolicyAction.WARN: return 'warn';
    default: return 'dryrun';
  }
}

/**
 * The Constraint kind of a rule, in Gatekeeper's CamelCase (`wasm-edge.wasm-runtime-class` →
 * `WasmEdgeWasmRuntimeClass`). Gatekeeper makes the CRD's plural the lowercase kind
 * (constraint/pkg/client/crds/crds.go:30-37), which the API server takes only as a DNS-1035 label.
 */
export function gatekeeperKind(objectName: string): string {
  return objectName.split(/[-.]/).filter(p => p !== '').map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/** The CEL test that an object is of one of a shape's kinds. */
function kindTest(shape: PodShape): string {
  const kinds = [...new Set(shape.kinds.map(k => k.kind))];
  return kinds.length === 1 ? `object.kind == ${celString(kinds[0])}` : `object.kind in ${celList(kinds)}`;
}

/**
 * The rule's variables for every shape at once: a variable whose expression differs by shape picks
 * the shape's expression by `object.kind` (the last shape is the fallback; the Constraint matches
 * no other kind). The driver compiles `object` as dyn, so the branches need not share a type.
 */
export function gatekeeperVariables(rule: PolicyRule): PolicyVariable[] {
  const shapes = rule.shapes;
  const perShape = shapes.map(s => rule.variables(s));
  const names = perShape[0].map(v => v.name);
  perShape.forEach((vars, i) => {
    if (vars.map(v => v.name).join(',') !== names.join(',')) {
      throw new Error(`rule ${rule.ruleName}: the variables of shape ${shapes[i].name} differ from those of ${shapes[0].name}`);
    }
  });
  return names.map((name, i) => {
    if (RESERVED_VARIABLES.includes(name) || name.startsWith(RESERVED_PREFIX)) {
      throw new Error(`rule ${rule.ruleName}: variable "${name}" is reserved by Gatekeeper's CEL driver`);
    }
    const exprs = perShape.map(vars => vars[i].expression);
    if (exprs.every(e => e === exprs[0])) return { name, expression: exprs[0] };
    let expression = `(${exprs[exprs.length - 1]})`;
    for (let j = shapes.length - 2; j >= 0; j--) expression = `${kindTest(shapes[j])} ? (${exprs[j]}) : ${expression}`;
    return { name, expression };
  });
}

/** `spec.match.kinds` of a rule's Constraint: one entry per API group, kinds sorted. */
export function gatekeeperMatchKinds(shapes: PodShape[]): { apiGroups: string[]; kinds: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const k of shapes.flatMap(s => s.kinds)) {
    if (!groups.has(k.apiGroup)) groups.set(k.apiGroup, new Set());
    groups.get(k.apiGroup)!.add(k.kind);
  }
  return [...groups.keys()].sort().map(g => ({ apiGroups: [g], kinds: [...groups.get(g)!].sort() }));
}

/** The rules as Gatekeeper ConstraintTemplates (K8sNativeValidation) and Constraints. */
export function renderGatekeeper(scope: Construct, rules: PolicyRule[], options: GatekeeperPolicyOptions): ApiObject[] {
  const audit = options.audit ?? true;
  if (typeof audit !== 'boolean') {
    throw propError(scope, 'engine.audit', audit, 'is not a boolean', 'use true (Gatekeeper audits existing resources) or false');
  }
  const out: ApiObject[] = [];
  for (const rule of rules) {
    const kind = gatekeeperKind(rule.objectName);
    const plural = kind.toLowerCase();
    if (plural.length > 63 || !/^[a-z][a-z0-9]*$/.test(plural)) {
      throw propError(scope, 'namePrefix', rule.objectName, `gives the Constraint kind "${kind}", whose lowercase form must be a DNS-1035 label `
        + 'of at most 63 characters (the plural of the CRD Gatekeeper creates)', 'use a shorter prefix that starts with a letter');
    }
    if (rule.objectName.length > MAX_CONSTRAINT_NAME) {
      throw propError(scope, 'namePrefix', rule.objectName, `makes a Constraint name longer than Gatekeeper's ${MAX_CONSTRAINT_NAME} characters`,
        `shorten the prefix to at most ${MAX_CONSTRAINT_NAME - rule.ruleName.length - 1} characters`);
    }
    const action = gatekeeperEnforcementAction(rule.action);
    if (!audit && rule.action === PolicyAction.AUDIT) {
      throw propError(scope, 'engine.audit', false, `leaves nothing to record the violations of rule ${rule.ruleName} (action Audit is Gatekeeper's dryrun, `
        + 'which only the audit reports)', 'keep audit on, or give the rule the action Deny or Warn');
    }
    const labels = { 'app.kubernetes.io/managed-by': 'cdk8s-wasm-edge', 'cdk8s-wasm-edge.io/policy-rule': rule.ruleName };
    const code: gkT.ConstraintTemplateSpecTargetsCode = {
      engine: K8S_NATIVE_VALIDATION,
      source: Lazy.any({
        produce: () => {
          const v = rule.validation();
          return {
            // An expression that cannot be evaluated refuses the object, as in the VAP renderer.
            failurePolicy: 'Fail',
            variables: gatekeeperVariables(rule),
            validations: [{ expression: v.expression, message: v.message }],
          };
        },
      }),
    };
    out.push(clusterScoped(new ConstraintTemplate(scope, `${rule.ruleName}-template`, {
      // Gatekeeper refuses a template not named after its kind in lowercase
      // (frameworks constraint/pkg/client/client.go:928-941, validateTemplateMetadata).
      metadata: { name: plural, labels, annotations: { description: rule.summary } },
      spec: {
        crd: { spec: { names: { kind } } },
        targets: [{
          target: GATEKEEPER_TARGET,
          // Without operations a template also runs on DELETE, where `object` is null
          // (frameworks constraint/pkg/client/template_client.go:194-215; driver.go:178-186).
          operations: [ConstraintTemplateSpecTargetsOperations.CREATE, ConstraintTemplateSpecTargetsOperations.UPDATE],
          code: [code],
        }],
      },
    })));
    // audit: false keeps the Constraint to the admission webhook: a scoped Constraint is skipped at
    // every enforcement point it does not list (frameworks constraint/pkg/client/constraint_client.go:36-55;
    // enforcement points in gatekeeper pkg/util/enforcement_action.go:24-39).
    const enforcement = audit
      ? { enforcementAction: action }
      : { enforcementAction: 'scoped', scopedEnforcementActions: [{ action, enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] }] };
    out.push(new ClusterScopedObject(scope, `${rule.ruleName}-constraint`, {
      apiVersion: GATEKEEPER_CONSTRAINT_API_VERSION,
      kind,
      metadata: { name: rule.objectName, labels },
      spec: Object.assign({}, enforcement, {
        match: {
          kinds: gatekeeperMatchKinds(rule.shapes),
          // The webhook reads the request's Namespace from the API when its cache lacks it
          // (pkg/webhook/policy.go:692-704), so a selector needs no excludedNamespaces beside it.
          namespaceSelector: rule.namespaces.toSelector(),
        },
      }),
    }));
  }
  return out;
}
