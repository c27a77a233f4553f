import { JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { checkDns1123Label, propError, propMessage } from './errors';
import { NodeTaint } from './placement';
import { groupBy, perValidationPass, rootMembers, trackValidationPasses } from './root-registry';
import { WASM_ONLY_TAINT_KEY, WasmRuntime } from './runtime';

/** A RuntimeClass that pods can name in `runtimeClassName`. */
export interface IRuntimeClass extends IConstruct {
  /** The RuntimeClass name (`metadata.name`). */
  readonly runtimeClassName: string;

  /** The runtime (handler) behind the class. */
  readonly runtime: WasmRuntime;

  /**
   * Node labels the class's `scheduling.nodeSelector` requires; Kubernetes merges them into the pod's
   * nodeSelector at admission. Empty for classes without scheduling (such as the ones K3s creates).
   */
  readonly nodeSelector: { [key: string]: string };

  /** Whether this library emits the RuntimeClass object (false for classes that already exist). */
  readonly managed: boolean;
}

/** Fixed per-pod overhead of a runtime (`overhead.podFixed`), counted by the scheduler and quotas. */
export interface RuntimeClassOverhead {
  /**
   * CPU the runtime itself uses per pod.
   *
   * @default - no CPU overhead
   */
  readonly cpu?: kplus.Cpu;

  /**
   * Memory the runtime itself uses per pod.
   *
   * @default - no memory overhead
   */
  readonly memory?: Size;
}

/** Options shared by RuntimeClass and its factories. */
export interface RuntimeClassOptions {
  /**
   * The RuntimeClass name. A DNS-1123 label. It differs from the handler by default so that it never
   * collides with the class K3s creates for a detected shim (named after the handler, without
   * scheduling).
   *
   * @default - `<handler>-wasm-edge`, e.g. `wasmedge-wasm-edge`
   */
  readonly name?: string;

  /**
   * Labels a node must carry to run pods of this class (`scheduling.nodeSelector`).
   *
   * @default - `{ "<runtime.nodeLabel>": "true" }`, the label EdgeOfflineNode puts on nodes that offer
   * the runtime
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Taints pods of this class tolerate (`scheduling.tolerations`).
   *
   * @default - the `cdk8s-wasm-edge.io/wasm-only` NoSchedule taint that reserves nodes for Wasm
   */
  readonly tolerations?: NodeTaint[];

  /**
   * Whether to emit `scheduling` at all. Without it, pods of this class may be scheduled on nodes that
   * lack the shim and fail with `no runtime for "<handler>" is configured`.
   *
   * @default true
   */
  readonly scheduling?: boolean;

  /**
   * Fixed per-pod overhead (`overhead.podFixed`).
   *
   * @default - no overhead
   */
  readonly overhead?: RuntimeClassOverhead;
}

/** Props of a RuntimeClass. */
export interface RuntimeClassProps extends RuntimeClassOptions {
  /**
   * The runtime (containerd handler) the class selects.
   *
   * @default WasmRuntime.WASMEDGE
   */
  readonly runtime?: WasmRuntime;
}

/** Options for `RuntimeClass.wasmtimeSpinV2`. */
export interface SpinRuntimeClassOptions extends RuntimeClassOptions {
  /**
   * The Spin runtime: `WasmRuntime.SPIN` (handler `spin`, as K3s and spin-operator configure it) or
   * `WasmRuntime.SPIN_V2` (handler `spin-v2`, as runtime-class-manager configures it).
   *
   * @default WasmRuntime.SPIN
   */
  readonly runtime?: WasmRuntime;
}

class ImportedRuntimeClass extends Construct implements IRuntimeClass {
  public readonly managed = false;
  constructor(scope: Construct, id: string,
    public readonly runtimeClassName: string,
    public readonly runtime: WasmRuntime,
    public readonly nodeSelector: { [key: string]: string }) {
    super(scope, id);
  }
}

/**
 * A Kubernetes RuntimeClass (node.k8s.io/v1) for a Wasm shim, crun or the NVIDIA runtime, with
 * `scheduling` so its pods land only on nodes that have the runtime installed.
 *
 * @see https://kubernetes.io/docs/concepts/containers/runtime-class/
 * @see https://docs.k3s.io/advanced#alternative-container-runtime-support
 */
export class RuntimeClass extends Construct implements IRuntimeClass {
  /** The class name runtime-class-manager and SpinKube use for Spin. */
  public static readonly SPINKUBE_CLASS_NAME = 'wasmtime-spin-v2';

  /**
   * A RuntimeClass that K3s creates by itself when it finds a shim on its PATH (v1.29+ and patch
   * releases of 1.26-1.28): named after the handler, without scheduling. Nothing is emitted.
   *
   * @see https://docs.k3s.io/advanced#alternative-container-runtime-support
   */
  public static fromK3s(scope: Construct, id: string, runtime: WasmRuntime): IRuntimeClass {
    return new ImportedRuntimeClass(scope, id, runtime.handler, runtime, {});
  }

  /**
   * A RuntimeClass that already exists in the cluster. Nothing is emitted.
   *
   * @param runtimeClassName the existing class's name
   * @param runtime the runtime behind it (used for the integration route and checks)
   * @param nodeSelector its `scheduling.nodeSelector`, if it has one
   */
  public static fromRuntimeClassName(scope: Construct, id: string, runtimeClassName: string, runtime: WasmRuntime,
    nodeSelector?: { [key: string]: string }): IRuntimeClass {
    checkDns1123Label(`${scope.node.path}/${id}`, 'runtimeClassName', runtimeClassName);
    return new ImportedRuntimeClass(scope, id, runtimeClassName, runtime, { ...(nodeSelector ?? {}) });
  }

  /**
   * The `wasmtime-spin-v2` class that SpinKube's SpinAppExecutor expects.
   *
   * @see https://www.spinkube.dev/docs/reference/spin-app-executor/
   */
  public static wasmtimeSpinV2(scope: Construct, id: string, options: SpinRuntimeClassOptions = {}): RuntimeClass {
    const runtime = options.runtime ?? WasmRuntime.SPIN;
    if (runtime.runtimeType !== WasmRuntime.SPIN.runtimeType) {
      throw propError(`${scope.node.path}/${id}`, 'runtime', runtime.handler, 'is not a Spin runtime',
        'use WasmRuntime.SPIN (handler "spin") or WasmRuntime.SPIN_V2 (handler "spin-v2")');
    }
    return new RuntimeClass(scope, id, Object.assign({}, options, { name: options.name ?? RuntimeClass.SPINKUBE_CLASS_NAME, runtime }));
  }

  /** Checks whether a construct is a RuntimeClass emitted by this library. */
  public static isRuntimeClass(x: any): x is RuntimeClass {
    return x instanceof RuntimeClass;
  }

  public readonly runtimeClassName: string;
  public readonly runtime: WasmRuntime;
  public readonly nodeSelector: { [key: string]: string };
  public readonly managed = true;
  /** The low-level RuntimeClass object. */
  public readonly resource: kplus.k8s.KubeRuntimeClass;

  constructor(scope: Construct, id: string, props: RuntimeClassProps = {}) {
    super(scope, id);
    this.runtime = props.runtime ?? WasmRuntime.WASMEDGE;
    this.runtimeClassName = props.name ?? `${this.runtime.handler}-wasm-edge`;
    checkDns1123Label(this, 'name', this.runtimeClassName);

    const scheduling = props.scheduling ?? true;
    this.nodeSelector = scheduling ? { ...(props.nodeSelector ?? { [this.runtime.nodeLabel]: 'true' }) } : {};
    if (!scheduling && (props.nodeSelector || props.tolerations)) {
      throw propError(this, 'scheduling', false, 'nodeSelector and tolerations need scheduling',
        'remove nodeSelector/tolerations, or leave scheduling at its default (true)');
    }
    const tolerations = props.tolerations ?? [{ key: WASM_ONLY_TAINT_KEY, effect: kplus.TaintEffect.NO_SCHEDULE }];

    this.resource = new kplus.k8s.KubeRuntimeClass(this, 'Resource', {
      metadata: { name: this.runtimeClassName },
      handler: this.runtime.handler,
      scheduling: scheduling ? {
        nodeSelector: Object.keys(this.nodeSelector).length > 0 ? this.nodeSelector : undefined,
        tolerations: tolerations.length > 0 ? tolerations.map(t => taintToToleration(t)) : undefined,
      } : undefined,
      overhead: renderOverhead(props.overhead),
    });

    // RuntimeClass is cluster-scoped: drop the namespace cdk8s copies from a namespaced chart.
    if (this.resource.metadata.namespace) {
      this.resource.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    // Two classes with one name would overwrite each other in the cluster.
    rootMembers<RuntimeClass>(this, 'runtime-classes').push(this);
    trackValidationPasses(this);
    this.node.addValidation({
      validate: () => {
        const byName = perValidationPass(this, 'runtime-classes-by-name',
          () => groupBy(rootMembers<RuntimeClass>(this, 'runtime-classes'), c => [c.runtimeClassName]));
        const clashes = (byName.get(this.runtimeClassName) ?? []).filter(c => c !== this);
        return clashes.length === 0 ? [] : [propMessage(this, 'name', this.runtimeClassName,
          `is also the name of ${clashes.map(c => c.node.path).join(', ')}`, 'give each RuntimeClass a unique name')];
      },
    });
  }
}

/** @internal */
export function taintToToleration(taint: NodeTaint, tolerationSeconds?: number): kplus.k8s.Toleration {
  return {
    key: taint.key,
    operator: taint.value === undefined ? 'Exists' : 'Equal',
    value: taint.value,
    effect: taint.effect,
    tolerationSeconds,
  };
}

function renderOverhead(overhead?: RuntimeClassOverhead): kplus.k8s.Overhead | undefined {
  if (!overhead || (!overhead.cpu && !overhead.memory)) return undefined;
  const podFixed: { [key: string]: kplus.k8s.Quantity } = {};
  if (overhead.cpu) podFixed.cpu = kplus.k8s.Quantity.fromString(overhead.cpu.amount);
  if (overhead.memory) podFixed.memory = kplus.k8s.Quantity.fromString(`${overhead.memory.toMebibytes()}Mi`);
  return { podFixed };
}
