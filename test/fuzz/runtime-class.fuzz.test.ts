import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { EdgeOfflineNode, IntegrationRoute, RuntimeClass, WasmDeployment, WasmRuntime } from '../../lib';
import { assertValidOrDocumentedError, FUZZ_RUNS, isDocumentedError, maybe, nastyNumber as anyNumber, nastyString as anyString, nodeFileProblems } from '../util/fuzz';

// RuntimeClass and the runtime table: presets and custom runtimes (whose names reach the containerd
// TOML and a node label), the class's name, scheduling, tolerations and overhead, SpinKube's class.
// Every run: valid manifests (schemas + semantics) and valid node files (TOML parses, YAML is one
// document), or the documented error.

beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
afterAll(() => jest.restoreAllMocks());

function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: unusual, weight: 1 });
}
const nastyString = (good: string[]) => mostly(fc.constantFrom(...good), anyString(good));
const nastyNumber = (good: number[]) => mostly(fc.constantFrom(...good), anyNumber(good));
const rarely = <T>(arb: fc.Arbitrary<T>) => mostly(fc.constant(undefined), arb);

const custom = fc.record({
  handler: nastyString(['wamr', 'my-crun', 'h'.repeat(55), 'h'.repeat(56), 'crun', 'spin']),
  runtimeType: nastyString(['io.containerd.wamr.v1', 'io.containerd.runc.v2']),
  binaryName: nastyString(['containerd-shim-wamr-v1', 'crun', '/opt/crun/bin/crun', 'a"b', 'crun"#']),
  route: maybe(mostly(fc.constantFrom(...Object.values(IntegrationRoute)), fc.constant('wasm' as IntegrationRoute))),
  gpu: maybe(fc.boolean()),
});

const runtimeArb = fc.oneof(
  { arbitrary: fc.constantFrom(...WasmRuntime.all()).map(r => ({ preset: r, custom: undefined })), weight: 3 },
  { arbitrary: custom.map(c => ({ preset: undefined, custom: c })), weight: 2 },
);

const labelKeys = nastyString(['example.com/wasm', 'cdk8s-wasm-edge.io/runtime.wasmedge', 'tier']);
const labelValues = nastyString(['true', 'edge', '']);

const props = fc.record({
  runtime: runtimeArb,
  factory: fc.constantFrom('new', 'new', 'spin', 'k3s', 'existing'),
  name: maybe(nastyString(['my-class', 'wasmtime-spin-v2'])),
  scheduling: rarely(fc.boolean()),
  nodeSelector: rarely(fc.dictionary(labelKeys, labelValues, { maxKeys: 2 })),
  tolerations: rarely(fc.array(fc.record({
    key: nastyString(['example.com/edge', 'cdk8s-wasm-edge.io/wasm-only']),
    value: maybe(labelValues),
    effect: mostly(fc.constantFrom(...Object.values(kplus.TaintEffect)), fc.constant('Always' as kplus.TaintEffect)),
  }), { maxLength: 2 })),
  overheadCpu: maybe(nastyNumber([0, 10, 250])),
  overheadCpuUnits: mostly(fc.constant(false), fc.constant(true)),
  overheadMemKib: maybe(nastyNumber([3, 1024, 4096])),
  node: fc.boolean(),
  workload: fc.boolean(),
});

describe('fuzz: RuntimeClass and WasmRuntime', () => {
  test('valid manifests and node files, or the documented error', () => {
    let built = 0;
    assertValidOrDocumentedError(props, (app, p) => {
      const c = new Chart(app, 'fuzz');
      const runtime = p.runtime.preset ?? WasmRuntime.custom(p.runtime.custom!);
      const options = {
        name: p.name,
        scheduling: p.scheduling,
        nodeSelector: p.nodeSelector,
        tolerations: p.tolerations,
        overhead: {
          cpu: p.overheadCpu === undefined ? undefined : p.overheadCpuUnits ? kplus.Cpu.units(p.overheadCpu) : kplus.Cpu.millis(p.overheadCpu),
          memory: p.overheadMemKib === undefined ? undefined : Size.kibibytes(Math.abs(p.overheadMemKib)),
        },
      };
      const rc = p.factory === 'spin' ? RuntimeClass.wasmtimeSpinV2(c, 'Class', Object.assign({}, options, { runtime }))
        : p.factory === 'k3s' ? RuntimeClass.fromK3s(c, 'Class', runtime)
          : p.factory === 'existing' ? RuntimeClass.fromRuntimeClassName(c, 'Class', p.name ?? 'existing', runtime, p.nodeSelector)
            : new RuntimeClass(c, 'Class', Object.assign({}, options, { runtime }));
      if (p.node) {
        const node = new EdgeOfflineNode(c, 'node', { runtimes: [runtime] });
        const problems = nodeFileProblems(node.renderFiles().map(f => ({ path: f.path, content: f.content })));
        if (problems.length > 0) throw new Error(`node files: ${problems.join('; ')}`);
        // The node label is the one the class selects.
        if (!(runtime.nodeLabel in node.nodeLabels)) throw new Error(`node lacks ${runtime.nodeLabel}`);
      }
      if (p.workload) {
        new WasmDeployment(c, 'wd', {
          runtimeClass: rc,
          wasmContainers: [{ image: 'ghcr.io/acme/app:1.0', command: runtime.route === IntegrationRoute.RUNWASI ? ['/app.wasm'] : undefined }],
        });
      }
      built++;
    });
    expect(built).toBeGreaterThan(FUZZ_RUNS / 10);
  });

  test('custom runtimes alone: a runtime or the documented error, never a name that breaks TOML or a label', () => {
    fc.assert(fc.property(custom, c => {
      let r: WasmRuntime;
      try {
        r = WasmRuntime.custom(c);
      } catch (e) {
        if (!isDocumentedError(e)) throw e;
        return;
      }
      expect(r.handler).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(r.nodeLabel.split('/')[1].length).toBeLessThanOrEqual(63);
      expect(r.binaryName).toMatch(/^[A-Za-z0-9._+/-]+$/);
      expect(r.runtimeType).toMatch(/^[A-Za-z0-9_.-]+$/);
    }), { numRuns: FUZZ_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) });
  });
});
