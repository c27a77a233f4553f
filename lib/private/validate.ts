import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkNoCredential } from './credentials';
import { checkDns1123Label, checkDns1123Subdomain, isWholeNumber, propError } from './errors';

/**
 * Validators shared by every construct: ports, finite numbers, label and annotation syntax,
 * metadata given through `metadata` props, absolute paths. Each throws the library's error
 * (construct path, prop, value, fix) before a bad value reaches output.
 */

/**
 * The longest Go `time.Duration` in whole milliseconds (int64 nanoseconds, about 292 years): what
 * a Go controller can parse or tick on.
 *
 * @internal
 */
export const GO_MAX_DURATION_MS = 9_223_372_036_854;

/**
 * A TCP/UDP port: a whole number from 1 to 65535 (core/v1 ContainerPort, ServicePort).
 *
 * @internal
 */
export function checkPort(scope: IConstruct | string, prop: string, port: number | undefined): void {
  if (port === undefined) return;
  if (!isWholeNumber(port, 1, 65535)) {
    throw propError(scope, prop, port, 'is not a port (a whole number from 1 to 65535)', 'use a port such as 8080');
  }
}

/**
 * A finite number within bounds (NaN and Infinity are refused), optionally whole.
 *
 * @internal
 */
export function checkNumber(scope: IConstruct | string, prop: string, value: number | undefined,
  options: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean } = {}): void {
  if (value === undefined) return;
  const { min, max, integer, minExclusive } = options;
  const bad = typeof value !== 'number' || !Number.isFinite(value)
    || (integer === true && !Number.isInteger(value))
    || (min !== undefined && (minExclusive ? value <= min : value < min))
    || (max !== undefined && value > max);
  if (bad) {
    const kind = integer ? 'a whole number' : 'a finite number';
    const lo = min === undefined ? '' : minExclusive ? ` above ${min}` : ` >= ${min}`;
    const hi = max === undefined ? '' : `${lo ? ' and' : ''} <= ${max}`;
    throw propError(scope, prop, value, `must be ${kind}${lo}${hi}`, `set ${prop} to ${kind}${lo}${hi}`);
  }
}

/** The name part of a label key, and a label value: at most 63 characters. */
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * Whether a label or annotation key is valid: an optional DNS-1123 subdomain prefix (at most 253
 * characters) and `/`, then a name of at most 63 characters (k8s.io/apimachinery
 * pkg/util/validation IsQualifiedName).
 *
 * @internal
 */
export function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/**
 * Whether a label value is valid: empty, or at most 63 characters of `[A-Za-z0-9-_.]` starting
 * and ending with a letter or digit (IsValidLabelValue).
 *
 * @internal
 */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value));
}

/**
 * Label keys and values (IsQualifiedName, IsValidLabelValue).
 *
 * @internal
 */
export function checkLabels(scope: IConstruct | string, prop: string, labels: { [key: string]: string } | undefined): void {
  if (!labels) return;
  for (const [k, v] of Object.entries(labels)) {
    if (!isQualifiedName(k)) {
      throw propError(scope, `${prop} key`, k, 'is not a label key (an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
        'use a key such as "app.kubernetes.io/part-of" or "tier"');
    }
    if (typeof v !== 'string' || !isLabelValue(v)) {
      throw propError(scope, `${prop}.${k}`, v, 'is not a label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, or empty)',
        'use a value such as "edge-a"; put free text in an annotation');
    }
    checkNoCredential(scope, `${prop}.${k}`, undefined, v, 'labels are public: put the credential in a Secret');
  }
}

/** Annotations: at most 256 KiB in all (ValidateAnnotationsSize). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Annotation keys (IsQualifiedName) and their total size; values are strings.
 *
 * @internal
 */
export function checkAnnotations(scope: IConstruct | string, prop: string, annotations: { [key: string]: string } | undefined): void {
  if (!annotations) return;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    if (!isQualifiedName(k)) {
      throw propError(scope, `${prop} key`, k, 'is not an annotation key (an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
        'use a key such as "example.com/owner"');
    }
    if (typeof v !== 'string') {
      throw propError(scope, `${prop}.${k}`, v, 'is not a string', 'annotation values are strings: use String(value)');
    }
    checkNoCredential(scope, `${prop}.${k}`, undefined, v, 'annotations are public: put the credential in a Secret');
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (total > MAX_ANNOTATIONS_BYTES) {
    throw propError(scope, prop, `${total} bytes`, 'exceeds the 256 KiB Kubernetes allows for annotations', 'move large data into a ConfigMap');
  }
}

/**
 * Metadata given through a `metadata` prop: name (DNS-1123 subdomain), namespace (DNS-1123 label),
 * labels and annotations.
 *
 * @internal
 */
export function checkMetadata(scope: IConstruct | string, prop: string, metadata: ApiObjectMetadata | undefined,
  options: { nameIsLabel?: boolean } = {}): void {
  if (!metadata) return;
  if (metadata.name !== undefined) {
    if (options.nameIsLabel) checkDns1123Label(scope, `${prop}.name`, metadata.name);
    else checkDns1123Subdomain(scope, `${prop}.name`, metadata.name);
  }
  if (metadata.namespace !== undefined) checkDns1123Label(scope, `${prop}.namespace`, metadata.namespace);
  checkLabels(scope, `${prop}.labels`, metadata.labels);
  checkAnnotations(scope, `${prop}.annotations`, metadata.annotations);
}

/**
 * A DNS-1035 label (a Service name): lower-case letters, digits and "-", starting with a letter,
 * at most 63 characters (ValidateServiceName).
 *
 * @internal
 */
export function checkDns1035Label(scope: IConstruct | string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    const base = String(value).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
    const s = (/^[a-z]/.test(base) ? base : `fn-${base}`).slice(0, 63).replace(/-+$/, '');
    throw propError(scope, prop, value, 'is not a DNS-1035 label (lower-case letters, digits and "-", at most 63 characters, starting with a letter and ending with a letter or digit); Kubernetes refuses it as a Service name',
      `use a name such as "${s === 'fn' ? 'my-function' : s}"`);
  }
}

/**
 * A non-empty string without control characters (newlines would inject YAML or shell lines).
 *
 * @internal
 */
export function checkSingleLine(scope: IConstruct | string, prop: string, value: string | undefined, maxLength = 4096): void {
  if (value === undefined) return;
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value === '' || value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) {
    throw propError(scope, prop, value, `must be a non-empty single line of at most ${maxLength} characters without control characters`, 'remove newlines and control characters');
  }
}

/** The characters a path on a node may hold: what distributions use, nothing a shell interprets. */
const SAFE_PATH = /^\/[A-Za-z0-9._+@%=,:/-]*$/;

/**
 * An absolute POSIX path made of a safe character set, without `..` segments: it can be written
 * into a script, a TOML string or a YAML scalar without escaping. Callers still quote it.
 *
 * @internal
 */
export function checkSafeAbsolutePath(scope: IConstruct | string, prop: string, value: string | undefined, example: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > 4096 || !SAFE_PATH.test(value) || value.split('/').some(s => s === '..' || s === '.')) {
    throw propError(scope, prop, value, 'is not an absolute path of letters, digits and "._+@%=,:/-" without "." or ".." segments (anything else could be read by a shell or break the file it is written into)',
      `use a path such as "${example}"`);
  }
}

/**
 * Quotes a string for a POSIX shell: one word, nothing expanded.
 *
 * @internal
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9._+@%=,:/-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
