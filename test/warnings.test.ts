import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { STRICT_CONTEXT_KEY, Warnings } from '../lib';

function quietly<T>(run: () => T): { result: T; printed: string[] } {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const result = run();
    return { result, printed: write.mock.calls.map(c => String(c[0])) };
  } finally {
    write.mockRestore();
  }
}

describe('Warnings', () => {
  test('add() prefixes the construct path; messages lists each once', () => {
    const c = new Chart(Testing.app(), 'c');
    const x = new Construct(c, 'x');
    Warnings.of(x).add('custom check: something to look at');
    Warnings.of(x).add('custom check: something to look at');
    expect(Warnings.of(x).messages).toEqual(['[cdk8s-wasm-edge] warning: c/x: custom check: something to look at']);
    expect(Warnings.of(c).messages).toEqual([]);
  });

  test('printed to stderr once at synth, however many validation passes run', () => {
    const app = Testing.app();
    const c = new Chart(app, 'printed-once');
    Warnings.of(new Construct(c, 'x')).add('look here (printed once)');
    new Chart(app, 'other');
    const { printed } = quietly(() => app.synth());
    expect(printed.filter(l => l.includes('look here (printed once)'))).toEqual(['[cdk8s-wasm-edge] warning: printed-once/x: look here (printed once)\n']);
  });

  test('strict mode (context cdk8s-wasm-edge:strict) makes them synth errors', () => {
    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    const c = new Chart(app, 'c');
    Warnings.of(new Construct(c, 'x')).add('no good');
    expect(Warnings.isStrict(c)).toBe(true);
    expect(() => app.synth()).toThrow(/\[c\/x\] \[cdk8s-wasm-edge\] warning: c\/x: no good \(strict mode: cdk8s-wasm-edge:strict\)/);
  });

  test('strict mode is off by default, and "true" from the CLI counts', () => {
    expect(Warnings.isStrict(Testing.app())).toBe(false);
    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, 'true');
    expect(Warnings.isStrict(new Chart(app, 'c'))).toBe(true);
  });
});
