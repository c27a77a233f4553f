import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IntegrationRoute, RuntimeClass, WasmRuntime } from '../lib';
import { synthAndValidate } from './util/validate';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

describe('WasmRuntime table', () => {
  test('has a preset for every handler K3s detects, plus spin-v2', () => {
    expect(WasmRuntime.all().map(r => r.handler)).toEqual([
      'wasmedge', 'wasmtime', 'wasmer', 'spin', 'spin-v2', 'slight', 'wws', 'lunatic', 'crun', 'nvidia', 'nvidia-experimental', 'nvidia-cdi',
    ]);
  });

  test.each([
    ['wasmedge', 'io.containerd.wasmedge.v1', 'containerd-shim-wasmedge-v1', IntegrationRoute.RUNWASI],
    ['wasmtime', 'io.containerd.wasmtime.v1', 'containerd-shim-wasmtime-v1', IntegrationRoute.RUNWASI],
    ['wasmer', 'io.containerd.wasmer.v1', 'containerd-shim-wasmer-v1', IntegrationRoute.RUNWASI],
    ['spin', 'io.containerd.spin.v2', 'containerd-shim-spin-v2', IntegrationRoute.RUNWASI],
    ['slight', 'io.containerd.slight.v1', 'containerd-shim-slight-v1', IntegrationRoute.RUNWASI],
    ['wws', 'io.containerd.wws.v1', 'containerd-shim-wws-v1', IntegrationRoute.RUNWASI],
    ['lunatic', 'io.containerd.lunatic.v1', 'containerd-shim-lunatic-v1', IntegrationRoute.RUNWASI],
    ['crun', 'io.containerd.runc.v2', 'crun', IntegrationRoute.CRUN],
    ['nvidia', 'io.containerd.runc.v2', 'nvidia-container-runtime', IntegrationRoute.WASMEDGE_IN_IMAGE],
  ])('%s uses %s (%s)', (handler, runtimeType, binary, route) => {
    const r = WasmRuntime.fromHandler(handler);
    expect(r.runtimeType).toBe(runtimeType);
    expect(r.binaryName).toBe(binary);
    expect(r.route).toBe(route);
  });

  test('only the nvidia runtimes are GPU-capable, and they are runc-compatible', () => {
    expect(WasmRuntime.all().filter(r => r.gpu).map(r => r.handler)).toEqual(['nvidia', 'nvidia-experimental', 'nvidia-cdi']);
    expect(WasmRuntime.NVIDIA.runcCompatible).toBe(true);
    expect(WasmRuntime.CRUN.runcCompatible).toBe(true);
    expect(WasmRuntime.WASMEDGE.runcCompatible).toBe(false);
  });

  test('fromHandler refuses an unknown handler and lists the known ones', () => {
    expect(() => WasmRuntime.fromHandler('wasm')).toThrow(/handler="wasm": is not a known runtime handler. Fix: use one of wasmedge, wasmtime/);
  });

  test('custom runtimes default to the runwasi route, no GPU', () => {
    const r = WasmRuntime.custom({ handler: 'wamr', runtimeType: 'io.containerd.wamr.v1', binaryName: 'containerd-shim-wamr-v1' });
    expect(r.route).toBe(IntegrationRoute.RUNWASI);
    expect(r.gpu).toBe(false);
    expect(r.runcCompatible).toBe(false);
    expect(r.nodeLabel).toBe('cdk8s-wasm-edge.io/runtime.wamr');
  });

  test('custom runtimes check handler, runtimeType and binary', () => {
    expect(() => WasmRuntime.custom({ handler: 'Bad_Handler', runtimeType: 'io.containerd.x.v1', binaryName: 'x' }))
      .toThrow(/WasmRuntime.custom: handler="Bad_Handler": is not a DNS-1123 label.*Fix: use a name such as "bad-handler"/);
    expect(() => WasmRuntime.custom({ handler: 'x', runtimeType: 'io containerd', binaryName: 'x' })).toThrow(/runtimeType="io containerd"/);
    expect(() => WasmRuntime.custom({ handler: 'x', runtimeType: 'io.containerd.x.v1', binaryName: '' })).toThrow(/binaryName=""/);
  });
});

describe('RuntimeClass', () => {
  test('defaults: wasmedge handler, name <handler>-wasm-edge, scheduling on the runtime label, wasm-only toleration', () => {
    const c = chart();
    const rc = new RuntimeClass(c, 'Wasm');
    const [obj] = synthAndValidate(c);
    expect(rc.runtime).toBe(WasmRuntime.WASMEDGE);
    expect(rc.managed).toBe(true);
    expect(obj).toEqual({
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'wasmedge-wasm-edge' },
      handler: 'wasmedge',
      scheduling: {
        nodeSelector: { 'cdk8s-wasm-edge.io/runtime.wasmedge': 'true' },
        tolerations: [{ key: 'cdk8s-wasm-edge.io/wasm-only', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  });

  test('a preset for every runtime synthesizes to a valid object', () => {
    const c = chart();
    for (const r of WasmRuntime.all()) {
      new RuntimeClass(c, r.handler, { runtime: r });
    }
    const objs = synthAndValidate(c);
    expect(objs.map(o => o.handler)).toEqual(WasmRuntime.all().map(r => r.handler));
  });

  test('overhead.podFixed, custom nodeSelector and tolerations', () => {
    const c = chart();
    new RuntimeClass(c, 'Crun', {
      runtime: WasmRuntime.CRUN,
      name: 'crun-edge',
      nodeSelector: { 'example.com/crun': 'yes' },
      tolerations: [{ key: 'example.com/edge', value: 'true', effect: kplus.TaintEffect.NO_EXECUTE }],
      overhead: { cpu: kplus.Cpu.millis(10), memory: Size.mebibytes(4) },
    });
    const [obj] = synthAndValidate(c);
    expect(obj.overhead).toEqual({ podFixed: { cpu: '10m', memory: '4Mi' } });
    expect(obj.scheduling).toEqual({
      nodeSelector: { 'example.com/crun': 'yes' },
      tolerations: [{ key: 'example.com/edge', operator: 'Equal', value: 'true', effect: 'NoExecute' }],
    });
  });

  test('scheduling: false emits no scheduling, and refuses nodeSelector', () => {
    const c = chart();
    new RuntimeClass(c, 'Plain', { scheduling: false });
    const [obj] = synthAndValidate(c);
    expect(obj.scheduling).toBeUndefined();
    expect(() => new RuntimeClass(c, 'Bad', { scheduling: false, nodeSelector: { a: 'b' } })).toThrow(/test\/Bad: scheduling=false/);
  });

  test('SpinKube naming: wasmtime-spin-v2 with handler spin (default) or spin-v2', () => {
    const c = chart();
    RuntimeClass.wasmtimeSpinV2(c, 'Spin');
    const objs = synthAndValidate(c);
    expect(objs[0].metadata.name).toBe('wasmtime-spin-v2');
    expect(objs[0].handler).toBe('spin');
    const c2 = chart();
    RuntimeClass.wasmtimeSpinV2(c2, 'Spin', { runtime: WasmRuntime.SPIN_V2 });
    expect(synthAndValidate(c2)[0].handler).toBe('spin-v2');
    expect(() => RuntimeClass.wasmtimeSpinV2(chart(), 'X', { runtime: WasmRuntime.WASMEDGE })).toThrow(/runtime="wasmedge": is not a Spin runtime/);
  });

  test('fromK3s references the class K3s creates (named after the handler) and emits nothing', () => {
    const c = chart();
    const rc = RuntimeClass.fromK3s(c, 'K3s', WasmRuntime.WASMTIME);
    expect(rc.runtimeClassName).toBe('wasmtime');
    expect(rc.managed).toBe(false);
    expect(rc.nodeSelector).toEqual({});
    expect(Testing.synth(c)).toEqual([]);
  });

  test('fromRuntimeClassName keeps the given node selector', () => {
    const c = chart();
    const rc = RuntimeClass.fromRuntimeClassName(c, 'Existing', 'wasmedge-gpu', WasmRuntime.WASMEDGE, { gpu: 'true' });
    expect(rc.nodeSelector).toEqual({ gpu: 'true' });
    expect(() => RuntimeClass.fromRuntimeClassName(c, 'Bad', 'Not_A_Label', WasmRuntime.WASMEDGE)).toThrow(/test\/Bad: runtimeClassName="Not_A_Label"/);
  });

  test('a name that is not a DNS-1123 label is refused with the path, the value and a fix', () => {
    expect(() => new RuntimeClass(chart(), 'Bad', { name: 'WasmEdge.Class' }))
      .toThrow('[cdk8s-wasm-edge] test/Bad: name="WasmEdge.Class": is not a DNS-1123 label');
    expect(() => new RuntimeClass(chart(), 'Long', { name: 'a'.repeat(64) })).toThrow(/is not a DNS-1123 label/);
  });

  test('two RuntimeClasses with one name in an app fail validation at synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new RuntimeClass(a, 'One', { runtime: WasmRuntime.WASMEDGE });
    new RuntimeClass(b, 'Two', { runtime: WasmRuntime.WASMEDGE });
    expect(() => app.synth()).toThrow(/a\/One: name="wasmedge-wasm-edge": is also the name of b\/Two.*Fix: give each RuntimeClass a unique name/s);
  });

  test('snapshot', () => {
    const c = chart();
    new RuntimeClass(c, 'Wasmtime', { runtime: WasmRuntime.WASMTIME, overhead: { memory: Size.mebibytes(2) } });
    expect(synthAndValidate(c)).toMatchSnapshot();
  });
});

describe('RuntimeClass is cluster-scoped', () => {
  test('no namespace even in a namespaced chart', () => {
    const c = new Chart(Testing.app(), 'ns', { namespace: 'wasm-apps' });
    new RuntimeClass(c, 'Wasm');
    const [obj] = synthAndValidate(c);
    expect(obj.metadata).toEqual({ name: 'wasmedge-wasm-edge' });
  });
});
