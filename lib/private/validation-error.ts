/**
 * Every error the library throws starts with this prefix, so tools (and the property-based tests)
 * can tell a documented validation error from a crash.
 */
export const ERROR_PREFIX = '[cdk8s-wasm-edge]';

/**
 * The error every check of the library throws for bad input: where (the construct path), what (the
 * prop and its value, credentials redacted), why, and how to fix it. The message keeps one format,
 * `[cdk8s-wasm-edge] <path>: <prop>=<value>: <problem>. Fix: <fix>`; TypeScript tools and tests can
 * read the fields instead of parsing it.
 *
 * jsii cannot export a subclass of the built-in Error to other languages (as in aws-cdk-lib, whose
 * error classes are internal too): there, `Errors.isValidationError()` tells it apart and the
 * message carries every field.
 *
 * Lives in the private kit, outside the jsii API (only the entry point's types are checked).
 *
 * @internal
 */
export class ValidationError extends Error {

  /** The construct path (or the API entry point) whose prop is wrong, e.g. `app/chart/fn`. */
  public readonly constructPath: string;
  /** The prop, e.g. `airgap.imagesTarball` or `env["DB_URL"]`. */
  public readonly prop: string;
  /** The value as shown in the message (JSON, shortened; `<redacted>` for credentials). */
  public readonly value: string;
  /** What is wrong with it. */
  public readonly problem: string;
  /** How to fix it. */
  public readonly fix: string;

  constructor(constructPath: string, prop: string, value: string, problem: string, fix: string) {
    super(`${ERROR_PREFIX} ${constructPath}: ${prop}=${value}: ${problem}. Fix: ${fix}`);
    // A subclass of a built-in: keep the prototype for instanceof when compiled to older targets.
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.constructPath = constructPath;
    this.prop = prop;
    this.value = value;
    this.problem = problem;
    this.fix = fix;
  }
}

