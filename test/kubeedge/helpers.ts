import { App, Chart, Testing } from 'cdk8s';
import { DevicePropertyAccessMode, DevicePropertyType, KubeEdgeDeviceModelProps } from '../../lib';

/** A chart (in a namespace on request) in a fresh app, or in `app`. */
export function chart(namespace?: string, app: App = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, { namespace });
}

/** A device model with a read-only and a read-write property. */
export const MODEL: KubeEdgeDeviceModelProps = {
  name: 'thermo',
  protocol: 'modbus',
  properties: [
    { name: 'temperature', type: DevicePropertyType.FLOAT, unit: 'celsius', minimum: -40, maximum: 125 },
    { name: 'setpoint', type: DevicePropertyType.INT, accessMode: DevicePropertyAccessMode.READ_WRITE },
  ],
};

/** The synthesized objects of a kind. */
export function ofKind(objs: any[], kind: string): any[] {
  return objs.filter(o => o.kind === kind);
}
