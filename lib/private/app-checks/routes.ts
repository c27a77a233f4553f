/**
 * Two routes of an app that claim the same host and path prefix on the same gateway (Traefik entry
 * point, ingress class, Gateway API Gateway and listener) are refused: the gateway sends each request
 * to one of them only.
 */
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { clusterKey } from './clusters';
import { AppRule, AppView, groupBy, Kind, Report } from './engine';

/** What a route claims on its gateway: one entry per host, path prefix and lane (entry point, listener). */
export interface RouteClaim {
  /** Gateway, host and path prefix. */
  readonly key: string;
  /** The Traefik entry point or Gateway API listener; `*` claims every listener of the Gateway. */
  readonly lane: string;
  /** For messages. */
  readonly where: string;
}

/** A route and its claims. */
export interface RouteClaimFacts {
  readonly route: IConstruct;
  readonly claims: readonly RouteClaim[];
}

export const ROUTE_CLAIMS = new Kind<RouteClaimFacts>('gateway routes and the hosts and paths they claim');

export const UNIQUE_ROUTES: AppRule = {
  name: 'one route per gateway, host and path prefix',
  check(view: AppView, report: Report): void {
    const routes = view.members(ROUTE_CLAIMS);
    if (routes.length === 0) return;
    const key = (route: IConstruct, claim: RouteClaim) => `${clusterKey(view, route)}\n${claim.key}`;
    const index = groupBy(routes.flatMap(r => r.claims.map(claim => ({ claim, route: r.route }))), c => [key(c.route, c.claim)]);
    for (const r of routes) {
      // Each route names every route it clashes with once (the first shared claim), so no clashing
      // pair is left for a second synth to find.
      const named = new Set<IConstruct>();
      for (const mine of r.claims) {
        const others = (index.get(key(r.route, mine)) ?? [])
          .filter(o => o.route !== r.route && !named.has(o.route) && (o.claim.lane === mine.lane || o.claim.lane === '*' || mine.lane === '*'));
        if (others.length === 0) continue;
        for (const o of others) named.add(o.route);
        const names = [...new Set(others.map(o => o.route.node.path))].slice(0, 3);
        report.error(propError(r.route, 'hosts/pathPrefixes', mine.where,
          `${names.join(', ')} claims the same host and path prefix on the same gateway (${others[0].claim.where}); the gateway sends each request to one route only, `
            + 'so the other function is unreachable there',
          'give each function its own host or path prefix (/v1 and /v1/ are the same prefix), or serve them through different entry points, ingress classes or Gateways'));
      }
    }
  },
};
