import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { CA_CERT, EC_PUBLIC_KEY } from './signature-fixtures';
import {
  CosignAuthority, FunctionBackend, FunctionTenant, ImageVerificationAction, ImageVerifier, ServerlessFunction, SIGSTORE_INCLUDE_LABEL,
  STRICT_CONTEXT_KEY, Warnings, WasmDeployment, WasmImageVerification, WasmImageVerificationProps,
} from '../../lib';
import { canonicalRepository, kyvernoImageReferences, parseImage, sigstoreGlobs } from '../../lib/policy/image-verification';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, maybe, nastyString, semanticProblems } from '../util/fuzz';
import { synthAndValidate, validateObjects } from '../util/validate';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/acme/hello/.github/workflows/release.yml@refs/heads/main';
const DIGEST = 'sha256:4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c';
const HELLO = `ghcr.io/acme/hello-wasm:1.0.0@${DIGEST}`;

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

function verification(c: Chart, props: Partial<WasmImageVerificationProps> = {}): WasmImageVerification {
  return new WasmImageVerification(c, 'verify', Object.assign({
    verifier: ImageVerifier.sigstorePolicyController(),
    authorities: [CosignAuthority.publicKey(EC_PUBLIC_KEY), CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT })],
  }, props));
}

function wasm(c: Chart, id: string, image: string, props: object = {}): WasmDeployment {
  return new WasmDeployment(c, id, Object.assign({ wasmContainers: [{ image }] }, props));
}

function policies(objs: any[]): any[] {
  return objs.filter(o => o.kind === 'ClusterPolicy' || o.kind === 'ClusterImagePolicy');
}

// ---------------------------------------------------------------------------------------------
// Ports of the consumers' image matching, to check the emitted patterns against (not the library's
// own code): policy-controller (glob.go + go-containerregistry name) and Kyverno (infos.go +
// go-wildcard), at the pinned tags.
// ---------------------------------------------------------------------------------------------

/** go-containerregistry v0.21.3 pkg/name, WeakValidation: the reference's Name() or undefined when it does not parse. */
function ggcrName(image: string): string | undefined {
  const repoChars = /^[a-z0-9_\-./]+$/;
  const repository = (name: string): string | undefined => { // repository.go:79
    if (name === '') return undefined;
    const parts = name.split('/');
    let registry = '';
    let repo = name;
    if (parts.length >= 2 && (parts[0].includes('.') || parts[0].includes(':'))) {
      registry = parts[0];
      repo = parts.slice(1).join('/');
    }
    if (repo.length < 2 || repo.length > 255 || !repoChars.test(repo)) return undefined; // checkElement("repository", ..., 2, 255)
    if (registry === '') registry = 'index.docker.io';
    if (registry === 'docker.io') registry = 'index.docker.io'; // registry.go:135
    const path = registry === 'index.docker.io' && !repo.includes('/') ? `library/${repo}` : repo;
    return `${registry}/${path}`;
  };
  const tag = (name: string): { repo: string; tag: string } | undefined => { // tag.go:77
    const parts = name.split(':');
    let base = name;
    let t = '';
    if (parts.length > 1 && !parts[parts.length - 1].includes('/')) {
      base = parts.slice(0, -1).join(':');
      t = parts[parts.length - 1];
      if (t === '' || t.length > 128 || !/^[A-Za-z0-9_.-]+$/.test(t)) return undefined;
    }
    const repo = repository(base);
    return repo === undefined ? undefined : { repo, tag: t || 'latest' };
  };
  const t = tag(image);
  if (t) return `${t.repo}:${t.tag}`;
  const parts = image.split('@'); // digest.go:102
  if (parts.length !== 2 || !/^sha256:[a-f0-9]{64}$/.test(parts[1])) return undefined;
  const asTag = tag(parts[0]);
  const repo = asTag ? asTag.repo : repository(parts[0]);
  return repo === undefined ? undefined : `${repo}@${parts[1]}`;
}

/** policy-controller glob.Match (glob.go:37-99). */
function sigstoreMatch(glob: string, image: string): boolean {
  let g = glob;
  if (g === '*/*') g = 'index.docker.io/*/*';
  if (g === '*') g = 'index.docker.io/library/*';
  if (!/^[a-zA-Z0-9\-_:/*.@]+$/.test(g)) throw new Error(`invalid glob ${g}`);
  const re = new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*\*/g, '#').replace(/\*/g, '[^/]*').replace(/#/g, '.*')}$`);
  const name = ggcrName(image);
  if (name === undefined) throw new Error(`policy-controller cannot parse ${image}`);
  return re.test(name) || (name !== image && re.test(image));
}

/** Kyverno GetImageInfo(image).String() (infos.go:34-109, default registry docker.io). */
function kyvernoImageString(image: string): string {
  const i = image.indexOf('/');
  const first = i >= 0 ? image.slice(0, i) : '';
  const full = i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) ? `docker.io/${image}` : image;
  const slash = full.indexOf('/');
  const domain = full.slice(0, slash);
  const rest = full.slice(slash + 1);
  const at = rest.indexOf('@');
  const named = at >= 0 ? rest.slice(0, at) : rest;
  const digest = at >= 0 ? rest.slice(at + 1) : '';
  const colon = named.lastIndexOf(':');
  const path = colon >= 0 ? named.slice(0, colon) : named;
  const tag = colon >= 0 ? named.slice(colon + 1) : '';
  return digest ? `${domain}/${path}@${digest}` : `${domain}/${path}:${tag || 'latest'}`;
}

/** go-wildcard v1.0.3 Match (wildcard.go:37-67): "*" any run of characters, "?" one. */
function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  const deep = (s: number, p: number): boolean => {
    while (p < pattern.length) {
      const ch = pattern[p];
      if (ch === '*') return deep(s, p + 1) || (s < name.length && deep(s + 1, p));
      if (ch === '?') {
        if (s >= name.length) return false;
      } else if (s >= name.length || name[s] !== ch) {
        return false;
      }
      s++;
      p++;
    }
    return s === name.length;
  };
  return deep(0, 0);
}

function kyvernoMatch(refs: readonly string[], image: string): boolean {
  const s = kyvernoImageString(image);
  return refs.some(r => wildcardMatch(r, s));
}

/** The repository an image is, as the runtime pulls it (go-containerregistry's Name without tag or digest). */
function truth(image: string): string {
  return ggcrName(image)!.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[^:/]*$/, '');
}

describe('WasmImageVerification with sigstore policy-controller', () => {
  test('renders a ClusterImagePolicy for the app\'s Wasm images, valid against the CRD', () => {
    const c = chart('edge');
    const v = verification(c);
    wasm(c, 'hello', HELLO);
    wasm(c, 'nginx', `nginx:1.27.0@${DIGEST}`);
    const objs = synthAndValidate(c);
    expect(policies(objs)).toMatchSnapshot();
    // The public keys inline are no credential (the library's own semantic checks).
    expect(semanticProblems(objs)).toEqual([]);
    const [cip] = policies(objs);
    expect(cip.apiVersion).toBe('policy.sigstore.dev/v1alpha1');
    expect(cip.kind).toBe('ClusterImagePolicy');
    // Cluster-scoped: no namespace even in a namespaced chart.
    expect(cip.metadata.namespace).toBeUndefined();
    expect(cip.spec.images).toEqual([
      { glob: 'ghcr.io/acme/hello-wasm:*' }, { glob: 'ghcr.io/acme/hello-wasm@*' },
      { glob: 'index.docker.io/library/nginx:*' }, { glob: 'index.docker.io/library/nginx@*' },
    ]);
    expect(cip.spec.authorities.map((a: any) => a.name)).toEqual(['authority-0', 'authority-1']);
    expect(cip.spec.authorities[0].key.data).toBe(EC_PUBLIC_KEY);
    expect(cip.spec.authorities[1].keyless).toEqual({ url: 'https://fulcio.sigstore.dev', identities: [{ issuer: ISSUER, subject: SUBJECT }] });
    expect(v.apiObjects).toHaveLength(1);
    expect(v.apiObjects[0].kind).toBe('ClusterImagePolicy');
    expect(v.namespaceLabel).toEqual({ 'policy.sigstore.dev/include': 'true' });
    // Pinned images: no warning.
    expect(c.node.findAll().flatMap(x => Warnings.of(x).messages)).toEqual([]);
  });

  test('@default action is ENFORCE: mode enforce (policy-controller\'s own default, defaults.go:31, written out)', () => {
    const c = chart();
    const v = verification(c, { images: ['ghcr.io/acme/hello-wasm'] });
    expect(v.action).toBe(ImageVerificationAction.ENFORCE);
    expect(policies(synthAndValidate(c))[0].spec.mode).toBe('enforce');
  });

  test('WARN is mode warn', () => {
    const c = chart();
    verification(c, { images: ['ghcr.io/acme/hello-wasm'], action: ImageVerificationAction.WARN });
    expect(policies(synthAndValidate(c))[0].spec.mode).toBe('warn');
  });

  test('AUDIT is refused: policy-controller modes are enforce and warn (common/validation.go:49)', () => {
    const e = validationErrorOf(() => verification(chart(), { images: ['ghcr.io/acme/hello-wasm'], action: ImageVerificationAction.AUDIT }));
    expect(e.prop).toBe('action');
    expect(e.fix).toMatch(/WARN/);
  });

  test('the opt-in label is policy-controller\'s own (500-webhook-configuration.yaml:24), and optIn() adds it to a Namespace', () => {
    expect(SIGSTORE_INCLUDE_LABEL).toBe('policy.sigstore.dev/include');
    const c = chart();
    const v = verification(c, { images: ['ghcr.io/acme/hello-wasm'] });
    const ns = new kplus.Namespace(c, 'ns', { metadata: { name: 'functions' } });
    expect(v.optIn(ns)).toBe(ns);
    const objs = synthAndValidate(c);
    expect(objs.find(o => o.kind === 'Namespace').metadata.labels).toEqual({ 'policy.sigstore.dev/include': 'true' });
  });

  test('optInTenant() labels the Namespace a FunctionTenant emits (beside its own labels)', () => {
    const c = chart('shop');
    const v = verification(c, { images: ['ghcr.io/acme/**'] });
    const tenant = new FunctionTenant(c, 'Tenant');
    expect(v.optInTenant(tenant)).toBe(tenant);
    const ns = synthAndValidate(c).find(o => o.kind === 'Namespace');
    expect(ns.metadata.name).toBe('shop');
    expect(ns.metadata.labels).toMatchObject({ 'policy.sigstore.dev/include': 'true', 'cdk8s-wasm-edge.io/function-tenant': 'true' });
  });

  test('optInTenant() refuses a tenant whose Namespace is created elsewhere', () => {
    const c = chart('shop');
    const v = verification(c, { images: ['ghcr.io/acme/**'] });
    const e = validationErrorOf(() => v.optInTenant(new FunctionTenant(c, 'Tenant', { createNamespace: false })));
    expect(e.prop).toBe('optInTenant');
    expect(e.fix).toMatch(/policy\.sigstore\.dev\/include=true/);
    expect(validationErrorOf(() => v.optInTenant({} as any)).prop).toBe('optInTenant');
  });

  test('a verified workload in a Namespace of the app that is not opted in gets a warning; opted in, none', () => {
    const c = chart('shop');
    verification(c);
    new FunctionTenant(c, 'Tenant');
    const w = wasm(c, 'hello', HELLO);
    synthAndValidate(c);
    expect(Warnings.of(w).messages).toEqual([
      expect.stringMatching(/test\/hello: metadata\.namespace="shop": is a Namespace of this app without the label policy\.sigstore\.dev\/include=true.*optInTenant/),
    ]);
    const c2 = chart('shop');
    const v2 = verification(c2);
    v2.optInTenant(new FunctionTenant(c2, 'Tenant'));
    const w2 = wasm(c2, 'hello', HELLO);
    synthAndValidate(c2);
    expect(Warnings.of(w2).messages).toEqual([]);
    // A namespace the app does not emit may be labelled elsewhere: no warning.
    const c3 = chart('elsewhere');
    verification(c3);
    const w3 = wasm(c3, 'hello', HELLO);
    synthAndValidate(c3);
    expect(Warnings.of(w3).messages).toEqual([]);
  });

  test('in an opted-in namespace, an image no pattern covers gets a warning: policy-controller denies unmatched images (store.go:66)', () => {
    const c = chart();
    const v = verification(c);
    v.optIn(new kplus.Namespace(c, 'ns', { metadata: { name: 'functions' } }));
    const w = wasm(c, 'hello', HELLO, { metadata: { namespace: 'functions' }, containers: [{ image: 'ghcr.io/acme/log-shipper:2.0.0' }] });
    wasm(c, 'other', `ghcr.io/acme/other:1@${DIGEST}`, { containers: [{ image: 'ghcr.io/acme/log-shipper:2.0.0' }] });
    synthAndValidate(c);
    const messages = Warnings.of(w).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/containers\[0\]\.image="ghcr\.io\/acme\/log-shipper:2\.0\.0": runs in namespace "functions".*no-match-policy: deny/);
    expect(c.node.findAll().flatMap(x => Warnings.of(x).messages)).toHaveLength(1);
  });
});

describe('WasmImageVerification with Kyverno', () => {
  test('renders a ClusterPolicy with a verifyImages rule, valid against the CRD', () => {
    const c = chart('edge');
    const v = verification(c, { verifier: ImageVerifier.kyverno() });
    wasm(c, 'hello', HELLO);
    wasm(c, 'nginx', `nginx:1.27.0@${DIGEST}`);
    const objs = synthAndValidate(c);
    expect(policies(objs)).toMatchSnapshot();
    // The public keys inline are no credential (the library's own semantic checks).
    expect(semanticProblems(objs)).toEqual([]);
    const [policy] = policies(objs);
    expect(policy.apiVersion).toBe('kyverno.io/v1');
    expect(policy.kind).toBe('ClusterPolicy');
    expect(policy.metadata.namespace).toBeUndefined();
    const [rule] = policy.spec.rules;
    expect(rule.match).toEqual({
      any: [{
        resources: {
          kinds: ['Pod'],
          namespaceSelector: { matchExpressions: [{ key: 'policy.sigstore.dev/include', operator: 'In', values: ['true'] }] },
        },
      }],
    });
    const [vi] = rule.verifyImages;
    expect(vi.imageReferences).toEqual([
      'docker.io/library/nginx:*', 'docker.io/library/nginx@*', 'docker.io/nginx:*', 'docker.io/nginx@*',
      'ghcr.io/acme/hello-wasm:*', 'ghcr.io/acme/hello-wasm@*',
      'index.docker.io/library/nginx:*', 'index.docker.io/library/nginx@*', 'index.docker.io/nginx:*', 'index.docker.io/nginx@*',
    ]);
    // Any one authority (policy-controller admits an image one authority verifies: validator.go:586).
    expect(vi.attestors).toEqual([{
      count: 1,
      entries: [
        { keys: { publicKeys: EC_PUBLIC_KEY, rekor: { url: 'https://rekor.sigstore.dev' } } },
        { keyless: { issuer: ISSUER, subject: SUBJECT, rekor: { url: 'https://rekor.sigstore.dev' } } },
      ],
    }]);
    expect(v.namespaceLabel).toEqual({ 'policy.sigstore.dev/include': 'true' });
  });

  test('@default action is ENFORCE: failureAction Enforce (the CRD default of the deprecated spec field is Audit)', () => {
    const c = chart();
    verification(c, { verifier: ImageVerifier.kyverno(), images: ['ghcr.io/acme/hello-wasm'] });
    expect(policies(synthAndValidate(c))[0].spec.rules[0].verifyImages[0].failureAction).toBe('Enforce');
  });

  test('@default mutateDigest, verifyDigest, required and useCache are true (Kyverno\'s defaults, written out)', () => {
    const c = chart();
    verification(c, { verifier: ImageVerifier.kyverno(), images: ['ghcr.io/acme/hello-wasm'] });
    const vi = policies(synthAndValidate(c))[0].spec.rules[0].verifyImages[0];
    expect([vi.mutateDigest, vi.verifyDigest, vi.required, vi.useCache]).toEqual([true, true, true, true]);
  });

  test('options turn them off', () => {
    const c = chart();
    verification(c, {
      verifier: ImageVerifier.kyverno({ mutateDigest: false, verifyDigest: false, required: false, useCache: false }),
      images: ['ghcr.io/acme/hello-wasm'],
    });
    const vi = policies(synthAndValidate(c))[0].spec.rules[0].verifyImages[0];
    expect([vi.mutateDigest, vi.verifyDigest, vi.required, vi.useCache]).toEqual([false, false, false, false]);
  });

  test('AUDIT is failureAction Audit with mutateDigest off (image_verification_types.go:389 refuses it on)', () => {
    const c = chart();
    verification(c, { verifier: ImageVerifier.kyverno({ mutateDigest: true }), images: ['ghcr.io/acme/hello-wasm'], action: ImageVerificationAction.AUDIT });
    const vi = policies(synthAndValidate(c))[0].spec.rules[0].verifyImages[0];
    expect(vi.failureAction).toBe('Audit');
    expect(vi.mutateDigest).toBe(false);
  });

  test('WARN is refused: Kyverno has no warn action for verifyImages', () => {
    const e = validationErrorOf(() => verification(chart(), { verifier: ImageVerifier.kyverno(), images: ['ghcr.io/acme/hello-wasm'], action: ImageVerificationAction.WARN }));
    expect(e.prop).toBe('action');
    expect(e.fix).toMatch(/AUDIT/);
  });

  test('@default namespaceLabelKey/Value are policy-controller\'s label; others select and opt in alike', () => {
    const c = chart();
    const v = verification(c, { verifier: ImageVerifier.kyverno({ namespaceLabelKey: 'acme.example/verify-images', namespaceLabelValue: 'yes' }), images: ['ghcr.io/acme/x'] });
    v.optIn(new kplus.Namespace(c, 'ns'));
    const objs = synthAndValidate(c);
    expect(policies(objs)[0].spec.rules[0].match.any[0].resources.namespaceSelector)
      .toEqual({ matchExpressions: [{ key: 'acme.example/verify-images', operator: 'In', values: ['yes'] }] });
    expect(objs.find(o => o.kind === 'Namespace').metadata.labels).toEqual({ 'acme.example/verify-images': 'yes' });
  });

  test('@default webhookTimeout: none written (Kyverno\'s 10 seconds); a given one is webhookConfiguration.timeoutSeconds', () => {
    const c = chart();
    verification(c, { verifier: ImageVerifier.kyverno(), images: ['ghcr.io/acme/x'] });
    expect(policies(synthAndValidate(c))[0].spec.webhookConfiguration).toBeUndefined();
    const c2 = chart();
    verification(c2, { verifier: ImageVerifier.kyverno({ webhookTimeout: Duration.seconds(30) }), images: ['ghcr.io/acme/x'] });
    expect(policies(synthAndValidate(c2))[0].spec.webhookConfiguration).toEqual({ timeoutSeconds: 30 });
  });

  test.each([
    ['a webhookTimeout over 30 seconds', { webhookTimeout: Duration.minutes(1) }, 'webhookTimeout'],
    ['a webhookTimeout under a second', { webhookTimeout: Duration.millis(500) }, 'webhookTimeout'],
    ['a webhookTimeout that is not a Duration', { webhookTimeout: 10 }, 'webhookTimeout'],
    ['a key that is not a label key', { namespaceLabelKey: 'not a label' }, 'namespaceLabelKey'],
    ['a key with an empty prefix', { namespaceLabelKey: '/include' }, 'namespaceLabelKey'],
    ['a value that is not a label value', { namespaceLabelValue: 'yes please' }, 'namespaceLabelValue'],
    ['an empty value', { namespaceLabelValue: '' }, 'namespaceLabelValue'],
    ['a non-boolean mutateDigest', { mutateDigest: 'true' }, 'mutateDigest'],
  ])('refuses %s', (_what, options, prop) => {
    expect(validationErrorOf(() => ImageVerifier.kyverno(options as any)).prop).toBe(prop);
  });

  test('a keyless authority with a private Fulcio URL is refused for Kyverno (it checks roots), accepted with roots', () => {
    const e = validationErrorOf(() => verification(chart(), {
      verifier: ImageVerifier.kyverno(),
      images: ['ghcr.io/acme/x'],
      authorities: [CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, fulcioUrl: 'https://fulcio.site-1.local' })],
    }));
    expect(e.prop).toBe('authorities[0].fulcioUrl');
    const c = chart();
    verification(c, { verifier: ImageVerifier.kyverno(), images: ['ghcr.io/acme/x'], authorities: [CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT, roots: CA_CERT })] });
    expect(policies(synthAndValidate(c))[0].spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.roots).toBe(`${CA_CERT}\n`);
  });
});

describe('images', () => {
  test('@default: the repositories of every WasmDeployment\'s Wasm containers, also those added after the construct (read at synth)', () => {
    const c = chart();
    const v = verification(c);
    expect(v.imagePatterns()).toEqual([]);
    wasm(c, 'b', `ghcr.io/acme/b:1@${DIGEST}`, { containers: [{ image: 'ghcr.io/acme/linux-sidecar:1' }] });
    const other = new Chart(c.node.scope as App, 'other');
    wasm(other, 'a', `registry.site-1.local:5000/acme/a@${DIGEST}`);
    wasm(other, 'a2', `registry.site-1.local:5000/acme/a:2@${DIGEST}`);
    // Linux containers are not Wasm images: not verified by default.
    expect(v.imagePatterns()).toEqual(['ghcr.io/acme/b', 'registry.site-1.local:5000/acme/a']);
    expect(policies(synthAndValidate(c))[0].spec.images.map((i: any) => i.glob)).toEqual([
      'ghcr.io/acme/b:*', 'ghcr.io/acme/b@*', 'registry.site-1.local:5000/acme/a:*', 'registry.site-1.local:5000/acme/a@*',
    ]);
  });

  test('@default covers ServerlessFunctions on the Kubernetes backend (their WasmDeployment)', () => {
    const c = chart();
    const v = verification(c);
    new ServerlessFunction(c, 'fn', { image: `ghcr.io/acme/fn:1@${DIGEST}`, backend: FunctionBackend.KUBERNETES });
    expect(v.imagePatterns()).toEqual(['ghcr.io/acme/fn']);
  });

  test('given images replace the default; "path/**" covers every repository under it', () => {
    const c = chart();
    const v = verification(c, { images: ['ghcr.io/acme/**', 'docker.io/**', 'acme/tools', 'ghcr.io/acme/**'] });
    wasm(c, 'x', `quay.io/other/x:1@${DIGEST}`);
    expect(v.imagePatterns()).toEqual(['acme/tools', 'docker.io/**', 'ghcr.io/acme/**']);
    expect(policies(synthAndValidate(c))[0].spec.images.map((i: any) => i.glob)).toEqual([
      'ghcr.io/acme/**', 'index.docker.io/**', 'index.docker.io/acme/tools:*', 'index.docker.io/acme/tools@*',
    ]);
    expect(v.covers('ghcr.io/acme/team/app:1')).toBe(true);
    expect(v.covers('ghcr.io/acmex/app:1')).toBe(false);
    expect(v.covers('nginx')).toBe(true);
    expect(v.covers('quay.io/other/x:1')).toBe(false);
  });

  test('with no Wasm workload and no images, synth fails naming the construct', () => {
    const c = chart();
    verification(c);
    expect(() => Testing.synth(c)).toThrow(/test\/verify: images=undefined: the app has no WasmDeployment with a Wasm container/);
  });

  test.each([
    ['an empty list', []],
    ['a tag', ['ghcr.io/acme/hello:1.0']],
    ['a digest', [`ghcr.io/acme/hello@${DIGEST}`]],
    ['a wildcard in the middle', ['ghcr.io/*/hello']],
    ['a single-star suffix', ['ghcr.io/acme/*']],
    ['upper case', ['ghcr.io/Acme/hello']],
    ['Docker Hub\'s library path', ['library/**']],
    ['an empty string', ['']],
    ['a non-string', [42]],
  ])('refuses images with %s', (_what, images) => {
    expect(validationErrorOf(() => verification(chart(), { images: images as any })).prop).toMatch(/^images/);
  });

  test.each([
    ['no verifier', { verifier: undefined }, 'verifier'],
    ['no authorities', { authorities: [] }, 'authorities'],
    ['a string authority', { authorities: [EC_PUBLIC_KEY] }, 'authorities'],
    ['an unknown action', { action: 'Block' }, 'action'],
  ])('refuses %s', (_what, props, prop) => {
    expect(validationErrorOf(() => verification(chart(), props as any)).prop).toBe(prop);
  });

  test('optIn refuses what is not a cdk8s-plus Namespace', () => {
    const c = chart();
    expect(validationErrorOf(() => verification(c, { images: ['ghcr.io/a/b'] }).optIn({ name: 'x' } as any)).prop).toBe('optIn');
  });
});

describe('digest pinning', () => {
  test('a verified Wasm image without a digest gets a warning on its workload', () => {
    const c = chart();
    verification(c);
    const w = wasm(c, 'hello', 'ghcr.io/acme/hello-wasm:1.0.0');
    const pinned = wasm(c, 'pinned', HELLO);
    synthAndValidate(c);
    expect(Warnings.of(w).messages).toEqual([
      expect.stringMatching(/test\/hello: wasmContainers\[0\]\.image="ghcr\.io\/acme\/hello-wasm:1\.0\.0": is verified by test\/verify .*not pinned by digest.*Fix: pin the image by digest/),
    ]);
    expect(Warnings.of(pinned).messages).toEqual([]);
  });

  test('an image the verification does not cover gets no digest warning', () => {
    const c = chart();
    verification(c, { images: ['ghcr.io/acme/other'] });
    const w = wasm(c, 'hello', 'ghcr.io/acme/hello-wasm:1.0.0');
    synthAndValidate(c);
    expect(Warnings.of(w).messages).toEqual([]);
  });

  test('in strict mode the warning fails synth', () => {
    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    const c = new Chart(app, 'test');
    verification(c, { verifier: ImageVerifier.kyverno() });
    wasm(c, 'hello', 'ghcr.io/acme/hello-wasm:1.0.0');
    expect(() => app.synth()).toThrow(/not pinned by digest.*strict mode/);
  });
});

describe('image patterns agree with the consumers\' matchers', () => {
  const registries = ['', 'docker.io/', 'index.docker.io/', 'ghcr.io/', 'localhost:5000/', 'registry.site-1.local/', 'localhost/'];
  const component = fc.constantFrom('acme', 'app', 'library', 'hello-wasm', 'a_b', 'x.y', 'localhost');
  const repository = fc.tuple(fc.constantFrom(...registries), fc.array(component, { minLength: 1, maxLength: 3 }))
    .map(([r, parts]) => `${r}${parts.join('/')}`)
    .filter(r => ggcrName(r) !== undefined && !/^(docker\.io\/|index\.docker\.io\/)?library$/.test(r));
  const reference = fc.tuple(repository, fc.constantFrom('', ':1.0.0', ':latest', `@${DIGEST}`, `:1.0@${DIGEST}`)).map(([r, s]) => `${r}${s}`);

  test('parseImage and canonicalRepository agree with go-containerregistry', () => {
    fc.assert(fc.property(reference, image => {
      expect(canonicalRepository(parseImage(image).repository)).toBe(truth(image));
    }), fuzzParams({ numRuns: 1000 }));
  });

  test('an image matches the emitted globs and references iff its repository is one of the declared ones (both verifiers)', () => {
    const repoSets = fc.uniqueArray(repository, { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(repoSets, fc.array(reference, { minLength: 1, maxLength: 8 }), (repos, images) => {
      const globs = sigstoreGlobs(repos);
      const refs = kyvernoImageReferences(repos);
      const declared = new Set(repos.map(r => truth(r)));
      for (const image of [...images, ...repos.map(r => `${r}:9`), ...repos.map(r => `${r}@${DIGEST}`)]) {
        const want = declared.has(truth(image));
        expect([image, globs.some(g => sigstoreMatch(g, image))]).toEqual([image, want]);
        expect([image, kyvernoMatch(refs, image)]).toEqual([image, want]);
      }
    }), fuzzParams({ numRuns: 500 }));
  });

  test('"path/**" matches, in both verifiers, exactly the repositories under the path', () => {
    const prefix = fc.tuple(fc.constantFrom('docker.io', 'ghcr.io', 'localhost:5000', 'ghcr.io/acme', 'acme', 'docker.io/acme', 'registry.site-1.local/app'));
    fc.assert(fc.property(prefix, fc.array(reference, { minLength: 1, maxLength: 8 }), ([p], images) => {
      const pattern = `${p}/**`;
      const globs = sigstoreGlobs([pattern]);
      const refs = kyvernoImageReferences([pattern]);
      const base = truth(`${p}/x/y`).slice(0, -'/x/y'.length);
      for (const image of images) {
        const want = truth(image).startsWith(`${base}/`);
        expect([image, globs.some(g => sigstoreMatch(g, image))]).toEqual([image, want]);
        expect([image, kyvernoMatch(refs, image)]).toEqual([image, want]);
      }
    }), fuzzParams({ numRuns: 300 }));
  });

  test('any set of repositories and options gives objects both CRDs accept, or the documented error', () => {
    const authority = fc.constantFrom(
      () => CosignAuthority.publicKey(EC_PUBLIC_KEY),
      () => CosignAuthority.publicKey(EC_PUBLIC_KEY, { ignoreTlog: true, rekorUrl: 'https://rekor.site-1.local' }),
      () => CosignAuthority.keyless({ issuer: ISSUER, subject: SUBJECT }),
      () => CosignAuthority.keyless({ issuerRegExp: '^https://.*$', subjectRegExp: '^.*@acme\\.example$', roots: CA_CERT, rekorUrl: 'https://rekor.local' }),
    );
    const outcomes = { ok: 0, error: 0 };
    fc.assert(fc.property(
      fc.boolean(), fc.array(authority, { minLength: 1, maxLength: 3 }), maybe(fc.uniqueArray(fc.oneof(repository, repository.map(r => `${r}/**`), nastyString()), { maxLength: 4 })),
      maybe(fc.constantFrom(...Object.values(ImageVerificationAction))), fc.array(reference, { maxLength: 3 }),
      (kyverno, authorities, images, action, workloadImages) => {
        const c = chart('edge');
        try {
          new WasmImageVerification(c, 'verify', {
            verifier: kyverno ? ImageVerifier.kyverno() : ImageVerifier.sigstorePolicyController(),
            authorities: authorities.map(a => a()),
            images,
            action,
          });
          workloadImages.forEach((image, i) => { try { wasm(c, `w${i}`, image); } catch { /* images WasmDeployment refuses */ } });
          const objs = Testing.synth(c);
          validateObjects(objs);
          expect(semanticProblems(objs)).toEqual([]);
          const [policy] = policies(objs);
          const patterns = kyverno ? policy.spec.rules[0].verifyImages[0].imageReferences : policy.spec.images.map((i: any) => i.glob);
          expect(patterns.length).toBeGreaterThan(0);
          expect([...patterns].sort()).toEqual(patterns);
          outcomes.ok++;
        } catch (e) {
          expect(String(e)).toMatch(/\[cdk8s-wasm-edge\]/);
          outcomes.error++;
        }
      }), fuzzParams({ numRuns: 200 }));
    // Both paths are exercised.
    expect(outcomes.ok).toBeGreaterThan(20);
    expect(outcomes.error).toBeGreaterThan(20);
  });
});

test('default images include functions whose platform makes the pods (SpinKube, Knative, OpenFaaS)', () => {
  const c = chart('apps');
  new ServerlessFunction(c, 'spin', { image: `ghcr.io/acme/spin-fn:1@${DIGEST}`, backend: FunctionBackend.spinKube() });
  new ServerlessFunction(c, 'kn', { image: `ghcr.io/acme/kn-fn:1@${DIGEST}`, command: ['/kn.wasm'], backend: FunctionBackend.knative() });
  new ServerlessFunction(c, 'k8s', { image: `ghcr.io/acme/k8s-fn:1@${DIGEST}`, command: ['/k.wasm'] });
  const v = verification(c);
  expect(v.covers('ghcr.io/acme/spin-fn:2')).toBe(true);
  expect(v.covers('ghcr.io/acme/kn-fn:2')).toBe(true);
  expect(v.covers('ghcr.io/acme/k8s-fn:2')).toBe(true);
  expect(v.covers('ghcr.io/acme/other:2')).toBe(false);
});
