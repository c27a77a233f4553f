import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { chart, wasm } from './helpers';
import { IntegrationRoute } from '../../lib/core/runtime';
import { IWasmScalable, KedaScaledObject, KedaTrigger, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { isWasmScalable } from '../../lib/scaling/guardrails';
import { Warnings } from '../../lib/warnings';
import { validationErrorOf } from '../util/errors';

/** A Wasm workload of the user's own: not a WasmDeployment, but an IWasmScalable. */
class OwnWasmWorkload extends kplus.Deployment implements IWasmScalable {
  constructor(scope: Construct, id: string, public readonly warmReplicas: number, public readonly route: IntegrationRoute, replicas?: number) {
    super(scope, id, { replicas, containers: [{ image: 'ghcr.io/acme/own-wasm:1.0.0', resources: { cpu: { request: kplus.Cpu.millis(100) } } }] });
  }
}

const cron = () => KedaTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 2 });

describe('IWasmScalable', () => {
  test('a WasmDeployment is one (structurally: warmReplicas and route)', () => {
    const c = chart();
    const w: IWasmScalable = wasm(c, 'Hello', { warmReplicas: 2 });
    expect(isWasmScalable(w)).toBe(true);
    expect(isWasmScalable(new kplus.Deployment(c, 'Plain', { containers: [{ image: 'nginx:1.27' }] }))).toBe(false);
  });

  test('any IWasmScalable gets the warm floor, the CPU warning and the warmReplicas fix', () => {
    const c = chart();
    const own = new OwnWasmWorkload(c, 'Own', 3, IntegrationRoute.RUNWASI);
    expect(isWasmScalable(own)).toBe(true);
    const so = new KedaScaledObject(c, 'So', { target: own, triggers: [cron(), KedaTrigger.cpu({ utilization: 70 })] });
    expect(so.minReplicas).toBe(3);
    expect(Warnings.of(so).messages).toEqual([expect.stringContaining('triggers[1]="cpu": CPU-based scaling of WasmDeployment test/Own')]);

    const fixed = new OwnWasmWorkload(c, 'Fixed', 1, IntegrationRoute.CRUN, 4);
    const e = validationErrorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: fixed, metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))] }));
    expect(e.prop).toBe('target');
    expect(e.fix).toBe('remove replicas from the WasmDeployment; use warmReplicas for the floor the autoscaler keeps');
  });

  test('no CPU warning off the runwasi route', () => {
    const c = chart();
    const hpa = new WasmHorizontalPodAutoscaler(c, 'Hpa', {
      target: new OwnWasmWorkload(c, 'Own', 1, IntegrationRoute.CRUN),
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
    expect(Warnings.of(hpa).messages).toEqual([]);
  });
});
