import * as kplus from 'cdk8s-plus-30';
import { autonomySeconds, IWasmPlacement, OFFLINE_TAINT_KEYS, placementTolerations } from './core/placement';
import { WASM_ONLY_TAINT_KEY } from './core/runtime';
import { propError } from './private/errors';
import { checkLabels } from './private/validate';

/**
 * Places ordinary (Linux) cdk8s-plus workloads on edge nodes the way WasmDeployment's `placement`
 * places Wasm pods, so a broker, gateway or database beside the Wasm workloads follows the same node
 * settings: it requires every label of the placement, tolerates its taints and, for nodes with
 * offline autonomy, tolerates `node.kubernetes.io/unreachable` and `not-ready` (NoExecute) for the
 * whole window instead of being evicted after 300 s.
 */
export class WorkloadPlacement {
  /**
   * Places a workload (Deployment, StatefulSet, DaemonSet, Job, ...) on a node or node group.
   * Refuses nodes reserved for Wasm (`wasmOnly`): Linux workloads do not belong there.
   *
   * @param workload the cdk8s-plus workload
   * @param placement an EdgeOfflineNode or EdgeNodeGroup
   */
  public static apply(workload: kplus.Workload, placement: IWasmPlacement): void {
    const taints = placement.taints;
    if (taints.some(t => t.key === WASM_ONLY_TAINT_KEY)) {
      throw propError(workload, 'placement', placement.placementName, `its nodes are reserved for Wasm (taint ${WASM_ONLY_TAINT_KEY})`,
        'place Linux workloads on nodes without wasmOnly, or use a WasmDeployment');
    }
    // The same checks WasmDeployment makes: label syntax, taints, whole seconds of autonomy.
    placementTolerations(placement);
    if (placement.offlineAutonomy) autonomySeconds(placement.placementName, placement.offlineAutonomy);
    const labels = placement.nodeLabels;
    checkLabels(workload.node.path, 'placement.nodeLabels', labels);
    const queries = Object.keys(labels).sort().map(k => kplus.NodeLabelQuery.is(k, labels[k]));
    if (queries.length > 0) {
      // One node selector term: its expressions are ANDed (separate attract() calls would be ORed).
      workload.scheduling.attract(kplus.Node.labeled(...queries));
    }
    for (const t of taints) {
      workload.scheduling.tolerate(kplus.Node.tainted(t.value === undefined
        ? kplus.NodeTaintQuery.exists(t.key, { effect: t.effect })
        : kplus.NodeTaintQuery.is(t.key, t.value, { effect: t.effect })));
    }
    if (placement.offlineAutonomy) {
      for (const key of OFFLINE_TAINT_KEYS) {
        workload.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists(key, {
          effect: kplus.TaintEffect.NO_EXECUTE,
          evictAfter: placement.offlineAutonomy,
        })));
      }
    }
  }

  private constructor() {}
}
