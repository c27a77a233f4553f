import * as fc from 'fast-check';
import { asCronJob, asDeployment, goodPod, linuxPod, MODEL, MUTATIONS } from './fixtures';
import { celList, celString, definitionOf, PodShape, policyVariables, RULE_DEFINITIONS, WasmPolicyRule } from '../../lib/policy/policy-rule';
import { evaluate } from '../../lib/private/cel';
import { admissionCelProblems } from '../util/cel';

const WRAP: [PodShape, (p: any) => any][] = [[PodShape.POD, p => p], [PodShape.POD_TEMPLATE, asDeployment], [PodShape.CRON_JOB, asCronJob]];

function admits(ruleName: string, shape: PodShape, object: any, model = MODEL): unknown {
  const def = definitionOf(WasmPolicyRule.of(ruleName));
  const outcome = evaluate(policyVariables(shape, model), def.validation(model).expression, object);
  if (outcome.error !== undefined) throw new Error(outcome.error);
  return outcome.value;
}

describe('the rule base', () => {
  test('every rule is defined once, in rendering order', () => {
    expect(RULE_DEFINITIONS.map(d => d.rule)).toEqual(WasmPolicyRule.all());
    expect(WasmPolicyRule.all().map(r => r.ruleName)).toEqual(['wasm-runtime-class', 'wasm-only-nodes', 'wasm-pod-security', 'crun-wasm-variant', 'tenant-resource-limits']);
  });

  test('every expression keeps to the CEL subset Kubernetes compiles for admission', () => {
    for (const shape of PodShape.all()) {
      for (const v of policyVariables(shape, MODEL)) expect([v.name, admissionCelProblems(v.expression)]).toEqual([v.name, []]);
    }
    for (const d of RULE_DEFINITIONS) expect([d.rule.ruleName, admissionCelProblems(d.validation(MODEL).expression)]).toEqual([d.rule.ruleName, []]);
  });

  test('messages are single lines that name the rule and the fix', () => {
    for (const d of RULE_DEFINITIONS) {
      const m = d.validation(MODEL).message;
      expect(m).not.toMatch(/[\r\n]/);
      expect(m.startsWith(`${d.rule.ruleName}: `)).toBe(true);
      expect(m).toContain('fix: ');
    }
  });

  test.each(WRAP.map(([s, w]) => [s.name, s, w] as const))('a hardened Wasm pod passes every rule (%s)', (_n, shape, wrap) => {
    for (const d of RULE_DEFINITIONS) expect([d.rule.ruleName, admits(d.rule.ruleName, shape, wrap(goodPod()))]).toEqual([d.rule.ruleName, true]);
  });

  test.each(WRAP.map(([s, w]) => [s.name, s, w] as const))('a Linux pod passes every rule but none of its concern (%s)', (_n, shape, wrap) => {
    for (const d of RULE_DEFINITIONS) expect(admits(d.rule.ruleName, shape, wrap(linuxPod()))).toBe(true);
  });

  describe.each(WRAP.map(([s, w]) => [s.name, s, w] as const))('mutated pods fail their rule (%s)', (_n, shape, wrap) => {
    test.each(MUTATIONS)('%s: %s', (rule, _what, mutate) => {
      const pod = goodPod();
      mutate(pod);
      expect(admits(rule, shape, wrap(pod))).toBe(false);
    });
  });

  test('a template without metadata is not marked, and a crun template without metadata fails the variant rule', () => {
    const d = asDeployment(goodPod());
    delete d.spec.template.metadata;
    expect(admits('crun-wasm-variant', PodShape.POD_TEMPLATE, d)).toBe(false);
    expect(admits('wasm-runtime-class', PodShape.POD_TEMPLATE, d)).toBe(true);
  });

  test('repositories match with a tag or digest, and prefixes match below them; a longer name does not match', () => {
    const withImage = (image: string) => {
      const p = goodPod();
      delete p.spec.runtimeClassName;
      delete p.metadata.labels;
      p.spec.containers[0].image = image;
      return p;
    };
    const refused = (image: string) => admits('wasm-runtime-class', PodShape.POD, withImage(image)) === false;
    expect(refused('ghcr.io/acme/hello-wasm')).toBe(true);
    expect(refused('ghcr.io/acme/hello-wasm:2')).toBe(true);
    expect(refused('ghcr.io/acme/hello-wasm@sha256:' + 'a'.repeat(64))).toBe(true);
    expect(refused('registry.local:5000/wasm/anything/deep:1')).toBe(true);
    expect(refused('ghcr.io/acme/hello-wasm2:1')).toBe(false);
    expect(refused('registry.local:5000/wasmer:1')).toBe(false);
  });

  test('with no repositories, only the label marks a Wasm pod', () => {
    const model = Object.assign({}, MODEL, { repositories: [] });
    const p = goodPod();
    delete p.spec.runtimeClassName;
    expect(admits('wasm-runtime-class', PodShape.POD, p, model)).toBe(false);
    delete p.metadata.labels;
    expect(admits('wasm-runtime-class', PodShape.POD, p, model)).toBe(true);
  });

  test('a toleration of another effect or key does not count as tolerating the wasm-only taint', () => {
    const p = linuxPod();
    p.spec.tolerations = [{ key: 'cdk8s-wasm-edge.io/wasm-only', operator: 'Exists', effect: 'NoExecute' }, { key: 'other', operator: 'Exists' }];
    expect(admits('wasm-only-nodes', PodShape.POD, p)).toBe(true);
  });

  test('WasmPolicyRule.of names the rules it knows', () => {
    expect(WasmPolicyRule.of('crun-wasm-variant')).toBe(WasmPolicyRule.CRUN_VARIANT);
    expect(() => WasmPolicyRule.of('nope')).toThrow(/is not a rule of the rule base.*wasm-runtime-class/);
  });

  test('celString and celList quote any string so that CEL reads it back unchanged', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' })), values => {
      const out = evaluate([], `${celList(values)}`, {});
      expect(out.error).toBeUndefined();
      expect([...(out.value as Iterable<unknown>)]).toEqual(values);
      for (const v of values) expect(evaluate([], `${celString(v)} == ${celString(v)}`, {}).value).toBe(true);
    }), { numRuns: 50 });
  });

  test('any model gives expressions that parse and admit the good pod when it fits the model', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 4 }), fc.array(name, { maxLength: 3 }), (classes, nodes) => {
      const model = { wasmClasses: [...classes, 'crun-wasm'].sort(), crunClasses: ['crun-wasm'], repositories: ['ghcr.io/acme/hello-wasm'], wasmOnlyNodes: nodes.sort() };
      for (const d of RULE_DEFINITIONS) {
        expect(admissionCelProblems(d.validation(model).expression)).toEqual([]);
        expect(admits(d.rule.ruleName, PodShape.POD, goodPod(), model)).toBe(true);
      }
    }), { numRuns: 30 });
  });
});
