import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  CRUN_VARIANT_ANNOTATION, DEFAULT_WASM_UID, IntegrationRoute, IWasmPlacement, RuntimeClass, WasmDeployment, WasmRuntime,
} from '../lib';
import { synthAndValidate } from './util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

function deploymentOf(objs: any[]): any {
  const d = objs.filter(o => o.kind === 'Deployment');
  expect(d).toHaveLength(1);
  return d[0];
}

describe('WasmDeployment defaults', () => {
  const c = chart();
  const wd = new WasmDeployment(c, 'hello', { wasmContainers: [{ image: IMAGE }] });
  const objs = synthAndValidate(c);
  const dep = deploymentOf(objs);
  const pod = dep.spec.template.spec;
  const container = pod.containers[0];

  test('runtimeClass: the wasmedge class K3s creates, route runwasi', () => {
    expect(pod.runtimeClassName).toBe('wasmedge');
    expect(wd.route).toBe(IntegrationRoute.RUNWASI);
    expect(objs.filter(o => o.kind === 'RuntimeClass')).toEqual([]);
  });

  test('resources: requests 50m/10Mi, limits 200m/50Mi', () => {
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '10Mi' }, limits: { cpu: '200m', memory: '50Mi' } });
  });

  test('imagePullPolicy IfNotPresent', () => {
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('zero-downtime rolling update: maxSurge 1, maxUnavailable 0', () => {
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('warmReplicas 1 is the replica count', () => {
    expect(wd.warmReplicas).toBe(1);
    expect(dep.spec.replicas).toBe(1);
  });

  test('security context works for FROM scratch images: numeric non-root uid/gid, read-only root, no escalation', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: DEFAULT_WASM_UID, runAsGroup: DEFAULT_WASM_UID, fsGroup: DEFAULT_WASM_UID,
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('wasiNetworking false: pods isolated by a deny-all NetworkPolicy', () => {
    expect(wd.wasiNetworking).toBe(false);
    const np = objs.filter(o => o.kind === 'NetworkPolicy');
    expect(np).toHaveLength(1);
    expect(np[0].spec.policyTypes).toEqual(['Egress', 'Ingress']);
    expect(np[0].spec.ingress).toBeUndefined();
    expect(np[0].spec.egress).toBeUndefined();
  });

  test('no GPU, no placement: no extended resources, no nodeSelector, no tolerations', () => {
    expect(Object.keys(container.resources.limits)).toEqual(['cpu', 'memory']);
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
  });

  test('no crun annotation on the runwasi route', () => {
    expect(dep.spec.template.metadata.annotations).toBeUndefined();
  });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });
});

describe('WasmDeployment probes and networking', () => {
  test('fastProbes (default true): TCP startup/readiness/liveness on the first port', () => {
    const c = chart();
    new WasmDeployment(c, 'api', { wasiNetworking: true, wasmContainers: [{ image: IMAGE, portNumber: 8080 }] });
    const container = deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0];
    expect(container.startupProbe).toEqual({
      tcpSocket: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 30, timeoutSeconds: 1,
    });
    expect(container.readinessProbe.periodSeconds).toBe(2);
    expect(container.livenessProbe.periodSeconds).toBe(10);
  });

  test('fastProbes: false leaves cdk8s-plus\'s own probe defaults', () => {
    const c = chart();
    new WasmDeployment(c, 'api', { fastProbes: false, wasiNetworking: true, wasmContainers: [{ image: IMAGE, portNumber: 8080 }] });
    const container = deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0];
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 3 });
    expect(container.readinessProbe).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
  });

  test('wasiNetworking: no deny-all policy, and exposeViaService works', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'api', { wasiNetworking: true, wasmContainers: [{ image: IMAGE, portNumber: 8080 }] });
    wd.exposeViaService({ serviceType: kplus.ServiceType.CLUSTER_IP });
    const objs = synthAndValidate(c);
    expect(objs.filter(o => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(objs.find(o => o.kind === 'Service').spec.ports[0]).toMatchObject({ port: 8080, targetPort: 8080 });
  });

  test('a port without wasiNetworking is refused with the fix', () => {
    expect(() => new WasmDeployment(chart(), 'api', { wasmContainers: [{ image: IMAGE, portNumber: 8080 }] }))
      .toThrow('[cdk8s-wasm-edge] test/api/wasmContainers[0]: ports=8080: a Wasm module without WASI networking cannot listen, and its pods are isolated. Fix: set wasiNetworking: true');
  });
});

describe('WasmDeployment integration routes', () => {
  test('crun route: compat annotation for a Wasm-only pod, on a crun class', () => {
    const c = chart();
    const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    const wd = new WasmDeployment(c, 'mod', { runtimeClass: crun, wasmContainers: [{ image: IMAGE }] });
    const objs = synthAndValidate(c);
    const dep = deploymentOf(objs);
    expect(wd.route).toBe(IntegrationRoute.CRUN);
    expect(dep.spec.template.metadata.annotations).toEqual({ [CRUN_VARIANT_ANNOTATION]: 'compat' });
    expect(dep.spec.template.spec.runtimeClassName).toBe('crun-wasm-edge');
  });

  test('crun route: compat-smart when the pod also has a Linux container, added after construction', () => {
    const c = chart();
    const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    const wd = new WasmDeployment(c, 'mod', { runtimeClass: crun, wasmContainers: [{ image: IMAGE }] });
    expect(wd.crunVariant).toBe('compat');
    wd.addContainer({ name: 'log-shipper', image: 'fluent/fluent-bit:3.0' });
    expect(wd.crunVariant).toBe('compat-smart');
    const dep = deploymentOf(synthAndValidate(c));
    expect(dep.spec.template.metadata.annotations[CRUN_VARIANT_ANNOTATION]).toBe('compat-smart');
    // Linux sidecars are hardened and pulled IfNotPresent too.
    const side = dep.spec.template.spec.containers[1];
    expect(side.imagePullPolicy).toBe('IfNotPresent');
    expect(side.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  test('a crun route on a non-crun class is refused', () => {
    expect(() => new WasmDeployment(chart(), 'mod', { route: IntegrationRoute.CRUN, wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/test\/mod: route="crun": the crun annotation module.wasm.image\/variant only works with a crun RuntimeClass, not "wasmedge".*Fix: use a RuntimeClass with runtime WasmRuntime.CRUN/);
  });

  test('a hand-written crun annotation on a runwasi class fails at synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    new WasmDeployment(c, 'mod', { podMetadata: { annotations: { [CRUN_VARIANT_ANNOTATION]: 'compat' } }, wasmContainers: [{ image: IMAGE }] });
    expect(() => app.synth()).toThrow(/podMetadata.annotations\["module.wasm.image\/variant"\]="compat": crun annotations do nothing on the runwasi route/);
  });

  test('runwasi route: the entrypoint must start with /', () => {
    expect(() => new WasmDeployment(chart(), 'mod', { wasmContainers: [{ image: IMAGE, command: ['app.wasm'] }] }))
      .toThrow(/test\/mod\/wasmContainers\[0\]: command=\["app.wasm"\]: runwasi shims start the entrypoint as a path inside the image, and it must be absolute. Fix: use "\/app.wasm"/);
    const c = chart();
    new WasmDeployment(c, 'ok', { wasmContainers: [{ image: IMAGE, command: ['/app.wasm'] }] });
    expect(deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0].command).toEqual(['/app.wasm']);
  });

  test('a runwasi route on a crun class is refused', () => {
    const c = chart();
    const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    expect(() => new WasmDeployment(c, 'mod', { runtimeClass: crun, route: IntegrationRoute.RUNWASI, wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/route="runwasi": "crun-wasm-edge" \(handler "crun"\) is not a runwasi shim/);
  });

  test('WasmEdge in a Linux image: no runtimeClassName', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'dev', { route: IntegrationRoute.WASMEDGE_IN_IMAGE, wasmContainers: [{ image: 'wasmedge/slim-runtime:0.13.5', args: ['wasmedge', '/app.wasm'] }] });
    const pod = deploymentOf(synthAndValidate(c)).spec.template.spec;
    expect(wd.runtimeClass).toBeUndefined();
    expect(pod.runtimeClassName).toBeUndefined();
  });

  test('a class with scheduling is emitted once and named by the pods', () => {
    const c = chart();
    const rc = new RuntimeClass(c, 'Wasmtime', { runtime: WasmRuntime.WASMTIME });
    new WasmDeployment(c, 'a', { runtimeClass: rc, wasmContainers: [{ image: IMAGE }] });
    new WasmDeployment(c, 'b', { runtimeClass: rc, wasmContainers: [{ image: IMAGE }] });
    const objs = synthAndValidate(c);
    expect(objs.filter(o => o.kind === 'RuntimeClass')).toHaveLength(1);
    expect(objs.filter(o => o.kind === 'Deployment').map(d => d.spec.template.spec.runtimeClassName)).toEqual(['wasmtime-wasm-edge', 'wasmtime-wasm-edge']);
  });
});

describe('WasmDeployment GPU (WASI-NN)', () => {
  test('gpu on an nvidia class: nvidia.com/gpu requests and limits, runtimeClassName kept on the in-image route', () => {
    const c = chart();
    const nvidia = new RuntimeClass(c, 'Nvidia', { runtime: WasmRuntime.NVIDIA });
    new WasmDeployment(c, 'llm', { runtimeClass: nvidia, gpu: {}, wasmContainers: [{ image: 'ghcr.io/acme/llama-edge:0.14' }] });
    const pod = deploymentOf(synthAndValidate(c)).spec.template.spec;
    expect(pod.runtimeClassName).toBe('nvidia-wasm-edge');
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.containers[0].resources.requests['nvidia.com/gpu']).toBe(1);
  });

  test('gpu defaults: count 1, resource nvidia.com/gpu; both overridable', () => {
    const c = chart();
    const nvidia = new RuntimeClass(c, 'Nvidia', { runtime: WasmRuntime.NVIDIA_CDI });
    new WasmDeployment(c, 'llm', { runtimeClass: nvidia, gpu: { count: 2, resourceName: 'nvidia.com/mig-1g.5gb' }, wasmContainers: [{ image: 'ghcr.io/acme/llama-edge:0.14' }] });
    const limits = deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0].resources.limits;
    expect(limits['nvidia.com/mig-1g.5gb']).toBe(2);
    expect(limits['nvidia.com/gpu']).toBeUndefined();
  });

  test('gpu without a GPU-capable class is refused', () => {
    expect(() => new WasmDeployment(chart(), 'llm', { gpu: { count: 1 }, wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/test\/llm: gpu=\{"count":1\}: the RuntimeClass "wasmedge" \(handler "wasmedge"\) gives no GPU access. Fix: use a GPU-capable class/);
  });
});

describe('WasmDeployment placement', () => {
  const placement: IWasmPlacement = {
    placementName: 'site-a',
    nodeLabels: { 'topology.kubernetes.io/zone': 'mec-a' },
    taints: [{ key: 'cdk8s-wasm-edge.io/wasm-only', effect: kplus.TaintEffect.NO_SCHEDULE }],
    runtimes: [WasmRuntime.WASMEDGE],
    offlineAutonomy: Duration.days(30),
  };

  test('labels, taints and the offline window become nodeSelector and tolerations', () => {
    const c = chart();
    new WasmDeployment(c, 'svc', { placement, wasmContainers: [{ image: IMAGE }] });
    const pod = deploymentOf(synthAndValidate(c)).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'mec-a' });
    expect(pod.tolerations).toEqual([
      { key: 'cdk8s-wasm-edge.io/wasm-only', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2592000 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2592000 },
    ]);
  });

  test('a placement whose nodes lack the runtime fails at synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    const spin = RuntimeClass.fromK3s(c, 'Spin', WasmRuntime.SPIN);
    new WasmDeployment(c, 'svc', { runtimeClass: spin, placement, wasmContainers: [{ image: IMAGE }] });
    expect(() => app.synth()).toThrow(/test\/svc: placement="site-a": its nodes do not offer the "spin" runtime of RuntimeClass "spin" \(they offer wasmedge\)/);
  });
});

describe('WasmDeployment bad input', () => {
  test.each([
    [''],
    ['Ghcr.io/Acme/UPPER:1'],
    ['ghcr.io/acme/app:'],
    ['ghcr.io/acme/app with space'],
  ])('image %j is refused', (image) => {
    expect(() => new WasmDeployment(chart(), 'x', { wasmContainers: [{ image }] })).toThrow(/test\/x\/wasmContainers\[0\]: image=.*: is not a valid OCI image reference. Fix:/);
  });

  test.each([
    ['ghcr.io/acme/app:1.0'],
    ['localhost:5000/app'],
    ['registry.local/team/app@sha256:' + 'a'.repeat(64)],
    ['app'],
  ])('image %j is accepted', (image) => {
    const c = chart();
    new WasmDeployment(c, 'x', { wasmContainers: [{ image }] });
    expect(deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0].image).toBe(image);
  });

  test('negative replicas and warmReplicas are refused', () => {
    expect(() => new WasmDeployment(chart(), 'x', { replicas: -1, wasmContainers: [{ image: IMAGE }] })).toThrow(/test\/x: replicas=-1: must be a whole number >= 0/);
    expect(() => new WasmDeployment(chart(), 'x', { warmReplicas: -2, wasmContainers: [{ image: IMAGE }] })).toThrow(/test\/x: warmReplicas=-2/);
    expect(() => new WasmDeployment(chart(), 'x', { warmReplicas: 1.5, wasmContainers: [{ image: IMAGE }] })).toThrow(/warmReplicas=1.5/);
  });

  test('limits below requests are refused', () => {
    expect(() => new WasmDeployment(chart(), 'x', { wasmContainers: [{ image: IMAGE, resources: { cpu: { request: kplus.Cpu.millis(300) } } }] }))
      .toThrow(/resources.cpu=\{"request":"300m","limit":"200m"\}: the CPU limit is below the request/);
    expect(() => new WasmDeployment(chart(), 'x', { wasmContainers: [{ image: IMAGE, resources: { memory: { limit: Size.mebibytes(5) } } }] }))
      .toThrow(/resources.memory=\{"request":"10Mi","limit":"5Mi"\}: the memory limit is below the request/);
  });

  test('a WasmDeployment without a Wasm container fails at synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    new WasmDeployment(new Chart(app, 'test'), 'empty');
    expect(() => app.synth()).toThrow(/test\/empty: wasmContainers=\[\]: a WasmDeployment needs at least one Wasm container/);
  });
});

describe('WasmDeployment resources', () => {
  test('overriding one bound keeps the Wasm default of the others', () => {
    const c = chart();
    new WasmDeployment(c, 'x', { wasmContainers: [{ image: IMAGE, resources: { cpu: { limit: kplus.Cpu.millis(500), request: undefined } } }] });
    const r = deploymentOf(synthAndValidate(c)).spec.template.spec.containers[0].resources;
    expect(r).toEqual({ requests: { cpu: '50m', memory: '10Mi' }, limits: { cpu: '500m', memory: '50Mi' } });
  });
});

describe('WasmDeployment replicas and autoscalers', () => {
  test('cdk8s-plus\'s own HPA accepts a WasmDeployment, and replicas is then omitted', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'x', { wasmContainers: [{ image: IMAGE }] });
    new kplus.HorizontalPodAutoscaler(c, 'hpa', { target: wd, maxReplicas: 5, metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(80))] });
    const objs = synthAndValidate(c);
    expect(deploymentOf(objs).spec.replicas).toBeUndefined();
  });

  test('an explicit replicas equal to warmReplicas still counts as fixed for autoscalers', () => {
    const app = Testing.app();
    const wd = new WasmDeployment(new Chart(app, 'test'), 'x', { replicas: 1, wasmContainers: [{ image: IMAGE }] });
    expect(wd.replicas).toBe(1);
    expect(wd.warmReplicas).toBe(1);
    new kplus.HorizontalPodAutoscaler(wd, 'hpa', { target: wd, maxReplicas: 5, metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(80))] });
    expect(() => app.synth()).toThrow(/cannot have a fixed number of replicas \(1\)/);
  });

  test('replicas, when set, wins over warmReplicas', () => {
    const c = chart();
    new WasmDeployment(c, 'x', { replicas: 3, warmReplicas: 1, wasmContainers: [{ image: IMAGE }] });
    expect(deploymentOf(synthAndValidate(c)).spec.replicas).toBe(3);
  });
});

describe('WasmDeployment init containers', () => {
  test('are hardened and pulled IfNotPresent, from props and addInitContainer', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'x', { initContainers: [{ name: 'fetch', image: 'busybox:1.36' }], wasmContainers: [{ image: IMAGE }] });
    wd.addInitContainer({ name: 'migrate', image: 'ghcr.io/acme/migrate:1', imagePullPolicy: kplus.ImagePullPolicy.ALWAYS });
    const init = deploymentOf(synthAndValidate(c)).spec.template.spec.initContainers;
    expect(init.map((i: any) => [i.name, i.imagePullPolicy])).toEqual([['fetch', 'IfNotPresent'], ['migrate', 'Always']]);
    for (const i of init) {
      expect(i.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });
});
