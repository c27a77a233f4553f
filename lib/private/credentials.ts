import { IConstruct } from 'constructs';
import { propError } from './errors';

/**
 * One credential detector for every construct: keys that name a credential, and values that carry
 * one (a URL with a password, a `password=` query or DSN parameter, an `Authorization` header value,
 * a private key, well-known token shapes). Generated files land in Git, in cloud-init user-data and
 * in `kubectl get -o yaml`: none of them is a Secret.
 *
 * A mode is not a secret: KEDA's Kafka `sasl: scram_sha512` or `tls: enable` say how to
 * authenticate, not with what (kedacore/keda pkg/scalers/kafka_scaler.go), so keys are judged by
 * name and values by shape, and names that point at a secret (`...File`, `...FromEnv`,
 * `...SecretName`, `...Ref`) are not credentials themselves.
 */

// Words that name a credential wherever they appear in a key: DBPASSWORD, db_password, apiKey,
// X-Api-Key, AWS_SECRET_ACCESS_KEY, Authorization, bearerToken.
const CREDENTIAL_WORD = /(password|passwd|passphrase|secret|token|api[-_.]?key|private[-_.]?key|access[-_.]?key|secret[-_.]?key|session[-_.]?key|signing[-_.]?key|encryption[-_.]?key|client[-_.]?key|tls[-_.]?key|credential|authorization|bearer|connection[-_.]?string|conn[-_.]?str)/i;
// Words that are a credential as the last word of a key (DB_PWD, MYSQL_PASS, BASIC_AUTH), not
// elsewhere (PASS_THROUGH, AUTH_MODE).
const CREDENTIAL_LAST_WORD = /^(pwd|pass|pw|auth)$/i;
// Keys that are a credential only as a whole: KEDA's key, cert, ca, customAuthValue.
const CREDENTIAL_WHOLE_KEY = /^(key|cert|ca|customauthvalue|tlsclientkey|tlsclientcert)$/i;
// Keys that name where a secret is, not the secret: token-file, PASSWORD_FILE, passwordFromEnv,
// secretName, tlsSecretName, secretKeyRef, secretTargetRef, authModes, authenticationRef.
const POINTER_SUFFIX = /([-_.](file|path|dir|from[-_.]?env|name|ref|refs|mode|modes|type|provider|enabled|required|policy)|FromEnv|FromEnvFile|Name|Ref|Refs|Mode|Modes|Type|File|Path|Dir|Provider|Enabled|Required|Policy)$/i;

/** Splits a key into its words: camelCase, snake_case, kebab-case, dotted. */
function segments(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[-_.\s/]+/).filter(s => s !== '');
}

/**
 * Whether a key (an environment variable, a KEDA metadata key, a K3s flag, a label or annotation
 * key) names a credential.
 *
 * @internal
 */
export function isCredentialKey(key: string): boolean {
  if (POINTER_SUFFIX.test(key)) return false;
  if (CREDENTIAL_WORD.test(key) || CREDENTIAL_WHOLE_KEY.test(key)) return true;
  const words = segments(key);
  return words.length > 0 && CREDENTIAL_LAST_WORD.test(words[words.length - 1]);
}

// scheme://user:password@host (the password may be empty only when nothing follows the colon), and
// the Go MySQL driver's DSN without a scheme: user:password@tcp(host:3306)/db (K3s datastore-endpoint).
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/@\s:?#]*:[^/@\s?#]+@|^[^/@\s:?#]*:[^/@\s?#]+@(tcp|unix|udp)?\(/i;
// ?password=x, &token=x, ;pwd=x in a URL or a DSN, and libpq/ODBC style key=value pairs.
const PARAM_CREDENTIAL = /(^|[?&;\s,])(password|passwd|sslpassword|pwd|pass|secret|client[-_]?secret|token|access[-_]?token|auth[-_]?token|api[-_]?key|apikey|sig|signature|x-amz-signature|x-amz-security-token|sharedaccesskey|accountkey)\s*=\s*[^&;\s,]/i;
// Authorization header values.
const AUTH_HEADER = /^\s*(bearer|basic|token|digest)\s+[A-Za-z0-9._~+/=-]{8,}/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
// Token shapes that are credentials whatever key holds them.
const TOKEN_SHAPES: Array<[RegExp, string]> = [
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
  [/\bK10[0-9a-f]{40,}::/, 'a K3s join token'],
];

const TOKEN_ANYWHERE = new RegExp(TOKEN_SHAPES.map(([re]) => re.source).join('|') + '|\\bK10[0-9a-f]{40,}::\\S*', 'g');

/**
 * Why a value carries a credential, or undefined when it does not.
 *
 * @internal
 */
export function credentialInValue(value: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // The cheap includes() first: a fleet checks every value of tens of thousands of node files.
  if (value.includes('@') && URL_PASSWORD.test(value)) return 'the URL carries a user name and password';
  if (value.includes('=') && PARAM_CREDENTIAL.test(value)) return 'it carries a password, token or signature parameter';
  if (AUTH_HEADER.test(value)) return 'it is an Authorization header value';
  if (value.includes('-----BEGIN') && PRIVATE_KEY.test(value)) return 'it holds a private key';
  for (const [re, what] of TOKEN_SHAPES) {
    if (re.test(value)) return `it holds ${what}`;
  }
  return undefined;
}

const SWITCH = /^(true|false|yes|no|on|off|enable|disable|enabled|disabled|none)$/i;

/**
 * Why a key/value pair carries a credential inline, or undefined. A credential key with an empty
 * value is not a credential (nothing is written).
 *
 * @internal
 */
export function findCredential(key: string | undefined, value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : (typeof value === 'number' || typeof value === 'boolean') ? String(value) : undefined;
  if (text === undefined || text === '') return undefined;
  // A switch is not a secret: PASSWORD_REQUIRED=true, tls: enable.
  if (SWITCH.test(text)) return credentialInValue(text);
  if (key !== undefined && isCredentialKey(key)) return `"${key}" names a credential`;
  return credentialInValue(text);
}

/**
 * The value with credentials masked, for error messages: never echo the secret a check refuses.
 *
 * @internal
 */
export function redact(value: string): string {
  return value
    .replace(/(:\/\/[^/@\s:?#]*:)[^/@\s?#]+@/g, '$1<redacted>@')
    .replace(/((?:^|[?&;\s,])[A-Za-z_-]+\s*=\s*)[^&;\s,]+/g, (m, p: string) => PARAM_CREDENTIAL.test(m) ? `${p}<redacted>` : m)
    .replace(AUTH_HEADER, m => `${m.trim().split(/\s+/)[0]} <redacted>`)
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*/, '<redacted private key>')
    .replace(TOKEN_ANYWHERE, '<redacted>');
}

/**
 * Throws the library's error when a key/value pair would put a credential inline in generated
 * output. The message never contains the value.
 *
 * @param fix how to pass the credential instead (a Secret reference, a file, a TriggerAuthentication)
 * @internal
 */
export function checkNoCredential(scope: IConstruct | string, prop: string, key: string | undefined, value: unknown, fix: string): void {
  const why = findCredential(key, value);
  if (why !== undefined) {
    throw propError(scope, prop, '<redacted>', `${why}; generated files are not Secrets (they land in Git, in cloud-init user-data and in kubectl output)`, fix);
  }
}

/**
 * Every credential-looking key/value pair in a map, for checks over metadata, env and labels.
 *
 * @internal
 */
export function checkNoCredentials(scope: IConstruct | string, prop: string, map: { [key: string]: unknown } | undefined,
  fix: (key: string) => string): void {
  if (!map) return;
  for (const [k, v] of Object.entries(map)) {
    checkNoCredential(scope, `${prop}.${k}`, k, v, fix(k));
  }
}
