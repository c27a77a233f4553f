/**
 * The pods that operators make from the app's objects. Every expectation cites the operator's code
 * at the pinned version:
 *   S = spinframework/spin-operator v0.6.1 (96c9d1d1d69c2c04e005375c44f323fb10e31002)
 *   O = openfaas/faas-netes, the last public operator 8992092e78247bcade293b2148091b83b10679e0 and
 *       the pinned 0.18.17 (e000629a3b94e27aacb34ce54698997e9e60de9b) for the types and pkg/k8s
 *   K = knative/serving knative-v1.23.0 (7ed4aa2ab601e3a33c6552285f6e0d910747351d)
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { FunctionBackend } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import {
  KNATIVE_QUEUE_SIDECAR_IMAGE, KNATIVE_SERVING_VERSION, OPENFAAS_OPERATOR_VERSION, operatorPodModel, operatorPodTemplates, SPIN_OPERATOR_VERSION,
} from '../../lib/policy/operator-pods';
import { definitionOf, PodShape, PolicyModel, policyVariables, WasmPolicyRule } from '../../lib/policy/policy-rule';
import { evaluate } from '../../lib/private/cel';
import { RuntimeClass } from '../../lib/runtime-class';
import { ServerlessFunction } from '../../lib/serverless-function';
import { chart, fn, IMAGE, one } from '../serverless/helpers';
import { fuzzParams } from '../util/fuzz';
import { synthAndValidate, validateObjects } from '../util/validate';

/** The app's facts for the rules: its Wasm classes and the test image's repository. */
const MODEL: PolicyModel = {
  wasmClasses: ['crun-wasm', 'wasmedge', 'wasmtime-spin-v2'],
  crunClasses: ['crun-wasm'],
  repositories: ['ghcr.io/acme/hello-wasm'],
  wasmOnlyNodes: [],
};

/** Whether a rule admits a modelled Deployment (a pod template), as the self-check evaluates it. */
function admits(rule: WasmPolicyRule, deployment: any, model: PolicyModel = MODEL): boolean {
  const outcome = evaluate(policyVariables(PodShape.POD_TEMPLATE, model), definitionOf(rule).validation(model).expression, deployment);
  if (outcome.error) throw new Error(`${rule.ruleName}: ${outcome.error}`);
  return outcome.value === true;
}

/** The one modelled Deployment of the one object of `kind`. */
function modelOf(objects: any[], kind: string) {
  const m = operatorPodModel(one(objects, kind), objects)!;
  expect(m).toBeDefined();
  return m;
}

/** A modelled Deployment is a valid apps/v1 Deployment (Knative's selector names a UID only the cluster knows). */
function validDeployment(d: any): void {
  const selector = { matchLabels: { app: d.spec.template.metadata.labels.app } };
  const withSelector = d.spec.selector ? d : Object.assign({}, d, { spec: Object.assign({ selector }, d.spec) });
  validateObjects([withSelector]);
}

describe('operatorPodTemplates', () => {
  test('other kinds are not made by an operator: undefined', () => {
    const o = fn({ backend: FunctionBackend.KUBERNETES }).objs();
    for (const obj of o) expect(operatorPodTemplates(obj, o)).toBeUndefined();
    // Same kind names in other groups are not the operators' kinds (a core Service is not a Knative Service).
    expect(operatorPodTemplates({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }, [])).toBeUndefined();
    expect(operatorPodTemplates({ apiVersion: 'example.com/v1', kind: 'Function', metadata: { name: 'x' } }, [])).toBeUndefined();
  });

  describe('SpinKube (spin-operator v0.6.1)', () => {
    test('SpinApp + emitted executor: the shim Deployment, with no securityContext anywhere', () => {
      const o = fn({ backend: FunctionBackend.spinKube() }).objs();
      const m = modelOf(o, 'SpinApp');
      expect(m.madeBy).toBe(SPIN_OPERATOR_VERSION);
      expect(m.unresolved).toEqual([]);
      expect(m.deployments).toHaveLength(1);
      const d = m.deployments[0];
      const app = one(o, 'SpinApp');
      // S internal/controller/spinapp_controller.go:500-505: named after the app, in its namespace.
      expect(d.metadata).toEqual({ name: 'hello', namespace: 'apps' });
      // S :413-417, 508-510: the selector is the two ready labels (pkg/spinapp/spinapp.go:24, 29-36).
      expect(d.spec.selector.matchLabels).toEqual({ 'core.spinkube.dev/app-name': 'hello', 'core.spinkube.dev/app.hello.status': 'ready' });
      // S :419-423: podLabels (none) plus the ready labels; :408-411 podAnnotations (none).
      expect(d.spec.template.metadata).toEqual({ labels: { 'core.spinkube.dev/app-name': 'hello', 'core.spinkube.dev/app.hello.status': 'ready' } });
      const spec = d.spec.template.spec;
      // S :517: the executor's runtimeClassName; :518, 543-557: the "default" service account.
      expect(spec.runtimeClassName).toBe('wasmtime-spin-v2');
      expect(spec.serviceAccountName).toBe('default');
      // S :455-468: the app image, command "/", port http-app 80, the SpinApp's resources; no securityContext.
      expect(spec.containers).toEqual([{
        name: 'hello',
        image: IMAGE,
        command: ['/'],
        ports: [{ name: 'http-app', containerPort: 80 }],
        resources: app.spec.resources,
      }]);
      // S :516-522: no pod securityContext, no tolerations, no nodeSelector (the SpinApp CRD has none).
      for (const field of ['securityContext', 'tolerations', 'nodeSelector', 'nodeName', 'initContainers']) expect(spec[field]).toBeUndefined();
      validDeployment(d);
      expect(m.deployments).toMatchSnapshot();
    });

    test('rules: a SpinKube pod has a Wasm class but fails wasm-pod-security (uid 0, writable root, escalation allowed)', () => {
      const o = fn({ backend: FunctionBackend.spinKube() }).objs();
      const d = modelOf(o, 'SpinApp').deployments[0];
      expect(admits(WasmPolicyRule.RUNTIME_CLASS, d)).toBe(true);
      expect(admits(WasmPolicyRule.WASM_ONLY_NODES, d)).toBe(true);
      expect(admits(WasmPolicyRule.CRUN_VARIANT, d)).toBe(true);
      // The library's limits reach the container (S :427-430): the tenant rule passes.
      expect(admits(WasmPolicyRule.TENANT_LIMITS, d)).toBe(true);
      // spin-operator sets no securityContext (S :455-468, 516-522) and the SpinApp has no field for it.
      expect(admits(WasmPolicyRule.POD_SECURITY, d)).toBe(false);
    });

    test('podLabels and podAnnotations reach the pod; the ready labels win over podLabels', () => {
      const o = fn({ backend: FunctionBackend.spinKube() }).objs();
      const app = JSON.parse(JSON.stringify(one(o, 'SpinApp')));
      app.spec.podLabels = { 'cdk8s-wasm-edge.io/wasm': 'true', 'core.spinkube.dev/app-name': 'other' };
      app.spec.podAnnotations = { 'module.wasm.image/variant': 'compat' };
      const d = operatorPodTemplates(app, o)![0];
      // S :419-423: maps.Copy(templateLabels, readyLabels) writes the ready labels last.
      expect(d.spec.template.metadata.labels).toEqual({
        'cdk8s-wasm-edge.io/wasm': 'true', 'core.spinkube.dev/app-name': 'hello', 'core.spinkube.dev/app.hello.status': 'ready',
      });
      expect(d.spec.template.metadata.annotations).toEqual({ 'module.wasm.image/variant': 'compat' });
    });

    test('an executor the app does not emit: no modelled Deployment, and why', () => {
      const c = chart();
      new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube({ executorName: 'containerd-shim-spin' }) });
      const o = synthAndValidate(c);
      const m = modelOf(o, 'SpinApp');
      expect(m.deployments).toEqual([]);
      expect(m.unresolved).toEqual([expect.stringContaining('SpinAppExecutor "containerd-shim-spin" is not among the app\'s objects')]);
      // S :105-117: the executor is looked up in the app's namespace only.
      const executor = {
        apiVersion: 'core.spinkube.dev/v1alpha1',
        kind: 'SpinAppExecutor',
        metadata: { name: 'containerd-shim-spin', namespace: 'other' },
        spec: { createDeployment: true, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' } },
      };
      expect(operatorPodTemplates(one(o, 'SpinApp'), [...o, executor])).toEqual([]);
      const here = Object.assign({}, executor, { metadata: { name: 'containerd-shim-spin', namespace: 'apps' } });
      expect(operatorPodTemplates(one(o, 'SpinApp'), [...o, here])![0].spec.template.spec.runtimeClassName).toBe('wasmtime-spin-v2');
      // S internal/webhook/spinapp_defaulting.go:28-34: an empty executor is the cluster's first one.
      const noExecutor = Object.assign({}, one(o, 'SpinApp'), { spec: Object.assign({}, one(o, 'SpinApp').spec, { executor: '' }) });
      expect(operatorPodModel(noExecutor, [...o, here])!.unresolved).toEqual([expect.stringContaining('names no executor')]);
    });

    test('executors without createDeployment, without config, or with spinImage', () => {
      const o = fn({ backend: FunctionBackend.spinKube() }).objs();
      const app = one(o, 'SpinApp');
      const exec = (spec: any) => [app, { apiVersion: 'core.spinkube.dev/v1alpha1', kind: 'SpinAppExecutor', metadata: { name: app.spec.executor, namespace: 'apps' }, spec }];
      // S :133-146: no createDeployment, no Deployment.
      expect(operatorPodModel(app, exec({ createDeployment: false }))).toEqual({
        madeBy: SPIN_OPERATOR_VERSION, deployments: [], unresolved: [expect.stringContaining('has no createDeployment')],
      });
      // S :454, 469, 491-492: neither runtimeClassName nor spinImage is a reconcile error.
      expect(operatorPodTemplates(app, exec({ createDeployment: true, deploymentConfig: {} }))).toEqual([]);
      expect(operatorPodTemplates(app, exec({ createDeployment: true }))).toEqual([]);
      // S :469-490: spinImage runs `spin up` on the app image in a Linux container, without a runtimeClassName.
      const [d] = operatorPodTemplates(app, exec({ createDeployment: true, deploymentConfig: { spinImage: 'ghcr.io/spinframework/spintainer:v3' } }))!;
      expect(d.spec.template.spec.runtimeClassName).toBeUndefined();
      expect(d.spec.template.spec.containers[0]).toEqual({
        name: 'hello',
        image: 'ghcr.io/spinframework/spintainer:v3',
        args: ['up', '--listen', '0.0.0.0:80', '-f', IMAGE, '--runtime-config-file', '/runtime-config.toml'],
        ports: [{ name: 'http-app', containerPort: 80 }],
        resources: app.spec.resources,
      });
      // The pod is no Wasm pod (the image is the spintainer's): the Wasm rules do not apply to it.
      expect(admits(WasmPolicyRule.POD_SECURITY, d)).toBe(true);
    });
  });

  describe('OpenFaaS (operator mode, faas-netes 0.18.17)', () => {
    test('Function + Profile: labels, annotations, the Profile\'s class and pod security, the operator\'s container security', () => {
      const o = fn({ backend: FunctionBackend.openFaas(), maxReplicas: 5, env: { MODE: 'edge' } }).objs();
      const m = modelOf(o, 'Function');
      expect(m.madeBy).toBe(OPENFAAS_OPERATOR_VERSION);
      expect(m.unresolved).toEqual([]);
      const fnSpec = one(o, 'Function').spec;
      const d = m.deployments[0];
      // O deployment.go:54-56: named spec.name, in the Function's namespace; :80-85 selector app + controller.
      expect(d.metadata).toEqual({ name: 'hello', namespace: 'apps' });
      expect(d.spec.selector.matchLabels).toEqual({ app: 'hello', controller: 'hello' });
      // O deployment.go:185-198: faas_function, app, controller, then the Function's labels.
      expect(d.spec.template.metadata.labels).toEqual(Object.assign({ faas_function: 'hello', app: 'hello', controller: 'hello' }, fnSpec.labels));
      // O deployment.go:200-223: prometheus.io.scrape false, the Function's annotations, the spec as Go JSON.
      const annotations = d.spec.template.metadata.annotations;
      expect(annotations['prometheus.io.scrape']).toBe('false');
      expect(annotations['com.openfaas.profile']).toBe('apps-hello-wasm');
      const specJson = annotations['com.openfaas.function.spec'];
      // Go's encoding/json: struct order (types.go:31-53), maps sorted, readOnlyRootFilesystem always present.
      expect(Object.keys(JSON.parse(specJson))).toEqual(['name', 'image', 'annotations', 'labels', 'environment', 'limits', 'requests', 'readOnlyRootFilesystem']);
      expect(specJson.startsWith('{"name":"hello","image":"ghcr.io/acme/hello-wasm:1.0.0","annotations":{"com.openfaas.profile":"apps-hello-wasm"}')).toBe(true);
      expect(specJson).toContain('"limits":{"memory":"50Mi","cpu":"200m"}');
      const spec = d.spec.template.spec;
      // Profile (types.go:131-151; ApplyProfile b7772368 160-177): runtimeClassName and the pod securityContext.
      const profile = one(o, 'Profile').spec;
      expect(spec.runtimeClassName).toBe('wasmedge');
      expect(spec.securityContext).toEqual(profile.podSecurityContext);
      // O deployment.go:94-110: the container; makeResources (resources.go); securityContext from :50, 106-108
      // and pkg/k8s/securityContext.go:41-48 (readOnlyRootFilesystem), :18-31 (runAsUser nil without setNonRootUser).
      expect(spec.containers).toEqual([{
        name: 'hello',
        image: IMAGE,
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        imagePullPolicy: 'Always',
        resources: { limits: { cpu: '200m', memory: '50Mi' }, requests: { cpu: '50m', memory: '10Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      }]);
      expect(spec.tolerations).toBeUndefined();
      validDeployment(d);
      expect(m.deployments).toMatchSnapshot();
    });

    test('rules: an OpenFaaS function pod passes every rule (uid from the Profile, read-only root, no escalation from the operator)', () => {
      const o = fn({ backend: FunctionBackend.openFaas() }).objs();
      const d = modelOf(o, 'Function').deployments[0];
      for (const rule of WasmPolicyRule.all()) expect([rule.ruleName, admits(rule, d)]).toEqual([rule.ruleName, true]);
    });

    test('setNonRootUser: the container runs as 12000 (pkg/k8s/securityContext.go:14, 18-31)', () => {
      const o = fn({ backend: FunctionBackend.openFaas() }).objs();
      const [d] = operatorPodTemplates(one(o, 'Function'), o, { openFaasSetNonRootUser: true })!;
      const expected = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsUser: 12000 };
      expect(d.spec.template.spec.containers[0].securityContext).toEqual(expected);
      expect(admits(WasmPolicyRule.POD_SECURITY, d)).toBe(true);
    });

    test('without its Profile the pod has no class and runs as the image\'s user: unresolved, and the rules refuse it', () => {
      const o = fn({ backend: FunctionBackend.openFaas() }).objs();
      const fnObj = one(o, 'Function');
      const m = operatorPodModel(fnObj, [fnObj])!;
      expect(m.unresolved).toEqual([expect.stringContaining('Profile "apps-hello-wasm" (namespace openfaas) is not among the app\'s objects')]);
      const d = m.deployments[0];
      expect(d.spec.template.spec.runtimeClassName).toBeUndefined();
      expect(admits(WasmPolicyRule.RUNTIME_CLASS, d)).toBe(false);
      expect(admits(WasmPolicyRule.POD_SECURITY, d)).toBe(false);
      // The operator reads Profiles from its own namespace (profiles_namespace), not from anywhere.
      expect(operatorPodModel(fnObj, o, { openFaasProfileNamespace: 'faas' })!.unresolved).toHaveLength(1);
    });

    test('placement: constraints become the nodeSelector, the Profile\'s tolerations are appended; crun: the variant annotation reaches the pod', () => {
      const c = chart();
      const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
      new ServerlessFunction(c, 'hello', {
        image: IMAGE,
        backend: FunctionBackend.openFaas(),
        runtimeClass: crun,
        placement: {
          placementName: 'wasm-nodes',
          nodeLabels: { 'kubernetes.io/arch': 'arm64' },
          taints: [{ key: 'cdk8s-wasm-edge.io/wasm-only', value: 'true', effect: kplus.TaintEffect.NO_SCHEDULE }],
          runtimes: [WasmRuntime.CRUN],
        },
      });
      const o = synthAndValidate(c);
      const d = modelOf(o, 'Function').deployments[0];
      const spec = d.spec.template.spec;
      // O deployment.go:225-239 makeNodeSelector.
      expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
      // types.go:124-129, ApplyProfile b7772368 156-158: appended.
      expect(spec.tolerations).toEqual(one(o, 'Profile').spec.tolerations);
      expect(spec.runtimeClassName).toBe('crun-wasm');
      expect(d.spec.template.metadata.annotations['module.wasm.image/variant']).toBe('compat');
      expect(admits(WasmPolicyRule.CRUN_VARIANT, d)).toBe(true);
      expect(admits(WasmPolicyRule.WASM_ONLY_NODES, d)).toBe(true);
    });

    test('several Profiles apply in order: the last class wins, security contexts merge field by field, resources merge by key', () => {
      const o = fn({ backend: FunctionBackend.openFaas() }).objs();
      const fnObj = JSON.parse(JSON.stringify(one(o, 'Function')));
      fnObj.spec.annotations['com.openfaas.profile'] = ' apps-hello-wasm , extra ';
      const extra = {
        apiVersion: 'openfaas.com/v1',
        kind: 'Profile',
        metadata: { name: 'extra', namespace: 'openfaas' },
        spec: { runtimeClassName: 'wasmtime', podSecurityContext: { runAsUser: 1000 }, resources: { limits: { 'memory': '64Mi', 'ephemeral-storage': '1Gi' } } },
      };
      const [d] = operatorPodTemplates(fnObj, [...o, extra])!;
      const spec = d.spec.template.spec;
      expect(spec.runtimeClassName).toBe('wasmtime');
      expect(spec.securityContext).toEqual(Object.assign({}, one(o, 'Profile').spec.podSecurityContext, { runAsUser: 1000 }));
      expect(spec.containers[0].resources.limits).toEqual({ 'cpu': '200m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' });
    });

    test('Go JSON of the spec escapes <, > and & as encoding/json does', () => {
      const o = fn({ backend: FunctionBackend.openFaas(), env: { Q: 'a<b>&c' } }).objs();
      const [d] = operatorPodTemplates(one(o, 'Function'), o)!;
      expect(d.spec.template.metadata.annotations['com.openfaas.function.spec']).toContain('"environment":{"Q":"a\\u003cb\\u003e\\u0026c"}');
    });
  });

  describe('Knative (knative-serving v1.23.0)', () => {
    test('Service: the first Revision\'s Deployment, with the queue-proxy sidecar', () => {
      const o = fn({ backend: FunctionBackend.knative(), port: 8080 }).objs();
      const m = modelOf(o, 'Service');
      expect(m.madeBy).toBe(KNATIVE_SERVING_VERSION);
      expect(m.unresolved).toEqual([]);
      const d = m.deployments[0];
      const ksvc = one(o, 'Service');
      // K names/names.go:22-24 (revision + "-deployment"); configuration/resources/revision.go:41-43 (<name>-00001).
      expect(d.metadata).toEqual({ name: 'hello-00001-deployment', namespace: 'apps' });
      // K meta.go:54-70 and revision.go:58-77 (the UID-valued labels left out: no rule reads them).
      expect(d.spec.template.metadata.labels).toEqual({
        'app': 'hello-00001',
        'serving.knative.dev/configuration': 'hello',
        'serving.knative.dev/configurationGeneration': '1',
        'serving.knative.dev/revision': 'hello-00001',
        'serving.knative.dev/service': 'hello',
      });
      // K meta.go:88-96: the autoscaling annotations stay on the Revision; the default container is named.
      expect(d.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'function' });
      const spec = d.spec.template.spec;
      // K deploy.go:306-314: the Service's pod fields, kept.
      expect(spec.runtimeClassName).toBe(ksvc.spec.template.spec.runtimeClassName);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.containerConcurrency).toBeUndefined();
      expect(spec.terminationGracePeriodSeconds).toBe(300);
      const [user, queue] = spec.containers;
      // K deploy.go:292-302: the user container keeps its image, resources and securityContext; its port is user-port.
      const given = ksvc.spec.template.spec.containers[0];
      expect(user.name).toBe('function');
      expect(user.image).toBe(IMAGE);
      expect(user.resources).toEqual(given.resources);
      expect(user.securityContext).toEqual(given.securityContext);
      expect(user.ports).toEqual([{ name: 'user-port', containerPort: 8080 }]);
      expect(user.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: '8080' }, { name: 'K_SERVICE', value: 'hello' }]));
      // K queue.go:80-90, 223-354: queue-proxy's image, a 25m CPU request and no limits (pkg/deployment/config.go:96, 124),
      // a hardened securityContext without runAsUser.
      expect(queue).toEqual({
        name: 'queue-proxy',
        image: KNATIVE_QUEUE_SIDECAR_IMAGE,
        resources: { requests: { cpu: '25m' } },
        ports: [
          { name: 'http-autometric', containerPort: 9090 },
          { name: 'http-usermetric', containerPort: 9091 },
          { name: 'queue-port', containerPort: 8012 },
          { name: 'https-port', containerPort: 8112 },
        ],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      });
      validDeployment(d);
      expect(m.deployments).toMatchSnapshot();
    });

    test('rules: queue-proxy runs as the pod uid the library sets (wasm-pod-security) and has no limits (tenant-resource-limits)', () => {
      const o = fn({ backend: FunctionBackend.knative() }).objs();
      const d = modelOf(o, 'Service').deployments[0];
      expect(admits(WasmPolicyRule.RUNTIME_CLASS, d)).toBe(true);
      expect(admits(WasmPolicyRule.CRUN_VARIANT, d)).toBe(true);
      // The user container alone would pass: it sets runAsUser, read-only root, no escalation.
      const userOnly = JSON.parse(JSON.stringify(d));
      userOnly.spec.template.spec.containers = userOnly.spec.template.spec.containers.slice(0, 1);
      expect(admits(WasmPolicyRule.POD_SECURITY, userOnly)).toBe(true);
      expect(admits(WasmPolicyRule.TENANT_LIMITS, userOnly)).toBe(true);
      // queue-proxy (K queue.go:80-90) falls back to the pod's runAsUser, which the library's Service sets.
      expect(admits(WasmPolicyRule.POD_SECURITY, d)).toBe(true);
      const noPodUid = JSON.parse(JSON.stringify(one(o, 'Service')));
      delete noPodUid.spec.template.spec.securityContext;
      expect(admits(WasmPolicyRule.POD_SECURITY, operatorPodTemplates(noPodUid, [noPodUid])![0])).toBe(false);
      // Without a LimitRange default (a tenant's LimitRange gives one), queue-proxy has no limits.
      expect(admits(WasmPolicyRule.TENANT_LIMITS, d)).toBe(false);
    });

    test('what would make the Knative pod pass: a pod runAsUser and queue-proxy limit annotations', () => {
      const o = fn({ backend: FunctionBackend.knative() }).objs();
      const ksvc = JSON.parse(JSON.stringify(one(o, 'Service')));
      // Needs config-features kubernetes.podspec-securitycontext (K pkg/apis/serving/fieldmask.go:687-696).
      ksvc.spec.template.spec.securityContext = { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true };
      // K pkg/apis/serving/register.go:131, 137; queue.go:156-166.
      Object.assign(ksvc.spec.template.metadata.annotations, {
        'queue.sidecar.serving.knative.dev/cpu-resource-limit': '100m',
        'queue.sidecar.serving.knative.dev/memory-resource-limit': '64Mi',
      });
      validateObjects([ksvc]);
      const [d] = operatorPodTemplates(ksvc, [ksvc])!;
      expect(d.spec.template.spec.containers[1].resources).toEqual({ requests: { cpu: '25m' }, limits: { cpu: '100m', memory: '64Mi' } });
      // The annotations are not autoscaling ones: they reach the pod (meta.go:72-74, 88-96).
      expect(d.spec.template.metadata.annotations['queue.sidecar.serving.knative.dev/cpu-resource-limit']).toBe('100m');
      for (const rule of WasmPolicyRule.all()) expect([rule.ruleName, admits(rule, d)]).toEqual([rule.ruleName, true]);
    });

    test('crun: compat-smart reaches the pod; h2c moves queue-proxy to 8013; unnamed containers get Knative\'s default names', () => {
      const c = chart();
      new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.knative(), runtimeClass: new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN }) });
      const o = synthAndValidate(c);
      const d = modelOf(o, 'Service').deployments[0];
      expect(d.spec.template.metadata.annotations['module.wasm.image/variant']).toBe('compat-smart');
      expect(admits(WasmPolicyRule.CRUN_VARIANT, d)).toBe(true);

      const ksvc = JSON.parse(JSON.stringify(one(o, 'Service')));
      const container = ksvc.spec.template.spec.containers[0];
      delete container.name;
      container.ports = [{ name: 'h2c', containerPort: 8080 }];
      const [h2c] = operatorPodTemplates(ksvc, [])!;
      // K revision_defaults.go:266-289: "user-container"; queue.go:253-258: h2c serves on 8013.
      expect(h2c.spec.template.spec.containers.map((x: any) => x.name)).toEqual(['user-container', 'queue-proxy']);
      expect(h2c.spec.template.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('user-container');
      expect(h2c.spec.template.spec.containers[1].ports[2]).toEqual({ name: 'queue-port', containerPort: 8013 });
    });

    test('cluster settings: the queue image and config-deployment runtime-class-name (only when the Service sets no class)', () => {
      const o = fn({ backend: FunctionBackend.knative() }).objs();
      const ksvc = one(o, 'Service');
      const [d] = operatorPodTemplates(ksvc, o, { knativeQueueSidecarImage: 'registry.local/knative/queue@sha256:abc', knativeDefaultRuntimeClassName: 'wasmtime' })!;
      expect(d.spec.template.spec.containers[1].image).toBe('registry.local/knative/queue@sha256:abc');
      // K deploy.go:216-218.
      expect(d.spec.template.spec.runtimeClassName).toBe(ksvc.spec.template.spec.runtimeClassName);
      const bare = JSON.parse(JSON.stringify(ksvc));
      delete bare.spec.template.spec.runtimeClassName;
      expect(operatorPodTemplates(bare, [], { knativeDefaultRuntimeClassName: 'wasmtime' })![0].spec.template.spec.runtimeClassName).toBe('wasmtime');
      expect(operatorPodTemplates(bare, [])![0].spec.template.spec.runtimeClassName).toBeUndefined();
    });
  });

  test('property: template labels and annotations reach the pods as each operator passes them', () => {
    const key = fc.constantFrom('example.com/team', 'cdk8s-wasm-edge.io/wasm', 'autoscaling.knative.dev/window', 'serving.knative.dev/routes', 'app', 'tier');
    const entries = fc.dictionary(key, fc.constantFrom('a', 'true', '1'), { maxKeys: 4 });
    const spin = fn({ backend: FunctionBackend.spinKube() }).objs();
    const knative = fn({ backend: FunctionBackend.knative() }).objs();
    fc.assert(fc.property(entries, entries, (labels, annotations) => {
      // S spinapp_controller.go:408-423: podLabels under the ready labels, podAnnotations as given.
      const app = JSON.parse(JSON.stringify(one(spin, 'SpinApp')));
      Object.assign(app.spec, { podLabels: labels, podAnnotations: annotations });
      const spinMeta = operatorPodTemplates(app, spin)![0].spec.template.metadata;
      expect(spinMeta.labels).toEqual(Object.assign({}, labels, { 'core.spinkube.dev/app-name': 'hello', 'core.spinkube.dev/app.hello.status': 'ready' }));
      expect(spinMeta.annotations ?? {}).toEqual(annotations);
      // K meta.go:54-96: labels without route labels, app defaulted; annotations without autoscaling and routing ones.
      const ksvc = JSON.parse(JSON.stringify(one(knative, 'Service')));
      ksvc.spec.template.metadata = { labels, annotations };
      const kMeta = operatorPodTemplates(ksvc, [])![0].spec.template.metadata;
      for (const [k, v] of Object.entries(labels)) expect(kMeta.labels[k]).toBe(v);
      expect(kMeta.labels.app).toBe(labels.app ?? 'hello-00001');
      const kept = Object.entries(annotations).filter(([k]) => !k.startsWith('autoscaling.knative.dev') && k !== 'serving.knative.dev/routes');
      expect(kMeta.annotations).toEqual(Object.assign(Object.fromEntries(kept), { 'kubectl.kubernetes.io/default-container': 'function' }));
      // The marker label decides the Wasm rules on every backend alike.
      const marked = labels['cdk8s-wasm-edge.io/wasm'] === 'true';
      const bare = JSON.parse(JSON.stringify(operatorPodTemplates(app, spin)![0]));
      bare.spec.template.spec.runtimeClassName = 'runc';
      bare.spec.template.spec.containers[0].image = 'docker.io/library/nginx:1';
      expect(admits(WasmPolicyRule.RUNTIME_CLASS, bare)).toBe(!marked);
    }), fuzzParams({ numRuns: 50 }));
  });

  test('property: for any warm pool, limits and backend, the model is one valid Deployment whose first container carries the emitted limits', () => {
    const backends = [FunctionBackend.spinKube(), FunctionBackend.openFaas(), FunctionBackend.knative()];
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 16, max: 512 }), (b, warm, mem) => {
      const o = fn({ backend: backends[b], warmReplicas: warm, resources: { memory: { limit: Size.mebibytes(mem) } } }).objs();
      const owner = o.find(x => operatorPodTemplates(x, o) !== undefined)!;
      const ds = operatorPodTemplates(owner, o)!;
      expect(ds).toHaveLength(1);
      validDeployment(ds[0]);
      expect(ds[0].spec.template.spec.containers[0].resources.limits.memory).toBe(`${mem}Mi`);
      // Pure: the same objects give the same Deployment.
      expect(operatorPodTemplates(owner, o)).toEqual(ds);
    }), fuzzParams({ numRuns: 12 }));
  });
});
