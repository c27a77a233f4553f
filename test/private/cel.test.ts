import { celInput, celSyntaxError, evaluate } from '../../lib/private/cel';

describe('CEL evaluation', () => {
  test('JSON integers are CEL ints, other numbers doubles', () => {
    expect(celInput({ a: 1, b: 1.5, c: [2], d: undefined })).toEqual({ a: BigInt(1), b: 1.5, c: [BigInt(2)] });
    expect(evaluate([], 'type(object.a) == int && type(object.b) == double', { a: 1, b: 1.5 }).value).toBe(true);
  });

  test('variables are evaluated in order and read by later ones', () => {
    const out = evaluate([{ name: 'x', expression: 'object.n + 1' }, { name: 'y', expression: 'variables.x * 2' }], 'variables.y', { n: 2 });
    expect(out.value).toBe(BigInt(6));
  });

  test('a missing field is an error, as in Kubernetes (no such key); has() guards it', () => {
    expect(evaluate([], 'object.spec.nope == 1', { spec: {} }).error).toMatch(/nope/);
    expect(evaluate([{ name: 'v', expression: 'object.nope' }], 'true', {}).error).toMatch(/^variables.v: /);
    expect(evaluate([], 'has(object.spec.nope)', { spec: {} }).value).toBe(false);
  });

  test('syntax errors are reported, and the optional syntax Kubernetes 1.30 lacks by default does not parse', () => {
    expect(celSyntaxError('a &&')).toBeDefined();
    expect(celSyntaxError('object.?spec')).toBeDefined();
    expect(celSyntaxError('object.spec == 1')).toBeUndefined();
    expect(evaluate([], 'a &&', {}).error).toBeDefined();
  });

  test('extra bindings are visible', () => {
    expect(evaluate([], "namespaceObject.metadata.name == 'x'", {}, { namespaceObject: { metadata: { name: 'x' } } }).value).toBe(true);
  });
});
