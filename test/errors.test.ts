import { App, Chart } from 'cdk8s';
import { EdgeOfflineNode, Errors, ERROR_PREFIX, ServerlessFunction, WasmRuntime } from '../lib';
import { validationErrorOf } from './util/errors';
import { propError } from '../lib/private/errors';
import { ValidationError } from '../lib/private/validation-error';

describe('Errors', () => {
  test('constructs throw it with their path and prop, and credentials stay redacted in the value', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    const e = validationErrorOf(() => new ServerlessFunction(c, 'f', { image: 'ghcr.io/acme/f:1.0.0', env: { DB_URL: 'postgres://u:hunter2@db/x' } })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect([e.constructPath, e.prop, e.value]).toEqual(['c/f', 'env["DB_URL"]', '"<redacted>"']);
    expect(e.fix).toMatch(/secretEnv/);
    expect(e.message).not.toContain('hunter2');

    const n = validationErrorOf(() => new EdgeOfflineNode(new App(), 'n', { runtimes: [WasmRuntime.WASMEDGE], airgap: { imagesTarball: '/opt/k3s/images.tar;reboot' } })) as ValidationError;
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

describe('Errors.detailsOf', () => {
  test('the fields of the library\'s error, in every jsii language', () => {
    const e = propError('app/c/fn', 'port', 0, 'is not a port', 'use 8080');
    expect(Errors.detailsOf(e)).toEqual({ constructPath: 'app/c/fn', prop: 'port', value: '0', problem: 'is not a port', fix: 'use 8080' });
  });

  test('an error of another copy of the package: parsed from the one message format', () => {
    const other = Object.assign(new Error(`${ERROR_PREFIX} c/w: replicas=-1: must be a whole number >= 0. Fix: set replicas to 0 or more`), { name: 'ValidationError' });
    expect(Errors.detailsOf(other)).toEqual({
      constructPath: 'c/w', prop: 'replicas', value: '-1', problem: 'must be a whole number >= 0', fix: 'set replicas to 0 or more',
    });
  });

  test('undefined for any other exception', () => {
    expect(Errors.detailsOf(new TypeError('x'))).toBeUndefined();
    expect(Errors.detailsOf(undefined)).toBeUndefined();
  });
});
