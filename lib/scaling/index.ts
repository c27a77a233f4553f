export * from './scaling-behavior';
export * from './hpa';
export * from './keda-http-add-on';
export * from './keda-trigger-authentication';
export * from './keda-trigger';
export * from './keda';
export * from './http';
export * from './scalable';
