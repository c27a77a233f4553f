import { Duration, Testing } from 'cdk8s';
import { chart, MODEL, ofKind } from './helpers';
import { DevicePushMethod, KubeEdgeDevice, KubeEdgeDeviceModel } from '../../lib';
import { validationErrorOf } from '../util/errors';
import { synthAndValidate } from '../util/validate';

describe('KubeEdgeDevice', () => {
  test('renders a schema-valid Device: model ref, node, protocol, properties in milliseconds, MQTT push', () => {
    const c = chart('factory');
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    const d = new KubeEdgeDevice(c, 'dev', {
      name: 'thermo-01',
      model,
      nodeName: 'gw-01',
      metadata: { labels: { line: 'l1' } },
      protocolConfigData: { serialPort: '/dev/ttyUSB0', slaveID: 1 },
      stateReportCycle: Duration.seconds(30),
      properties: [
        {
          name: 'temperature',
          visitorConfig: { register: 'HoldingRegister', offset: 2 },
          collectCycle: Duration.millis(500),
          reportCycle: Duration.seconds(1),
          pushMethod: DevicePushMethod.mqtt({ address: 'tcp://broker.factory.svc.cluster.local:1883', topic: 'factory/l1/thermo-01/temperature', qos: 1, retained: true }),
        },
        { name: 'setpoint', desiredValue: '42', reportToCloud: true },
      ],
    });
    const [dev] = ofKind(synthAndValidate(c), 'Device');
    expect(dev.apiVersion).toBe('devices.kubeedge.io/v1beta1');
    expect(dev.metadata).toEqual({ name: 'thermo-01', namespace: 'factory', labels: { line: 'l1' } });
    expect(dev.spec).toEqual({
      deviceModelRef: { name: 'thermo' },
      nodeName: 'gw-01',
      protocol: { protocolName: 'modbus', configData: { serialPort: '/dev/ttyUSB0', slaveID: 1 } },
      stateReport: { reportCycle: 30_000, reportToCloud: false },
      properties: [
        {
          name: 'temperature',
          collectCycle: 500,
          reportCycle: 1_000,
          reportToCloud: false,
          visitors: { protocolName: 'modbus', configData: { register: 'HoldingRegister', offset: 2 } },
          pushMethod: { mqtt: { address: 'tcp://broker.factory.svc.cluster.local:1883', topic: 'factory/l1/thermo-01/temperature', qos: 1, retained: true } },
        },
        { name: 'setpoint', reportToCloud: true, desired: { value: '42' } },
      ],
    });
    expect(d.deviceName).toBe('thermo-01');
    expect(d.nodeName).toBe('gw-01');
    expect(d.model).toBe(model);
  });

  // kubeedge/mapper-framework _template/mapper/data/publish/mqtt/client.go: MQTTConfig{ QoS int `json:"qos,omitempty"`;
  // Retained bool `json:"retained,omitempty"` }: left out, the mapper publishes with Go's zero values, QoS 0 and not retained.
  test('defaults: no properties, no protocol config, no state report; MQTT qos 0, not retained', () => {
    const c = chart();
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    new KubeEdgeDevice(c, 'dev', { model, nodeName: 'gw-01' });
    const [dev] = ofKind(synthAndValidate(c), 'Device');
    expect(dev.spec).toEqual({ deviceModelRef: { name: 'thermo' }, nodeName: 'gw-01', protocol: { protocolName: 'modbus' } });
    const push = DevicePushMethod.mqtt({ address: 'mqtt://10.0.0.5:1883', topic: 't' });
    expect(push.method).toBe('mqtt');
    expect(push._render()).toEqual({ mqtt: { address: 'mqtt://10.0.0.5:1883', topic: 't', qos: 0, retained: false } });
    // Websockets take the scheme's default port (gorilla/websocket), so no port is needed there.
    expect(DevicePushMethod.mqtt({ address: 'wss://broker.example.com/mqtt', topic: 't' })._render().mqtt!.address).toBe('wss://broker.example.com/mqtt');
  });

  test('a state report with only reportToCloud', () => {
    const c = chart();
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    new KubeEdgeDevice(c, 'dev', { model, nodeName: 'gw-01', stateReportToCloud: true });
    expect(ofKind(synthAndValidate(c), 'Device')[0].spec.stateReport).toEqual({ reportToCloud: true });
  });

  test.each<[string, any, RegExp]>([
    ['nodeName', { nodeName: 'GW 01' }, /nodeName="GW 01": is not a DNS-1123 subdomain/],
    ['name', { name: 'Dev!' }, /name="Dev!": is not a DNS-1123 subdomain/],
    ['property not in the model', { properties: [{ name: 'humidity' }] }, /properties\[0\]\.name="humidity": is not a property of device model test\/model.*use one of temperature, setpoint/],
    ['property name', { properties: [{ name: ' x' }] }, /properties\[0\]\.name=" x": is not a valid name/],
    ['duplicate property', { properties: [{ name: 'temperature' }, { name: 'temperature' }] }, /properties\[1\]\.name="temperature": is listed twice/],
    ['desired value of a read-only property', { properties: [{ name: 'temperature', desiredValue: '1' }] }, /properties\[0\]\.desiredValue="1": "temperature" is read-only/],
    ['sub-millisecond cycle', { properties: [{ name: 'temperature', collectCycle: Duration.millis(0.5) }] }, /properties\[0\]\.collectCycle="0\.5ms": must be a whole number of milliseconds/],
    ['zero cycle', { properties: [{ name: 'temperature', reportCycle: Duration.millis(0) }] }, /properties\[0\]\.reportCycle="0ms"/],
    ['state report cycle', { stateReportCycle: Duration.millis(0) }, /stateReportCycle="0ms"/],
    ['NaN cycle', { properties: [{ name: 'temperature', collectCycle: Duration.millis(NaN) }] }, /collectCycle="NaNms": must be a whole number of milliseconds/],
    ['infinite cycle', { properties: [{ name: 'temperature', reportCycle: Duration.seconds(Infinity) }] }, /reportCycle="Infinityms"/],
    ['sub-millisecond state cycle', { stateReportCycle: Duration.millis(1500.5) }, /stateReportCycle="1500\.5ms"/],
    ['metadata label', { metadata: { labels: { line: 'line 1' } } }, /metadata\.labels\.line="line 1": is not a label value/],
    ['password in protocolConfigData', { protocolConfigData: { url: 'opc.tcp://op:hunter2@plc:4840' } }, /protocolConfigData\.url="<redacted>": the URL carries a user name and password/],
    ['password key in visitorConfig', { properties: [{ name: 'temperature', visitorConfig: { password: 'hunter2' } }] }, /properties\[0\]\.visitorConfig\.password="<redacted>": "password" names a credential/],
    ['NaN in protocolConfigData', { protocolConfigData: { baudRate: NaN } }, /protocolConfigData\.baudRate=null: is not a finite number/],
  ])('refuses a bad %s', (_what, override, message) => {
    const c = chart();
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    expect(() => new KubeEdgeDevice(c, 'dev', { model, nodeName: 'gw-01', ...override })).toThrow(message);
  });

  test('refuses a model in another namespace (deviceModelRef is namespace-local)', () => {
    const app = Testing.app();
    const models = chart('models', app, 'models');
    const devices = chart('devices', app, 'devices');
    const model = new KubeEdgeDeviceModel(models, 'model', MODEL);
    new KubeEdgeDevice(devices, 'dev', { model, nodeName: 'gw-01' });
    expect(() => app.synth()).toThrow(/devices\/dev: model="models\/model": is in namespace models, the device in devices/);
  });
});

describe('cycles are milliseconds (the unit the mapper reads)', () => {
  // kubeedge/mapper-framework _template/mapper/device/device.go, dataHandler():
  //   CollectCycle: time.Millisecond * time.Duration(twin.Property.CollectCycle)
  //   ReportCycle:  time.Millisecond * time.Duration(dev.Instance.Status.ReportCycle)
  // and pushHandler(): reportCycle := time.Millisecond * time.Duration(twin.Property.ReportCycle).
  // kubeedge/examples temperature-sensor-demo writes `collectCycle: 10000` for 10 seconds.
  // Nanoseconds (10_000_000_000) would make the first collection happen after about 115 days.
  test('Duration.seconds(10) is written as 10000', () => {
    const c = chart();
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    new KubeEdgeDevice(c, 'dev', {
      model,
      nodeName: 'gw-01',
      stateReportCycle: Duration.seconds(10),
      properties: [{ name: 'temperature', collectCycle: Duration.seconds(10), reportCycle: Duration.minutes(1) }],
    });
    const [dev] = ofKind(synthAndValidate(c), 'Device');
    expect(dev.spec.properties[0].collectCycle).toBe(10_000);
    expect(dev.spec.properties[0].reportCycle).toBe(60_000);
    expect(dev.spec.stateReport.reportCycle).toBe(10_000);
  });

  test('0 is refused rather than written: the mapper reads 0 as its 1 s default (DefaultCollectCycle, pkg/common/const.go)', () => {
    // _template/mapper/device/devicetwin.go Run(): if td.CollectCycle == 0 { td.CollectCycle = common.DefaultCollectCycle }
    const c = chart();
    const model = new KubeEdgeDeviceModel(c, 'model', MODEL);
    const e = validationErrorOf(() => new KubeEdgeDevice(c, 'dev', { model, nodeName: 'gw-01', properties: [{ name: 'temperature', collectCycle: Duration.seconds(0) }] }));
    expect([e.constructPath, e.prop, e.value]).toEqual(['test/dev', 'properties[0].collectCycle', '"0ms"']);
    expect(e.problem).toMatch(/^must be a whole number of milliseconds, at least 1/);
    expect(e.fix).toBe('use e.g. Duration.seconds(1) or Duration.millis(500)');
  });
});

describe('DevicePushMethod.mqtt', () => {
  test('the TCP and TLS schemes need a port: Paho dials host:port and adds no default', () => {
    // eclipse/paho.mqtt.golang netconn.go openConnection(): case "mqtt", "tcp": dialer.Dial("tcp", uri.Host);
    // case "ssl", "tls", "mqtts", ...: tls.DialWithDialer(dialer, "tcp", uri.Host, tlsc). The mapper's
    // MQTT push (mapper-framework _template/mapper/data/publish/mqtt/client.go Push) passes the address to AddBroker.
    const e = validationErrorOf(() => DevicePushMethod.mqtt({ address: 'mqtt://10.0.0.5', topic: 't' }));
    expect([e.constructPath, e.prop, e.value]).toEqual(['DevicePushMethod.mqtt', 'address', '"mqtt://10.0.0.5"']);
    expect(e.fix).toBe('add the broker port, e.g. "mqtt://10.0.0.5:1883"');
    expect(() => DevicePushMethod.mqtt({ address: 'ssl://broker', topic: 't' })).toThrow(/has no port/);
    expect(() => DevicePushMethod.mqtt({ address: 'tcp://broker:99999', topic: 't' })).toThrow(/address port=99999: is not a port/);
    expect(() => DevicePushMethod.mqtt({ address: 'tcp://broker:0', topic: 't' })).toThrow(/address port=0: is not a port/);
  });

  test.each<[string, any, RegExp]>([
    ['newline in topic', { address: 'tcp://broker:1883', topic: 'a\nb' }, /topic="a\\nb": is not a topic/],
    ['password query in address', { address: 'tcp://broker:1883/?password=x', topic: 't' }, /address="tcp:\/\/broker:1883\/\?password=<redacted>": is not an MQTT broker URL/],
    ['address without scheme', { address: 'broker:1883', topic: 't' }, /DevicePushMethod\.mqtt: address="broker:1883": is not an MQTT broker URL/],
    ['address with credentials', { address: 'tcp://user:pw@broker:1883', topic: 't' }, /address=.*is not an MQTT broker URL/],
    ['wildcard topic', { address: 'tcp://broker:1883', topic: 'factory/#' }, /topic="factory\/#": is not a topic a client may publish to/],
    ['empty topic', { address: 'tcp://broker:1883', topic: '' }, /topic="": is not a topic/],
    ['qos', { address: 'tcp://broker:1883', topic: 't', qos: 3 }, /qos=3: must be a whole number from 0 to 2/],
  ])('refuses a bad %s', (_what, options, message) => {
    expect(() => DevicePushMethod.mqtt(options)).toThrow(message);
  });

  test('accepts the schemes Paho takes', () => {
    for (const scheme of ['tcp', 'mqtt', 'ssl', 'tls', 'mqtts', 'ws', 'wss']) {
      expect(DevicePushMethod.mqtt({ address: `${scheme}://broker.local:8883`, topic: 'a/b' }).method).toBe('mqtt');
    }
  });
});
