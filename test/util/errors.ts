import { ValidationError } from '../../lib/private/validation-error';

/**
 * The ValidationError `fn` throws (fails the test when it throws nothing, or something else), so
 * tests can assert on `.prop`, `.fix` and `.constructPath` instead of matching the message.
 */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw new Error(`expected a ValidationError, got: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}
