import { App, Chart } from 'cdk8s';
import { EdgeOfflineNode, Errors, ERROR_PREFIX, ServerlessFunction, WasmRuntime } from '../lib';
import { propError } from '../lib/private/errors';
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
