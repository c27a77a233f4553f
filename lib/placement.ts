import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { WasmRuntime } from './runtime';

/** A node taint (`key=value:effect`). */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /**
   * Taint value.
   *
   * @default - no value (pods tolerate the key with operator Exists)
   */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: kplus.TaintEffect;
}

/**
 * Where Wasm workloads may run: a node or a group of nodes that share labels, taints, runtimes and
 * offline settings. Implemented by EdgeOfflineNode and EdgeNodeGroup; WasmDeployment and
 * ServerlessFunction take one as `placement`, so workloads follow the node's settings instead of
 * retyping labels.
 */
export interface IWasmPlacement {
  /** A name for messages (usually the construct path of the node or group). */
  readonly placementName: string;

  /** Labels that every node of the placement carries; pods select all of them. */
  readonly nodeLabels: { [key: string]: string };

  /** Taints that every node of the placement carries; pods tolerate all of them. */
  readonly taints: NodeTaint[];

  /** Runtimes that every node of the placement offers. */
  readonly runtimes: WasmRuntime[];

  /**
   * How long the nodes keep running their pods without the control plane. Pods placed here tolerate
   * `node.kubernetes.io/unreachable` and `node.kubernetes.io/not-ready` (NoExecute) that long.
   *
   * @default - no offline autonomy: the Kubernetes default eviction (300s) applies
   */
  readonly offlineAutonomy?: Duration;
}
