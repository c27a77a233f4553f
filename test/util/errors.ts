import { ValidationError } from '../../lib/private/validation-error';

/**
 * The ValidationError `fn` throws (fails the test if it throws none, or another error): tests
 * assert on its `prop`, `value` and `fix` instead of matching the message.
 */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw new Error(`expected a ValidationError, got ${String(e)}`);
  }
  throw new Error('expected a ValidationError');
}
