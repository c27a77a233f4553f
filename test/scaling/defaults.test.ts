// One test per documented `@default` of the scaling module: each builds the smallest object that
// leaves the prop out and checks what the output (or the construct) does instead.
import * as kplus from 'cdk8s-plus-30';
import { chart, ofKind, wasm, wasmWithService } from './helpers';
import {
  KedaHttpScaledObject, KedaInterceptorRoute, KedaScaledObject, KedaTrigger, KedaTriggerAuthentication, ScalingBehavior,
  WasmHorizontalPodAutoscaler,
} from '../../lib/scaling';
import { synthAndValidate } from '../util/validate';

type C = ReturnType<typeof chart>;
const prom = (extra: Record<string, unknown> = {}) => KedaTrigger.prometheus({ serverAddress: 'http://p.monitoring:9090', query: 'up', threshold: 5, ...extra });
const kafka = (extra: Record<string, unknown> = {}) => KedaTrigger.kafka({ bootstrapServers: ['kafka:9092'], consumerGroup: 'g', ...extra });
const rabbitAuth = () => KedaTriggerAuthentication.fromTriggerAuthenticationName('rabbit');
const rps = () => kplus.Metric.pods({ name: 'rps', target: kplus.MetricTarget.averageValue(10) });

function scaledObject(build: (c: C) => { target?: kplus.IScalable; triggers?: KedaTrigger[]; props?: Record<string, unknown> } = () => ({})): any {
  const c = chart();
  const b = build(c);
  new KedaScaledObject(c, 'So', { target: b.target ?? wasm(c), triggers: b.triggers ?? [prom()], ...b.props });
  return ofKind(synthAndValidate(c), 'ScaledObject')[0];
}
const trigger = (t: () => KedaTrigger) => scaledObject(() => ({ triggers: [t()] })).spec.triggers[0];

function hpa(build: (c: C) => Record<string, unknown> & { target?: kplus.IScalable } = () => ({})): any {
  const c = chart();
  const b = build(c);
  new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: b.target ?? wasm(c), metrics: [rps()], ...b });
  return ofKind(synthAndValidate(c), 'HorizontalPodAutoscaler')[0];
}

function route(props: Record<string, unknown> = {}, extra?: (c: C, service: kplus.Service) => Record<string, unknown>): any {
  const c = chart();
  const { service } = wasmWithService(c);
  new KedaInterceptorRoute(c, 'Route', { service, hosts: ['a.example.com'], ...props, ...(extra ? extra(c, service) : {}) });
  return ofKind(synthAndValidate(c), 'InterceptorRoute')[0];
}

function httpScaledObject(props: Record<string, unknown> = {}, wd: Record<string, unknown> = {}, extra?: (c: C) => Record<string, unknown>): any {
  const c = chart();
  const { deployment, service } = wasmWithService(c, 'Hello', wd);
  new KedaHttpScaledObject(c, 'Http', { target: deployment, service, hosts: ['a.example.com'], ...props, ...(extra ? extra(c) : {}) });
  return ofKind(synthAndValidate(c), 'HTTPScaledObject')[0];
}

const fallbackService = (c: C) => new kplus.Service(c, 'Fallback', { ports: [{ port: 81, name: 'http' }, { port: 82, name: 'alt' }], selector: kplus.Pods.select(c, 'Sel', { labels: { app: 'x' } }) });

describe('@default: ScalingBehaviorOptions', () => {
  test('scaleUp: left out (Kubernetes default)', () => {
    const h = hpa(() => ({ behavior: ScalingBehavior.custom({ scaleDown: { policies: [{ replicas: kplus.Replicas.absolute(1) }] } }) }));
    expect(h.spec.behavior.scaleUp).toBeUndefined();
  });
  test('scaleDown: left out (Kubernetes default)', () => {
    const h = hpa(() => ({ behavior: ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.absolute(1) }] } }) }));
    expect(h.spec.behavior.scaleDown).toBeUndefined();
  });
});

describe('@default: WasmHorizontalPodAutoscalerProps', () => {
  test('minReplicas: the WasmDeployment\'s warmReplicas', () => {
    expect(hpa(c => ({ target: wasm(c, 'W', { warmReplicas: 3 }) })).spec.minReplicas).toBe(3);
  });
  test('minReplicas: at least 1 when warmReplicas is 0', () => {
    expect(hpa(c => ({ target: wasm(c, 'W', { warmReplicas: 0 }) })).spec.minReplicas).toBe(1);
  });
  test('minReplicas: 1 for other workloads', () => {
    expect(hpa(c => ({ target: new kplus.Deployment(c, 'P', { containers: [{ image: 'nginx:1.27' }] }) })).spec.minReplicas).toBe(1);
  });
  test('maxReplicas: 100', () => {
    expect(hpa().spec.maxReplicas).toBe(100);
  });
  test('behavior: fastScaleOut', () => {
    const h = hpa();
    expect(h.spec.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }]);
    expect(h.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });
  test('metadata: generated name in the target\'s namespace', () => {
    const h = hpa(c => ({ target: wasm(c, 'W', { metadata: { namespace: 'edge' } }) }));
    expect(h.metadata.name).toMatch(/^test-hpa-/);
    expect(h.metadata.namespace).toBe('edge');
  });
});

describe('@default: KedaTriggerAuthenticationProps', () => {
  test('secretTargetRefs: none yet, added later', () => {
    const c = chart();
    const a = new KedaTriggerAuthentication(c, 'A');
    expect(a.parameters).toEqual([]);
    a.addSecretTargetRef({ parameter: 'host', secret: kplus.Secret.fromSecretName(c, 'S', 's'), key: 'host' });
    expect(ofKind(synthAndValidate(c), 'TriggerAuthentication')[0].spec.secretTargetRef).toHaveLength(1);
  });
  test('metadata: generated name', () => {
    const c = chart();
    new KedaTriggerAuthentication(c, 'A', { secretTargetRefs: [{ parameter: 'host', secret: kplus.Secret.fromSecretName(c, 'S', 's'), key: 'host' }] });
    expect(ofKind(synthAndValidate(c), 'TriggerAuthentication')[0].metadata.name).toMatch(/^test-a-/);
  });
});

describe('@default: trigger options', () => {
  test('name: left to KEDA', () => expect(trigger(() => prom()).name).toBeUndefined());
  test('useCachedMetrics: false (left out)', () => {
    expect(trigger(() => prom()).useCachedMetrics).toBeUndefined();
    expect(trigger(() => prom({ useCachedMetrics: true })).useCachedMetrics).toBe(true);
  });
  test('metricType: AverageValue (KEDA\'s default, left out)', () => expect(trigger(() => kafka()).metricType).toBeUndefined());
  test('authentication: none', () => expect(trigger(() => kafka()).authenticationRef).toBeUndefined());
  test('prometheus activationThreshold: 0 (left out)', () => expect(trigger(() => prom()).metadata.activationThreshold).toBeUndefined());
  test('prometheus authModes: none', () => expect(trigger(() => prom()).metadata.authModes).toBeUndefined());
  test('prometheus ignoreNullValues: true (KEDA\'s default, left out)', () => {
    expect(trigger(() => prom()).metadata.ignoreNullValues).toBeUndefined();
    expect(trigger(() => prom({ ignoreNullValues: false })).metadata.ignoreNullValues).toBe('false');
  });
  test('cpu utilization/averageValue: one of them is required', () => {
    expect(() => KedaTrigger.cpu({})).toThrow(/give exactly one of utilization and averageValue/);
    expect(KedaTrigger.cpu({ averageValue: kplus.Cpu.millis(100) }).metricType).toBe('AverageValue');
    expect(KedaTrigger.cpu({ utilization: 50 }).metricType).toBe('Utilization');
  });
  test('cpu containerName: the whole pod', () => expect(KedaTrigger.cpu({ utilization: 50 }).metadata).toEqual({ value: '50' }));
  test('memory utilization/averageValue: one of them is required', () => {
    expect(() => KedaTrigger.memory({})).toThrow(/give exactly one of utilization and averageValue/);
    expect(KedaTrigger.memory({ utilization: 50 }).metricType).toBe('Utilization');
  });
  test('memory containerName: the whole pod', () => expect(KedaTrigger.memory({ utilization: 50 }).metadata).toEqual({ value: '50' }));
  test('kafka topic: all topics of the group (left out)', () => expect(trigger(() => kafka()).metadata.topic).toBeUndefined());
  test('kafka lagThreshold: 10', () => expect(trigger(() => kafka()).metadata.lagThreshold).toBe('10'));
  test('kafka activationLagThreshold: 0 (left out)', () => expect(trigger(() => kafka()).metadata.activationLagThreshold).toBeUndefined());
  test('kafka offsetResetPolicy: latest (left out)', () => expect(trigger(() => kafka()).metadata.offsetResetPolicy).toBeUndefined());
  test('rabbitmq mode: QueueLength', () => expect(trigger(() => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: rabbitAuth() })).metadata.mode).toBe('QueueLength'));
  test('rabbitmq protocol: auto for QueueLength', () => expect(trigger(() => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: rabbitAuth() })).metadata.protocol).toBe('auto'));
  test('rabbitmq activationValue: 0 (left out)', () => expect(trigger(() => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: rabbitAuth() })).metadata.activationValue).toBeUndefined());
  test('rabbitmq vhostName: from host (left out)', () => expect(trigger(() => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: rabbitAuth() })).metadata.vhostName).toBeUndefined());
  test('rabbitmq metricType: AverageValue (left out)', () => expect(trigger(() => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: rabbitAuth() })).metricType).toBeUndefined());
  test('external metadata: only scalerAddress', () => expect(trigger(() => KedaTrigger.external({ scalerAddress: 's.keda:6000' })).metadata).toEqual({ scalerAddress: 's.keda:6000' }));
  test('external push: false (type external)', () => expect(trigger(() => KedaTrigger.external({ scalerAddress: 's.keda:6000' })).type).toBe('external'));
  test('httpAddOn scalerAddress: keda-add-ons-http-external-scaler.keda:9090', () => {
    expect(KedaTrigger.httpAddOn({ interceptorRouteName: 'r' }).metadata.scalerAddress).toBe('keda-add-ons-http-external-scaler.keda:9090');
  });
  test('fromType canScaleToZero: true', () => expect(KedaTrigger.fromType('redis', { metadata: { address: 'r:6379' } }).canScaleToZero).toBe(true));
});

describe('@default: KedaScaledObject', () => {
  test('fallback.behavior: static (left out)', () => {
    expect(scaledObject(() => ({ props: { fallback: { failureThreshold: 3, replicas: 2 } } })).spec.fallback)
      .toEqual({ failureThreshold: 3, replicas: 2 });
  });
  test('scalingModifiers.activationTarget: 0 (left out)', () => {
    const so = scaledObject(() => ({ triggers: [prom({ name: 'a' })], props: { scalingModifiers: { formula: 'a', target: 5 } } }));
    expect(so.spec.advanced.scalingModifiers).toEqual({ formula: 'a', target: '5' });
  });
  test('scalingModifiers.metricType: AverageValue (left out)', () => {
    const so = scaledObject(() => ({ triggers: [prom({ name: 'a' })], props: { scalingModifiers: { formula: 'a', target: 5 } } }));
    expect(so.spec.advanced.scalingModifiers.metricType).toBeUndefined();
  });
  test('minReplicas: the WasmDeployment\'s warmReplicas', () => {
    expect(scaledObject(c => ({ target: wasm(c, 'W', { warmReplicas: 2 }) })).spec.minReplicaCount).toBe(2);
  });
  test('minReplicas: 0 for other workloads', () => {
    expect(scaledObject(c => ({ target: new kplus.Deployment(c, 'P', { containers: [{ image: 'nginx:1.27' }] }) })).spec.minReplicaCount).toBe(0);
  });
  test('minReplicas: 1 when every trigger is cpu/memory', () => {
    const so = scaledObject(c => ({ target: wasm(c, 'W', { warmReplicas: 0 }), triggers: [KedaTrigger.memory({ utilization: 70 })] }));
    expect(so.spec.minReplicaCount).toBe(1);
  });
  test('maxReplicas: 100', () => expect(scaledObject().spec.maxReplicaCount).toBe(100));
  test('pollingInterval: 30s (KEDA default, left out)', () => expect(scaledObject().spec.pollingInterval).toBeUndefined());
  test('cooldownPeriod: 300s (KEDA default, left out)', () => expect(scaledObject().spec.cooldownPeriod).toBeUndefined());
  test('initialCooldownPeriod: 0s (KEDA default, left out)', () => expect(scaledObject().spec.initialCooldownPeriod).toBeUndefined());
  test('idleReplicaCount: none', () => expect(scaledObject().spec.idleReplicaCount).toBeUndefined());
  test('fallback: none', () => expect(scaledObject().spec.fallback).toBeUndefined());
  test('behavior: Kubernetes defaults (no advanced section)', () => expect(scaledObject().spec.advanced).toBeUndefined());
  test('scalingModifiers: none', () => {
    const so = scaledObject(() => ({ props: { behavior: ScalingBehavior.conservative() } }));
    expect(so.spec.advanced.scalingModifiers).toBeUndefined();
  });
  test('envSourceContainerName: the first container (left out)', () => expect(scaledObject().spec.scaleTargetRef.envSourceContainerName).toBeUndefined());
  test('metadata: generated name in the target\'s namespace', () => {
    const so = scaledObject(c => ({ target: wasm(c, 'W', { metadata: { namespace: 'edge' } }) }));
    expect(so.metadata.name).toMatch(/^test-so-/);
    expect(so.metadata.namespace).toBe('edge');
  });
});

describe('@default: HTTP add-on', () => {
  test('requestRate window: 1m (CRD default, left out)', () => expect(route({ targetRequestRate: { targetValue: 5 } }).spec.scalingMetric.requestRate.window).toBeUndefined());
  test('requestRate granularity: 1s (CRD default, left out)', () => expect(route({ targetRequestRate: { targetValue: 5 } }).spec.scalingMetric.requestRate.granularity).toBeUndefined());
  test('targetConcurrency: 100 without a request rate', () => expect(route().spec.scalingMetric).toEqual({ concurrency: { targetValue: 100 } }));
  test('targetRequestRate: none (concurrency only)', () => expect(route().spec.scalingMetric.requestRate).toBeUndefined());
  test('header value: any (left out)', () => {
    expect(route({ hosts: undefined, rules: [{ headers: [{ name: 'X-A' }] }] }).spec.rules[0].headers).toEqual([{ name: 'X-A' }]);
  });
  test('rule hosts: any (left out)', () => expect(route({ hosts: undefined, rules: [{ pathPrefixes: ['/a'] }] }).spec.rules[0].hosts).toBeUndefined());
  test('rule pathPrefixes: any (left out)', () => expect(route().spec.rules[0].paths).toBeUndefined());
  test('rule headers: none (left out)', () => expect(route().spec.rules[0].headers).toBeUndefined());
  test('coldStartFallback.port: the Service\'s first port', () => {
    expect(route({}, c => ({ coldStartFallback: { service: fallbackService(c) } })).spec.coldStart.fallback.service.port).toBe(81);
  });
  test('placeholder body: empty (left out)', () => expect(route({ placeholderResponse: {} }).spec.coldStart.placeholder.response.body).toBeUndefined());
  test('placeholder statusCode: 503 (CRD default, left out)', () => expect(route({ placeholderResponse: {} }).spec.coldStart.placeholder.response.statusCode).toBeUndefined());
  test('placeholder headers: none', () => expect(route({ placeholderResponse: {} }).spec.coldStart.placeholder.response.headers).toBeUndefined());
  test('timeouts.readiness: global (left out)', () => expect(route({ timeouts: {} }).spec.timeouts).toBeUndefined());
  test('timeouts.request: global (left out)', () => expect(route({ timeouts: {} }).spec.timeouts?.request).toBeUndefined());
  test('timeouts.responseHeader: global (left out)', () => expect(route({ timeouts: {} }).spec.timeouts?.responseHeader).toBeUndefined());
  test('route port: the Service\'s first port', () => expect(route().spec.target.port).toBe(8080));
  test('route hosts: required with pathPrefixes and rules absent', () => expect(() => route({ hosts: undefined })).toThrow(/routes nothing/));
  test('route pathPrefixes: none', () => expect(route().spec.rules).toEqual([{ hosts: ['a.example.com'] }]));
  test('route rules: one rule from hosts and pathPrefixes', () => expect(route({ pathPrefixes: ['/x'] }).spec.rules).toEqual([{ hosts: ['a.example.com'], paths: [{ value: '/x' }] }]));
  test('route coldStartFallback: none', () => expect(route().spec.coldStart).toBeUndefined());
  test('route placeholderResponse: none', () => expect(route().spec.coldStart?.placeholder).toBeUndefined());
  test('route timeouts: global', () => expect(route().spec.timeouts).toBeUndefined());
  test('route metadata: generated name in the Service\'s namespace', () => {
    const c = chart();
    const { service } = wasmWithService(c, 'W', { metadata: { namespace: 'edge' } });
    new KedaInterceptorRoute(c, 'Route', { service, hosts: ['a.b'] });
    const [ir] = ofKind(synthAndValidate(c), 'InterceptorRoute');
    expect(ir.metadata.name).toMatch(/^test-route-/);
    expect(ir.metadata.namespace).toBe('edge');
  });
  test('failover timeout: 30s (CRD default, left out)', () => {
    expect(httpScaledObject({}, {}, c => ({ coldStartFailover: { service: fallbackService(c) } })).spec.coldStartTimeoutFailoverRef)
      .toEqual({ service: expect.any(String), port: 81 });
  });
  test('HTTPScaledObject port: the Service\'s first port', () => expect(httpScaledObject().spec.scaleTargetRef.port).toBe(8080));
  test('HTTPScaledObject hosts: required with pathPrefixes absent', () => expect(() => httpScaledObject({ hosts: undefined })).toThrow(/routes nothing/));
  test('HTTPScaledObject pathPrefixes: none', () => expect(httpScaledObject().spec.pathPrefixes).toBeUndefined());
  test('HTTPScaledObject minReplicas: the WasmDeployment\'s warmReplicas', () => expect(httpScaledObject({}, { warmReplicas: 2 }).spec.replicas.min).toBe(2));
  test('HTTPScaledObject maxReplicas: 100', () => expect(httpScaledObject().spec.replicas.max).toBe(100));
  test('HTTPScaledObject scaledownPeriod: 300s (left out)', () => expect(httpScaledObject().spec.scaledownPeriod).toBeUndefined());
  test('HTTPScaledObject initialCooldownPeriod: 0s (left out)', () => expect(httpScaledObject().spec.initialCooldownPeriod).toBeUndefined());
  test('HTTPScaledObject coldStartFailover: none', () => expect(httpScaledObject().spec.coldStartTimeoutFailoverRef).toBeUndefined());
  test('HTTPScaledObject metadata: generated name in the target\'s namespace', () => {
    const h = httpScaledObject({}, { metadata: { namespace: 'edge' } });
    expect(h.metadata.name).toMatch(/^test-http-/);
    expect(h.metadata.namespace).toBe('edge');
  });
});
