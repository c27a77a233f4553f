import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { runRule } from './helpers';
import { FunctionRoute, Gateway, RouteBackend, ServerlessFunction, TraefikEntryPoint } from '../../../lib';
import { appIndex } from '../../../lib/private/app-checks';
import { ROUTE_CLAIMS, RouteClaim, UNIQUE_ROUTES } from '../../../lib/private/app-checks/routes';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';
const FIX = 'give each function its own host or path prefix (/v1 and /v1/ are the same prefix), or serve them through different entry points, ingress classes or Gateways';

function chart(namespace = 'apps', app = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, { namespace });
}

interface Where { readonly host?: string; readonly hosts?: string[]; readonly pathPrefix?: string; readonly pathPrefixes?: string[] }

function route(scope: Construct, id: string, gateway: Gateway, more: Where = {}): FunctionRoute {
  return new FunctionRoute(scope, id, { gateway, backend: RouteBackend.service(id, 8080), name: id, ...more });
}

/** Claims registered directly: key, lane. */
function facts(scope: Construct, id: string, claims: [string, string][]): Construct {
  const c = new Construct(scope, id);
  const list: RouteClaim[] = claims.map(([key, lane]) => ({ key, lane, where: `${key} on ${lane}` }));
  appIndex(c).add(ROUTE_CLAIMS, { route: c, claims: list });
  return c;
}

describe(UNIQUE_ROUTES.name, () => {
  test('two functions on one host and path of one gateway: both are reported, each naming the other', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'a', gateway: Gateway.traefik(), host: 'hello.example.com' });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'b', gateway: Gateway.traefik(), host: 'hello.example.com' });
    const { errors, walks } = runRule(UNIQUE_ROUTES, c);
    expect(walks).toBe(0);
    expect(errors.map(e => e.constructPath)).toEqual(['test/a/Route', 'test/b/Route']);
    for (const e of errors) {
      expect(e.prop).toBe('hosts/pathPrefixes');
      expect(e.value).toBe('"Traefik entry point web, host hello.example.com, path /"');
      expect(e.fix).toBe(FIX);
    }
    expect(errors[0].problem).toMatch(/^test\/b\/Route claims the same host and path prefix on the same gateway \(Traefik entry point web, host hello.example.com, path \/\)/);
    expect(errors[1].problem).toMatch(/^test\/a\/Route claims the same host and path prefix/);
    expect(errors[0].problem).toContain('the other function is unreachable there');
  });

  test('distinct hosts, paths, entry points or gateways pass', () => {
    const c = chart();
    route(c, 'host-a', Gateway.traefik(), { host: 'a.example.com' });
    route(c, 'host-b', Gateway.traefik(), { host: 'b.example.com' });
    route(c, 'path-1', Gateway.traefik(), { host: 'p.example.com', pathPrefix: '/v1' });
    route(c, 'path-2', Gateway.traefik(), { host: 'p.example.com', pathPrefix: '/v2' });
    route(c, 'web', Gateway.traefik(), { host: 'e.example.com' });
    route(c, 'secure', Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] }), { host: 'e.example.com' });
    route(c, 'ingress', Gateway.ingress(), { host: 'a.example.com' });
    route(c, 'ingress-nginx', Gateway.ingress({ ingressClassName: 'nginx' }), { host: 'a.example.com' });
    route(c, 'gw-edge', Gateway.gatewayApi({ gatewayName: 'edge' }), { host: 'a.example.com' });
    route(c, 'gw-other', Gateway.gatewayApi({ gatewayName: 'other' }), { host: 'a.example.com' });
    route(c, 'gw-http', Gateway.gatewayApi({ gatewayName: 'lanes', sectionName: 'http' }), { host: 'l.example.com' });
    route(c, 'gw-https', Gateway.gatewayApi({ gatewayName: 'lanes', sectionName: 'https' }), { host: 'l.example.com' });
    expect(runRule(UNIQUE_ROUTES, c)).toEqual({ errors: [], walks: 0 });
  });

  test('/v1 and /v1/ are the same claim', () => {
    const c = chart();
    route(c, 'a', Gateway.traefik(), { host: 'hello.example.com', pathPrefix: '/v1' });
    route(c, 'b', Gateway.traefik(), { host: 'hello.example.com', pathPrefix: '/v1/' });
    expect(runRule(UNIQUE_ROUTES, c).errors.map(e => e.constructPath)).toEqual(['test/a', 'test/b']);
  });

  test('Traefik entry points are cluster-wide: routes of two namespaces clash', () => {
    const app = Testing.app();
    route(chart('one', app, 'x'), 'r', Gateway.traefik(), { host: 'a.example.com' });
    route(chart('two', app, 'y'), 'r', Gateway.traefik(), { host: 'a.example.com' });
    expect(runRule(UNIQUE_ROUTES, app).errors.map(e => e.constructPath)).toEqual(['x/r', 'y/r']);
  });

  test('a route on every listener of a Gateway clashes with one on a single listener', () => {
    const c = chart();
    route(c, 'all', Gateway.gatewayApi({ gatewayName: 'edge' }), { host: 'a.example.com' });
    route(c, 'https', Gateway.gatewayApi({ gatewayName: 'edge', sectionName: 'https' }), { host: 'a.example.com' });
    const { errors } = runRule(UNIQUE_ROUTES, c);
    expect(errors.map(e => e.constructPath)).toEqual(['test/all', 'test/https']);
    expect(errors[0].value).toBe('"Gateway apps/edge listener *, host a.example.com, path /"');
  });

  test('a route that claims no host claims every host, but not a specific one', () => {
    const c = chart();
    route(c, 'any-1', Gateway.ingress());
    route(c, 'specific', Gateway.ingress(), { host: 'a.example.com' });
    expect(runRule(UNIQUE_ROUTES, c).errors).toEqual([]);
    route(c, 'any-2', Gateway.ingress());
    expect(runRule(UNIQUE_ROUTES, c).errors.map(e => e.constructPath)).toEqual(['test/any-1', 'test/any-2']);
  });

  test('one message per route, naming at most three others', () => {
    const { errors } = (() => {
      const app = Testing.app();
      const a = facts(app, 'a', [['k1', 'web'], ['k2', 'web']]);
      for (const id of ['b', 'c', 'd', 'e']) facts(app, id, [['k1', 'web'], ['k2', 'web']]);
      expect(a.node.path).toBe('a');
      return runRule(UNIQUE_ROUTES, app);
    })();
    expect(errors.map(e => e.constructPath)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(errors[0].value).toBe('"k1 on web"');
    expect(errors[0].problem).toMatch(/^b, c, d claims the same host and path prefix on the same gateway \(k1 on web\)/);
    expect(errors[1].problem).toMatch(/^a, c, d claims/);
  });

  test('lanes: the same lane or "*" clash, different lanes do not', () => {
    const app = Testing.app();
    facts(app, 'web', [['k', 'web']]);
    facts(app, 'secure', [['k', 'websecure']]);
    expect(runRule(UNIQUE_ROUTES, app).errors).toEqual([]);
    facts(app, 'star', [['k', '*']]);
    const { errors } = runRule(UNIQUE_ROUTES, app);
    expect(errors.map(e => [e.constructPath, e.problem.split(' claims')[0]])).toEqual([
      ['web', 'star'],
      ['secure', 'star'],
      ['star', 'web, secure'],
    ]);
  });

  test('a route\'s own claims never clash with each other', () => {
    const app = Testing.app();
    facts(app, 'r', [['k', 'web'], ['k', 'web'], ['k', '*']]);
    expect(runRule(UNIQUE_ROUTES, app).errors).toEqual([]);
  });

  test('no routes: nothing, and no walk', () => {
    expect(runRule(UNIQUE_ROUTES, Testing.app())).toEqual({ errors: [], walks: 0 });
  });

  test('many routes are checked without walking the tree', () => {
    const c = chart();
    for (let i = 0; i < 80; i++) route(c, `r${i}`, Gateway.traefik(), { host: `h${i}.example.com`, pathPrefixes: ['/a', '/b'] });
    const ok = runRule(UNIQUE_ROUTES, c);
    expect(ok).toEqual({ errors: [], walks: 0 });
    route(c, 'dup', Gateway.traefik(), { host: 'h42.example.com', pathPrefix: '/b/' });
    const bad = runRule(UNIQUE_ROUTES, c);
    expect(bad.walks).toBeLessThanOrEqual(1);
    expect(bad.errors.map(e => e.constructPath)).toEqual(['test/r42', 'test/dup']);
    expect(bad.errors[0].value).toBe('"Traefik entry point web, host h42.example.com, path /b"');
  });

  test('every clashing pair is named in the first synth, not only the first clash of each route', () => {
    // r claims a and b; x claims a; y claims c and b; z claims c: r-x, r-y and y-z all clash.
    const c = chart();
    facts(c, 'r', [['a', 'web'], ['b', 'web']]);
    facts(c, 'x', [['a', 'web']]);
    facts(c, 'y', [['c', 'web'], ['b', 'web']]);
    facts(c, 'z', [['c', 'web']]);
    const { errors } = runRule(UNIQUE_ROUTES, c);
    const pairs = new Set(errors.map(e => `${e.constructPath} ${/^(\S+)/.exec(e.problem)![1]}`));
    expect(pairs).toEqual(new Set(['test/r test/x', 'test/r test/y', 'test/x test/r', 'test/y test/z', 'test/y test/r', 'test/z test/y']));
  });
});

