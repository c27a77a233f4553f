import { K3sVersion } from './k3s-version';
import { IntegrationRoute, isK3sDetectedHandler, WasmRuntime } from '../core/runtime';
import { propError } from '../private/errors';
import { checkNodePath, DEFAULT_DATA_DIR, normalizeDataDir, tomlString } from '../private/node-toml';
import { byCodeUnit } from '../private/order';

/** K3s's default `data-dir` (for a root install). */
export const K3S_DEFAULT_DATA_DIR = DEFAULT_DATA_DIR;

/** Directory K3s reads containerd config templates from (under the default data dir). */
export const K3S_CONTAINERD_TEMPLATE_DIR = `${K3S_DEFAULT_DATA_DIR}/agent/etc/containerd`;

/**
 * The pod annotations crun needs to see to run Wasm: `module.wasm.image/variant` (compat,
 * compat-smart) and `run.oci.handler`.
 *
 * @see https://github.com/containers/crun/blob/main/docs/wasm-wasi-on-kubernetes.md
 */
export const CRUN_POD_ANNOTATIONS = ['module.wasm.image/*', 'run.oci.handler'];

/**
 * Where the containerd template points crun by default: a crun built with WasmEdge support, kept
 * apart from a distribution crun (often without Wasm support) that may be on the PATH. Set
 * `binaryPaths` to use another one. The crun runtime's table has a handler name of its own, so the
 * `crun` runtime K3s adds when it finds crun on its PATH (without the pod annotation whitelist)
 * cannot replace it.
 */
export const DEFAULT_CRUN_PATH = '/usr/local/lib/cdk8s-wasm-edge/crun';

/** Options for the containerd config template. */
export interface ContainerdTemplateOptions {
  /** The runtimes the node offers. */
  readonly runtimes: WasmRuntime[];

  /**
   * The K3s release: picks `config-v3.toml.tmpl` (containerd 2) or `config.toml.tmpl` (containerd 1.x).
   *
   * @default K3sVersion.DEFAULT
   */
  readonly k3sVersion?: K3sVersion;

  /**
   * `SystemdCgroup` for every runtime added here; it must match the kubelet's cgroup driver. By
   * default the template follows what K3s detected (`SystemdCgroup = {{ .SystemdCgroup }}`, the
   * field K3s fills from the host: systemd on systemd hosts, cgroupfs on others such as
   * Alpine/OpenRC). Force `true` or `false` only when you know the host.
   *
   * @see https://github.com/k3s-io/k3s/blob/master/pkg/agent/templates/templates.go
   * @default - K3s's detected driver ({{ .SystemdCgroup }})
   */
  readonly systemdCgroup?: boolean;

  /**
   * Pod annotations the crun runtime passes through to crun (`pod_annotations`). Must include
   * `module.wasm.image/*` (or `module.wasm.image/variant`) when crun is offered.
   *
   * @default CRUN_POD_ANNOTATIONS
   */
  readonly crunPodAnnotations?: string[];

  /**
   * Absolute binary path per handler, for runc-compatible runtimes (`BinaryName`).
   *
   * @default - crun at DEFAULT_CRUN_PATH; others by their binary name on containerd's PATH
   */
  readonly binaryPaths?: { [handler: string]: string };

  /**
   * K3s's `data-dir`: the template goes to `<dataDir>/agent/etc/containerd/`, where K3s reads it.
   *
   * @see https://github.com/k3s-io/k3s/blob/master/pkg/agent/config/config.go
   * @default K3S_DEFAULT_DATA_DIR (/var/lib/rancher/k3s)
   */
  readonly dataDir?: string;

  /**
   * Who owns the file, for error messages (a construct path).
   *
   * @default 'ContainerdTemplate'
   */
  readonly owner?: string;
}

/**
 * The K3s containerd config template that adds the node's Wasm runtimes: `config-v3.toml.tmpl` for
 * containerd 2 (config version 3) or `config.toml.tmpl` for containerd 1.x (config version 2). It
 * starts with `{{ template "base" . }}` (K3s's own config, kept up to date by K3s) and adds one
 * runtime table per runtime. Each block sits between two `# {{ ... }}` comment lines, a Go
 * template condition that skips it when K3s already found the binary on its PATH and added a
 * runtime of that name itself (TOML refuses a table defined twice); the comments keep the file
 * valid TOML. The crun runtime (route CRUN) under a handler of its own is never skipped: it carries
 * the pod annotation whitelist that K3s's own `crun` runtime lacks. (Under a name K3s uses itself
 * it stays guarded, since TOML refuses a second table of one name; EdgeOfflineNode warns.)
 *
 * @see https://docs.k3s.io/advanced#configuring-containerd
 */
export class ContainerdTemplate {
  /** The K3s release the template is for. */
  public readonly k3sVersion: K3sVersion;
  /** The runtimes, sorted by handler. */
  public readonly runtimes: WasmRuntime[];
  /** K3s's data dir the template is written under. */
  public readonly dataDir: string;
  private readonly systemdCgroup?: boolean;
  private readonly crunPodAnnotations: string[];
  private readonly binaryPaths: { [handler: string]: string };

  constructor(options: ContainerdTemplateOptions) {
    const owner = typeof options?.owner === 'string' ? options.owner : 'ContainerdTemplate';
    if (!options || !Array.isArray(options.runtimes) || options.runtimes.some(r => !(r instanceof WasmRuntime))) {
      throw propError(owner, 'runtimes', options?.runtimes, 'is not a list of WasmRuntime', 'pass presets such as [WasmRuntime.WASMEDGE] or WasmRuntime.custom() runtimes');
    }
    if (options.crunPodAnnotations !== undefined && (!Array.isArray(options.crunPodAnnotations) || options.crunPodAnnotations.some(a => typeof a !== 'string'))) {
      throw propError(owner, 'crunPodAnnotations', options.crunPodAnnotations, 'is not a list of annotation keys', `pass a list such as ${JSON.stringify(CRUN_POD_ANNOTATIONS)}`);
    }
    if (options.binaryPaths !== undefined && (typeof options.binaryPaths !== 'object' || options.binaryPaths === null || Array.isArray(options.binaryPaths))) {
      throw propError(owner, 'binaryPaths', options.binaryPaths, 'is not a map of handler to path', 'pass an object such as { nvidia: "/usr/local/nvidia/toolkit/nvidia-container-runtime" }');
    }
    this.k3sVersion = options.k3sVersion ?? K3sVersion.DEFAULT;
    if (!hasBaseTemplate(this.k3sVersion)) {
      throw propError(owner, 'k3sVersion', this.k3sVersion.toString(),
        'has no containerd "base" template, so K3s could not render a template that starts with {{ template "base" . }} and containerd would not start',
        'use K3s v1.26.8, v1.27.5, v1.28.1 or a later release of its line (any release from v1.29)');
    }
    if (options.systemdCgroup !== undefined && typeof options.systemdCgroup !== 'boolean') {
      throw propError(owner, 'systemdCgroup', options.systemdCgroup, 'is not true or false', 'leave it unset to follow K3s, or force true or false');
    }
    this.systemdCgroup = options.systemdCgroup;
    this.dataDir = normalizeDataDir(owner, 'dataDir', options.dataDir);
    this.crunPodAnnotations = [...(options.crunPodAnnotations ?? CRUN_POD_ANNOTATIONS)];
    this.binaryPaths = { ...(options.binaryPaths ?? {}) };

    const byHandler = new Map<string, WasmRuntime>();
    for (const r of options.runtimes) {
      const seen = byHandler.get(r.handler);
      if (seen && (seen.runtimeType !== r.runtimeType || seen.binaryName !== r.binaryName)) {
        throw propError(owner, 'runtimes', r.handler, 'names two different runtimes', 'give each runtime its own handler');
      }
      byHandler.set(r.handler, r);
    }
    this.runtimes = [...byHandler.values()].sort((a, b) => byCodeUnit(a.handler, b.handler));

    for (const [handler, path] of Object.entries(this.binaryPaths)) {
      const r = byHandler.get(handler);
      if (!r) {
        throw propError(owner, 'binaryPaths', handler, 'is not a runtime this node offers', `use one of: ${this.runtimes.map(x => x.handler).join(', ') || '(none)'}`);
      }
      if (!r.runcCompatible) {
        throw propError(owner, `binaryPaths.${handler}`, path, 'is set for a shim runtime, which containerd finds by its runtime_type', 'remove it, and install the shim on the K3s PATH');
      }
      checkNodePath(owner, `binaryPaths.${handler}`, path, `/usr/local/bin/${r.binaryName}`);
    }
    // A runtime's own binaryName is TOML-safe already (WasmRuntime.custom checks it); a path set here
    // is checked above.

    if (this.runtimes.some(r => r.route === IntegrationRoute.CRUN)
      && !this.crunPodAnnotations.some(a => a === 'module.wasm.image/*' || a === 'module.wasm.image/variant' || a === '*')) {
      throw propError(owner, 'crunPodAnnotations', this.crunPodAnnotations,
        'does not let the module.wasm.image/variant pod annotation reach crun, so crun would start Wasm pods as Linux processes and fail',
        `include "module.wasm.image/*" (default: ${JSON.stringify(CRUN_POD_ANNOTATIONS)})`);
    }
    for (const a of this.crunPodAnnotations) {
      if (!/^[A-Za-z0-9.*/_-]+$/.test(a)) {
        throw propError(owner, 'crunPodAnnotations', a, 'is not an annotation key or pattern', 'use a key such as "run.oci.handler" or a pattern such as "module.wasm.image/*"');
      }
    }
  }

  /** containerd config version: 3 for containerd 2, 2 for containerd 1.x. */
  public get configVersion(): number {
    return this.k3sVersion.usesContainerd2 ? 3 : 2;
  }

  /** File name K3s reads: `config-v3.toml.tmpl` or `config.toml.tmpl`. */
  public get fileName(): string {
    return this.configVersion === 3 ? 'config-v3.toml.tmpl' : 'config.toml.tmpl';
  }

  /** Path of the template on the node: `<data-dir>/agent/etc/containerd/<fileName>`. */
  public get path(): string {
    return `${this.dataDir}/agent/etc/containerd/${this.fileName}`;
  }

  /** The table prefix of the CRI runtimes. */
  private get runtimesTable(): string {
    return this.configVersion === 3
      ? 'plugins.\'io.containerd.cri.v1.runtime\'.containerd.runtimes'
      : 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes';
  }

  /** The binary a runc-compatible runtime runs. */
  public binaryPathOf(runtime: WasmRuntime): string {
    return this.binaryPaths[runtime.handler] ?? (runtime.route === IntegrationRoute.CRUN ? DEFAULT_CRUN_PATH : runtime.binaryName);
  }

  /**
   * The template content. Deterministic: runtimes sorted by handler. K3s renders it with Go's
   * text/template (its ContainerdConfig data: `.ExtraRuntimes`, `.SystemdCgroup`, ...), then
   * containerd parses the result as TOML.
   */
  public render(): string {
    const key = this.configVersion === 3 ? (s: string) => `'${s}'` : (s: string) => tomlString(s);
    const systemdCgroup = this.systemdCgroup === undefined ? '{{ .SystemdCgroup }}' : String(this.systemdCgroup);
    const lines: string[] = [
      '{{ template "base" . }}',
      '',
      `# Generated by cdk8s-wasm-edge for K3s ${this.k3sVersion} (containerd config version ${this.configVersion}). Edit the cdk8s app, not this file.`,
      '# A runtime block between "if/end" comments is skipped when K3s found the binary on its PATH and added a runtime of that name itself;',
      '# the other blocks (crun under a handler name of its own, with the pod annotation whitelist) are always kept.',
    ];
    for (const r of this.runtimes) {
      const table = `${this.runtimesTable}.${key(r.handler)}`;
      // Only a table K3s may define itself is guarded (TOML refuses a table defined twice). The crun
      // runtime has a handler of its own (WasmRuntime.custom refuses K3s's names), so it is always
      // kept with its pod annotation whitelist.
      const guarded = isK3sDetectedHandler(r.handler);
      lines.push('');
      if (guarded) lines.push(`# {{ if not (index .ExtraRuntimes ${tomlString(r.handler)}).RuntimeType }}`);
      lines.push(`[${table}]`);
      lines.push(`  runtime_type = ${tomlString(r.runtimeType)}`);
      if (r.route === IntegrationRoute.CRUN) {
        lines.push(`  pod_annotations = [${this.crunPodAnnotations.map(tomlString).join(', ')}]`);
      }
      lines.push(`[${table}.options]`);
      if (r.runcCompatible) {
        lines.push(`  BinaryName = ${tomlString(this.binaryPathOf(r))}`);
      }
      lines.push(`  SystemdCgroup = ${systemdCgroup}`);
      if (guarded) lines.push('# {{ end }}');
    }
    return lines.join('\n') + '\n';
  }
}

/**
 * Whether K3s offers `{{ template "base" . }}` to config templates: September 2023 releases
 * v1.26.8, v1.27.5, v1.28.1 and later (older lines are refused by K3sVersion.parse).
 *
 * @see https://docs.k3s.io/advanced#base-template
 */
function hasBaseTemplate(v: K3sVersion): boolean {
  if (v.minor >= 29) return true;
  if (v.minor === 28) return v.patch >= 1;
  if (v.minor === 27) return v.patch >= 5;
  if (v.minor === 26) return v.patch >= 8;
  return false;
}
