// The name, text and config-data checks in device-model.ts are shared with device.ts, not public API.
export { DeviceModelProperty, DevicePropertyAccessMode, DevicePropertyType, KubeEdgeDeviceModel, KubeEdgeDeviceModelProps } from './device-model';
export * from './device';
