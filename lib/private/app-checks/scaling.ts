/**
 * Scaling rules: one autoscaler per workload (this library's autoscalers and cdk8s-plus
 * HorizontalPodAutoscalers alike).
 */
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { AUTOSCALER, targetLabel, workloadKey } from './autoscalers';
import { AppRule, groupBy } from './engine';
import { propError } from '../errors';

interface Scaler {
  readonly kind: string;
  readonly target: kplus.IScalable;
  readonly scope: IConstruct;
  /** One of this library's autoscalers (reported), or a cdk8s-plus HPA (named only). */
  readonly ours: boolean;
}

/**
 * Two autoscalers on one workload fight over its replica count: each of this library's
 * autoscalers that shares its workload with another is reported, naming the others. One walk of
 * the app per pass (for the cdk8s-plus HPAs and the tree order of the report), only when the app
 * has autoscalers of this library.
 */
export const ONE_AUTOSCALER_PER_WORKLOAD: AppRule = {
  name: 'one autoscaler per workload',
  check(view, report) {
    const ours = view.members(AUTOSCALER);
    if (ours.length === 0) return;
    const byScope = new Map(ours.map(a => [a.scope, a]));
    // In tree order (as the construct validations of earlier versions reported them).
    const scalers = view.constructs().flatMap((c): Scaler[] => {
      const a = byScope.get(c);
      if (a) return [{ kind: a.kind, target: a.target, scope: c, ours: true }];
      return c instanceof kplus.HorizontalPodAutoscaler ? [{ kind: 'HorizontalPodAutoscaler', target: c.target, scope: c, ours: false }] : [];
    });
    const byWorkload = groupBy(scalers, s => [workloadKey(s.target)]);
    for (const me of scalers) {
      const shared = byWorkload.get(workloadKey(me.target))!;
      if (!me.ours || shared.length < 2) continue;
      const others = shared.filter(s => s !== me).map(s => `${s.kind} ${s.scope.node.path}`);
      report.error(propError(me.scope, 'target', targetLabel(me.target),
        `the workload is also scaled by ${others.join(', ')}; two autoscalers on one workload fight over its replica count (KEDA's webhook rejects the second)`,
        'keep one autoscaler per workload: put every trigger into one KedaScaledObject (KEDA scales on the largest), or use one HPA with several metrics'));
    }
  },
};
