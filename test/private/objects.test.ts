import { mapValues } from '../../lib/private/objects';

describe('mapValues', () => {
  test('applies f to every value and keeps the keys in order', () => {
    const out = mapValues({ b: '2', a: '10' }, v => Number(v) * 2);
    expect(out).toEqual({ b: 4, a: 20 });
    expect(Object.keys(out!)).toEqual(['b', 'a']);
  });

  test('an empty map gives undefined, so the field is left out', () => {
    expect(mapValues({}, v => v)).toBeUndefined();
    expect(JSON.parse(JSON.stringify({ field: mapValues({}, v => v) }))).toEqual({});
  });

  test('f is called once per value, and the input is not changed', () => {
    const input = { x: 'a', y: 'b' };
    const f = jest.fn((v: string) => ({ value: v }));
    const out = mapValues(input, f);
    expect(f).toHaveBeenCalledTimes(2);
    expect(f.mock.calls.map(c => c[0])).toEqual(['a', 'b']);
    expect(out).toEqual({ x: { value: 'a' }, y: { value: 'b' } });
    expect(out).not.toBe(input);
    expect(input).toEqual({ x: 'a', y: 'b' });
  });

  test('empty-string values and keys are kept', () => {
    expect(mapValues({ '': '' }, v => v.length)).toEqual({ '': 0 });
  });
});
