import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  RuntimeClass, RuntimeClassManagerShim, RuntimeClassManagerShimProps, ShimArchitecture, ShimFetchStrategy, ShimRolloutStrategy, WasmDeployment,
  WasmRuntime, Warnings,
} from '../../lib';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, maybe, nastyString } from '../util/fuzz';
import { synthAndValidate, validateObjects } from '../util/validate';

const SPIN_X86 = 'https://mirror.site-1.local/shims/containerd-shim-spin-v2-linux-x86_64.tar.gz';
const SPIN_ARM = 'https://mirror.site-1.local/shims/containerd-shim-spin-v2-linux-aarch64.tar.gz';
const SHA = 'eec8df96fa3a4fe5dbc57ffb706461692c055299dd6d22dff9444863a2a12281';
const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

function spin(c: Chart, props: Partial<RuntimeClassManagerShimProps> = {}): RuntimeClassManagerShim {
  return new RuntimeClassManagerShim(c, 'spin', Object.assign({ runtime: WasmRuntime.SPIN_V2, fetchStrategy: ShimFetchStrategy.anonHttp(SPIN_X86) }, props));
}

describe('RuntimeClassManagerShim', () => {
  test('renders a schema-valid Shim like runtime-class-manager\'s sample (config/samples/sample_shim_spin.yaml)', () => {
    const c = chart('edge');
    const shim = spin(c, {
      fetchStrategy: ShimFetchStrategy.forPlatforms([
        { arch: ShimArchitecture.ARM64, location: SPIN_ARM, sha256: SHA.toUpperCase() },
        { arch: ShimArchitecture.AMD64, location: SPIN_X86, sha256: SHA },
      ]),
      nodeSelector: { spin: 'true' },
      systemdCgroup: true,
    });
    const objs = synthAndValidate(c);
    expect(objs).toMatchSnapshot();
    expect(objs).toHaveLength(1);
    const [obj] = objs;
    expect(obj.apiVersion).toBe('runtime.spinkube.dev/v1alpha1');
    expect(obj.kind).toBe('Shim');
    // Cluster-scoped (api/v1alpha1/shim_types.go:109): no namespace even in a namespaced chart.
    expect(obj.metadata).toEqual({ name: 'spin-v2' });
    expect(obj.spec).toEqual({
      nodeSelector: { spin: 'true' },
      fetchStrategy: {
        platforms: [
          { os: 'linux', arch: 'amd64', location: SPIN_X86, sha256: SHA },
          { os: 'linux', arch: 'arm64', location: SPIN_ARM, sha256: SHA },
        ],
      },
      runtimeClass: { name: 'wasmtime-spin-v2', handler: 'spin-v2' },
      rolloutStrategy: { type: 'recreate' },
      containerdRuntimeOptions: { SystemdCgroup: 'true' },
    });
    expect(shim.shimName).toBe('spin-v2');
    expect(shim.runtime).toBe(WasmRuntime.SPIN_V2);
    expect(shim.runtimeClass.runtimeClassName).toBe('wasmtime-spin-v2');
    expect(shim.runtimeClass.nodeSelector).toEqual({ spin: 'true' });
    expect(shim.runtimeClass.managed).toBe(false);
  });

  test('defaults: nodeSelector is the runtime\'s node label, recreate rollout, no runtime options, class wasmtime-spin-v2 for Spin', () => {
    const c = chart();
    const shim = spin(c);
    const [obj] = synthAndValidate(c);
    expect(obj.spec.nodeSelector).toEqual({ 'cdk8s-wasm-edge.io/runtime.spin-v2': 'true' });
    expect(shim.nodeSelector).toEqual({ 'cdk8s-wasm-edge.io/runtime.spin-v2': 'true' });
    expect(obj.spec.rolloutStrategy).toEqual({ type: 'recreate' });
    expect(obj.spec.containerdRuntimeOptions).toBeUndefined();
    expect(obj.spec.fetchStrategy).toEqual({ anonHttp: { location: SPIN_X86 } });
    expect(obj.spec.runtimeClass).toEqual({ name: 'wasmtime-spin-v2', handler: 'spin-v2' });
  });

  test('sha256 default: not checked (no sha256 field; download_shim.sh:58-67 verifies only when set)', () => {
    const c = chart();
    spin(c, { fetchStrategy: ShimFetchStrategy.forPlatforms([{ arch: ShimArchitecture.ARM64, location: SPIN_ARM }]) });
    const [obj] = synthAndValidate(c);
    expect(obj.spec.fetchStrategy).toEqual({ platforms: [{ os: 'linux', arch: 'arm64', location: SPIN_ARM }] });
  });

  test('the handler is the binary without containerd-shim- (internal/shim/shim.go:41-43): WASMEDGE becomes wasmedge-v1, SPIN becomes spin-v2', () => {
    expect(RuntimeClassManagerShim.handlerOf(WasmRuntime.WASMEDGE)).toBe('wasmedge-v1');
    expect(RuntimeClassManagerShim.handlerOf(WasmRuntime.SPIN)).toBe('spin-v2');
    const c = chart();
    const we = new RuntimeClassManagerShim(c, 'we', { runtime: WasmRuntime.WASMEDGE, fetchStrategy: ShimFetchStrategy.anonHttp('https://m.local/containerd-shim-wasmedge-v1.tar.gz') });
    const sp = new RuntimeClassManagerShim(chart(), 'sp', { runtime: WasmRuntime.SPIN, fetchStrategy: ShimFetchStrategy.anonHttp(SPIN_X86) });
    const [obj] = synthAndValidate(c);
    // runtimeClassName defaults to the handler for shims other than Spin (config/samples/sample_shim_wasmtime.yaml:24-26).
    expect(obj.spec.runtimeClass).toEqual({ name: 'wasmedge-v1', handler: 'wasmedge-v1' });
    expect(we.runtime.handler).toBe('wasmedge-v1');
    expect(we.runtime.binaryName).toBe('containerd-shim-wasmedge-v1');
    expect(we.runtime.runtimeType).toBe('io.containerd.wasmedge.v1');
    expect(sp.runtime).toBe(WasmRuntime.SPIN_V2);
  });

  test('a WasmDeployment on the Shim\'s runtimeClass gets its runtimeClassName and validates', () => {
    const c = chart('apps');
    const shim = spin(c, { runtimeClassName: 'spin-edge', nodeSelector: { 'example.com/spin': 'yes' } });
    new WasmDeployment(c, 'hello', { runtimeClass: shim.runtimeClass, wasmContainers: [{ image: IMAGE, command: ['/app.wasm'] }] });
    const objs = synthAndValidate(c);
    const deploy = objs.find(o => o.kind === 'Deployment');
    expect(deploy.spec.template.spec.runtimeClassName).toBe('spin-edge');
    // The library emits no RuntimeClass: the controller creates it with the Shim's nodeSelector.
    expect(objs.filter(o => o.kind === 'RuntimeClass')).toEqual([]);
    expect(objs.find(o => o.kind === 'Shim').spec.runtimeClass).toEqual({ name: 'spin-edge', handler: 'spin-v2' });
    expect(shim.runtimeClass.nodeSelector).toEqual({ 'example.com/spin': 'yes' });
    expect(shim.runtimeClass.runtime.handler).toBe('spin-v2');
  });

  test('plain http without checksum warns; https does not', () => {
    const c = chart();
    const insecure = spin(c, { fetchStrategy: ShimFetchStrategy.anonHttp('http://10.0.0.5:8080/containerd-shim-spin-v2.tar.gz') });
    expect(Warnings.of(insecure).messages).toEqual([expect.stringMatching(/plain http without a checksum/)]);
    expect(Warnings.of(spin(chart())).messages).toEqual([]);
    validateObjects(Testing.synth(c));
  });

  test.each<[string, () => Partial<RuntimeClassManagerShimProps>, RegExp]>([
    ['crun', () => ({ runtime: WasmRuntime.CRUN }), /runtime="crun-wasm": is driven by runc.v2 with BinaryName "crun", not a containerd shim/],
    ['nvidia', () => ({ runtime: WasmRuntime.NVIDIA }), /runtime="nvidia": is driven by runc.v2/],
    ['custom non-shim binary', () => ({ runtime: WasmRuntime.custom({ handler: 'wamr', runtimeType: 'io.containerd.wamr.v1', binaryName: '/usr/bin/wamr-shim' }) }),
      /runtime="wamr": has binary "\/usr\/bin\/wamr-shim", not a containerd-shim-<name> file name/],
    ['non-runtime', () => ({ runtime: 'spin' as unknown as WasmRuntime }), /runtime="spin": is not a WasmRuntime/],
    ['URL scheme', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('ftp://mirror.local/shim.tar.gz') }), /fetchStrategy.location="ftp:.*is not an http\(s\) URL/],
    ['URL with spaces', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('https://mirror.local/a b.tar.gz') }), /fetchStrategy.location=.*is not a URL/],
    ['URL shell', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('https://mirror.local/$(id)`x`') }), /is not a URL/],
    ['URL credentials', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('https://user:hunter2@mirror.local/s.tar.gz') }), /fetchStrategy.location=/],
    ['URL without host', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('https:///s.tar.gz') }), /fetchStrategy.location=/],
    ['not a URL', () => ({ fetchStrategy: ShimFetchStrategy.anonHttp('mirror.local/s.tar.gz') }), /fetchStrategy.location="mirror.local\/s.tar.gz": is not a URL/],
    ['empty platforms', () => ({ fetchStrategy: ShimFetchStrategy.forPlatforms([]) }), /fetchStrategy.platforms=\[\]: is empty/],
    ['duplicate arch', () => ({ fetchStrategy: ShimFetchStrategy.forPlatforms([{ arch: ShimArchitecture.AMD64, location: SPIN_X86 }, { arch: ShimArchitecture.AMD64, location: SPIN_ARM }]) }),
      /fetchStrategy.platforms\[1\].arch="amd64": is listed twice/],
    ['bad arch', () => ({ fetchStrategy: ShimFetchStrategy.forPlatforms([{ arch: 'riscv64' as ShimArchitecture, location: SPIN_X86 }]) }), /platforms\[0\].arch="riscv64"/],
    ['bad sha256', () => ({ fetchStrategy: ShimFetchStrategy.forPlatforms([{ arch: ShimArchitecture.AMD64, location: SPIN_X86, sha256: 'abc' }]) }), /platforms\[0\].sha256="abc": is not a SHA-256 digest/],
    ['fetchStrategy type', () => ({ fetchStrategy: { anonHttp: { location: SPIN_X86 } } as unknown as ShimFetchStrategy }), /fetchStrategy=.*is not a ShimFetchStrategy/],
    ['rolling (not implemented at v0.2.0)', () => ({ rolloutStrategy: ShimRolloutStrategy.rolling(2) }), /rolloutStrategy="rolling\(2\)": is not implemented by runtime-class-manager v0.2.0/],
    ['rolling maxUpdate 0', () => ({ rolloutStrategy: ShimRolloutStrategy.rolling(0) }), /rolloutStrategy.maxUpdate=0: must be a whole number from 1/],
    ['empty nodeSelector', () => ({ nodeSelector: {} }), /nodeSelector=\{\}: is empty: the controller would install the shim on every node/],
    ['bad nodeSelector', () => ({ nodeSelector: { 'a b': 'x' } }), /nodeSelector/],
    ['status key in nodeSelector', () => ({ nodeSelector: { 'spin-v2': 'provisioned' } }), /uses the key "spin-v2", which the controller overwrites/],
    ['runtimeClassName', () => ({ runtimeClassName: 'Spin.V2' }), /runtimeClassName="Spin.V2": is not a DNS-1123 label/],
    ['systemdCgroup', () => ({ systemdCgroup: 'yes' as unknown as boolean }), /systemdCgroup="yes": is not a boolean/],
  ])('refuses a bad %s', (_what, override, message) => {
    const err = validationErrorOf(() => spin(chart(), override()));
    expect(err.message).toMatch(message);
    expect(err.constructPath).toBe('test/spin');
    expect(err.fix).not.toBe('');
  });

  test('credentials in the URL are never echoed', () => {
    const err = validationErrorOf(() => spin(chart(), { fetchStrategy: ShimFetchStrategy.anonHttp('https://user:hunter2@mirror.local/s.tar.gz') }));
    expect(err.message).not.toMatch(/hunter2/);
  });

  test('two Shims of one runtime in a chart, or two classes of one name in the app, are errors', () => {
    const c = chart();
    spin(c);
    expect(validationErrorOf(() => new RuntimeClassManagerShim(c, 'again', { runtime: WasmRuntime.SPIN, fetchStrategy: ShimFetchStrategy.anonHttp(SPIN_X86), runtimeClassName: 'other' })).message)
      .toMatch(/runtime="spin-v2": is also installed by test\/spin/);
    const app = Testing.app();
    const a = new Chart(app, 'a');
    spin(a);
    new RuntimeClassManagerShim(a, 'we', { runtime: WasmRuntime.WASMEDGE, fetchStrategy: ShimFetchStrategy.anonHttp(SPIN_X86), runtimeClassName: 'wasmtime-spin-v2' });
    expect(() => app.synth()).toThrow(/a\/spin: runtimeClassName="wasmtime-spin-v2": is also the name of a\/we\/RuntimeClass in this chart/);
    // A class of the library made after the Shim is found too (the check runs at synth).
    const b = new Chart(Testing.app(), 'b');
    const late = spin(b);
    RuntimeClass.wasmtimeSpinV2(b, 'rc');
    expect(late.node.validate()).toEqual([expect.stringMatching(/runtimeClassName="wasmtime-spin-v2": is also the name of b\/rc in this chart/)]);
  });

  test('one Shim per site chart is fine (each site is its own cluster)', () => {
    const app = new App({ outdir: '/tmp/unused' });
    for (const site of ['s1', 's2']) spin(new Chart(app, site));
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('property: any runtime, selector, class name and fetch strategy gives a valid Shim or the library\'s error', () => {
    const runtimes = WasmRuntime.all();
    const arb = fc.record({
      runtime: fc.constantFrom(...runtimes),
      location: fc.oneof(fc.constantFrom(SPIN_X86, SPIN_ARM, 'http://10.1.2.3:8080/x.tar.gz'), nastyString()),
      platforms: fc.boolean(),
      sha256: maybe(fc.oneof(fc.constant(SHA), nastyString())),
      nodeSelector: maybe(fc.dictionary(fc.oneof(fc.constantFrom('spin', 'example.com/wasm', 'node-role.kubernetes.io/edge'), nastyString()),
        fc.oneof(fc.constantFrom('true', ''), nastyString()), { maxKeys: 3 })),
      runtimeClassName: maybe(fc.oneof(fc.constantFrom('spin', 'wasmtime-spin-v2'), nastyString())),
      systemdCgroup: maybe(fc.boolean()),
    });
    let valid = 0;
    fc.assert(fc.property(arb, (p) => {
      const c = chart('ns');
      let shim: RuntimeClassManagerShim;
      try {
        shim = new RuntimeClassManagerShim(c, 'shim', {
          runtime: p.runtime,
          fetchStrategy: p.platforms
            ? ShimFetchStrategy.forPlatforms([{ arch: ShimArchitecture.AMD64, location: p.location, sha256: p.sha256 }])
            : ShimFetchStrategy.anonHttp(p.location),
          nodeSelector: p.nodeSelector,
          runtimeClassName: p.runtimeClassName,
          systemdCgroup: p.systemdCgroup,
        });
      } catch (e) {
        validationErrorOf(() => { throw e; });
        return;
      }
      const objs = synthAndValidate(c);
      const spec = objs[0].spec;
      expect(spec.runtimeClass.handler).toBe(shim.shimName);
      expect(objs[0].metadata.name).toBe(shim.shimName);
      expect(spec.nodeSelector).toEqual(shim.runtimeClass.nodeSelector);
      expect(Object.keys(spec.nodeSelector).length).toBeGreaterThan(0);
      valid++;
    }), fuzzParams({ numRuns: 300 }));
    // The generators reach valid output, not only errors.
    expect(valid).toBeGreaterThan(20);
  });
});
