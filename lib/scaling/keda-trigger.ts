import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { KedaHttpAddOn } from './keda-http-add-on';
import { IKedaTriggerAuthentication, KedaAuthenticationKind } from './keda-trigger-authentication';
import { credentialInValue, findCredential, redact } from '../private/credentials';
import { checkInt, INT32_MAX, propError } from '../private/errors';
import { cpuToMillis, sizeToBytes, sizeToQuantity } from '../private/quantity';
import { checkNumber, checkPort } from '../private/validate';

/**
 * How the HPA compares a trigger's metric with its target.
 *
 * @see https://keda.sh/docs/2.20/reference/scaledobject-spec/#triggers
 */
export enum KedaMetricType {
  /** The metric divided by the replica count is compared with the target (KEDA's default). */
  AVERAGE_VALUE = 'AverageValue',
  /** The metric itself is compared with the target. */
  VALUE = 'Value',
  /** Percent of the pods' requests (cpu and memory triggers only). */
  UTILIZATION = 'Utilization',
}

/** Options every trigger takes. */
export interface KedaTriggerBaseOptions {
  /**
   * The trigger's name: shows in KEDA's metrics and is how `scalingModifiers.formula` refers to it.
   *
   * @default - KEDA derives one from the type
   */
  readonly name?: string;

  /**
   * Cache the metric between polls (`pollingInterval`) instead of querying the source on every HPA
   * request.
   *
   * @default false
   */
  readonly useCachedMetrics?: boolean;
}

/** Options of triggers that take a metric type and credentials. */
export interface KedaEventTriggerOptions extends KedaTriggerBaseOptions {
  /**
   * How the HPA compares the metric (AverageValue or Value).
   *
   * @default KedaMetricType.AVERAGE_VALUE
   */
  readonly metricType?: KedaMetricType;

  /**
   * The TriggerAuthentication (or ClusterTriggerAuthentication) holding the credentials.
   *
   * @default - no authentication
   */
  readonly authentication?: IKedaTriggerAuthentication;
}

/** How the Prometheus scaler authenticates (`authModes`). */
export enum KedaPrometheusAuthMode {
  /** username and password from the TriggerAuthentication. */
  BASIC = 'basic',
  /** bearerToken from the TriggerAuthentication. */
  BEARER = 'bearer',
  /** ca, cert and key from the TriggerAuthentication. */
  TLS = 'tls',
  /** customAuthHeader and customAuthValue from the TriggerAuthentication. */
  CUSTOM = 'custom',
}

/** Options of a Prometheus trigger. */
export interface KedaPrometheusTriggerOptions extends KedaEventTriggerOptions {
  /** The Prometheus server, e.g. `http://prometheus-operated.monitoring:9090`. */
  readonly serverAddress: string;
  /** The PromQL query; it must return a single element (a vector of one, or a scalar). */
  readonly query: string;
  /** The target value per replica (AverageValue) or in total (Value). */
  readonly threshold: number;
  /**
   * The value above which the workload is scaled up from zero.
   *
   * @default 0
   */
  readonly activationThreshold?: number;
  /**
   * How to authenticate; the credentials come from `authentication`.
   *
   * @default - none
   */
  readonly authModes?: KedaPrometheusAuthMode[];
  /**
   * Treat an empty query result as 0 (true) or as an error (false).
   *
   * @default true
   */
  readonly ignoreNullValues?: boolean;
}

/** Options of a cpu trigger: give `utilization` or `averageValue`. */
export interface KedaCpuTriggerOptions extends KedaTriggerBaseOptions {
  /**
   * Target average CPU, in percent of the pods' requests (metricType Utilization).
   *
   * @default - averageValue must be set
   */
  readonly utilization?: number;
  /**
   * Target average CPU per pod (metricType AverageValue).
   *
   * @default - utilization must be set
   */
  readonly averageValue?: kplus.Cpu;
  /**
   * Scale on one container's CPU instead of the whole pod's.
   *
   * @default - the whole pod
   */
  readonly containerName?: string;
}

/** Options of a memory trigger: give `utilization` or `averageValue`. */
export interface KedaMemoryTriggerOptions extends KedaTriggerBaseOptions {
  /**
   * Target average memory, in percent of the pods' requests (metricType Utilization).
   *
   * @default - averageValue must be set
   */
  readonly utilization?: number;
  /**
   * Target average memory per pod (metricType AverageValue).
   *
   * @default - utilization must be set
   */
  readonly averageValue?: Size;
  /**
   * Scale on one container's memory instead of the whole pod's.
   *
   * @default - the whole pod
   */
  readonly containerName?: string;
}

/** Where a new Kafka consumer group starts reading. */
export enum KedaKafkaOffsetResetPolicy {
  /** The newest messages. */
  LATEST = 'latest',
  /** The oldest retained messages. */
  EARLIEST = 'earliest',
}

/**
 * The SASL mechanism of a Kafka trigger (`sasl`). A mode, not a secret: KEDA reads it from the
 * trigger metadata or the TriggerAuthentication; the user name, password, keytab or OAuth client
 * come from the TriggerAuthentication only.
 *
 * @see https://github.com/kedacore/keda/blob/main/pkg/scalers/kafka_scaler.go (kafkaMetadata.Sasl, parseSASL)
 */
export enum KedaKafkaSaslMode {
  /** No SASL. */
  NONE = 'none',
  /** SASL/PLAIN: `username` and `password` from the TriggerAuthentication. */
  PLAINTEXT = 'plaintext',
  /** SCRAM-SHA-256: `username` and `password` from the TriggerAuthentication. */
  SCRAM_SHA256 = 'scram_sha256',
  /** SCRAM-SHA-512: `username` and `password` from the TriggerAuthentication. */
  SCRAM_SHA512 = 'scram_sha512',
  /** OAUTHBEARER: `username`, `password` and `oauthTokenEndpointUri` from the TriggerAuthentication (or AWS MSK IAM). */
  OAUTHBEARER = 'oauthbearer',
  /** Kerberos: `username`, `realm`, `kerberosConfig` and a `password` or `keytab` from the TriggerAuthentication. */
  GSSAPI = 'gssapi',
}

/** Options of a Kafka trigger. Credentials (username, password, ca/cert/key, keytab) go in the TriggerAuthentication. */
export interface KedaKafkaTriggerOptions extends KedaEventTriggerOptions {
  /** Brokers as `host:port`. */
  readonly bootstrapServers: string[];
  /** The consumer group whose lag is measured. */
  readonly consumerGroup: string;
  /**
   * The topic.
   *
   * @default - every topic the consumer group has offsets for
   */
  readonly topic?: string;
  /**
   * Target lag per replica.
   *
   * @default 10
   */
  readonly lagThreshold?: number;
  /**
   * The lag above which the workload is scaled up from zero.
   *
   * @default 0
   */
  readonly activationLagThreshold?: number;
  /**
   * Where a consumer group without committed offsets starts.
   *
   * @default KedaKafkaOffsetResetPolicy.LATEST
   */
  readonly offsetResetPolicy?: KedaKafkaOffsetResetPolicy;
  /**
   * Let the replica count exceed the topic's partition count (the extra consumers idle).
   * Not with `limitToPartitionsWithLag`.
   *
   * @default false
   */
  readonly allowIdleConsumers?: boolean;
  /**
   * Cap the replica count at the number of partitions that have lag. Needs `topic`; not with
   * `allowIdleConsumers` or `ensureEvenDistributionOfPartitions`.
   *
   * @default false
   */
  readonly limitToPartitionsWithLag?: boolean;
  /**
   * Choose replica counts that divide the topic's partitions evenly. Needs `topic`; not with
   * `limitToPartitionsWithLag`.
   *
   * @default false
   */
  readonly ensureEvenDistributionOfPartitions?: boolean;
  /**
   * Leave out of the lag the partitions whose consumer offset has not moved since the last poll
   * (messages the consumer cannot process), so they do not keep the workload scaled out.
   *
   * @default false
   */
  readonly excludePersistentLag?: boolean;
  /**
   * With no valid committed offset, report a lag of 0 (scale to zero) instead of 1.
   *
   * @default false
   */
  readonly scaleToZeroOnInvalidOffset?: boolean;
  /**
   * Only count the lag of these partition ids (whole numbers >= 0). Needs `topic`: KEDA ignores it
   * without one.
   *
   * @default - every partition of the topic
   */
  readonly partitionLimitation?: number[];
  /**
   * The Kafka protocol version the scaler's client speaks, e.g. `2.8.0` (or `0.11.0.2` for 0.x).
   *
   * @default - `1.0.0` (KEDA's default, sarama.V1_0_0_0)
   */
  readonly version?: string;
  /**
   * The SASL mechanism (a mode, written into the metadata). Plaintext and SCRAM need `username`
   * and `password` from `authentication`.
   *
   * @default - no SASL (or whatever `authentication` provides as `sasl`)
   */
  readonly sasl?: KedaKafkaSaslMode;
  /**
   * Connect with TLS (`tls: enable`); the CA and client certificate, if any, come from
   * `authentication` (`ca`, `cert`, `key`).
   *
   * @default false (KEDA's `disable`, unless `authentication` provides `tls`)
   */
  readonly tls?: boolean;
  /**
   * Skip verifying the brokers' certificates.
   *
   * @default false
   */
  readonly unsafeSsl?: boolean;
  /**
   * Ask the brokers for the whole cluster's metadata; `false` asks only for `topic`'s (needs `topic`).
   *
   * @default true
   */
  readonly fullMetadata?: boolean;
}

/** What the RabbitMQ scaler measures. */
export enum KedaRabbitmqMode {
  /** Messages in the queue. */
  QUEUE_LENGTH = 'QueueLength',
  /** Publish rate of the queue (needs the management API: protocol http). */
  MESSAGE_RATE = 'MessageRate',
}

/** How the RabbitMQ scaler talks to the broker. */
export enum KedaRabbitmqProtocol {
  /** Decided from the `host` URL. */
  AUTO = 'auto',
  /** AMQP (QueueLength only). */
  AMQP = 'amqp',
  /** The management HTTP API. */
  HTTP = 'http',
}

/** Options of a RabbitMQ trigger. */
export interface KedaRabbitmqTriggerOptions extends KedaTriggerBaseOptions {
  /** The queue. */
  readonly queueName: string;
  /**
   * The authentication that provides `host` (an amqp:// or http:// URL, which usually holds the
   * credentials) and optionally `username`/`password`.
   */
  readonly authentication: IKedaTriggerAuthentication;
  /** The target per replica: messages (QueueLength) or messages per second (MessageRate). */
  readonly value: number;
  /**
   * What to measure.
   *
   * @default KedaRabbitmqMode.QUEUE_LENGTH
   */
  readonly mode?: KedaRabbitmqMode;
  /**
   * The protocol.
   *
   * @default - HTTP for MessageRate (it needs the management API), AUTO otherwise
   */
  readonly protocol?: KedaRabbitmqProtocol;
  /**
   * The value above which the workload is scaled up from zero.
   *
   * @default 0
   */
  readonly activationValue?: number;
  /**
   * The vhost, overriding the one in `host`.
   *
   * @default - the vhost of `host`
   */
  readonly vhostName?: string;
  /**
   * How the HPA compares the metric.
   *
   * @default KedaMetricType.AVERAGE_VALUE
   */
  readonly metricType?: KedaMetricType;
}

/** Options of a cron trigger. */
export interface KedaCronTriggerOptions extends KedaTriggerBaseOptions {
  /** An IANA time zone, e.g. `Asia/Shanghai` or `Etc/UTC`. */
  readonly timezone: string;
  /** When the window starts: a 5-field cron expression, e.g. `0 8 * * 1-5`. */
  readonly start: string;
  /** When the window ends: a 5-field cron expression, e.g. `0 20 * * 1-5`. */
  readonly end: string;
  /** Replicas kept during the window. */
  readonly desiredReplicas: number;
}

/** Options of an external (gRPC) scaler trigger. */
export interface KedaExternalTriggerOptions extends KedaEventTriggerOptions {
  /** The scaler's gRPC address, `host:port`. */
  readonly scalerAddress: string;
  /**
   * Metadata passed to the scaler (strings). No secrets: use `authentication`.
   *
   * @default - only scalerAddress
   */
  readonly metadata?: { [key: string]: string };
  /**
   * Use `external-push` (the scaler pushes activity through `StreamIsActive`) instead of `external`.
   *
   * @default false
   */
  readonly push?: boolean;
}

/** Options of the KEDA HTTP add-on trigger (an `external-push` trigger on the add-on's scaler). */
export interface KedaHttpAddOnTriggerOptions extends KedaTriggerBaseOptions {
  /** The InterceptorRoute whose traffic drives scaling (`KedaInterceptorRoute.name`). */
  readonly interceptorRouteName: string;
  /**
   * The add-on's external scaler.
   *
   * @default - `keda-add-ons-http-external-scaler.keda:9090` (`KedaHttpAddOn.EXTERNAL_SCALER_ADDRESS`)
   */
  readonly scalerAddress?: string;
}

/** Options of a trigger type without a factory. */
export interface KedaCustomTriggerOptions extends KedaEventTriggerOptions {
  /**
   * The scaler's metadata (strings). No secrets: use `authentication`.
   */
  readonly metadata: { [key: string]: string };
  /**
   * Whether the scaler can activate the workload from zero replicas.
   *
   * @default true
   */
  readonly canScaleToZero?: boolean;
}

const KEDA_HTTP_EXTERNAL_SCALER_ADDRESS = KedaHttpAddOn.EXTERNAL_SCALER_ADDRESS;

interface TriggerSpec {
  readonly type: string;
  readonly metadata: { [key: string]: string };
  readonly metricType?: KedaMetricType;
  readonly authentication?: IKedaTriggerAuthentication;
  readonly name?: string;
  readonly useCachedMetrics?: boolean;
  readonly canScaleToZero: boolean;
  readonly supportsFallback: boolean;
  readonly cpu?: boolean;
}

/**
 * A KEDA scaler trigger. Metadata values are strings, and credentials only come from a
 * TriggerAuthentication: metadata that looks like a secret is refused.
 *
 * @see https://keda.sh/docs/2.20/scalers/
 */
export class KedaTrigger {
  /**
   * Scale on a PromQL query (e.g. request rate measured by the ingress or the app).
   *
   * @see https://keda.sh/docs/2.20/scalers/prometheus/
   */
  public static prometheus(options: KedaPrometheusTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.prometheus';
    checkHttpUrl(where, 'serverAddress', options.serverAddress, 'http://prometheus-operated.monitoring.svc:9090');
    if (typeof options.query !== 'string' || options.query.trim() === '') {
      throw propError(where, 'query', options.query, 'must be a PromQL query', 'use e.g. \'sum(rate(http_requests_total{app="hello"}[1m]))\'');
    }
    checkPositive(where, 'threshold', options.threshold);
    checkNonNegative(where, 'activationThreshold', options.activationThreshold);
    checkBoolean(where, 'ignoreNullValues', options.ignoreNullValues);
    const authModes = options.authModes ?? [];
    authModes.forEach((m, i) => {
      if (!Object.values(KedaPrometheusAuthMode).includes(m)) {
        throw propError(where, `authModes[${i}]`, m, 'is not a Prometheus auth mode', 'use KedaPrometheusAuthMode.BASIC, BEARER, TLS or CUSTOM');
      }
    });
    if (authModes.length > 0 && !options.authentication) {
      throw propError(where, 'authModes', authModes, 'the credentials of these modes come from a TriggerAuthentication',
        'pass authentication: a KedaTriggerAuthentication mapping e.g. "bearerToken" or "username"/"password"');
    }
    return new KedaTrigger(where, Object.assign({
      type: 'prometheus',
      metadata: compact({
        serverAddress: options.serverAddress,
        query: options.query,
        threshold: num(options.threshold),
        activationThreshold: num(options.activationThreshold),
        authModes: authModes.length > 0 ? authModes.join(',') : undefined,
        ignoreNullValues: options.ignoreNullValues === undefined ? undefined : String(options.ignoreNullValues),
      }),
      canScaleToZero: true,
      supportsFallback: true,
    }, event(where, options)));
  }

  /**
   * Scale on CPU (metrics-server). Cannot scale to zero. For Wasm pods on runwasi shims the CPU
   * metrics stay flat unless the shim runs with `SystemdCgroup = true`: a warning says so.
   *
   * @see https://keda.sh/docs/2.20/scalers/cpu/
   */
  public static cpu(options: KedaCpuTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.cpu';
    const value = resourceTarget(where, options.utilization, options.averageValue === undefined ? undefined : () => {
      if (cpuToMillis(options.averageValue!) <= 0 || !Number.isFinite(cpuToMillis(options.averageValue!))) {
        throw propError(where, 'averageValue', options.averageValue!.amount, 'must be more than 0', 'use e.g. Cpu.millis(100)');
      }
      return options.averageValue!.amount;
    });
    return KedaTrigger.resource(where, 'cpu', value, options);
  }

  /**
   * Scale on memory (metrics-server). Cannot scale to zero.
   *
   * @see https://keda.sh/docs/2.20/scalers/memory/
   */
  public static memory(options: KedaMemoryTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.memory';
    const value = resourceTarget(where, options.utilization, options.averageValue === undefined ? undefined : () => {
      if (sizeToBytes(options.averageValue!) <= 0) {
        throw propError(where, 'averageValue', sizeToQuantity(options.averageValue!), 'must be more than 0', 'use e.g. Size.mebibytes(32)');
      }
      return sizeToQuantity(options.averageValue!);
    });
    return KedaTrigger.resource(where, 'memory', value, options);
  }

  /**
   * Scale on the lag of a Kafka consumer group.
   *
   * @see https://keda.sh/docs/2.20/scalers/apache-kafka/
   */
  public static kafka(options: KedaKafkaTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.kafka';
    const servers = options.bootstrapServers ?? [];
    if (!Array.isArray(servers) || servers.length === 0 || servers.some(x => typeof x !== 'string' || !HOST_PORT.test(x))) {
      throw propError(where, 'bootstrapServers', servers, 'must list at least one broker as host:port',
        'use e.g. ["kafka-0.kafka.svc:9092", "kafka-1.kafka.svc:9092"]');
    }
    servers.forEach((x, i) => checkPort(where, `bootstrapServers[${i}] port`, Number(x.slice(x.lastIndexOf(':') + 1))));
    // Kafka group ids are free strings; whitespace and control characters are refused here (they are never intended).
    // eslint-disable-next-line no-control-regex
    if (typeof options.consumerGroup !== 'string' || !/^[^\s\u0000-\u001f\u007f]{1,255}$/.test(options.consumerGroup)) {
      throw propError(where, 'consumerGroup', options.consumerGroup, 'must name the consumer group (1 to 255 characters, no whitespace or control characters)', 'use e.g. "wasm-workers"');
    }
    const topic = options.topic;
    if (topic !== undefined && (typeof topic !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..')) {
      throw propError(where, 'topic', topic, 'is not a Kafka topic name (letters, digits, ".", "_", "-", at most 249)', 'use e.g. "sensor-events"');
    }
    // kafkaMetadata.Validate: lagThreshold must be positive, activationLagThreshold non-negative (int64).
    checkInt(where, 'lagThreshold', options.lagThreshold, 1, Number.MAX_SAFE_INTEGER);
    checkInt(where, 'activationLagThreshold', options.activationLagThreshold, 0, Number.MAX_SAFE_INTEGER);
    for (const prop of ['allowIdleConsumers', 'limitToPartitionsWithLag', 'ensureEvenDistributionOfPartitions', 'excludePersistentLag',
      'scaleToZeroOnInvalidOffset', 'tls', 'unsafeSsl', 'fullMetadata', 'useCachedMetrics'] as const) {
      checkBoolean(where, prop, options[prop]);
    }
    if (options.offsetResetPolicy !== undefined && !Object.values(KedaKafkaOffsetResetPolicy).includes(options.offsetResetPolicy)) {
      throw propError(where, 'offsetResetPolicy', options.offsetResetPolicy, 'is not an offset reset policy (KEDA takes latest or earliest)', 'use KedaKafkaOffsetResetPolicy.LATEST or EARLIEST');
    }
    // The same combinations KEDA's kafkaMetadata.Validate() refuses, refused here before a cluster sees them.
    if (options.allowIdleConsumers && options.limitToPartitionsWithLag) {
      throw propError(where, 'limitToPartitionsWithLag', true, 'KEDA refuses it together with allowIdleConsumers (one caps replicas at the partitions with lag, the other lets them exceed the partitions)',
        'drop one of allowIdleConsumers and limitToPartitionsWithLag');
    }
    if (options.limitToPartitionsWithLag && options.ensureEvenDistributionOfPartitions) {
      throw propError(where, 'ensureEvenDistributionOfPartitions', true, 'KEDA refuses it together with limitToPartitionsWithLag',
        'drop one of limitToPartitionsWithLag and ensureEvenDistributionOfPartitions');
    }
    const needTopic: Array<[string, boolean]> = [
      ['limitToPartitionsWithLag', options.limitToPartitionsWithLag === true],
      ['ensureEvenDistributionOfPartitions', options.ensureEvenDistributionOfPartitions === true],
      ['fullMetadata', options.fullMetadata === false],
      ['partitionLimitation', options.partitionLimitation !== undefined],
    ];
    for (const [prop, set] of needTopic) {
      if (set && topic === undefined) {
        throw propError(where, prop, prop === 'fullMetadata' ? false : prop === 'partitionLimitation' ? options.partitionLimitation : true,
          prop === 'partitionLimitation' ? 'needs a topic: without one KEDA ignores the partition list' : 'needs a topic (KEDA refuses it without one)', 'set topic');
      }
    }
    const partitions = options.partitionLimitation;
    if (partitions !== undefined) {
      if (!Array.isArray(partitions) || partitions.length === 0) {
        throw propError(where, 'partitionLimitation', partitions, 'must list at least one partition id', 'list partition ids, e.g. [0, 1, 2], or leave it out');
      }
      partitions.forEach((x, i) => checkNumber(where, `partitionLimitation[${i}]`, x, { integer: true, min: 0, max: INT32_MAX }));
    }
    if (options.version !== undefined && (typeof options.version !== 'string' || !KAFKA_VERSION.test(options.version))) {
      throw propError(where, 'version', options.version, 'is not a Kafka version sarama parses (x.y.z, or 0.x.y.z for 0.x releases)', 'use e.g. "2.8.0" or "3.6.0"');
    }
    if (options.sasl !== undefined && !Object.values(KedaKafkaSaslMode).includes(options.sasl)) {
      throw propError(where, 'sasl', options.sasl, `is not a SASL mode KEDA knows (${Object.values(KedaKafkaSaslMode).join(', ')})`, 'use a KedaKafkaSaslMode value');
    }
    checkSaslCredentials(where, options.sasl, options.authentication);
    return new KedaTrigger(where, Object.assign({
      type: 'kafka',
      metadata: compact({
        bootstrapServers: servers.join(','),
        consumerGroup: options.consumerGroup,
        topic,
        lagThreshold: num(options.lagThreshold ?? 10),
        activationLagThreshold: num(options.activationLagThreshold),
        offsetResetPolicy: options.offsetResetPolicy,
        allowIdleConsumers: bool(options.allowIdleConsumers),
        limitToPartitionsWithLag: bool(options.limitToPartitionsWithLag),
        ensureEvenDistributionOfPartitions: bool(options.ensureEvenDistributionOfPartitions),
        excludePersistentLag: bool(options.excludePersistentLag),
        scaleToZeroOnInvalidOffset: bool(options.scaleToZeroOnInvalidOffset),
        partitionLimitation: partitions === undefined ? undefined : partitions.join(','),
        version: options.version,
        sasl: options.sasl,
        tls: options.tls === undefined ? undefined : options.tls ? 'enable' : 'disable',
        unsafeSsl: bool(options.unsafeSsl),
        fullMetadata: bool(options.fullMetadata),
      }),
      canScaleToZero: true,
      supportsFallback: true,
    }, event(where, options)));
  }

  /**
   * Scale on a RabbitMQ queue. The broker URL (`host`) comes from the TriggerAuthentication, because
   * it usually carries the credentials.
   *
   * @see https://keda.sh/docs/2.20/scalers/rabbitmq-queue/
   */
  public static rabbitmq(options: KedaRabbitmqTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.rabbitmq';
    if (typeof options.queueName !== 'string' || options.queueName === '' || options.queueName.length > 255 || /[\u0000-\u001f\u007f]/.test(options.queueName)) {
      throw propError(where, 'queueName', options.queueName, 'must name the queue (at most 255 characters, no control characters)', 'use e.g. "orders"');
    }
    if (!options.authentication) {
      throw propError(where, 'authentication', undefined, 'the RabbitMQ URL (host) holds credentials and must come from a TriggerAuthentication',
        'pass a KedaTriggerAuthentication with a secretTargetRef for parameter "host" (amqp://user:pass@rabbitmq:5672/vhost)');
    }
    const params = options.authentication.parameters;
    if (params !== undefined && !params.includes('host')) {
      throw propError(where, 'authentication', params, 'the TriggerAuthentication does not provide the "host" parameter',
        'add addSecretTargetRef({ parameter: "host", secret, key: "host" }) to it');
    }
    checkPositive(where, 'value', options.value);
    checkNonNegative(where, 'activationValue', options.activationValue);
    const mode = options.mode ?? KedaRabbitmqMode.QUEUE_LENGTH;
    if (!Object.values(KedaRabbitmqMode).includes(mode)) {
      throw propError(where, 'mode', mode, 'is not a RabbitMQ scaler mode', 'use KedaRabbitmqMode.QUEUE_LENGTH or MESSAGE_RATE');
    }
    const protocol = options.protocol ?? (mode === KedaRabbitmqMode.QUEUE_LENGTH ? KedaRabbitmqProtocol.AUTO : KedaRabbitmqProtocol.HTTP);
    if (!Object.values(KedaRabbitmqProtocol).includes(protocol)) {
      throw propError(where, 'protocol', protocol, 'is not a RabbitMQ scaler protocol', 'use KedaRabbitmqProtocol.AUTO, AMQP or HTTP');
    }
    if (options.metricType !== undefined && options.metricType !== KedaMetricType.AVERAGE_VALUE && options.metricType !== KedaMetricType.VALUE) {
      throw propError(where, 'metricType', options.metricType, 'a RabbitMQ trigger compares AverageValue or Value', 'use KedaMetricType.AVERAGE_VALUE or VALUE');
    }
    if (mode !== KedaRabbitmqMode.QUEUE_LENGTH && protocol === KedaRabbitmqProtocol.AMQP) {
      throw propError(where, 'protocol', protocol, `mode ${mode} reads the management API, which AMQP does not offer`,
        'use protocol KedaRabbitmqProtocol.HTTP (host an http:// URL of the management plugin), or mode QUEUE_LENGTH');
    }
    return new KedaTrigger(where, Object.assign({
      type: 'rabbitmq',
      metadata: compact({
        protocol,
        queueName: options.queueName,
        mode,
        value: num(options.value),
        activationValue: num(options.activationValue),
        vhostName: options.vhostName,
      }),
      canScaleToZero: true,
      supportsFallback: true,
    }, event(where, options)));
  }

  /**
   * Keep `desiredReplicas` during a time window (e.g. business hours at an edge site).
   *
   * @see https://keda.sh/docs/2.20/scalers/cron/
   */
  public static cron(options: KedaCronTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.cron';
    if (!isTimeZone(options.timezone)) {
      throw propError(where, 'timezone', options.timezone, 'is not an IANA time zone', 'use e.g. "Asia/Shanghai" or "Etc/UTC"');
    }
    for (const prop of ['start', 'end'] as const) {
      if (!CRON.test((options[prop] ?? '').trim())) {
        throw propError(where, prop, options[prop], 'is not a 5-field cron expression (minute hour day-of-month month day-of-week)',
          prop === 'start' ? 'use e.g. "0 8 * * 1-5" (08:00 on weekdays)' : 'use e.g. "0 20 * * 1-5" (20:00 on weekdays)');
      }
    }
    checkInt(where, 'desiredReplicas', options.desiredReplicas, 1, INT32_MAX);
    if (options.desiredReplicas === undefined) {
      throw propError(where, 'desiredReplicas', undefined, 'is required', 'set desiredReplicas, e.g. 3');
    }
    return new KedaTrigger(where, {
      type: 'cron',
      metadata: { timezone: options.timezone, start: options.start.trim(), end: options.end.trim(), desiredReplicas: num(options.desiredReplicas)! },
      name: options.name,
      useCachedMetrics: options.useCachedMetrics,
      canScaleToZero: true,
      supportsFallback: true,
    });
  }

  /**
   * A scaler of your own, reached over gRPC (`external`, or `external-push` with `push: true`).
   *
   * @see https://keda.sh/docs/2.20/scalers/external/
   * @see https://keda.sh/docs/2.20/concepts/external-scalers/
   */
  public static external(options: KedaExternalTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.external';
    checkHostPort(where, 'scalerAddress', options.scalerAddress, 'mqtt-scaler.keda.svc:6000');
    const metadata = { ...(options.metadata ?? {}) };
    if ('scalerAddress' in metadata) {
      throw propError(where, 'metadata.scalerAddress', metadata.scalerAddress, 'is set by the scalerAddress option', 'remove it from metadata');
    }
    return new KedaTrigger(where, Object.assign({
      type: options.push ? 'external-push' : 'external',
      metadata: Object.assign({ scalerAddress: options.scalerAddress }, metadata),
      canScaleToZero: true,
      supportsFallback: true,
    }, event(where, options)));
  }

  /**
   * The KEDA HTTP add-on's scaler for an InterceptorRoute: request concurrency or rate measured by
   * the interceptor, with scale to zero. Prefer `KedaInterceptorRoute.trigger()`.
   *
   * @see https://keda.sh/http-add-on/0.16/user-guide/autoscale-an-app/
   */
  public static httpAddOn(options: KedaHttpAddOnTriggerOptions): KedaTrigger {
    const where = 'KedaTrigger.httpAddOn';
    if (typeof options.interceptorRouteName !== 'string' || options.interceptorRouteName.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.interceptorRouteName)) {
      throw propError(where, 'interceptorRouteName', options.interceptorRouteName, 'must name the InterceptorRoute (a DNS-1123 subdomain)', 'pass route.name of a KedaInterceptorRoute');
    }
    const scalerAddress = options.scalerAddress ?? KEDA_HTTP_EXTERNAL_SCALER_ADDRESS;
    checkHostPort(where, 'scalerAddress', scalerAddress, KEDA_HTTP_EXTERNAL_SCALER_ADDRESS);
    return new KedaTrigger(where, {
      type: 'external-push',
      metadata: { scalerAddress, interceptorRoute: options.interceptorRouteName },
      name: options.name,
      useCachedMetrics: options.useCachedMetrics,
      canScaleToZero: true,
      supportsFallback: true,
    });
  }

  /**
   * KEDA has no MQTT scaler: this always throws, explaining the alternatives.
   */
  public static mqtt(): KedaTrigger {
    throw propError('KedaTrigger.mqtt', 'type', 'mqtt', 'KEDA has no MQTT scaler (see https://keda.sh/docs/2.20/scalers/)',
      'bridge MQTT to Kafka or RabbitMQ (e.g. EMQX/Mosquitto bridge, RabbitMQ\'s MQTT plugin) and use KedaTrigger.kafka() or KedaTrigger.rabbitmq(), '
      + 'expose a queue-depth metric and use KedaTrigger.prometheus(), or run an external scaler and use KedaTrigger.external()');
  }

  /**
   * Any other scaler type (e.g. `redis`, `nats-jetstream`, `metrics-api`). Metadata is checked for
   * inline secrets like every trigger's.
   *
   * @see https://keda.sh/docs/2.20/scalers/
   */
  public static fromType(type: string, options: KedaCustomTriggerOptions): KedaTrigger {
    const where = `KedaTrigger.fromType(${JSON.stringify(type)})`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(type ?? '')) {
      throw propError(where, 'type', type, 'is not a KEDA scaler type', 'use the type from the scaler docs, e.g. "redis"');
    }
    if (type === 'mqtt') return KedaTrigger.mqtt();
    if (type === 'cpu' || type === 'memory') {
      throw propError(where, 'type', type, 'has a typed factory', `use KedaTrigger.${type}()`);
    }
    if (options.metadata === null || typeof options.metadata !== 'object' || Array.isArray(options.metadata)) {
      throw propError(where, 'metadata', options.metadata, 'must be an object of strings', 'pass the scaler\'s metadata, e.g. { address: "redis.cache:6379", listName: "jobs" }');
    }
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') {
        throw propError(where, `metadata.${k}`, v, 'trigger metadata values must be strings', `write it as "${String(v)}"`);
      }
      // Kafka modes are metadata, not secrets (kafka_scaler.go kafkaMetadata: enum=...): checked against KEDA's lists.
      const modes = type === 'kafka' ? KAFKA_MODES[k] : undefined;
      if (modes && !modes.includes(v)) {
        throw propError(where, `metadata.${k}`, v, `is not a ${k} value KEDA's kafka scaler takes (${modes.join(', ')})`, `use one of ${modes.join(', ')}, or KedaTrigger.kafka()`);
      }
    }
    checkBoolean(where, 'canScaleToZero', options.canScaleToZero);
    return new KedaTrigger(where, Object.assign({
      type,
      metadata: { ...options.metadata },
      canScaleToZero: options.canScaleToZero ?? true,
      supportsFallback: true,
    }, event(where, options)));
  }

  // cpu and memory triggers differ only in how the target is written; neither can scale to zero
  // nor use a fallback (KEDA hands them to the HPA's resource metrics).
  private static resource(where: string, type: 'cpu' | 'memory', value: { value: string; metricType: KedaMetricType },
    options: KedaCpuTriggerOptions | KedaMemoryTriggerOptions): KedaTrigger {
    return new KedaTrigger(where, {
      type,
      metadata: compact({ value: value.value, containerName: options.containerName }),
      metricType: value.metricType,
      name: options.name,
      useCachedMetrics: options.useCachedMetrics,
      canScaleToZero: false,
      supportsFallback: false,
      cpu: type === 'cpu' ? true : undefined,
    });
  }

  /** The scaler type, e.g. `prometheus`. */
  public readonly type: string;
  /** The trigger metadata (strings). */
  public readonly metadata: { [key: string]: string };
  /** The metric type, if set. */
  public readonly metricType?: KedaMetricType;
  /** Where the credentials come from, if anywhere. */
  public readonly authentication?: IKedaTriggerAuthentication;
  /** The trigger's name, if set. */
  public readonly name?: string;
  /** Whether the trigger can activate a workload from zero replicas (false for cpu and memory). */
  public readonly canScaleToZero: boolean;
  /** Whether KEDA's `fallback` works with this trigger (not for cpu and memory). */
  public readonly supportsFallback: boolean;
  /** Whether the trigger scales on CPU. */
  public readonly scalesOnCpu: boolean;

  private readonly useCachedMetrics?: boolean;

  private constructor(where: string, spec: TriggerSpec) {
    refuseInlineSecrets(where, spec.metadata);
    if (spec.name !== undefined && !/^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/i.test(spec.name)) {
      throw propError(where, 'name', spec.name, 'is not a usable trigger name (letters, digits, "-" and "_"; formulas refer to it)', 'use e.g. "requests"');
    }
    this.type = spec.type;
    this.metadata = spec.metadata;
    this.metricType = spec.metricType;
    this.authentication = spec.authentication;
    this.name = spec.name;
    this.useCachedMetrics = spec.useCachedMetrics;
    this.canScaleToZero = spec.canScaleToZero;
    this.supportsFallback = spec.supportsFallback;
    this.scalesOnCpu = spec.cpu ?? false;
  }

  /**
   * The `triggers[]` entry of a ScaledObject.
   *
   * @internal
   */
  public _toKube(): any {
    return {
      type: this.type,
      name: this.name,
      metadata: { ...this.metadata },
      metricType: this.metricType,
      useCachedMetrics: this.useCachedMetrics,
      authenticationRef: this.authentication
        ? { name: this.authentication.authenticationName, kind: this.authentication.kind }
        : undefined,
    };
  }
}

const HOST_PORT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$/;
// 5 fields of digits, *, /, -, ",", and names (JAN, MON); KEDA's cron library also takes @hourly etc.
const CRON = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|([\d*/,?A-Za-z-]+\s+){4}[\d*/,?A-Za-z-]+)$/;

// sarama ParseKafkaVersion: "0.a.b.c" for 0.x releases, "a.b.c" otherwise.
const KAFKA_VERSION = /^(0\.\d+\.\d+\.\d+|[1-9]\d*\.\d+\.\d+)$/;
// Metadata keys: KEDA's are camelCase words (a few dotted or dashed).
const METADATA_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,252}$/;

/**
 * Refuses trigger metadata that carries a credential: a key that names one (`password`,
 * `authorization`, `bearerToken`, `apiKey`, `key`, `cert`, ...) with a value, or a value that is one
 * (a URL with a password, a bearer/basic header value, a token). Modes (`sasl: scram_sha512`,
 * `tls: enable`, `authModes: bearer`) and pointers (`passwordFromEnv`) are not secrets. Uses the
 * library's one credential detector (lib/private/credentials.ts).
 */
function refuseInlineSecrets(where: string, metadata: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) {
      throw propError(where, 'metadata key', key, 'is not a trigger metadata key (a letter, then letters, digits, "_", "." or "-")', 'use the key from the scaler\'s docs, e.g. "queueName"');
    }
    if (typeof value !== 'string') {
      throw propError(where, `metadata.${key}`, value, 'trigger metadata values must be strings', `write it as "${String(value)}"`);
    }
    const why = findCredential(key, value);
    if (why !== undefined) {
      // A value-shaped credential is shown masked (where it sits in the URL helps); a named one not at all.
      const shown = credentialInValue(value) === why ? redact(value) : '<redacted>';
      throw propError(where, `metadata.${key}`, shown,
        `${why}; credentials must not be inlined in trigger metadata (ScaledObjects are not Secrets; they land in Git and in kubectl output)`,
        `put the value in a Secret and reference it: new KedaTriggerAuthentication(this, "Auth", { secretTargetRefs: [{ parameter: "${key}", secret, key: "${key}" }] }), `
        + 'then pass it as the trigger\'s authentication (for a URL, drop the user name and password from it, or give the whole URL through the TriggerAuthentication)');
    }
  }
}

/**
 * Kafka SASL modes that need `username` and `password` (kafka_scaler.go parseSASL: "no username
 * given", "no password given"): refused when the TriggerAuthentication is known not to provide them.
 */
function checkSaslCredentials(where: string, sasl: string | undefined, auth: IKedaTriggerAuthentication | undefined): void {
  if (sasl === undefined || sasl === KedaKafkaSaslMode.NONE) return;
  const needs = sasl === KedaKafkaSaslMode.GSSAPI ? ['username', 'realm', 'kerberosConfig']
    : sasl === KedaKafkaSaslMode.OAUTHBEARER ? [] : ['username', 'password'];
  if (!auth) {
    throw propError(where, 'sasl', sasl, `KEDA reads the SASL credentials${needs.length ? ` (${needs.join(', ')})` : ''} from a TriggerAuthentication, and there is none`,
      'pass authentication: a KedaTriggerAuthentication with secretTargetRefs for "username" and "password"');
  }
  const params = auth.parameters;
  const missing = params === undefined ? [] : needs.filter(n => !params.includes(n));
  if (missing.length > 0) {
    throw propError(where, 'authentication', params, `sasl ${sasl} needs ${missing.join(', ')} from the TriggerAuthentication (kafka_scaler.go parseSASL)`,
      `add addSecretTargetRef({ parameter: "${missing[0]}", secret, key: "${missing[0]}" }) to it`);
  }
}

/** Kafka metadata a `fromType("kafka")` trigger gives as strings: modes are checked against KEDA's lists. */
const KAFKA_MODES: { [key: string]: string[] } = {
  sasl: Object.values(KedaKafkaSaslMode),
  tls: ['enable', 'disable'],
  offsetResetPolicy: Object.values(KedaKafkaOffsetResetPolicy),
  saslTokenProvider: ['bearer', 'aws_msk_iam'],
};

function event(where: string, options: KedaEventTriggerOptions): Pick<TriggerSpec, 'metricType' | 'authentication' | 'name' | 'useCachedMetrics'> {
  if (options.metricType !== undefined && !Object.values(KedaMetricType).includes(options.metricType)) {
    throw propError(where, 'metricType', options.metricType, 'is not a metric type', 'use KedaMetricType.AVERAGE_VALUE or VALUE');
  }
  checkBoolean(where, 'useCachedMetrics', options.useCachedMetrics);
  if (options.authentication !== undefined && (typeof options.authentication.authenticationName !== 'string' || !Object.values(KedaAuthenticationKind).includes(options.authentication.kind))) {
    throw propError(where, 'authentication', '<not a TriggerAuthentication>', 'must be a KedaTriggerAuthentication or one from fromTriggerAuthenticationName()', 'pass a KedaTriggerAuthentication');
  }
  if (options.metricType === KedaMetricType.UTILIZATION) {
    throw propError(where, 'metricType', options.metricType, 'Utilization is only for cpu and memory triggers',
      'use KedaMetricType.AVERAGE_VALUE (metric divided by replicas) or VALUE');
  }
  return { metricType: options.metricType, authentication: options.authentication, name: options.name, useCachedMetrics: options.useCachedMetrics };
}

function resourceTarget(
  where: string, utilization: number | undefined, averageValue: (() => string) | undefined,
): { value: string; metricType: KedaMetricType } {
  if ((utilization === undefined) === (averageValue === undefined)) {
    throw propError(where, 'utilization', utilization, 'give exactly one of utilization and averageValue',
      'use e.g. { utilization: 70 } (percent of requests) or { averageValue: ... } (per pod)');
  }
  if (utilization !== undefined) {
    // The HPA's averageUtilization is an int32 > 0 (kubernetes pkg/apis/autoscaling/validation validateMetricTarget).
    checkInt(where, 'utilization', utilization, 1, INT32_MAX, { problem: 'must be a whole percentage from 1 to 2147483647', fix: 'use e.g. 70' });
    return { value: String(utilization), metricType: KedaMetricType.UTILIZATION };
  }
  return { value: averageValue!(), metricType: KedaMetricType.AVERAGE_VALUE };
}

function checkHttpUrl(where: string, prop: string, value: string | undefined, example: string): void {
  let ok = typeof value === 'string' && value.length <= 2048 && /^https?:\/\/[^\s/?#]+(\/[^\s]*)?$/.test(value);
  if (ok) {
    try {
      const u = new URL(value!);
      ok = u.hostname !== '' && (u.port === '' || (Number(u.port) >= 1 && Number(u.port) <= 65535));
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw propError(where, prop, typeof value === 'string' && findCredential(undefined, value) ? '<redacted>' : value, 'must be an http(s) URL with a host (and a port from 1 to 65535)', `use e.g. "${example}"`);
  }
}

function checkHostPort(where: string, prop: string, value: string | undefined, example: string): void {
  if (typeof value !== 'string' || value.length > 260 || !HOST_PORT.test(value)) {
    throw propError(where, prop, value, 'must be host:port', `use e.g. "${example}"`);
  }
  checkPort(where, `${prop} port`, Number(value.slice(value.lastIndexOf(':') + 1)));
}

function checkPositive(where: string, prop: string, value: number | undefined): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw propError(where, prop, value, 'must be a number > 0', `set ${prop}, e.g. 10`);
  }
}

function checkNonNegative(where: string, prop: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw propError(where, prop, value, 'must be a number >= 0', `set ${prop} to 0 or more, or leave it out`);
  }
}

function checkBoolean(where: string, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw propError(where, prop, value, 'must be true or false', `set ${prop} to true or false`);
  }
}

function bool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/**
 * A number as KEDA parses it (Go strconv.ParseFloat / ParseInt): plain decimal digits, never
 * JavaScript's `1e+21` exponent form for whole numbers (ParseInt refuses it).
 */
function num(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isInteger(value)) return BigInt(value).toString();
  return String(value);
}

function compact(obj: { [key: string]: string | undefined }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k in obj) if (obj[k] !== undefined) out[k] = obj[k]!;
  return out;
}

function isTimeZone(tz: string | undefined): boolean {
  if (!tz || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
