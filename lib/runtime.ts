import { checkDns1123Label, propError } from './errors';

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
   * `handler`. A DNS-1123 label.
   */
  readonly handler: string;

  /**
   * containerd `runtime_type`, e.g. `io.containerd.wasmedge.v1`.
   */
  readonly runtimeType: string;

  /**
   * The binary containerd starts (shim name or `BinaryName` option).
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

/**
 * A container runtime on the node: one row of the runtime table. The single source of truth for the
 * handler name, the containerd runtime_type, the binary and the integration route, used by the
 * RuntimeClass presets, WasmDeployment and the K3s containerd template.
 *
 * The presets are the handlers K3s detects on its PATH (k3s-io/k3s pkg/agent/containerd/runtimes.go).
 *
 * @see https://docs.k3s.io/advanced#alternative-container-runtime-support
 */
export class WasmRuntime {
  /** WasmEdge through runwasi (`containerd-shim-wasmedge-v1`). */
  public static readonly WASMEDGE = new WasmRuntime({ handler: 'wasmedge', runtimeType: 'io.containerd.wasmedge.v1', binaryName: 'containerd-shim-wasmedge-v1' });
  /** Wasmtime through runwasi (`containerd-shim-wasmtime-v1`). */
  public static readonly WASMTIME = new WasmRuntime({ handler: 'wasmtime', runtimeType: 'io.containerd.wasmtime.v1', binaryName: 'containerd-shim-wasmtime-v1' });
  /** Wasmer through runwasi (`containerd-shim-wasmer-v1`). */
  public static readonly WASMER = new WasmRuntime({ handler: 'wasmer', runtimeType: 'io.containerd.wasmer.v1', binaryName: 'containerd-shim-wasmer-v1' });
  /** Spin (`containerd-shim-spin-v2`), handler name `spin` as K3s and spin-operator use it. */
  public static readonly SPIN = new WasmRuntime({ handler: 'spin', runtimeType: 'io.containerd.spin.v2', binaryName: 'containerd-shim-spin-v2' });
  /**
   * Spin with the handler name `spin-v2` that runtime-class-manager (SpinKube) configures.
   *
   * @see https://github.com/spinframework/runtime-class-manager
   */
  public static readonly SPIN_V2 = new WasmRuntime({ handler: 'spin-v2', runtimeType: 'io.containerd.spin.v2', binaryName: 'containerd-shim-spin-v2' });
  /** SpiderLightning (`containerd-shim-slight-v1`). */
  public static readonly SLIGHT = new WasmRuntime({ handler: 'slight', runtimeType: 'io.containerd.slight.v1', binaryName: 'containerd-shim-slight-v1' });
  /** Wasm Workers Server (`containerd-shim-wws-v1`). */
  public static readonly WWS = new WasmRuntime({ handler: 'wws', runtimeType: 'io.containerd.wws.v1', binaryName: 'containerd-shim-wws-v1' });
  /** Lunatic (`containerd-shim-lunatic-v1`). */
  public static readonly LUNATIC = new WasmRuntime({ handler: 'lunatic', runtimeType: 'io.containerd.lunatic.v1', binaryName: 'containerd-shim-lunatic-v1' });
  /** crun with WasmEdge support, driven by runc.v2 (`BinaryName = "crun"`); route crun (annotations). */
  public static readonly CRUN = new WasmRuntime({ handler: 'crun', runtimeType: 'io.containerd.runc.v2', binaryName: 'crun', route: IntegrationRoute.CRUN });
  /** NVIDIA container runtime: GPU access for Linux images that bundle WasmEdge with WASI-NN. */
  public static readonly NVIDIA = new WasmRuntime({ handler: 'nvidia', runtimeType: 'io.containerd.runc.v2', binaryName: 'nvidia-container-runtime', route: IntegrationRoute.WASMEDGE_IN_IMAGE, gpu: true });
  /** NVIDIA experimental runtime. */
  public static readonly NVIDIA_EXPERIMENTAL = new WasmRuntime({ handler: 'nvidia-experimental', runtimeType: 'io.containerd.runc.v2', binaryName: 'nvidia-container-runtime.experimental', route: IntegrationRoute.WASMEDGE_IN_IMAGE, gpu: true });
  /** NVIDIA runtime in CDI mode. */
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
      throw propError('WasmRuntime', 'handler', handler, 'is not a known runtime handler',
        `use one of ${WasmRuntime.all().map(r => r.handler).join(', ')}, or WasmRuntime.custom({ handler, runtimeType, binaryName })`);
    }
    return found;
  }

  /** A runtime that is not one of the presets. */
  public static custom(options: WasmRuntimeOptions): WasmRuntime {
    checkDns1123Label('WasmRuntime.custom', 'handler', options.handler);
    if (!options.runtimeType || !/^[A-Za-z0-9_.-]+$/.test(options.runtimeType)) {
      throw propError('WasmRuntime.custom', 'runtimeType', options.runtimeType, 'is not a containerd runtime type', 'use a name such as "io.containerd.wasmedge.v1"');
    }
    if (!options.binaryName || /\s/.test(options.binaryName)) {
      throw propError('WasmRuntime.custom', 'binaryName', options.binaryName, 'is not a binary name', 'use the shim or runtime binary, e.g. "containerd-shim-wasmedge-v1"');
    }
    return new WasmRuntime(options);
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

  private constructor(options: WasmRuntimeOptions) {
    this.handler = options.handler;
    this.runtimeType = options.runtimeType;
    this.binaryName = options.binaryName;
    this.route = options.route ?? IntegrationRoute.RUNWASI;
    this.gpu = options.gpu ?? false;
    this.runcCompatible = options.runcCompatible ?? options.runtimeType === 'io.containerd.runc.v2';
  }

  /**
   * The node label that says this runtime is installed on a node. RuntimeClasses select it, and
   * EdgeOfflineNode sets it on the nodes that offer the runtime, so the two cannot disagree.
   */
  public get nodeLabel(): string {
    return `${WASM_EDGE_LABEL_PREFIX}runtime.${this.handler}`;
  }
}

/** Prefix of every label and taint this library puts on nodes. */
export const WASM_EDGE_LABEL_PREFIX = 'cdk8s-wasm-edge.io/';

/**
 * The taint nodes reserved for Wasm workloads carry; RuntimeClasses made by this library tolerate it.
 */
export const WASM_ONLY_TAINT_KEY = `${WASM_EDGE_LABEL_PREFIX}wasm-only`;
