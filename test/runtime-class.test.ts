import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  EdgeNodeRole, EdgeOfflineNode, IntegrationRoute, MAX_RUNTIME_HANDLER_LENGTH, RuntimeClass, STRICT_CONTEXT_KEY, Warnings, WasmRuntime,
} from '../lib';
import { validationErrorOf } from './util/errors';
import { synthAndValidate } from './util/validate';
import { rootWalks } from './util/walks';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

describe('WasmRuntime table', () => {
  test('has a preset for every handler K3s detects, plus spin-v2, with the library\'s own crun handler', () => {
    expect(WasmRuntime.all().map(r => r.handler)).toEqual([
      'wasmedge', 'wasmtime', 'wasmer', 'spin', 'spin-v2', 'slight', 'wws', 'lunatic', 'crun-wasm', 'nvidia', 'nvidia-experimental', 'nvidia-cdi',
    ]);
  });

  // k3s-io/k3s pkg/agent/containerd/runtimes.go, findNvidiaContainerRuntimes: the binaries K3s
  // searches for are "nvidia-container-runtime", "nvidia-container-runtime-experimental" and
  // "nvidia-container-runtime.cdi" (a dash before experimental, a dot before cdi).
  test.each([
    ['nvidia', 'nvidia-container-runtime'],
    ['nvidia-experimental', 'nvidia-container-runtime-experimental'],
    ['nvidia-cdi', 'nvidia-container-runtime.cdi'],
  ])('%s uses the binary K3s detects (%s)', (handler, binary) => {
    const r = WasmRuntime.fromHandler(handler);
    expect(r.binaryName).toBe(binary);
    expect(r.runtimeType).toBe('io.containerd.runc.v2');
    expect(r.runcCompatible).toBe(true);
  });

  // k3s-io/k3s manifests/runtimes.yaml: RuntimeClasses nvidia, nvidia-experimental, crun, lunatic,
  // slight, spin, wws, wasmedge, wasmer, wasmtime (named after the handler, no scheduling). Not
  // nvidia-cdi (detected but without a class), not spin-v2 (runtime-class-manager's name), and not
  // the library's crun-wasm.
  test('k3sRuntimeClass is true exactly for the handlers of K3s\'s manifests/runtimes.yaml', () => {
    const k3sManifest = ['nvidia', 'nvidia-experimental', 'crun', 'lunatic', 'slight', 'spin', 'wws', 'wasmedge', 'wasmer', 'wasmtime'];
    for (const r of WasmRuntime.all()) {
      expect([r.handler, r.k3sRuntimeClass]).toEqual([r.handler, k3sManifest.includes(r.handler)]);
    }
    expect(WasmRuntime.all().filter(r => !r.k3sRuntimeClass).map(r => r.handler)).toEqual(['spin-v2', 'crun-wasm', 'nvidia-cdi']);
    expect(WasmRuntime.custom({ handler: 'wamr', runtimeType: 'io.containerd.wamr.v1', binaryName: 'containerd-shim-wamr-v1' }).k3sRuntimeClass).toBe(false);
  });

  test.each([
    ['wasmedge', 'io.containerd.wasmedge.v1', 'containerd-shim-wasmedge-v1', IntegrationRoute.RUNWASI],
    ['wasmtime', 'io.containerd.wasmtime.v1', 'containerd-shim-wasmtime-v1', IntegrationRoute.RUNWASI],
    ['wasmer', 'io.containerd.wasmer.v1', 'containerd-shim-wasmer-v1', IntegrationRoute.RUNWASI],
    ['spin', 'io.containerd.spin.v2', 'containerd-shim-spin-v2', IntegrationRoute.RUNWASI],
    ['slight', 'io.containerd.slight.v1', 'containerd-shim-slight-v1', IntegrationRoute.RUNWASI],
    ['wws', 'io.containerd.wws.v1', 'containerd-shim-wws-v1', IntegrationRoute.RUNWASI],
    ['lunatic', 'io.containerd.lunatic.v1', 'containerd-shim-lunatic-v1', IntegrationRoute.RUNWASI],
    ['crun-wasm', 'io.containerd.runc.v2', 'crun', IntegrationRoute.CRUN],
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

  // k3s-io/k3s pkg/agent/containerd/runtimes.go, findCRunContainerRuntime: a "crun" binary in
  // /usr/sbin, /usr/bin, /usr/local/bin or /usr/local/sbin (or on PATH) makes K3s define a "crun"
  // runtime with RuntimeType io.containerd.runc.v2 and no pod_annotations. A template table named
  // "crun" is then skipped (or would be a duplicate TOML table), and crun never sees
  // module.wasm.image/variant. The library's crun has a handler K3s never defines.
  test('crun cannot be shadowed by K3s: handler crun-wasm, binary crun, class crun-wasm', () => {
    expect(WasmRuntime.CRUN.handler).toBe('crun-wasm');
    expect(WasmRuntime.CRUN.binaryName).toBe('crun');
    expect(WasmRuntime.CRUN.route).toBe(IntegrationRoute.CRUN);
    expect(WasmRuntime.CRUN.nodeLabel).toBe('cdk8s-wasm-edge.io/runtime.crun-wasm');
    expect(WasmRuntime.CRUN.defaultRuntimeClassName).toBe('crun-wasm');
    const c = chart();
    const rc = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    const [obj] = synthAndValidate(c);
    expect(rc.runtimeClassName).toBe('crun-wasm');
    expect(obj.metadata.name).toBe('crun-wasm');
    expect(obj.handler).toBe('crun-wasm');
    expect(() => WasmRuntime.fromHandler('crun')).toThrow(/handler="crun": is the runtime K3s defines itself.*Fix: use WasmRuntime.CRUN \(handler "crun-wasm"/);
  });

  // k3s-io/k3s pkg/agent/containerd/runtimes.go: K3s defines these handlers itself when it finds the
  // binary, and its definition wins over the template's.
  test.each(['crun', 'nvidia', 'nvidia-cdi', 'spin', 'wasmedge'])('custom runtimes may not use the K3s-defined handler %s', handler => {
    expect(() => WasmRuntime.custom({ handler, runtimeType: 'io.containerd.runc.v2', binaryName: 'crun' }))
      .toThrow(new RegExp(`handler="${handler}": is a runtime K3s defines itself`));
  });

  // k3s-io/k3s pkg/agent/templates/templates_linux.go: {{ template "base" . }} always defines runc
  // (and runhcs-wcow-process on Windows): a template table of that name would be defined twice.
  test.each(['runc', 'runhcs-wcow-process'])('custom runtimes may not use the base template\'s handler %s', handler => {
    expect(() => WasmRuntime.custom({ handler, runtimeType: 'io.containerd.runc.v2', binaryName: '/usr/local/bin/my-runc' }))
      .toThrow(new RegExp(`handler="${handler}": is a runtime K3s's base containerd template always defines`));
  });

  // The handler becomes the node label cdk8s-wasm-edge.io/runtime.<handler> (EdgeOfflineNode sets
  // it, the RuntimeClass selects it), and a label key's name part is at most 63 characters
  // (k8s.io/apimachinery pkg/util/validation IsQualifiedName): 63 - "runtime.".length = 55.
  test('custom handler length: 55 characters are a valid label key, 56 are refused', () => {
    expect(MAX_RUNTIME_HANDLER_LENGTH).toBe(55);
    const ok = WasmRuntime.custom({ handler: 'h'.repeat(55), runtimeType: 'io.containerd.x.v1', binaryName: 'x' });
    expect(ok.nodeLabel.split('/')[1]).toHaveLength(63);
    expect(() => WasmRuntime.custom({ handler: 'h'.repeat(56), runtimeType: 'io.containerd.x.v1', binaryName: 'x' }))
      .toThrow(/handler="h{56}": is longer than 55 characters: it becomes the node label cdk8s-wasm-edge.io\/runtime.<handler>/);
    // Its default class name would be too long: the error says to pass one.
    expect(() => new RuntimeClass(chart(), 'Long', { runtime: ok })).toThrow(/the default name of handler "h{55}" is longer than 63 characters. Fix: pass name/);
    const c = chart();
    new RuntimeClass(c, 'Named', { runtime: ok, name: 'long-handler' });
    expect(synthAndValidate(c)[0].handler).toBe('h'.repeat(55));
  });

  // binaryName is written as BinaryName = "<binary>" into the containerd TOML: a quote ends the
  // string early (a"b is a TOML syntax error), and crun"# would silently cut the value at "#".
  test.each(['a"b', 'crun"#', 'crun #x', "a'b", 'a\\b', 'a\nb', '../crun', '/usr/../crun', '-crun', 'a$b', ''])('custom binaryName %j is refused', binaryName => {
    expect(() => WasmRuntime.custom({ handler: 'mycrun', runtimeType: 'io.containerd.runc.v2', binaryName, route: IntegrationRoute.CRUN }))
      .toThrow(/\[cdk8s-wasm-edge\] WasmRuntime.custom: binaryName=.*is not a binary name or absolute path/);
  });

  test('custom binaryName may be a file name or a safe absolute path; runtimeType is checked too', () => {
    expect(WasmRuntime.custom({ handler: 'mycrun', runtimeType: 'io.containerd.runc.v2', binaryName: '/opt/crun-1.8.5/bin/crun', route: IntegrationRoute.CRUN }).runcCompatible).toBe(true);
    expect(() => WasmRuntime.custom({ handler: 'x', runtimeType: 'io.containerd.x.v1"', binaryName: 'x' })).toThrow(/runtimeType="io.containerd.x.v1\\"": is not a containerd runtime type/);
    expect(() => WasmRuntime.custom({ handler: 'x', runtimeType: 'io.containerd.x.v1', binaryName: 'x', route: 'crun' as IntegrationRoute })).toThrow(/route="crun": needs a runc-compatible runtime/);
    expect(() => WasmRuntime.custom({ handler: 'x', runtimeType: 'io.containerd.x.v1', binaryName: 'x', route: 'nope' as IntegrationRoute })).toThrow(/route="nope": is not an integration route/);
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
    const e = validationErrorOf(() => new RuntimeClass(c, 'Bad', { scheduling: false, nodeSelector: { a: 'b' } }));
    expect([e.constructPath, e.prop, e.value]).toEqual(['test/Bad', 'scheduling', 'false']);
    expect(e.fix).toBe('remove nodeSelector/tolerations, or leave scheduling at its default (true)');
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
    const e = validationErrorOf(() => RuntimeClass.wasmtimeSpinV2(chart(), 'X', { runtime: WasmRuntime.WASMEDGE }));
    expect([e.prop, e.value, e.problem]).toEqual(['runtime', '"wasmedge"', 'is not a Spin runtime']);
    expect(e.fix).toMatch(/WasmRuntime.SPIN /);
  });

  test('fromK3s references the class K3s creates (named after the handler) and emits nothing', () => {
    const c = chart();
    const rc = RuntimeClass.fromK3s(c, 'K3s', WasmRuntime.WASMTIME);
    expect(rc.runtimeClassName).toBe('wasmtime');
    expect(rc.managed).toBe(false);
    expect(rc.nodeSelector).toEqual({});
    expect(Testing.synth(c)).toEqual([]);
  });

  // k3s-io/k3s manifests/runtimes.yaml creates no class for nvidia-cdi, spin-v2 or crun-wasm (nor
  // for custom handlers): a pod naming one is refused at admission ("RuntimeClass ... not found").
  test.each([WasmRuntime.SPIN_V2, WasmRuntime.NVIDIA_CDI, WasmRuntime.CRUN,
    WasmRuntime.custom({ handler: 'wamr', runtimeType: 'io.containerd.wamr.v1', binaryName: 'containerd-shim-wamr-v1' })].map(r => [r.handler, r]))('fromK3s refuses %s, which K3s creates no class for', (_, runtime) => {
    expect(() => RuntimeClass.fromK3s(chart(), 'K3s', runtime))
      .toThrow(new RegExp(`test/K3s: runtime="${runtime.handler}": is a handler K3s creates no RuntimeClass for .*Fix: create the class: new RuntimeClass\\(this, "K3s", \\{ runtime \\}\\)`));
  });

  test.each(WasmRuntime.all().filter(r => r.k3sRuntimeClass).map(r => r.handler))('fromK3s accepts %s', handler => {
    expect(RuntimeClass.fromK3s(chart(), 'K3s', WasmRuntime.fromHandler(handler)).runtimeClassName).toBe(handler);
  });

  test('fromRuntimeClassName keeps the given node selector', () => {
    const c = chart();
    const rc = RuntimeClass.fromRuntimeClassName(c, 'Existing', 'wasmedge-gpu', WasmRuntime.WASMEDGE, { gpu: 'true' });
    expect(rc.nodeSelector).toEqual({ gpu: 'true' });
    const e = validationErrorOf(() => RuntimeClass.fromRuntimeClassName(c, 'Bad', 'Not_A_Label', WasmRuntime.WASMEDGE));
    expect([e.constructPath, e.prop]).toEqual(['test/Bad', 'runtimeClassName']);
    expect(e.fix).toBe('use a name such as "not-a-label"');
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

describe('SpinKube parity', () => {
  // spinframework/spin-operator config/samples/spin-runtime-class.yaml: the class SpinKube's docs
  // install is { name: wasmtime-spin-v2, handler: spin } without scheduling. Its nodes carry none of
  // this library's labels, so a nodeSelector on cdk8s-wasm-edge.io/runtime.spin would keep every
  // pod Pending there.
  test('without nodes of the app offering spin, the class is upstream\'s: no scheduling', () => {
    const c = chart();
    const rc = RuntimeClass.wasmtimeSpinV2(c, 'Spin');
    expect(rc.schedulingFromNodes).toBe(true);
    expect(rc.nodeSelector).toEqual({});
    expect(synthAndValidate(c)).toEqual([{ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'wasmtime-spin-v2' }, handler: 'spin' }]);
    expect(Warnings.of(rc).messages).toEqual([]);
  });

  test('nodes of the app that offer spin (even added after the class) get it the library\'s scheduling', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    const rc = RuntimeClass.wasmtimeSpinV2(c, 'Spin');
    new EdgeOfflineNode(c, 'edge', { role: EdgeNodeRole.AGENT, serverUrl: 'https://hub:6443', runtimes: [WasmRuntime.SPIN] });
    const [obj] = synthAndValidate(c);
    expect(obj.scheduling).toEqual({
      nodeSelector: { 'cdk8s-wasm-edge.io/runtime.spin': 'true' },
      tolerations: [{ effect: 'NoSchedule', key: 'cdk8s-wasm-edge.io/wasm-only', operator: 'Exists' }],
    });
    expect(rc.nodeSelector).toEqual({ 'cdk8s-wasm-edge.io/runtime.spin': 'true' });
  });

  test('nodes that offer only other runtimes leave the class without scheduling', () => {
    const c = chart();
    RuntimeClass.wasmtimeSpinV2(c, 'Spin');
    new EdgeOfflineNode(c, 'edge', { runtimes: [WasmRuntime.WASMEDGE] });
    expect(synthAndValidate(c).find(o => o.kind === 'RuntimeClass').scheduling).toBeUndefined();
  });

  test('explicit options keep working', () => {
    const c = chart();
    RuntimeClass.wasmtimeSpinV2(c, 'A', { name: 'spin-a', scheduling: true });
    RuntimeClass.wasmtimeSpinV2(c, 'B', { name: 'spin-b', nodeSelector: { 'example.com/spin': 'yes' } });
    RuntimeClass.wasmtimeSpinV2(c, 'C', { name: 'spin-c', scheduling: false });
    const [a, b, cc] = synthAndValidate(c);
    expect(a.scheduling.nodeSelector).toEqual({ 'cdk8s-wasm-edge.io/runtime.spin': 'true' });
    expect(b.scheduling.nodeSelector).toEqual({ 'example.com/spin': 'yes' });
    expect(cc.scheduling).toBeUndefined();
  });
});

describe('RuntimeClasses no node can match', () => {
  test('a nodeSelector that no node of the app carries gets a synth warning', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    new EdgeOfflineNode(c, 'edge', { runtimes: [WasmRuntime.WASMEDGE] });
    const crun = new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    const wasmedge = new RuntimeClass(c, 'Wasmedge', { runtime: WasmRuntime.WASMEDGE });
    const own = new RuntimeClass(c, 'Own', { name: 'own', nodeSelector: { 'example.com/gpu': 'true' } });
    app.synth();
    expect(Warnings.of(crun).messages).toEqual([expect.stringMatching(
      /test\/Crun: scheduling.nodeSelector=\"cdk8s-wasm-edge.io\/runtime.crun-wasm=true\": matches no node of the app \(1 EdgeOfflineNode\), so its pods stay Pending/)]);
    expect(Warnings.of(own).messages).toEqual([expect.stringMatching(/example.com\/gpu=true\": matches no node of the app/)]);
    expect(Warnings.of(wasmedge).messages).toEqual([]);
    // Once each, however many validation passes.
    app.synth();
    expect(Warnings.of(crun).messages).toHaveLength(1);
  });

  test('in strict mode the warning fails synth', () => {
    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    const c = new Chart(app, 'test');
    new EdgeOfflineNode(c, 'edge', { runtimes: [WasmRuntime.WASMEDGE] });
    new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN });
    expect(() => app.synth()).toThrow(/runtime.crun-wasm=true\": matches no node of the app.*strict mode/s);
  });

  test('an app without nodes: a warning for the library\'s labels only (nothing else sets them)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    const lib = new RuntimeClass(c, 'Lib');
    const own = new RuntimeClass(c, 'Own', { name: 'own', nodeSelector: { 'example.com/wasm': 'true' } });
    const none = new RuntimeClass(c, 'None', { name: 'none', scheduling: false });
    const imported = RuntimeClass.fromRuntimeClassName(c, 'Existing', 'existing', WasmRuntime.WASMEDGE, { 'cdk8s-wasm-edge.io/runtime.wasmedge': 'true' });
    app.synth();
    expect(Warnings.of(lib).messages).toEqual([expect.stringMatching(
      /uses labels only this library's EdgeOfflineNode node files set, and the app has no EdgeOfflineNode.*kubectl label node <node> cdk8s-wasm-edge.io\/runtime.wasmedge=true/)]);
    expect(Warnings.of(own).messages).toEqual([]);
    expect(Warnings.of(none).messages).toEqual([]);
    expect(Warnings.of(imported).messages).toEqual([]);
  });
});

describe('RuntimeClass props are validated', () => {
  test.each<[string, any, RegExp]>([
    ['nodeSelector key', { nodeSelector: { 'bad key': 'x' } }, /nodeSelector key="bad key": is not a label key/],
    ['nodeSelector value', { nodeSelector: { a: 'x y' } }, /nodeSelector.a="x y": is not a label value/],
    ['toleration key', { tolerations: [{ key: 'a b', effect: kplus.TaintEffect.NO_SCHEDULE }] }, /tolerations\[0\].key="a b": is not a taint key/],
    ['toleration value', { tolerations: [{ key: 'a', value: 'x'.repeat(64), effect: kplus.TaintEffect.NO_SCHEDULE }] }, /tolerations\[0\].value=.*is not a taint value/],
    ['toleration effect', { tolerations: [{ key: 'a', effect: 'Sometimes' }] }, /tolerations\[0\].effect="Sometimes": is not a taint effect. Fix: use one of NoSchedule, PreferNoSchedule, NoExecute/],
    ['negative overhead CPU', { overhead: { cpu: kplus.Cpu.millis(-5) } }, /overhead.cpu="-5m": must be a whole number of millicores/],
    ['NaN overhead CPU', { overhead: { cpu: kplus.Cpu.millis(NaN) } }, /overhead.cpu="NaNm"/],
    ['sub-millicore overhead CPU', { overhead: { cpu: kplus.Cpu.units(0.0015) } }, /overhead.cpu="0.0015"/],
    ['absurd overhead CPU', { overhead: { cpu: kplus.Cpu.units(1e6) } }, /overhead.cpu="1000000": .*no node has more than a few thousand cores/],
    ['NaN overhead memory', { overhead: { memory: Size.mebibytes(NaN) } }, /overhead.memory=.*must be a whole number of KiB/],
    ['fractional KiB overhead memory', { overhead: { memory: Size.kibibytes(1.5) } }, /overhead.memory="1.5Ki": must be a whole number of KiB/],
    ['absurd overhead memory', { overhead: { memory: Size.tebibytes(100) } }, /overhead.memory=.*no node has more memory/],
    ['runtime', { runtime: { handler: 'x' } }, /runtime="x": is not a WasmRuntime/],
    ['name type', { name: 5 }, /name=5: is not a string/],
  ])('%s', (_, props, message) => {
    expect(() => new RuntimeClass(chart(), 'Bad', props)).toThrow(message);
  });

  test('overhead.memory of Size.kibibytes(3) is 3Ki (it used to crash in toMebibytes)', () => {
    const c = chart();
    new RuntimeClass(c, 'Small', { overhead: { memory: Size.kibibytes(3), cpu: kplus.Cpu.millis(0) } });
    expect(synthAndValidate(c)[0].overhead).toEqual({ podFixed: { cpu: '0m', memory: '3Ki' } });
  });

  test('fromRuntimeClassName checks its node selector', () => {
    expect(() => RuntimeClass.fromRuntimeClassName(chart(), 'X', 'x', WasmRuntime.WASMEDGE, { 'a/b/c': 'x' })).toThrow(/nodeSelector key="a\/b\/c"/);
  });
});

describe('the unselectable-class check stays linear', () => {
  // The same measure as test/complexity.test.ts: walks of the whole tree per synth must not grow
  // with the number of classes and nodes (one node index per validation pass, app-checks/nodes.ts).
  test('1 or 30 classes and nodes: the same number of walks', () => {
    const walks = (k: number) => {
      const app = Testing.app();
      const c = new Chart(app, 'c');
      for (let i = 0; i < k; i++) {
        new EdgeOfflineNode(c, `n${i}`, { role: EdgeNodeRole.AGENT, serverUrl: 'https://hub:6443', runtimes: [WasmRuntime.WASMEDGE] });
        new RuntimeClass(c, `rc${i}`, { name: `rc-${i}`, runtime: i % 2 ? WasmRuntime.CRUN : WasmRuntime.WASMEDGE });
        RuntimeClass.wasmtimeSpinV2(c, `spin${i}`, { name: `spin-${i}` });
      }
      return rootWalks(app);
    };
    const one = walks(1);
    expect(one).toBeGreaterThan(0);
    expect(walks(30)).toBe(one);
  });
});
