/**
 * Property-based tests of the KEDA constructs: KedaScaledObject with every trigger kind, and
 * KedaTriggerAuthentication. Each seeded run (FUZZ_RUNS, default 2000 per property) ends in
 * schema-valid, semantically valid output or in the library's documented error.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  KedaFallbackBehavior, KedaKafkaOffsetResetPolicy, KedaKafkaSaslMode, KedaMetricType, KedaPrometheusAuthMode,
  KedaRabbitmqMode, KedaRabbitmqProtocol, KedaScaledObject, KedaTrigger, KedaTriggerAuthentication, ScalingBehavior,
} from '../../lib/scaling';
import { assertValidOrDocumentedError, maybe, nastyNumber, nastyString } from '../util/fuzz';

/** A Duration from a non-negative number of milliseconds (cdk8s itself refuses negative amounts). */
const duration = maybe(fc.oneof(nastyNumber([0, 1000, 30000, 300000]), fc.integer({ min: 0, max: 600 }).map(s => s * 1000)))
  .map(ms => (ms === undefined || ms < 0 || Object.is(ms, -0) ? undefined : Duration.millis(ms)));

/** Usually one of the good values, now and then a nasty one: many fields per run, so each must be mostly valid. */
const often = <T>(good: T[], nasty: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 14 }, { arbitrary: nasty, weight: 1 });
const str = (good: string[]) => often(good, nastyString(good));
const numb = (good: number[]) => often(good, nastyNumber(good));
const flag = maybe(often([true, false], fc.constant(undefined as unknown as boolean)));

const dictionary = (keys: string[], values: string[]) => fc.dictionary(str(keys), str(values), { maxKeys: 3 });

/** Metadata as users pass it: a name, a namespace, labels and annotations, any of them nasty. */
const metadataArb = maybe(fc.record({
  name: maybe(str(['my-object', 'a.b'])),
  namespace: maybe(str(['edge'])),
  labels: maybe(dictionary(['app', 'example.com/tier'], ['edge', ''])),
  annotations: maybe(dictionary(['example.com/owner'], ['team a'])),
}, { requiredKeys: [] }));

const authParams = maybe(fc.subarray(['username', 'password', 'host', 'bearerToken', 'ca', 'realm', 'kerberosConfig']));

function authentication(c: Chart, params: string[] | undefined, id: string): KedaTriggerAuthentication | undefined {
  if (params === undefined) return undefined;
  const secret = kplus.Secret.fromSecretName(c, `${id}Secret`, 'credentials');
  return new KedaTriggerAuthentication(c, `${id}Auth`, { secretTargetRefs: params.map(p => ({ parameter: p, secret, key: p })) });
}

const base = { name: maybe(str(['requests', 'queue'])), useCachedMetrics: flag };

/** Every trigger kind, each with nasty values in every option. */
const triggerArb = fc.oneof(
  fc.record({
    kind: fc.constant('prometheus' as const),
    ...base,
    serverAddress: str(['http://prometheus.monitoring:9090', 'https://p:9443/x']),
    query: str(['sum(rate(http_requests_total[1m]))']),
    threshold: numb([10, 0.5]),
    activationThreshold: maybe(numb([0, 1])),
    authModes: maybe(fc.subarray([...Object.values(KedaPrometheusAuthMode), 'digest'])),
    ignoreNullValues: flag,
    metricType: maybe(fc.constantFrom(...Object.values(KedaMetricType), 'Sum')),
    auth: authParams,
  }),
  fc.record({ kind: fc.constant('cpu' as const), ...base, utilization: maybe(numb([70])), averageMillis: maybe(numb([100])), containerName: maybe(str(['main'])) }),
  fc.record({ kind: fc.constant('memory' as const), ...base, utilization: maybe(numb([70])), averageMiB: maybe(numb([64])), containerName: maybe(str(['main'])) }),
  fc.record({
    kind: fc.constant('kafka' as const),
    ...base,
    bootstrapServers: fc.array(str(['kafka-0.kafka:9092', 'kafka:9093']), { maxLength: 3 }),
    consumerGroup: str(['workers']),
    topic: maybe(str(['events', 'a.b_c-d'])),
    lagThreshold: maybe(numb([10, 100])),
    activationLagThreshold: maybe(numb([0, 5])),
    offsetResetPolicy: maybe(fc.constantFrom(...Object.values(KedaKafkaOffsetResetPolicy), 'newest')),
    allowIdleConsumers: flag,
    limitToPartitionsWithLag: flag,
    ensureEvenDistributionOfPartitions: flag,
    excludePersistentLag: flag,
    scaleToZeroOnInvalidOffset: flag,
    partitionLimitation: maybe(fc.array(numb([0, 1, 7]), { maxLength: 4 })),
    version: maybe(str(['2.8.0', '0.11.0.2', '3.6.0'])),
    sasl: maybe(fc.constantFrom(...Object.values(KedaKafkaSaslMode), 'scram')),
    tls: flag,
    unsafeSsl: flag,
    fullMetadata: flag,
    metricType: maybe(fc.constantFrom(...Object.values(KedaMetricType))),
    auth: authParams,
  }),
  fc.record({
    kind: fc.constant('rabbitmq' as const),
    ...base,
    queueName: str(['orders']),
    value: numb([5]),
    activationValue: maybe(numb([0])),
    mode: maybe(fc.constantFrom(...Object.values(KedaRabbitmqMode))),
    protocol: maybe(fc.constantFrom(...Object.values(KedaRabbitmqProtocol))),
    vhostName: maybe(str(['/', 'prod'])),
    metricType: maybe(fc.constantFrom(...Object.values(KedaMetricType))),
    auth: fc.constantFrom(['host'], ['password'], ['host', 'password']),
  }),
  fc.record({
    kind: fc.constant('cron' as const),
    ...base,
    timezone: str(['Etc/UTC', 'Asia/Shanghai']),
    start: str(['0 8 * * 1-5', '@hourly']),
    end: str(['0 20 * * 1-5']),
    desiredReplicas: numb([1, 3]),
  }),
  fc.record({
    kind: fc.constant('external' as const),
    ...base,
    scalerAddress: str(['scaler.keda:6000']),
    push: flag,
    metadata: maybe(dictionary(['topic', 'sasl', 'authModes', 'password', 'address'], ['x', 'mqtt://u:p@broker:1883', 'scram_sha512'])),
    metricType: maybe(fc.constantFrom(...Object.values(KedaMetricType))),
    auth: authParams,
  }),
  fc.record({ kind: fc.constant('httpAddOn' as const), ...base, interceptorRouteName: str(['hello']), scalerAddress: maybe(str(['keda-add-ons-http-external-scaler.keda:9090'])) }),
  fc.record({
    kind: fc.constant('fromType' as const),
    ...base,
    type: str(['redis', 'kafka', 'nats-jetstream', 'cpu', 'mqtt']),
    metadata: dictionary(['address', 'sasl', 'tls', 'listName', 'authorization', 'bearer', 'host', 'passwordFromEnv'],
      ['redis:6379', 'plaintext', 'enable', 'disable', 'Bearer abcdefghijklmnop', 'redis://u:pw@r:6379', 'REDIS_PASSWORD']),
    canScaleToZero: flag,
    auth: authParams,
  }),
);
type TriggerDesc = typeof triggerArb extends fc.Arbitrary<infer T> ? T : never;

function makeTrigger(c: Chart, i: number, d: TriggerDesc): KedaTrigger {
  const named = { name: d.name, useCachedMetrics: d.useCachedMetrics };
  switch (d.kind) {
    case 'prometheus':
      return KedaTrigger.prometheus(Object.assign({}, named, {
        serverAddress: d.serverAddress,
        query: d.query,
        threshold: d.threshold,
        activationThreshold: d.activationThreshold,
        authModes: d.authModes as KedaPrometheusAuthMode[] | undefined,
        ignoreNullValues: d.ignoreNullValues,
        metricType: d.metricType as KedaMetricType | undefined,
        authentication: authentication(c, d.auth, `T${i}`),
      }));
    case 'cpu':
      return KedaTrigger.cpu(Object.assign({}, named, {
        utilization: d.utilization,
        containerName: d.containerName,
        averageValue: d.averageMillis === undefined || !(d.averageMillis >= 0) ? undefined : kplus.Cpu.millis(d.averageMillis),
      }));
    case 'memory':
      return KedaTrigger.memory(Object.assign({}, named, {
        utilization: d.utilization,
        containerName: d.containerName,
        averageValue: d.averageMiB === undefined || !(d.averageMiB >= 0) ? undefined : Size.mebibytes(d.averageMiB),
      }));
    case 'kafka':
      return KedaTrigger.kafka(Object.assign({}, named, d, {
        offsetResetPolicy: d.offsetResetPolicy as KedaKafkaOffsetResetPolicy | undefined,
        sasl: d.sasl as KedaKafkaSaslMode | undefined,
        authentication: authentication(c, d.auth, `T${i}`),
      }));
    case 'rabbitmq':
      return KedaTrigger.rabbitmq(Object.assign({}, named, {
        queueName: d.queueName,
        value: d.value,
        activationValue: d.activationValue,
        mode: d.mode,
        protocol: d.protocol,
        vhostName: d.vhostName,
        metricType: d.metricType,
        authentication: authentication(c, d.auth, `T${i}`)!,
      }));
    case 'cron':
      return KedaTrigger.cron(Object.assign({}, named, { timezone: d.timezone, start: d.start, end: d.end, desiredReplicas: d.desiredReplicas }));
    case 'external':
      return KedaTrigger.external(Object.assign({}, named, {
        scalerAddress: d.scalerAddress,
        push: d.push,
        metadata: d.metadata,
        metricType: d.metricType,
        authentication: authentication(c, d.auth, `T${i}`),
      }));
    case 'httpAddOn':
      return KedaTrigger.httpAddOn(Object.assign({}, named, { interceptorRouteName: d.interceptorRouteName, scalerAddress: d.scalerAddress }));
    case 'fromType':
      return KedaTrigger.fromType(d.type, Object.assign({}, named, { metadata: d.metadata, canScaleToZero: d.canScaleToZero, authentication: authentication(c, d.auth, `T${i}`) }));
  }
}

const scaledObjectArb = fc.record({
  namespace: maybe(fc.constantFrom('edge', 'apps')),
  triggers: fc.array(triggerArb, { minLength: 0, maxLength: 3 }),
  minReplicas: maybe(numb([0, 1, 2])),
  maxReplicas: maybe(numb([10, 100])),
  idleReplicaCount: maybe(numb([0])),
  pollingInterval: duration,
  cooldownPeriod: duration,
  initialCooldownPeriod: duration,
  fallback: maybe(fc.record({
    failureThreshold: numb([3]),
    replicas: numb([1, 2]),
    behavior: maybe(fc.constantFrom(...Object.values(KedaFallbackBehavior), 'sometimes')),
  })),
  behavior: maybe(fc.constantFrom('fast', 'conservative', 'custom')),
  window: duration,
  scalingModifiers: maybe(fc.record({
    formula: str(['requests + queue', 'requests']),
    target: numb([10]),
    activationTarget: maybe(numb([0])),
    metricType: maybe(fc.constantFrom(...Object.values(KedaMetricType))),
  })),
  envSourceContainerName: maybe(str(['main'])),
  metadata: metadataArb,
});

/**
 * A workload this app does not define (scaled by name): the ScaledObject's output alone is checked,
 * which keeps the per-kind properties fast.
 */
const EXTERNAL_WORKLOAD: kplus.IScalable = {
  toScalingTarget: () => ({ kind: 'Deployment', apiVersion: 'apps/v1', name: 'app', containers: [] }),
  markHasAutoscaler: () => undefined,
};

function target(c: Chart, namespace: string | undefined): kplus.Deployment {
  return new kplus.Deployment(c, 'Target', { metadata: namespace ? { namespace } : undefined, containers: [{ image: 'ghcr.io/acme/app:1.0.0', portNumber: 8080 }] });
}

describe('fuzz: KedaScaledObject with every trigger kind', () => {
  test('valid output or the documented error', () => {
    assertValidOrDocumentedError(scaledObjectArb, (app: App, p) => {
      const c = new Chart(app, 'fuzz');
      const triggers = p.triggers.map((t, i) => makeTrigger(c, i, t));
      new KedaScaledObject(c, 'So', {
        target: target(c, p.namespace),
        triggers,
        minReplicas: p.minReplicas,
        maxReplicas: p.maxReplicas,
        idleReplicaCount: p.idleReplicaCount,
        pollingInterval: p.pollingInterval,
        cooldownPeriod: p.cooldownPeriod,
        initialCooldownPeriod: p.initialCooldownPeriod,
        fallback: p.fallback as any,
        behavior: p.behavior === 'fast' ? ScalingBehavior.fastScaleOut() : p.behavior === 'conservative' ? ScalingBehavior.conservative()
          : p.behavior === 'custom' ? ScalingBehavior.custom({ scaleUp: { stabilizationWindow: p.window } }) : undefined,
        scalingModifiers: p.scalingModifiers,
        envSourceContainerName: p.envSourceContainerName,
        metadata: p.metadata,
      });
    });
  });
});

describe('fuzz: each trigger kind alone', () => {
  // One property per kind, so every factory gets its own FUZZ_RUNS runs.
  const kinds = ['prometheus', 'cpu', 'memory', 'kafka', 'rabbitmq', 'cron', 'external', 'httpAddOn', 'fromType'] as const;
  test.each(kinds)('%s', (kind) => {
    const arb = triggerArb.filter(t => t.kind === kind);
    assertValidOrDocumentedError(arb, (app: App, t) => {
      const c = new Chart(app, 'fuzz');
      new KedaScaledObject(c, 'So', { target: EXTERNAL_WORKLOAD, triggers: [makeTrigger(c, 0, t)], minReplicas: 1 });
    });
  });
});

describe('fuzz: KedaTriggerAuthentication', () => {
  test('valid output or the documented error', () => {
    const arb = fc.record({
      refs: fc.array(fc.record({
        parameter: nastyString(['password', 'username', 'host', 'sasl']),
        key: nastyString(['password', 'tls.key', 'a_b']),
        secretName: nastyString(['kafka-credentials']),
      }), { maxLength: 3 }),
      metadata: metadataArb,
    });
    assertValidOrDocumentedError(arb, (app: App, p) => {
      const c = new Chart(app, 'fuzz');
      new KedaTriggerAuthentication(c, 'Auth', {
        metadata: p.metadata,
        secretTargetRefs: p.refs.map((r, i) => ({ parameter: r.parameter, key: r.key, secret: kplus.Secret.fromSecretName(c, `S${i}`, r.secretName) })),
      });
    });
  });
});
