import { IntegrationRoute, MAX_RUNTIME_HANDLER_LENGTH, WASM_EDGE_LABEL_PREFIX, WasmRuntime } from '../../lib';
import { isK3sDetectedHandler } from '../../lib/core/runtime';
import { validationErrorOf } from '../util/errors';

describe('WasmRuntime presets', () => {
  test('every preset has a unique handler, a node label under the library prefix, and is found by handler', () => {
    const all = WasmRuntime.all();
    expect(new Set(all.map(r => r.handler)).size).toBe(all.length);
    for (const r of all) {
      expect(r.nodeLabel).toBe(`${WASM_EDGE_LABEL_PREFIX}runtime.${r.handler}`);
      expect(WasmRuntime.fromHandler(r.handler)).toBe(r);
    }
  });

  test('routes, GPU and default class names', () => {
    expect(WasmRuntime.WASMEDGE.route).toBe(IntegrationRoute.RUNWASI);
    expect(WasmRuntime.CRUN.route).toBe(IntegrationRoute.CRUN);
    expect(WasmRuntime.NVIDIA.gpu).toBe(true);
    expect(WasmRuntime.WASMEDGE.defaultRuntimeClassName).toBe('wasmedge-wasm-edge');
    expect(WasmRuntime.CRUN.defaultRuntimeClassName).toBe('crun-wasm');
    expect(WasmRuntime.CRUN.runcCompatible).toBe(true);
    expect(WasmRuntime.SPIN_V2.k3sRuntimeClass).toBe(false);
  });

  test('fromHandler: K3s\'s own crun and unknown handlers are errors with a fix', () => {
    const crun = validationErrorOf(() => WasmRuntime.fromHandler('crun'));
    expect([crun.constructPath, crun.prop]).toEqual(['WasmRuntime', 'handler']);
    expect(crun.fix).toMatch(/WasmRuntime.CRUN/);
    expect(validationErrorOf(() => WasmRuntime.fromHandler('nope')).fix).toMatch(/WasmRuntime.custom/);
  });

  test('K3s detects the shims itself, not the library\'s crun handler', () => {
    expect(isK3sDetectedHandler('wasmedge')).toBe(true);
    expect(isK3sDetectedHandler('crun')).toBe(true);
    expect(isK3sDetectedHandler('crun-wasm')).toBe(false);
  });
});

describe('WasmRuntime.custom', () => {
  const ok = { handler: 'wamr', runtimeType: 'io.containerd.wamr.v1', binaryName: 'containerd-shim-wamr-v1' };

  test('a custom runtime keeps its options; runc compatibility follows the runtime type', () => {
    const r = WasmRuntime.custom(ok);
    expect([r.handler, r.route, r.gpu, r.runcCompatible, r.k3sRuntimeClass]).toEqual(['wamr', IntegrationRoute.RUNWASI, false, false, false]);
    expect(WasmRuntime.custom(Object.assign({}, ok, { runtimeType: 'io.containerd.runc.v2', route: IntegrationRoute.CRUN })).runcCompatible).toBe(true);
  });

  test.each<[string, object, string]>([
    ['a handler K3s defines from its PATH', { handler: 'wasmedge' }, 'handler'],
    ['a base handler', { handler: 'runc' }, 'handler'],
    ['a long handler', { handler: 'h'.repeat(MAX_RUNTIME_HANDLER_LENGTH + 1) }, 'handler'],
    ['a runtime type with a space', { runtimeType: 'io containerd' }, 'runtimeType'],
    ['a binary with a quote', { binaryName: 'shim"' }, 'binaryName'],
    ['a relative binary path', { binaryName: '/usr/../bin/shim' }, 'binaryName'],
    ['crun route without runc', { route: IntegrationRoute.CRUN }, 'route'],
    ['a gpu that is not a boolean', { gpu: 'yes' }, 'gpu'],
  ])('refuses %s', (_, change, prop) => {
    const e = validationErrorOf(() => WasmRuntime.custom(Object.assign({}, ok, change) as any));
    expect(e.constructPath).toBe('WasmRuntime.custom');
    expect(e.prop).toBe(prop);
  });
});
