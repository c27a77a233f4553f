import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, ofKind, wasmWithService } from './helpers';
import { KedaHttpScaledObject, KedaInterceptorRoute, KedaScaledObject } from '../../lib/scaling';
import { synthAndValidate } from '../util/validate';

describe('KedaInterceptorRoute', () => {
  test('snapshot: route + ScaledObject with the external-push trigger, ordered after the route', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c, 'Fn', { warmReplicas: 0 });
    const route = new KedaInterceptorRoute(c, 'Route', {
      service,
      hosts: ['fn.example.com', 'fn-proxy'],
      pathPrefixes: ['/api'],
      targetConcurrency: 20,
      targetRequestRate: { targetValue: 50, window: Duration.seconds(30), granularity: Duration.millis(500) },
      placeholderResponse: { body: 'warming up', statusCode: 503, headers: { 'Retry-After': '1' } },
      timeouts: { readiness: Duration.seconds(5), responseHeader: Duration.minutes(1) },
    });
    const so = route.autoscale(deployment, { maxReplicas: 50 });
    expect(so).toBeInstanceOf(KedaScaledObject);
    const objects = synthAndValidate(c);
    const [ir] = ofKind(objects, 'InterceptorRoute');
    const [sobj] = ofKind(objects, 'ScaledObject');
    expect(ir.apiVersion).toBe('http.keda.sh/v1beta1');
    expect(ir.spec).toEqual({
      target: { service: service.name, port: 8080 },
      rules: [{ hosts: ['fn.example.com', 'fn-proxy'], paths: [{ value: '/api' }] }],
      scalingMetric: { concurrency: { targetValue: 20 }, requestRate: { targetValue: 50, window: '30s', granularity: '500ms' } },
      coldStart: { placeholder: { response: { body: 'warming up', statusCode: 503, headers: { 'Retry-After': '1' } } } },
      timeouts: { readiness: '5s', responseHeader: '1m' },
    });
    expect(sobj.spec.minReplicaCount).toBe(0);
    expect(sobj.spec.triggers).toEqual([{ type: 'external-push', metadata: { scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090', interceptorRoute: ir.metadata.name } }]);
    // The add-on needs the route before the ScaledObject.
    expect(objects.indexOf(ir)).toBeLessThan(objects.indexOf(sobj));
    expect([ir, sobj]).toMatchSnapshot();
  });

  test('rules with headers, a fallback Service, trigger() for your own ScaledObject', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c, 'Fn');
    const fallback = new kplus.Service(c, 'Static', { ports: [{ port: 80 }], selector: kplus.Pods.select(c, 'Sel', { labels: { app: 'static' } }) });
    const route = new KedaInterceptorRoute(c, 'Route', {
      service,
      rules: [{ hosts: ['*.tenants.example.com'], headers: [{ name: 'X-Tenant' }, { name: 'X-Env', value: 'prod' }] }, { pathPrefixes: ['/'] }],
      coldStartFallback: { service: fallback },
    });
    new KedaScaledObject(c, 'So', { target: deployment, triggers: [route.trigger({ name: 'http' })], minReplicas: 0 });
    const objects = synthAndValidate(c);
    const [ir] = ofKind(objects, 'InterceptorRoute');
    expect(ir.spec.rules).toEqual([
      { hosts: ['*.tenants.example.com'], headers: [{ name: 'X-Tenant' }, { name: 'X-Env', value: 'prod' }] },
      { paths: [{ value: '/' }] },
    ]);
    expect(ir.spec.coldStart).toEqual({ fallback: { service: { name: fallback.name, port: 80 } } });
    expect(ofKind(objects, 'ScaledObject')[0].spec.triggers[0].name).toBe('http');
  });

  test.each<[string, Record<string, unknown>, string, string]>([
    ['no rules', {}, 'hosts=[]: without hosts, pathPrefixes or rules the interceptor routes nothing', 'hello.example.com'],
    ['bad host', { hosts: ['Fn.Example.com'] }, 'hosts[0]="Fn.Example.com": is not a host name', 'hello.example.com'],
    ['bad path', { hosts: ['a.b'], pathPrefixes: ['api'] }, 'pathPrefixes[0]="api": is not a path prefix', '/api'],
    ['rules and shortcut', { hosts: ['a.b'], rules: [{ hosts: ['c.d'] }] }, 'rules=[{"hosts":["c.d"]}]: give either rules or the hosts/pathPrefixes shortcut', 'move hosts and pathPrefixes'],
    ['empty rule', { rules: [{}] }, 'rules[0]={}: an empty rule matches nothing', 'give the rule hosts'],
    ['port not on the Service', { hosts: ['a.b'], port: 9999 }, 'port=9999: Service', 'use one of 8080'],
    ['zero concurrency', { hosts: ['a.b'], targetConcurrency: 0 }, 'targetConcurrency=0: must be a whole number >= 1', 'e.g. 100'],
    ['status code', { hosts: ['a.b'], placeholderResponse: { statusCode: 42 } }, 'placeholderResponse.statusCode=42', 'e.g. 503'],
    ['bad header name', { rules: [{ headers: [{ name: 'X Tenant' }] }] }, 'rules[0].headers[0].name="X Tenant"', 'X-Tenant'],
  ])('error: %s', (_name, props, where, fix) => {
    const c = chart();
    const { service } = wasmWithService(c);
    const msg = errorOf(() => {
      new KedaInterceptorRoute(c, 'Route', { service, ...props });
      synthAndValidate(c);
    });
    expect(msg).toContain(`[cdk8s-wasm-edge] test/Route: ${where}`);
    expect(msg.slice(msg.indexOf('Fix: '))).toContain(fix);
  });
});

describe('KedaHttpScaledObject', () => {
  test('snapshot: v1alpha1 with scale to zero and a cold-start failover', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c, 'Fn', { warmReplicas: 0 });
    const fallback = new kplus.Service(c, 'Static', { ports: [{ port: 80 }], selector: kplus.Pods.select(c, 'Sel', { labels: { app: 'static' } }) });
    new KedaHttpScaledObject(c, 'Http', {
      target: deployment,
      service,
      hosts: ['fn.example.com'],
      pathPrefixes: ['/'],
      maxReplicas: 20,
      targetRequestRate: { targetValue: 100, window: Duration.minutes(1) },
      scaledownPeriod: Duration.minutes(2),
      initialCooldownPeriod: Duration.seconds(30),
      coldStartFailover: { service: fallback, timeout: Duration.seconds(10) },
    });
    const objects = synthAndValidate(c);
    const [hso] = ofKind(objects, 'HTTPScaledObject');
    expect(hso.apiVersion).toBe('http.keda.sh/v1alpha1');
    expect(hso.spec).toEqual({
      hosts: ['fn.example.com'],
      pathPrefixes: ['/'],
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name, service: service.name, port: 8080 },
      replicas: { min: 0, max: 20 },
      scalingMetric: { requestRate: { targetValue: 100, window: '1m' } },
      scaledownPeriod: 120,
      initialCooldownPeriod: 30,
      coldStartTimeoutFailoverRef: { service: fallback.name, port: 80, timeoutSeconds: 10 },
    });
    expect(hso).toMatchSnapshot();
  });

  test('errors: both metrics, no routes, min above max', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c);
    expect(errorOf(() => new KedaHttpScaledObject(c, 'A', { target: deployment, service, hosts: ['a.b'], targetConcurrency: 10, targetRequestRate: { targetValue: 5 } })))
      .toContain('test/A: targetRequestRate=5: an HTTPScaledObject scales on concurrency or request rate, not both. Fix: drop one of them, or use a KedaInterceptorRoute');
    expect(errorOf(() => new KedaHttpScaledObject(c, 'B', { target: deployment, service })))
      .toContain('test/B: hosts=[]: without hosts or pathPrefixes the interceptor routes nothing');
    expect(errorOf(() => new KedaHttpScaledObject(c, 'C', { target: deployment, service, hosts: ['a.b'], minReplicas: 3, maxReplicas: 2 })))
      .toContain('test/C: minReplicas=3: is above maxReplicas=2');
  });
});

describe('HTTP add-on: a Service by name (one a platform creates)', () => {
  test('serviceName with port routes to that Service in the chart namespace', () => {
    const c = chart();
    new KedaInterceptorRoute(c, 'Route', { serviceName: 'spin-app', port: 80, hosts: ['fn.example.com'] });
    const route = ofKind(synthAndValidate(c), 'InterceptorRoute')[0];
    expect(route.spec.target).toEqual({ service: 'spin-app', port: 80 });
  });

  test('serviceName without port is refused', () => {
    expect(() => new KedaInterceptorRoute(chart(), 'Route', { serviceName: 'spin-app', hosts: ['fn.example.com'] }))
      .toThrow(/Route: port=undefined: is required with serviceName "spin-app". Fix: set port/);
  });

  test('neither service nor serviceName is refused, and so are both', () => {
    expect(() => new KedaInterceptorRoute(chart(), 'Route', { hosts: ['fn.example.com'] })).toThrow(/service=undefined: no Service to send requests to/);
    const c = chart();
    const { service } = wasmWithService(c);
    expect(() => new KedaInterceptorRoute(c, 'Route', { service, serviceName: 'x', port: 80, hosts: ['a.example.com'] })).toThrow(/serviceName="x": is given together with service/);
  });
});

// kedacore/http-add-on pkg/queue/bucketing.go:47-50: NewRequestsBuckets makes
// ceil(window / granularity) buckets; zero or inverted values break the request-rate count.
describe('request-rate window and granularity', () => {
  test.each([
    [Duration.millis(0), Duration.millis(0)],
    [Duration.seconds(1), Duration.millis(0)],
    [Duration.millis(0), Duration.seconds(1)],
    [Duration.seconds(1), Duration.seconds(2)],
    [undefined, Duration.minutes(2)],
  ])('window %s, granularity %s is refused', (window, granularity) => {
    const c = chart();
    const { service } = wasmWithService(c, 'Fn', { warmReplicas: 0 });
    expect(() => new KedaInterceptorRoute(c, 'Route', { service, hosts: ['fn.example.com'], targetRequestRate: { targetValue: 10, window, granularity } }))
      .toThrow(/targetRequestRate=.*needs a window and a granularity above zero/);
  });

  test('the defaults and a granularity equal to the window are accepted', () => {
    const c = chart();
    const { service } = wasmWithService(c, 'Fn', { warmReplicas: 0 });
    new KedaInterceptorRoute(c, 'A', { service, hosts: ['a.example.com'], targetRequestRate: { targetValue: 10 } });
    new KedaInterceptorRoute(c, 'B', { service, hosts: ['b.example.com'], targetRequestRate: { targetValue: 10, window: Duration.seconds(5), granularity: Duration.seconds(5) } });
    expect(ofKind(synthAndValidate(c), 'InterceptorRoute')).toHaveLength(2);
  });
});
