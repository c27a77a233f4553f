import { IConstruct } from 'constructs';
import { ERROR_PREFIX } from './private/errors';
import { addWarningText, isStrict, STRICT_CONTEXT_KEY, warningsOf } from './private/warnings';

export { STRICT_CONTEXT_KEY };

/**
 * Warnings about output that is valid but probably not what the user wants (e.g. CPU-based scaling of
 * Wasm pods whose CPU metrics stay flat). They are printed at synth (validation) time, once each, and
 * become errors in strict mode. The library's own warnings read
 * `[cdk8s-wasm-edge] warning: <path>: <prop>=<value>: <problem>. Fix: <fix>`.
 */
export class Warnings {
  /** The warnings of a construct. */
  public static of(scope: IConstruct): Warnings {
    return new Warnings(scope);
  }

  /** Whether strict mode is on for this construct (context `cdk8s-wasm-edge:strict`). */
  public static isStrict(scope: IConstruct): boolean {
    return isStrict(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Adds a warning. It is reported when the app validates (at `app.synth()`), and fails synth in
   * strict mode.
   */
  public add(message: string): void {
    addWarningText(this.scope, `${ERROR_PREFIX} warning: ${this.scope.node.path}: ${message}`);
  }

  /** The warnings added to this construct so far. */
  public get messages(): string[] {
    return [...warningsOf(this.scope)];
  }
}
