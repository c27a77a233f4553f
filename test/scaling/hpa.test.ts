import * as kplus from 'cdk8s-plus-30';
import { chart, ofKind, validationText, wasm } from './helpers';
import { ScalingBehavior, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { Warnings } from '../../lib/warnings';
import { validationErrorOf } from '../util/errors';
import { synthAndValidate } from '../util/validate';

const memory70 = () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70));
const rps = () => kplus.Metric.pods({ name: 'http_requests_per_second', target: kplus.MetricTarget.averageValue(50) });

describe('WasmHorizontalPodAutoscaler', () => {
  test('snapshot: autoscaling/v2 with the fastScaleOut preset, target without replicas', () => {
    const c = chart();
    const d = wasm(c, 'Hello', { warmReplicas: 2 });
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: d, metrics: [rps()], maxReplicas: 20 });
    const objects = synthAndValidate(c);
    const [hpa] = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: ofKind(objects, 'Deployment')[0].metadata.name });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(20);
    expect(ofKind(objects, 'Deployment')[0].spec.replicas).toBeUndefined();
    expect(hpa).toMatchSnapshot();
  });

  test('fastScaleOut: up 100% or 4 pods per 15s (Max, no window); down 50% per 60s after 300s', () => {
    const c = chart();
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [rps()], behavior: ScalingBehavior.fastScaleOut() });
    const [hpa] = ofKind(synthAndValidate(c), 'HorizontalPodAutoscaler');
    expect(hpa.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
      },
    });
  });

  test('conservative: slow up, one pod down every 2 minutes after 600s', () => {
    const c = chart();
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [rps()], behavior: ScalingBehavior.conservative() });
    const [hpa] = ofKind(synthAndValidate(c), 'HorizontalPodAutoscaler');
    expect(hpa.spec.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }],
    });
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] });
  });

  test('custom behavior: one direction only; policy duration defaults to 15s', () => {
    const c = chart();
    new WasmHorizontalPodAutoscaler(c, 'Hpa', {
      target: wasm(c),
      metrics: [rps()],
      behavior: ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.absolute(10) }] } }),
    });
    const [hpa] = ofKind(synthAndValidate(c), 'HorizontalPodAutoscaler');
    expect(hpa.spec.behavior).toEqual({ scaleUp: { policies: [{ type: 'Pods', value: 10, periodSeconds: 15 }] } });
  });

  test('works with a plain cdk8s-plus Deployment (min defaults to 1)', () => {
    const c = chart();
    const d = new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: d, metrics: [memory70()] });
    const objects = synthAndValidate(c);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')[0].spec.minReplicas).toBe(1);
    expect(ofKind(objects, 'Deployment')[0].spec.replicas).toBeUndefined();
  });

  describe('errors', () => {
    test('min above max names path, prop and fix', () => {
      const c = chart();
      const e = validationErrorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [rps()], minReplicas: 5, maxReplicas: 3 }));
      expect([e.constructPath, e.prop, e.value]).toEqual(['test/Hpa', 'minReplicas', '5']);
      expect(e.problem).toBe('is above maxReplicas=3, so the autoscaler can never settle');
      expect(e.fix).toBe('lower minReplicas to at most 3, or raise maxReplicas to at least 5');
    });

    test('minReplicas 0 (HPA cannot scale to zero) points to KEDA', () => {
      const c = chart();
      const e = validationErrorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [rps()], minReplicas: 0 }));
      expect([e.prop, e.value]).toEqual(['minReplicas', '0']);
      expect(e.problem).toContain('HPAScaleToZero');
      expect(e.fix).toContain('KedaScaledObject');
    });

    test('no metrics', () => {
      const c = chart();
      const e = validationErrorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [] }));
      expect([e.prop, e.value, e.problem]).toEqual(['metrics', '[]', 'an HPA without metrics scales on 80% CPU']);
      expect(e.fix).toMatch(/^pass metrics/);
    });
  });

  describe('CPU metrics on a Wasm workload', () => {
    test('warn (SystemdCgroup, #180/#821, request-rate or queue scaling)', () => {
      const c = chart();
      const hpa = new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))] });
      const [w] = Warnings.of(hpa).messages;
      expect(w).toMatch(/^\[cdk8s-wasm-edge\] warning: test\/Hpa: metrics="cpu": CPU-based scaling of WasmDeployment test\/Hello/);
      expect(w).toContain('SystemdCgroup = true');
      expect(w).toContain('containerd-shim-spin #180, runwasi #821');
      expect(w).toMatch(/request-rate scaling.*queue-based scaling/);
      expect(validationText(c)).toBe('');
    });

    test('fatal in strict mode', () => {
      const c = chart(true);
      new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))] });
      expect(validationText(c)).toMatch(/CPU-based scaling.*\(strict mode: cdk8s-wasm-edge:strict\)/s);
    });

    test('no warning for memory metrics or plain Deployments', () => {
      const c = chart(true);
      new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [memory70()] });
      const d = new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27' }] });
      new WasmHorizontalPodAutoscaler(c, 'Hpa2', { target: d, metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))] });
      expect(validationText(c)).toBe('');
    });
  });
});
