import { Chart, Testing } from 'cdk8s';
import { asCronJob, asDeployment, goodPod, linuxPod, MODEL, MUTATIONS } from './fixtures';
import { PolicyRule } from '../../lib/policy/policy-engine';
import { PolicyNamespaces } from '../../lib/policy/policy-namespaces';
import { definitionOf, PodShape, PolicyAction, WasmPolicyRule } from '../../lib/policy/policy-rule';
import { renderValidatingAdmissionPolicy, resourceRules } from '../../lib/policy/validating-admission-policy';
import { evaluate } from '../../lib/private/cel';
import { admissionCelProblems } from '../util/cel';
import { validateObjects } from '../util/validate';

function render(action = PolicyAction.DENY, namespaces = PolicyNamespaces.all()): any[] {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
  const rules = WasmPolicyRule.all().map(rule => PolicyRule._create(rule, { objectName: `wasm-edge.${rule.ruleName}`, action, namespaces, model: () => MODEL }));
  renderValidatingAdmissionPolicy(chart, rules);
  return Testing.synth(chart);
}

/** Whether the synthesized policy named `name` admits `object` (its own variables and validations, as the API server reads them). */
function admittedBy(objects: any[], name: string, object: any): boolean {
  const policy = objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === name);
  return policy.spec.validations.every((v: any) => {
    const out = evaluate(policy.spec.variables, v.expression, object);
    if (out.error !== undefined) throw new Error(out.error);
    return out.value === true;
  });
}

describe('ValidatingAdmissionPolicy renderer', () => {
  const objects = render();

  test('a namePrefix that makes a name longer than 253 characters is refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    const rule = PolicyRule._create(WasmPolicyRule.RUNTIME_CLASS, {
      objectName: `${'a'.repeat(230)}.wasm-runtime-class`, action: PolicyAction.DENY, namespaces: PolicyNamespaces.all(), model: () => MODEL,
    });
    expect(() => renderValidatingAdmissionPolicy(chart, [rule])).toThrow(/namePrefix=.*characters long. Fix: shorten it by \d+ characters/);
  });

  test('every object validates, cluster-scoped (no namespace), and matches the snapshot', () => {
    validateObjects(objects);
    for (const o of objects) expect(o.metadata.namespace).toBeUndefined();
    expect(objects).toMatchSnapshot();
  });

  test('one policy and one binding per rule and shape, the binding naming its policy', () => {
    // tenant-resource-limits holds Pods only (LimitRange defaults are filled in on Pods).
    expect(objects).toHaveLength((4 * 3 + 1) * 2);
    for (const rule of WasmPolicyRule.all()) {
      for (const shape of definitionOf(rule).shapes) {
        const name = `wasm-edge.${rule.ruleName}.${shape.name}`;
        const binding = objects.find(o => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === name);
        expect(binding.spec.policyName).toBe(name);
        expect(binding.spec.validationActions).toEqual(['Deny']);
        expect(binding.spec.matchResources.namespaceSelector).toEqual(PolicyNamespaces.all().toSelector());
      }
    }
  });

  test('each shape matches its kinds on CREATE and UPDATE, grouped by API group', () => {
    expect(resourceRules(PodShape.POD)).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }]);
    expect(resourceRules(PodShape.POD_TEMPLATE)).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['replicationcontrollers'] },
      { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs'] },
    ]);
    expect(resourceRules(PodShape.CRON_JOB)).toEqual([{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['cronjobs'] }]);
  });

  test('failurePolicy Fail, reason Forbidden, and expressions in the admission subset', () => {
    for (const p of objects.filter(o => o.kind === 'ValidatingAdmissionPolicy')) {
      expect(p.spec.failurePolicy).toBe('Fail');
      for (const v of [...p.spec.variables, ...p.spec.validations]) expect(admissionCelProblems(v.expression)).toEqual([]);
      expect(p.spec.validations.map((v: any) => v.reason)).toEqual(['Forbidden']);
    }
  });

  test.each([[PolicyAction.WARN, 'Warn'], [PolicyAction.AUDIT, 'Audit']])('action %s becomes validationActions [%s]', (action, expected) => {
    const bindings = render(action).filter(o => o.kind === 'ValidatingAdmissionPolicyBinding');
    for (const b of bindings) expect(b.spec.validationActions).toEqual([expected]);
  });

  const wraps: [PodShape, (p: any) => any][] = [[PodShape.POD, p => p], [PodShape.POD_TEMPLATE, asDeployment], [PodShape.CRON_JOB, asCronJob]];
  describe.each(wraps.map(([s, w]) => [s.name, w] as const))('the synthesized CEL (%s)', (shapeName, wrap) => {
    test('admits the hardened Wasm pod and a Linux pod under every rule of the shape', () => {
      for (const rule of WasmPolicyRule.all().filter(r => definitionOf(r).shapes.some(sh => sh.name === shapeName))) {
        expect(admittedBy(objects, `wasm-edge.${rule.ruleName}.${shapeName}`, wrap(goodPod()))).toBe(true);
        expect(admittedBy(objects, `wasm-edge.${rule.ruleName}.${shapeName}`, wrap(linuxPod()))).toBe(true);
      }
    });
    test.each(MUTATIONS)('refuses under %s: %s (or has no policy for the shape)', (rule, _what, mutate) => {
      const pod = goodPod();
      mutate(pod);
      const name = `wasm-edge.${rule}.${shapeName}`;
      if (!definitionOf(WasmPolicyRule.of(rule)).shapes.some(sh => sh.name === shapeName)) {
        expect(objects.find(o => o.metadata.name === name)).toBeUndefined();
        return;
      }
      expect(admittedBy(objects, name, wrap(pod))).toBe(false);
    });
  });
});
