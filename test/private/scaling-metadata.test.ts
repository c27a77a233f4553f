import { definedMetadata } from '../../lib/private/scaling-metadata';

describe('definedMetadata', () => {
  test('drops undefined keys, so cdk8s keeps its generated name and the chart namespace', () => {
    expect(definedMetadata({ name: undefined, labels: { a: 'b' } }, { namespace: undefined })).toEqual({ labels: { a: 'b' } });
  });

  test('later parts win; nothing defined is undefined', () => {
    expect(definedMetadata({ namespace: 'a' }, { namespace: 'b' })).toEqual({ namespace: 'b' });
    expect(definedMetadata(undefined, { name: undefined })).toBeUndefined();
  });
});
