import { ApiObject, Testing } from 'cdk8s';
import * as kedaEager from '../../lib/imports/keda';
import { lazyExports, lazyModule } from '../../lib/private/lazy';

type Keda = typeof import('../../lib/imports/keda');

function counted(): { load: () => Keda; calls: () => number } {
  let n = 0;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { load: () => { n++; return require('../../lib/imports/keda'); }, calls: () => n };
}

const spec = { scaleTargetRef: { name: 'web' }, triggers: [{ type: 'cpu', metadata: { value: '50' } }] };

describe('lazyModule', () => {
  test('loads on the first property read, once; the values are the module\'s own', () => {
    const c = counted();
    const keda = lazyModule(c.load);
    expect(c.calls()).toBe(0);
    const chart = Testing.chart();
    const so = new keda.ScaledObject(chart, 'so', { spec });
    expect(c.calls()).toBe(1);
    expect(so).toBeInstanceOf(keda.ScaledObject);
    expect(so).toBeInstanceOf(ApiObject);
    expect(keda.ScaledObject).toBe(kedaEager.ScaledObject);
    expect(keda.ScaledObjectSpecFallbackBehavior.STATIC).toBe(kedaEager.ScaledObjectSpecFallbackBehavior.STATIC);
    expect(keda.ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleUpTolerance.fromNumber(1).value).toBe(1);
    expect('ScaledObject' in keda).toBe(true);
    expect(Object.keys(keda)).toEqual(Object.keys(kedaEager));
    expect(Testing.synth(chart)[0].kind).toBe('ScaledObject');
    expect(c.calls()).toBe(1);
  });
});

describe('lazyExports', () => {
  test('destructuring loads nothing; new, statics, enums and instanceof load once and behave as the real class', () => {
    const c = counted();
    const {
      ScaledObject, ScaledObjectSpecFallbackBehavior, ScaledObjectSpecAdvancedHorizontalPodAutoscalerConfigBehaviorScaleUpTolerance: Tol,
    } = lazyExports(c.load);
    expect(c.calls()).toBe(0);
    const so = new ScaledObject(Testing.chart(), 'so', { spec });
    expect(c.calls()).toBe(1);
    expect(so).toBeInstanceOf(ScaledObject);
    expect(so).toBeInstanceOf(kedaEager.ScaledObject);
    expect(Object.getPrototypeOf(so)).toBe(kedaEager.ScaledObject.prototype);
    expect(so.constructor).toBe(kedaEager.ScaledObject);
    expect(ScaledObject.GVK).toEqual(kedaEager.ScaledObject.GVK);
    expect(ScaledObject.manifest({ spec }).kind).toBe('ScaledObject');
    expect(ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS).toBe(kedaEager.ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS);
    expect(Tol.fromString('0.1').value).toBe('0.1');
    expect({} instanceof ScaledObject).toBe(false);
    expect(c.calls()).toBe(1);
  });

  test('a subclass of a stand-in keeps its own prototype', () => {
    const { ScaledObject } = lazyExports(counted().load);
    class Mine extends ScaledObject {
      public mine(): string { return 'mine'; }
    }
    const m = new Mine(Testing.chart(), 'so', { spec });
    expect(m.mine()).toBe('mine');
    expect(m).toBeInstanceOf(kedaEager.ScaledObject);
  });
});
