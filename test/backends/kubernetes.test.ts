import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { FunctionBackend, HttpAddOnApi } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import { Gateway, InterceptorAccess } from '../../lib/routing';
import { RuntimeClass } from '../../lib/runtime-class';
import { KedaTrigger, KedaTriggerAuthentication } from '../../lib/scaling';
import { ServerlessFunction } from '../../lib/serverless-function';
import { chart, EDGE_SITE, fn, IMAGE, kinds, ofKind, one } from '../serverless/helpers';
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
