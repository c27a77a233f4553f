import { MODEL } from './fixtures';
import { PolicyEngine, PolicyRule } from '../../lib/policy/policy-engine';
import { PolicyNamespaces } from '../../lib/policy/policy-namespaces';
import { PodShape, PolicyAction, policyVariables, WasmPolicyRule } from '../../lib/policy/policy-rule';

describe('PolicyEngine and PolicyRule', () => {
  test('the factories name their engines', () => {
    expect(PolicyEngine.validatingAdmissionPolicy().displayName).toBe('ValidatingAdmissionPolicy');
    expect(PolicyEngine.kyverno().displayName).toBe('Kyverno');
    expect(PolicyEngine.gatekeeper().displayName).toBe('Gatekeeper');
  });

  test('a PolicyRule carries its configuration and reads the model only when asked', () => {
    let reads = 0;
    const rule = PolicyRule._create(WasmPolicyRule.CRUN_VARIANT, {
      objectName: 'x.crun-wasm-variant', action: PolicyAction.WARN, namespaces: PolicyNamespaces.named(['a']), model: () => { reads++; return MODEL; },
    });
    expect(reads).toBe(0);
    expect([rule.ruleName, rule.objectName, rule.action, rule.shapes]).toEqual(['crun-wasm-variant', 'x.crun-wasm-variant', PolicyAction.WARN, PodShape.all()]);
    expect(rule.summary).toMatch(/module.wasm.image\/variant/);
    expect(rule.validation().expression).toContain("['crun-wasm']");
    expect(rule.variables(PodShape.POD)).toEqual(policyVariables(PodShape.POD, MODEL));
    expect(reads).toBe(2);
  });
});
