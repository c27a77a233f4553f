import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Node } from 'constructs';
import { runRule } from './helpers';
import { appIndex } from '../../../lib/private/app-checks';
import { ONE_AUTOSCALER_PER_WORKLOAD } from '../../../lib/private/app-checks/scaling';
import { KedaHttpScaledObject, KedaInterceptorRoute, KedaScaledObject, KedaTrigger, WasmHorizontalPodAutoscaler } from '../../../lib/scaling';
import { chart, validationText, wasm, wasmWithService } from '../../scaling/helpers';
import { synthAndValidate } from '../../util/validate';

const prom = () => KedaTrigger.prometheus({ serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: 100 });
const rps = () => kplus.Metric.pods({ name: 'http_requests_per_second', target: kplus.MetricTarget.averageValue(50) });

describe('one autoscaler per workload', () => {
  test('HPA and KEDA ScaledObject on the same WasmDeployment', () => {
    const c = chart();
    const d = wasm(c);
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: d, metrics: [rps()] });
    new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] });
    const text = validationText(c);
    expect(text).toContain('[cdk8s-wasm-edge] test/Hpa: target="apps/v1 Deployment test-hello-');
    expect(text).toContain('the workload is also scaled by KEDA ScaledObject test/Keda');
    expect(text).toContain('[cdk8s-wasm-edge] test/Keda: target=');
    expect(text).toContain('also scaled by HorizontalPodAutoscaler test/Hpa');
    expect(text).toContain('Fix: keep one autoscaler per workload');
  });

  test('HTTPScaledObject and an InterceptorRoute ScaledObject', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c);
    new KedaHttpScaledObject(c, 'Http', { target: deployment, service, hosts: ['a.example.com'] });
    new KedaInterceptorRoute(c, 'Route', { service, hosts: ['a.example.com'] }).autoscale(deployment);
    expect(validationText(c)).toMatch(/test\/Http: target=.*also scaled by KEDA ScaledObject test\/Route\/ScaledObject/);
  });

  test('a cdk8s-plus HorizontalPodAutoscaler counts too', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(100) } } }] });
    new kplus.HorizontalPodAutoscaler(c, 'PlusHpa', { target: d, maxReplicas: 5 });
    new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] });
    expect(validationText(c)).toContain('test/Keda: target="apps/v1 Deployment test-plain-');
    expect(validationText(c)).toContain('also scaled by HorizontalPodAutoscaler test/PlusHpa');
  });

  // The autoscalers of the app are indexed once per validation pass: a synth after the app grew
  // sees what was added since the last one.
  test('an autoscaler added after a synth is seen by the next synth', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(100) } } }] });
    new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] });
    expect(validationText(c)).toBe('');
    new kplus.HorizontalPodAutoscaler(c, 'PlusHpa', { target: d, maxReplicas: 5 });
    expect(validationText(c)).toContain('also scaled by HorizontalPodAutoscaler test/PlusHpa');
  });

  test('different workloads are fine', () => {
    const c = chart();
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c, 'A'), metrics: [rps()] });
    new KedaScaledObject(c, 'Keda', { target: wasm(c, 'B'), triggers: [prom()] });
    expect(validationText(c)).toBe('');
    synthAndValidate(c);
  });
});

describe('the rule on its own', () => {
  test('reports a ValidationError per autoscaler of this library on the shared workload (prop target, the fix)', () => {
    const c = chart();
    const d = wasm(c);
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: d, metrics: [rps()] });
    new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] });
    const { errors } = runRule(ONE_AUTOSCALER_PER_WORKLOAD, c);
    expect(errors.map(e => [e.constructPath, e.prop])).toEqual([['test/Hpa', 'target'], ['test/Keda', 'target']]);
    expect(errors[0].value).toMatch(/^"apps\/v1 Deployment test-hello-\w+"$/);
    expect(errors[0].problem).toMatch(/^the workload is also scaled by KEDA ScaledObject test\/Keda;/);
    expect(errors[1].fix).toMatch(/^keep one autoscaler per workload/);
  });

  test('cdk8s-plus HPAs alone are not this rule\'s business, and an app without autoscalers is not walked', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(100) } } }] });
    new kplus.HorizontalPodAutoscaler(c, 'A', { target: d, maxReplicas: 5 });
    new kplus.HorizontalPodAutoscaler(c, 'B', { target: d, maxReplicas: 5 });
    expect(runRule(ONE_AUTOSCALER_PER_WORKLOAD, c)).toEqual({ errors: [], walks: 0 });
  });

  test('an app with many autoscalers is checked in one walk of the tree', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    for (let i = 0; i < 50; i++) {
      new KedaScaledObject(c, `s${i}`, { target: wasm(c, `w${i}`), triggers: [prom()] });
    }
    // Two more on one workload: the conflict is found in the same walk.
    const shared = wasm(c, 'shared');
    new KedaScaledObject(c, 'x', { target: shared, triggers: [prom()] });
    new WasmHorizontalPodAutoscaler(c, 'y', { target: shared, metrics: [rps()] });
    const { errors, walks } = runRule(ONE_AUTOSCALER_PER_WORKLOAD, c);
    expect(walks).toBe(1);
    expect(errors.map(e => e.constructPath)).toEqual(['c/x', 'c/y']);

    // And in a synth: the app's pass walks the tree once for every rule, not once per autoscaler.
    const spy = jest.spyOn(Node.prototype, 'findAll');
    try {
      appIndex(c).runPass([ONE_AUTOSCALER_PER_WORKLOAD]);
      expect(spy.mock.contexts.filter(ctx => ctx === app.node)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('cdk8s reports the errors under the root (the message names the construct path)', () => {
    const c = chart();
    const { deployment, service } = wasmWithService(c);
    new KedaHttpScaledObject(c, 'Http', { target: deployment, service, hosts: ['a.example.com'] });
    new KedaInterceptorRoute(c, 'Route', { service, hosts: ['b.example.com'] }).autoscale(deployment);
    expect(validationText(c)).toMatch(/\[\] \[cdk8s-wasm-edge\] test\/Http: target=/);
  });
});
