import { Testing } from 'cdk8s';
import { ERROR_PREFIX } from '../../lib';
import { checkDns1123Label, checkDns1123Subdomain, checkInt, checkInt32, describe as describeValue, INT32_MAX, isWholeNumber, propError } from '../../lib/private/errors';
import { ValidationError } from '../../lib/private/validation-error';
import { validationErrorOf } from '../util/errors';

describe('the one integer checker', () => {
  test('isWholeNumber: a finite whole number within the bounds, nothing else', () => {
    expect(isWholeNumber(3, 0, 5)).toBe(true);
    expect(isWholeNumber(0, 0)).toBe(true);
    for (const bad of [-1, 6, 1.5, NaN, Infinity, '3', undefined, null]) expect(isWholeNumber(bad, 0, 5)).toBe(false);
  });

  test('checkInt: undefined passes unless required; the default wording names the range', () => {
    expect(() => checkInt('x', 'n', undefined, 1)).not.toThrow();
    const low = validationErrorOf(() => checkInt('x', 'n', 0, 1)) as ValidationError;
    expect([low.prop, low.value, low.problem, low.fix]).toEqual(['n', '0', 'must be a whole number >= 1', 'set n to a whole number >= 1']);
    const range = validationErrorOf(() => checkInt('x', 'n', 2.5, 0, 2)) as ValidationError;
    expect([range.problem, range.fix]).toEqual(['must be a whole number from 0 to 2', 'set n to a whole number from 0 to 2']);
    const missing = validationErrorOf(() => checkInt('x', 'n', undefined, 1, 9, { required: true })) as ValidationError;
    expect(missing.value).toBe('undefined');
  });

  test('checkInt: a call site keeps its own problem and fix', () => {
    const e = validationErrorOf(() => checkInt('x', 'code', 600, 100, 599, { problem: 'must be an HTTP status code from 100 to 599', fix: 'use e.g. 503' })) as ValidationError;
    expect(e.message).toBe(`${ERROR_PREFIX} x: code=600: must be an HTTP status code from 100 to 599. Fix: use e.g. 503`);
    expect((validationErrorOf(() => checkInt('x', 'n', NaN, 0)) as ValidationError).value).toBe('null');
    expect((validationErrorOf(() => checkInt('x', 'n', NaN, 0, 9, { shown: 'NaN' })) as ValidationError).value).toBe('"NaN"');
  });

  test('checkInt32: required, at most 2147483647, "<min> or more" unless told', () => {
    expect(() => checkInt32('x', 'n', INT32_MAX, 0)).not.toThrow();
    const e = validationErrorOf(() => checkInt32('x', 'n', INT32_MAX + 1, 1)) as ValidationError;
    expect([e.problem, e.fix]).toEqual(['must be a whole number >= 1 (and at most 2147483647)', 'set n to 1 or more']);
    expect((validationErrorOf(() => checkInt32('x', 'n', undefined, 1, 'set n, e.g. 100')) as ValidationError).fix).toBe('set n, e.g. 100');
  });
});

describe('propError and the shared DNS checks', () => {
  test('propError shows the value as JSON, shortened past 200 characters', () => {
    expect(propError('x', 'p', 'a"b', 'bad', 'fix').value).toBe('"a\\"b"');
    expect(propError('x', 'p', undefined, 'bad', 'fix').value).toBe('undefined');
    const long = propError('x', 'p', { s: 'y'.repeat(300) }, 'bad', 'fix').value;
    expect(long).toHaveLength(200);
    expect(long.endsWith('...')).toBe(true);
    expect(describeValue(BigInt(5))).toBe('5');
  });

  test('a construct without a path reads <root>', () => {
    expect(propError(Testing.app(), 'p', 1, 'bad', 'fix').constructPath).toBe('<root>');
  });

  test('checkDns1123Label suggests a name that passes the check', () => {
    const e = validationErrorOf(() => checkDns1123Label('x', 'name', 'My_App!')) as ValidationError;
    expect(e.prop).toBe('name');
    const suggested = /"([^"]+)"/.exec(e.fix)![1];
    expect(suggested).toBe('my-app');
    expect(() => checkDns1123Label('x', 'name', suggested)).not.toThrow();
    expect(() => checkDns1123Label('x', 'name', 'a'.repeat(64))).toThrow(ValidationError);
  });

  test('checkDns1123Subdomain takes dots, at most 253 characters', () => {
    expect(() => checkDns1123Subdomain('x', 'name', 'a.b-c.d')).not.toThrow();
    expect(() => checkDns1123Subdomain('x', 'name', `${'a'.repeat(63)}.`.repeat(4) + 'b')).toThrow(ValidationError);
    expect((validationErrorOf(() => checkDns1123Subdomain('x', 'name', 'A..b')) as ValidationError).message.startsWith(ERROR_PREFIX)).toBe(true);
  });
});
