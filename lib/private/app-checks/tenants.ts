/**
 * Function tenants: one tenant per namespace, and the workloads of its namespace within its
 * LimitRange and, at their warm (minimum) replicas, within its quota.
 */
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { ValidationError } from '../validation-error';
import { autoscalerFloors } from './autoscalers';
import { clusterKey } from './clusters';
import { AppRule, AppView, groupBy, Kind, Report } from './engine';

/** What a FunctionTenant registers. */
export interface TenantFacts {
  readonly scope: IConstruct;
  /** The namespace it owns. */
  readonly namespace: string;
  /**
   * The problems of the namespace's workloads against the tenant's LimitRange and quota, given
   * the replica floor autoscalers keep per workload.
   */
  readonly checkWorkloads: (workloads: readonly kplus.AbstractPod[], floors: ReadonlyMap<unknown, number>) => ValidationError[];
}

export const TENANT = new Kind<TenantFacts>('function tenant');

/** Two quotas and LimitRanges in one namespace would both apply. */
export const ONE_TENANT_PER_NAMESPACE: AppRule = {
  name: 'one tenant per namespace',
  check(view: AppView, report: Report): void {
    for (const tenants of groupBy(view.members(TENANT), t => [`${clusterKey(view, t.scope)}\n${t.namespace}`]).values()) {
      if (tenants.length < 2) continue;
      for (const t of tenants) {
        report.error(propError(t.scope, 'namespaceName', t.namespace, `is also the namespace of ${tenants.filter(o => o !== t).map(o => o.scope.node.path).join(', ')}`,
          'give each tenant its own namespace (two quotas and LimitRanges in one namespace would both apply)'));
      }
    }
  },
};

/**
 * The workloads of a tenant's namespace fit its LimitRange and quota. One walk of the tree per pass
 * (the workloads by namespace) and one index of the autoscalers, shared by every tenant.
 */
export const TENANT_WORKLOADS_FIT: AppRule = {
  name: 'tenant workloads fit the namespace',
  check(view: AppView, report: Report): void {
    const tenants = view.members(TENANT);
    if (tenants.length === 0) return;
    const byNamespace = groupBy(view.ofType(kplus.AbstractPod), p => p.metadata.namespace === undefined ? [] : [`${clusterKey(view, p)}\n${p.metadata.namespace}`]);
    const floors = autoscalerFloors(view);
    for (const t of tenants) {
      for (const e of t.checkWorkloads(byNamespace.get(`${clusterKey(view, t.scope)}\n${t.namespace}`) ?? [], floors)) report.error(e);
    }
  },
};
