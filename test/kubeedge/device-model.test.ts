import { chart, MODEL, ofKind } from './helpers';
import { DevicePropertyAccessMode, DevicePropertyType, ERROR_PREFIX, KubeEdgeDeviceModel, KubeEdgeDeviceModelProps } from '../../lib';
import { synthAndValidate } from '../util/validate';

describe('KubeEdgeDeviceModel', () => {
  test('renders a schema-valid devices.kubeedge.io/v1beta1 DeviceModel; accessMode defaults to ReadOnly', () => {
    const c = chart('factory');
    const m = new KubeEdgeDeviceModel(c, 'model', { ...MODEL, protocolConfigData: { baudRate: 9600 } });
    const [dm] = ofKind(synthAndValidate(c), 'DeviceModel');
    expect(dm.apiVersion).toBe('devices.kubeedge.io/v1beta1');
    expect(dm.metadata).toEqual({ name: 'thermo', namespace: 'factory' });
    expect(dm.spec).toEqual({
      protocol: 'modbus',
      protocolConfigData: { baudRate: 9600 },
      properties: [
        { name: 'temperature', type: 'FLOAT', accessMode: 'ReadOnly', unit: 'celsius', minimum: '-40', maximum: '125' },
        { name: 'setpoint', type: 'INT', accessMode: 'ReadWrite' },
      ],
    });
    expect(m.deviceModelName).toBe('thermo');
    expect(m.protocol).toBe('modbus');
    expect(m.namespace).toBe('factory');
    expect(m.propertyNames).toEqual(['temperature', 'setpoint']);
    expect(m.property('setpoint')?.accessMode).toBe(DevicePropertyAccessMode.READ_WRITE);
    expect(m.property('nope')).toBeUndefined();
  });

  test('name defaults to a generated one; no protocolConfigData unless given', () => {
    const c = chart();
    const m = new KubeEdgeDeviceModel(c, 'model', { protocol: 'opcua', properties: [{ name: 'on', type: DevicePropertyType.BOOLEAN }] });
    const [dm] = ofKind(synthAndValidate(c), 'DeviceModel');
    expect(dm.metadata.name).toBe(m.deviceModelName);
    expect(m.deviceModelName).toMatch(/^test-model-/);
    expect(dm.spec.protocolConfigData).toBeUndefined();
  });

  test.each<[string, Partial<KubeEdgeDeviceModelProps>, RegExp]>([
    ['protocol', { protocol: 'mod bus' }, /protocol="mod bus": is not a valid name/],
    ['empty properties', { properties: [] }, /properties=\[\]: is empty/],
    ['property name', { properties: [{ name: '', type: DevicePropertyType.INT }] }, /properties\[0\]\.name="": is not a valid name/],
    ['duplicate property', { properties: [{ name: 'a', type: DevicePropertyType.INT }, { name: 'a', type: DevicePropertyType.FLOAT }] }, /properties\[1\]\.name="a": is already a property/],
    ['minimum on a string', { properties: [{ name: 's', type: DevicePropertyType.STRING, minimum: 1 }] }, /properties\[0\]\.minimum=1: only applies to numeric properties/],
    ['fractional INT bound', { properties: [{ name: 'i', type: DevicePropertyType.INT, maximum: 1.5 }] }, /properties\[0\]\.maximum=1\.5: is not a valid INT value/],
    ['non-finite bound', { properties: [{ name: 'f', type: DevicePropertyType.DOUBLE, maximum: Infinity }] }, /properties\[0\]\.maximum=.*is not a valid DOUBLE value/],
    ['minimum above maximum', { properties: [{ name: 'f', type: DevicePropertyType.FLOAT, minimum: 5, maximum: 1 }] }, /properties\[0\]\.minimum=5: is above maximum 1/],
    ['object name', { name: 'Thermo_Model' }, /name="Thermo_Model": is not a DNS-1123 subdomain/],
  ])('refuses a bad %s', (_what, override, message) => {
    const c = chart();
    expect(() => new KubeEdgeDeviceModel(c, 'model', { ...MODEL, ...override } as KubeEdgeDeviceModelProps)).toThrow(message);
    try {
      new KubeEdgeDeviceModel(chart(), 'model', { ...MODEL, ...override } as KubeEdgeDeviceModelProps);
    } catch (e) {
      expect((e as Error).message.startsWith(`${ERROR_PREFIX} test/model: `)).toBe(true);
      expect((e as Error).message).toMatch(/Fix: /);
    }
  });
});
