import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, wasm, wasmWithService } from './helpers';
import { KedaHttpScaledObject, KedaScaledObject, KedaTrigger, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { validationErrorOf } from '../util/errors';
import { synthAndValidate } from '../util/validate';

const prom = () => KedaTrigger.prometheus({ serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: 100 });
const rps = () => kplus.Metric.pods({ name: 'http_requests_per_second', target: kplus.MetricTarget.averageValue(50) });

describe('no fixed replica count on an autoscaled workload', () => {
  test('explicit replicas on a WasmDeployment is an error naming the fix', () => {
    const c = chart();
    const d = wasm(c, 'Fixed', { replicas: 5 });
    const e = validationErrorOf(() => new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] }));
    expect([e.constructPath, e.prop]).toEqual(['test/Keda', 'target']);
    expect(e.value).toMatch(/^"apps\/v1 Deployment test-fixed-\w+"$/);
    expect(e.problem).toMatch(/^the workload sets a fixed replicas=5/);
    expect(e.fix).toBe('remove replicas from the WasmDeployment; use warmReplicas for the floor the autoscaler keeps');
  });

  test('explicit replicas on a plain Deployment', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'Plain', { replicas: 3, containers: [{ image: 'nginx:1.27' }] });
    const msg = errorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: d, metrics: [rps()] }));
    expect(msg).toContain('test/Hpa: target="apps/v1 Deployment test-plain-');
    expect(msg).toContain('fixed replicas=3');
  });

  test('the default replica count (warmReplicas) is dropped from the Deployment', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c, 'W', { warmReplicas: 3 });
    new KedaHttpScaledObject(c, 'Http', { target: deployment, service, hosts: ['w.example.com'] });
    const objects = synthAndValidate(c);
    expect(objects.find(o => o.kind === 'Deployment').spec.replicas).toBeUndefined();
    expect(deployment.hasAutoscaler).toBe(true);
  });
});

describe('replica ranges and durations', () => {
  test.each<[string, () => unknown, string, string, string]>([
    ['maxReplicas 0', () => new KedaScaledObject(chart(), 'So', { target: wasm(chart()), triggers: [prom()], maxReplicas: 0 }), 'maxReplicas', '0',
      'set maxReplicas to the most replicas the nodes can hold, e.g. 10'],
    ['minReplicas -1', () => new KedaScaledObject(chart(), 'So', { target: wasm(chart()), triggers: [prom()], minReplicas: -1 }), 'minReplicas', '-1',
      'set minReplicas to 0 or more'],
    ['HPA maxReplicas above int32', () => new WasmHorizontalPodAutoscaler(chart(), 'Hpa', { target: wasm(chart()), metrics: [rps()], maxReplicas: 2 ** 31 }), 'maxReplicas',
      '2147483648', 'set maxReplicas to the most replicas the nodes can hold, e.g. 10'],
  ])('%s', (_what, make, prop, value, fix) => {
    const e = validationErrorOf(make);
    expect([e.prop, e.value, e.fix]).toEqual([prop, value, fix]);
    expect(e.problem).toMatch(/^must be a whole number >= \d \(and at most 2147483647\)$/);
  });

  test('durations are whole seconds', () => {
    const c = chart();
    const e = validationErrorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom()], pollingInterval: Duration.millis(1500) }));
    expect([e.prop, e.value, e.problem]).toEqual(['pollingInterval', '"1.5s"', 'must be whole seconds from 1 up']);
    expect(e.fix).toBe('use e.g. Duration.seconds(30)');
  });
});
