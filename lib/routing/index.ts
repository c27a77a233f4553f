export * from './gateway';
export * from './route-backend';
export * from './function-route';
