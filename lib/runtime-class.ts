import { JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { NodeTaint } from './core/placement';
import { WASM_EDGE_LABEL_PREFIX, WASM_ONLY_TAINT_KEY, WasmRuntime } from './core/runtime';
import { IRuntimeClass } from './core/runtime-class-ref';
import { appIndex } from './private/app-checks';
import { clusterNodes, someNodeCarries } from './private/app-checks/nodes';
import { RUNTIME_CLASS } from './private/app-checks/runtime-classes';
import { checkDns1123Label, propError } from './private/errors';
import { checkCpu, checkMemory, sizeToQuantity } from './private/quantity';
import { tolerationOf } from './private/tolerations';
import { checkLabels, isLabelValue, isQualifiedName } from './private/validate';
import { WarningFields } from './private/warnings';

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
   * @default - `runtime.defaultRuntimeClassName`: `<handler>-wasm-edge`, e.g. `wasmedge-wasm-edge`;
   * `crun-wasm` for WasmRuntime.CRUN
   */
  readonly name?: string;

  /**
   * Labels a node must carry to run pods of this class (`scheduling.nodeSelector`). When no node of
   * the app carries them (or, in an app without nodes, when they are this library's labels), synth
   * warns: the pods would stay Pending unless the cluster's nodes are labelled.
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
   * @default true; for `RuntimeClass.wasmtimeSpinV2()` without nodeSelector and tolerations, true
   * only when nodes of the app (EdgeOfflineNode) offer the runtime
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

/**
 * Options for `RuntimeClass.wasmtimeSpinV2`. Without `scheduling`, `nodeSelector` and
 * `tolerations`, the class is SpinKube's own (no scheduling) unless nodes of the app offer the
 * runtime; then it selects them as `new RuntimeClass()` does.
 */
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
    // k3s-io/k3s manifests/runtimes.yaml lists the classes K3s creates; for any other handler no
    // class of that name exists and every pod naming it is refused at admission.
    if (!(runtime instanceof WasmRuntime) || !runtime.k3sRuntimeClass) {
      const handler = (runtime as WasmRuntime | undefined)?.handler;
      throw propError(`${scope.node.path}/${id}`, 'runtime', handler, 'is a handler K3s creates no RuntimeClass for (k3s manifests/runtimes.yaml lists '
        + `${WasmRuntime.all().filter(r => r.k3sRuntimeClass).map(r => r.handler).join(', ')})`,
      `create the class: new RuntimeClass(this, "${id}", { runtime }) (named "${(runtime as WasmRuntime | undefined)?.defaultRuntimeClassName ?? '<handler>-wasm-edge'}"), `
        + 'or RuntimeClass.fromRuntimeClassName() for a class that already exists');
    }
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
    const where = `${scope.node.path}/${id}`;
    if (typeof runtimeClassName !== 'string') throw propError(where, 'runtimeClassName', runtimeClassName, 'is not a string', 'use the name of the existing class');
    checkDns1123Label(where, 'runtimeClassName', runtimeClassName);
    checkRuntime(where, runtime);
    checkLabels(where, 'nodeSelector', nodeSelector);
    return new ImportedRuntimeClass(scope, id, runtimeClassName, runtime, { ...(nodeSelector ?? {}) });
  }

  /**
   * The `wasmtime-spin-v2` class that SpinKube's SpinAppExecutor expects. By default it is
   * upstream's class (handler `spin`, no scheduling: spin-operator
   * config/samples/spin-runtime-class.yaml), so pods run on clusters set up the SpinKube way, whose
   * nodes carry none of this library's labels. When nodes of the app (EdgeOfflineNode) offer the
   * runtime, it selects them and tolerates the wasm-only taint like `new RuntimeClass()`. Explicit
   * `scheduling`, `nodeSelector` or `tolerations` are used as given.
   *
   * @see https://www.spinkube.dev/docs/reference/spin-app-executor/
   * @see https://github.com/spinframework/spin-operator/blob/main/config/samples/spin-runtime-class.yaml
   */
  public static wasmtimeSpinV2(scope: Construct, id: string, options: SpinRuntimeClassOptions = {}): RuntimeClass {
    const runtime = options.runtime ?? WasmRuntime.SPIN;
    checkRuntime(`${scope.node.path}/${id}`, runtime);
    if (runtime.runtimeType !== WasmRuntime.SPIN.runtimeType) {
      throw propError(`${scope.node.path}/${id}`, 'runtime', runtime.handler, 'is not a Spin runtime',
        'use WasmRuntime.SPIN (handler "spin") or WasmRuntime.SPIN_V2 (handler "spin-v2")');
    }
    const props: RuntimeClassProps = Object.assign({}, options, { name: options.name ?? RuntimeClass.SPINKUBE_CLASS_NAME, runtime });
    if (options.scheduling === undefined && options.nodeSelector === undefined && options.tolerations === undefined) {
      AUTO_SCHEDULING.add(props);
    }
    return new RuntimeClass(scope, id, props);
  }

  /** Checks whether a construct is a RuntimeClass emitted by this library. */
  public static isRuntimeClass(x: any): x is RuntimeClass {
    return x instanceof RuntimeClass;
  }

  public readonly runtimeClassName: string;
  public readonly runtime: WasmRuntime;
  public readonly managed = true;
  /** The RuntimeClass API object (node.k8s.io/v1). */
  public readonly apiObject: kplus.k8s.KubeRuntimeClass;
  /**
   * The low-level RuntimeClass object.
   *
   * @deprecated use `apiObject`
   */
  public readonly resource: kplus.k8s.KubeRuntimeClass;
  /**
   * Whether the class decides its scheduling at synth from the app's nodes (`wasmtimeSpinV2`
   * without scheduling options).
   */
  public readonly schedulingFromNodes: boolean;

  private readonly fixedSelector: { [key: string]: string };
  private readonly scheduling: boolean;
  private readonly tolerationList: NodeTaint[];

  constructor(scope: Construct, id: string, props: RuntimeClassProps = {}) {
    super(scope, id);
    this.runtime = props.runtime ?? WasmRuntime.WASMEDGE;
    checkRuntime(this, this.runtime);
    if (props.name !== undefined && typeof props.name !== 'string') {
      throw propError(this, 'name', props.name, 'is not a string', 'use a DNS-1123 label such as "wasmedge-edge"');
    }
    this.runtimeClassName = props.name ?? this.runtime.defaultRuntimeClassName;
    if (props.name === undefined && this.runtimeClassName.length > 63) {
      throw propError(this, 'name', this.runtimeClassName, `the default name of handler "${this.runtime.handler}" is longer than 63 characters`,
        'pass name: a DNS-1123 label of at most 63 characters');
    }
    checkDns1123Label(this, 'name', this.runtimeClassName);
    this.schedulingFromNodes = AUTO_SCHEDULING.has(props);

    if (props.scheduling !== undefined && typeof props.scheduling !== 'boolean') {
      throw propError(this, 'scheduling', props.scheduling, 'is not a boolean', 'set scheduling to true or false');
    }
    this.scheduling = props.scheduling ?? true;
    if (!this.scheduling && (props.nodeSelector || props.tolerations)) {
      throw propError(this, 'scheduling', false, 'nodeSelector and tolerations need scheduling',
        'remove nodeSelector/tolerations, or leave scheduling at its default (true)');
    }
    checkLabels(this, 'nodeSelector', props.nodeSelector);
    this.fixedSelector = { ...(props.nodeSelector ?? { [this.runtime.nodeLabel]: 'true' }) };
    this.tolerationList = (props.tolerations ?? [{ key: WASM_ONLY_TAINT_KEY, effect: kplus.TaintEffect.NO_SCHEDULE }]).map((t, i) => checkToleration(this, `tolerations[${i}]`, t));
    checkOverhead(this, props.overhead);

    const auto = this.schedulingFromNodes;
    this.apiObject = new RuntimeClassObject(this, 'Resource', {
      metadata: { name: this.runtimeClassName },
      handler: this.runtime.handler,
      scheduling: auto ? undefined : this.renderScheduling(),
      overhead: renderOverhead(props.overhead),
    }, auto ? () => this.renderScheduling() : undefined);
    this.resource = this.apiObject;

    // RuntimeClass is cluster-scoped: drop the namespace cdk8s copies from a namespaced chart.
    if (this.apiObject.metadata.namespace) {
      this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }

    // Checked across the app (one name per class, a selector some node matches): app-checks/runtime-classes.ts.
    appIndex(this).add(RUNTIME_CLASS, { scope: this, name: this.runtimeClassName, unselectable: () => this.unselectableReason() });
  }

  /**
   * Node labels the class's `scheduling.nodeSelector` requires (empty without scheduling). For a
   * class that decides from the app's nodes, it reflects the nodes in the app now.
   */
  public get nodeSelector(): { [key: string]: string } {
    return this.hasScheduling() ? { ...this.fixedSelector } : {};
  }

  private hasScheduling(): boolean {
    if (!this.scheduling) return false;
    if (!this.schedulingFromNodes) return true;
    return clusterNodes(appIndex(this), this).handlers.has(this.runtime.handler);
  }

  private renderScheduling(): kplus.k8s.Scheduling | undefined {
    if (!this.hasScheduling()) return undefined;
    return {
      nodeSelector: Object.keys(this.fixedSelector).length > 0 ? { ...this.fixedSelector } : undefined,
      tolerations: this.tolerationList.length > 0 ? this.tolerationList.map(t => tolerationOf(t)) : undefined,
    };
  }

  /**
   * Why no node may match the class's nodeSelector, for a synth warning; undefined when some node of
   * the app carries the labels, or when the app has no nodes and the selector uses no label of this
   * library (the cluster's own nodes may carry it).
   */
  private unselectableReason(): WarningFields | undefined {
    if (this.schedulingFromNodes || !this.scheduling) return undefined;
    const selector = this.fixedSelector;
    const keys = Object.keys(selector);
    if (keys.length === 0) return undefined;
    // The nodes of this class's cluster: in a fleet, its site's.
    const index = clusterNodes(appIndex(this), this);
    const prop = 'scheduling.nodeSelector';
    const value = keys.map(k => `${k}=${selector[k]}`).join(', ');
    if (index.nodes.length > 0) {
      if (someNodeCarries(index, selector)) return undefined;
      return {
        prop,
        value,
        problem: `matches no node of the app (${index.nodes.length} EdgeOfflineNode${index.nodes.length === 1 ? '' : 's'}), `
          + 'so its pods stay Pending unless other nodes of the cluster carry these labels',
        fix: `offer the "${this.runtime.handler}" runtime on a node (EdgeOfflineNode runtimes), fix nodeSelector, or label the cluster's nodes with kubectl`,
      };
    }
    if (!keys.some(k => k.startsWith(WASM_EDGE_LABEL_PREFIX))) return undefined;
    return {
      prop,
      value,
      problem: 'uses labels only this library\'s EdgeOfflineNode node files set, and the app has no EdgeOfflineNode: '
        + `its pods stay Pending unless the cluster's nodes with the "${this.runtime.handler}" runtime carry them`,
      fix: `label them (kubectl label node <node> ${keys.map(k => `${k}=${selector[k]}`).join(' ')}), or use a class without scheduling `
        + `(${this.runtime.k3sRuntimeClass ? 'RuntimeClass.fromK3s(), ' : ''}scheduling: false, or your own nodeSelector)`,
    };
  }
}

/** Props objects that `wasmtimeSpinV2` built without scheduling options. */
const AUTO_SCHEDULING = new WeakSet<RuntimeClassProps>();

/**
 * The RuntimeClass object; with `lateScheduling`, `scheduling` is decided when the object is
 * rendered (after every node of the app exists).
 */
class RuntimeClassObject extends kplus.k8s.KubeRuntimeClass {
  constructor(scope: Construct, id: string, props: kplus.k8s.KubeRuntimeClassProps,
    private readonly lateScheduling?: () => kplus.k8s.Scheduling | undefined) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (!this.lateScheduling) return json;
    const scheduling = this.lateScheduling();
    if (!scheduling) return json;
    // The same key order cdk8s gives the other objects (sorted).
    return Object.assign({}, json, { scheduling: sortKeys(JSON.parse(JSON.stringify(scheduling))) });
  }
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: any = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function checkRuntime(scope: IConstruct | string, runtime: WasmRuntime): void {
  if (!(runtime instanceof WasmRuntime)) {
    throw propError(scope, 'runtime', (runtime as any)?.handler ?? runtime, 'is not a WasmRuntime', 'use a preset such as WasmRuntime.WASMEDGE, or WasmRuntime.custom()');
  }
}

const TAINT_EFFECTS: string[] = Object.values(kplus.TaintEffect);

/** A toleration the API server accepts (core/v1 validateTolerations): key, value and effect syntax. */
function checkToleration(scope: IConstruct, prop: string, t: NodeTaint): NodeTaint {
  if (!t || typeof t !== 'object') throw propError(scope, prop, t, 'is not a taint', 'use { key: "example.com/edge", effect: TaintEffect.NO_SCHEDULE }');
  if (typeof t.key !== 'string' || !isQualifiedName(t.key)) {
    throw propError(scope, `${prop}.key`, t.key, 'is not a taint key (a label key: optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".")',
      'use a key such as "example.com/edge"');
  }
  if (t.value !== undefined && (typeof t.value !== 'string' || !isLabelValue(t.value))) {
    throw propError(scope, `${prop}.value`, t.value, 'is not a taint value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
      'use a value such as "true", or leave it out to tolerate any value (operator Exists)');
  }
  if (!TAINT_EFFECTS.includes(t.effect as string)) {
    throw propError(scope, `${prop}.effect`, t.effect, 'is not a taint effect', `use one of ${TAINT_EFFECTS.join(', ')}`);
  }
  return { key: t.key, value: t.value, effect: t.effect };
}

function checkOverhead(scope: IConstruct, overhead?: RuntimeClassOverhead): void {
  if (!overhead) return;
  // podFixed is added to every pod's requests: a non-negative amount, no larger than a node.
  checkCpu(scope, 'overhead.cpu', overhead.cpu);
  checkMemory(scope, 'overhead.memory', overhead.memory);
}

function renderOverhead(overhead?: RuntimeClassOverhead): kplus.k8s.Overhead | undefined {
  if (!overhead || (!overhead.cpu && !overhead.memory)) return undefined;
  const podFixed: { [key: string]: kplus.k8s.Quantity } = {};
  if (overhead.cpu) podFixed.cpu = kplus.k8s.Quantity.fromString(overhead.cpu.amount);
  // Whole KiB (checked): Size.kibibytes(3) is "3Ki", not a toMebibytes() crash.
  if (overhead.memory) podFixed.memory = kplus.k8s.Quantity.fromString(sizeToQuantity(overhead.memory));
  return { podFixed };
}
