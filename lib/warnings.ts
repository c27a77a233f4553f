import { IConstruct } from 'constructs';
import { ERROR_PREFIX } from './errors';

/**
 * The context key that turns every library warning into a synth error:
 * `app.node.setContext(STRICT_CONTEXT_KEY, true)` before adding constructs, or
 * `cdk8s synth -c cdk8s-wasm-edge:strict=true`.
 */
export const STRICT_CONTEXT_KEY = 'cdk8s-wasm-edge:strict';

/**
 * Warnings about output that is valid but probably not what the user wants (e.g. CPU-based scaling of
 * Wasm pods whose CPU metrics stay flat). They are printed at synth (validation) time, once each, and
 * become errors in strict mode.
 */
export class Warnings {
  /** The warnings of a construct. */
  public static of(scope: IConstruct): Warnings {
    return new Warnings(scope);
  }

  /** Whether strict mode is on for this construct (context `cdk8s-wasm-edge:strict`). */
  public static isStrict(scope: IConstruct): boolean {
    const v = scope.node.tryGetContext(STRICT_CONTEXT_KEY);
    return v === true || v === 'true';
  }

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Adds a warning. It is reported when the app validates (at `app.synth()`), and fails synth in
   * strict mode.
   */
  public add(message: string): void {
    const scope = this.scope;
    const text = `${ERROR_PREFIX} warning: ${scope.node.path}: ${message}`;
    const list = warningsOf(scope);
    list.push(text);
    if (list.length === 1) {
      scope.node.addValidation({
        validate: () => {
          if (Warnings.isStrict(scope)) {
            return list.map(w => `${w} (strict mode: ${STRICT_CONTEXT_KEY})`);
          }
          for (const w of list) {
            if (!reported.has(w)) {
              reported.add(w);
              process.stderr.write(`${w}\n`);
            }
          }
          return [];
        },
      });
    }
  }

  /** The warnings added to this construct so far. */
  public get messages(): string[] {
    return [...warningsOf(this.scope)];
  }
}

const WARNINGS = new WeakMap<IConstruct, string[]>();
const reported = new Set<string>();

function warningsOf(scope: IConstruct): string[] {
  let list = WARNINGS.get(scope);
  if (!list) {
    list = [];
    WARNINGS.set(scope, list);
  }
  return list;
}
