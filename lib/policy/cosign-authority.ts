/**
 * Who may sign the app's Wasm images: a cosign public key, or a keyless (Fulcio certificate)
 * identity. Rendered for both verifiers, Kyverno `verifyImages` attestors and sigstore
 * policy-controller `ClusterImagePolicy` authorities, with the same meaning in each: the defaults
 * that differ between the two consumers are written out explicitly.
 */
import { createPublicKey, X509Certificate } from 'crypto';
import type { ClusterImagePolicySpecAuthorities } from '../imports/sigstore-policy-controller';
import { propError } from '../private/errors';

/** The public Fulcio instance: policy-controller's keyless default. */
export const SIGSTORE_PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';

/** The public Rekor transparency log: the log `cosign sign` uploads to unless told otherwise. */
export const SIGSTORE_PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';

/** Options of a cosign public key authority. */
export interface CosignPublicKeyOptions {
  /**
   * The Rekor transparency log the signatures must be recorded in.
   *
   * @default SIGSTORE_PUBLIC_REKOR_URL (https://rekor.sigstore.dev), where `cosign sign` uploads
   */
  readonly rekorUrl?: string;

  /**
   * Accept signatures that are in no transparency log (`cosign sign --tlog-upload=false`, e.g. an
   * air-gapped signing host).
   *
   * @default false
   */
  readonly ignoreTlog?: boolean;
}

/** Options of a keyless (Fulcio certificate) authority: who signed, as the certificate says. */
export interface CosignKeylessOptions {
  /**
   * The OIDC issuer of the signer's identity, e.g. `https://token.actions.githubusercontent.com`.
   * Give this or `issuerRegExp`.
   *
   * @default - none; one of issuer and issuerRegExp is required
   */
  readonly issuer?: string;

  /**
   * A regular expression (Go RE2 syntax) the OIDC issuer must match. Give this or `issuer`.
   *
   * @default - none; one of issuer and issuerRegExp is required
   */
  readonly issuerRegExp?: string;

  /**
   * The signer's identity (certificate SAN), e.g. an email address or
   * `https://github.com/acme/hello/.github/workflows/release.yml@refs/heads/main`. Give this or
   * `subjectRegExp`.
   *
   * @default - none; one of subject and subjectRegExp is required
   */
  readonly subject?: string;

  /**
   * A regular expression (Go RE2 syntax) the signer's identity must match. Give this or `subject`.
   *
   * @default - none; one of subject and subjectRegExp is required
   */
  readonly subjectRegExp?: string;

  /**
   * The Fulcio instance that issued the signing certificates (policy-controller `keyless.url`).
   * Kyverno checks certificates against root certificates instead: with a Fulcio other than the
   * public one, give `roots` (they serve both verifiers).
   *
   * @default SIGSTORE_PUBLIC_FULCIO_URL (https://fulcio.sigstore.dev)
   */
  readonly fulcioUrl?: string;

  /**
   * PEM root (and intermediate) certificates of a private Fulcio (Kyverno `keyless.roots`,
   * policy-controller `keyless.ca-cert.data`). Certificates are public.
   *
   * @default - the public Sigstore roots
   */
  readonly roots?: string;

  /**
   * The Rekor transparency log the signatures must be recorded in.
   *
   * @default SIGSTORE_PUBLIC_REKOR_URL (https://rekor.sigstore.dev)
   */
  readonly rekorUrl?: string;
}

/** A Kyverno `verifyImages[].attestors[].entries[]` item (the subset the library writes). */
export interface KyvernoAttestorEntry {
  readonly keys?: { readonly publicKeys: string; readonly rekor: KyvernoRekor };
  readonly keyless?: {
    readonly issuer?: string;
    readonly issuerRegExp?: string;
    readonly subject?: string;
    readonly subjectRegExp?: string;
    readonly roots?: string;
    readonly rekor: KyvernoRekor;
  };
}

/** Kyverno's `rekor` block. */
export interface KyvernoRekor {
  readonly url: string;
  readonly ignoreTlog?: boolean;
}

/**
 * Who may sign the images: a cosign public key or a keyless identity. Make one with
 * `CosignAuthority.publicKey()` or `CosignAuthority.keyless()`; an image passes when any of the
 * authorities of the verification signed it (Kyverno `count: 1`; policy-controller admits an image
 * one authority verifies).
 */
export abstract class CosignAuthority {
  /**
   * A cosign public key (`cosign.pub`, PEM "PUBLIC KEY" or "RSA PUBLIC KEY"). Public keys are not
   * secrets: the key is written inline (Kyverno `keys.publicKeys`, policy-controller `key.data`).
   * A private key is refused (and never echoed).
   *
   * @see https://github.com/sigstore/sigstore/blob/v1.10.4/pkg/cryptoutils/publickey.go#L50 (what both verifiers parse: one PEM block of these two types)
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/engine/internal/imageverifier.go#L449 (no `rekor`: the public Rekor is checked)
   * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/webhook/validator.go#L1600 (no `ctlog` on a key: the tlog is not checked; so the library writes both out)
   */
  public static publicKey(pem: string, options: CosignPublicKeyOptions = {}): CosignAuthority {
    const where = 'CosignAuthority.publicKey';
    const data = checkPublicKeyPem(where, 'pem', pem);
    const rekorUrl = options.rekorUrl ?? SIGSTORE_PUBLIC_REKOR_URL;
    checkHttpsUrl(where, 'rekorUrl', rekorUrl);
    if (options.ignoreTlog !== undefined && typeof options.ignoreTlog !== 'boolean') {
      throw propError(where, 'ignoreTlog', options.ignoreTlog, 'is not a boolean', 'use true or false');
    }
    return new PublicKeyAuthority(data, rekorUrl, options.ignoreTlog ?? false);
  }

  /**
   * A keyless signer: a Fulcio certificate for an OIDC identity (e.g. a CI workflow). Both the
   * issuer and the subject are required (exactly or by regular expression): a certificate from any
   * issuer or for anyone would accept every image signed with the public Sigstore.
   *
   * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/apis/policy/v1alpha1/clusterimagepolicy_validation.go#L324 (identities: issuer and subject required)
   * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/apis/policy/v1alpha1/clusterimagepolicy_defaults.go#L37 (keyless url defaults to fulcio.sigstore.dev)
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/api/kyverno/v1/image_verification_types.go#L533 (keyless needs rekor.url or roots)
   */
  public static keyless(options: CosignKeylessOptions): CosignAuthority {
    const where = 'CosignAuthority.keyless';
    if (options === undefined || options === null || typeof options !== 'object') {
      throw propError(where, 'options', options, 'keyless verification needs the issuer and the subject of the signing identity',
        'pass { issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main" }');
    }
    const exact = (prop: 'issuer' | 'subject', regExpProp: 'issuerRegExp' | 'subjectRegExp', example: string) => {
      const value = options[prop];
      const re = options[regExpProp];
      if (value === undefined && re === undefined) {
        throw propError(where, prop, value, `keyless verification without a${prop === 'issuer' ? 'n OIDC issuer' : ' subject (the signer identity)'} accepts a certificate `
          + `${prop === 'issuer' ? 'from any issuer' : 'for any identity'}, so anyone could sign the images`, `set ${prop} (e.g. "${example}") or ${regExpProp}`);
      }
      if (value !== undefined && re !== undefined) {
        throw propError(where, regExpProp, re, `both ${prop} and ${regExpProp} are set; the verifiers take one`, `drop ${prop} or ${regExpProp}`);
      }
      if (value !== undefined) checkIdentityText(where, prop, value);
      if (re !== undefined) checkRegExp(where, regExpProp, re);
    };
    exact('issuer', 'issuerRegExp', 'https://token.actions.githubusercontent.com');
    exact('subject', 'subjectRegExp', 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main');
    const rekorUrl = options.rekorUrl ?? SIGSTORE_PUBLIC_REKOR_URL;
    checkHttpsUrl(where, 'rekorUrl', rekorUrl);
    if (options.fulcioUrl !== undefined) checkHttpsUrl(where, 'fulcioUrl', options.fulcioUrl);
    if (options.fulcioUrl !== undefined && options.roots !== undefined) {
      throw propError(where, 'fulcioUrl', options.fulcioUrl, 'policy-controller takes the Fulcio URL or its root certificates, not both (keyless url and ca-cert are exclusive)',
        'drop fulcioUrl: the roots identify the Fulcio for both verifiers');
    }
    const roots = options.roots === undefined ? undefined : checkCertificatesPem(where, 'roots', options.roots);
    // A copy: a later change to the caller's object must not change the policy.
    return new KeylessAuthority(Object.assign({}, options), rekorUrl, roots);
  }

  /** What the authority is, for messages: "public key" or "keyless <issuer> <subject>". */
  public abstract readonly description: string;

  /**
   * The Kyverno attestor entry.
   *
   * @internal
   */
  public abstract _toKyverno(): KyvernoAttestorEntry;

  /**
   * The policy-controller authority named `name`; undefined fields are left out.
   *
   * @internal
   */
  public abstract _toSigstore(name: string): ClusterImagePolicySpecAuthorities;

  /**
   * Why Kyverno cannot express this authority, or undefined.
   *
   * @internal
   */
  public _kyvernoProblem(): { prop: string; value: unknown; problem: string; fix: string } | undefined {
    return undefined;
  }
}

class PublicKeyAuthority extends CosignAuthority {
  public readonly description = 'public key';
  constructor(private readonly pem: string, private readonly rekorUrl: string, private readonly ignoreTlog: boolean) {
    super();
  }

  public _toKyverno(): KyvernoAttestorEntry {
    return { keys: { publicKeys: this.pem, rekor: this.ignoreTlog ? { url: this.rekorUrl, ignoreTlog: true } : { url: this.rekorUrl } } };
  }

  public _toSigstore(name: string): ClusterImagePolicySpecAuthorities {
    // A key authority without ctlog skips the transparency log (validator.go, rekorClientAndKeysFromAuthority).
    return this.ignoreTlog ? { name, key: { data: this.pem } } : { name, key: { data: this.pem }, ctlog: { url: this.rekorUrl } };
  }
}

class KeylessAuthority extends CosignAuthority {
  public readonly description: string;
  constructor(private readonly options: CosignKeylessOptions, private readonly rekorUrl: string, private readonly roots: string | undefined) {
    super();
    this.description = `keyless ${options.issuer ?? options.issuerRegExp} ${options.subject ?? options.subjectRegExp}`;
  }

  public _toKyverno(): KyvernoAttestorEntry {
    const o = this.options;
    return {
      keyless: Object.assign(identityOf(o), definedFields({ roots: this.roots }), { rekor: { url: this.rekorUrl } }),
    };
  }

  public _toSigstore(name: string): ClusterImagePolicySpecAuthorities {
    const o = this.options;
    const identity = identityOf(o);
    const keyless = this.roots !== undefined
      ? { caCert: { data: this.roots }, identities: [identity] }
      : { url: this.options.fulcioUrl ?? SIGSTORE_PUBLIC_FULCIO_URL, identities: [identity] };
    // No ctlog on a keyless authority means the public Rekor keys from TUF, offline: the default
    // stays implicit so that policy-controller keeps its own trust root; another log is written.
    return this.rekorUrl === SIGSTORE_PUBLIC_REKOR_URL ? { name, keyless } : { name, keyless, ctlog: { url: this.rekorUrl } };
  }

  public _kyvernoProblem(): { prop: string; value: unknown; problem: string; fix: string } | undefined {
    const url = this.options.fulcioUrl;
    if (url === undefined || url === SIGSTORE_PUBLIC_FULCIO_URL) return undefined;
    return {
      prop: 'authorities.fulcioUrl',
      value: url,
      problem: 'Kyverno verifies keyless certificates against root certificates (keyless.roots), not a Fulcio URL, so it would check the public Sigstore roots instead',
      fix: 'give the private Fulcio\'s root certificates as roots (and drop fulcioUrl)',
    };
  }
}

/** The issuer and subject fields that are set, in the verifiers' names (the same in both). */
function identityOf(o: CosignKeylessOptions): { issuer?: string; issuerRegExp?: string; subject?: string; subjectRegExp?: string } {
  return definedFields({ issuer: o.issuer, issuerRegExp: o.issuerRegExp, subject: o.subject, subjectRegExp: o.subjectRegExp });
}

function definedFields<T extends object>(o: T): T {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;

/**
 * One PEM public key (what both verifiers parse), trimmed and ending in a newline. A private key
 * is refused without echoing it.
 */
function checkPublicKeyPem(where: string, prop: string, pem: unknown): string {
  const fix = 'pass the contents of cosign.pub (from `cosign generate-key-pair` or `cosign public-key --key ...`), never cosign.key';
  if (typeof pem !== 'string' || pem.trim() === '') throw propError(where, prop, typeof pem === 'string' ? '' : pem, 'is not a PEM public key', fix);
  if (/PRIVATE KEY-----/.test(pem)) {
    throw propError(where, prop, '<redacted private key>', 'holds a private key; only the public key verifies signatures, and a private key must never be written into a manifest', fix);
  }
  const text = pem.trim();
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  if (blocks.length !== 1 || blocks[0][0].length !== text.length) {
    throw propError(where, prop, shown, blocks.length > 1 ? 'holds several PEM blocks; policy-controller reads only the first' : 'is not one PEM block',
      `${fix}; give each key its own CosignAuthority.publicKey()`);
  }
  const type = blocks[0][1];
  if (type !== 'PUBLIC KEY' && type !== 'RSA PUBLIC KEY') {
    throw propError(where, prop, shown, `is a PEM "${type}", not a "PUBLIC KEY" or "RSA PUBLIC KEY" (what cosign verifies with)`,
      type === 'CERTIFICATE' ? 'for a certificate-based signer use CosignAuthority.keyless() with roots' : fix);
  }
  try {
    createPublicKey({ key: text, format: 'pem' });
  } catch (e) {
    throw propError(where, prop, shown, `does not parse as a public key (${(e as Error).message})`, fix);
  }
  return `${text}\n`;
}

/** PEM certificates (a root and optional intermediates): public, written inline. */
function checkCertificatesPem(where: string, prop: string, pem: unknown): string {
  const fix = 'pass the PEM "CERTIFICATE" blocks of the private Fulcio\'s root (and intermediate) certificates';
  if (typeof pem === 'string' && /PRIVATE KEY-----/.test(pem)) {
    throw propError(where, prop, '<redacted private key>', 'holds a private key, which must never be written into a manifest', fix);
  }
  const text = typeof pem === 'string' ? pem.trim() : '';
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const shown = typeof pem === 'string' ? (text.length > 80 ? `${text.slice(0, 77)}...` : text) : pem;
  // Only certificates, and nothing between them but whitespace.
  if (blocks.length === 0 || blocks.some(b => b[1] !== 'CERTIFICATE') || text.replace(PEM_BLOCK, '').trim() !== '') {
    throw propError(where, prop, shown, 'is not a list of PEM certificates', fix);
  }
  for (const b of blocks) {
    try {
      new X509Certificate(b[0]);
    } catch (e) {
      throw propError(where, prop, shown, `holds a certificate that does not parse (${(e as Error).message})`, fix);
    }
  }
  return `${text}\n`;
}

function checkHttpsUrl(where: string, prop: string, value: unknown): void {
  let ok = false;
  if (typeof value === 'string' && !/\s/.test(value)) {
    try {
      const u = new URL(value);
      ok = u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '' && u.search === '' && u.hash === '';
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw propError(where, prop, value, 'is not an https URL without credentials, query or fragment', `use a URL such as "${prop === 'fulcioUrl' ? SIGSTORE_PUBLIC_FULCIO_URL : SIGSTORE_PUBLIC_REKOR_URL}"`);
  }
}

function checkIdentityText(where: string, prop: string, value: unknown): void {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1024 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw propError(where, prop, value, 'must be a non-empty single line (at most 1024 characters)',
      prop === 'issuer' ? 'use the OIDC issuer URL, e.g. "https://token.actions.githubusercontent.com"' : 'use the signer identity, e.g. "release@acme.example"');
  }
}

/**
 * A regular expression both RE2 (the verifiers, Go) and JavaScript accept: no lookaround or
 * backreferences; anchored, because cosign matches it anywhere in the identity.
 *
 * @see https://github.com/sigstore/cosign/blob/v3.0.5/pkg/cosign/verify.go#L473 (regexp.Compile, then MatchString: unanchored)
 */
function checkRegExp(where: string, prop: string, value: unknown): void {
  checkIdentityText(where, prop, value);
  const re = value as string;
  let problem: string | undefined;
  if (/\(\?[=!<]|\\[1-9]|\\k</.test(re)) {problem = 'uses lookaround or a backreference, which Go\'s RE2 (the verifiers\' regexp engine) refuses';} else {
    try {
      new RegExp(re);
    } catch (e) {
      problem = `is not a regular expression (${(e as Error).message})`;
    }
  }
  if (problem) throw propError(where, prop, re, problem, 'write an RE2 expression, e.g. "^https://github\\.com/acme/.*$"');
  if (!re.startsWith('^') || !re.endsWith('$')) {
    // Go's regexp.MatchString finds a match anywhere: an unanchored identity matches far more than intended.
    throw propError(where, prop, re, 'is not anchored with ^ and $: the verifiers match it anywhere in the identity, so "acme" would also accept "evil-acme"',
      `anchor it: "^${re.replace(/^\^/, '').replace(/\$$/, '')}$"`);
  }
}
