export * from './errors';
export * from './runtime';
export * from './placement';
export * from './runtime-class';
export * from './wasm-deployment';
export * from './warnings';
