import { App, Chart } from 'cdk8s';
import { EdgeOfflineNode, Errors, ERROR_PREFIX, ServerlessFunction, WasmRuntime } from '../lib';
import { checkInt, checkInt32, INT32_MAX, isWholeNumber, propError } from '../lib/private/errors';
import { ValidationError } from '../lib/private/validation-error';

function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('ValidationError', () => {
  test('carries the construct path, prop, value, problem and fix; the message format is unchanged', () => {
    const e = propError('app/chart/fn', 'port', 0, 'is not a port', 'use 8080');
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ValidationError');
    expect([e.constructPath, e.prop, e.value, e.problem, e.fix]).toEqual(['app/chart/fn', 'port', '0', 'is not a port', 'use 8080']);
    expect(e.message).toBe(`${ERROR_PREFIX} app/chart/fn: port=0: is not a port. Fix: use 8080`);
  });

  test('constructs throw it with their path and prop, and credentials stay redacted in the value', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    const e = thrown(() => new ServerlessFunction(c, 'f', { image: 'ghcr.io/acme/f:1.0.0', env: { DB_URL: 'postgres://u:hunter2@db/x' } })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect([e.constructPath, e.prop, e.value]).toEqual(['c/f', 'env["DB_URL"]', '"<redacted>"']);
    expect(e.fix).toMatch(/secretEnv/);
    expect(e.message).not.toContain('hunter2');

    const n = thrown(() => new EdgeOfflineNode(new App(), 'n', { runtimes: [WasmRuntime.WASMEDGE], airgap: { imagesTarball: '/opt/k3s/images.tar;reboot' } })) as ValidationError;
    expect([n.constructPath, n.prop, n.value]).toEqual(['n', 'airgap.imagesTarball', '"/opt/k3s/images.tar;reboot"']);
  });

  test('Errors.isValidationError tells the library\'s errors from other exceptions', () => {
    expect(Errors.isValidationError(propError('x', 'p', 1, 'bad', 'fix'))).toBe(true);
    // Another copy of the package: same name and prefix, another class.
    expect(Errors.isValidationError(Object.assign(new Error(`${ERROR_PREFIX} x: p=1: bad. Fix: f`), { name: 'ValidationError' }))).toBe(true);
    expect(Errors.isValidationError(new TypeError('Invalid URL'))).toBe(false);
    expect(Errors.isValidationError(new Error(`${ERROR_PREFIX} looks alike`))).toBe(false);
    expect(Errors.isValidationError(undefined)).toBe(false);
    expect(Errors.isValidationError('ValidationError')).toBe(false);
  });
});

describe('the one integer checker', () => {
  test('isWholeNumber: a finite whole number within the bounds, nothing else', () => {
    expect(isWholeNumber(3, 0, 5)).toBe(true);
    expect(isWholeNumber(0, 0)).toBe(true);
    for (const bad of [-1, 6, 1.5, NaN, Infinity, '3', undefined, null]) expect(isWholeNumber(bad, 0, 5)).toBe(false);
  });

  test('checkInt: undefined passes unless required; the default wording names the range', () => {
    expect(() => checkInt('x', 'n', undefined, 1)).not.toThrow();
    const low = thrown(() => checkInt('x', 'n', 0, 1)) as ValidationError;
    expect([low.prop, low.value, low.problem, low.fix]).toEqual(['n', '0', 'must be a whole number >= 1', 'set n to a whole number >= 1']);
    const range = thrown(() => checkInt('x', 'n', 2.5, 0, 2)) as ValidationError;
    expect([range.problem, range.fix]).toEqual(['must be a whole number from 0 to 2', 'set n to a whole number from 0 to 2']);
    const missing = thrown(() => checkInt('x', 'n', undefined, 1, 9, { required: true })) as ValidationError;
    expect(missing.value).toBe('undefined');
  });

  test('checkInt: a call site keeps its own problem and fix', () => {
    const e = thrown(() => checkInt('x', 'code', 600, 100, 599, { problem: 'must be an HTTP status code from 100 to 599', fix: 'use e.g. 503' })) as ValidationError;
    expect(e.message).toBe(`${ERROR_PREFIX} x: code=600: must be an HTTP status code from 100 to 599. Fix: use e.g. 503`);
    expect((thrown(() => checkInt('x', 'n', NaN, 0)) as ValidationError).value).toBe('null');
    expect((thrown(() => checkInt('x', 'n', NaN, 0, 9, { shown: 'NaN' })) as ValidationError).value).toBe('"NaN"');
  });

  test('checkInt32: required, at most 2147483647, "<min> or more" unless told', () => {
    expect(() => checkInt32('x', 'n', INT32_MAX, 0)).not.toThrow();
    const e = thrown(() => checkInt32('x', 'n', INT32_MAX + 1, 1)) as ValidationError;
    expect([e.problem, e.fix]).toEqual(['must be a whole number >= 1 (and at most 2147483647)', 'set n to 1 or more']);
    expect((thrown(() => checkInt32('x', 'n', undefined, 1, 'set n, e.g. 100')) as ValidationError).fix).toBe('set n, e.g. 100');
  });
});
