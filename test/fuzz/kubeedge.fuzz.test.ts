/**
 * Property-based tests of the KubeEdge objects (KubeEdgeDeviceModel, KubeEdgeDevice with MQTT push).
 * Each seeded run (FUZZ_RUNS, default 2000 per property) ends in schema-valid, semantically valid
 * output, with cycles in whole milliseconds >= 1 (the unit mapper-framework reads), or in the
 * library's documented error.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { DevicePropertyAccessMode, DevicePropertyType, DevicePushMethod, KubeEdgeDevice, KubeEdgeDeviceModel } from '../../lib/kubeedge';
import { assertValidOrDocumentedError, maybe, nastyNumber, nastyString, NASTY_STRINGS } from '../util/fuzz';

const often = <T>(good: T[], nasty: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 10 }, { arbitrary: nasty, weight: 1 });
const str = (good: string[]) => often(good, nastyString(good));
const numb = (good: number[]) => often(good, nastyNumber(good));
// cdk8s itself refuses negative Durations; NaN and Infinity reach the library.
const cycle = maybe(numb([1000, 500, 10000, 0]))
  .map(ms => (ms === undefined || (!(ms >= 0) && !Number.isNaN(ms)) ? undefined : Duration.millis(ms)));
const jsonValue = fc.oneof(str(['/dev/ttyUSB0', 'HoldingRegister', 'opc.tcp://plc:4840', '/etc/mapper/pass']), numb([9600, 1, 2]), fc.boolean(), fc.constant(null));
const configData = maybe(fc.dictionary(str(['serialPort', 'baudRate', 'register', 'offset', 'url', 'password']),
  fc.oneof(jsonValue, fc.array(jsonValue, { maxLength: 2 })), { maxKeys: 3 }));
const metadata = maybe(fc.record({
  labels: maybe(fc.dictionary(str(['factory.example.com/line']), str(['line-1']), { maxKeys: 2 })),
  annotations: maybe(fc.dictionary(str(['example.com/owner']), str(['ot team']), { maxKeys: 2 })),
}, { requiredKeys: [] }));

const propertyArb = fc.record({
  name: str(['temperature', 'setpoint', 'cycle-count']),
  type: often(Object.values(DevicePropertyType) as string[], fc.constantFrom('FLOAT32', 'int')),
  accessMode: maybe(often(Object.values(DevicePropertyAccessMode) as string[], fc.constant('WriteOnly'))),
  description: maybe(str(['Hydraulic oil temperature', 'x\ny'])),
  unit: maybe(str(['celsius', 'mm/s'])),
  minimum: maybe(numb([-40, 0])),
  maximum: maybe(numb([125, 50])),
});

const modelArb = fc.record({
  name: maybe(str(['press-sensor'])),
  protocol: str(['modbus', 'opcua']),
  // Mostly distinct names (a repeated name is a documented error, now and then).
  properties: often([false, false, true], fc.constant(true)).chain(dupes => dupes
    ? fc.array(propertyArb, { minLength: 0, maxLength: 3 })
    : fc.uniqueArray(propertyArb, { minLength: 1, maxLength: 3, selector: x => x.name })),
  protocolConfigData: configData,
  metadata,
});

const deviceArb = fc.record({
  name: maybe(str(['press-01'])),
  nodeName: str(['line1-gw-01']),
  protocolConfigData: configData,
  stateReportCycle: cycle,
  stateReportToCloud: maybe(fc.boolean()),
  metadata,
  properties: fc.uniqueArray(fc.record({
    name: str(['temperature', 'setpoint']),
    visitorConfig: configData,
    collectCycle: cycle,
    reportCycle: cycle,
    reportToCloud: maybe(fc.boolean()),
    desiredValue: fc.option(str(['45']), { nil: undefined, freq: 5 }),
    mqtt: maybe(fc.record({
      address: often(['tcp://mqtt-broker.iiot.svc.cluster.local:1883', 'mqtts://10.0.0.5:8883', 'wss://b.example.com/mqtt'],
        fc.constantFrom('mqtt://10.0.0.5', 'tcp://u:p@b:1883', 'tcp://b:99999', 'tcp://b:1883/?password=x', 'broker:1883', ...NASTY_STRINGS)),
      topic: often(['factory/line-1/press-01/temperature'], fc.constantFrom('factory/#', 'a/+/b', ...NASTY_STRINGS)),
      qos: maybe(numb([0, 1, 2])),
      retained: maybe(fc.boolean()),
    })),
  }), { maxLength: 3, selector: x => x.name }),
});

const MODEL_PROPERTIES = [
  { name: 'temperature', type: DevicePropertyType.FLOAT, unit: 'celsius' },
  { name: 'setpoint', type: DevicePropertyType.FLOAT, accessMode: DevicePropertyAccessMode.READ_WRITE },
];

/** Every cycle in the output is a whole number of milliseconds, at least 1 (never nanoseconds). */
function cyclesInMillis(app: App, given: Array<Duration | undefined>): void {
  const devices = app.charts.flatMap(c => c.toJson()).filter((o: any) => o.kind === 'Device');
  for (const d of devices) {
    const cycles = [d.spec.stateReport?.reportCycle, ...(d.spec.properties ?? []).flatMap((p: any) => [p.collectCycle, p.reportCycle])]
      .filter(x => x !== undefined);
    for (const c of cycles) {
      if (!Number.isInteger(c) || c < 1) throw new Error(`cycle ${c} is not whole milliseconds >= 1`);
    }
    const expected = given.filter((x): x is Duration => x !== undefined).map(x => x.toMilliseconds());
    if (cycles.some(c => !expected.includes(c))) throw new Error(`cycles ${cycles} are not the given milliseconds ${expected}`);
  }
}

describe('fuzz: KubeEdge objects', () => {
  test('KubeEdgeDeviceModel: valid output or the documented error', () => {
    assertValidOrDocumentedError(modelArb, (app: App, p) => {
      new KubeEdgeDeviceModel(new Chart(app, 'fuzz'), 'Model', {
        name: p.name,
        protocol: p.protocol,
        protocolConfigData: p.protocolConfigData,
        metadata: p.metadata,
        properties: p.properties.map(x => Object.assign({}, x, {
          type: x.type as DevicePropertyType,
          accessMode: x.accessMode as DevicePropertyAccessMode | undefined,
        })),
      });
    });
  });

  test('KubeEdgeDevice: valid output with millisecond cycles, or the documented error', () => {
    assertValidOrDocumentedError(deviceArb, (app: App, p) => {
      const c = new Chart(app, 'fuzz', { namespace: 'factory' });
      const model = new KubeEdgeDeviceModel(c, 'Model', { name: 'press-sensor', protocol: 'modbus', properties: MODEL_PROPERTIES });
      new KubeEdgeDevice(c, 'Device', {
        model,
        name: p.name,
        nodeName: p.nodeName,
        protocolConfigData: p.protocolConfigData,
        metadata: p.metadata,
        stateReportCycle: p.stateReportCycle,
        stateReportToCloud: p.stateReportToCloud,
        properties: p.properties.map(x => ({
          name: x.name,
          visitorConfig: x.visitorConfig,
          collectCycle: x.collectCycle,
          reportCycle: x.reportCycle,
          reportToCloud: x.reportToCloud,
          desiredValue: x.desiredValue,
          pushMethod: x.mqtt === undefined ? undefined : DevicePushMethod.mqtt(x.mqtt),
        })),
      });
      cyclesInMillis(app, [p.stateReportCycle, ...p.properties.flatMap(x => [x.collectCycle, x.reportCycle])]);
    });
  });
});
