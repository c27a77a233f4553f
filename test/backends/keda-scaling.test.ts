import { FunctionBackend, HttpAddOnApi } from '../../lib/backends/function-backend';
import { Gateway } from '../../lib/routing';
import { KedaTrigger } from '../../lib/scaling';
import { errorOf, fn } from '../serverless/helpers';

const cron = () => KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 2 });
const host = 'hello.example.com';

describe('KEDA scaling (Kubernetes and SpinKube backends)', () => {
  test.each<[string, Parameters<typeof fn>[0], boolean, string[]]>([
    ['fixed warm replicas: no autoscaler', {}, false, []],
    ['concurrency: HTTP scaling', { concurrency: 10, host }, true, ['InterceptorRoute', 'ScaledObject']],
    ['maxReplicas without triggers: HTTP scaling', { maxReplicas: 4, host }, true, ['InterceptorRoute', 'ScaledObject']],
    ['triggers only: a ScaledObject of them', { triggers: [cron()] }, false, ['ScaledObject']],
    ['scale to zero with triggers and no route: triggers wake it', { scaleToZero: true, triggers: [cron()] }, false, ['ScaledObject']],
    ['scale to zero with triggers behind a gateway: HTTP too', { scaleToZero: true, triggers: [cron()], gateway: Gateway.traefik(), host }, true,
      ['InterceptorRoute', 'ScaledObject']],
  ])('%s', (_, props, http, kinds) => {
    for (const backend of [FunctionBackend.kubernetes(), FunctionBackend.spinKube()]) {
      const f = fn(Object.assign({ backend }, props));
      expect(f.f.routesThroughInterceptor).toBe(http);
      expect(f.objs().map(o => o.kind).filter(k => ['InterceptorRoute', 'HTTPScaledObject', 'ScaledObject'].includes(k))).toEqual(kinds);
    }
  });

  test('HTTPScaledObject: the add-on makes the ScaledObject, so no triggers', () => {
    const backend = FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT });
    const f = fn({ backend, scaleToZero: true, host });
    expect([f.f.httpScaledObject !== undefined, f.f.scaledObject, f.f.interceptorRoute]).toEqual([true, undefined, undefined]);
    expect(errorOf(() => fn({ backend, concurrency: 5, host, triggers: [cron()] }))).toMatch(/an HTTPScaledObject creates its own ScaledObject/);
  });

  test('HTTP scaling needs a host', () => {
    expect(errorOf(() => fn({ concurrency: 5 }))).toMatch(/host=undefined: the KEDA HTTP interceptor routes requests by Host header/);
  });

  test('platforms that scale themselves get no KEDA objects', () => {
    for (const backend of [FunctionBackend.knative(), FunctionBackend.openFaas()]) {
      const f = fn({ backend, concurrency: 5 });
      expect([f.f.routesThroughInterceptor, f.f.scaledObject, f.f.interceptorRoute]).toEqual([false, undefined, undefined]);
    }
  });
});
