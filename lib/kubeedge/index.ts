export * from './device-model';
export * from './device';
