import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { goodPods, inEveryKind, mutations, policyModels, rulesFor } from './engine-fixtures';
import {
  GATEKEEPER_CONSTRAINT_API_VERSION, gatekeeperEnforcementAction, gatekeeperKind, gatekeeperVariables, renderGatekeeper,
} from '../../lib/policy/gatekeeper';
import { PolicyEngine } from '../../lib/policy/policy-engine';
import { PolicyNamespaces } from '../../lib/policy/policy-namespaces';
import { definitionOf, PodShape, PolicyAction, WasmPolicyRule } from '../../lib/policy/policy-rule';
import { celSyntaxError, evaluate } from '../../lib/private/cel';
import { fuzzParams } from '../util/fuzz';
import { validateObjects, validationErrors } from '../util/validate';

function synth(options: Parameters<typeof rulesFor>[0] = {}, engineOptions = {}): any[] {
  const chart = Testing.chart();
  renderGatekeeper(chart, rulesFor(options), engineOptions);
  return Testing.synth(chart);
}

const templates = (objs: any[]) => objs.filter(o => o.kind === 'ConstraintTemplate');
const constraints = (objs: any[]) => objs.filter(o => o.kind !== 'ConstraintTemplate');

/** Evaluates the synthesized template of `rule` against `obj`, as Gatekeeper's CEL driver would (one template for every kind). */
function admits(objs: any[], rule: WasmPolicyRule, obj: any): unknown {
  // The Constraint's match decides which kinds the template sees (tenant-resource-limits holds Pods only).
  const constraint = constraints(objs).find(c => c.metadata.labels['cdk8s-wasm-edge.io/policy-rule'] === rule.ruleName);
  if (!constraint.spec.match.kinds.some((k: any) => k.kinds.includes(obj.kind))) return true;
  const template = templates(objs).find(t => t.metadata.labels['cdk8s-wasm-edge.io/policy-rule'] === rule.ruleName);
  const source = template.spec.targets[0].code.find((c: any) => c.engine === 'K8sNativeValidation').source;
  expect(source.validations).toHaveLength(1);
  const outcome = evaluate(source.variables, source.validations[0].expression, obj);
  if (outcome.error !== undefined) throw new Error(`${rule.ruleName} on ${obj.kind}: ${outcome.error}`);
  return outcome.value;
}

describe('renderGatekeeper', () => {
  const objs = synth();

  test('every object is valid: templates against the CRD, Constraints against the schema their template declares', () => {
    validateObjects(objs);
    expect(objs.map(o => `${o.apiVersion}/${o.kind}`)).toEqual(WasmPolicyRule.all().flatMap(r => [
      'templates.gatekeeper.sh/v1/ConstraintTemplate', `constraints.gatekeeper.sh/v1beta1/${gatekeeperKind(`wasm-edge.${r.ruleName}`)}`,
    ]));
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('kinds in CamelCase, templates named after their kind in lowercase, Constraints after the rule', () => {
    expect(gatekeeperKind('wasm-edge.wasm-runtime-class')).toBe('WasmEdgeWasmRuntimeClass');
    for (const t of templates(objs)) expect(t.metadata.name).toBe(t.spec.crd.spec.names.kind.toLowerCase());
    expect(constraints(objs).map(c => c.kind)).toEqual(templates(objs).map(t => t.spec.crd.spec.names.kind));
    expect(constraints(objs).map(c => c.metadata.name)).toEqual(WasmPolicyRule.all().map(r => `wasm-edge.${r.ruleName}`));
  });

  test('a rego-less template: one admission target, K8sNativeValidation code, CREATE and UPDATE, failurePolicy Fail', () => {
    for (const t of templates(objs)) {
      expect(t.spec.targets).toHaveLength(1);
      const target = t.spec.targets[0];
      expect(target.target).toBe('admission.k8s.gatekeeper.sh');
      expect(target.rego).toBeUndefined();
      expect(target.operations).toEqual(['CREATE', 'UPDATE']);
      expect(target.code.map((c: any) => c.engine)).toEqual(['K8sNativeValidation']);
      expect(target.code[0].source.failurePolicy).toBe('Fail');
      for (const v of target.code[0].source.variables) expect(['params', 'anyObject']).not.toContain(v.name);
    }
  });

  test('the code source uses only the fields Gatekeeper reads (its converter drops others silently)', () => {
    // gatekeeper v3.23.0 pkg/drivers/k8scel/schema/schema.go:28-60 (json tags of Source, Validation,
    // Variable), read with runtime.DefaultUnstructuredConverter.FromUnstructured (schema.go GetSource).
    const sourceFields = ['failurePolicy', 'generateVAP', 'matchCondition', 'validations', 'variables'];
    for (const t of templates(objs)) {
      const source = t.spec.targets[0].code[0].source;
      for (const k of Object.keys(source)) expect(sourceFields).toContain(k);
      for (const v of source.validations) for (const k of Object.keys(v)) expect(['expression', 'message', 'messageExpression']).toContain(k);
      for (const v of source.variables) expect(Object.keys(v).sort()).toEqual(['expression', 'name']);
    }
  });

  test('the Constraint matches every pod kind by group, in the namespaces of the rule', () => {
    const c = constraints(objs)[0];
    expect(c.spec.match.kinds).toEqual([
      { apiGroups: [''], kinds: ['Pod', 'ReplicationController'] },
      { apiGroups: ['apps'], kinds: ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] },
      { apiGroups: ['batch'], kinds: ['CronJob', 'Job'] },
    ]);
    expect(c.spec.match.namespaceSelector).toEqual(PolicyNamespaces.all().toSelector());
    const tenant = constraints(objs).find(o => o.metadata.name === 'wasm-edge.tenant-resource-limits');
    expect(tenant.spec.match.namespaceSelector).toEqual({ matchLabels: { 'cdk8s-wasm-edge.io/function-tenant': 'true' } });
  });

  test('variables that differ by shape pick the pod by kind; the rest are the rule base\'s', () => {
    const rule = rulesFor()[0];
    const vars = gatekeeperVariables(rule);
    const pod = rule.variables(PodShape.POD);
    expect(vars.map(v => v.name)).toEqual(pod.map(v => v.name));
    expect(vars[0].expression).toBe("object.kind == 'Pod' ? (object.spec) : object.kind in "
      + "['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'] ? (object.spec.template.spec) "
      + ': (object.spec.jobTemplate.spec.template.spec)');
    expect(vars.find(v => v.name === 'containers')).toEqual(pod.find(v => v.name === 'containers'));
    const source = templates(objs)[0].spec.targets[0].code[0].source;
    expect(source.variables).toEqual(vars);
    expect(source.validations).toEqual([rule.validation()]);
  });

  test('a rule base whose shapes disagree on variables, or that names one Gatekeeper reserves, is a bug caught at synth', () => {
    const base = rulesFor()[0];
    const fake = (vars: (shape: PodShape) => { name: string; expression: string }[]) =>
      Object.assign(Object.create(Object.getPrototypeOf(base)), base, { variables: vars });
    expect(() => gatekeeperVariables(fake(s => s === PodShape.POD ? [{ name: 'a', expression: '1' }] : [{ name: 'b', expression: '1' }])))
      .toThrow(/variables of shape pod-template differ/);
    expect(() => gatekeeperVariables(fake(() => [{ name: 'params', expression: '1' }]))).toThrow(/"params" is reserved/);
    expect(() => gatekeeperVariables(fake(() => [{ name: 'gatekeeper_internal_x', expression: '1' }]))).toThrow(/reserved/);
  });

  test.each([
    [PolicyAction.DENY, 'deny'],
    [PolicyAction.WARN, 'warn'],
    [PolicyAction.AUDIT, 'dryrun'],
  ])('action %s is enforcementAction %s', (action, enforcementAction) => {
    expect(gatekeeperEnforcementAction(action)).toBe(enforcementAction);
    const out = synth({ action });
    validateObjects(out);
    for (const c of constraints(out)) {
      expect(c.spec.enforcementAction).toBe(enforcementAction);
      expect(c.spec.scopedEnforcementActions).toBeUndefined();
    }
  });

  test('@default audit: true (a plain enforcementAction: every enforcement point, audit included)', () => {
    for (const c of constraints(objs)) {
      expect(c.spec.enforcementAction).toBe('deny');
      expect(c.spec.scopedEnforcementActions).toBeUndefined();
    }
  });

  test('audit: false scopes the action to the admission webhook', () => {
    const out = synth({ actions: { 'wasm-only-nodes': PolicyAction.WARN } }, { audit: false });
    validateObjects(out);
    const byRule = Object.fromEntries(constraints(out).map(c => [c.metadata.labels['cdk8s-wasm-edge.io/policy-rule'], c]));
    expect(byRule['wasm-runtime-class'].spec).toMatchObject({
      enforcementAction: 'scoped',
      scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] }],
    });
    expect(byRule['wasm-only-nodes'].spec.scopedEnforcementActions[0].action).toBe('warn');
  });

  test('audit: false with an Audit rule is refused (dryrun is only reported by the audit)', () => {
    expect(() => synth({ action: PolicyAction.AUDIT }, { audit: false })).toThrow(/only the audit reports/);
  });

  test('a non-boolean audit is refused', () => {
    expect(() => synth({}, { audit: 1 })).toThrow(/audit.*is not a boolean/s);
  });

  test('a prefix that makes no DNS-1035 kind, or a too long name, is refused', () => {
    expect(() => synth({ prefix: '1st' })).toThrow(/DNS-1035 label/);
    expect(() => synth({ prefix: 'a'.repeat(45) })).toThrow(/longer than Gatekeeper's 63 characters/);
  });

  test('PolicyEngine.gatekeeper() renders through renderGatekeeper', () => {
    const chart = Testing.chart();
    const engine = PolicyEngine.gatekeeper();
    expect(engine.displayName).toBe('Gatekeeper');
    expect(engine.bind(chart, rulesFor())).toHaveLength(10);
    expect(Testing.synth(chart)).toEqual(objs);
  });

  describe('the synthesized CEL, evaluated (one template for every kind)', () => {
    for (const [what, pod] of goodPods()) {
      test(`admits ${what} in every kind under every rule`, () => {
        for (const obj of inEveryKind('good', pod)) {
          for (const rule of WasmPolicyRule.all()) {
            expect([obj.kind, rule.ruleName, admits(objs, rule, obj)]).toEqual([obj.kind, rule.ruleName, true]);
          }
        }
      });
    }
    for (const [what, rule, pod] of mutations()) {
      test(`${rule.ruleName} refuses ${what} in every kind`, () => {
        for (const obj of inEveryKind('bad', pod)) {
          const covered = definitionOf(rule).shapes.some(sh => sh.kinds.some(k => k.kind === obj.kind));
          expect([obj.kind, admits(objs, rule, obj)]).toEqual([obj.kind, !covered]);
        }
      });
    }
  });

  describe('validateObjects on Constraints (test/util/validate.ts)', () => {
    const [template, constraint] = objs;
    const clone = (o: any) => JSON.parse(JSON.stringify(o));

    test('a Constraint without its template has no schema', () => {
      expect(validationErrors([constraint]).join('\n')).toMatch(/no schema for constraints.gatekeeper.sh\/v1beta1\/WasmEdgeWasmRuntimeClass/);
    });

    test('unknown fields in spec and spec.match are refused', () => {
      const bad = clone(constraint);
      bad.spec.parameters = { x: 1 };
      bad.spec.match.unknown = true;
      bad.spec.extra = 'x';
      const errors = validationErrors([template, bad]).join('\n');
      expect(errors).toMatch(/spec.parameters: unknown field "parameters"/);
      expect(errors).toMatch(/spec.match.unknown: unknown field "unknown"/);
      expect(errors).toMatch(/spec.extra: unknown field "extra"/);
    });

    test('match fields are typed as Gatekeeper generates them', () => {
      const bad = clone(constraint);
      bad.spec.match.excludedNamespaces = ['Kube_System'];
      bad.spec.match.source = 'Somewhere';
      bad.spec.match.namespaceSelector = { matchExpressions: [{ key: 'a' }] };
      const errors = validationErrors([template, bad]).join('\n');
      expect(errors).toMatch(/excludedNamespaces\[0\]: must match pattern/);
      expect(errors).toMatch(/spec.match.source: unsupported value "Somewhere"/);
      expect(errors).toMatch(/matchExpressions\[0\].operator: required field missing/);
    });

    test('match selectors are checked as apimachinery\'s ValidateLabelSelector does', () => {
      const bad = clone(constraint);
      bad.spec.match.namespaceSelector = {
        matchLabels: { 'bad key!': 'x' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Like', values: ['x'] },
          { key: 'd', operator: 'NotIn', values: ['not a label value!'] },
        ],
      };
      const errors = validationErrors([template, bad]).join('\n');
      expect(errors).toMatch(/namespaceSelector.matchLabels\["bad key!"\]: invalid key/);
      expect(errors).toMatch(/matchExpressions\[0\].values: must be specified when operator is In/);
      expect(errors).toMatch(/matchExpressions\[1\].values: may not be specified when operator is Exists/);
      expect(errors).toMatch(/matchExpressions\[2\].operator: not a valid selector operator: "Like"/);
      expect(errors).toMatch(/matchExpressions\[3\].values\[0\]: must be empty or alphanumerics/);
    });

    test('the name is at most 63 characters; metadata is ObjectMeta', () => {
      const bad = clone(constraint);
      bad.metadata.name = 'a'.repeat(64);
      bad.metadata.labels = { 'bad key!': 'x' };
      const errors = validationErrors([template, bad]).join('\n');
      expect(errors).toMatch(/metadata.name: must NOT have more than 63 characters/);
      expect(errors).toMatch(/invalid key/);
    });

    test('enforcementAction and scoped actions are checked as Gatekeeper\'s webhook does', () => {
      const bad = clone(constraint);
      bad.spec.enforcementAction = 'block';
      expect(validationErrors([template, bad]).join('\n')).toMatch(/enforcementAction: unsupported value "block"/);
      bad.spec.enforcementAction = 'scoped';
      expect(validationErrors([template, bad]).join('\n')).toMatch(/scopedEnforcementActions: required field missing/);
      bad.spec.scopedEnforcementActions = [{ action: 'deny', enforcementPoints: [{ name: 'nowhere' }] }, { action: 'stop', enforcementPoints: [] }];
      const errors = validationErrors([template, bad]).join('\n');
      expect(errors).toMatch(/scopedEnforcementActions\[0\].enforcementPoints\[0\].name: must be one of/);
      expect(errors).toMatch(/scopedEnforcementActions\[1\].action: must be one of/);
      expect(errors).toMatch(/scopedEnforcementActions\[1\].enforcementPoints: names no enforcement point/);
    });

    test('parameters follow the template\'s openAPIV3Schema (strict for v1 templates)', () => {
      const t = clone(template);
      t.spec.crd.spec.validation = { openAPIV3Schema: { type: 'object', properties: { limit: { type: 'integer' } } } };
      const c = clone(constraint);
      c.spec.parameters = { limit: 3 };
      expect(validationErrors([t, c])).toEqual([]);
      c.spec.parameters = { limit: 'three', other: true };
      const errors = validationErrors([t, c]).join('\n');
      expect(errors).toMatch(/spec.parameters.limit: must be integer/);
      expect(errors).toMatch(/spec.parameters.other: unknown field "other"/);
    });

    test('legacySchema keeps unknown parameters (the default of v1beta1 templates)', () => {
      const t = clone(template);
      t.apiVersion = 'templates.gatekeeper.sh/v1beta1';
      const c = clone(constraint);
      c.spec.parameters = { anything: { nested: [1, 2] } };
      expect(validationErrors([t, c])).toEqual([]);
      t.spec.crd.spec.validation = { legacySchema: false, openAPIV3Schema: { type: 'object', properties: { limit: { type: 'integer' } } } };
      expect(validationErrors([t, c]).join('\n')).toMatch(/spec.parameters.anything: unknown field/);
    });

    test('a template not named after its kind makes no CRD', () => {
      const t = clone(template);
      t.metadata.name = 'wasm-runtime-class';
      expect(validationErrors([t, constraint]).join('\n')).toMatch(/is not named after its kind: Gatekeeper requires the name "wasmedgewasmruntimeclass"/);
    });

    test('Constraints are served as v1beta1 and v1alpha1 only', () => {
      const c = clone(constraint);
      c.apiVersion = 'constraints.gatekeeper.sh/v1';
      expect(validationErrors([template, c]).join('\n')).toMatch(/Gatekeeper serves Constraints as/);
      c.apiVersion = 'constraints.gatekeeper.sh/v1alpha1';
      expect(validationErrors([template, c])).toEqual([]);
    });
  });

  describe('properties', () => {
    const model = policyModels();
    const prefix = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);

    test('any model and prefix give valid templates and Constraints whose CEL parses and admits a Wasm pod of the model', () => {
      fc.assert(fc.property(model, prefix, (m, p) => {
        const out = synth({ model: m, prefix: p });
        validateObjects(out);
        for (const c of constraints(out)) expect(c.apiVersion).toBe(GATEKEEPER_CONSTRAINT_API_VERSION);
        for (const t of templates(out)) {
          const source = t.spec.targets[0].code[0].source;
          for (const v of source.variables) expect(celSyntaxError(v.expression)).toBeUndefined();
          expect(celSyntaxError(source.validations[0].expression)).toBeUndefined();
        }
        const pod = inEveryKind('p', {
          metadata: { labels: { 'app': 'p', 'cdk8s-wasm-edge.io/wasm': 'true' }, annotations: { 'module.wasm.image/variant': 'compat-smart' } },
          spec: {
            runtimeClassName: m.wasmClasses[m.wasmClasses.length - 1],
            securityContext: { runAsUser: 1 },
            containers: [{
              name: 'c',
              image: m.repositories.length > 0 ? `${m.repositories[0]}x` : 'any/image',
              securityContext: { runAsUser: 2000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
              resources: { limits: { cpu: '1', memory: '1Gi' } },
            }],
          },
        });
        for (const obj of pod) {
          for (const rule of WasmPolicyRule.all()) expect(admits(out, rule, obj)).toBe(true);
        }
        const root = pod.map(o => JSON.parse(JSON.stringify(o)));
        root[1].spec.template.spec.containers[0].securityContext.runAsUser = 0;
        expect(admits(out, WasmPolicyRule.POD_SECURITY, root[1])).toBe(false);
      }), fuzzParams({ numRuns: Number(process.env.POLICY_FUZZ_RUNS ?? 50) }));
    });
  });
});
