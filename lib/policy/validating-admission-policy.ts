/**
 * The rules as Kubernetes ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1): one policy
 * per rule and pod shape, so that each expression type-checks against the kinds it matches, and one
 * binding each, which carries the action and the namespaces.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.30.0/staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/typechecking.go
 */
import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import type { PolicyRule } from './policy-engine';
import { PodShape } from './policy-rule';
import { ClusterScopedObject } from '../private/cluster-object';
import { propError } from '../private/errors';

/** The resource rules of a shape: one per API group, operations CREATE and UPDATE. */
export function resourceRules(shape: PodShape): kplus.k8s.NamedRuleWithOperations[] {
  const groups = new Map<string, Set<string>>();
  const versions = new Map<string, Set<string>>();
  for (const k of shape.kinds) {
    if (!groups.has(k.apiGroup)) { groups.set(k.apiGroup, new Set()); versions.set(k.apiGroup, new Set()); }
    groups.get(k.apiGroup)!.add(k.resource);
    versions.get(k.apiGroup)!.add(k.apiVersion);
  }
  return [...groups.keys()].sort().map(g => ({
    apiGroups: [g],
    apiVersions: [...versions.get(g)!].sort(),
    operations: ['CREATE', 'UPDATE'],
    resources: [...groups.get(g)!].sort(),
  }));
}

/** The objects of the rules: a ValidatingAdmissionPolicy and its binding per rule and shape. */
export function renderValidatingAdmissionPolicy(scope: Construct, rules: PolicyRule[]): ApiObject[] {
  const out: ApiObject[] = [];
  for (const rule of rules) {
    for (const shape of rule.shapes) {
      const name = `${rule.objectName}.${shape.name}`;
      // metadata.name and the binding's policyName are DNS-1123 subdomains (at most 253 characters).
      if (name.length > 253) {
        throw propError(scope, 'namePrefix', rule.objectName.slice(0, -rule.ruleName.length - 1), `makes the policy name "${name.slice(0, 40)}..." ${name.length} characters long`,
          `shorten it by ${name.length - 253} characters: Kubernetes names are at most 253`);
      }
      const labels = { 'app.kubernetes.io/managed-by': 'cdk8s-wasm-edge', 'cdk8s-wasm-edge.io/policy-rule': rule.ruleName };
      const policySpec: kplus.k8s.ValidatingAdmissionPolicySpec = {
        // An expression that cannot be evaluated refuses the object (the rules guard every optional
        // field with has(), so an error means a malformed object).
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: resourceRules(shape) },
      };
      out.push(new ClusterScopedObject(scope, `${rule.ruleName}-${shape.name}`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name, labels },
        spec: Lazy.any({
          produce: () => {
            const v = rule.validation();
            return Object.assign({}, policySpec, {
              variables: rule.variables(shape),
              validations: [{ expression: v.expression, message: v.message, reason: 'Forbidden' }],
            });
          },
        }),
      }));
      const bindingSpec: kplus.k8s.ValidatingAdmissionPolicyBindingSpec = {
        policyName: name,
        validationActions: [rule.action],
        matchResources: { namespaceSelector: rule.namespaces.toSelector() },
      };
      out.push(new ClusterScopedObject(scope, `${rule.ruleName}-${shape.name}-binding`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name, labels },
        spec: bindingSpec,
      }));
    }
  }
  return out;
}
