import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { auth, chart, errorOf, ofKind, triggersOf, validationText } from './helpers';
import {
  KedaKafkaOffsetResetPolicy, KedaMetricType, KedaPrometheusAuthMode, KedaRabbitmqMode, KedaRabbitmqProtocol,
  KedaTrigger, KedaTriggerAuthentication, KedaAuthenticationKind,
} from '../../lib/scaling';
import { synthAndValidate } from '../util/validate';

const credentials = (c: ReturnType<typeof chart>, ...params: string[]) => auth(c, 'broker-credentials', ...params);

describe('KedaTrigger factories', () => {
  test('prometheus: string metadata, bearer auth through a TriggerAuthentication', () => {
    const [t] = triggersOf(c => [KedaTrigger.prometheus({
      serverAddress: 'http://prometheus.monitoring:9090',
      query: 'sum(rate(http_requests_total{app="hello"}[1m]))',
      threshold: 50,
      activationThreshold: 0.5,
      authModes: [KedaPrometheusAuthMode.BEARER],
      authentication: credentials(c, 'bearerToken'),
      name: 'requests',
    })]);
    expect(t).toEqual({
      type: 'prometheus',
      name: 'requests',
      metadata: { serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total{app="hello"}[1m]))', threshold: '50', activationThreshold: '0.5', authModes: 'bearer' },
      authenticationRef: { name: expect.stringMatching(/auth-bearertoken/), kind: 'TriggerAuthentication' },
    });
  });

  test('cpu and memory: metricType Utilization or AverageValue, value as a string', () => {
    const ts = triggersOf(() => [
      KedaTrigger.cpu({ utilization: 70 }),
      KedaTrigger.cpu({ averageValue: kplus.Cpu.millis(150), containerName: 'hello' }),
      KedaTrigger.memory({ utilization: 80 }),
      KedaTrigger.memory({ averageValue: Size.mebibytes(32) }),
    ]);
    expect(ts).toEqual([
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      { type: 'cpu', metricType: 'AverageValue', metadata: { value: '150m', containerName: 'hello' } },
      { type: 'memory', metricType: 'Utilization', metadata: { value: '80' } },
      { type: 'memory', metricType: 'AverageValue', metadata: { value: '32Mi' } },
    ]);
  });

  test('kafka: brokers comma-joined, SASL credentials by reference', () => {
    const [t] = triggersOf(c => [KedaTrigger.kafka({
      bootstrapServers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'],
      consumerGroup: 'wasm-workers',
      topic: 'sensor-events',
      lagThreshold: 50,
      activationLagThreshold: 5,
      offsetResetPolicy: KedaKafkaOffsetResetPolicy.EARLIEST,
      authentication: credentials(c, 'sasl', 'username', 'password'),
      metricType: KedaMetricType.VALUE,
    })]);
    expect(t.metadata).toEqual({
      bootstrapServers: 'kafka-0.kafka:9092,kafka-1.kafka:9092',
      consumerGroup: 'wasm-workers',
      topic: 'sensor-events',
      lagThreshold: '50',
      activationLagThreshold: '5',
      offsetResetPolicy: 'earliest',
    });
    expect(t.metricType).toBe('Value');
    expect(t.authenticationRef.kind).toBe('TriggerAuthentication');
  });

  test('rabbitmq: host only from the TriggerAuthentication; MessageRate switches to the http protocol', () => {
    const ts = triggersOf(c => {
      const a = credentials(c, 'host');
      return [
        KedaTrigger.rabbitmq({ queueName: 'orders', value: 20, authentication: a }),
        KedaTrigger.rabbitmq({ queueName: 'orders', value: 5.5, mode: KedaRabbitmqMode.MESSAGE_RATE, authentication: a, vhostName: '/' }),
      ];
    });
    expect(ts[0].metadata).toEqual({ protocol: 'auto', queueName: 'orders', mode: 'QueueLength', value: '20' });
    expect(ts[1].metadata).toEqual({ protocol: 'http', queueName: 'orders', mode: 'MessageRate', value: '5.5', vhostName: '/' });
    expect(ts[0].metadata.host).toBeUndefined();
  });

  test('cron, external, external-push, ClusterTriggerAuthentication by name', () => {
    const ts = triggersOf(() => [
      KedaTrigger.cron({ timezone: 'Asia/Shanghai', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 3 }),
      KedaTrigger.external({
        scalerAddress: 'mqtt-scaler.keda:6000',
        metadata: { topic: 'plant/+/telemetry', threshold: '100' },
        authentication: KedaTriggerAuthentication.fromClusterTriggerAuthenticationName('mqtt-creds'),
      }),
      KedaTrigger.external({ scalerAddress: 'push-scaler.keda:6000', push: true }),
    ]);
    expect(ts[0]).toEqual({ type: 'cron', metadata: { timezone: 'Asia/Shanghai', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: '3' } });
    expect(ts[1]).toEqual({
      type: 'external',
      metadata: { scalerAddress: 'mqtt-scaler.keda:6000', topic: 'plant/+/telemetry', threshold: '100' },
      authenticationRef: { name: 'mqtt-creds', kind: 'ClusterTriggerAuthentication' },
    });
    expect(ts[2].type).toBe('external-push');
  });

  test('fromType: any scaler, secrets refused the same way', () => {
    const [t] = triggersOf(() => [KedaTrigger.fromType('redis', { metadata: { address: 'redis.cache:6379', listName: 'jobs', listLength: '10' } })]);
    expect(t).toEqual({ type: 'redis', metadata: { address: 'redis.cache:6379', listName: 'jobs', listLength: '10' } });
    expect(errorOf(() => KedaTrigger.fromType('redis', { metadata: { address: 'redis:6379', password: 'hunter2' } })))
      .toContain('KedaTrigger.fromType("redis"): metadata.password="<redacted>": "password" names a credential; credentials must not be inlined');
  });

  test('mqtt throws: no MQTT scaler, with the alternatives', () => {
    const msg = errorOf(() => KedaTrigger.mqtt());
    expect(msg).toMatch(/^\[cdk8s-wasm-edge\] KedaTrigger.mqtt: type="mqtt": KEDA has no MQTT scaler/);
    expect(msg).toContain('KedaTrigger.kafka()');
    expect(msg).toContain('KedaTrigger.external()');
    expect(msg).toMatch(/bridge MQTT to Kafka/);
    expect(errorOf(() => KedaTrigger.fromType('mqtt', { metadata: {} }))).toContain('KEDA has no MQTT scaler');
  });

  test('authentication objects: TriggerAuthentication maps parameters to Secret keys', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'S', 'kafka-credentials');
    const a = new KedaTriggerAuthentication(c, 'KafkaAuth', { secretTargetRefs: [{ parameter: 'sasl', secret, key: 'mechanism' }] });
    a.addSecretTargetRef({ parameter: 'password', secret, key: 'password' });
    expect(a.kind).toBe(KedaAuthenticationKind.TRIGGER_AUTHENTICATION);
    expect(a.parameters).toEqual(['sasl', 'password']);
    const [ta] = ofKind(synthAndValidate(c), 'TriggerAuthentication');
    expect(ta.spec).toEqual({
      secretTargetRef: [
        { parameter: 'sasl', name: 'kafka-credentials', key: 'mechanism' },
        { parameter: 'password', name: 'kafka-credentials', key: 'password' },
      ],
    });
    expect(ta).toMatchSnapshot();
  });
});

describe('KedaTrigger errors', () => {
  test.each<[string, () => unknown, string, string]>([
    ['inline password', () => KedaTrigger.external({ scalerAddress: 'x.keda:6000', metadata: { password: 's3cret' } }), 'KedaTrigger.external: metadata.password="<redacted>"', 'new KedaTriggerAuthentication'],
    // A mode is not a secret, but it must be one KEDA knows: kedacore/keda pkg/scalers/kafka_scaler.go
    // kafkaMetadata.Sasl `keda:"name=sasl,order=triggerMetadata;authParams,optional,enum=none;plaintext;scram_sha256;scram_sha512;oauthbearer;gssapi"`.
    ['unknown sasl mode', () => KedaTrigger.fromType('kafka', { metadata: { bootstrapServers: 'k:9092', sasl: 'scram' } }), 'metadata.sasl="scram": is not a sasl value KEDA\'s kafka scaler takes', 'use one of none, plaintext'],
    ['credentials in a URL', () => KedaTrigger.fromType('rabbitmq', { metadata: { host: 'amqp://guest:guest@rabbit:5672/' } }), 'metadata.host="amqp://guest:<redacted>@rabbit:5672/": the URL carries a user name and password', 'KedaTriggerAuthentication'],
    ['prometheus URL', () => KedaTrigger.prometheus({ serverAddress: 'prometheus:9090', query: 'up', threshold: 1 }), 'KedaTrigger.prometheus: serverAddress="prometheus:9090": must be an http(s) URL', 'http://prometheus-operated'],
    ['prometheus authModes without authentication', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 1, authModes: [KedaPrometheusAuthMode.BASIC] }), 'authModes=["basic"]', 'pass authentication'],
    ['zero threshold', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 0 }), 'threshold=0: must be a number > 0', 'set threshold'],
    ['cpu with both targets', () => KedaTrigger.cpu({ utilization: 50, averageValue: kplus.Cpu.millis(100) }), 'KedaTrigger.cpu: utilization=50: give exactly one of utilization and averageValue', 'utilization: 70'],
    ['cpu with no target', () => KedaTrigger.cpu({}), 'KedaTrigger.cpu: utilization=undefined', 'averageValue'],
    ['kafka brokers without port', () => KedaTrigger.kafka({ bootstrapServers: ['kafka'], consumerGroup: 'g' }), 'bootstrapServers=["kafka"]: must list at least one broker as host:port', 'kafka-0.kafka.svc:9092'],
    ['rabbitmq auth without host', () => { const c = chart(); return KedaTrigger.rabbitmq({ queueName: 'q', value: 1, authentication: credentials(c, 'password') }); }, 'does not provide the "host" parameter', 'parameter: "host"'],
    ['rabbitmq MessageRate over AMQP', () => KedaTrigger.rabbitmq({ queueName: 'q', value: 1, mode: KedaRabbitmqMode.MESSAGE_RATE, protocol: KedaRabbitmqProtocol.AMQP, authentication: KedaTriggerAuthentication.fromTriggerAuthenticationName('rabbit') }), 'protocol="amqp": mode MessageRate reads the management API', 'KedaRabbitmqProtocol.HTTP'],
    ['cron time zone', () => KedaTrigger.cron({ timezone: 'Mars/Olympus', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 1 }), 'KedaTrigger.cron: timezone="Mars/Olympus": is not an IANA time zone', 'Asia/Shanghai'],
    ['cron expression', () => KedaTrigger.cron({ timezone: 'Etc/UTC', start: 'every morning', end: '0 9 * * *', desiredReplicas: 1 }), 'start="every morning": is not a 5-field cron expression', '0 8 * * 1-5'],
    ['Utilization on an event trigger', () => KedaTrigger.kafka({ bootstrapServers: ['k:9092'], consumerGroup: 'g', metricType: KedaMetricType.UTILIZATION }), 'metricType="Utilization": Utilization is only for cpu and memory triggers', 'AVERAGE_VALUE'],
    ['external address', () => KedaTrigger.external({ scalerAddress: 'http://x' }), 'scalerAddress="http://x": must be host:port', 'mqtt-scaler.keda.svc:6000'],
    ['unknown type name', () => KedaTrigger.fromType('Not A Type', { metadata: {} }), 'type="Not A Type": is not a KEDA scaler type', '"redis"'],
    ['authentication name', () => KedaTriggerAuthentication.fromTriggerAuthenticationName('Bad_Name'), 'KedaTriggerAuthentication.fromTriggerAuthenticationName: name="Bad_Name"', 'bad-name'],
  ])('%s', (_name, fn, where, fix) => {
    const msg = errorOf(fn);
    expect(msg.startsWith('[cdk8s-wasm-edge] ')).toBe(true);
    expect(msg).toContain(where);
    expect(msg).toMatch(/Fix: /);
    expect(msg.slice(msg.indexOf('Fix: '))).toContain(fix);
    expect(msg).not.toContain('s3cret');
    expect(msg).not.toContain('guest:guest');
  });

  test('TriggerAuthentication without entries fails validation', () => {
    const c = chart();
    new KedaTriggerAuthentication(c, 'Empty');
    expect(validationText(c)).toContain('test/Empty: secretTargetRefs=[]: a TriggerAuthentication without entries gives the trigger no credentials');
  });

  test('TriggerAuthentication refuses a parameter twice', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'S', 's');
    const a = new KedaTriggerAuthentication(c, 'A', { secretTargetRefs: [{ parameter: 'host', secret, key: 'host' }] });
    expect(errorOf(() => a.addSecretTargetRef({ parameter: 'host', secret, key: 'other' }))).toContain('test/A: secretTargetRefs[1].parameter="host": is already mapped');
  });
});
