import * as toml from 'smol-toml';
import { templateToml } from './helpers';
import { ContainerdTemplate, CRUN_POD_ANNOTATIONS, DEFAULT_CRUN_PATH } from '../../lib/node/containerd-template';
import { K3sVersion } from '../../lib/node/k3s-version';
import { WasmRuntime } from '../../lib/runtime';

const v = (s: string) => K3sVersion.parse(s);

describe('K3sVersion', () => {
  test.each([
    ['v1.30.9+k3s1', false],
    ['v1.31.5+k3s1', false],
    ['v1.31.6+k3s1', true],
    ['v1.32.1+k3s1', false],
    ['v1.32.2+k3s1', true],
    ['v1.33.0+k3s1', true],
    ['1.37.1', true],
    ['v1.34.0-rc1+k3s1', true],
  ])('%s uses containerd 2: %s', (version, expected) => {
    expect(v(version).usesContainerd2).toBe(expected);
  });

  test.each([
    ['v1.29.11+k3s1', false], ['v1.29.12+k3s1', true], ['v1.30.7+k3s1', false], ['v1.30.8+k3s1', true],
    ['v1.31.3+k3s1', false], ['v1.31.4+k3s1', true], ['v1.32.0+k3s1', true],
  ])('%s has the embedded registry GA: %s', (version, expected) => {
    expect(v(version).hasEmbeddedRegistry).toBe(expected);
  });

  test('round-trips and refuses garbage', () => {
    expect(v('v1.31.6+k3s2').toString()).toBe('v1.31.6+k3s2');
    expect(v('1.33.1').toString()).toBe('v1.33.1+k3s1');
    expect(() => v('latest')).toThrow(/is not a K3s version/);
    expect(() => v('v2.0.0+k3s1')).toThrow(/older than|supports/);
    expect(() => v('v1.20.0+k3s1')).toThrow(/v1.26/);
  });
});

describe('ContainerdTemplate', () => {
  // {{ template "base" . }} exists since the September 2023 releases (docs.k3s.io advanced#base-template).
  test.each([
    ['v1.26.7+k3s1', false], ['v1.26.8+k3s1', true], ['v1.27.4+k3s1', false], ['v1.27.5+k3s1', true],
    ['v1.28.0+k3s1', false], ['v1.28.1+k3s1', true], ['v1.29.0+k3s1', true],
  ])('%s has the base template: %s', (version, ok) => {
    const make = () => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], k3sVersion: v(version), owner: 'n.containerd' });
    if (ok) {
      expect(make().render().split('\n')[0]).toBe('{{ template "base" . }}');
    } else {
      expect(make).toThrow(`[cdk8s-wasm-edge] n.containerd: k3sVersion="${version}": has no containerd "base" template`);
      expect(make).toThrow(/Fix: use K3s v1.26.8, v1.27.5, v1.28.1/);
    }
  });

  test('containerd 2: config-v3.toml.tmpl, v3 table paths, parses as TOML', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN, WasmRuntime.SPIN], k3sVersion: v('v1.31.6+k3s1') });
    expect(t.fileName).toBe('config-v3.toml.tmpl');
    expect(t.path).toBe('/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    const content = t.render();
    expect(content.split('\n')[0]).toBe('{{ template "base" . }}');
    const doc: any = toml.parse(templateToml(content));
    const runtimes = doc.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
    expect(Object.keys(runtimes)).toEqual(['crun', 'spin', 'wasmedge']);
    expect(runtimes.wasmedge).toEqual({ runtime_type: 'io.containerd.wasmedge.v1', options: { SystemdCgroup: true } });
    expect(runtimes.spin.runtime_type).toBe('io.containerd.spin.v2');
    expect(runtimes.crun).toEqual({
      runtime_type: 'io.containerd.runc.v2',
      pod_annotations: ['module.wasm.image/*', 'run.oci.handler'],
      options: { BinaryName: DEFAULT_CRUN_PATH, SystemdCgroup: true },
    });
    expect(content).toMatchSnapshot();
  });

  test('containerd 1.x: config.toml.tmpl, v2 table paths, parses as TOML', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.NVIDIA, WasmRuntime.WASMTIME], k3sVersion: v('v1.31.5+k3s1') });
    expect(t.fileName).toBe('config.toml.tmpl');
    expect(t.configVersion).toBe(2);
    const doc: any = toml.parse(templateToml(t.render()));
    const runtimes = doc.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes;
    expect(runtimes.nvidia).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { BinaryName: 'nvidia-container-runtime', SystemdCgroup: true } });
    expect(runtimes.wasmtime).toEqual({ runtime_type: 'io.containerd.wasmtime.v1', options: { SystemdCgroup: true } });
    expect(t.render()).toMatchSnapshot();
  });

  test('every runtime block is guarded so K3s-detected runtimes are not defined twice', () => {
    const content = new ContainerdTemplate({ runtimes: WasmRuntime.all() }).render();
    for (const r of WasmRuntime.all()) {
      expect(content).toContain(`# {{ if not (index .ExtraRuntimes "${r.handler}").RuntimeType }}`);
    }
    expect(content.match(/# \{\{ end \}\}/g)!.length).toBe(WasmRuntime.all().length);
    expect(() => toml.parse(templateToml(content))).not.toThrow();
  });

  test('@default k3sVersion is K3sVersion.DEFAULT (containerd 2)', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE] });
    expect(t.k3sVersion.toString()).toBe(K3sVersion.DEFAULT.toString());
    expect(t.fileName).toBe('config-v3.toml.tmpl');
  });

  test('@default systemdCgroup is true; false is written when set', () => {
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE] }).render()).toContain('SystemdCgroup = true');
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], systemdCgroup: false }).render()).toContain('SystemdCgroup = false');
  });

  test('@default crunPodAnnotations is the crun Wasm whitelist', () => {
    expect(CRUN_POD_ANNOTATIONS).toEqual(['module.wasm.image/*', 'run.oci.handler']);
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN] }).render()).toContain('pod_annotations = ["module.wasm.image/*", "run.oci.handler"]');
  });

  test('@default binaryPaths: crun outside the K3s PATH, others by name; overrides are used', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN, WasmRuntime.NVIDIA], binaryPaths: { nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime' } });
    expect(t.binaryPathOf(WasmRuntime.CRUN)).toBe(DEFAULT_CRUN_PATH);
    const runtimes = (toml.parse(templateToml(t.render())) as any).plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
    expect(runtimes.nvidia.options.BinaryName).toBe('/usr/local/nvidia/toolkit/nvidia-container-runtime');
  });

  test('crun without the annotation whitelist is refused', () => {
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], crunPodAnnotations: ['run.oci.handler'] }))
      .toThrow(/does not let the module.wasm.image\/variant pod annotation reach crun/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], crunPodAnnotations: [] })).toThrow(/Fix: include "module.wasm.image\/\*"/);
    // without crun, the whitelist does not matter
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], crunPodAnnotations: [] })).not.toThrow();
  });

  test('bad binary paths and handler clashes are refused', () => {
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], binaryPaths: { wasmedge: '/x' } })).toThrow(/shim runtime/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], binaryPaths: { crun: 'crun' } })).toThrow(/absolute path/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], binaryPaths: { spin: '/x' } })).toThrow(/not a runtime this node offers/);
    const fake = WasmRuntime.custom({ handler: 'wasmedge', runtimeType: 'io.containerd.other.v1', binaryName: 'containerd-shim-other-v1' });
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, fake] })).toThrow(/names two different runtimes/);
  });

  test('output is deterministic regardless of runtime order', () => {
    const a = new ContainerdTemplate({ runtimes: [WasmRuntime.SPIN, WasmRuntime.WASMEDGE, WasmRuntime.SPIN] }).render();
    const b = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN] }).render();
    expect(a).toBe(b);
  });
});
