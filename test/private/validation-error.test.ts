import { ERROR_PREFIX } from '../../lib';
import { propError } from '../../lib/private/errors';
import { ValidationError } from '../../lib/private/validation-error';

describe('ValidationError', () => {
  test('carries the construct path, prop, value, problem and fix; the message format is unchanged', () => {
    const e = propError('app/chart/fn', 'port', 0, 'is not a port', 'use 8080');
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ValidationError');
    expect([e.constructPath, e.prop, e.value, e.problem, e.fix]).toEqual(['app/chart/fn', 'port', '0', 'is not a port', 'use 8080']);
    expect(e.message).toBe(`${ERROR_PREFIX} app/chart/fn: port=0: is not a port. Fix: use 8080`);
  });

  test('keeps its prototype, so instanceof works after a throw', () => {
    let caught: unknown;
    try {
      throw new ValidationError('a/b', 'p', '1', 'is bad', 'fix it');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).stack).toContain('ValidationError');
    expect((caught as Error).message).toBe(`${ERROR_PREFIX} a/b: p=1: is bad. Fix: fix it`);
  });
});
