import { checkImage, checkRunwasiEntrypoint } from '../../lib/private/containers';
import { validationErrorOf } from '../util/errors';

describe('checkRunwasiEntrypoint', () => {
  test('an absolute entrypoint, or none, passes', () => {
    expect(() => checkRunwasiEntrypoint('w', ['/app.wasm', 'serve'])).not.toThrow();
    expect(() => checkRunwasiEntrypoint('w', undefined)).not.toThrow();
    expect(() => checkRunwasiEntrypoint('w', [])).not.toThrow();
  });

  test.each([['app.wasm'], ['./app.wasm'], ['.//app.wasm']])('%s: the fix names the absolute path', (cmd) => {
    const e = validationErrorOf(() => checkRunwasiEntrypoint('app/w', [cmd]));
    expect(e.prop).toBe('command');
    expect(e.fix).toBe('use "/app.wasm" (e.g. command: ["/app.wasm"])');
  });
});

describe('checkImage', () => {
  test.each(['ghcr.io/acme/app:1.0.0', 'localhost:5000/app', `app@sha256:${'a'.repeat(64)}`])('%s is a reference', (image) => {
    expect(() => checkImage('w', image)).not.toThrow();
  });

  test.each(['', 'Ghcr.io/Acme/App', 'app:', 'app@sha256:abc'])('%j is not', (image) => {
    expect(validationErrorOf(() => checkImage('w', image)).prop).toBe('image');
  });
});
