/**
 * Placed workloads: the nodes a workload is placed on offer the runtime of its RuntimeClass.
 */
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { AppRule, AppView, Kind, Report } from './engine';

/** What a workload placed on a node or node group registers. */
export interface PlacedWorkloadFacts {
  readonly scope: IConstruct;
  /** The placement's name (for messages). */
  readonly placementName: string;
  /** The handlers every node of the placement offers (read at check time: a group may grow). */
  readonly offered: () => readonly string[];
  /** The RuntimeClass the pods run with; undefined on the WasmEdge-in-image route without GPU. */
  readonly runtimeClass?: { readonly name: string; readonly handler: string };
}

export const PLACED_WORKLOAD = new Kind<PlacedWorkloadFacts>('placed workload');

/** Pods placed on nodes without their runtime fail with `no runtime for "<handler>" is configured`. */
export const PLACEMENT_OFFERS_RUNTIME: AppRule = {
  name: 'placements offer the runtime',
  check(view: AppView, report: Report): void {
    for (const w of view.members(PLACED_WORKLOAD)) {
      const rc = w.runtimeClass;
      if (!rc) continue;
      const offered = w.offered();
      if (offered.includes(rc.handler)) continue;
      report.error(propError(w.scope, 'placement', w.placementName,
        `its nodes do not offer the "${rc.handler}" runtime of RuntimeClass "${rc.name}" (they offer ${offered.join(', ') || 'none'})`,
        'add the runtime to the node\'s runtimes, or choose a RuntimeClass the nodes offer'));
    }
  },
};
