import { ERROR_PREFIX, ValidationError } from './private/validation-error';

export { ERROR_PREFIX };

/** The fields of a validation error of this library (see `Errors.detailsOf`). */
export interface ValidationErrorDetails {
  /** The construct path (or the API entry point) whose prop is wrong, e.g. `app/chart/fn`. */
  readonly constructPath: string;
  /** The prop, e.g. `airgap.imagesTarball` or `env["DB_URL"]`. */
  readonly prop: string;
  /** The value as the message shows it (JSON, shortened; `<redacted>` for credentials). */
  readonly value: string;
  /** What is wrong with it. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Tells the library's errors apart from other exceptions, in every jsii language. */
export class Errors {
  /**
   * Whether `x` is a validation error of this library (bad input: construct path, prop, value, fix
   * in its message), also when it comes from another copy of the package.
   */
  public static isValidationError(x: any): boolean {
    return x instanceof ValidationError || (x !== null && typeof x === 'object' && x.name === 'ValidationError'
      && typeof x.message === 'string' && x.message.startsWith(ERROR_PREFIX));
  }

  /**
   * The construct path, prop, value, problem and fix of a validation error of this library, or
   * undefined for any other exception. (In TypeScript the thrown object is a `ValidationError`
   * with these fields; jsii cannot export a subclass of Error to the other languages.)
   */
  public static detailsOf(x: any): ValidationErrorDetails | undefined {
    if (!Errors.isValidationError(x)) return undefined;
    if (typeof x.prop === 'string') {
      return { constructPath: x.constructPath, prop: x.prop, value: x.value, problem: x.problem, fix: x.fix };
    }
    // From another copy of the package without the fields: parse the one message format.
    const m = /^\S+ (.*?): (.*?)=(.*?): (.*)\. Fix: (.*)$/s.exec(x.message);
    return m ? { constructPath: m[1], prop: m[2], value: m[3], problem: m[4], fix: m[5] } : undefined;
  }

  private constructor() {}
}
