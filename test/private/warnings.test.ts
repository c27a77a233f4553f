import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addWarning, isStrict, STRICT_CONTEXT_KEY, warn, warningsOf, warningText } from '../../lib/private/warnings';

describe('the one warning format', () => {
  test('the fields of a ValidationError: path, prop=value, problem, fix', () => {
    const x = new Construct(new Chart(Testing.app(), 'c'), 'x');
    expect(warningText(x, { prop: 'image', value: 'ghcr.io/a/b:latest', problem: 'is not pinned', fix: 'use a version tag' }))
      .toBe('[cdk8s-wasm-edge] warning: c/x: image="ghcr.io/a/b:latest": is not pinned. Fix: use a version tag');
  });

  test('without a value the prop stands alone', () => {
    const x = new Construct(new Chart(Testing.app(), 'c'), 'x');
    expect(warningText(x, { prop: 'triggers', problem: 'scale on CPU', fix: 'use request rate' }))
      .toBe('[cdk8s-wasm-edge] warning: c/x: triggers: scale on CPU. Fix: use request rate');
  });

  test('warn() and addWarning() add the same warning once', () => {
    const x = new Construct(new Chart(Testing.app(), 'c'), 'x');
    warn(x, 'p', 1, 'is odd', 'make it even');
    addWarning(x, { prop: 'p', value: 1, problem: 'is odd', fix: 'make it even' });
    expect(warningsOf(x)).toEqual(['[cdk8s-wasm-edge] warning: c/x: p=1: is odd. Fix: make it even']);
  });

  test('isStrict reads the context key', () => {
    const app = Testing.app();
    expect(isStrict(app)).toBe(false);
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    expect(isStrict(new Chart(app, 'c'))).toBe(true);
  });

  test('in strict mode a warning fails validation with its text', () => {
    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    const x = new Construct(new Chart(app, 'c'), 'x');
    warn(x, 'p', 'v', 'is off', 'fix it');
    expect(x.node.validate()).toEqual(['[cdk8s-wasm-edge] warning: c/x: p="v": is off. Fix: fix it (strict mode: cdk8s-wasm-edge:strict)']);
  });
});
