import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  CRUN_VARIANT_ANNOTATION, DEFAULT_WASM_UID, IntegrationRoute, IWasmPlacement, RuntimeClass, Warnings, WasmDeployment, WasmRuntime,
} from '../lib';
import { validationErrorOf } from './util/errors';
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
    expect(dep.spec.template.spec.runtimeClassName).toBe('crun-wasm');
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
      .toThrow(/route="runwasi": "crun-wasm" \(handler "crun-wasm"\) is not a runwasi shim/);
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
    expect(() => new WasmDeployment(chart(), 'x', { replicas: -1, wasmContainers: [{ image: IMAGE }] })).toThrow(/test\/x: replicas=-1: must be a whole number from 0 to 150000/);
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

describe('Wasm images are pinned (warning)', () => {
  // docs.k3s.io installation/registry-mirror: the embedded mirror (Spegel) never shares `latest`
  // tags between nodes; and with imagePullPolicy IfNotPresent (the Wasm default, kubelet
  // pkg/kubelet/images/image_manager.go: pull only when absent) a node that has some "latest"
  // never pulls a newer one.
  test.each([
    ['ghcr.io/acme/app', true],
    ['ghcr.io/acme/app:latest', true],
    ['localhost:5000/app', true],
    ['localhost:5000/app:latest', true],
    ['localhost:5000/app:1.0', false],
    ['ghcr.io/acme/app:1.0.0', false],
    [`ghcr.io/acme/app@sha256:${'a'.repeat(64)}`, false],
    [`ghcr.io/acme/app:latest@sha256:${'a'.repeat(64)}`, false],
  ])('%s: warning %s', (image, warns) => {
    const c = chart();
    const wd = new WasmDeployment(c, 'w', { wasmContainers: [{ image }] });
    const messages = Warnings.of(wd).messages;
    if (warns) {
      expect(messages).toEqual([expect.stringMatching(new RegExp(`wasmContainers\\[0\\]\\.image="${image.replace(/[.]/g, '\\.')}": (has no tag|uses the :latest tag).*embedded registry mirror never shares latest tags.*Fix: pin a version tag`))]);
    } else {
      expect(messages).toEqual([]);
    }
    synthAndValidate(c);
  });

  test('with imagePullPolicy Always the warning is about the mirror only', () => {
    const wd = new WasmDeployment(chart(), 'w', { wasmContainers: [{ image: 'ghcr.io/acme/app', imagePullPolicy: kplus.ImagePullPolicy.ALWAYS }] });
    expect(Warnings.of(wd).messages[0]).not.toMatch(/IfNotPresent/);
    expect(Warnings.of(wd).messages[0]).toMatch(/never shares latest tags/);
  });
});

describe('WasmDeployment: no credential inline in env, labels or annotations', () => {
  test.each<[string, Record<string, string>]>([
    ['DBPASSWORD', { DBPASSWORD: 'hunter2' }],
    ['DB_URL with a password URL', { DB_URL: 'postgres://app:s3cret@db:5432/app' }],
    ['a password= DSN', { DSN: 'host=db user=app password=s3cret' }],
  ])('%s is refused, and the message does not echo it', (_, env) => {
    const envVariables = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]));
    let message = '';
    try {
      new WasmDeployment(chart(), 'w', { wasmContainers: [{ image: IMAGE, envVariables }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/test\/w\/wasmContainers\[0\]: envVariables\..*="<redacted>": .*Fix: put the value in a Secret/);
    expect(message).not.toMatch(/hunter2|s3cret/);
  });

  test('command and args are checked too (they are in the pod spec for anyone to read)', () => {
    expect(() => new WasmDeployment(chart(), 'w', { wasmContainers: [{ image: IMAGE, command: ['/app.wasm'], args: ['--dsn', 'postgres://app:s3cret@db/app'] }] }))
      .toThrow(/wasmContainers\[0\]: args\[1\]="<redacted>": the URL carries a user name and password/);
    const c = chart();
    new WasmDeployment(c, 'w', { wasmContainers: [{ image: IMAGE, command: ['/app.wasm'], args: ['--db', 'postgres://db:5432/app', '--tls', 'enable'] }] });
    synthAndValidate(c);
  });

  test('Linux sidecars and init containers are checked too', () => {
    const wd = new WasmDeployment(chart(), 'w', { wasmContainers: [{ image: IMAGE }] });
    expect(() => wd.addContainer({ image: 'busybox:1.36', envVariables: { API_TOKEN: kplus.EnvValue.fromValue('abc') } })).toThrow(/containers\[1\]: envVariables.API_TOKEN="<redacted>"/);
    expect(() => wd.addInitContainer({ image: 'busybox:1.36', envVariables: { REDIS_URL: kplus.EnvValue.fromValue('redis://:pw@redis:6379') } })).toThrow(/initContainers\[0\]: envVariables.REDIS_URL/);
  });

  test('modes, switches and Secret references are not credentials', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'Db', 'db');
    new WasmDeployment(c, 'w', {
      wasmContainers: [{
        image: IMAGE,
        envVariables: {
          TLS_MODE: kplus.EnvValue.fromValue('enable'),
          PASSWORD_REQUIRED: kplus.EnvValue.fromValue('true'),
          DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
          DB_URL: kplus.EnvValue.fromValue('postgres://db:5432/app'),
        },
      }],
    });
    synthAndValidate(c);
  });

  test('metadata and podMetadata: label syntax, annotation keys, credentials', () => {
    expect(() => new WasmDeployment(chart(), 'w', { metadata: { labels: { tier: 'a b' } }, wasmContainers: [{ image: IMAGE }] })).toThrow(/test\/w: metadata.labels.tier="a b": is not a label value/);
    expect(() => new WasmDeployment(chart(), 'w', { podMetadata: { annotations: { 'bad key': 'x' } }, wasmContainers: [{ image: IMAGE }] })).toThrow(/podMetadata.annotations key="bad key"/);
    expect(() => new WasmDeployment(chart(), 'w', { metadata: { annotations: { 'example.com/db': 'mysql://u:p@db/x' } }, wasmContainers: [{ image: IMAGE }] })).toThrow(/metadata.annotations.example.com\/db="<redacted>"/);
    expect(() => new WasmDeployment(chart(), 'w', { metadata: { name: 'Hello_World' }, wasmContainers: [{ image: IMAGE }] })).toThrow(/metadata.name="Hello_World": is not a DNS-1123 subdomain/);
    expect(() => new WasmDeployment(chart(), 'w', { metadata: { labels: { ['x'.repeat(64)]: 'y' } }, wasmContainers: [{ image: IMAGE }] })).toThrow(/metadata.labels key=/);
  });
});

describe('WasmDeployment props are validated before output', () => {
  const wasm = (extra: Partial<kplus.ContainerProps>): kplus.ContainerProps => Object.assign({ image: IMAGE }, extra);
  test.each<[string, () => void, RegExp]>([
    ['port 0', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ portNumber: 0 })] }), /portNumber=0: is not a port/],
    ['port 65536', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ portNumber: 65536 })] }), /portNumber=65536: is not a port/],
    ['port 80.5', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ ports: [{ number: 80.5 }] })] }), /ports\[0\].number=80.5: is not a port/],
    ['container name', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ name: 'Main' })] }), /wasmContainers\[0\]: name="Main": is not a DNS-1123 label/],
    ['env name', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ envVariables: { 'A=B': kplus.EnvValue.fromValue('x') } })] }), /envVariables="A=B": is not an environment variable name/],
    ['negative CPU', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { cpu: { request: kplus.Cpu.millis(-5) } } })] }), /resources.cpu.request="-5m": must be a whole number of millicores/],
    ['NaN CPU', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { cpu: { limit: kplus.Cpu.millis(NaN) } } })] }), /resources.cpu.limit="NaNm"/],
    ['absurd CPU', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { cpu: { limit: kplus.Cpu.units(100000) } } })] }), /resources.cpu.limit="100000": .*from 1m to 4096 cores/],
    // cdk8s-plus renders container memory with Size.toMebibytes() (rounding FAIL): 1536Ki used to
    // pass the library's request <= limit check and then crash at synth.
    ['1536Ki memory', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { memory: { request: Size.kibibytes(1536) } } })] }), /resources.memory.request="1536Ki": must be a whole number of MiB \(cdk8s-plus renders container memory in Mi\)/],
    ['absurd memory', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { memory: { limit: Size.tebibytes(100) } } })] }), /resources.memory.limit=.*no node has more memory/],
    ['zero memory limit', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { memory: { request: Size.mebibytes(0), limit: Size.mebibytes(0) } } })] }), /resources.memory.limit="0Ki": .*from 1Mi/],
    ['sidecar memory limit below request', () => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({})], containers: [{ image: 'busybox:1.36', resources: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(32) } } }] }), /containers\[0\]: resources.memory=.*the memory limit is below the request/],
    ['gpu.resourceName without a domain', () => new WasmDeployment(chart(), 'w', { runtimeClass: new RuntimeClass(chart(), 'N', { runtime: WasmRuntime.NVIDIA }), gpu: { resourceName: 'gpu' }, wasmContainers: [wasm({})] }), /gpu.resourceName="gpu": is not an extended resource name/],
    // IsExtendedResourceName: the "requests." prefix is the quota key's, never a resource name.
    ['gpu.resourceName with requests.', () => new WasmDeployment(chart(), 'w', { runtimeClass: new RuntimeClass(chart(), 'N', { runtime: WasmRuntime.NVIDIA }), gpu: { resourceName: 'requests.nvidia.com/gpu' }, wasmContainers: [wasm({})] }), /gpu.resourceName="requests.nvidia.com\/gpu"/],
    ['gpu.resourceName in kubernetes.io', () => new WasmDeployment(chart(), 'w', { runtimeClass: new RuntimeClass(chart(), 'N', { runtime: WasmRuntime.NVIDIA }), gpu: { resourceName: 'kubernetes.io/gpu' }, wasmContainers: [wasm({})] }), /gpu.resourceName="kubernetes.io\/gpu"/],
    ['gpu.count 65', () => new WasmDeployment(chart(), 'w', { runtimeClass: new RuntimeClass(chart(), 'N', { runtime: WasmRuntime.NVIDIA }), gpu: { count: 65 }, wasmContainers: [wasm({})] }), /gpu.count=65: must be a whole number from 1 to 64/],
    ['warmReplicas beyond any cluster', () => new WasmDeployment(chart(), 'w', { warmReplicas: 150001, wasmContainers: [wasm({})] }), /warmReplicas=150001: must be a whole number from 0 to 150000/],
    ['NaN replicas', () => new WasmDeployment(chart(), 'w', { replicas: NaN, wasmContainers: [wasm({})] }), /replicas="NaN"/],
    ['securityContext.user -1', () => new WasmDeployment(chart(), 'w', { securityContext: { user: -1 }, wasmContainers: [wasm({})] }), /securityContext.user=-1/],
    // kplus renders probe timings with Duration.toSeconds() (integral): 1.5 s used to crash at synth.
    ['probe period of 1.5 s', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ portNumber: 8080, readiness: kplus.Probe.fromTcpSocket({ periodSeconds: Duration.millis(1500) }) })] }), /wasmContainers\[0\]: container=.*cdk8s-plus cannot render it/],
    // core/v1 Probe: periodSeconds >= 1 (the API server refuses 0); liveness successThreshold must be 1.
    ['probe period 0', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ portNumber: 8080, readiness: kplus.Probe.fromTcpSocket({ periodSeconds: Duration.seconds(0) }) })] }), /readiness.periodSeconds=0/],
    ['liveness successThreshold 2', () => new WasmDeployment(chart(), 'w', { wasiNetworking: true, wasmContainers: [wasm({ portNumber: 8080, liveness: kplus.Probe.fromTcpSocket({ successThreshold: 2 }) })] }), /liveness.successThreshold=2/],
  ])('%s', (_, build, message) => {
    expect(build).toThrow(message);
  });

  test('the errors carry the prop, the value and the fix', () => {
    const count = validationErrorOf(() => new WasmDeployment(chart(), 'w', { warmReplicas: 150001, wasmContainers: [wasm({})] }));
    expect([count.constructPath, count.prop, count.value]).toEqual(['test/w', 'warmReplicas', '150001']);
    expect(count.fix).toBe('set warmReplicas to a whole number from 0 to 150000');
    expect(validationErrorOf(() => new WasmDeployment(chart(), 'w', { replicas: NaN, wasmContainers: [wasm({})] })).value).toBe('"NaN"');
    const runwasi = validationErrorOf(() => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ command: ['app.wasm'] })] }));
    expect([runwasi.constructPath, runwasi.prop, runwasi.fix]).toEqual(['test/w/wasmContainers[0]', 'command', 'use "/app.wasm" (e.g. command: ["/app.wasm"])']);
    const limit = validationErrorOf(() => new WasmDeployment(chart(), 'w', { wasmContainers: [wasm({ resources: { cpu: { request: kplus.Cpu.millis(500) } } })] }));
    expect([limit.prop, limit.value]).toEqual(['resources.cpu', '{"request":"500m","limit":"200m"}']);
  });

  // core/v1 Toleration.tolerationSeconds is an int64 number of seconds: the placement's offline
  // window must be whole seconds.
  test('a placement with a window that is not whole seconds, or bad labels, is the library error', () => {
    const placement = (over: Partial<IWasmPlacement>): IWasmPlacement => Object.assign({
      placementName: 'site-a', nodeLabels: { 'example.com/site': 'a' }, taints: [], runtimes: [WasmRuntime.WASMEDGE],
    }, over);
    expect(() => new WasmDeployment(chart(), 'w', { placement: placement({ offlineAutonomy: Duration.millis(1500) }), wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/site-a: offlineAutonomy="1.5s": must be whole seconds/);
    expect(() => new WasmDeployment(chart(), 'w', { placement: placement({ nodeLabels: { 'a b': 'x' } }), wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/placement.nodeLabels key="a b"/);
    expect(() => new WasmDeployment(chart(), 'w', { placement: placement({ taints: [{ key: 'x', effect: 'Never' as kplus.TaintEffect }] }), wasmContainers: [{ image: IMAGE }] }))
      .toThrow(/site-a: taints\[0\]=.*is not a taint/);
  });

  test('valid edge values pass: port 1 and 65535, 1Mi, 1m, gpu amd.com/gpu, 150000 replicas', () => {
    const c = chart();
    const rc = new RuntimeClass(c, 'N', { runtime: WasmRuntime.NVIDIA });
    new WasmDeployment(c, 'w', {
      wasiNetworking: true,
      runtimeClass: rc,
      route: IntegrationRoute.WASMEDGE_IN_IMAGE,
      gpu: { resourceName: 'amd.com/gpu', count: 64 },
      replicas: 150000,
      wasmContainers: [{ image: IMAGE, ports: [{ number: 1 }, { number: 65535, name: 'b' }], resources: { cpu: { request: kplus.Cpu.millis(1), limit: kplus.Cpu.millis(1) }, memory: { request: Size.mebibytes(1), limit: Size.mebibytes(1) } } }],
    });
    const dep = deploymentOf(synthAndValidate(c));
    expect(dep.spec.template.spec.containers[0].resources.limits['amd.com/gpu']).toBe(64);
  });
});
