import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  EdgeOfflineNode, EdgeNodeRole, FunctionBackend, FunctionTenant, IntegrationRoute, PolicyAction, PolicyEngine, PolicyNamespaces, RuntimeClass,
  ServerlessFunction, WasmDeployment, WasmPolicies, WasmPolicyRule, WasmRuntime,
} from '../../lib';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { repositoryOf } from '../../lib/policy/wasm-policies';
import { evaluate } from '../../lib/private/cel';
import { warningsOf } from '../../lib/private/warnings';
import { validateObjects } from '../util/validate';

function app() {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
  const wasmedge = RuntimeClass.fromK3s(chart, 'WasmEdge', WasmRuntime.WASMEDGE);
  const hello = new WasmDeployment(chart, 'hello', {
    runtimeClass: wasmedge,
    wasiNetworking: true,
    wasmContainers: [{ image: 'ghcr.io/acme/hello-wasm:1.0.0', command: ['/hello.wasm'], portNumber: 8080 }],
  });
  const crun = new RuntimeClass(chart, 'Crun', { runtime: WasmRuntime.CRUN, scheduling: false });
  new WasmDeployment(chart, 'worker', { runtimeClass: crun, wasmContainers: [{ image: 'ghcr.io/acme/worker-wasm@sha256:' + 'b'.repeat(64) }] });
  return { chart, hello };
}

const synth = (chart: Chart) => Testing.synth(chart);
const errorsOf = (chart: Chart) => { try { synth(chart); return ''; } catch (e) { return String(e); } };

describe('WasmPolicies', () => {
  test('defaults: the VAP engine, Deny, every namespace but the system ones, every rule, prefix wasm-edge', () => {
    const { chart } = app();
    const p = new WasmPolicies(chart, 'policies');
    expect(p.engine.displayName).toBe('ValidatingAdmissionPolicy');
    expect(p.rules.map(r => r.ruleName)).toEqual(WasmPolicyRule.all().map(r => r.ruleName));
    expect(p.rules.every(r => r.action === PolicyAction.DENY)).toBe(true);
    expect(p.rules[0].namespaces.toSelector()).toEqual(PolicyNamespaces.all().toSelector());
    expect(p.rules[0].objectName).toBe('wasm-edge.wasm-runtime-class');
    const objects = synth(chart);
    validateObjects(objects);
    expect(objects.filter(o => o.kind === 'ValidatingAdmissionPolicy')).toHaveLength(13);
    expect(objects.filter(o => o.kind.startsWith('Validating'))).toMatchSnapshot();
  });

  test.each([
    ['ValidatingAdmissionPolicy', PolicyEngine.validatingAdmissionPolicy(), ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']],
    ['Kyverno', PolicyEngine.kyverno(), ['ClusterPolicy']],
    ['Gatekeeper', PolicyEngine.gatekeeper(), ['ConstraintTemplate', 'WasmEdgeWasmRuntimeClass']],
  ])('engine %s: valid, cluster-scoped objects in a namespaced chart, and the same self-check', (_name, engine, kinds) => {
    const { chart } = app();
    new WasmPolicies(chart, 'policies', { engine });
    const objects = synth(chart);
    validateObjects(objects);
    const policyObjects = objects.filter(o => !['Deployment', 'NetworkPolicy', 'RuntimeClass'].includes(o.kind));
    for (const k of kinds) expect(policyObjects.map(o => o.kind)).toContain(k);
    for (const o of policyObjects) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, undefined]);
    const bad = app();
    new kplus.Deployment(bad.chart, 'linux', { containers: [{ image: 'ghcr.io/acme/hello-wasm:2.0.0' }] });
    new WasmPolicies(bad.chart, 'policies', { engine });
    expect(errorsOf(bad.chart)).toMatch(new RegExp(`would be refused by rule wasm-runtime-class of c/policies \\(${_name}, Deny\\)`));
  });

  test('the model comes from the app: its Wasm classes, the crun ones, its Wasm images, its Wasm-only nodes', () => {
    const { chart } = app();
    new EdgeOfflineNode(chart, 'edge', { nodeName: 'edge-1', role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN], wasmOnly: true });
    const p = new WasmPolicies(chart, 'policies');
    synth(chart);
    expect(p._model()).toEqual({
      wasmClasses: ['crun-wasm', 'wasmedge'],
      crunClasses: ['crun-wasm'],
      repositories: ['ghcr.io/acme/hello-wasm', 'ghcr.io/acme/worker-wasm'],
      wasmOnlyNodes: ['edge-1'],
      nodeClasses: [],
    });
  });

  test('workloads added after the policies are in the model (read at synth)', () => {
    const { chart } = app();
    const p = new WasmPolicies(chart, 'policies');
    const spin = RuntimeClass.fromRuntimeClassName(chart, 'Spin', 'wasmtime-spin-v2', WasmRuntime.SPIN);
    new WasmDeployment(chart, 'late', { runtimeClass: spin, wasmContainers: [{ image: 'registry.local/late:1', command: ['/late.wasm'] }] });
    const objects = synth(chart);
    expect(p._model().wasmClasses).toContain('wasmtime-spin-v2');
    const vap = objects.find(o => o.metadata.name === 'wasm-edge.wasm-runtime-class.pod');
    expect(vap.spec.variables.find((v: any) => v.name === 'wasmImage').expression).toContain("'registry.local/late'");
  });

  test('the app admits its own workloads: the emitted Deployments pass every rule', () => {
    const { chart } = app();
    new WasmPolicies(chart, 'policies');
    const objects = synth(chart);
    const deployments = objects.filter(o => o.kind === 'Deployment');
    expect(deployments).toHaveLength(2);
    for (const d of deployments) {
      expect(d.spec.template.metadata.labels['cdk8s-wasm-edge.io/wasm']).toBe('true');
      for (const vap of objects.filter(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name.endsWith('.pod-template'))) {
        expect([vap.metadata.name, evaluate(vap.spec.variables, vap.spec.validations[0].expression, d).value]).toEqual([vap.metadata.name, true]);
      }
    }
  });

  test('a workload its own policy refuses is a synth error naming the workload, the rule and the fix', () => {
    const { chart } = app();
    new kplus.Deployment(chart, 'linux', { containers: [{ image: 'ghcr.io/acme/hello-wasm:2.0.0' }] });
    new WasmPolicies(chart, 'policies');
    const e = errorsOf(chart);
    expect(e).toMatch(/c\/linux: policy="wasm-runtime-class": Deployment "c-linux-[0-9a-f]+" in namespace "apps" would be refused by rule wasm-runtime-class of c\/policies \(ValidatingAdmissionPolicy, Deny\)/);
    expect(e).toMatch(/c\/linux: policy="wasm-pod-security"/);
    expect(e).toMatch(/Fix: change the workload, or take namespace "apps" out of the rule/);
  });

  test('Warn and Audit rules make the same finding a warning, not an error', () => {
    const { chart } = app();
    new kplus.Deployment(chart, 'linux', { containers: [{ image: 'ghcr.io/acme/hello-wasm:2.0.0' }] });
    new WasmPolicies(chart, 'policies', { action: PolicyAction.WARN, ruleActions: { 'wasm-pod-security': PolicyAction.AUDIT } });
    expect(() => synth(chart)).not.toThrow();
    const linux = chart.node.findChild('linux');
    expect(warningsOf(linux).join('\n')).toMatch(/warning: c\/linux: policy="wasm-runtime-class".*\(ValidatingAdmissionPolicy, Warn\)/);
    expect(warningsOf(linux).join('\n')).toMatch(/policy="wasm-pod-security".*\(ValidatingAdmissionPolicy, Audit\)/);
  });

  test('a namespace left out of the rules is not checked', () => {
    const { chart } = app();
    new kplus.Deployment(chart, 'linux', { metadata: { namespace: 'legacy' }, containers: [{ image: 'ghcr.io/acme/hello-wasm:2.0.0' }] });
    new WasmPolicies(chart, 'policies', { namespaces: PolicyNamespaces.all({ except: ['legacy'] }) });
    expect(errorsOf(chart)).toBe('');
  });

  test('tenant-resource-limits applies in namespaces with the function-tenant label, after their LimitRange defaults', () => {
    const { chart } = app();
    // The tenant's LimitRange gives containers without limits its defaults (LimitRanger runs before validating admission).
    new FunctionTenant(chart, 'team', { namespaceName: 'team-a', createNamespace: true });
    new kplus.Deployment(chart, 'defaulted', { metadata: { namespace: 'team-a' }, containers: [{ image: 'nginx:1.27', resources: {} as any }] });
    // A namespace labelled as a tenant's by hand, without a LimitRange: its pods must declare limits.
    new kplus.k8s.KubeNamespace(chart, 'bare', { metadata: { name: 'team-b', labels: { 'cdk8s-wasm-edge.io/function-tenant': 'true' } } });
    new kplus.Deployment(chart, 'nolimits', { metadata: { namespace: 'team-b' }, containers: [{ image: 'nginx:1.27', resources: {} as any }] });
    const p = new WasmPolicies(chart, 'policies');
    const tenantRule = p.rules.find(r => r.rule === WasmPolicyRule.TENANT_LIMITS)!;
    expect(tenantRule.namespaces.toSelector().matchLabels).toEqual({ 'cdk8s-wasm-edge.io/function-tenant': 'true' });
    const e = errorsOf(chart);
    expect(e).toMatch(/c\/nolimits: policy="tenant-resource-limits": the Pods of Deployment "c-nolimits-[0-9a-f]+" in namespace "team-b"/);
    expect(e).not.toMatch(/c\/defaulted/);
    expect(e).not.toMatch(/c\/hello: policy="tenant-resource-limits"/);
  });

  test('bad input: an empty repository list with image rules on, a repository with a tag, an unknown rule, no rule left', () => {
    const { chart } = app();
    expect(() => new WasmPolicies(chart, 'p1', { wasmImageRepositories: [] })).toThrow(/wasmImageRepositories=\[\]: is empty, and the rules wasm-runtime-class, wasm-pod-security/);
    expect(() => new WasmPolicies(chart, 'p2', { wasmImageRepositories: ['ghcr.io/acme/x:1'] })).toThrow(/carries a tag or digest.*"ghcr.io\/acme\/x"/);
    expect(() => new WasmPolicies(chart, 'p3', { wasmImageRepositories: ['Bad Repo'] })).toThrow(/is not an image repository/);
    expect(() => new WasmPolicies(chart, 'p4', { ruleActions: { nope: PolicyAction.WARN } })).toThrow(/ruleActions\["nope"\]/);
    expect(() => new WasmPolicies(chart, 'p5', { action: 'Block' as any })).toThrow(/is not a PolicyAction/);
    expect(() => new WasmPolicies(chart, 'p6', { disabledRules: WasmPolicyRule.all() })).toThrow(/leaves no rule/);
    expect(() => new WasmPolicies(chart, 'p7', { namePrefix: 'Not_DNS' })).toThrow(/namePrefix/);
    expect(() => new WasmPolicies(chart, 'p8', { engine: {} as any })).toThrow(/is not a PolicyEngine/);
    expect(() => new WasmPolicies(chart, 'p9', { disabledRules: ['x' as any] })).toThrow(/disabledRules\[0\]/);
  });

  test('an empty repository list is fine when no rule tells Wasm pods by image', () => {
    const { chart } = app();
    const p = new WasmPolicies(chart, 'p', { wasmImageRepositories: [], disabledRules: [WasmPolicyRule.RUNTIME_CLASS, WasmPolicyRule.POD_SECURITY] });
    expect(p.rules.map(r => r.ruleName)).toEqual(['wasm-only-nodes', 'crun-wasm-variant', 'tenant-resource-limits']);
  });

  test('an app with no Wasm workload and no repositories is a synth error with image rules on', () => {
    const chart = new Chart(Testing.app(), 'c');
    new WasmPolicies(chart, 'policies');
    expect(errorsOf(chart)).toMatch(/c\/policies: wasmImageRepositories=\[\]: is empty: the app has no Wasm workload/);
  });

  test('disabling a rule another trusts is a warning naming both', () => {
    const { chart } = app();
    const p = new WasmPolicies(chart, 'policies', { disabledRules: [WasmPolicyRule.RUNTIME_CLASS] });
    expect(warningsOf(p).join('\n')).toMatch(/wasm-only-nodes trusts runtimeClassName.*wasm-runtime-class/);
  });

  test('a tenant rule that selects no namespace of the app is a warning', () => {
    const { chart } = app();
    const p = new WasmPolicies(chart, 'policies');
    synth(chart);
    expect(warningsOf(p).join('\n')).toMatch(/rule tenant-resource-limits selects the namespaces labelled cdk8s-wasm-edge.io\/function-tenant=true, and the app has no FunctionTenant/);
    const withTenant = app();
    new FunctionTenant(withTenant.chart, 'team', { namespaceName: 'team-a', createNamespace: true });
    const q = new WasmPolicies(withTenant.chart, 'policies');
    synth(withTenant.chart);
    expect(warningsOf(q).join('\n')).not.toMatch(/selects the namespaces labelled/);
  });

  test('output is deterministic', () => {
    const a = app(); new WasmPolicies(a.chart, 'policies');
    const b = app(); new WasmPolicies(b.chart, 'policies');
    expect(JSON.stringify(synth(a.chart))).toBe(JSON.stringify(synth(b.chart)));
  });

  test('the engine is pluggable: a subclass renders its own objects', () => {
    const { chart } = app();
    class Counting extends PolicyEngine {
      public readonly displayName = 'counting';
      public seen = 0;
      public bind(_scope: any, rules: any[]): any[] { this.seen = rules.length; return []; }
    }
    const engine = new Counting();
    new WasmPolicies(chart, 'policies', { engine, disabledRules: [WasmPolicyRule.TENANT_LIMITS] });
    expect(engine.seen).toBe(4);
  });

  test('the pods an operator makes are checked too: spin-operator sets no securityContext, so a SpinKube function is refused', () => {
    const { chart } = app();
    new ServerlessFunction(chart, 'spin', { image: 'ghcr.io/acme/spin-hello:1', backend: FunctionBackend.spinKube() });
    const p = new WasmPolicies(chart, 'policies');
    const e = errorsOf(chart);
    expect(e).toMatch(/c\/spin: policy="wasm-pod-security": the Deployment spin-operator v[0-9.]+ makes from SpinApp "c-spin-[0-9a-f]+" in namespace "apps" would be refused/);
    expect(e).toMatch(/FunctionBackend.KUBERNETES/);
    // The image of the SpinApp is a Wasm repository of the model, its executor's class a Wasm class.
    expect(p._model().repositories).toContain('ghcr.io/acme/spin-hello');
    expect(e).not.toMatch(/policy="wasm-runtime-class"/);
  });

  test('a Knative function in a tenant namespace passes: the pod uid covers queue-proxy, the LimitRange its limits', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'team-k' });
    new FunctionTenant(chart, 'tenant', { createNamespace: true });
    new ServerlessFunction(chart, 'kn', { image: 'ghcr.io/acme/kn-wasm:1', command: ['/kn.wasm'], backend: FunctionBackend.knative() });
    new WasmPolicies(chart, 'policies');
    expect(errorsOf(chart)).toBe('');
  });

  test('without the LimitRange default, queue-proxy would lack limits: the self-check models the LimitRanger', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'team-k' });
    new kplus.k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'team-k', labels: { 'cdk8s-wasm-edge.io/function-tenant': 'true' } } });
    new ServerlessFunction(chart, 'kn', { image: 'ghcr.io/acme/kn-wasm:1', command: ['/kn.wasm'], backend: FunctionBackend.knative() });
    new WasmPolicies(chart, 'policies');
    expect(errorsOf(chart)).toMatch(/c\/kn: policy="tenant-resource-limits": the Pods of the Deployment knative-serving v[0-9.]+ makes from Service "c-kn-[0-9a-f]+"/);
  });

  test('the Pods a controller creates are checked as admitted: with their RuntimeClass tolerations merged in', () => {
    // A GPU class for WasmEdge inside a Linux image tolerates the wasm-only taint by default: its pods
    // belong on Wasm nodes though they are not Wasm pods, and wasm-only-nodes admits them.
    const { chart } = app();
    const gpu = new RuntimeClass(chart, 'Gpu', { runtime: WasmRuntime.NVIDIA });
    new WasmDeployment(chart, 'ai', {
      runtimeClass: gpu,
      route: IntegrationRoute.WASMEDGE_IN_IMAGE,
      gpu: {},
      wasmContainers: [{ image: 'ghcr.io/acme/llm-wasmedge:1', command: ['/wasmedge'] }],
    });
    const p = new WasmPolicies(chart, 'policies');
    expect(errorsOf(chart)).toBe('');
    expect(p._model().nodeClasses).toEqual(['nvidia-wasm-edge']);
    const objects = synth(chart);
    const vap = objects.find(o => o.metadata.name === 'wasm-edge.wasm-only-nodes.pod');
    const expression: string = vap.spec.validations[0].expression;
    expect(expression).toContain(" || variables.runtimeClass in ['nvidia-wasm-edge']");
    // The Pod as admitted carries the class's toleration (the RuntimeClass admission plugin adds it):
    // without the node class the rule would refuse the Pods, though not the Deployment.
    const d = objects.find(o => o.kind === 'Deployment' && o.spec.template.spec.runtimeClassName === 'nvidia-wasm-edge');
    const rc = objects.find(o => o.kind === 'RuntimeClass' && o.metadata.name === 'nvidia-wasm-edge');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: d.spec.template.metadata,
      spec: Object.assign({}, d.spec.template.spec, { tolerations: [...(d.spec.template.spec.tolerations ?? []), ...rc.scheduling.tolerations] }),
    };
    expect(evaluate(vap.spec.variables, expression, pod).value).toBe(true);
    expect(evaluate(vap.spec.variables, expression.replace(" || variables.runtimeClass in ['nvidia-wasm-edge']", ''), pod).value).toBe(false);
  });

  test('a namespace selected by labels the app does not declare: a warning, since the cluster decides', () => {
    const { chart } = app();
    new kplus.Deployment(chart, 'linux', { containers: [{ image: 'ghcr.io/acme/hello-wasm:2.0.0' }] });
    new WasmPolicies(chart, 'policies', { namespaces: PolicyNamespaces.labelled({ 'policy.example/wasm': 'on' }) });
    expect(errorsOf(chart)).toBe('');
    expect(warningsOf(chart.node.findChild('linux')).join('\n')).toMatch(/if namespace "apps" carries the labels the rule selects, Deployment .* would be refused by rule wasm-runtime-class/);
  });

  test('a Kubernetes-backend function passes its own policies', () => {
    const { chart } = app();
    new ServerlessFunction(chart, 'fn', { image: 'ghcr.io/acme/fn-wasm:1', command: ['/fn.wasm'] });
    new WasmPolicies(chart, 'policies');
    expect(errorsOf(chart)).toBe('');
  });

  test('repositoryOf drops the tag and digest, keeps a registry port', () => {
    expect(repositoryOf('ghcr.io/a/b:1')).toBe('ghcr.io/a/b');
    expect(repositoryOf('ghcr.io/a/b@sha256:abc')).toBe('ghcr.io/a/b');
    expect(repositoryOf('reg:5000/a/b:1@sha256:abc')).toBe('reg:5000/a/b');
    expect(repositoryOf('reg:5000/a/b')).toBe('reg:5000/a/b');
    expect(repositoryOf('busybox')).toBe('busybox');
  });

  test('property: any set of repositories gives valid objects and a self-consistent app', () => {
    const seg = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(seg, seg).map(([a, b]) => `reg.example/${a}/${b}`), { minLength: 1, maxLength: 4 }), fc.boolean(), (repos, prefix) => {
      const { chart } = app();
      new WasmPolicies(chart, 'policies', { wasmImageRepositories: prefix ? repos.map(r => `${r}/`) : repos });
      const objects = synth(chart);
      validateObjects(objects);
    }), { numRuns: 10 });
  });
});

describe('WasmPolicies in a fleet', () => {
  test('each site is its own cluster: its policies read its own classes and images only', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec', { namespace: 'apps' });
    const policiesOf = (name: string, image: string, runtime: WasmRuntime) => {
      const site = fleet.addSite(name, { servers: [{ name: `${name}-s` }], agents: [{ name: `${name}-a` }], nodeDefaults: { runtimes: [runtime] } });
      const rc = new RuntimeClass(site, 'Class', { runtime });
      new WasmDeployment(site, 'fn', { runtimeClass: rc, wasmContainers: [{ image, command: ['/fn.wasm'] }] });
      return new WasmPolicies(site, 'Policies', { disabledRules: [WasmPolicyRule.TENANT_LIMITS] });
    };
    const a = policiesOf('a', 'ghcr.io/acme/a-wasm:1', WasmRuntime.WASMEDGE);
    const b = policiesOf('b', 'ghcr.io/acme/b-wasm:1', WasmRuntime.CRUN);
    for (const site of fleet.sites) Testing.synth(site);
    expect(a._model()).toMatchObject({ wasmClasses: ['wasmedge-wasm-edge'], crunClasses: [], repositories: ['ghcr.io/acme/a-wasm'], wasmOnlyNodes: [] });
    expect(b._model()).toMatchObject({ wasmClasses: ['crun-wasm'], crunClasses: ['crun-wasm'], repositories: ['ghcr.io/acme/b-wasm'], wasmOnlyNodes: [] });
  });
});
