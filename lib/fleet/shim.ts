/**
 * runtime-class-manager's `Shim` (runtime.spinkube.dev/v1alpha1): installs a containerd Wasm shim on
 * labelled nodes of a cluster this library did not build, and creates the RuntimeClass for it.
 *
 * What the controller does with each field was read in spinframework/runtime-class-manager v0.2.0
 * (7e6b1b8); paths and lines below are of that tag.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IntegrationRoute, WasmRuntime } from '../core/runtime';
import { IRuntimeClass } from '../core/runtime-class-ref';
import type { ShimSpecFetchStrategy, ShimSpecRolloutStrategyType } from '../imports/runtime-class-manager';
import { checkNoCredential } from '../private/credentials';
import { checkDns1123Label, checkInt, INT32_MAX, propError } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { checkLabels } from '../private/validate';
import { warn } from '../private/warnings';

const { Shim } = lazyExports((): typeof import('../imports/runtime-class-manager') => require('../imports/runtime-class-manager'));

/**
 * The prefix runtime-class-manager strips from the binary to name the containerd runtime
 * (internal/shim/shim.go:41-43 `RuntimeName`), and that its downloader puts before the Shim's name
 * to find the binary in the tarball (images/downloader/download_shim.sh:31,53-55).
 */
const SHIM_BINARY_PREFIX = 'containerd-shim-';

/** The CPU architectures a `platforms` entry may name (api/v1alpha1/shim_types.go:67-70). */
export enum ShimArchitecture {
  /** 64-bit x86 (`amd64`; the controller also matches it to `x86_64` nodes). */
  AMD64 = 'amd64',
  /** 64-bit ARM (`arm64`; matched to `aarch64` too). */
  ARM64 = 'arm64',
}

/** One tarball of a shim for one CPU architecture (`fetchStrategy.platforms[]`). */
export interface ShimPlatformArtifact {
  /** The architecture of the nodes that get this tarball. */
  readonly arch: ShimArchitecture;

  /**
   * The http(s) URL of the `.tar.gz` (no credentials: the downloader fetches it anonymously).
   */
  readonly location: string;

  /**
   * The tarball's SHA-256 (64 hex digits). The downloader compares it with `sha256sum -c` and fails
   * the install on a mismatch (images/downloader/download_shim.sh:58-67).
   *
   * @default - not checked
   */
  readonly sha256?: string;
}

/**
 * Where the downloader fetches the shim tarball from (`fetchStrategy`). The tarball must hold the
 * binary `containerd-shim-<name>` at its top level, `<name>` being the Shim's name (the handler): the
 * downloader extracts exactly that file (images/downloader/download_shim.sh:53-55). For an airgapped
 * site, point it at the site's own mirror.
 */
export class ShimFetchStrategy {
  /**
   * One tarball for every node (`anonHttp.location`), fetched with `curl -sL` without credentials
   * (download_shim.sh:31). Only right when every selected node has the same CPU architecture.
   *
   * @param location the http(s) URL of the `.tar.gz`
   */
  public static anonHttp(location: string): ShimFetchStrategy {
    return new ShimFetchStrategy(location, []);
  }

  /**
   * One tarball per CPU architecture (`platforms`), each optionally with its SHA-256. The controller
   * picks the entry matching the node's `status.nodeInfo` OS and architecture, and installs nothing on
   * a node none matches (internal/controller/shim_controller.go:358-383).
   */
  public static forPlatforms(artifacts: ShimPlatformArtifact[]): ShimFetchStrategy {
    return new ShimFetchStrategy(undefined, artifacts);
  }

  private constructor(
    /** @internal */ public readonly _location: string | undefined,
    /** @internal */ public readonly _platforms: ShimPlatformArtifact[],
  ) {}

  /** @internal */
  public _render(scope: IConstruct): ShimSpecFetchStrategy {
    if (this._location !== undefined) {
      checkFetchUrl(scope, 'fetchStrategy.location', this._location, 'https://mirror.site.local/shims/containerd-shim-spin-v2-linux-x86_64.tar.gz');
      return { anonHttp: { location: this._location } };
    }
    const artifacts = this._platforms;
    if (!Array.isArray(artifacts) || artifacts.length === 0) {
      throw propError(scope, 'fetchStrategy.platforms', artifacts, 'is empty', 'give one artifact per CPU architecture, or use ShimFetchStrategy.anonHttp(url)');
    }
    const seen = new Set<string>();
    const platforms = artifacts.map((a, i) => {
      const prop = `fetchStrategy.platforms[${i}]`;
      if (!Object.values(ShimArchitecture).includes(a?.arch)) {
        throw propError(scope, `${prop}.arch`, a?.arch, 'is not an architecture the Shim CRD accepts', 'use ShimArchitecture.AMD64 or ShimArchitecture.ARM64');
      }
      if (seen.has(a.arch)) {
        // The controller takes the first match (shim_controller.go:364-371): a second entry is never used.
        throw propError(scope, `${prop}.arch`, a.arch, 'is listed twice; the controller uses only the first entry for an architecture', 'give each architecture once');
      }
      seen.add(a.arch);
      checkFetchUrl(scope, `${prop}.location`, a.location, 'https://mirror.site.local/shims/containerd-shim-spin-v2-linux-aarch64.tar.gz');
      if (a.sha256 !== undefined && (typeof a.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(a.sha256))) {
        throw propError(scope, `${prop}.sha256`, a.sha256, 'is not a SHA-256 digest (64 hex digits)', 'use the output of `sha256sum <tarball>`');
      }
      return { os: 'linux', arch: a.arch, location: a.location, sha256: a.sha256?.toLowerCase() };
    });
    // Sorted: the order carries no meaning once each architecture appears once.
    platforms.sort((a, b) => (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
    return { platforms: platforms as unknown as ShimSpecFetchStrategy['platforms'] };
  }
}

/** How the controller rolls the install out over the selected nodes (`rolloutStrategy`). */
export class ShimRolloutStrategy {
  /**
   * Install on every selected node at once: one install Job per node that is not yet `provisioned` or
   * `pending` (internal/controller/shim_controller.go:259-277). The only strategy v0.2.0 implements.
   */
  public static recreate(): ShimRolloutStrategy {
    return new ShimRolloutStrategy('recreate');
  }

  /**
   * Install on at most `maxUpdate` nodes at a time. runtime-class-manager v0.2.0 does not implement
   * it: its reconcile returns "rolling strategy not implemented yet" and installs nothing
   * (internal/controller/shim_controller.go:240-245), so `RuntimeClassManagerShim` refuses it.
   *
   * @param maxUpdate how many nodes at a time (>= 1)
   */
  public static rolling(maxUpdate: number): ShimRolloutStrategy {
    return new ShimRolloutStrategy('rolling', maxUpdate);
  }

  private constructor(
    /** The `rolloutStrategy.type`: `recreate` or `rolling`. */
    public readonly type: string,
    /** `rolling.maxUpdate`, for the rolling strategy. */
    public readonly maxUpdate?: number,
  ) {}
}

/** Props of a RuntimeClassManagerShim. */
export interface RuntimeClassManagerShimProps {
  /**
   * The shim to install: a runwasi shim whose binary is `containerd-shim-<name>` (every preset of the
   * runwasi route; crun and the NVIDIA runtimes are not shims and are refused). runtime-class-manager
   * names the containerd runtime after the binary without `containerd-shim-`
   * (internal/shim/shim.go:41-43, internal/containerd/configure.go:50-66), so the handler is e.g.
   * `wasmedge-v1` for `WasmRuntime.WASMEDGE` and `spin-v2` for `WasmRuntime.SPIN` and
   * `WasmRuntime.SPIN_V2`: see `runtime`.
   */
  readonly runtime: WasmRuntime;

  /** Where the controller's downloader fetches the shim tarball from. */
  readonly fetchStrategy: ShimFetchStrategy;

  /**
   * Labels of the nodes to install the shim on (`nodeSelector`). The controller installs on the nodes
   * that carry all of them (shim_controller.go:663-678), and the RuntimeClass it creates has the same
   * `scheduling.nodeSelector` (shim_controller.go:618-635), so pods of the class land only there.
   * Label the nodes yourself (`kubectl label node <node> <key>=<value>`): on a cluster this library did
   * not build, no node carries a label until you set it. Must not be empty: an empty selector
   * installs on every node of the cluster.
   *
   * @default - `{ "<runtime.nodeLabel>": "true" }`, e.g. `cdk8s-wasm-edge.io/runtime.spin-v2: "true"`, the
   * label the library's RuntimeClasses and EdgeOfflineNode use
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * The name of the RuntimeClass the controller creates (`runtimeClass.name`). It creates the class
   * only when none of that name exists, and never updates one that does
   * (shim_controller.go:157-168), so pick a name no other class has.
   *
   * @default - `wasmtime-spin-v2` for Spin (the class SpinKube's SpinAppExecutor expects, as in
   * config/samples/sample_shim_spin.yaml:34-38); the handler (e.g. `wasmedge-v1`) for the others,
   * as in config/samples/sample_shim_wasmtime.yaml:24-26
   */
  readonly runtimeClassName?: string;

  /** How to roll the install out. @default ShimRolloutStrategy.recreate() */
  readonly rolloutStrategy?: ShimRolloutStrategy;

  /**
   * Set `SystemdCgroup = true` in the shim's containerd runtime options (`containerdRuntimeOptions`).
   * runwasi shims default to cgroupfs; on systemd hosts, pod CPU metrics stay flat without it
   * (config/samples/sample_shim_spin.yaml:26-32). Leave it off on hosts without systemd.
   *
   * @default false: no runtime options (the shim's own default, cgroupfs)
   */
  readonly systemdCgroup?: boolean;
}

/** The RuntimeClass a Shim makes the controller create: emitted by the controller, not by this library. */
class ShimRuntimeClass extends Construct implements IRuntimeClass {
  public readonly managed = false;
  constructor(scope: Construct, id: string,
    public readonly runtimeClassName: string,
    public readonly runtime: WasmRuntime,
    private readonly selector: { [key: string]: string }) {
    super(scope, id);
  }

  public get nodeSelector(): { [key: string]: string } {
    return Object.assign({}, this.selector);
  }
}

/**
 * runtime-class-manager's `Shim` (runtime.spinkube.dev/v1alpha1, cluster-scoped): the controller
 * downloads the shim tarball on each selected node, installs the binary under `/opt/rcm/bin`, adds a
 * containerd runtime for it (on K3s to `config.toml.tmpl`: internal/preset/preset.go:85-86), restarts
 * containerd, and labels the node `<shim name>=provisioned` when the install Job completes
 * (internal/controller/job_controller.go:105-113; `pending` while it runs, `failed` on failure). It also
 * creates a RuntimeClass with the Shim's nodeSelector. Use `runtimeClass` as a WasmDeployment's
 * `runtimeClass` to run workloads on those nodes.
 *
 * For clusters the library did not build (nodes made by EdgeOfflineNode get their shims from the
 * node files instead). Needs runtime-class-manager installed in the cluster. On K3s, its node
 * installer finds K3s only under the default data dir (cmd/node-installer/detect.go:28-39), seeds
 * `config.toml.tmpl` with a copy of the rendered `config.toml` when there is no template
 * (internal/preset/preset.go:48-86), and appends its runtime there, which K3s ignores on nodes that
 * have a `config-v3.toml.tmpl` (K3s reads that one first). Nodes with their own containerd template
 * should get the shim through it instead.
 *
 * @see https://github.com/spinframework/runtime-class-manager/tree/v0.2.0
 */
export class RuntimeClassManagerShim extends Construct {
  /**
   * The runtime-class-manager handler of a shim runtime: its binary name without `containerd-shim-`
   * (internal/shim/shim.go:41-43), e.g. `wasmedge-v1` for WasmRuntime.WASMEDGE.
   *
   * @throws when the runtime is not a runwasi shim named `containerd-shim-<name>`
   */
  public static handlerOf(runtime: WasmRuntime): string {
    return shimHandler('RuntimeClassManagerShim', runtime);
  }

  /**
   * The Shim's name, which is also the containerd handler, the RuntimeClass handler and the node label
   * key the controller sets (shim_controller.go:346-347, 453-459).
   */
  public readonly shimName: string;

  /**
   * The runtime as runtime-class-manager configures it: handler `shimName`. `WasmRuntime.SPIN_V2` for
   * Spin; for the others a runtime with the same binary and runtime type and the `-vN` handler.
   */
  public readonly runtime: WasmRuntime;

  /**
   * The RuntimeClass the controller creates, for a WasmDeployment's `runtimeClass`: its name, the
   * runtime, and the Shim's nodeSelector as its scheduling. Not emitted by this library (`managed`
   * false): the controller creates it. It tolerates no taint (shim_controller.go:633-635), so
   * workloads for nodes tainted `cdk8s-wasm-edge.io/wasm-only` need their own toleration. Its
   * selector does not wait for the install: a pod scheduled to a node still labelled
   * `<shimName>=pending` fails to start its sandbox until containerd has the runtime, and the kubelet
   * retries it.
   */
  public readonly runtimeClass: IRuntimeClass;

  /** The nodeSelector of the Shim (and of its RuntimeClass). */
  public readonly nodeSelector: { [key: string]: string };

  /** The Shim API object (runtime.spinkube.dev/v1alpha1). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RuntimeClassManagerShimProps) {
    super(scope, id);
    if (!props || typeof props !== 'object') {
      throw propError(this, 'props', props, 'are missing', 'pass { runtime, fetchStrategy }');
    }
    this.shimName = shimHandler(this, props.runtime);
    this.runtime = rcmRuntime(props.runtime, this.shimName);

    if (!(props.fetchStrategy instanceof ShimFetchStrategy)) {
      throw propError(this, 'fetchStrategy', props.fetchStrategy, 'is not a ShimFetchStrategy',
        'use ShimFetchStrategy.anonHttp(url) or ShimFetchStrategy.forPlatforms([...])');
    }
    const fetchStrategy = props.fetchStrategy._render(this);

    const rollout = props.rolloutStrategy ?? ShimRolloutStrategy.recreate();
    if (!(rollout instanceof ShimRolloutStrategy)) {
      throw propError(this, 'rolloutStrategy', rollout, 'is not a ShimRolloutStrategy', 'use ShimRolloutStrategy.recreate()');
    }
    if (rollout.type === 'rolling') {
      checkInt(this, 'rolloutStrategy.maxUpdate', rollout.maxUpdate, 1, INT32_MAX, { required: true });
      throw propError(this, 'rolloutStrategy', `rolling(${rollout.maxUpdate})`,
        'is not implemented by runtime-class-manager v0.2.0: its reconcile returns "rolling strategy not implemented yet" and installs nothing (internal/controller/shim_controller.go:240-245)',
        'use ShimRolloutStrategy.recreate() (the default), and limit how many nodes carry the nodeSelector labels at a time');
    }

    if (props.nodeSelector !== undefined) {
      checkLabels(this, 'nodeSelector', props.nodeSelector);
      if (Object.keys(props.nodeSelector).length === 0) {
        throw propError(this, 'nodeSelector', props.nodeSelector, 'is empty: the controller would install the shim on every node of the cluster (shim_controller.go:670-675)',
          `select the nodes, e.g. { "${this.runtime.nodeLabel}": "true" }`);
      }
    }
    this.nodeSelector = Object.assign({}, props.nodeSelector ?? { [this.runtime.nodeLabel]: 'true' });
    if (this.nodeSelector[this.shimName] !== undefined) {
      // The controller writes pending/provisioned/failed under this key (shim_controller.go:346-347).
      throw propError(this, 'nodeSelector', this.nodeSelector, `uses the key "${this.shimName}", which the controller overwrites with the install status`,
        'select the nodes with another label');
    }

    const className = props.runtimeClassName ?? (this.shimName === WasmRuntime.SPIN_V2.handler ? 'wasmtime-spin-v2' : this.shimName);
    if (typeof className !== 'string') {
      throw propError(this, 'runtimeClassName', className, 'is not a string', 'use a DNS-1123 label such as "wasmtime-spin-v2"');
    }
    // A label, not just a subdomain: the controller labels the class with its own name (shim_controller.go:628-631).
    checkDns1123Label(this, 'runtimeClassName', className);

    if (props.systemdCgroup !== undefined && typeof props.systemdCgroup !== 'boolean') {
      throw propError(this, 'systemdCgroup', props.systemdCgroup, 'is not a boolean', 'set systemdCgroup to true or false');
    }

    this.apiObject = new Shim(this, 'Resource', {
      metadata: { name: this.shimName },
      spec: {
        nodeSelector: Object.assign({}, this.nodeSelector),
        fetchStrategy,
        runtimeClass: { name: className, handler: this.shimName },
        rolloutStrategy: { type: rollout.type as ShimSpecRolloutStrategyType },
        // Values are written into the containerd TOML unquoted (internal/containerd/configure.go:131-137): only a fixed boolean.
        containerdRuntimeOptions: props.systemdCgroup ? { SystemdCgroup: 'true' } : undefined,
      },
    });
    // Shim is cluster-scoped (api/v1alpha1/shim_types.go:109): drop the namespace of a namespaced chart.
    if (this.apiObject.metadata.namespace) {
      this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    this.runtimeClass = new ShimRuntimeClass(this, 'RuntimeClass', className, this.runtime, this.nodeSelector);
    // One class of a name per cluster. Checked in the chart (a fleet site is a chart and a cluster of
    // its own), at synth, when every class of the chart exists.
    const chart = Chart.of(this);
    for (const other of chart.node.findAll()) {
      if (other !== this && other instanceof RuntimeClassManagerShim && other.shimName === this.shimName) {
        throw propError(this, 'runtime', this.shimName, `is also installed by ${other.node.path}: two Shims of one name overwrite each other`,
          'install each shim once per cluster and share its runtimeClass');
      }
    }
    this.node.addValidation({
      validate: () => chart.node.findAll()
        .filter(c => c !== this.runtimeClass && isRuntimeClassLike(c) && c.runtimeClassName === className)
        .map(c => propError(this, 'runtimeClassName', className, `is also the name of ${c.node.path} in this chart: the controller creates its class only when none of that name exists (shim_controller.go:157-168)`,
          'give each RuntimeClass a unique name').message),
    });

    if (props.fetchStrategy._location !== undefined && props.fetchStrategy._location.startsWith('http://')) {
      warn(this, 'fetchStrategy.location', props.fetchStrategy._location, 'is plain http without a checksum: anything on the path can replace the shim binary',
        'serve it over https, or use ShimFetchStrategy.forPlatforms([{ arch, location, sha256 }])');
    }
  }
}

/** A RuntimeClass of this library or of another Shim (IRuntimeClass is an interface: duck-typed). */
function isRuntimeClassLike(c: IConstruct): c is IRuntimeClass {
  const r = c as Partial<IRuntimeClass>;
  return typeof r.runtimeClassName === 'string' && r.runtime instanceof WasmRuntime && typeof r.managed === 'boolean';
}

/** The shim name / handler for a runtime, or the library's error. */
function shimHandler(scope: IConstruct | string, runtime: WasmRuntime): string {
  if (!(runtime instanceof WasmRuntime)) {
    throw propError(scope, 'runtime', runtime, 'is not a WasmRuntime', 'use a runwasi shim such as WasmRuntime.SPIN_V2 or WasmRuntime.WASMEDGE');
  }
  const shims = WasmRuntime.all().filter(r => isShim(r)).map(r => r.handler).join(', ');
  if (!isShim(runtime)) {
    const why = runtime.route === IntegrationRoute.CRUN || runtime.runcCompatible
      ? `is driven by runc.v2 with BinaryName "${runtime.binaryName}", not a containerd shim: runtime-class-manager only installs containerd-shim-* binaries (internal/shim/shim.go:41-43)`
      : `has binary "${runtime.binaryName}", not a containerd-shim-<name> file name, which runtime-class-manager needs to name the runtime (internal/shim/shim.go:41-43)`;
    throw propError(scope, 'runtime', runtime.handler, why,
      `use a runwasi shim (${shims}); put crun and the NVIDIA runtimes on nodes with EdgeOfflineNode node files`);
  }
  const handler = runtime.binaryName.slice(SHIM_BINARY_PREFIX.length);
  // The Shim name is a node label key (shim_controller.go:347) and the RuntimeClass handler: a DNS-1123 label.
  checkDns1123Label(scope, 'runtime', handler);
  return handler;
}

function isShim(runtime: WasmRuntime): boolean {
  return runtime.route === IntegrationRoute.RUNWASI && !runtime.runcCompatible && !runtime.gpu
    && runtime.binaryName.startsWith(SHIM_BINARY_PREFIX) && runtime.binaryName.length > SHIM_BINARY_PREFIX.length;
}

/** The runtime runtime-class-manager configures: the preset of that handler, or one like it. */
function rcmRuntime(runtime: WasmRuntime, handler: string): WasmRuntime {
  if (runtime.handler === handler) return runtime;
  const preset = WasmRuntime.all().find(r => r.handler === handler);
  if (preset) return preset;
  return WasmRuntime.custom({ handler, runtimeType: runtime.runtimeType, binaryName: runtime.binaryName, route: IntegrationRoute.RUNWASI });
}

/**
 * An http(s) URL a controller fetches anonymously: a host, no credentials, no whitespace or quotes
 * (it reaches `curl` and Go's HTTP client as one argument, never a shell).
 *
 * @internal
 */
export function checkFetchUrl(scope: IConstruct | string, prop: string, value: string | undefined, example: string): void {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length > 2048 || /[\u0000-\u0020\u007f"'\\`<>{}|^]/.test(value)) {
    throw propError(scope, prop, value, 'is not a URL (no spaces, quotes, control characters or shell characters, at most 2048 characters)', `use a URL such as "${example}"`);
  }
  checkNoCredential(scope, prop, undefined, value, 'remove them: the URL is fetched anonymously; serve the file on the site network without authentication');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw propError(scope, prop, value, 'is not a URL', `use a URL such as "${example}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw propError(scope, prop, value, 'is not an http(s) URL', `use a URL such as "${example}"`);
  }
  if (url.username || url.password) {
    throw propError(scope, prop, value.replace(/\/\/[^@]*@/, '//<redacted>@'), 'holds credentials inline', 'remove them: the URL is fetched anonymously');
  }
  if (url.hostname === '' || url.port === '0' || !/^https?:\/\/[^/?#]+/.test(value)) {
    throw propError(scope, prop, value, 'has no host (or port 0)', `use a URL such as "${example}"`);
  }
}
