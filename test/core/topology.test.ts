import { NodeInclusionPolicy, TOPOLOGY_HOSTNAME_KEY, TOPOLOGY_ZONE_KEY, WhenUnsatisfiable } from '../../lib';
import { renderTopologySpread, resolveTopologySpread } from '../../lib/core/topology';
import { validationErrorOf } from '../util/errors';

describe('resolveTopologySpread', () => {
  test('fills in the defaults', () => {
    expect(resolveTopologySpread('app/w', 'topologySpread', {})).toEqual({
      maxSkew: 1, topologyKey: TOPOLOGY_ZONE_KEY, whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE, nodeTaintsPolicy: NodeInclusionPolicy.HONOR,
    });
  });

  test.each<[string, object, string]>([
    ['maxSkew 0', { maxSkew: 0 }, 'topologySpread.maxSkew'],
    ['a bad key', { topologyKey: 'a b' }, 'topologySpread.topologyKey'],
    ['minDomains with ScheduleAnyway', { minDomains: 2, whenUnsatisfiable: WhenUnsatisfiable.SCHEDULE_ANYWAY }, 'topologySpread.minDomains'],
    ['a matchLabelKey twice', { matchLabelKeys: ['a', 'a'] }, 'topologySpread.matchLabelKeys'],
  ])('refuses %s', (_, options, prop) => {
    const e = validationErrorOf(() => resolveTopologySpread('app/w', 'topologySpread', options));
    expect([e.constructPath, e.prop]).toEqual(['app/w', prop]);
  });
});

test('renderTopologySpread selects the workload\'s pods', () => {
  expect(JSON.parse(JSON.stringify(renderTopologySpread({ topologyKey: TOPOLOGY_HOSTNAME_KEY, matchLabelKeys: ['pod-template-hash'] }, { app: 'x' })))).toEqual({
    maxSkew: 1, topologyKey: TOPOLOGY_HOSTNAME_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } }, matchLabelKeys: ['pod-template-hash'],
  });
});
