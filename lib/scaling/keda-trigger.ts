import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { propError } from '../errors';
import { cpuToMillis, sizeToBytes, sizeToQuantity } from '../quantity';
import { KedaHttpAddOn } from './keda-http-add-on';
import { IKedaTriggerAuthentication } from './keda-trigger-authentication';

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

/** Options of a Kafka trigger. SASL/TLS settings and credentials go in the TriggerAuthentication. */
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
    if (!/^https?:\/\/[^\s/]+/.test(options.serverAddress ?? '')) {
      throw propError(where, 'serverAddress', options.serverAddress, 'must be an http(s) URL',
        'use e.g. "http://prometheus-operated.monitoring.svc:9090"');
    }
    if (!options.query || options.query.trim() === '') {
      throw propError(where, 'query', options.query, 'must be a PromQL query', 'use e.g. \'sum(rate(http_requests_total{app="hello"}[1m]))\'');
    }
    checkPositive(where, 'threshold', options.threshold);
    checkNonNegative(where, 'activationThreshold', options.activationThreshold);
    const authModes = options.authModes ?? [];
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
    if (servers.length === 0 || servers.some(s => !HOST_PORT.test(s))) {
      throw propError(where, 'bootstrapServers', servers, 'must list at least one broker as host:port',
        'use e.g. ["kafka-0.kafka.svc:9092", "kafka-1.kafka.svc:9092"]');
    }
    if (!options.consumerGroup || /\s/.test(options.consumerGroup)) {
      throw propError(where, 'consumerGroup', options.consumerGroup, 'must name the consumer group', 'use e.g. "wasm-workers"');
    }
    if (options.topic !== undefined && !/^[A-Za-z0-9._-]{1,249}$/.test(options.topic)) {
      throw propError(where, 'topic', options.topic, 'is not a Kafka topic name (letters, digits, ".", "_", "-")', 'use e.g. "sensor-events"');
    }
    checkWhole(where, 'lagThreshold', options.lagThreshold, 1);
    checkWhole(where, 'activationLagThreshold', options.activationLagThreshold, 0);
    return new KedaTrigger(where, Object.assign({
      type: 'kafka',
      metadata: compact({
        bootstrapServers: servers.join(','),
        consumerGroup: options.consumerGroup,
        topic: options.topic,
        lagThreshold: num(options.lagThreshold ?? 10),
        activationLagThreshold: num(options.activationLagThreshold),
        offsetResetPolicy: options.offsetResetPolicy,
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
    if (!options.queueName) {
      throw propError(where, 'queueName', options.queueName, 'must name the queue', 'use e.g. "orders"');
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
    const protocol = options.protocol ?? (mode === KedaRabbitmqMode.QUEUE_LENGTH ? KedaRabbitmqProtocol.AUTO : KedaRabbitmqProtocol.HTTP);
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
    checkWhole(where, 'desiredReplicas', options.desiredReplicas, 1);
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
    if (!HOST_PORT.test(options.scalerAddress ?? '')) {
      throw propError(where, 'scalerAddress', options.scalerAddress, 'must be host:port', 'use e.g. "mqtt-scaler.keda.svc:6000"');
    }
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
    if (!options.interceptorRouteName) {
      throw propError(where, 'interceptorRouteName', options.interceptorRouteName, 'must name the InterceptorRoute', 'pass route.name of a KedaInterceptorRoute');
    }
    const scalerAddress = options.scalerAddress ?? KEDA_HTTP_EXTERNAL_SCALER_ADDRESS;
    if (!HOST_PORT.test(scalerAddress)) {
      throw propError(where, 'scalerAddress', scalerAddress, 'must be host:port', `use e.g. "${KEDA_HTTP_EXTERNAL_SCALER_ADDRESS}"`);
    }
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
    for (const [k, v] of Object.entries(options.metadata ?? {})) {
      if (typeof v !== 'string') {
        throw propError(where, `metadata.${k}`, v, 'trigger metadata values must be strings', `write it as "${String(v)}"`);
      }
    }
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

/**
 * Metadata keys whose values are credentials. `...FromEnv` keys name environment variables of the
 * target's container (not secrets) and are allowed.
 */
const SECRET_KEY = /(password|passwd|secret|token|apikey|api_key|credential|connectionstring|privatekey|accesskey|^sasl$|^username$|^cert$|^key$|^ca$|^tlsclientkey$|^customauthvalue$)/i;
// scheme://user:password@host
const USERINFO_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i;

function refuseInlineSecrets(where: string, metadata: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (/FromEnv$/.test(key)) continue;
    if (SECRET_KEY.test(key)) {
      throw propError(where, `metadata.${key}`, '<redacted>', 'credentials must not be inlined in trigger metadata (ScaledObjects are not Secrets; they land in Git and in kubectl output)',
        `put the value in a Secret and reference it: new KedaTriggerAuthentication(this, "Auth", { secretTargetRefs: [{ parameter: "${key}", secret, key: "${key}" }] }), then pass it as the trigger's authentication`);
    }
    if (typeof value === 'string' && USERINFO_URL.test(value)) {
      throw propError(where, `metadata.${key}`, value.replace(/\/\/[^@]*@/, '//<redacted>@'), 'the URL carries a user name and password',
        'drop the credentials from the URL and provide them (or the whole URL) through a KedaTriggerAuthentication parameter');
    }
  }
}

function event(where: string, options: KedaEventTriggerOptions): Pick<TriggerSpec, 'metricType' | 'authentication' | 'name' | 'useCachedMetrics'> {
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
    if (!Number.isInteger(utilization) || utilization < 1) {
      throw propError(where, 'utilization', utilization, 'must be a whole percentage >= 1', 'use e.g. 70');
    }
    return { value: String(utilization), metricType: KedaMetricType.UTILIZATION };
  }
  return { value: averageValue!(), metricType: KedaMetricType.AVERAGE_VALUE };
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

function checkWhole(where: string, prop: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw propError(where, prop, value, `must be a whole number >= ${min}`, `set ${prop} to ${min} or more`);
  }
}

function num(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
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
