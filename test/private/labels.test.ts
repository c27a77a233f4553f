import { checkLabelKey, checkLabelValue } from '../../lib/private/labels';
import { validationErrorOf } from '../util/errors';

describe('checkLabelKey', () => {
  test.each(['site', 'example.com/site', 'topology.kubernetes.io/zone', 'node.kubernetes.io/x'])('%s is a kubelet label key', (key) => {
    expect(() => checkLabelKey('n', 'labels', key, true)).not.toThrow();
  });

  test.each(['', 'a b', '-a', 'Example.com/a', `${'a'.repeat(64)}`])('%j is not a label key', (key) => {
    expect(validationErrorOf(() => checkLabelKey('n', 'labels', key, false)).prop).toBe('labels');
  });

  test('kubernetes.io keys the kubelet refuses: only for node labels', () => {
    expect(() => checkLabelKey('n', 'labels', 'example.kubernetes.io/x', false)).not.toThrow();
    const e = validationErrorOf(() => checkLabelKey('n', 'labels', 'node-role.kubernetes.io/edge', true));
    expect(e.fix).toMatch(/kubectl label node/);
  });
});

test('checkLabelValue', () => {
  expect(() => checkLabelValue('n', 'zone', 'zone-a')).not.toThrow();
  expect(() => checkLabelValue('n', 'zone', '')).not.toThrow();
  for (const bad of ['-a', 'a b', 'a'.repeat(64)]) expect(validationErrorOf(() => checkLabelValue('n', 'zone', bad)).prop).toBe('zone');
});
