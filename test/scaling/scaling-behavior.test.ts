import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, wasm } from './helpers';
import { ScalingBehavior, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { validationErrorOf } from '../util/errors';

const rps = () => kplus.Metric.pods({ name: 'http_requests_per_second', target: kplus.MetricTarget.averageValue(50) });

describe('ScalingBehavior presets', () => {
  test('fastScaleOut: at once up by 100% or 4 pods per 15 s; down by 50% a minute after 300 s', () => {
    const b = ScalingBehavior.fastScaleOut();
    expect(b.presetName).toBe('fastScaleOut');
    expect(b._toKube(Testing.chart(), 'behavior')).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    });
  });

  test('conservative: up by 2 pods or 50% a minute after 60 s; down one pod per 2 minutes after 600 s', () => {
    const b = ScalingBehavior.conservative();
    expect(b.presetName).toBe('conservative');
    expect(b._toKube(Testing.chart(), 'behavior')).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }],
      },
      scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
    });
  });

  test('custom: a direction left out keeps the Kubernetes default; a policy period defaults to 15 s', () => {
    const b = ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.absolute(3) }] } });
    expect(b.presetName).toBe('custom');
    expect(b._toKube(Testing.chart(), 'behavior')).toEqual({
      scaleUp: { stabilizationWindowSeconds: undefined, selectPolicy: undefined, policies: [{ type: 'Pods', value: 3, periodSeconds: 15 }] },
      scaleDown: undefined,
    });
  });
});

describe('ScalingBehavior errors (at construction of the autoscaler)', () => {
  test.each([
    ['stabilization window over an hour', ScalingBehavior.custom({ scaleDown: { stabilizationWindow: Duration.hours(2) } }), 'behavior.scaleDown.stabilizationWindow', '"7200s"'],
    ['policy period over 30 minutes', ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.percent(10), duration: Duration.hours(1) }] } }),
      'behavior.scaleUp.policies[0].duration', '"3600s"'],
    ['zero replicas policy', ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.absolute(0) }] } }), 'behavior.scaleUp.policies[0].replicas', '0'],
    ['fractional window', ScalingBehavior.custom({ scaleUp: { stabilizationWindow: Duration.millis(1500) } }), 'behavior.scaleUp.stabilizationWindow', '"1.5s"'],
  ])('bad behavior: %s', (_name, behavior, prop, value) => {
    const c = chart();
    const e = validationErrorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [rps()], behavior }));
    expect([e.constructPath, e.prop, e.value]).toEqual(['test/Hpa', prop, value]);
    expect(e.fix).toMatch(/^use e\.g\./);
  });

  test('the Disabled strategy is refused', () => {
    const e = validationErrorOf(() => ScalingBehavior.custom({ scaleDown: { strategy: kplus.ScalingStrategy.DISABLED } })._toKube(Testing.chart(), 'behavior'));
    expect([e.prop, e.value]).toEqual(['behavior.scaleDown.strategy', '"Disabled"']);
  });
});
