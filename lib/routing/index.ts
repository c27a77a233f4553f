export * from './gateway';
export * from './route-backend';
// The host and path checks in function-route.ts are shared with the backends, not public API.
export { FunctionRoute, FunctionRouteProps } from './function-route';
