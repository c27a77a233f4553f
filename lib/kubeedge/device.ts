import { ApiObject, ApiObjectMetadata, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkConfigData, checkDeviceName, checkFreeText, DevicePropertyAccessMode, KubeEdgeDeviceModel } from './device-model';
import type { DeviceV1Beta1SpecProperties, DeviceV1Beta1SpecPropertiesPushMethod } from '../imports/kubeedge';
import { credentialInValue, redact } from '../private/credentials';
import { checkDns1123Subdomain, checkInt, isWholeNumber, propError, propMessage } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { definedMetadata } from '../private/scaling-metadata';
import { checkMetadata, checkPort, GO_MAX_DURATION_MS } from '../private/validate';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const { DeviceV1Beta1 } = lazyExports((): typeof import('../imports/kubeedge') => require('../imports/kubeedge'));

/** Where a mapper publishes a property's values over MQTT (`pushMethod.mqtt`). */
export interface MqttPushOptions {
  /**
   * The broker, as the mapper's MQTT client (Eclipse Paho, `AddBroker`) takes it:
   * `tcp://host:1883`, `mqtt://...`, `ssl://...`, `tls://...`, `mqtts://...`, `ws://...` or
   * `wss://...`. The port is required for the TCP and TLS schemes (Paho dials `host:port` and adds
   * no default; websockets default to 80/443). The mapper publishes without credentials (the API
   * has no field for them): give the broker an ACL for the topics.
   *
   * @see https://github.com/kubeedge/mapper-framework/blob/main/_template/mapper/data/publish/mqtt/client.go
   */
  readonly address: string;

  /** The topic to publish on (no `+` or `#` wildcards). */
  readonly topic: string;

  /**
   * MQTT quality of service: 0 (at most once), 1 (at least once) or 2 (exactly once).
   *
   * @default 0
   */
  readonly qos?: number;

  /**
   * Whether the broker keeps the last value for new subscribers.
   *
   * @default false
   */
  readonly retained?: boolean;
}

const MQTT_ADDRESS = /^(tcp|mqtt|ssl|tls|mqtts|ws|wss):\/\/([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:(\d{1,5}))?(\/[^\s]*)?$/;

/**
 * How a mapper pushes a property's values to applications (`properties[].pushMethod`).
 */
export class DevicePushMethod {
  /**
   * Publish to an MQTT broker.
   *
   * @see https://github.com/kubeedge/kubeedge/tree/master/staging/src/github.com/kubeedge/mapper-framework
   */
  public static mqtt(options: MqttPushOptions): DevicePushMethod {
    const owner = 'DevicePushMethod.mqtt';
    const m = typeof options.address === 'string' && options.address.length <= 2048 ? MQTT_ADDRESS.exec(options.address) : null;
    if (!m || credentialInValue(options.address) !== undefined) {
      throw propError(owner, 'address', typeof options.address === 'string' ? redact(options.address) : options.address, 'is not an MQTT broker URL without credentials',
        'use e.g. "tcp://mqtt-broker.factory.svc.cluster.local:1883" (schemes tcp, mqtt, ssl, tls, mqtts, ws, wss)');
    }
    // Paho dials host:port for the TCP and TLS schemes without a default port (eclipse/paho.mqtt.golang netconn.go openConnection).
    if (m[5] === undefined && !/^wss?$/.test(m[1])) {
      throw propError(owner, 'address', options.address, `has no port: the mapper's MQTT client dials host:port for ${m[1]}:// and adds no default`,
        `add the broker port, e.g. "${options.address.replace(/(\/\/[^/]+)/, '$1:1883')}"`);
    }
    if (m[5] !== undefined) checkPort(owner, 'address port', Number(m[5]));
    // eslint-disable-next-line no-control-regex
    if (typeof options.topic !== 'string' || options.topic.length === 0 || options.topic.length > 65535 || /[+#\u0000-\u001f\u007f]/.test(options.topic)) {
      throw propError(owner, 'topic', options.topic, 'is not a topic a client may publish to (empty, a "+" / "#" wildcard, or control characters)',
        'use a concrete topic such as "factory/line-1/press-01/temperature"');
    }
    checkFreeText(owner, 'topic', options.topic);
    const qos = options.qos ?? 0;
    checkInt(owner, 'qos', qos, 0, 2);
    return new DevicePushMethod('mqtt', { mqtt: { address: options.address, topic: options.topic, qos, retained: options.retained ?? false } });
  }

  /** The push method's name, e.g. "mqtt". */
  public readonly method: string;
  private readonly config: DeviceV1Beta1SpecPropertiesPushMethod;

  private constructor(method: string, config: DeviceV1Beta1SpecPropertiesPushMethod) {
    this.method = method;
    this.config = config;
  }

  /** @internal */
  public _render(): DeviceV1Beta1SpecPropertiesPushMethod {
    return JSON.parse(JSON.stringify(this.config));
  }
}

/** One property of a device: how the mapper reads it and where its values go. */
export interface DevicePropertyOptions {
  /** The property name; the device model must have it. */
  readonly name: string;

  /**
   * Protocol settings for reading this property (`visitors.configData`), e.g. a Modbus register.
   * Their keys are defined by the mapper of the model's protocol.
   *
   * @default - none (the mapper's defaults, or the model's visitors)
   */
  readonly visitorConfig?: { [key: string]: any };

  /**
   * How often the mapper reads the property from the device: a whole number of milliseconds, at
   * least 1, written as milliseconds (`collectCycle: 10000` is 10 s). mapper-framework multiplies
   * the field by `time.Millisecond`.
   *
   * @see https://github.com/kubeedge/mapper-framework/blob/main/_template/mapper/device/device.go
   * @default - the mapper's default (`DefaultCollectCycle`, 1 second in mapper-framework)
   */
  readonly collectCycle?: Duration;

  /**
   * How often the mapper reports (and pushes) the value: whole milliseconds, at least 1, written
   * as milliseconds (mapper-framework multiplies the field by `time.Millisecond`).
   *
   * @see https://github.com/kubeedge/mapper-framework/blob/main/_template/mapper/device/device.go
   * @default - the mapper's default (`DefaultReportCycle`, 1 second in mapper-framework)
   */
  readonly reportCycle?: Duration;

  /**
   * Whether the value is reported to the cloud (the device twin in the API server). Keep it off for
   * high-rate values that only local applications need.
   *
   * @default false
   */
  readonly reportToCloud?: boolean;

  /**
   * The value the mapper writes to the device (READ_WRITE properties only).
   *
   * @default - none
   */
  readonly desiredValue?: string;

  /**
   * Where the mapper pushes the values, e.g. `DevicePushMethod.mqtt({...})`.
   *
   * @default - no push; applications read the device twin
   */
  readonly pushMethod?: DevicePushMethod;
}

/** Props of a KubeEdgeDevice. */
export interface KubeEdgeDeviceProps {
  /** The device model (in the same namespace: the reference is by name). */
  readonly model: KubeEdgeDeviceModel;

  /**
   * The KubeEdge edge node (running EdgeCore and a mapper for the model's protocol) the device is
   * attached to.
   */
  readonly nodeName: string;

  /**
   * The object name.
   *
   * @default - a name generated by cdk8s from the construct path
   */
  readonly name?: string;

  /**
   * Labels and annotations of the object (the namespace comes from the chart).
   *
   * @default - none
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * How the mapper connects to this device (`protocol.configData`), e.g. a serial port or an IP
   * address. Its keys are defined by the mapper.
   *
   * @default - none (the model's protocolConfigData)
   */
  readonly protocolConfigData?: { [key: string]: any };

  /**
   * The properties the mapper reads, and where their values go.
   *
   * @default - none
   */
  readonly properties?: DevicePropertyOptions[];

  /**
   * How often the mapper reports the device's state (online/offline): whole milliseconds, at
   * least 1, written as milliseconds (`stateReport.reportCycle`; mapper-framework multiplies it by
   * `time.Millisecond`).
   *
   * @see https://github.com/kubeedge/mapper-framework/blob/main/_template/mapper/device/device.go
   * @default - the mapper's default (`DefaultReportCycle`, 1 second in mapper-framework)
   */
  readonly stateReportCycle?: Duration;

  /**
   * Whether the device state is reported to the cloud.
   *
   * @default false
   */
  readonly stateReportToCloud?: boolean;
}

/**
 * A KubeEdge Device (`devices.kubeedge.io/v1beta1`): one physical device of a `KubeEdgeDeviceModel`,
 * attached to an edge node whose mapper reads its properties and pushes them, e.g. to an MQTT broker
 * that a Wasm processor subscribes to.
 *
 * Cycles are written in milliseconds, the unit mapper-framework reads them in: it builds its
 * tickers from `time.Millisecond * time.Duration(cycle)` (`collectCycle: 10000` is 10 seconds, as
 * in kubeedge/examples' temperature-sensor-demo).
 *
 * @see https://kubeedge.io/docs/developer/device_crd/
 * @see https://github.com/kubeedge/mapper-framework/blob/main/_template/mapper/device/device.go
 */
export class KubeEdgeDevice extends Construct {
  /** The Device object. */
  public readonly apiObject: ApiObject;
  /** The object name. */
  public readonly deviceName: string;
  /** The device model. */
  public readonly model: KubeEdgeDeviceModel;
  /** The edge node the device is attached to. */
  public readonly nodeName: string;

  constructor(scope: Construct, id: string, props: KubeEdgeDeviceProps) {
    super(scope, id);
    this.model = props.model;
    this.nodeName = props.nodeName;
    checkDns1123Subdomain(this, 'nodeName', props.nodeName);
    if (props.name !== undefined) checkDns1123Subdomain(this, 'name', props.name);
    checkMetadata(this, 'metadata', props.metadata);
    checkConfigData(this, 'protocolConfigData', props.protocolConfigData);

    const seen = new Set<string>();
    const properties: DeviceV1Beta1SpecProperties[] = (props.properties ?? []).map((p, i) => {
      const where = `properties[${i}]`;
      checkDeviceName(this, `${where}.name`, p.name);
      const modelProperty = props.model.property(p.name);
      if (!modelProperty) {
        throw propError(this, `${where}.name`, p.name, `is not a property of device model ${props.model.node.path}`,
          `use one of ${props.model.propertyNames.join(', ')}, or add it to the model`);
      }
      if (seen.has(p.name)) {
        throw propError(this, `${where}.name`, p.name, 'is listed twice', 'list each property once');
      }
      seen.add(p.name);
      checkConfigData(this, `${where}.visitorConfig`, p.visitorConfig);
      if (p.desiredValue !== undefined) checkFreeText(this, `${where}.desiredValue`, p.desiredValue);
      if (p.desiredValue !== undefined && (modelProperty.accessMode ?? DevicePropertyAccessMode.READ_ONLY) !== DevicePropertyAccessMode.READ_WRITE) {
        throw propError(this, `${where}.desiredValue`, p.desiredValue, `"${p.name}" is read-only in the model, so the mapper never writes it`,
          'remove desiredValue, or make the model property READ_WRITE');
      }
      return {
        name: p.name,
        collectCycle: toMillis(this, `${where}.collectCycle`, p.collectCycle),
        reportCycle: toMillis(this, `${where}.reportCycle`, p.reportCycle),
        reportToCloud: p.reportToCloud ?? false,
        desired: p.desiredValue === undefined ? undefined : { value: p.desiredValue },
        visitors: p.visitorConfig === undefined ? undefined : { protocolName: props.model.protocol, configData: { ...p.visitorConfig } },
        pushMethod: p.pushMethod?._render(),
      };
    });

    this.apiObject = new DeviceV1Beta1(this, 'Resource', {
      metadata: definedMetadata(props.metadata, { name: props.name }),
      spec: {
        deviceModelRef: { name: props.model.deviceModelName },
        nodeName: props.nodeName,
        protocol: {
          protocolName: props.model.protocol,
          configData: props.protocolConfigData === undefined ? undefined : { ...props.protocolConfigData },
        },
        properties: properties.length > 0 ? properties : undefined,
        stateReport: props.stateReportCycle === undefined && props.stateReportToCloud === undefined ? undefined : {
          reportCycle: toMillis(this, 'stateReportCycle', props.stateReportCycle),
          reportToCloud: props.stateReportToCloud ?? false,
        },
      },
    });
    this.deviceName = this.apiObject.name;

    this.node.addValidation({
      validate: () => {
        const mine = Chart.of(this).namespace;
        const theirs = props.model.namespace;
        return mine === theirs ? [] : [propMessage(this, 'model', props.model.node.path,
          `is in namespace ${theirs ?? '(none)'}, the device in ${mine ?? '(none)'}; deviceModelRef only names a model in the device's own namespace`,
          'create the model and its devices in charts with the same namespace')];
      },
    });
  }
}

/**
 * A cycle in milliseconds: mapper-framework builds its tickers from
 * `time.Millisecond * time.Duration(cycle)` (_template/mapper/device/device.go dataHandler,
 * pushHandler). 0 means "the mapper's default", so it is refused rather than written.
 */
function toMillis(scope: Construct, prop: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = d instanceof Duration ? d.toMilliseconds({ integral: false }) : NaN;
  // Go's time.Duration is int64 nanoseconds: the ticker overflows past about 292 years.
  if (!isWholeNumber(ms, 1, GO_MAX_DURATION_MS)) {
    throw propError(scope, prop, `${ms}ms`, 'must be a whole number of milliseconds, at least 1 (the mapper reads cycles in milliseconds)',
      'use e.g. Duration.seconds(1) or Duration.millis(500)');
  }
  return ms;
}
