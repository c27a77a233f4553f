import * as toml from 'smol-toml';
import { renderAsK3s, templateToml } from './helpers';
import { IntegrationRoute, WasmRuntime } from '../../lib/core/runtime';
import { ContainerdTemplate, CRUN_POD_ANNOTATIONS, DEFAULT_CRUN_PATH } from '../../lib/node/containerd-template';
import { K3sVersion } from '../../lib/node/k3s-version';
import { tomlString } from '../../lib/private/node-toml';

/** crun under a handler of its own (what WasmRuntime.CRUN becomes with the crun-wasm rename). */
const CRUN_WASM = WasmRuntime.custom({ handler: 'crun-wasm', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN });
/** Every handler K3s detects on its PATH (k3s-io/k3s pkg/agent/containerd/runtimes.go). */
const K3S_DETECTED = ['crun', 'lunatic', 'nvidia', 'nvidia-cdi', 'nvidia-experimental', 'slight', 'spin', 'wasmedge', 'wasmer', 'wasmtime', 'wws'];

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
    // crun under its own handler (the snapshot does not depend on the preset's name).
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, CRUN_WASM, WasmRuntime.SPIN], k3sVersion: v('v1.31.6+k3s1') });
    expect(t.fileName).toBe('config-v3.toml.tmpl');
    expect(t.path).toBe('/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    const content = t.render();
    expect(content.split('\n')[0]).toBe('{{ template "base" . }}');
    const doc: any = toml.parse(templateToml(content));
    const runtimes = doc.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
    expect(Object.keys(runtimes).sort()).toEqual(['crun-wasm', 'spin', 'wasmedge']);
    expect(runtimes.wasmedge).toEqual({ runtime_type: 'io.containerd.wasmedge.v1', options: { SystemdCgroup: true } });
    expect(runtimes.spin.runtime_type).toBe('io.containerd.spin.v2');
    expect(runtimes['crun-wasm']).toEqual({
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

  test('blocks are guarded so K3s-detected runtimes are not defined twice; the crun route under its own name never is', () => {
    const runtimes = [...WasmRuntime.all(), CRUN_WASM];
    const content = new ContainerdTemplate({ runtimes }).render();
    // Exactly the tables K3s may define itself are guarded (TOML refuses two tables of one name).
    const isGuarded = (r: WasmRuntime) => K3S_DETECTED.includes(r.handler);
    expect(isGuarded(CRUN_WASM)).toBe(false);
    expect(isGuarded(WasmRuntime.CRUN)).toBe(false);
    for (const r of runtimes) {
      const guard = `# {{ if not (index .ExtraRuntimes "${r.handler}").RuntimeType }}`;
      if (isGuarded(r)) expect(content).toContain(guard);
      else expect(content).not.toContain(guard);
    }
    expect(() => toml.parse(templateToml(content))).not.toThrow();
    // Rendered on a host where K3s found every binary on its PATH: still one table per name.
    const guardedHandlers = new Set(runtimes.filter(isGuarded).map(r => r.handler));
    expect(content.match(/# \{\{ end \}\}/g)!.length).toBe(guardedHandlers.size);
    const rendered: any = toml.parse(renderAsK3s(content, { detected: K3S_DETECTED.filter(h => guardedHandlers.has(h)) }));
    expect(Object.keys(rendered.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes).sort()).toEqual([...new Set(runtimes.map(r => r.handler))].sort());
  });

  // k3s-io/k3s pkg/agent/containerd/runtimes.go: a crun on K3s's PATH (/usr/bin/crun) gets K3s's own
  // runtime table "crun", without pod_annotations. The crun route's table has its own handler and no
  // guard, so it always reaches containerd with the whitelist (module.wasm.image/variant).
  test('crun under its own handler: emitted unguarded, with pod_annotations, beside K3s\'s detected crun', () => {
    const content = new ContainerdTemplate({ runtimes: [CRUN_WASM, WasmRuntime.WASMEDGE] }).render();
    expect(content).not.toContain('ExtraRuntimes "crun-wasm"');
    const doc: any = toml.parse(renderAsK3s(content, { detected: ['crun', 'wasmedge'] }));
    const runtimes = doc.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
    expect(runtimes.crun).toEqual({ runtime_type: 'io.containerd.runc.v2', options: { BinaryName: '/usr/bin/crun', SystemdCgroup: true } });
    expect(runtimes['crun-wasm']).toEqual({
      runtime_type: 'io.containerd.runc.v2',
      pod_annotations: CRUN_POD_ANNOTATIONS,
      options: { BinaryName: DEFAULT_CRUN_PATH, SystemdCgroup: true },
    });
    // wasmedge was detected: K3s's table stands, ours is skipped.
    expect(runtimes.wasmedge.options.BinaryName).toBe('/usr/bin/wasmedge');
  });

  test('@default k3sVersion is K3sVersion.DEFAULT (containerd 2)', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE] });
    expect(t.k3sVersion.toString()).toBe(K3sVersion.DEFAULT.toString());
    expect(t.fileName).toBe('config-v3.toml.tmpl');
  });

  // k3s-io/k3s pkg/agent/templates/templates.go: the template data carries SystemdCgroup (the cgroup
  // driver K3s detected: cgroupfs on non-systemd hosts such as Alpine/OpenRC), which K3s's own base
  // template writes as `SystemdCgroup = {{ .SystemdCgroup }}`.
  test('@default systemdCgroup follows K3s ({{ .SystemdCgroup }}); true/false are written when forced', () => {
    const def = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, CRUN_WASM] }).render();
    expect(def.match(/SystemdCgroup = \{\{ \.SystemdCgroup \}\}/g)).toHaveLength(2);
    for (const detected of [true, false]) {
      const doc: any = toml.parse(templateToml(def, detected));
      const runtimes = doc.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes;
      expect(runtimes.wasmedge.options.SystemdCgroup).toBe(detected);
      expect(runtimes['crun-wasm'].options.SystemdCgroup).toBe(detected);
    }
    for (const forced of [true, false]) {
      const content = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], systemdCgroup: forced }).render();
      expect(content).not.toContain('.SystemdCgroup');
      // Whatever K3s detected, the forced value stands.
      expect((toml.parse(templateToml(content, !forced)) as any).plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.wasmedge.options.SystemdCgroup).toBe(forced);
    }
  });

  // k3s-io/k3s pkg/agent/config/config.go get(): Containerd.Template = <data-dir>/agent/etc/containerd/config.toml.tmpl
  // (and config-v3.toml.tmpl beside it, pkg/agent/containerd/config.go).
  test('@default dataDir is /var/lib/rancher/k3s; a data-dir moves the template under it', () => {
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE] }).dataDir).toBe('/var/lib/rancher/k3s');
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], dataDir: '/data/k3s/' }).path).toBe('/data/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], dataDir: '/data/k3s', k3sVersion: v('v1.30.8+k3s1') }).path).toBe('/data/k3s/agent/etc/containerd/config.toml.tmpl');
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], dataDir: 'data' })).toThrow(/dataDir="data": is not an absolute path/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], dataDir: '/' })).toThrow(/is the root directory/);
  });

  test('@default crunPodAnnotations is the crun Wasm whitelist', () => {
    expect(CRUN_POD_ANNOTATIONS).toEqual(['module.wasm.image/*', 'run.oci.handler']);
    expect(new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN] }).render()).toContain('pod_annotations = ["module.wasm.image/*", "run.oci.handler"]');
  });

  test('@default binaryPaths: crun outside the K3s PATH, others by name; overrides are used', () => {
    const t = new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN, WasmRuntime.NVIDIA], binaryPaths: { nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime' } });
    expect(t.binaryPathOf(WasmRuntime.NVIDIA)).toBe('/usr/local/nvidia/toolkit/nvidia-container-runtime');
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
    const crun = WasmRuntime.CRUN.handler;
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE], binaryPaths: { wasmedge: '/x' } })).toThrow(/shim runtime/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], binaryPaths: { [crun]: 'crun' } })).toThrow(/absolute path/);
    expect(() => new ContainerdTemplate({ runtimes: [WasmRuntime.CRUN], binaryPaths: { spin: '/x' } })).toThrow(/not a runtime this node offers/);
    const a = WasmRuntime.custom({ handler: 'other', runtimeType: 'io.containerd.other.v1', binaryName: 'containerd-shim-other-v1' });
    const b = WasmRuntime.custom({ handler: 'other', runtimeType: 'io.containerd.other.v2', binaryName: 'containerd-shim-other-v2' });
    expect(() => new ContainerdTemplate({ runtimes: [a, b] })).toThrow(/names two different runtimes/);
    // A handler K3s defines itself cannot be reused for another runtime at all (runtimes.go).
    expect(() => WasmRuntime.custom({ handler: 'wasmedge', runtimeType: 'io.containerd.other.v1', binaryName: 'containerd-shim-other-v1' })).toThrow(/K3s defines itself/);
  });

  // `a"b` ended the TOML string early; `crun"#` turned the rest of the line into a comment, so
  // containerd ran "crun" silently. Paths are safe absolute paths, names a safe set, strings escaped.
  test.each([['a"b'], ['/usr/bin/crun"#'], ['/usr/bin/cr un'], ['/usr/bin/{{ .X }}'], ['/usr/bin/crun\n[x]'], ['/usr/../bin/crun']])(
    'binaryPaths %j that would break the TOML are refused', (bad) => {
      expect(() => new ContainerdTemplate({ runtimes: [CRUN_WASM], binaryPaths: { 'crun-wasm': bad }, owner: 'n.containerd' }))
        .toThrow(/\[cdk8s-wasm-edge\] n.containerd: binaryPaths.crun-wasm=.*is not an absolute path of letters/);
    });

  test('a runc-compatible runtime whose binary name would break the TOML is refused', () => {
    for (const binaryName of ['cr"un', 'crun#x', '..']) {
      expect(() => WasmRuntime.custom({ handler: 'odd', runtimeType: 'io.containerd.runc.v2', binaryName })).toThrow(/binaryName=.*is not a binary name/);
    }
    const ok = WasmRuntime.custom({ handler: 'odd', runtimeType: 'io.containerd.runc.v2', binaryName: 'my-runtime_1.2+x' });
    expect((toml.parse(templateToml(new ContainerdTemplate({ runtimes: [ok] }).render())) as any).plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.odd.options.BinaryName)
      .toBe('my-runtime_1.2+x');
  });

  test('tomlString escapes what TOML needs and round-trips through a TOML parser', () => {
    for (const s of ['plain', 'a"b', 'c:\\x', 'tab\there', 'nl\nx', '\u007f', 'é日本', '#not-a-comment']) {
      expect((toml.parse(`k = ${tomlString(s)}`) as any).k).toBe(s);
    }
    expect(() => tomlString('{{ .Evil }}')).toThrow(/Go template delimiter/);
    expect(() => tomlString('\ud800')).toThrow(/surrogate/);
  });

  test('output is deterministic regardless of runtime order', () => {
    const a = new ContainerdTemplate({ runtimes: [WasmRuntime.SPIN, WasmRuntime.WASMEDGE, WasmRuntime.SPIN] }).render();
    const b = new ContainerdTemplate({ runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN] }).render();
    expect(a).toBe(b);
  });
});
