import { checkDns1123Label, propError } from '../private/errors';

/**
 * How a Wasm module reaches a runtime on the node: the three integration routes of the design
 * documents.
 */
export enum IntegrationRoute {
  /**
   * A Linux image that bundles the WasmEdge CLI and the module; the pod runs on the node's normal
   * (runc) runtime. For development, CI and clusters without any shim. No RuntimeClass needed.
   */
  WASMEDGE_IN_IMAGE = 'wasmedge-in-image',

  /**
   * crun built with WasmEdge support runs the module when the pod carries
   * `module.wasm.image/variant: compat` (Wasm only) or `compat-smart` (Wasm beside Linux containers).
   * The node's containerd runtime for crun must whitelist that annotation (`pod_annotations`).
   *
   * @see https://github.com/containers/crun/blob/main/docs/wasm-wasi-on-kubernetes.md
   */
  CRUN = 'crun',

  /**
   * A containerd-shim-runwasi shim (wasmedge, wasmtime, spin, ...) starts the module directly.
   * No annotation; the entrypoint must be an absolute path inside the image (starts with `/`).
   *
   * @see https://github.com/containerd/runwasi
   */
  RUNWASI = 'runwasi',
}

/** Options for a runtime that is not one of the presets. */
export interface WasmRuntimeOptions {
  /**
   * The containerd runtime handler (the name under `containerd.runtimes`), also the RuntimeClass
   * `handler`. A DNS-1123 label of at most `MAX_RUNTIME_HANDLER_LENGTH` (55) characters, since it is
   * part of the node label `cdk8s-wasm-edge.io/runtime.<handler>`, and not one of the handlers K3s
   * defines itself (`crun`, `nvidia*`, the runwasi shims: its definition would replace this one).
   */
  readonly handler: string;

  /**
   * containerd `runtime_type`, e.g. `io.containerd.wasmedge.v1`: letters, digits, `_`, `.` and `-`.
   */
  readonly runtimeType: string;

  /**
   * The binary containerd starts (shim name or `BinaryName` option): a file name or an absolute
   * path of letters, digits and `._+-/` (it is written into the containerd TOML unescaped).
   */
  readonly binaryName: string;

  /**
   * The integration route pods on this runtime use.
   *
   * @default IntegrationRoute.RUNWASI
   */
  readonly route?: IntegrationRoute;

  /**
   * Whether the runtime gives containers access to NVIDIA GPUs.
   *
   * @default false
   */
  readonly gpu?: boolean;

  /**
   * Whether `runtimeType` is `io.containerd.runc.v2` driving `binaryName` through the `BinaryName`
   * option (crun, nvidia), rather than a shim of its own.
   *
   * @default - true when runtimeType is io.containerd.runc.v2
   */
  readonly runcCompatible?: boolean;
}

/** One row of the runtime table: the public options plus what K3s does with the handler. */
interface RuntimeRow extends WasmRuntimeOptions {
  /** Whether K3s's manifests/runtimes.yaml creates a RuntimeClass named after the handler. */
  readonly k3sRuntimeClass?: boolean;
  /** The default RuntimeClass name, when it is not `<handler>-wasm-edge`. */
  readonly className?: string;
}

/**
 * Handlers K3s defines itself when it finds their binary (k3s-io/k3s pkg/agent/containerd/runtimes.go:
 * findCRunContainerRuntime, findNvidiaContainerRuntimes, findWasiRuntimes). A containerd template
 * cannot define a runtime table of the same name, so the K3s definition wins on every node where the
 * binary is on K3s's PATH.
 */
const K3S_DETECTED_HANDLERS = new Set([
  'crun', 'nvidia', 'nvidia-experimental', 'nvidia-cdi',
  'lunatic', 'slight', 'spin', 'wws', 'wasmedge', 'wasmer', 'wasmtime',
]);

/** Runtimes `{{ template "base" . }}` always defines (k3s pkg/agent/templates/templates_linux.go, templates_windows.go). */
const K3S_BASE_HANDLERS = new Set(['runc', 'runhcs-wcow-process']);

/**
 * Whether K3s defines a runtime of this handler name itself when it finds the binary on its PATH.
 *
 * @internal
 */
export function isK3sDetectedHandler(handler: string): boolean {
  return K3S_DETECTED_HANDLERS.has(handler);
}

/** The characters a binary name may have: it is written into the containerd TOML unescaped. */
const SAFE_BINARY = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const SAFE_BINARY_PATH = /^\/[A-Za-z0-9._+/-]+$/;

/**
 * The longest custom handler: the node label `cdk8s-wasm-edge.io/runtime.<handler>` (see
 * `nodeLabel`) has a name part of at most 63 characters (k8s.io/apimachinery IsQualifiedName),
 * and `runtime.` takes 8 of them.
 */
export const MAX_RUNTIME_HANDLER_LENGTH = 63 - 'runtime.'.length;

/**
 * A container runtime on the node: one row of the runtime table. The single source of truth for the
 * handler name, the containerd runtime_type, the binary, the integration route and whether K3s
 * creates a RuntimeClass for it, used by the RuntimeClass presets, WasmDeployment and the K3s
 * containerd template.
 *
 * The presets follow the handlers K3s detects on its PATH (k3s-io/k3s pkg/agent/containerd/runtimes.go)
 * and the RuntimeClasses K3s creates for them (k3s-io/k3s manifests/runtimes.yaml), except crun,
 * which the library gives a handler of its own (`crun-wasm`, see `CRUN`).
 *
 * @see https://docs.k3s.io/advanced#alternative-container-runtime-support
 */
export class WasmRuntime {
  /** WasmEdge through runwasi (`containerd-shim-wasmedge-v1`). */
  public static readonly WASMEDGE = new WasmRuntime({ handler: 'wasmedge', runtimeType: 'io.containerd.wasmedge.v1', binaryName: 'containerd-shim-wasmedge-v1', k3sRuntimeClass: true });
  /** Wasmtime through runwasi (`containerd-shim-wasmtime-v1`). */
  public static readonly WASMTIME = new WasmRuntime({ handler: 'wasmtime', runtimeType: 'io.containerd.wasmtime.v1', binaryName: 'containerd-shim-wasmtime-v1', k3sRuntimeClass: true });
  /** Wasmer through runwasi (`containerd-shim-wasmer-v1`). */
  public static readonly WASMER = new WasmRuntime({ handler: 'wasmer', runtimeType: 'io.containerd.wasmer.v1', binaryName: 'containerd-shim-wasmer-v1', k3sRuntimeClass: true });
  /** Spin (`containerd-shim-spin-v2`), handler name `spin` as K3s and spin-operator use it. */
  public static readonly SPIN = new WasmRuntime({ handler: 'spin', runtimeType: 'io.containerd.spin.v2', binaryName: 'containerd-shim-spin-v2', k3sRuntimeClass: true });
  /**
   * Spin with the handler name `spin-v2` that runtime-class-manager (SpinKube) configures. K3s
   * creates no RuntimeClass for it.
   *
   * @see https://github.com/spinframework/runtime-class-manager
   */
  public static readonly SPIN_V2 = new WasmRuntime({ handler: 'spin-v2', runtimeType: 'io.containerd.spin.v2', binaryName: 'containerd-shim-spin-v2' });
  /** SpiderLightning (`containerd-shim-slight-v1`). */
  public static readonly SLIGHT = new WasmRuntime({ handler: 'slight', runtimeType: 'io.containerd.slight.v1', binaryName: 'containerd-shim-slight-v1', k3sRuntimeClass: true });
  /** Wasm Workers Server (`containerd-shim-wws-v1`). */
  public static readonly WWS = new WasmRuntime({ handler: 'wws', runtimeType: 'io.containerd.wws.v1', binaryName: 'containerd-shim-wws-v1', k3sRuntimeClass: true });
  /** Lunatic (`containerd-shim-lunatic-v1`). */
  public static readonly LUNATIC = new WasmRuntime({ handler: 'lunatic', runtimeType: 'io.containerd.lunatic.v1', binaryName: 'containerd-shim-lunatic-v1', k3sRuntimeClass: true });
  /**
   * crun with WasmEdge support, driven by runc.v2 (`BinaryName` crun); route crun (annotations).
   *
   * The handler is `crun-wasm`, not `crun`: when K3s finds a `crun` binary on its PATH (a
   * distribution package puts one in /usr/bin, where the WasmEdge docs install theirs), it defines a
   * `crun` runtime itself, without `pod_annotations` (k3s-io/k3s pkg/agent/containerd/runtimes.go,
   * findCRunContainerRuntime), and a template table of the same name cannot replace it, so
   * `module.wasm.image/variant` would never reach crun. K3s never defines `crun-wasm`, and creates no
   * RuntimeClass for it (k3s-io/k3s manifests/runtimes.yaml): the library's class is named
   * `crun-wasm` too.
   */
  public static readonly CRUN = new WasmRuntime({ handler: 'crun-wasm', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN, className: 'crun-wasm' });
  /** NVIDIA container runtime: GPU access for Linux images that bundle WasmEdge with WASI-NN. */
  public static readonly NVIDIA = new WasmRuntime({ handler: 'nvidia', runtimeType: 'io.containerd.runc.v2', binaryName: 'nvidia-container-runtime', route: IntegrationRoute.WASMEDGE_IN_IMAGE, gpu: true, k3sRuntimeClass: true });
  /**
   * NVIDIA experimental runtime (`nvidia-container-runtime-experimental`, the binary K3s looks for:
   * k3s-io/k3s pkg/agent/containerd/runtimes.go, findNvidiaContainerRuntimes).
   */
  public static readonly NVIDIA_EXPERIMENTAL = new WasmRuntime({ handler: 'nvidia-experimental', runtimeType: 'io.containerd.runc.v2', binaryName: 'nvidia-container-runtime-experimental', route: IntegrationRoute.WASMEDGE_IN_IMAGE, gpu: true, k3sRuntimeClass: true });
  /** NVIDIA runtime in CDI mode (`nvidia-container-runtime.cdi`). K3s detects it but creates no RuntimeClass for it. */
  public static readonly NVIDIA_CDI = new WasmRuntime({ handler: 'nvidia-cdi', runtimeType: 'io.containerd.runc.v2', binaryName: 'nvidia-container-runtime.cdi', route: IntegrationRoute.WASMEDGE_IN_IMAGE, gpu: true });

  /** Every preset, in table order. */
  public static all(): WasmRuntime[] {
    return [
      WasmRuntime.WASMEDGE, WasmRuntime.WASMTIME, WasmRuntime.WASMER, WasmRuntime.SPIN, WasmRuntime.SPIN_V2,
      WasmRuntime.SLIGHT, WasmRuntime.WWS, WasmRuntime.LUNATIC, WasmRuntime.CRUN,
      WasmRuntime.NVIDIA, WasmRuntime.NVIDIA_EXPERIMENTAL, WasmRuntime.NVIDIA_CDI,
    ];
  }

  /**
   * The preset with this handler name.
   *
   * @throws when no preset has that handler; use `WasmRuntime.custom()` for others.
   */
  public static fromHandler(handler: string): WasmRuntime {
    const found = WasmRuntime.all().find(r => r.handler === handler);
    if (!found) {
      if (handler === 'crun') {
        throw propError('WasmRuntime', 'handler', handler, 'is the runtime K3s defines itself for a crun it finds on its PATH, without the pod annotations crun needs for Wasm',
          `use WasmRuntime.CRUN (handler "${WasmRuntime.CRUN.handler}", the library's crun runtime)`);
      }
      throw propError('WasmRuntime', 'handler', handler, 'is not a known runtime handler',
        `use one of ${WasmRuntime.all().map(r => r.handler).join(', ')}, or WasmRuntime.custom({ handler, runtimeType, binaryName })`);
    }
    return found;
  }

  /**
   * A runtime that is not one of the presets. Its handler must be one K3s does not define itself
   * (K3s's own definition would replace it), and its names must be safe to write into the
   * containerd TOML and a node label.
   */
  public static custom(options: WasmRuntimeOptions): WasmRuntime {
    const where = 'WasmRuntime.custom';
    if (typeof options?.handler !== 'string') {
      throw propError(where, 'handler', options?.handler, 'is not a string', 'use a DNS-1123 label such as "wamr"');
    }
    checkDns1123Label(where, 'handler', options.handler);
    if (options.handler.length > MAX_RUNTIME_HANDLER_LENGTH) {
      throw propError(where, 'handler', options.handler,
        `is longer than ${MAX_RUNTIME_HANDLER_LENGTH} characters: it becomes the node label ${WASM_EDGE_LABEL_PREFIX}runtime.<handler>, whose name part is at most 63 characters`,
        `use a handler of at most ${MAX_RUNTIME_HANDLER_LENGTH} characters`);
    }
    if (K3S_BASE_HANDLERS.has(options.handler)) {
      throw propError(where, 'handler', options.handler,
        'is a runtime K3s\'s base containerd template always defines (k3s pkg/agent/templates/templates_linux.go), so a second table of that name would stop containerd',
        'use another handler name');
    }
    if (K3S_DETECTED_HANDLERS.has(options.handler)) {
      const preset = WasmRuntime.all().find(r => r.handler === options.handler);
      throw propError(where, 'handler', options.handler,
        'is a runtime K3s defines itself when it finds the binary on its PATH (k3s pkg/agent/containerd/runtimes.go), and its definition replaces the template\'s',
        preset ? `use WasmRuntime.${presetName(preset)}, or another handler name` : 'use another handler name (the library\'s crun is WasmRuntime.CRUN, handler "crun-wasm")');
    }
    if (typeof options.runtimeType !== 'string' || options.runtimeType.length > 253 || !/^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(options.runtimeType)) {
      throw propError(where, 'runtimeType', options.runtimeType, 'is not a containerd runtime type (letters, digits, "_", "." and "-", at most 253 characters)',
        'use a name such as "io.containerd.wasmedge.v1"');
    }
    const binary = options.binaryName;
    if (typeof binary !== 'string' || binary.length > 255 || !(SAFE_BINARY.test(binary) || (SAFE_BINARY_PATH.test(binary) && !binary.split('/').some(s => s === '.' || s === '..')))) {
      throw propError(where, 'binaryName', binary, 'is not a binary name or absolute path of letters, digits and "._+-/" (it is written into the containerd TOML, where quotes, "#" or spaces break it)',
        'use the shim or runtime binary, e.g. "containerd-shim-wasmedge-v1" or "/usr/local/bin/crun"');
    }
    if (options.route !== undefined && !Object.values(IntegrationRoute).includes(options.route)) {
      throw propError(where, 'route', options.route, 'is not an integration route', `use one of ${Object.values(IntegrationRoute).join(', ')}`);
    }
    for (const prop of ['gpu', 'runcCompatible'] as const) {
      if (options[prop] !== undefined && typeof options[prop] !== 'boolean') {
        throw propError(where, prop, options[prop], 'is not a boolean', `set ${prop} to true or false`);
      }
    }
    const runc = options.runcCompatible ?? options.runtimeType === 'io.containerd.runc.v2';
    if (options.route === IntegrationRoute.CRUN && !runc) {
      throw propError(where, 'route', options.route, 'needs a runc-compatible runtime (crun is driven by io.containerd.runc.v2 with BinaryName)',
        'set runtimeType "io.containerd.runc.v2", or use the runwasi route');
    }
    return new WasmRuntime({
      handler: options.handler,
      runtimeType: options.runtimeType,
      binaryName: binary,
      route: options.route,
      gpu: options.gpu,
      runcCompatible: options.runcCompatible,
    });
  }

  /** The containerd runtime handler, and the RuntimeClass `handler`. */
  public readonly handler: string;
  /** containerd `runtime_type`. */
  public readonly runtimeType: string;
  /** The shim or runtime binary. */
  public readonly binaryName: string;
  /** The integration route pods on this runtime use. */
  public readonly route: IntegrationRoute;
  /** Whether the runtime gives access to NVIDIA GPUs. */
  public readonly gpu: boolean;
  /** Whether the runtime is runc.v2 with a `BinaryName` option. */
  public readonly runcCompatible: boolean;
  /**
   * Whether K3s creates a RuntimeClass named after the handler when it detects the runtime
   * (k3s-io/k3s manifests/runtimes.yaml): only then does `RuntimeClass.fromK3s()` refer to a class
   * that exists. False for `spin-v2`, `nvidia-cdi`, `crun-wasm` and custom runtimes.
   */
  public readonly k3sRuntimeClass: boolean;
  /**
   * The name `new RuntimeClass()` gives a class for this runtime by default: `<handler>-wasm-edge`,
   * which never collides with the class K3s or runtime-class-manager create under the handler's
   * name; `crun-wasm` for the library's own crun handler, which nothing else creates.
   */
  public readonly defaultRuntimeClassName: string;

  private constructor(options: RuntimeRow) {
    this.handler = options.handler;
    this.runtimeType = options.runtimeType;
    this.binaryName = options.binaryName;
    this.route = options.route ?? IntegrationRoute.RUNWASI;
    this.gpu = options.gpu ?? false;
    this.runcCompatible = options.runcCompatible ?? options.runtimeType === 'io.containerd.runc.v2';
    this.k3sRuntimeClass = options.k3sRuntimeClass ?? false;
    this.defaultRuntimeClassName = options.className ?? `${options.handler}-wasm-edge`;
  }

  /**
   * The node label that says this runtime is installed on a node. RuntimeClasses select it, and
   * EdgeOfflineNode sets it on the nodes that offer the runtime, so the two cannot disagree.
   */
  public get nodeLabel(): string {
    return `${WASM_EDGE_LABEL_PREFIX}runtime.${this.handler}`;
  }
}

function presetName(r: WasmRuntime): string {
  for (const [name, value] of Object.entries(WasmRuntime)) {
    if (value === r) return name;
  }
  return r.handler.toUpperCase().replace(/-/g, '_');
}

/** Prefix of every label and taint this library puts on nodes. */
export const WASM_EDGE_LABEL_PREFIX = 'cdk8s-wasm-edge.io/';

/**
 * The taint nodes reserved for Wasm workloads carry; RuntimeClasses made by this library tolerate it.
 */
export const WASM_ONLY_TAINT_KEY = `${WASM_EDGE_LABEL_PREFIX}wasm-only`;

/**
 * The label that marks a pod as a Wasm pod (value `"true"`): WasmDeployment sets it on the pods of a
 * Wasm RuntimeClass, and the admission rules (WasmPolicies) hold every pod that carries it to the
 * Wasm rules, whatever its image.
 */
export const WASM_POD_LABEL = `${WASM_EDGE_LABEL_PREFIX}wasm`;
