/**
 * KEDA HTTP add-on routes: no two InterceptorRoutes or HTTPScaledObjects claim the same host, path
 * prefix and headers in the interceptor's routing table.
 */
import { IConstruct } from 'constructs';
import { clusterKey } from './clusters';
import { AppRule, AppView, groupBy, Kind } from './engine';
import { propError } from '../errors';

/** A KedaInterceptorRoute or KedaHttpScaledObject: the keys it claims in the interceptor's table. */
export interface HttpRouteFacts {
  readonly scope: IConstruct;
  /** "KedaInterceptorRoute" or "KedaHttpScaledObject". */
  readonly kind: string;
  /** Host and path prefix keys ("host /path", with " [header=value&...]" for header matches). */
  readonly claims: readonly string[];
}

export const HTTP_ROUTE = new Kind<HttpRouteFacts>('KEDA HTTP add-on route');

/**
 * The interceptor's table lists both kinds in every namespace (kedacore/http-add-on
 * pkg/routing/table.go refreshMemory: reader.List of InterceptorRouteList and HTTPScaledObjectList,
 * no namespace), so namespaces and charts do not separate them. One index per pass: linear in the
 * number of routes; the tree is walked only to order the report when there is a conflict.
 */
export const ONE_HTTP_ROUTE_PER_HOST_AND_PATH: AppRule = {
  name: 'one KEDA HTTP route per host and path prefix',
  check(view, report) {
    const routes = view.members(HTTP_ROUTE);
    // The interceptor of each cluster routes that cluster's requests only: keys per cluster.
    const keys = (r: HttpRouteFacts) => r.claims.map(c => `${clusterKey(view, r.scope)}\n${c}`);
    if (![...groupBy(routes, keys).values()].some(list => list.length > 1)) return;
    const ordered = inTreeOrder(view, routes);
    const index = groupBy(ordered, keys);
    for (const me of ordered) {
      const reported = new Set<HttpRouteFacts>();
      for (const [i, key] of me.claims.entries()) {
        for (const other of index.get(keys(me)[i]) ?? []) {
          if (other === me || reported.has(other)) continue;
          reported.add(other);
          const [host, path] = key.split(' ');
          report.error(propError(me.scope, 'hosts', `${host === '*' ? '(any host)' : host}${path}`,
            `${me.kind} ${me.scope.node.path} and ${other.kind} ${other.scope.node.path} claim the same host and path prefix (${host === '*' ? 'any host' : host}, ${path}); `
            + 'the KEDA HTTP interceptor routes by host and path across all namespaces and sends every such request to only one of them (the oldest), so the other is unreachable',
            'give each route its own host or path prefix (or distinct header matches), or route both paths to one workload'));
        }
      }
    }
  },
};

/** The routes in the order of the construct tree (as cdk8s validates constructs). */
function inTreeOrder(view: AppView, routes: readonly HttpRouteFacts[]): HttpRouteFacts[] {
  const position = new Map<IConstruct, number>();
  view.constructs().forEach((c, i) => position.set(c, i));
  return [...routes].sort((a, b) => (position.get(a.scope) ?? 0) - (position.get(b.scope) ?? 0));
}
