/**
 * The rules as Kyverno ClusterPolicies (kyverno.io/v1, `validate.cel`, Kyverno v1.19): one policy
 * per rule, one Kyverno rule per pod shape (so that each expression reads the pod where that family
 * of kinds keeps it), with the rule base's CEL verbatim.
 *
 * Kyverno evaluates `validate.cel` with the Kubernetes ValidatingAdmissionPolicy validator: `object`,
 * `oldObject`, `request`, `namespaceObject`, `authorizer` and `variables` are bound as in a
 * ValidatingAdmissionPolicy, so the rule base's `variables.*` read the same
 * (kyverno/kyverno v1.19.0 pkg/engine/handlers/validation/validate_cel.go:115-193, the namespace
 * fetched at 144-165; pkg/admissionpolicy/compiler.go:24-45). `validate.cel.generate` stays at its
 * default, false: Kyverno evaluates the rules itself instead of generating a ValidatingAdmissionPolicy
 * (api/kyverno/v1/common_types.go:593-598, validate_cel.go:72-77).
 *
 * The ClusterPolicy CRD (1.4 MB) has no generated class: the objects are a typed subset, validated
 * against the full CRD in the tests.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { KyvernoPolicyOptions, PolicyRule } from './policy-engine';
import { PodKind, PodShape, PolicyAction } from './policy-rule';
import { ClusterScopedObject } from '../private/cluster-object';
import { propError } from '../private/errors';

/**
 * The annotation that tells Kyverno which pod controllers to write rules for from a Pod rule.
 * `none`: the policies carry their own rules for every pod shape, Kyverno adds none on top
 * (kyverno/kyverno v1.19.0 api/kyverno/constants.go:14, pkg/autogen/v1/autogen.go:218-239; `all` is
 * refused, api/kyverno/v1/utils.go:31-39).
 */
export const KYVERNO_AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

/** Kyverno limits policy names to 63 characters (they become report labels: api/kyverno/v1/utils.go:41-48). */
const MAX_POLICY_NAME = 63;

/** The typed subset of a ClusterPolicy rule this renderer writes. */
interface KyvernoRule {
  readonly name: string;
  readonly match: {
    readonly any: {
      readonly resources: { readonly kinds: string[]; readonly operations: string[]; readonly namespaceSelector: object };
    }[];
  };
  readonly validate: {
    readonly failureAction: 'Enforce' | 'Audit';
    readonly cel: {
      readonly variables: { readonly name: string; readonly expression: string }[];
      readonly expressions: { readonly expression: string; readonly message: string }[];
    };
  };
}

/**
 * A kind in Kyverno's `match.resources.kinds` notation: `group/version/Kind`, or `version/Kind` for
 * the core group (a leading version means "any group", pkg/utils/kube/kind.go:12-48).
 */
export function kyvernoKind(kind: PodKind): string {
  return kind.apiGroup === '' ? `${kind.apiVersion}/${kind.kind}` : `${kind.apiGroup}/${kind.apiVersion}/${kind.kind}`;
}

/**
 * The per-rule `validate.failureAction` of an action: `Enforce` refuses, `Audit` admits and reports
 * (api/kyverno/v1/common_types.go:466-474). The rule's own action wins over the deprecated
 * `spec.validationFailureAction` (pkg/engine/api/engineresponse.go:246-256) and puts the policy among
 * the enforcing ones (pkg/policycache/store.go:114-119).
 */
export function kyvernoFailureAction(action: PolicyAction): 'Enforce' | 'Audit' {
  return action === PolicyAction.DENY ? 'Enforce' : 'Audit';
}

/** The name of the Kyverno rule of a shape, e.g. `wasm-runtime-class-pod-template` (at most 63 characters: the CRD's limit). */
export function kyvernoRuleName(rule: PolicyRule, shape: PodShape): string {
  return `${rule.ruleName}-${shape.name}`;
}

/** The rules as Kyverno ClusterPolicies (kyverno.io/v1, validate.cel). */
export function renderKyverno(scope: Construct, rules: PolicyRule[], options: KyvernoPolicyOptions): ApiObject[] {
  const background = options.background ?? true;
  if (typeof background !== 'boolean') {
    throw propError(scope, 'engine.background', background, 'is not a boolean', 'use true (report existing resources) or false');
  }
  return rules.map(rule => {
    if (rule.objectName.length > MAX_POLICY_NAME) {
      throw propError(scope, 'namePrefix', rule.objectName, `makes a ClusterPolicy name longer than Kyverno's ${MAX_POLICY_NAME} characters`,
        `shorten the prefix to at most ${MAX_POLICY_NAME - rule.ruleName.length - 1} characters`);
    }
    const failureAction = kyvernoFailureAction(rule.action);
    return new ClusterScopedObject(scope, rule.ruleName, {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: {
        name: rule.objectName,
        labels: { 'app.kubernetes.io/managed-by': 'cdk8s-wasm-edge', 'cdk8s-wasm-edge.io/policy-rule': rule.ruleName },
        annotations: {
          [KYVERNO_AUTOGEN_ANNOTATION]: 'none',
          'policies.kyverno.io/description': rule.summary,
        },
      },
      spec: {
        background,
        // Warn is Audit plus emitWarning: Kyverno then evaluates the Audit policy during admission
        // (pkg/webhooks/resource/handlers.go:311-313, pkg/webhooks/resource/validation/validation.go:127-170)
        // and returns each failed rule's message as an API warning, passing rules none
        // (pkg/engine/api/ruleresponse.go:71-83, pkg/webhooks/utils/warning.go:9-20; api/kyverno/v1/spec_types.go:74-78).
        emitWarning: rule.action === PolicyAction.WARN,
        rules: Lazy.any({
          produce: () => {
            const v = rule.validation();
            return rule.shapes.map((shape): KyvernoRule => ({
              name: kyvernoRuleName(rule, shape),
              match: {
                any: [{
                  resources: {
                    kinds: shape.kinds.map(kyvernoKind),
                    // Background scans evaluate existing resources as CREATE (pkg/controllers/report/utils/scanner.go:352).
                    operations: ['CREATE', 'UPDATE'],
                    namespaceSelector: rule.namespaces.toSelector(),
                  },
                }],
              },
              validate: {
                failureAction,
                cel: {
                  variables: rule.variables(shape).map(x => ({ name: x.name, expression: x.expression })),
                  expressions: [{ expression: v.expression, message: v.message }],
                },
              },
            }));
          },
        }),
      },
    });
  });
}
