import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { GatekeeperPolicyOptions, PolicyRule } from './policy-engine';

/** The rules as Gatekeeper ConstraintTemplates (K8sNativeValidation) and Constraints. */
export function renderGatekeeper(_scope: Construct, _rules: PolicyRule[], _options: GatekeeperPolicyOptions): ApiObject[] {
  throw new Error('PolicyEngine.gatekeeper() is being written (issue 13): use PolicyEngine.validatingAdmissionPolicy()');
}
