import { auth, chart, errorOf, triggersOf } from './helpers';
import {
  KedaKafkaOffsetResetPolicy, KedaKafkaSaslMode, KedaTrigger, KedaTriggerAuthentication,
} from '../../lib/scaling';

const credentials = (c: ReturnType<typeof chart>, ...params: string[]) => auth(c, 'kafka-credentials', ...params);

const KAFKA = { bootstrapServers: ['kafka-0.kafka:9092'], consumerGroup: 'workers', topic: 'events' };

describe('Kafka trigger: KEDA\'s documented metadata keys', () => {
  // kedacore/keda pkg/scalers/kafka_scaler.go, type kafkaMetadata: the `keda:"name=..."` tags are the
  // metadata keys the scaler reads (config.TypedConfig in parseKafkaMetadata), with their defaults:
  // allowIdleConsumers/excludePersistentLag/scaleToZeroOnInvalidOffset/limitToPartitionsWithLag/
  // ensureEvenDistributionOfPartitions default=false, fullMetadata default=true, tls default=disable,
  // unsafeSsl default=false, offsetResetPolicy default=latest enum=latest;earliest, lagThreshold default=10.
  test('every typed option is written under the name kafka_scaler.go reads, booleans as "true"/"false"', () => {
    const [t] = triggersOf(c => [KedaTrigger.kafka(Object.assign({}, KAFKA, {
      lagThreshold: 50,
      activationLagThreshold: 5,
      offsetResetPolicy: KedaKafkaOffsetResetPolicy.EARLIEST,
      allowIdleConsumers: false,
      limitToPartitionsWithLag: true,
      excludePersistentLag: true,
      scaleToZeroOnInvalidOffset: true,
      partitionLimitation: [0, 1, 4],
      version: '2.8.0',
      sasl: KedaKafkaSaslMode.SCRAM_SHA512,
      tls: true,
      unsafeSsl: false,
      fullMetadata: false,
      authentication: credentials(c, 'username', 'password'),
    }))]);
    expect(t.metadata).toEqual({
      bootstrapServers: 'kafka-0.kafka:9092',
      consumerGroup: 'workers',
      topic: 'events',
      lagThreshold: '50',
      activationLagThreshold: '5',
      offsetResetPolicy: 'earliest',
      allowIdleConsumers: 'false',
      limitToPartitionsWithLag: 'true',
      excludePersistentLag: 'true',
      scaleToZeroOnInvalidOffset: 'true',
      // parsePartitionLimitation splits on "," (ranges "a-b" also work there).
      partitionLimitation: '0,1,4',
      version: '2.8.0',
      sasl: 'scram_sha512',
      tls: 'enable',
      unsafeSsl: 'false',
      fullMetadata: 'false',
    });
  });

  test('left out, nothing is written but KEDA\'s required keys and lagThreshold (its default, 10)', () => {
    const [t] = triggersOf(() => [KedaTrigger.kafka(KAFKA)]);
    expect(t.metadata).toEqual({ bootstrapServers: 'kafka-0.kafka:9092', consumerGroup: 'workers', topic: 'events', lagThreshold: '10' });
  });

  // kafka_scaler.go (*kafkaMetadata).Validate():
  //   "allowIdleConsumers and limitToPartitionsWithLag cannot be set simultaneously"
  //   "topic must be specified when using limitToPartitionsWithLag"
  //   "limitToPartitionsWithLag and ensureEvenDistributionOfPartitions cannot be set simultaneously"
  //   "topic must be specified when using ensureEvenDistributionOfPartitions"
  //   "topic must be specified when fullMetadata is false"
  //   if m.Topic == "" { m.PartitionLimitation = nil }   (silently ignored: refused here)
  //   lagThreshold "must be positive number", activationLagThreshold "must be a non-negative number"
  test.each<[string, any, string]>([
    ['allowIdleConsumers with limitToPartitionsWithLag', { allowIdleConsumers: true, limitToPartitionsWithLag: true }, 'limitToPartitionsWithLag=true: KEDA refuses it together with allowIdleConsumers'],
    ['limitToPartitionsWithLag with ensureEvenDistributionOfPartitions', { limitToPartitionsWithLag: true, ensureEvenDistributionOfPartitions: true }, 'ensureEvenDistributionOfPartitions=true: KEDA refuses it together with limitToPartitionsWithLag'],
    ['limitToPartitionsWithLag without a topic', { topic: undefined, limitToPartitionsWithLag: true }, 'limitToPartitionsWithLag=true: needs a topic'],
    ['ensureEvenDistributionOfPartitions without a topic', { topic: undefined, ensureEvenDistributionOfPartitions: true }, 'ensureEvenDistributionOfPartitions=true: needs a topic'],
    ['fullMetadata false without a topic', { topic: undefined, fullMetadata: false }, 'fullMetadata=false: needs a topic'],
    ['partitionLimitation without a topic', { topic: undefined, partitionLimitation: [0] }, 'partitionLimitation=[0]: needs a topic: without one KEDA ignores the partition list'],
    ['a negative partition', { partitionLimitation: [0, -1] }, 'partitionLimitation[1]=-1: must be a whole number >= 0'],
    ['a fractional partition', { partitionLimitation: [1.5] }, 'partitionLimitation[0]=1.5: must be a whole number'],
    ['an empty partition list', { partitionLimitation: [] }, 'partitionLimitation=[]: must list at least one partition id'],
    ['zero lagThreshold', { lagThreshold: 0 }, 'lagThreshold=0: must be a whole number from 1'],
    ['NaN lagThreshold', { lagThreshold: NaN }, 'lagThreshold=null: must be a whole number from 1'],
    ['a lagThreshold past int64 precision', { lagThreshold: 1e21 }, 'lagThreshold=1e+21: must be a whole number from 1 to 9007199254740991'],
    ['negative activationLagThreshold', { activationLagThreshold: -1 }, 'activationLagThreshold=-1: must be a whole number from 0'],
    // sarama ParseKafkaVersion (called by parseKafkaMetadata): "x.y.z", or "0.x.y.z" for 0.x releases.
    ['a version sarama does not parse', { version: '2.8' }, 'version="2.8": is not a Kafka version sarama parses'],
    ['a 0.x version without its fourth part', { version: '0.11.0' }, 'version="0.11.0": is not a Kafka version'],
    ['an unknown SASL mode', { sasl: 'scram' }, 'sasl="scram": is not a SASL mode KEDA knows (none, plaintext, scram_sha256, scram_sha512, oauthbearer, gssapi)'],
    ['an unknown offset reset policy', { offsetResetPolicy: 'newest' }, 'offsetResetPolicy="newest": is not an offset reset policy'],
    ['a broker port out of range', { bootstrapServers: ['kafka:99999'] }, 'bootstrapServers[0] port=99999: is not a port'],
    ['a string for a boolean', { excludePersistentLag: 'yes' }, 'excludePersistentLag="yes": must be true or false'],
  ])('refuses %s, as KEDA would', (_what, override, message) => {
    const msg = errorOf(() => KedaTrigger.kafka(Object.assign({}, KAFKA, override)));
    expect(msg).toContain(`[cdk8s-wasm-edge] KedaTrigger.kafka: ${message}`);
    expect(msg).toMatch(/Fix: /);
  });

  test('SASL plaintext/SCRAM need username and password from the TriggerAuthentication (parseSASL: "no username given")', () => {
    const c = chart();
    expect(errorOf(() => KedaTrigger.kafka(Object.assign({}, KAFKA, { sasl: KedaKafkaSaslMode.PLAINTEXT }))))
      .toContain('sasl="plaintext": KEDA reads the SASL credentials (username, password) from a TriggerAuthentication, and there is none');
    expect(errorOf(() => KedaTrigger.kafka(Object.assign({}, KAFKA, { sasl: KedaKafkaSaslMode.SCRAM_SHA256, authentication: credentials(c, 'username') }))))
      .toContain('sasl scram_sha256 needs password from the TriggerAuthentication');
    // An imported TriggerAuthentication's parameters are unknown: trusted.
    expect(() => KedaTrigger.kafka(Object.assign({}, KAFKA, {
      sasl: KedaKafkaSaslMode.SCRAM_SHA256, authentication: KedaTriggerAuthentication.fromTriggerAuthenticationName('kafka-auth'),
    }))).not.toThrow();
    // "none" needs nothing (parseSASL: mode == KafkaSASLTypeNone returns early).
    expect(() => KedaTrigger.kafka(Object.assign({}, KAFKA, { sasl: KedaKafkaSaslMode.NONE }))).not.toThrow();
  });
});

describe('a mode is not a secret; a credential is refused with the TriggerAuthentication fix', () => {
  // kedacore/keda pkg/scalers/kafka_scaler.go kafkaMetadata:
  //   Sasl string `keda:"name=sasl,order=triggerMetadata;authParams,optional,enum=none;plaintext;scram_sha256;scram_sha512;oauthbearer;gssapi"`
  //   TLS  string `keda:"name=tls,order=triggerMetadata;authParams,default=disable,enum=enable;disable"`
  // order=triggerMetadata: KEDA reads both from the ScaledObject's metadata. Username/Password/CA/Cert/Key
  // are order=authParams only: they must come from a TriggerAuthentication.
  test.each(['none', 'plaintext', 'scram_sha256', 'scram_sha512', 'oauthbearer', 'gssapi'])('kafka metadata sasl: %s is accepted', (mode) => {
    const [t] = triggersOf(() => [KedaTrigger.fromType('kafka', { metadata: { bootstrapServers: 'k:9092', consumerGroup: 'g', sasl: mode, tls: 'enable' } })]);
    expect(t.metadata).toEqual({ bootstrapServers: 'k:9092', consumerGroup: 'g', sasl: mode, tls: 'enable' });
  });

  test('kafka metadata tls: disable is accepted, tls: on is not a value KEDA takes', () => {
    expect(() => KedaTrigger.fromType('kafka', { metadata: { bootstrapServers: 'k:9092', tls: 'disable' } })).not.toThrow();
    expect(errorOf(() => KedaTrigger.fromType('kafka', { metadata: { bootstrapServers: 'k:9092', tls: 'on' } })))
      .toContain('metadata.tls="on": is not a tls value KEDA\'s kafka scaler takes (enable, disable)');
  });

  test('pointers and modes pass: passwordFromEnv, authModes: bearer, saslTokenProvider: bearer', () => {
    expect(() => KedaTrigger.fromType('redis', { metadata: { address: 'redis:6379', passwordFromEnv: 'REDIS_PASSWORD' } })).not.toThrow();
    expect(() => KedaTrigger.fromType('prometheus', { metadata: { serverAddress: 'http://p:9090', query: 'up', threshold: '1', authModes: 'bearer' } })).not.toThrow();
    expect(() => KedaTrigger.fromType('kafka', { metadata: { bootstrapServers: 'k:9092', sasl: 'oauthbearer', saslTokenProvider: 'bearer' } })).not.toThrow();
  });

  // One detector (lib/private/credentials.ts findCredential): keys by name, values by shape.
  test.each<[string, { [k: string]: string }, string]>([
    ['an authorization key', { authorization: 'abc' }, 'metadata.authorization="<redacted>": "authorization" names a credential'],
    ['a bearer key', { bearer: 'abc' }, 'metadata.bearer="<redacted>": "bearer" names a credential'],
    ['a bearerToken key', { bearerToken: 'abc' }, 'metadata.bearerToken="<redacted>"'],
    ['an apiKey key', { apiKey: 'abc' }, 'metadata.apiKey="<redacted>"'],
    ['a URL with a password in address', { address: 'redis://default:hunter2@redis:6379' }, 'metadata.address="redis://default:<redacted>@redis:6379": the URL carries a user name and password'],
    ['a URL with a password in serverAddress', { serverAddress: 'https://admin:hunter2@prom:9090' }, 'metadata.serverAddress="https://admin:<redacted>@prom:9090"'],
    ['a URL with a password in host', { host: 'amqp://u:p@rabbit:5672/' }, 'metadata.host="amqp://u:<redacted>@rabbit:5672/"'],
    ['a password query parameter', { url: 'http://api:8080/metrics?password=hunter2' }, 'metadata.url="http://api:8080/metrics?password=<redacted>"'],
    ['a bearer header value', { header: 'Bearer abcdefghijklmnop' }, 'metadata.header="Bearer <redacted>": it is an Authorization header value'],
    ['a basic header value', { customHeaders: 'Basic dXNlcjpwYXNzd29yZA==' }, 'it is an Authorization header value'],
    ['a GitHub token', { owner: 'ghp_abcdefghijklmnopqrstuvwxyz0123' }, 'it holds a GitHub token'],
    ['a JWT', { value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig' }, 'it holds a JSON Web Token'],
  ])('refuses %s', (_what, metadata, message) => {
    const msg = errorOf(() => KedaTrigger.fromType('metrics-api', { metadata }));
    expect(msg).toContain(message);
    expect(msg).toContain('Fix: put the value in a Secret and reference it: new KedaTriggerAuthentication(');
    expect(msg).not.toMatch(/hunter2|dXNlcjpwYXNzd29yZA|abcdefghijklmnop/);
  });

  test('typed factories go through the same detector: a Prometheus URL with a password, an external scaler token', () => {
    expect(errorOf(() => KedaTrigger.prometheus({ serverAddress: 'http://admin:pw@prom:9090', query: 'up', threshold: 1 })))
      .toContain('serverAddress="http://admin:<redacted>@prom:9090": the URL carries a user name and password');
    expect(errorOf(() => KedaTrigger.external({ scalerAddress: 's.keda:6000', metadata: { token: 'abc' } })))
      .toContain('metadata.token="<redacted>": "token" names a credential');
  });
});

