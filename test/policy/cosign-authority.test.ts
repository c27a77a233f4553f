import { generateKeyPairSync } from 'crypto';
import * as fc from 'fast-check';
import { CA_CERT, EC_PUBLIC_KEY, RSA_PUBLIC_KEY } from './signature-fixtures';
import { CosignAuthority, SIGSTORE_PUBLIC_FULCIO_URL, SIGSTORE_PUBLIC_REKOR_URL } from '../../lib';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, nastyString } from '../util/fuzz';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/acme/hello/.github/workflows/release.yml@refs/heads/main';

describe('CosignAuthority.publicKey', () => {
  test('renders a key for both verifiers, the public Rekor checked in each (Kyverno checks it without rekor, policy-controller only with ctlog)', () => {
    const a = CosignAuthority.publicKey(EC_PUBLIC_KEY);
    expect(a.description).toBe('public key');
    expect(a._toKyverno()).toEqual({ keys: { publicKeys: EC_PUBLIC_KEY, rekor: { url: 'https://rekor.sigstore.dev' } } });
    expect(a._toSigstore('authority-0')).toEqual({ name: 'authority-0', key: { data: EC_PUBLIC_KEY }, ctlog: { url: 'https://rekor.sigstore.dev' } });
    expect(a._kyvernoProblem()).toBeUndefined();
  });

  test('@default rekorUrl is the public Rekor; a private log is written to both', () => {
    expect(SIGSTORE_PUBLIC_REKOR_URL).toBe('https://rekor.sigstore.dev');
    const a = CosignAuthority.publicKey(EC_PUBLIC_KEY, { rekorUrl: 'https://rekor.site-1.local' });
    expect(a._toKyverno().keys!.rekor).toEqual({ url: 'https://rekor.site-1.local' });
    expect(a._toSigstore('k').ctlog).toEqual({ url: 'https://rekor.site-1.local' });
  });

  test('@default ignoreTlog is false; true skips the log in both (Kyverno ignoreTlog, policy-controller without ctlog)', () => {
    const a = CosignAuthority.publicKey(EC_PUBLIC_KEY, { ignoreTlog: true });
    expect(a._toKyverno().keys!.rekor).toEqual({ url: SIGSTORE_PUBLIC_REKOR_URL, ignoreTlog: true });
    expect(a._toSigstore('k')).toEqual({ name: 'k', key: { data: EC_PUBLIC_KEY } });
  });

  test('accepts an RSA PKCS#1 key (cryptoutils.UnmarshalPEMToPublicKey reads "RSA PUBLIC KEY" too) and normalises the trailing newline', () => {
    const a = CosignAuthority.publicKey(`\n${RSA_PUBLIC_KEY}  `);
    expect(a._toKyverno().keys!.publicKeys).toBe(`${RSA_PUBLIC_KEY}\n`);
  });

  test.each([
    ['pkcs8 private key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['SEC1 private key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string],
    ['cosign.key', () => {
      const body = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
      return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${body}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    }],
    ['public and private key together', () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return `${publicKey.export({ type: 'spki', format: 'pem' })}${privateKey.export({ type: 'pkcs8', format: 'pem' })}`;
    }],
  ])('refuses a %s without echoing it', (_what, make) => {
    const pem = make();
    const e = validationErrorOf(() => CosignAuthority.publicKey(pem));
    expect(e.prop).toBe('pem');
    expect(e.problem).toMatch(/private key/);
    expect(e.value).toBe('"<redacted private key>"');
    const body = pem.split('\n').find(l => l.length > 40)!;
    expect(e.message).not.toContain(body);
    expect(e.message).not.toContain(body.slice(0, 20));
  });

  test.each([
    ['empty', ''],
    ['not PEM', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'],
    ['a certificate', CA_CERT],
    ['two keys', `${EC_PUBLIC_KEY}${RSA_PUBLIC_KEY}`],
    ['a corrupted key', EC_PUBLIC_KEY.replace('MFkw', 'MFkx')],
    ['text around the key', `cosign.pub:\n${EC_PUBLIC_KEY}`],
  ])('refuses %s', (_what, pem) => {
    const e = validationErrorOf(() => CosignAuthority.publicKey(pem));
    expect(e.prop).toBe('pem');
    expect(e.constructPath).toBe('CosignAuthority.publicKey');
  });

  test.each([
    ['http', 'http://rekor.sigstore.dev'],
    ['credentials', 'https://user:pass@rekor.local'],
    ['not a URL', 'rekor.sigstore.dev'],
    ['a newline', 'https://rekor.local\nx: 1'],
  ])('refuses a rekorUrl with %s', (_what, rekorUrl) => {
    expect(validationErrorOf(() => CosignAuthority.publicKey(EC_PUBLIC_KEY, { rekorUrl })).prop).toBe('rekorUrl');
  });

  test('refuses a non-boolean ignoreTlog', () => {
    expect(validationErrorOf(() => CosignAuthority.publicKey(EC_PUBLIC_KEY, { ignoreTlog: 'yes' as any })).prop).toBe('ignoreTlog');
  });
});

describe('CosignAuthority.keyless', () => {
  test('renders an identity for both verifiers: Kyverno needs rekor (or roots), policy-controller a Fulcio url (or ca-cert)', () => {
    const a = CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT });
    expect(a.description).toBe(`keyless ${ISSUER} ${SUBJECT}`);
    // image_verification_types.go:533: keyless without rekor and roots is refused by Kyverno.
    expect(a._toKyverno()).toEqual({ keyless: { issuer: ISSUER, subject: SUBJECT, rekor: { url: SIGSTORE_PUBLIC_REKOR_URL } } });
    // clusterimagepolicy_validation.go:194: url or ca-cert; no ctlog = the public Rekor keys (validator.go:1592).
    expect(a._toSigstore('authority-1')).toEqual({
      name: 'authority-1', keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: ISSUER, subject: SUBJECT }] },
    });
  });

  test('@default fulcioUrl is the public Fulcio (policy-controller defaults.go:38); another is written and refused for Kyverno', () => {
    expect(SIGSTORE_PUBLIC_FULCIO_URL).toBe('https://fulcio.sigstore.dev');
    const a = CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, fulcioUrl: 'https://fulcio.site-1.local' });
    expect(a._toSigstore('a').keyless!.url).toBe('https://fulcio.site-1.local');
    expect(a._kyvernoProblem()!.problem).toMatch(/roots/);
    expect(CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, fulcioUrl: SIGSTORE_PUBLIC_FULCIO_URL })._kyvernoProblem()).toBeUndefined();
  });

  test('@default rekorUrl is the public Rekor; another is written to both', () => {
    const a = CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, rekorUrl: 'https://rekor.site-1.local' });
    expect(a._toKyverno().keyless!.rekor).toEqual({ url: 'https://rekor.site-1.local' });
    expect(a._toSigstore('a').ctlog).toEqual({ url: 'https://rekor.site-1.local' });
  });

  test('@default roots: none (public Sigstore roots); given roots go to Kyverno roots and policy-controller ca-cert', () => {
    expect(CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT })._toKyverno().keyless!.roots).toBeUndefined();
    const a = CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, roots: CA_CERT });
    expect(a._toKyverno().keyless!.roots).toBe(`${CA_CERT}\n`);
    expect(a._toSigstore('a').keyless).toEqual({ caCert: { data: `${CA_CERT}\n` }, identities: [{ issuer: ISSUER, subject: SUBJECT }] });
    expect(a._kyvernoProblem()).toBeUndefined();
  });

  test('regular expressions replace the exact issuer or subject', () => {
    const a = CosignAuthority.keyless({ issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$', subjectRegExp: '^https://github\\.com/acme/.*$' });
    expect(a._toSigstore('a').keyless!.identities).toEqual([{ issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$', subjectRegExp: '^https://github\\.com/acme/.*$' }]);
    expect(a._toKyverno().keyless).toEqual({
      issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$', subjectRegExp: '^https://github\\.com/acme/.*$', rekor: { url: SIGSTORE_PUBLIC_REKOR_URL },
    });
  });

  test('keeps its own copy of the options', () => {
    const options = { issuer: ISSUER, subject: SUBJECT };
    const a = CosignAuthority.keyless(options);
    options.subject = 'anyone@evil.example';
    expect(a._toKyverno().keyless!.subject).toBe(SUBJECT);
  });

  test('keyless without an issuer is an error at construction', () => {
    const e = validationErrorOf(() => CosignAuthority.keyless({ subject: SUBJECT }));
    expect(e.prop).toBe('issuer');
    expect(e.problem).toMatch(/any issuer/);
    expect(e.fix).toMatch(/issuerRegExp/);
  });

  test('keyless without a subject is an error at construction', () => {
    const e = validationErrorOf(() => CosignAuthority.keyless({ issuer: ISSUER }));
    expect(e.prop).toBe('subject');
    expect(e.problem).toMatch(/any identity/);
  });

  test.each([
    ['no options', undefined, 'options'],
    ['issuer and issuerRegExp', { issuer: ISSUER, issuerRegExp: '^x$', subject: SUBJECT }, 'issuerRegExp'],
    ['subject and subjectRegExp', { issuer: ISSUER, subject: SUBJECT, subjectRegExp: '^x$' }, 'subjectRegExp'],
    ['an empty issuer', { issuer: ' ', subject: SUBJECT }, 'issuer'],
    ['a multi-line subject', { issuer: ISSUER, subject: 'a\nb' }, 'subject'],
    ['an unanchored regexp (cosign verify.go:473 matches anywhere)', { issuer: ISSUER, subjectRegExp: 'acme' }, 'subjectRegExp'],
    ['a lookahead (RE2 has none)', { issuer: ISSUER, subjectRegExp: '^(?=acme).*$' }, 'subjectRegExp'],
    ['a broken regexp', { issuer: ISSUER, subjectRegExp: '^(acme$' }, 'subjectRegExp'],
    ['an http Fulcio', { issuer: ISSUER, subject: SUBJECT, fulcioUrl: 'http://fulcio.local' }, 'fulcioUrl'],
    ['fulcioUrl and roots (exclusive in policy-controller)', { issuer: ISSUER, subject: SUBJECT, fulcioUrl: 'https://fulcio.local', roots: CA_CERT }, 'fulcioUrl'],
    ['roots that are a public key', { issuer: ISSUER, subject: SUBJECT, roots: EC_PUBLIC_KEY }, 'roots'],
    ['roots with text around', { issuer: ISSUER, subject: SUBJECT, roots: `root:\n${CA_CERT}` }, 'roots'],
  ])('refuses %s', (_what, options, prop) => {
    expect(validationErrorOf(() => CosignAuthority.keyless(options as any)).prop).toBe(prop);
  });

  test('refuses roots holding a private key, without echoing it', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const e = validationErrorOf(() => CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, roots: `${CA_CERT}\n${key}` }));
    expect(e.prop).toBe('roots');
    expect(e.message).not.toContain(key.split('\n')[1]);
  });

  test('any identity strings: a working authority or the documented error', () => {
    fc.assert(fc.property(nastyString([ISSUER]), nastyString([SUBJECT]), fc.option(nastyString(['^https://github\\.com/acme/.*$']), { nil: undefined }),
      (issuer, subject, subjectRegExp) => {
        try {
          const a = CosignAuthority.keyless(subjectRegExp === undefined ? { issuer, subject } : { issuer, subjectRegExp });
          const k = a._toKyverno().keyless!;
          expect(k.issuer).toBe(issuer);
          expect(k.subject ?? k.subjectRegExp).toBe(subjectRegExp ?? subject);
          expect(issuer).not.toMatch(/[\n\r]/);
        } catch (e) {
          expect(e).toHaveProperty('name', 'ValidationError');
        }
      }), fuzzParams({ numRuns: 500 }));
  });
});
