/**
 * The one way every check reports bad input: `propError` builds the library's ValidationError, the
 * rest are the small checks every construct shares. Internal: the public face is `Errors` (lib/errors.ts).
 */
import { IConstruct } from 'constructs';
import { ERROR_PREFIX, ValidationError } from './validation-error';

export { ERROR_PREFIX, ValidationError };

/**
 * The validation error for a prop of a construct: the one way every check reports bad input.
 *
 * @internal
 */
export function propError(scope: IConstruct | string, prop: string, value: unknown, problem: string, fix: string): ValidationError {
  return new ValidationError(pathOf(scope), prop, describe(value), problem, fix);
}

/** @internal */
export function pathOf(scope: IConstruct | string): string {
  return typeof scope === 'string' ? scope : (scope.node.path || '<root>');
}

/** @internal */
export function propMessage(scope: IConstruct | string, prop: string, value: unknown, problem: string, fix: string): string {
  return `${ERROR_PREFIX} ${pathOf(scope)}: ${prop}=${describe(value)}: ${problem}. Fix: ${fix}`;
}

/** @internal */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}

/** A DNS-1123 label: what Kubernetes accepts as a RuntimeClass handler, a container name, ... */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 subdomain: what Kubernetes accepts as most object names. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal */
export function checkDns1123Label(scope: IConstruct | string, prop: string, value: string): void {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw propError(scope, prop, value, 'is not a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit)',
      `use a name such as "${suggestLabel(value)}"`);
  }
}

/** @internal */
export function checkDns1123Subdomain(scope: IConstruct | string, prop: string, value: string): void {
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw propError(scope, prop, value, 'is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)',
      `use a name such as "${suggestLabel(value)}"`);
  }
}

function suggestLabel(value: string): string {
  const s = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'my-name';
}

/** The largest int32: replica counts, periods in seconds and metric targets are int32 in the Kubernetes APIs. */
export const INT32_MAX = 2147483647;

/**
 * Whether `value` is a whole number from `min` to `max` (the one integer test every check shares).
 * @internal
 */
export function isWholeNumber(value: unknown, min: number, max = Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** How `checkInt` words its error where a call site says it its own way. */
export interface IntWording {
  /** The problem. @default "must be a whole number >= <min>" or "... from <min> to <max>" */
  readonly problem?: string;
  /** The fix. @default "set <prop> to <the range>" */
  readonly fix?: string;
  /** Whether a missing value is an error too. @default false: undefined passes */
  readonly required?: boolean;
  /** What the message shows as the value. @default the value (NaN and Infinity show as null, as JSON has them) */
  readonly shown?: unknown;
}

/**
 * Checks that a number is a whole number at least `min` (and at most `max`): the one integer
 * checker of the library; `wording` keeps a call site's own problem and fix texts.
 * @internal
 */
export function checkInt(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max?: number,
  wording: IntWording = {}): void {
  if (value === undefined && !wording.required) return;
  if (!isWholeNumber(value, min, max)) {
    const range = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw propError(scope, prop, 'shown' in wording ? wording.shown : value, wording.problem ?? `must be ${range}`, wording.fix ?? `set ${prop} to ${range}`);
  }
}

/**
 * An int32 count of at least `min` that must be given, worded "a whole number >= <min> (and at
 * most 2147483647)" (replica counts, targets, thresholds).
 * @internal
 */
export function checkInt32(scope: IConstruct | string, prop: string, value: number | undefined, min: number, fix = `set ${prop} to ${min} or more`): void {
  checkInt(scope, prop, value, min, INT32_MAX, { required: true, problem: `must be a whole number >= ${min} (and at most ${INT32_MAX})`, fix });
}
