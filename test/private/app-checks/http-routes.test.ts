import { App, Chart, Testing } from 'cdk8s';
import { runRule } from './helpers';
import { ONE_HTTP_ROUTE_PER_HOST_AND_PATH } from '../../../lib/private/app-checks/http-routes';
import { KedaHttpScaledObject, KedaInterceptorRoute } from '../../../lib/scaling';
import { chart, errorOf, validationText, wasmWithService } from '../../scaling/helpers';
import { rootWalks } from '../../util/walks';

describe('no two HTTP add-on objects claim the same host and path prefix', () => {
  // kedacore/http-add-on pkg/routing/table.go refreshMemory(): the interceptor lists every
  // InterceptorRoute and HTTPScaledObject of the cluster (reader.List with no namespace) into one
  // table; pkg/routing/key.go NewKey() keys it by host and path with "/" trimmed from both ends
  // (so /v1 and /v1/ are one key), newKeysFromRoutingRule(): no hosts = the catch-all "*";
  // pkg/routing/tablememory.go remember(): entries of one key are sorted by headers, then creation
  // time, and Route() returns the first match: the other object never gets a request.
  interface RouteSpec { ns?: string; hosts?: string[]; paths?: string[] }
  function twoRoutes(app: App, a: RouteSpec, b: RouteSpec, sameChart = false): void {
    const c1 = new Chart(app, 'one', { namespace: a.ns });
    const c2 = sameChart ? c1 : new Chart(app, 'two', { namespace: b.ns });
    new KedaInterceptorRoute(c1, 'RouteA', { serviceName: 'svc-a', port: 80, hosts: a.hosts, pathPrefixes: a.paths });
    new KedaInterceptorRoute(c2, 'RouteB', { serviceName: 'svc-b', port: 80, hosts: b.hosts, pathPrefixes: b.paths });
  }

  test('in one chart: refused at synth, naming both constructs', () => {
    const app = Testing.app();
    twoRoutes(app, { hosts: ['api.example.com'], paths: ['/v1'] }, { hosts: ['api.example.com'], paths: ['/v1'] }, true);
    const msg = errorOf(() => app.synth());
    expect(msg).toContain('KedaInterceptorRoute one/RouteA and KedaInterceptorRoute one/RouteB claim the same host and path prefix (api.example.com, /v1)');
    expect(msg).toContain('KedaInterceptorRoute one/RouteB and KedaInterceptorRoute one/RouteA claim the same host and path prefix');
    expect(msg).toMatch(/Fix: give each route its own host or path prefix/);
  });

  test('across charts and namespaces, /v1 and /v1/ alike, hosts compared case-insensitively', () => {
    const app = Testing.app();
    twoRoutes(app, { ns: 'team-a', hosts: ['api.example.com', 'other.example.com'], paths: ['/v1'] }, { ns: 'team-b', hosts: ['api.example.com'], paths: ['/v1/'] });
    expect(errorOf(() => app.synth())).toContain('one/RouteA and KedaInterceptorRoute two/RouteB claim the same host and path prefix (api.example.com, /v1)');
  });

  test('an InterceptorRoute and an HTTPScaledObject share the table too', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c, 'Fn');
    new KedaInterceptorRoute(c, 'Route', { serviceName: 'svc', port: 80, hosts: ['fn.example.com'] });
    new KedaHttpScaledObject(c, 'Hso', { target: deployment, service, hosts: ['fn.example.com'], pathPrefixes: ['/'] });
    expect(validationText(c)).toContain('KedaHttpScaledObject test/Hso and KedaInterceptorRoute test/Route claim the same host and path prefix (fn.example.com, /)');
  });

  test('no hosts is the catch-all: two catch-alls on one path collide, a catch-all and a named host do not', () => {
    const app = Testing.app();
    twoRoutes(app, { paths: ['/hook'] }, { paths: ['/hook'] });
    expect(errorOf(() => app.synth())).toContain('(any host, /hook)');
    const ok = Testing.app();
    // newKeysFromRoutingRule: "*" is its own key; Route() tries the exact host first, then wildcards, then "*".
    twoRoutes(ok, { paths: ['/hook'] }, { hosts: ['a.example.com'], paths: ['/hook'] });
    expect(() => ok.synth()).not.toThrow();
  });

  test('different paths, hosts, or header matches do not collide', () => {
    const app = Testing.app();
    twoRoutes(app, { hosts: ['api.example.com'], paths: ['/v1'] }, { hosts: ['api.example.com'], paths: ['/v10'] });
    expect(() => app.synth()).not.toThrow();
    const c = chart();
    new KedaInterceptorRoute(c, 'A', { serviceName: 'a', port: 80, rules: [{ hosts: ['x.example.com'], headers: [{ name: 'X-Env', value: 'prod' }] }] });
    new KedaInterceptorRoute(c, 'B', { serviceName: 'b', port: 80, rules: [{ hosts: ['x.example.com'], headers: [{ name: 'X-Env', value: 'dev' }] }] });
    expect(validationText(c)).toBe('');
  });
});

describe('the duplicate-route check stays linear', () => {
  // As test/complexity.test.ts: count walks of the whole tree during synth; the route index is
  // built once per validation pass (the app-check pass, lib/private/app-checks/http-routes.ts), not per route.
  function walksFor(k: number): number {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    for (let i = 0; i < k; i++) new KedaInterceptorRoute(c, `r${i}`, { serviceName: `svc-${i}`, port: 80, hosts: [`h${i}.example.com`], pathPrefixes: ['/v1'] });
    return rootWalks(app);
  }

  test('1 or 30 routes: the same number of walks of the tree per synth', () => {
    const one = walksFor(1);
    expect(one).toBeGreaterThan(0);
    expect(walksFor(30)).toBe(one);
  });
});

describe('the rule on its own', () => {
  test('reports a ValidationError for each route of a shared key (prop hosts, the key as value, the fix)', () => {
    const c = chart();
    new KedaInterceptorRoute(c, 'A', { serviceName: 'a', port: 80, hosts: ['x.example.com'], pathPrefixes: ['/api'] });
    new KedaInterceptorRoute(c, 'B', { serviceName: 'b', port: 80, hosts: ['x.example.com'], pathPrefixes: ['/api/'] });
    const { errors } = runRule(ONE_HTTP_ROUTE_PER_HOST_AND_PATH, c);
    expect(errors.map(e => [e.constructPath, e.prop, e.value])).toEqual([['test/A', 'hosts', '"x.example.com/api"'], ['test/B', 'hosts', '"x.example.com/api"']]);
    expect(errors[0].fix).toBe('give each route its own host or path prefix (or distinct header matches), or route both paths to one workload');
  });

  test('without a conflict the tree is not walked; with one, once (to report in tree order)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    for (let i = 0; i < 50; i++) new KedaInterceptorRoute(c, `r${i}`, { serviceName: `svc-${i}`, port: 80, hosts: [`h${i}.example.com`] });
    expect(runRule(ONE_HTTP_ROUTE_PER_HOST_AND_PATH, c)).toEqual({ errors: [], walks: 0 });
    // Registered in another order than the tree holds them (chart a comes first): reported in tree order.
    const first = new Chart(app, 'a');
    const later = new Chart(app, 'b');
    new KedaInterceptorRoute(later, 'dup', { serviceName: 'x', port: 80, hosts: ['h0.example.com'] });
    new KedaInterceptorRoute(first, 'dup', { serviceName: 'y', port: 80, hosts: ['h0.example.com'] });
    const { errors, walks } = runRule(ONE_HTTP_ROUTE_PER_HOST_AND_PATH, c);
    expect(walks).toBe(1);
    expect(errors.map(e => e.constructPath)).toEqual(['c/r0', 'c/r0', 'a/dup', 'a/dup', 'b/dup', 'b/dup']);
  });
});
