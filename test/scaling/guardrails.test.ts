import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, validationText, wasm, wasmWithService } from './helpers';
import { KedaHttpScaledObject, KedaInterceptorRoute, KedaScaledObject, KedaTrigger, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { synthAndValidate } from '../util/validate';

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

describe('no fixed replica count on an autoscaled workload', () => {
  test('explicit replicas on a WasmDeployment is an error naming the fix', () => {
    const c = chart();
    const d = wasm(c, 'Fixed', { replicas: 5 });
    const msg = errorOf(() => new KedaScaledObject(c, 'Keda', { target: d, triggers: [prom()] }));
    expect(msg).toMatch(/^\[cdk8s-wasm-edge\] test\/Keda: target="apps\/v1 Deployment test-fixed-\w+": the workload sets a fixed replicas=5/);
    expect(msg).toContain('Fix: remove replicas from the WasmDeployment; use warmReplicas for the floor the autoscaler keeps');
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
