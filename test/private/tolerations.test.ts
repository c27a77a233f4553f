import { tolerationOf } from '../../lib/private/tolerations';

test('a taint with a value: Equal; without: Exists', () => {
  expect(tolerationOf({ key: 'example.com/a', value: 'x', effect: 'NoSchedule' })).toEqual({ key: 'example.com/a', operator: 'Equal', value: 'x', effect: 'NoSchedule' });
  expect(tolerationOf({ key: 'example.com/a', effect: 'NoExecute' }, 60)).toEqual({ key: 'example.com/a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 });
  expect(JSON.parse(JSON.stringify(tolerationOf({ key: 'k', effect: 'NoSchedule' })))).toEqual({ key: 'k', operator: 'Exists', effect: 'NoSchedule' });
});
