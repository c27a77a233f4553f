import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, EDGE_SITE, errorOf, fn, IMAGE, kinds, ofKind, one, validationText } from './helpers';
import {
  FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeFeatureFlags,
} from '../../lib/backends/function-backend';
import { Gateway, InterceptorAccess } from '../../lib/routing';
import { WasmRuntime } from '../../lib/core/runtime';
import { RuntimeClass } from '../../lib/runtime-class';
import { KedaTrigger, KedaTriggerAuthentication } from '../../lib/scaling';
import { ServerlessFunction, ServerlessFunctionProps } from '../../lib/serverless-function';
import { Warnings } from '../../lib/warnings';
import { synthAndValidate } from '../util/validate';


const kafka = () => KedaTrigger.kafka({ bootstrapServers: ['kafka.kafka.svc:9092'], consumerGroup: 'wasm', topic: 'events' });
const cron = () => KedaTrigger.cron({ timezone: 'Asia/Shanghai', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 2 });

describe('Kubernetes + KEDA backend', () => {
  test('pre-warmed function: WasmDeployment with WASI networking, Service, fixed warm replicas, no autoscaler', () => {
    const { f, objs } = fn({ warmReplicas: 2 });
    const o = objs();
    expect(kinds(o)).toEqual(['Deployment', 'Service']);
    const dep = one(o, 'Deployment');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.template.spec.runtimeClassName).toBe('wasmedge');
    expect(dep.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
    expect(one(o, 'Service').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
    expect(f.deployment?.wasiNetworking).toBe(true);
    expect(ofKind(o, 'NetworkPolicy')).toEqual([]);
    expect([f.serviceName, f.servicePort, f.maxReplicas, f.routesThroughInterceptor]).toEqual(['hello', 8080, 2, false]);
    expect(o).toMatchSnapshot();
  });

  test('secure by default: non-root uid 65532, read-only root fs, no escalation, no token', () => {
    const pod = one(fn().objs(), 'Deployment').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('scale to zero over HTTP: InterceptorRoute, ScaledObject (min 0) with the add-on trigger, route to the interceptor', () => {
    const { f, objs } = fn({ scaleToZero: true, host: 'hello.example.com', gateway: Gateway.traefik() });
    const o = objs();
    expect(kinds(o)).toEqual(['Deployment', 'Service', 'InterceptorRoute', 'ScaledObject', 'IngressRoute']);
    expect(one(o, 'Deployment').spec.replicas).toBeUndefined();
    expect(one(o, 'InterceptorRoute').spec).toEqual({
      target: { service: 'hello', port: 8080 },
      rules: [{ hosts: ['hello.example.com'] }],
      scalingMetric: { concurrency: { targetValue: 100 } },
      timeouts: { readiness: '30s' },
    });
    const so = one(o, 'ScaledObject').spec;
    expect(so).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' } });
    expect(so.triggers).toEqual([{ type: 'external-push', name: 'http', metadata: { scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090', interceptorRoute: 'hello' } }]);
    const ir = one(o, 'IngressRoute');
    expect(ir.metadata.namespace).toBe('keda');
    expect(ir.spec.routes[0].services).toEqual([{ kind: 'Service', name: 'keda-add-ons-http-interceptor-proxy', port: 8080 }]);
    expect([f.scalesToZero, f.routesThroughInterceptor]).toEqual([true, true]);
    expect(o).toMatchSnapshot();
  });

  test('pre-warm with concurrency: the HTTP add-on keeps warmReplicas as the floor', () => {
    const o = fn({ warmReplicas: 2, maxReplicas: 20, concurrency: 25, host: 'hello.example.com', path: '/api' }).objs();
    expect(one(o, 'ScaledObject').spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 20 });
    expect(one(o, 'InterceptorRoute').spec.scalingMetric).toEqual({ concurrency: { targetValue: 25 } });
    expect(one(o, 'InterceptorRoute').spec.rules).toEqual([{ hosts: ['hello.example.com'], paths: [{ value: '/api' }] }]);
  });

  test('event triggers only: a ScaledObject on Kafka and cron, route straight to the Service', () => {
    const o = fn({ triggers: [kafka(), cron()], gateway: Gateway.ingress(), host: 'hello.example.com' }).objs();
    expect(ofKind(o, 'InterceptorRoute')).toEqual([]);
    const so = one(o, 'ScaledObject').spec;
    expect(so.minReplicaCount).toBe(1);
    expect(so.triggers.map((t: any) => t.type)).toEqual(['kafka', 'cron']);
    expect(one(o, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'hello', port: { number: 8080 } });
  });

  test('event triggers with scale to zero and no HTTP exposure: min 0, no interceptor', () => {
    const o = fn({ triggers: [kafka()], scaleToZero: true }).objs();
    expect(kinds(o)).toEqual(['Deployment', 'Service', 'ScaledObject']);
    expect(one(o, 'ScaledObject').spec.minReplicaCount).toBe(0);
  });

  test('event triggers, scale to zero and a gateway: one ScaledObject combines HTTP and Kafka', () => {
    const o = fn({ triggers: [kafka()], scaleToZero: true, host: 'hello.example.com', gateway: Gateway.gatewayApi({ gatewayName: 'edge' }) }).objs();
    expect(one(o, 'ScaledObject').spec.triggers.map((t: any) => t.type)).toEqual(['external-push', 'kafka']);
    expect(one(o, 'HTTPRoute').metadata.namespace).toBe('keda');
  });

  test('RabbitMQ triggers take their credentials from a TriggerAuthentication', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'Rabbit', 'rabbit');
    const auth = new KedaTriggerAuthentication(c, 'Auth', { secretTargetRefs: [{ parameter: 'host', secret, key: 'host' }] });
    new ServerlessFunction(c, 'hello', { image: IMAGE, triggers: [KedaTrigger.rabbitmq({ queueName: 'orders', value: 20, authentication: auth })] });
    const so = one(synthAndValidate(c), 'ScaledObject').spec;
    expect(so.triggers[0]).toMatchObject({ type: 'rabbitmq', authenticationRef: { name: expect.any(String) } });
  });

  test('HttpAddOnApi.HTTP_SCALED_OBJECT: one HTTPScaledObject for older add-ons', () => {
    const o = fn({ backend: FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }), scaleToZero: true, host: 'hello.example.com' }).objs();
    expect(kinds(o)).toEqual(['Deployment', 'Service', 'HTTPScaledObject']);
    expect(one(o, 'HTTPScaledObject').spec).toMatchObject({
      hosts: ['hello.example.com'],
      replicas: { min: 0, max: 10 },
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello', service: 'hello', port: 8080 },
    });
  });

  test('env values inline, secrets by reference', () => {
    const o = fn({ env: { LOG_LEVEL: 'debug' }, secretEnv: { DB_PASSWORD: { secretName: 'db', key: 'password' } } }).objs();
    expect(one(o, 'Deployment').spec.template.spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
    expect(ofKind(o, 'Secret')).toEqual([]);
  });

  test('coldStartBudget tunes the startup probe: 5s -> every 1s, 5 failures; 2m -> every 4s, 30 failures', () => {
    const probe = (budget: Duration) => one(fn({ coldStartBudget: budget }).objs(), 'Deployment').spec.template.spec.containers[0].startupProbe;
    expect(probe(Duration.seconds(5))).toMatchObject({ periodSeconds: 1, failureThreshold: 5, tcpSocket: { port: 8080 } });
    expect(probe(Duration.minutes(2))).toMatchObject({ periodSeconds: 4, failureThreshold: 30 });
    expect(probe(Duration.millis(300))).toMatchObject({ periodSeconds: 1, failureThreshold: 1 });
  });

  test('coldStartBudget is how long the interceptor holds a request', () => {
    const o = fn({ scaleToZero: true, host: 'hello.example.com', coldStartBudget: Duration.seconds(8) }).objs();
    expect(one(o, 'InterceptorRoute').spec.timeouts).toEqual({ readiness: '8s' });
  });

  test('placement: node labels and tolerations for the offline window', () => {
    const pod = one(fn({ placement: EDGE_SITE }).objs(), 'Deployment').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'site-a' });
    expect(pod.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 });
  });

  test('custom resources and a crun RuntimeClass', () => {
    const c = chart();
    const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    new ServerlessFunction(c, 'hello', { image: IMAGE, runtimeClass: crun, resources: { memory: { limit: Size.mebibytes(128) } } });
    const o = synthAndValidate(c);
    const dep = one(o, 'Deployment');
    expect(dep.spec.template.metadata.annotations).toEqual({ 'module.wasm.image/variant': 'compat' });
    expect(dep.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '10Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
  });
});

describe.each<[string, () => Gateway, string]>([
  ['Traefik', () => Gateway.traefik(), 'IngressRoute'],
  ['Ingress', () => Gateway.ingress({ ingressClassName: 'traefik' }), 'Ingress'],
  ['Gateway API', () => Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra' }), 'HTTPRoute'],
])('gateway %s', (_n, gateway, kind) => {
  test('warm function: route in the function namespace to its Service', () => {
    const { f, objs } = fn({ gateway: gateway(), host: 'hello.example.com' });
    const route = one(objs(), kind);
    expect(route.metadata.namespace).toBe('apps');
    expect(f.route?.serviceName).toBe('hello');
  });

  test('scale to zero: route in namespace keda to the interceptor; snapshot', () => {
    const o = fn({ gateway: gateway(), host: 'hello.example.com', scaleToZero: true }).objs();
    expect(one(o, kind).metadata).toEqual({ name: 'apps-hello', namespace: 'keda' });
    expect(o.filter(x => x.kind === kind)).toMatchSnapshot();
  });

  test('scale to zero with an ExternalName Service in the function namespace', () => {
    const o = fn({ gateway: gateway(), host: 'hello.example.com', scaleToZero: true, interceptorAccess: InterceptorAccess.EXTERNAL_NAME_SERVICE }).objs();
    const alias = ofKind(o, 'Service').find(s => s.spec.type === 'ExternalName');
    expect(alias.metadata).toEqual({ name: 'hello-interceptor', namespace: 'apps' });
    expect(one(o, kind).metadata.namespace).toBe('apps');
  });
});

describe('Knative backend', () => {
  const knative = (options = {}) => FunctionBackend.knative(options);

  test('a Knative Service with kebab-case autoscaling annotations, containerConcurrency and a hardened container', () => {
    const { f, objs } = fn({ backend: knative(), warmReplicas: 2, maxReplicas: 8, concurrency: 50 });
    const o = objs();
    expect(kinds(o)).toEqual(['Service']);
    const ksvc = one(o, 'Service');
    expect(ksvc.apiVersion).toBe('serving.knative.dev/v1');
    expect(ksvc.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '50',
      'autoscaling.knative.dev/min-scale': '2',
      'autoscaling.knative.dev/max-scale': '8',
      'autoscaling.knative.dev/initial-scale': '2',
    });
    const spec = ksvc.spec.template.spec;
    expect(spec.containerConcurrency).toBe(50);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.runtimeClassName).toBe('wasmedge');
    expect(spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    });
    expect(spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect([f.serviceName, f.servicePort, f.resource?.kind]).toEqual(['hello', 80, 'Service']);
    expect(o).toMatchSnapshot();
  });

  test('nothing asks for autoscaling: min-scale == max-scale pins the warm pool', () => {
    const ann = one(fn({ backend: knative(), warmReplicas: 3 }).objs(), 'Service').spec.template.metadata.annotations;
    expect([ann['autoscaling.knative.dev/min-scale'], ann['autoscaling.knative.dev/max-scale']]).toEqual(['3', '3']);
  });

  test('runtimeClassName needs config-features: a warning with the kubectl patch by default', () => {
    const { f } = fn({ backend: knative() });
    expect(Warnings.of(f).messages.join('\n')).toMatch(/kubectl -n knative-serving patch configmap config-features --type merge -p '\{"data":\{"kubernetes.podspec-runtimeclassname":"enabled"\}\}'/);
  });

  test('EMIT_CONFIG_MAP: one config-features ConfigMap for all functions, with the union of the flags', () => {
    const c = chart();
    const backend = knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP });
    new ServerlessFunction(c, 'a', { image: IMAGE, backend });
    new ServerlessFunction(c, 'b', { image: IMAGE, backend, placement: EDGE_SITE });
    const cm = one(synthAndValidate(c), 'ConfigMap');
    expect(cm.metadata).toMatchObject({ name: 'config-features', namespace: 'knative-serving' });
    expect(cm.data).toEqual({
      'kubernetes.podspec-nodeselector': 'enabled',
      'kubernetes.podspec-runtimeclassname': 'enabled',
      'kubernetes.podspec-tolerations': 'enabled',
    });
  });

  test('ASSUME_ENABLED: no ConfigMap and no warning', () => {
    const { f, objs } = fn({ backend: knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED }) });
    expect(ofKind(objs(), 'ConfigMap')).toEqual([]);
    expect(Warnings.of(f).messages).toEqual([]);
  });

  test('scale to zero: min-scale 0, no initial-scale; host becomes a DomainMapping', () => {
    const o = fn({ backend: knative(), scaleToZero: true, host: 'hello.example.com' }).objs();
    const ann = one(o, 'Service').spec.template.metadata.annotations;
    expect(ann['autoscaling.knative.dev/min-scale']).toBe('0');
    expect(ann['autoscaling.knative.dev/initial-scale']).toBeUndefined();
    expect(one(o, 'DomainMapping')).toMatchObject({
      apiVersion: 'serving.knative.dev/v1beta1',
      metadata: { name: 'hello.example.com' },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } },
    });
  });

  test('window, scale-down-delay and the HPA class', () => {
    const o = fn({
      backend: knative({ window: Duration.seconds(30), scaleDownDelay: Duration.minutes(5), autoscalerClass: KnativeAutoscalerClass.HPA }),
    }).objs();
    expect(one(o, 'Service').spec.template.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'cpu',
      'autoscaling.knative.dev/window': '30s',
      'autoscaling.knative.dev/scale-down-delay': '300s',
    });
  });

  test('crun: queue-proxy is a Linux sidecar, so the pod is compat-smart', () => {
    const c = chart();
    new ServerlessFunction(c, 'hello', { image: IMAGE, backend: knative(), runtimeClass: new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN }) });
    expect(one(synthAndValidate(c), 'Service').spec.template.metadata.annotations['module.wasm.image/variant']).toBe('compat-smart');
  });

  test('placement: nodeSelector and tolerations (with their feature flags)', () => {
    const { f, objs } = fn({ backend: knative(), placement: EDGE_SITE });
    const spec = one(objs(), 'Service').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'site-a' });
    expect(spec.tolerations).toHaveLength(3);
    expect(Warnings.of(f).messages.join('\n')).toMatch(/kubernetes.podspec-nodeselector, kubernetes.podspec-tolerations/);
  });

  test('env and secrets by reference', () => {
    const o = fn({ backend: knative(), env: { MODE: 'edge' }, secretEnv: { API_TOKEN: { secretName: 'api', key: 'token' } } }).objs();
    expect(one(o, 'Service').spec.template.spec.containers[0].env).toEqual([
      { name: 'MODE', value: 'edge' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
  });
});

describe('SpinKube backend', () => {
  test('SpinApp + SpinAppExecutor with the wasmtime-spin-v2 class, port 80, Spin health checks', () => {
    const { f, objs } = fn({ backend: FunctionBackend.spinKube(), env: { greeting: 'hello' } });
    const o = objs();
    expect(kinds(o)).toEqual(['SpinAppExecutor', 'SpinApp']);
    // spin-operator config/samples/spin-shim-executor.yaml: containerd-shim-spin, wasmtime-spin-v2, installDefaultCACerts.
    expect(one(o, 'SpinAppExecutor').metadata.name).toBe('containerd-shim-spin');
    expect(one(o, 'SpinAppExecutor').spec).toEqual({ createDeployment: true, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2', installDefaultCACerts: true } });
    const app = one(o, 'SpinApp').spec;
    expect(app).toMatchObject({ image: IMAGE, executor: 'containerd-shim-spin', replicas: 1, variables: [{ name: 'greeting', value: 'hello' }] });
    expect(app.enableAutoscaling).toBeUndefined();
    expect(app.checks.readiness.httpGet).toEqual({ path: '/.well-known/spin/health' });
    expect([f.serviceName, f.servicePort]).toEqual(['hello', 80]);
    expect(o).toMatchSnapshot();
  });

  test('scale to zero: enableAutoscaling, and KEDA targets the Deployment of the same name through its Service on port 80', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), scaleToZero: true, host: 'hello.example.com', gateway: Gateway.traefik() }).objs();
    expect(kinds(o)).toEqual(['SpinAppExecutor', 'SpinApp', 'InterceptorRoute', 'ScaledObject', 'IngressRoute']);
    const app = one(o, 'SpinApp').spec;
    expect(app.enableAutoscaling).toBe(true);
    expect(app.replicas).toBeUndefined();
    expect(one(o, 'InterceptorRoute').spec.target).toEqual({ service: 'hello', port: 80 });
    expect(one(o, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' });
    expect(o).toMatchSnapshot();
  });

  test('Kafka trigger on a SpinApp', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), triggers: [kafka()] }).objs();
    expect(one(o, 'ScaledObject').spec.triggers[0].type).toBe('kafka');
  });

  test('an existing executor; an emitted wasmtimeSpinV2 RuntimeClass', () => {
    const c = chart();
    const rc = RuntimeClass.wasmtimeSpinV2(c, 'Spin', { runtime: WasmRuntime.SPIN_V2 });
    new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube({ executorName: 'containerd-shim-spin' }), runtimeClass: rc });
    const o = synthAndValidate(c);
    expect(kinds(o)).toEqual(['RuntimeClass', 'SpinApp']);
    expect(one(o, 'RuntimeClass').handler).toBe('spin-v2');
    expect(one(o, 'SpinApp').spec.executor).toBe('containerd-shim-spin');
  });

  test('secret variables by reference', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), secretEnv: { api_token: { secretName: 'api', key: 'token' } } }).objs();
    expect(one(o, 'SpinApp').spec.variables).toEqual([{ name: 'api_token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }]);
  });
});

describe('OpenFaaS backend', () => {
  test('Function with scaling labels + Profile (namespace openfaas) with runtimeClassName and pod security', () => {
    const { f, objs } = fn({ backend: FunctionBackend.openFaas(), maxReplicas: 5, concurrency: 4, env: { MODE: 'edge' } });
    const o = objs();
    expect(kinds(o)).toEqual(['Profile', 'Function']);
    const profile = one(o, 'Profile');
    expect(profile.metadata).toEqual({ name: 'apps-hello-wasm', namespace: 'openfaas' });
    expect(profile.spec).toEqual({
      runtimeClassName: 'wasmedge',
      podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    });
    const spec = one(o, 'Function').spec;
    expect(spec).toMatchObject({
      name: 'hello',
      image: IMAGE,
      readOnlyRootFilesystem: true,
      environment: { MODE: 'edge' },
      annotations: { 'com.openfaas.profile': 'apps-hello-wasm' },
      labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '5', 'com.openfaas.scale.type': 'capacity', 'com.openfaas.scale.target': '4' },
      requests: { cpu: '50m', memory: '10Mi' },
      limits: { cpu: '200m', memory: '50Mi' },
    });
    expect([f.serviceName, f.servicePort]).toEqual(['hello', 8080]);
    expect(o).toMatchSnapshot();
  });

  test('no autoscaling: min == max pins the warm pool', () => {
    const labels = one(fn({ backend: FunctionBackend.openFaas(), warmReplicas: 3 }).objs(), 'Function').spec.labels;
    expect(labels).toEqual({ 'com.openfaas.scale.min': '3', 'com.openfaas.scale.max': '3' });
  });

  test('scale to zero: com.openfaas.scale.zero (OpenFaaS Pro)', () => {
    const labels = one(fn({ backend: FunctionBackend.openFaas(), scaleToZero: true }).objs(), 'Function').spec.labels;
    expect(labels).toMatchObject({ 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.min': '1' });
  });

  test('placement: constraints on the Function, tolerations in the Profile', () => {
    const o = fn({ backend: FunctionBackend.openFaas(), placement: EDGE_SITE }).objs();
    expect(one(o, 'Function').spec.constraints).toEqual(['topology.kubernetes.io/zone=site-a']);
    expect(one(o, 'Profile').spec.tolerations).toHaveLength(3);
  });

  test('a gateway routes to the Service faas-netes creates', () => {
    const o = fn({ backend: FunctionBackend.openFaas(), gateway: Gateway.ingress(), host: 'hello.example.com' }).objs();
    expect(one(o, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'hello', port: { number: 8080 } });
  });

  test('profile namespace option', () => {
    const o = fn({ backend: FunctionBackend.openFaas({ profileNamespace: 'faas-system' }) }).objs();
    expect(one(o, 'Profile').metadata.namespace).toBe('faas-system');
  });
});

describe('ServerlessFunction defaults (@default)', () => {
  test('name: generated from the construct path', () => {
    const c = chart();
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE });
    expect(f.functionName).toMatch(/^test-hello-[0-9a-f]{8}$/);
  });
  test('backend: FunctionBackend.KUBERNETES', () => {
    const f = fn().f;
    expect(f.backend).toBe(FunctionBackend.KUBERNETES);
    expect(f.backend.displayName).toBe('Kubernetes + KEDA');
  });
  test('runtimeClass: K3s wasmedge; on SpinKube the existing wasmtime-spin-v2', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.runtimeClassName).toBe('wasmedge');
    expect(one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinAppExecutor').spec.deploymentConfig.runtimeClassName).toBe('wasmtime-spin-v2');
  });
  test('port: 8080 (80 on SpinKube)', () => {
    expect(fn().f.servicePort).toBe(8080);
    expect(fn({ backend: FunctionBackend.spinKube() }).f.servicePort).toBe(80);
  });
  test('command and args: the image\'s', () => {
    const c = one(fn().objs(), 'Deployment').spec.template.spec.containers[0];
    expect(c.command).toBeUndefined();
    expect(c.args).toBeUndefined();
  });
  test('gateway: no route', () => {
    expect(fn().f.route).toBeUndefined();
  });
  test('host: every host; path: "/"', () => {
    const { f, objs } = fn({ gateway: Gateway.ingress() });
    const rule = one(objs(), 'Ingress').spec.rules[0];
    expect(rule.host).toBeUndefined();
    expect(rule.http.paths[0].path).toBe('/');
    expect(f.route?.pathPrefix).toBe('/');
  });
  test('interceptorAccess: ROUTE_IN_INTERCEPTOR_NAMESPACE', () => {
    const { f } = fn({ gateway: Gateway.traefik(), scaleToZero: true, host: 'a.example.com' });
    expect(f.route?.routeNamespace).toBe('keda');
  });
  test('warmReplicas: 1 (0 with scaleToZero)', () => {
    expect(fn().f.warmReplicas).toBe(1);
    expect(fn({ scaleToZero: true, host: 'a.example.com' }).f.warmReplicas).toBe(0);
  });
  test('scaleToZero: false', () => {
    expect(fn().f.scalesToZero).toBe(false);
  });
  test('maxReplicas: the larger of 10 and warmReplicas when autoscaling, else the fixed warm pool', () => {
    expect(fn({ triggers: [cron()] }).f.maxReplicas).toBe(10);
    expect(fn({ triggers: [cron()], warmReplicas: 15 }).f.maxReplicas).toBe(15);
    expect(fn({ warmReplicas: 3 }).f.maxReplicas).toBe(3);
  });
  test('concurrency: the HTTP add-on\'s 100; Knative sets no containerConcurrency', () => {
    expect(one(fn({ scaleToZero: true, host: 'a.example.com' }).objs(), 'InterceptorRoute').spec.scalingMetric).toEqual({ concurrency: { targetValue: 100 } });
    expect(one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.spec.containerConcurrency).toBeUndefined();
  });
  test('coldStartBudget: 30s (startup probe every 1s, 30 failures)', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].startupProbe).toMatchObject({ periodSeconds: 1, failureThreshold: 30 });
  });
  test('triggers: none (no ScaledObject)', () => {
    expect(ofKind(fn().objs(), 'ScaledObject')).toEqual([]);
  });
  test('resources: requests 50m/10Mi, limits 200m/50Mi on every backend', () => {
    const wasmSized = { requests: { cpu: '50m', memory: '10Mi' }, limits: { cpu: '200m', memory: '50Mi' } };
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].resources).toEqual(wasmSized);
    expect(one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.spec.containers[0].resources).toEqual(wasmSized);
    expect(one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinApp').spec.resources).toEqual(wasmSized);
  });
  test('env and secretEnv: none', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].env).toBeUndefined();
  });
  test('placement: none (no nodeSelector)', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.nodeSelector).toBeUndefined();
  });
  test('FunctionBackend.kubernetes httpAddOnApi: INTERCEPTOR_ROUTE', () => {
    const f = fn({ backend: FunctionBackend.kubernetes(), scaleToZero: true, host: 'hello.example.com' });
    expect(f.f.interceptorRoute).toBeDefined();
    expect(f.f.httpScaledObject).toBeUndefined();
  });
  test('FunctionBackend.knative: featureFlags WARN, class KPA, no window or scale-down-delay', () => {
    const ann = one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.metadata.annotations;
    expect(ann['autoscaling.knative.dev/class']).toBe(KnativeAutoscalerClass.KPA);
    expect(ann['autoscaling.knative.dev/window']).toBeUndefined();
    expect(ann['autoscaling.knative.dev/scale-down-delay']).toBeUndefined();
    expect(Warnings.of(fn({ backend: FunctionBackend.knative() }).f).messages).toHaveLength(1);
  });
  test('FunctionBackend.spinKube executorName/executor: an emitted containerd-shim-spin executor with installDefaultCACerts', () => {
    const e = one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinAppExecutor');
    expect(e.metadata.name).toBe('containerd-shim-spin');
    expect(e.spec.deploymentConfig.installDefaultCACerts).toBe(true);
  });
  test('FunctionBackend.openFaas profileNamespace: openfaas', () => {
    expect(one(fn({ backend: FunctionBackend.openFaas() }).objs(), 'Profile').metadata.namespace).toBe('openfaas');
  });
});

describe('ServerlessFunction errors name the construct, prop, value and fix', () => {
  const E = (props: Partial<ServerlessFunctionProps>) => errorOf(() => fn(props));

  test('pre-warm and scale to zero exclude each other', () => {
    expect(E({ scaleToZero: true, warmReplicas: 2 })).toBe('[cdk8s-wasm-edge] test/hello: warmReplicas=2: pre-warmed replicas and scaleToZero exclude each other. '
      + 'Fix: drop warmReplicas to scale to zero when idle, or drop scaleToZero to keep replicas warm');
  });
  test('zero warm replicas needs scaleToZero', () => {
    expect(E({ warmReplicas: 0 })).toMatch(/warmReplicas=0: zero warm replicas means scaling to zero. Fix: set scaleToZero: true/);
  });
  test('maxReplicas below warmReplicas', () => {
    expect(E({ warmReplicas: 4, maxReplicas: 2 })).toMatch(/maxReplicas=2: is below warmReplicas=4. Fix: raise maxReplicas to at least 4/);
  });
  test('HTTP scaling needs a host', () => {
    expect(E({ scaleToZero: true })).toMatch(/^\[cdk8s-wasm-edge\] test\/hello: host=undefined: the KEDA HTTP interceptor routes requests by Host header/);
  });
  test('HTTPScaledObject cannot take event triggers', () => {
    expect(E({ backend: FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }), scaleToZero: true, host: 'a.example.com', gateway: Gateway.traefik(), triggers: [kafka()] }))
      .toMatch(/triggers=\["kafka"\]: an HTTPScaledObject creates its own ScaledObject.*Fix: use HttpAddOnApi.INTERCEPTOR_ROUTE/);
  });
  test('MQTT has no KEDA scaler', () => {
    expect(errorOf(() => fn({ triggers: [KedaTrigger.mqtt()] }))).toMatch(/^\[cdk8s-wasm-edge\] KedaTrigger.mqtt: type="mqtt": KEDA has no MQTT scaler.*KedaTrigger.external/);
  });
  test('scale to zero on CPU alone is refused by the ScaledObject', () => {
    expect(E({ scaleToZero: true, triggers: [KedaTrigger.cpu({ utilization: 70 })] })).toMatch(/minReplicas=0: KEDA cannot scale to zero on cpu triggers alone/);
  });
  test('credentials inline in env', () => {
    expect(E({ env: { DB_PASSWORD: 'hunter2' } })).toBe('[cdk8s-wasm-edge] test/hello: env["DB_PASSWORD"]="<redacted>": "DB_PASSWORD" names a credential; '
      + 'generated files are not Secrets (they land in Git, in cloud-init user-data and in kubectl output). '
      + 'Fix: put it in a Secret and reference it: secretEnv: { DB_PASSWORD: { secretName: "my-secret", key: "db_password" } }');
  });
  test('secretEnv checks', () => {
    expect(E({ env: { A: '1' }, secretEnv: { A: { secretName: 's', key: 'k' } } })).toMatch(/secretEnv\["A"\]="A": is also set in env/);
    expect(E({ secretEnv: { A: { secretName: 'S', key: 'k' } } })).toMatch(/secretEnv\["A"\].secretName="S": is not a DNS-1123 subdomain/);
    expect(E({ secretEnv: { A: { secretName: 's', key: 'a b' } } })).toMatch(/secretEnv\["A"\].key="a b": is not a Secret key/);
    expect(E({ env: { '1X': 'v' } })).toMatch(/env\["1X"\]="1X": is not an environment variable name/);
  });
  test('coldStartBudget range', () => {
    expect(E({ coldStartBudget: Duration.seconds(0) })).toMatch(/coldStartBudget="0ms": must be more than 0 and at most 1 hour/);
    expect(E({ coldStartBudget: Duration.hours(2) })).toMatch(/coldStartBudget="7200000ms"/);
  });
  test('image, name, port, concurrency', () => {
    expect(E({ image: 'Not An Image' })).toMatch(/test\/hello: image="Not An Image": is not a valid OCI image reference/);
    expect(E({ name: 'Hello' })).toMatch(/test\/hello: name="Hello": is not a DNS-1035 label/);
    expect(E({ port: 70000 })).toMatch(/port=70000: is not a port \(a whole number from 1 to 65535\)/);
    expect(E({ concurrency: 0 })).toMatch(/concurrency=0: must be a whole number from 1 to 1000000/);
  });
  test('runwasi needs an absolute entrypoint', () => {
    expect(E({ command: ['app.wasm'] })).toMatch(/command=\["app.wasm"\]: runwasi shims start the entrypoint as a path.*Fix: use "\/app.wasm"/);
  });
  test('resources: limit below request', () => {
    expect(E({ backend: FunctionBackend.knative(), resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(100) } } }))
      .toMatch(/resources.cpu=\{"request":"500m","limit":"100m"\}: the CPU limit is below the request/);
  });
  test('bad host and path', () => {
    expect(E({ host: 'Bad Host' })).toMatch(/host="Bad Host": is not a DNS host name/);
    expect(E({ path: 'no-slash' })).toMatch(/path="no-slash": is not an absolute URL path prefix/);
  });

  describe('Knative cannot express', () => {
    const K = (props: Partial<ServerlessFunctionProps>, options = {}) => E({ backend: FunctionBackend.knative(options), ...props });
    test('KEDA triggers', () => {
      expect(K({ triggers: [kafka()] })).toMatch(/triggers=\["kafka"\]: the Knative backend cannot express triggers: Knative scales a Service on its own HTTP metrics.*Fix: deliver events over HTTP with Knative Eventing/);
    });
    test('a gateway', () => {
      expect(K({ gateway: Gateway.traefik() })).toMatch(/gateway="IngressRoute": the Knative backend cannot express gateway.*Fix: drop gateway; set host to map a custom domain/);
    });
    test('a path', () => {
      expect(K({ path: '/api' })).toMatch(/path="\/api": the Knative backend cannot express path: a Knative Service is addressed by host name only/);
    });
    test('a wildcard host', () => {
      expect(K({ host: '*.example.com' })).toMatch(/host="\*.example.com": the Knative backend cannot express host: a DomainMapping maps one exact domain/);
    });
    test('queue-proxy ports', () => {
      expect(K({ port: 8012 })).toMatch(/port=8012: Knative's queue-proxy sidecar uses ports 8012, 8013, 8022, 9090, 9091/);
    });
    test('HPA class with scale to zero or concurrency', () => {
      expect(K({ scaleToZero: true }, { autoscalerClass: KnativeAutoscalerClass.HPA })).toMatch(/scaleToZero=true: the Knative HPA autoscaler class cannot scale to zero/);
      expect(K({ concurrency: 5 }, { autoscalerClass: KnativeAutoscalerClass.HPA })).toMatch(/concurrency=5: the Knative HPA autoscaler class scales on CPU or memory/);
    });
    test('window out of range', () => {
      expect(K({}, { window: Duration.seconds(2) })).toMatch(/window="2s": must be whole seconds from 6 to 3600/);
    });
  });

  describe('SpinKube cannot express', () => {
    const S = (props: Partial<ServerlessFunctionProps>) => E({ backend: FunctionBackend.spinKube(), ...props });
    test('placement', () => {
      expect(S({ placement: EDGE_SITE })).toBe('[cdk8s-wasm-edge] test/hello: placement="edge-site-a": the SpinKube backend cannot express placement: SpinApp has no nodeSelector or tolerations (spin-operator builds the pods). '
        + 'Fix: drop placement and steer pods with the RuntimeClass\'s scheduling (RuntimeClass.wasmtimeSpinV2 with nodeSelector/tolerations), or use FunctionBackend.KUBERNETES');
    });
    test('another port', () => {
      expect(S({ port: 8080 })).toMatch(/port=8080: the SpinKube backend cannot express port: spin-operator always serves Spin apps on port 80/);
    });
    test('command', () => {
      expect(S({ command: ['/app.wasm'] })).toMatch(/command=\["\/app.wasm"\]: the SpinKube backend cannot express command/);
    });
    test('a non-Spin RuntimeClass', () => {
      const c = chart();
      expect(errorOf(() => new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube(), runtimeClass: RuntimeClass.fromK3s(c, 'W', WasmRuntime.WASMEDGE) })))
        .toMatch(/runtimeClass="wasmedge": the SpinKube backend cannot express runtimeClass: SpinApps need the Spin shim.*RuntimeClass.wasmtimeSpinV2/);
    });
    test('env names that are not Spin variable names', () => {
      expect(S({ env: { LOG_LEVEL: 'debug' } })).toMatch(/env\["LOG_LEVEL"\]="LOG_LEVEL": the SpinKube backend cannot express env\["LOG_LEVEL"\].*Fix: rename it to "log_level"/);
    });
    test('executor name', () => {
      expect(errorOf(() => FunctionBackend.spinKube({ executorName: 'Bad' }))).toMatch(/FunctionBackend.spinKube: executorName="Bad"/);
    });
  });

  describe('OpenFaaS cannot express', () => {
    const O = (props: Partial<ServerlessFunctionProps>) => E({ backend: FunctionBackend.openFaas(), ...props });
    test('KEDA triggers', () => {
      expect(O({ triggers: [cron()] })).toMatch(/triggers=\["cron"\]: the OpenFaaS backend cannot express triggers.*cron-connector/);
    });
    test('another port', () => {
      expect(O({ port: 3000 })).toMatch(/port=3000: the OpenFaaS backend cannot express port: faas-netes routes to the watchdog port 8080/);
    });
    test('secrets as environment variables', () => {
      expect(O({ secretEnv: { TOKEN: { secretName: 's', key: 'k' } } })).toMatch(/secretEnv=\["TOKEN"\]: the OpenFaaS backend cannot express secretEnv: OpenFaaS mounts secrets as files/);
    });
    test('command', () => {
      expect(O({ args: ['--x'] })).toMatch(/args=\["--x"\]: the OpenFaaS backend cannot express args/);
    });
    test('a direct route to a function that scales to zero', () => {
      expect(O({ scaleToZero: true, gateway: Gateway.ingress() })).toMatch(/the OpenFaaS backend cannot express gateway: a scaled-to-zero OpenFaaS function is woken only by requests through the OpenFaaS gateway/);
    });
  });
});

describe('cross-checks at synth', () => {
  test('two autoscalers on one SpinApp Deployment are refused (one ScaledObject per workload)', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same', backend: FunctionBackend.spinKube(), triggers: [kafka()] });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same', backend: FunctionBackend.spinKube({ executorName: 'x' }), triggers: [cron()] });
    expect(validationText(c)).toMatch(/two autoscalers on one workload fight over its replica count/);
  });
  test('the gateway and its route object are recorded on the route', () => {
    const route = fn({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }) }).f.route!;
    expect(route.gateway.routeKind).toBe('HTTPRoute');
    expect(route.apiObject.kind).toBe('HTTPRoute');
    expect(route.resource).toBe(route.apiObject);
  });
});
