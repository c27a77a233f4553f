import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { goodPods, inEveryKind, MODEL, mutations, policyModels, rulesFor } from './engine-fixtures';
import { KYVERNO_AUTOGEN_ANNOTATION, kyvernoFailureAction, kyvernoKind, renderKyverno } from '../../lib/policy/kyverno';
import { PolicyEngine } from '../../lib/policy/policy-engine';
import { PolicyNamespaces } from '../../lib/policy/policy-namespaces';
import { definitionOf, PodShape, PolicyAction, WasmPolicyRule } from '../../lib/policy/policy-rule';
import { celSyntaxError, evaluate } from '../../lib/private/cel';
import { fuzzParams } from '../util/fuzz';
import { validateObjects } from '../util/validate';

function synth(options: Parameters<typeof rulesFor>[0] = {}, engineOptions = {}): any[] {
  const chart = Testing.chart();
  renderKyverno(chart, rulesFor(options), engineOptions);
  return Testing.synth(chart);
}

/** The kind of an object in Kyverno's notation, as the policies list it. */
function kindOf(obj: any): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  return group === '' ? `${version}/${obj.kind}` : `${group}/${version}/${obj.kind}`;
}

/** Evaluates the synthesized policy of `rule` against `obj`, with the CEL of the Kyverno rule that matches its kind. */
function admits(policies: any[], rule: WasmPolicyRule, obj: any): unknown {
  const policy = policies.find(p => p.metadata.labels['cdk8s-wasm-edge.io/policy-rule'] === rule.ruleName);
  const matching = policy.spec.rules.filter((r: any) => r.match.any.some((a: any) => a.resources.kinds.includes(kindOf(obj))));
  // A kind no Kyverno rule of the policy matches is admitted (tenant-resource-limits holds Pods only).
  const covered = definitionOf(rule).shapes.some(s => s.kinds.some(k => k.kind === obj.kind));
  expect(matching).toHaveLength(covered ? 1 : 0);
  if (!covered) return true;
  const cel = matching[0].validate.cel;
  const outcome = evaluate(cel.variables, cel.expressions[0].expression, obj);
  if (outcome.error !== undefined) throw new Error(`${rule.ruleName} on ${obj.kind}: ${outcome.error}`);
  return outcome.value;
}

describe('renderKyverno', () => {
  const objs = synth();

  test('every object is a valid ClusterPolicy (full Kyverno v1.19 CRD, unknown fields refused)', () => {
    validateObjects(objs);
    expect(objs.map(o => `${o.apiVersion}/${o.kind}`)).toEqual(Array(5).fill('kyverno.io/v1/ClusterPolicy'));
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('one policy per rule, one Kyverno rule per pod shape, named after both', () => {
    expect(objs.map(o => o.metadata.name)).toEqual(WasmPolicyRule.all().map(r => `wasm-edge.${r.ruleName}`));
    for (const o of objs) {
      const ruleName = o.metadata.labels['cdk8s-wasm-edge.io/policy-rule'];
      expect(o.spec.rules.map((r: any) => r.name)).toEqual(definitionOf(WasmPolicyRule.of(ruleName)).shapes.map(s => `${ruleName}-${s.name}`));
      for (const r of o.spec.rules) expect(r.name.length).toBeLessThanOrEqual(63);
    }
  });

  test('kinds in Kyverno notation, CREATE and UPDATE, namespaces from the selector', () => {
    const rules = objs[0].spec.rules;
    expect(rules.map((r: any) => r.match.any[0].resources.kinds)).toEqual([
      ['v1/Pod'],
      ['apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'batch/v1/Job', 'v1/ReplicationController'],
      ['batch/v1/CronJob'],
    ]);
    for (const r of rules) {
      expect(r.match.any[0].resources.operations).toEqual(['CREATE', 'UPDATE']);
      expect(r.match.any[0].resources.namespaceSelector).toEqual(PolicyNamespaces.all().toSelector());
    }
    const tenant = objs.find(o => o.metadata.name === 'wasm-edge.tenant-resource-limits');
    expect(tenant.spec.rules[0].match.any[0].resources.namespaceSelector).toEqual({ matchLabels: { 'cdk8s-wasm-edge.io/function-tenant': 'true' } });
  });

  test('kyvernoKind: core kinds as version/Kind, others as group/version/Kind', () => {
    expect(kyvernoKind({ apiGroup: '', apiVersion: 'v1', resource: 'pods', kind: 'Pod' })).toBe('v1/Pod');
    expect(kyvernoKind({ apiGroup: 'batch', apiVersion: 'v1', resource: 'cronjobs', kind: 'CronJob' })).toBe('batch/v1/CronJob');
  });

  test('the CEL is the rule base\'s, verbatim, per shape', () => {
    const rules = rulesFor();
    objs.forEach((o, i) => {
      o.spec.rules.forEach((r: any, j: number) => {
        expect(r.validate.cel.variables).toEqual(rules[i].variables(PodShape.all()[j]));
        expect(r.validate.cel.expressions).toEqual([rules[i].validation()]);
      });
    });
  });

  test('Kyverno adds no controller rules of its own (autogen off)', () => {
    for (const o of objs) expect(o.metadata.annotations[KYVERNO_AUTOGEN_ANNOTATION]).toBe('none');
  });

  test('the deprecated spec.validationFailureAction is not used: every rule carries its failureAction', () => {
    for (const o of objs) {
      expect(o.spec.validationFailureAction).toBeUndefined();
      for (const r of o.spec.rules) expect(r.validate.failureAction).toBe('Enforce');
    }
  });

  test.each([
    [PolicyAction.DENY, 'Enforce', false],
    [PolicyAction.WARN, 'Audit', true],
    [PolicyAction.AUDIT, 'Audit', false],
  ])('action %s: failureAction %s, emitWarning %s', (action, failureAction, emitWarning) => {
    expect(kyvernoFailureAction(action)).toBe(failureAction);
    const out = synth({ action });
    validateObjects(out);
    for (const o of out) {
      expect(o.spec.emitWarning).toBe(emitWarning);
      for (const r of o.spec.rules) expect(r.validate.failureAction).toBe(failureAction);
    }
  });

  test('an action per rule', () => {
    const out = synth({ actions: { 'wasm-only-nodes': PolicyAction.WARN } });
    const byName = Object.fromEntries(out.map(o => [o.metadata.labels['cdk8s-wasm-edge.io/policy-rule'], o]));
    expect(byName['wasm-only-nodes'].spec.emitWarning).toBe(true);
    expect(byName['wasm-only-nodes'].spec.rules[0].validate.failureAction).toBe('Audit');
    expect(byName['wasm-runtime-class'].spec.rules[0].validate.failureAction).toBe('Enforce');
  });

  test('@default background: true', () => {
    for (const o of objs) expect(o.spec.background).toBe(true);
  });

  test('background: false', () => {
    const out = synth({}, { background: false });
    validateObjects(out);
    for (const o of out) expect(o.spec.background).toBe(false);
  });

  test('a non-boolean background is refused', () => {
    expect(() => synth({}, { background: 'yes' })).toThrow(/background.*is not a boolean/s);
  });

  test('a policy name beyond Kyverno\'s 63 characters is refused', () => {
    expect(() => synth({ prefix: 'p'.repeat(45) })).toThrow(/longer than Kyverno's 63 characters/);
  });

  test('namespaces by name', () => {
    const out = synth({ namespaces: PolicyNamespaces.named(['apps', 'edge']) });
    validateObjects(out);
    expect(out[0].spec.rules[0].match.any[0].resources.namespaceSelector)
      .toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['apps', 'edge'] }] });
  });

  test('PolicyEngine.kyverno() renders through renderKyverno', () => {
    const chart = Testing.chart();
    const engine = PolicyEngine.kyverno();
    expect(engine.displayName).toBe('Kyverno');
    const made = engine.bind(chart, rulesFor());
    expect(made).toHaveLength(5);
    expect(Testing.synth(chart)).toEqual(objs);
  });

  describe('the synthesized CEL, evaluated', () => {
    for (const [what, pod] of goodPods()) {
      test(`admits ${what} in every kind under every rule`, () => {
        const workloads = inEveryKind('good', pod);
        validateObjects(workloads);
        for (const obj of workloads) {
          for (const rule of WasmPolicyRule.all()) {
            expect([obj.kind, rule.ruleName, admits(objs, rule, obj)]).toEqual([obj.kind, rule.ruleName, true]);
          }
        }
      });
    }
    for (const [what, rule, pod] of mutations()) {
      test(`${rule.ruleName} refuses ${what} in every kind`, () => {
        const workloads = inEveryKind('bad', pod);
        validateObjects(workloads);
        for (const obj of workloads) {
          const covered = definitionOf(rule).shapes.some(sh => sh.kinds.some(k => k.kind === obj.kind));
          expect([obj.kind, admits(objs, rule, obj)]).toEqual([obj.kind, !covered]);
        }
      });
    }
  });

  describe('properties', () => {
    const model = policyModels();

    test('any model gives valid policies whose CEL parses and admits a Wasm pod of the model', () => {
      fc.assert(fc.property(model, m => {
        const out = synth({ model: m });
        validateObjects(out);
        for (const o of out) {
          for (const r of o.spec.rules) {
            for (const v of r.validate.cel.variables) expect(celSyntaxError(v.expression)).toBeUndefined();
            expect(celSyntaxError(r.validate.cel.expressions[0].expression)).toBeUndefined();
          }
        }
        const cls = m.wasmClasses[0];
        const pod = inEveryKind('p', {
          metadata: { labels: { 'app': 'p', 'cdk8s-wasm-edge.io/wasm': 'true' }, annotations: { 'module.wasm.image/variant': 'compat' } },
          spec: {
            runtimeClassName: cls,
            securityContext: { runAsUser: 1000 },
            containers: [{
              name: 'c',
              image: m.repositories.length > 0 ? `${m.repositories[0]}x` : 'any/image',
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
              resources: { limits: { cpu: '1', memory: '1Gi' } },
            }],
          },
        });
        for (const obj of pod) {
          for (const rule of WasmPolicyRule.all()) expect(admits(out, rule, obj)).toBe(true);
        }
        // The same pod without its class is refused as soon as the model can tell it is Wasm (the marker label).
        const noClass = pod.map(o => JSON.parse(JSON.stringify(o)));
        delete noClass[0].spec.runtimeClassName;
        expect(admits(out, WasmPolicyRule.RUNTIME_CLASS, noClass[0])).toBe(false);
      // Validating five ClusterPolicies against the 1.4 MB CRD takes about 0.3 s: 50 runs by default.
      }), fuzzParams({ numRuns: Number(process.env.POLICY_FUZZ_RUNS ?? 50) }));
    });
  });

  test('the fixture model is sorted, as WasmPolicies builds it', () => {
    for (const list of [MODEL.wasmClasses, MODEL.crunClasses, MODEL.repositories, MODEL.wasmOnlyNodes]) expect([...list].sort()).toEqual(list);
  });
});
