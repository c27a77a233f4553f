import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { probeTiming, resourceQuantities, unsupported } from '../../lib/backends/common';

describe('backend helpers', () => {
  test('probeTiming: every second up to 30 s, then stretched; at least 1 s', () => {
    expect(probeTiming(300)).toEqual({ budgetSeconds: 1, periodSeconds: 1, failureThreshold: 1 });
    expect(probeTiming(30000)).toEqual({ budgetSeconds: 30, periodSeconds: 1, failureThreshold: 30 });
    expect(probeTiming(120000)).toEqual({ budgetSeconds: 120, periodSeconds: 4, failureThreshold: 30 });
  });

  test('resourceQuantities: millicores and binary units; only what is set', () => {
    expect(resourceQuantities({ cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.units(1) }, memory: { limit: Size.mebibytes(64) } }))
      .toEqual({ requests: { cpu: '50m' }, limits: { cpu: '1000m', memory: '64Mi' } });
  });


  test('unsupported: names the backend and the prop', () => {
    const e = unsupported('app/fn', 'port', 81, 'SpinKube', 'it is fixed', 'leave it out');
    expect(e.message).toBe('[cdk8s-wasm-edge] app/fn: port=81: the SpinKube backend cannot express port: it is fixed. Fix: leave it out');
    expect(e.prop).toBe('port');
  });
});
