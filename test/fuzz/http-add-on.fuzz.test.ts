/**
 * Property-based tests of the KEDA HTTP add-on objects (KedaInterceptorRoute, KedaHttpScaledObject),
 * alone and in pairs that may claim the same host and path. Each seeded run (FUZZ_RUNS, default
 * 2000 per property) ends in schema-valid, semantically valid output or in the documented error.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { KedaHttpScaledObject, KedaInterceptorRoute } from '../../lib/scaling';
import { assertValidOrDocumentedError, maybe, nastyNumber, nastyString } from '../util/fuzz';

const often = <T>(good: T[], nasty: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 10 }, { arbitrary: nasty, weight: 1 });
const str = (good: string[]) => often(good, nastyString(good));
const numb = (good: number[]) => often(good, nastyNumber(good));
// cdk8s itself refuses negative Durations; NaN and Infinity reach the library.
const duration = maybe(numb([0, 500, 30000, 60000]))
  .map(ms => (ms === undefined || (!(ms >= 0) && !Number.isNaN(ms)) ? undefined : Duration.millis(ms)));

const hosts = maybe(fc.array(str(['fn.example.com', '*.example.com', '*', 'fn-proxy']), { maxLength: 3 }));
const paths = maybe(fc.array(str(['/', '/api', '/api/', '/v1']), { maxLength: 3 }));
const headers = maybe(fc.array(fc.record({ name: str(['X-Tenant', 'X-Env', 'Authorization']), value: maybe(str(['prod', 'Bearer abcdefghijklmnop'])) }), { maxLength: 2 }));
const metadata = maybe(fc.record({
  name: maybe(str(['my-route'])),
  labels: maybe(fc.dictionary(str(['app']), str(['edge']), { maxKeys: 2 })),
  annotations: maybe(fc.dictionary(str(['example.com/owner']), str(['team a']), { maxKeys: 2 })),
}, { requiredKeys: [] }));
const scaling = {
  targetConcurrency: maybe(numb([20, 100])),
  targetRequestRate: maybe(fc.record({ targetValue: numb([50]), window: duration, granularity: duration })),
};

const routeArb = fc.record(Object.assign({
  useService: fc.boolean(),
  serviceName: str(['hello', 'spin-app']),
  port: maybe(numb([8080, 80])),
  // Either the hosts/pathPrefixes shortcut or rules (both at once is a documented error, now and then).
  shape: often(['shortcut', 'rules'], fc.constant('both')),
  hosts,
  pathPrefixes: paths,
  rules: fc.array(fc.record({ hosts, pathPrefixes: paths, headers }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
  fallbackPort: maybe(numb([80, 8080])),
  placeholder: maybe(fc.record({
    body: maybe(str(['warming up', 'password=hunter2'])),
    statusCode: maybe(numb([503, 200])),
    headers: maybe(fc.dictionary(str(['Retry-After', 'Authorization']), str(['1', 'Basic dXNlcjpwYXNzd29yZA==']), { maxKeys: 2 })),
  }, { requiredKeys: [] })),
  timeouts: maybe(fc.record({ readiness: duration, request: duration, responseHeader: duration }, { requiredKeys: [] })),
  metadata,
}, scaling));
type RouteDesc = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

const httpSoArb = fc.record(Object.assign({
  useService: fc.boolean(),
  serviceName: str(['hello']),
  port: maybe(numb([8080])),
  hosts,
  pathPrefixes: paths,
  minReplicas: maybe(numb([0, 1])),
  maxReplicas: maybe(numb([10, 100])),
  scaledownPeriod: duration,
  initialCooldownPeriod: duration,
  failover: maybe(fc.record({ port: maybe(numb([80])), timeout: duration }, { requiredKeys: [] })),
  metadata,
}, scaling));
type HttpSoDesc = typeof httpSoArb extends fc.Arbitrary<infer T> ? T : never;

function workload(c: Chart, id: string): { deployment: kplus.Deployment; service: kplus.Service } {
  const deployment = new kplus.Deployment(c, id, { containers: [{ image: 'ghcr.io/acme/app:1.0.0', portNumber: 8080 }] });
  return { deployment, service: deployment.exposeViaService({ ports: [{ port: 8080 }] }) };
}

function fallbackService(c: Chart, id: string): kplus.Service {
  return new kplus.Service(c, id, { ports: [{ port: 80 }], selector: kplus.Pods.select(c, `${id}Sel`, { labels: { app: 'static' } }) });
}

function route(c: Chart, id: string, d: RouteDesc): KedaInterceptorRoute {
  const w = d.useService ? workload(c, `${id}W`) : undefined;
  return new KedaInterceptorRoute(c, id, {
    service: w?.service,
    serviceName: w ? undefined : d.serviceName,
    port: d.port ?? (w ? undefined : 8080),
    hosts: d.shape === 'rules' ? undefined : d.hosts,
    pathPrefixes: d.shape === 'rules' ? undefined : d.pathPrefixes,
    rules: d.shape === 'shortcut' ? undefined : d.rules,
    targetConcurrency: d.targetConcurrency,
    targetRequestRate: d.targetRequestRate,
    coldStartFallback: d.fallbackPort === undefined ? undefined : { service: fallbackService(c, `${id}Fb`), port: d.fallbackPort },
    placeholderResponse: d.placeholder,
    timeouts: d.timeouts,
    metadata: d.metadata,
  });
}

function httpSo(c: Chart, id: string, d: HttpSoDesc): KedaHttpScaledObject {
  const w = workload(c, `${id}W`);
  return new KedaHttpScaledObject(c, id, {
    target: w.deployment,
    service: d.useService ? w.service : undefined,
    serviceName: d.useService ? undefined : d.serviceName,
    port: d.port ?? (d.useService ? undefined : 8080),
    hosts: d.hosts,
    pathPrefixes: d.pathPrefixes,
    minReplicas: d.minReplicas,
    maxReplicas: d.maxReplicas,
    scaledownPeriod: d.scaledownPeriod,
    initialCooldownPeriod: d.initialCooldownPeriod,
    targetConcurrency: d.targetConcurrency,
    targetRequestRate: d.targetRequestRate,
    coldStartFailover: d.failover === undefined ? undefined : { service: fallbackService(c, `${id}Fb`), port: d.failover.port, timeout: d.failover.timeout },
    metadata: d.metadata,
  });
}

describe('fuzz: KEDA HTTP add-on objects', () => {
  test('KedaInterceptorRoute: valid output or the documented error', () => {
    assertValidOrDocumentedError(routeArb, (app: App, d) => route(new Chart(app, 'fuzz'), 'Route', d));
  });

  test('KedaHttpScaledObject: valid output or the documented error', () => {
    assertValidOrDocumentedError(httpSoArb, (app: App, d) => httpSo(new Chart(app, 'fuzz'), 'Hso', d));
  });

  test('two objects in one app (same or other chart and namespace): valid, or the documented duplicate-claim error', () => {
    // Claims only (every other prop valid), so most runs reach the cross-object check at synth.
    const claim = fc.record({
      kind: fc.constantFrom('route', 'httpSo'),
      hosts: fc.subarray(['fn.example.com', 'FN.example.com.', '*.example.com', '*', 'other.example.com']),
      paths: fc.subarray(['/', '/api', '/api/', '//api', '/v1']),
      header: fc.boolean(),
    });
    const arb = fc.record({ a: claim, b: claim, sameChart: fc.boolean(), namespaces: fc.constantFrom([undefined, undefined], ['a', 'b'], ['a', 'a']) });
    const build = (c: Chart, id: string, d: typeof claim extends fc.Arbitrary<infer T> ? T : never) => {
      const h = d.hosts.map(x => x.toLowerCase().replace(/\.$/, ''));
      if (d.kind === 'route') {
        return new KedaInterceptorRoute(c, id, {
          serviceName: `svc-${id.toLowerCase()}`,
          port: 8080,
          rules: [{ hosts: h, pathPrefixes: d.paths, headers: d.header ? [{ name: 'X-Env', value: 'prod' }] : undefined }],
        });
      }
      const w = workload(c, `${id}W`);
      return new KedaHttpScaledObject(c, id, { target: w.deployment, service: w.service, hosts: h, pathPrefixes: d.paths });
    };
    assertValidOrDocumentedError(arb, (app: App, p) => {
      const c1 = new Chart(app, 'one', { namespace: p.namespaces[0] });
      const c2 = p.sameChart ? c1 : new Chart(app, 'two', { namespace: p.namespaces[1] });
      build(c1, 'A', p.a);
      build(c2, 'B', p.b);
    });
  });
});
