import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { KyvernoPolicyOptions, PolicyRule } from './policy-engine';

/** The rules as Kyverno ClusterPolicies (kyverno.io/v1, validate.cel). */
export function renderKyverno(_scope: Construct, _rules: PolicyRule[], _options: KyvernoPolicyOptions): ApiObject[] {
  throw new Error('PolicyEngine.kyverno() is being written (issue 13): use PolicyEngine.validatingAdmissionPolicy()');
}
