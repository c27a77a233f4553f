import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IWasmPlacement, WasmRuntime } from '../../lib';
import { autonomySeconds, OFFLINE_TAINT_KEYS, placementTolerations } from '../../lib/core/placement';
import { validationErrorOf } from '../util/errors';

function placement(p: Partial<IWasmPlacement>): IWasmPlacement {
  return Object.assign({ placementName: 'site', nodeLabels: {}, taints: [], runtimes: [WasmRuntime.WASMEDGE] }, p);
}

describe('placementTolerations', () => {
  test('none without a placement', () => {
    expect(placementTolerations(undefined)).toEqual([]);
  });

  test('one per taint, and both offline taints for the autonomy window, sorted', () => {
    const t = placementTolerations(placement({
      taints: [{ key: 'example.com/z', effect: kplus.TaintEffect.NO_SCHEDULE }, { key: 'example.com/a', value: 'x', effect: kplus.TaintEffect.NO_EXECUTE }],
      offlineAutonomy: Duration.hours(1),
    }));
    expect(JSON.parse(JSON.stringify(t))).toEqual([
      { key: 'example.com/a', operator: 'Equal', value: 'x', effect: 'NoExecute' },
      { key: 'example.com/z', operator: 'Exists', effect: 'NoSchedule' },
      ...[...OFFLINE_TAINT_KEYS].sort().map(key => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 })),
    ]);
  });

  test('a bad taint of a user\'s own placement names the placement and the taint', () => {
    const e = validationErrorOf(() => placementTolerations(placement({ taints: [{ key: 'bad key', effect: kplus.TaintEffect.NO_SCHEDULE }] })));
    expect([e.constructPath, e.prop]).toEqual(['site', 'taints[0]']);
  });
});

describe('autonomySeconds', () => {
  test('whole seconds', () => {
    expect(autonomySeconds('n', Duration.days(1))).toBe(86400);
    expect(validationErrorOf(() => autonomySeconds('n', Duration.millis(1500))).prop).toBe('offlineAutonomy');
  });
});
