/**
 * Cosign signature verification of the app's Wasm images, enforced at admission by Kyverno
 * (`verifyImages`) or sigstore policy-controller (`ClusterImagePolicy`), in the namespaces opted in
 * by a label. The images default to the repositories of the app's Wasm workloads, read at synth.
 */
import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { CosignAuthority } from './cosign-authority';
import type { ClusterImagePolicySpecAuthorities } from '../imports/sigstore-policy-controller';
import { propError, propMessage } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { isLabelValue, isQualifiedName } from '../private/validate';
import { warn } from '../private/warnings';
import { ServerlessFunction } from '../serverless-function';
import { FunctionTenant } from '../tenant';
import { WasmDeployment } from '../wasm-deployment';

const { ClusterImagePolicy } = lazyExports((): typeof import('../imports/sigstore-policy-controller') => require('../imports/sigstore-policy-controller'));

/**
 * The namespace label policy-controller's admission webhooks select on: only namespaces labelled
 * `policy.sigstore.dev/include: "true"` are checked. The library opts namespaces in with it for
 * Kyverno too (by default), so both verifiers cover the same namespaces.
 *
 * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/config/500-webhook-configuration.yaml#L21 (namespaceSelector: policy.sigstore.dev/include In ["true"])
 */
export const SIGSTORE_INCLUDE_LABEL = 'policy.sigstore.dev/include';

/** What happens to a pod whose image is not signed by an authority, in each verifier's terms. */
export enum ImageVerificationAction {
  /** Refuse the pod (Kyverno `failureAction: Enforce`, policy-controller `mode: enforce`). */
  ENFORCE = 'Enforce',
  /**
   * Admit the pod with an admission warning (policy-controller `mode: warn`). Kyverno has no warn
   * action for `verifyImages`: use AUDIT there.
   */
  WARN = 'Warn',
  /**
   * Admit the pod and record the failure in a PolicyReport (Kyverno `failureAction: Audit`, which
   * also turns `mutateDigest` off, as Kyverno requires). policy-controller has no audit mode: use WARN.
   */
  AUDIT = 'Audit',
}

/** Options of the Kyverno verifier. */
export interface KyvernoImageVerifierOptions {
  /**
   * The namespace label key that opts a namespace in (the rule's `namespaceSelector`).
   *
   * @default SIGSTORE_INCLUDE_LABEL ("policy.sigstore.dev/include"), as policy-controller
   */
  readonly namespaceLabelKey?: string;

  /**
   * The value of the opt-in label.
   *
   * @default "true"
   */
  readonly namespaceLabelValue?: string;

  /**
   * Replace each verified image tag by its digest in the admitted pod (`mutateDigest`), so a tag
   * moved after verification cannot change what runs. Always off under `ImageVerificationAction.AUDIT`
   * (Kyverno refuses mutateDigest with Audit).
   *
   * @default true (Kyverno's default)
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/api/kyverno/v1/image_verification_types.go#L389 (mutateDigest must be false for Audit)
   */
  readonly mutateDigest?: boolean;

  /**
   * Require the (mutated) image reference to carry a digest (`verifyDigest`). With `mutateDigest`
   * off (always so under AUDIT), an image not pinned by digest then fails verification.
   *
   * @default true (Kyverno's default)
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/engine/handlers/validation/validate_image.go#L119
   */
  readonly verifyDigest?: boolean;

  /**
   * Require every matching image to be verified (`required`): an image that skipped verification
   * (e.g. admitted before the policy) is refused when its pod is updated.
   *
   * @default true (Kyverno's default)
   */
  readonly required?: boolean;

  /**
   * Cache verification results (`useCache`): a node restarting many pods of one image asks the
   * registry once.
   *
   * @default true (Kyverno's default)
   */
  readonly useCache?: boolean;

  /**
   * How long the admission webhook may take for this policy (`webhookConfiguration.timeoutSeconds`):
   * verification asks the registry and the transparency log, which a slow edge uplink may need more
   * time for. Whole seconds from 1 to 30 (Kyverno caps the webhook at 30).
   *
   * @default - Kyverno's default, 10 seconds
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/controllers/webhook/controller.go#L59 (DefaultWebhookTimeout = 10)
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/controllers/webhook/utils.go#L158 (capTimeout: at most 30)
   */
  readonly webhookTimeout?: Duration;
}

/**
 * The admission controller that verifies the signatures: it renders the verification's objects in
 * `bind()`. Make one with `ImageVerifier.kyverno()` or `ImageVerifier.sigstorePolicyController()`;
 * a new verifier is a subclass that implements `displayName`, the opt-in label and `bind()`.
 */
export abstract class ImageVerifier {
  /**
   * Kyverno: a ClusterPolicy (kyverno.io/v1) with one `verifyImages` rule on Pods (Kyverno also
   * generates the rule for the controllers that make pods).
   *
   * @see https://github.com/kyverno/kyverno/blob/v1.19.0/api/kyverno/v1/image_verification_types.go
   */
  public static kyverno(options: KyvernoImageVerifierOptions = {}): ImageVerifier {
    const where = 'ImageVerifier.kyverno';
    const key = options.namespaceLabelKey ?? SIGSTORE_INCLUDE_LABEL;
    const value = options.namespaceLabelValue ?? 'true';
    checkOptInLabel(where, key, value);
    for (const prop of ['mutateDigest', 'verifyDigest', 'required', 'useCache'] as const) {
      if (options[prop] !== undefined && typeof options[prop] !== 'boolean') throw propError(where, prop, options[prop], 'is not a boolean', 'use true or false');
    }
    if (options.webhookTimeout !== undefined) {
      const seconds = options.webhookTimeout instanceof Duration ? options.webhookTimeout.toSeconds({ integral: false }) : NaN;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 30) {
        throw propError(where, 'webhookTimeout', Number.isNaN(seconds) ? options.webhookTimeout : `${seconds}s`,
          'must be whole seconds from 1 to 30 (Kubernetes refuses a webhook timeout above 30 seconds, and Kyverno caps it there)', 'use e.g. Duration.seconds(30)');
      }
    }
    return new (builtIns(ImageVerifier).Kyverno)(key, value, options);
  }

  /**
   * sigstore policy-controller: a ClusterImagePolicy (policy.sigstore.dev/v1alpha1). Its webhooks
   * check only namespaces labelled `policy.sigstore.dev/include: "true"`, and there deny every image
   * that no ClusterImagePolicy matches (`no-match-policy: deny`, its default): cover the Linux
   * images of those namespaces too (`images`).
   *
   * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/config/store.go#L66 (no-match-policy defaults to deny)
   */
  public static sigstorePolicyController(): ImageVerifier {
    return new (builtIns(ImageVerifier).Sigstore)();
  }

  /** A readable name for messages, e.g. "Kyverno". */
  public abstract readonly displayName: string;
  /** The label key a namespace carries to be verified. */
  public abstract readonly namespaceLabelKey: string;
  /** The value of that label. */
  public abstract readonly namespaceLabelValue: string;

  /**
   * Renders the verification's objects under `verification` (read its `authorities`, `action` and
   * `imagePatterns()` at synth) and returns them. Called once, from its constructor.
   */
  public abstract bind(verification: WasmImageVerification): ApiObject[];
}

/** Props of a WasmImageVerification. */
export interface WasmImageVerificationProps {
  /** The admission controller that verifies: `ImageVerifier.kyverno()` or `ImageVerifier.sigstorePolicyController()`. */
  readonly verifier: ImageVerifier;

  /**
   * Who may sign the images: an image passes when any of them signed it.
   */
  readonly authorities: CosignAuthority[];

  /**
   * The images to verify: repositories (`ghcr.io/acme/hello`, any tag or digest of it), or every
   * repository under a path (`ghcr.io/acme/**`). A repository without a registry is on Docker Hub
   * (`hello` is `docker.io/library/hello`), as container runtimes read it.
   *
   * @default - the repositories of the Wasm containers of every WasmDeployment in the app and of
   * the images of its ServerlessFunctions on other backends (also the ones added after this
   * construct), read at synth
   */
  readonly images?: string[];

  /**
   * What happens to a pod whose image no authority signed.
   *
   * @default ImageVerificationAction.ENFORCE
   */
  readonly action?: ImageVerificationAction;
}

/**
 * Cosign signature verification of the app's Wasm images at admission, with Kyverno or sigstore
 * policy-controller, in the namespaces opted in by a label (`optIn()`). Public keys are written
 * inline (they are not secrets); private keys are refused. At synth, each Wasm workload whose
 * verified image is not pinned by digest gets a warning: a tag can be moved to an image signed for
 * another purpose, a digest cannot.
 *
 * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/apis/glob/glob.go
 * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/engine/internal/imageverifier.go#L172
 */
export class WasmImageVerification extends Construct {
  /** The verifier. */
  public readonly verifier: ImageVerifier;
  /** What happens to an unsigned image. */
  public readonly action: ImageVerificationAction;
  /** The objects the verifier rendered (a Kyverno ClusterPolicy or a ClusterImagePolicy). */
  public readonly apiObjects: ApiObject[];

  private readonly images?: readonly string[];
  private readonly authorityList: readonly CosignAuthority[];
  private readonly optedIn = new Set<string>();

  constructor(scope: Construct, id: string, props: WasmImageVerificationProps) {
    super(scope, id);
    if (!props || !(props.verifier instanceof ImageVerifier)) {
      throw propError(this, 'verifier', props?.verifier, 'is not an ImageVerifier', 'use ImageVerifier.kyverno() or ImageVerifier.sigstorePolicyController()');
    }
    if (!Array.isArray(props.authorities) || props.authorities.length === 0 || props.authorities.some(a => !(a instanceof CosignAuthority))) {
      throw propError(this, 'authorities', Array.isArray(props.authorities) ? props.authorities.map(a => a instanceof CosignAuthority ? a.description : a) : props.authorities,
        'must list at least one CosignAuthority: with none every signature is refused (or, in policy-controller, the policy is refused)',
        'pass authorities: [CosignAuthority.publicKey(pem)] or [CosignAuthority.keyless({ issuer, subject })]');
    }
    const action = props.action ?? ImageVerificationAction.ENFORCE;
    if (!Object.values(ImageVerificationAction).includes(action)) {
      throw propError(this, 'action', action, 'is not an ImageVerificationAction', 'use ImageVerificationAction.ENFORCE, WARN or AUDIT');
    }
    if (props.images !== undefined) {
      if (!Array.isArray(props.images) || props.images.length === 0) {
        throw propError(this, 'images', props.images, 'is an empty list, so no image would be verified',
          'list repositories such as "ghcr.io/acme/hello", or leave images out to verify the app\'s Wasm workloads');
      }
      props.images.forEach((image, i) => checkImagePattern(this, `images[${i}]`, image));
    }
    this.verifier = props.verifier;
    this.authorityList = [...props.authorities];
    this.action = action;
    this.images = props.images === undefined ? undefined : [...new Set(props.images)].sort();
    this.apiObjects = this.verifier.bind(this);

    // Cluster-scoped kinds: drop the namespace cdk8s copies from a namespaced chart.
    for (const o of this.apiObjects) {
      if (o.metadata.namespace) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    this.node.addValidation({ validate: () => this.validateImages() });
    // On the root, so the warnings are added to each workload before cdk8s validates it (root first).
    this.node.root.node.addValidation({ validate: () => { this.warnWorkloads(); return []; } });
  }

  /** Who may sign the images (a copy). */
  public get authorities(): CosignAuthority[] {
    return [...this.authorityList];
  }

  /** The label a namespace carries to be verified, e.g. `{ "policy.sigstore.dev/include": "true" }`. */
  public get namespaceLabel(): { [key: string]: string } {
    return { [this.verifier.namespaceLabelKey]: this.verifier.namespaceLabelValue };
  }

  /**
   * Opts a namespace in: adds the verifier's label to it.
   *
   * @returns the namespace
   */
  public optIn(namespace: kplus.Namespace): kplus.Namespace {
    if (!(namespace instanceof kplus.Namespace)) {
      throw propError(this, 'optIn', namespace, 'is not a cdk8s-plus Namespace', `label the namespace ${this.verifier.namespaceLabelKey}=${this.verifier.namespaceLabelValue} yourself`);
    }
    namespace.metadata.addLabel(this.verifier.namespaceLabelKey, this.verifier.namespaceLabelValue);
    this.optedIn.add(namespace.name);
    return namespace;
  }

  /**
   * Opts a function tenant's namespace in: adds the verifier's label to the Namespace the tenant
   * emits.
   *
   * @returns the tenant
   */
  public optInTenant(tenant: FunctionTenant): FunctionTenant {
    if (!(tenant instanceof FunctionTenant)) {
      throw propError(this, 'optInTenant', tenant, 'is not a FunctionTenant', 'pass the FunctionTenant, or use optIn() for a cdk8s-plus Namespace');
    }
    if (!tenant.namespaceObject) {
      throw propError(this, 'optInTenant', tenant.namespaceName, 'the tenant does not emit its Namespace (createNamespace: false), so no label can be added here',
        `label the namespace ${this.verifier.namespaceLabelKey}=${this.verifier.namespaceLabelValue} where it is created`);
    }
    tenant.namespaceObject.metadata.addLabel(this.verifier.namespaceLabelKey, this.verifier.namespaceLabelValue);
    this.optedIn.add(tenant.namespaceName);
    return tenant;
  }

  /**
   * The repositories (and `.../**` paths) verified, sorted: `images`, or the repositories of the
   * app's Wasm workloads as they are now.
   */
  public imagePatterns(): string[] {
    return this.patternsOf(wasmDeployments(this));
  }

  /** Whether an image reference (e.g. `ghcr.io/acme/hello:1.0`) is one this verification checks. */
  public covers(image: string): boolean {
    const repo = canonicalRepository(parseImage(image).repository);
    return this.imagePatterns().some(p => patternCovers(p, repo));
  }

  private patternsOf(deployments: readonly WasmDeployment[]): string[] {
    if (this.images) return [...this.images];
    const repos = new Set<string>();
    for (const w of deployments) {
      for (const c of w.wasmContainers) repos.add(parseImage(c.image).repository);
    }
    // Functions whose platform makes the pods (SpinKube, Knative, OpenFaaS) have no WasmDeployment.
    for (const f of this.node.root.node.findAll()) {
      if (f instanceof ServerlessFunction && !f.deployment) repos.add(parseImage(f.image).repository);
    }
    return [...repos].sort();
  }

  private validateImages(): string[] {
    if (this.imagePatterns().length > 0) return [];
    return [propMessage(this, 'images', undefined, 'the app has no WasmDeployment with a Wasm container, so there is no image to verify',
      'add the Wasm workloads to the app, or list the repositories in images')];
  }

  private warnWorkloads(): void {
    const deployments = wasmDeployments(this);
    const patterns = this.patternsOf(deployments);
    const covered = (image: string) => patterns.some(p => patternCovers(p, canonicalRepository(parseImage(image).repository)));
    const denyUnmatched = this.verifier instanceof builtIns(ImageVerifier).Sigstore;
    const { namespaceLabelKey: key, namespaceLabelValue: value } = this.verifier;
    // The Namespaces this app emits, and whether each is opted in (others are not known here).
    const optedIn = new Map<string, boolean>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1') optedIn.set(c.name, c.metadata.getLabel(key) === value);
    }
    for (const w of deployments) {
      const ns = namespaceOf(w);
      if (optedIn.get(ns) === false && w.wasmContainers.some(c => covered(c.image))) {
        warn(w, 'metadata.namespace', ns, `is a Namespace of this app without the label ${key}=${value}, so ${this.verifier.displayName} does not verify `
          + `the images ${this.node.path} lists for this workload`, `opt the namespace in with ${this.node.path}.optIn(namespace) or .optInTenant(tenant)`);
      }
      w.wasmContainers.forEach((c, i) => {
        if (!covered(c.image) || c.image.includes('@sha256:')) return;
        warn(w, `wasmContainers[${i}].image`, c.image, `is verified by ${this.node.path} (${this.verifier.displayName}) but not pinned by digest: the tag `
          + 'can be moved to another signed image of the repository, and each node may resolve it differently',
        'pin the image by digest ("...:1.0.0@sha256:<digest>", e.g. from `crane digest`)');
      });
      // policy-controller denies, in an opted-in namespace, every image that no policy matches.
      if (!denyUnmatched || !(this.optedIn.has(ns) || optedIn.get(ns) === true)) continue;
      const all: Array<[string, kplus.Container[]]> = [['initContainers', w.initContainers], ['containers', w.containers]];
      for (const [kind, containers] of all) {
        containers.forEach((c, i) => {
          if (covered(c.image)) return;
          warn(w, `${kind}[${i}].image`, c.image, `runs in namespace "${ns}", opted in to ${this.verifier.displayName} by ${this.node.path}, `
            + 'but no verified image pattern matches it, and policy-controller denies unmatched images (no-match-policy: deny)',
          `add its repository to ${this.node.path} images (or cover it with another ClusterImagePolicy)`);
        });
      }
    }
  }
}

/** The built-in verifier classes, made on first use (they extend the abstract class declared above). */
const BUILT_INS: { classes?: BuiltInVerifiers } = {};

interface BuiltInVerifiers {
  readonly Kyverno: new (key: string, value: string, options: KyvernoImageVerifierOptions) => ImageVerifier;
  readonly Sigstore: new () => ImageVerifier;
}

function builtIns(base: abstract new () => ImageVerifier): BuiltInVerifiers {
  if (BUILT_INS.classes) return BUILT_INS.classes;

  class Kyverno extends base {
    public readonly displayName = 'Kyverno';
    constructor(public readonly namespaceLabelKey: string, public readonly namespaceLabelValue: string,
      private readonly options: KyvernoImageVerifierOptions) {
      super();
    }

    public bind(v: WasmImageVerification): ApiObject[] {
      if (v.action === ImageVerificationAction.WARN) {
        throw propError(v, 'action', v.action, 'Kyverno has no warn action for verifyImages (failureAction is Enforce or Audit, and spec.emitWarning covers only mutate and validate rules)',
          'use ImageVerificationAction.AUDIT (failures go to PolicyReports) or ENFORCE');
      }
      v.authorities.forEach((a, i) => {
        const p = a._kyvernoProblem();
        if (p) throw propError(v, `authorities[${i}].${p.prop.replace(/^authorities\./, '')}`, p.value, p.problem, p.fix);
      });
      const audit = v.action === ImageVerificationAction.AUDIT;
      const o = this.options;
      const verifyImage = {
        imageReferences: Lazy.any({ produce: () => kyvernoImageReferences(v.imagePatterns()) }),
        failureAction: v.action,
        mutateDigest: audit ? false : o.mutateDigest ?? true,
        verifyDigest: o.verifyDigest ?? true,
        required: o.required ?? true,
        useCache: o.useCache ?? true,
        attestors: [{ count: 1, entries: v.authorities.map(a => a._toKyverno()) }],
      };
      const policy = new ApiObject(v, 'Resource', {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        spec: {
          rules: [{
            name: 'verify-wasm-image-signatures',
            match: {
              any: [{
                resources: {
                  kinds: ['Pod'],
                  namespaceSelector: { matchExpressions: [{ key: this.namespaceLabelKey, operator: 'In', values: [this.namespaceLabelValue] }] },
                },
              }],
            },
            verifyImages: [verifyImage],
          }],
          webhookConfiguration: o.webhookTimeout ? { timeoutSeconds: o.webhookTimeout.toSeconds() } : undefined,
        },
      });
      return [policy];
    }
  }

  class Sigstore extends base {
    public readonly displayName = 'sigstore policy-controller';
    public readonly namespaceLabelKey = SIGSTORE_INCLUDE_LABEL;
    public readonly namespaceLabelValue = 'true';

    public bind(v: WasmImageVerification): ApiObject[] {
      if (v.action === ImageVerificationAction.AUDIT) {
        throw propError(v, 'action', v.action, 'policy-controller has no audit mode (ClusterImagePolicy mode is enforce or warn)',
          'use ImageVerificationAction.WARN (admitted with a warning) or ENFORCE');
      }
      const authorities: ClusterImagePolicySpecAuthorities[] = v.authorities.map((a, i) => a._toSigstore(`authority-${i}`));
      const policy = new ClusterImagePolicy(v, 'Resource', {
        spec: {
          images: Lazy.any({ produce: () => sigstoreGlobs(v.imagePatterns()).map(glob => ({ glob })) }) as any,
          authorities,
          mode: v.action === ImageVerificationAction.WARN ? 'warn' : 'enforce',
        },
      });
      return [policy];
    }
  }

  BUILT_INS.classes = { Kyverno, Sigstore };
  return BUILT_INS.classes;
}

function wasmDeployments(scope: IConstruct): WasmDeployment[] {
  return scope.node.root.node.findAll().filter((c): c is WasmDeployment => c instanceof WasmDeployment);
}

function namespaceOf(w: WasmDeployment): string {
  return w.metadata.namespace ?? Chart.of(w).namespace ?? 'default';
}

function checkOptInLabel(where: string, key: unknown, value: unknown): void {
  if (typeof key !== 'string' || !isQualifiedName(key)) {
    throw propError(where, 'namespaceLabelKey', key, 'is not a label key (an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
      `use a key such as "${SIGSTORE_INCLUDE_LABEL}"`);
  }
  if (typeof value !== 'string' || value === '' || !isLabelValue(value)) {
    throw propError(where, 'namespaceLabelValue', value, 'is not a non-empty label value (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
      'use a value such as "true"');
  }
}

// A repository: [registry[:port]/]path, lower-case path components (the OCI distribution grammar).
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);
const REGISTRY_ONLY = /^[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?$/;

function checkImagePattern(scope: IConstruct, prop: string, pattern: unknown): void {
  const fix = 'use a repository such as "ghcr.io/acme/hello" (no tag or digest: every tag and digest of it is verified) or a path such as "ghcr.io/acme/**"';
  if (typeof pattern !== 'string') throw propError(scope, prop, pattern, 'is not a string', fix);
  if (pattern.endsWith('/**')) {
    const prefix = pattern.slice(0, -3);
    if (!REPOSITORY.test(prefix) && !(REGISTRY_ONLY.test(prefix) && isRegistry(prefix))) {
      throw propError(scope, prop, pattern, 'is not a registry or repository path followed by "/**"', fix);
    }
    if (canonicalPrefix(prefix) === 'index.docker.io/library') {
      throw propError(scope, prop, pattern, 'covers Docker Hub\'s official images, which Kyverno sees without "library/" (docker.io/nginx), so no pattern can hold them apart from the rest of Docker Hub',
        'list the official images one by one (e.g. "nginx"), or cover all of Docker Hub with "docker.io/**"');
    }
    return;
  }
  if (pattern.includes('*') || pattern.includes('?')) {
    throw propError(scope, prop, pattern, 'has a wildcard other than a trailing "/**"; Kyverno and policy-controller read "*" differently ("/" matches in one, not the other)', fix);
  }
  if (pattern.includes('@') || /:[^/]*$/.test(pattern.replace(/^[^/]*\//, ''))) {
    throw propError(scope, prop, pattern, 'names a tag or digest; the verification covers a repository (every tag and digest of it)', fix);
  }
  if (!REPOSITORY.test(pattern)) throw propError(scope, prop, pattern, 'is not a repository name', fix);
}

/** A registry host as go-containerregistry tells it: the first component has a "." or ":" (localhost is not one). */
function isRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':');
}

/** The repository of an image reference: without digest and tag. */
export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = base.lastIndexOf('/');
  const colon = base.indexOf(':', slash + 1);
  return { repository: colon >= 0 ? base.slice(0, colon) : base, tag: colon >= 0 ? base.slice(colon + 1) : undefined, digest };
}

/**
 * A repository as policy-controller names it (go-containerregistry `Repository.Name()`): the
 * registry is the first component if it has a "." or ":", else Docker Hub (`index.docker.io`,
 * which `docker.io` is rewritten to), where a one-component repository is under `library/`.
 *
 * @see https://github.com/google/go-containerregistry/blob/v0.21.3/pkg/name/repository.go#L79
 * @see https://github.com/google/go-containerregistry/blob/v0.21.3/pkg/name/registry.go#L121
 */
export function canonicalRepository(repository: string): string {
  const slash = repository.indexOf('/');
  let registry = 'index.docker.io';
  let path = repository;
  if (slash >= 0 && isRegistry(repository.slice(0, slash))) {
    registry = repository.slice(0, slash);
    path = repository.slice(slash + 1);
  }
  if (registry === 'docker.io') registry = 'index.docker.io';
  if (registry === 'index.docker.io' && !path.includes('/')) path = `library/${path}`;
  return `${registry}/${path}`;
}

/** The canonical path a `.../**` pattern covers (probed with a two-component repository under it). */
function canonicalPrefix(prefix: string): string {
  return canonicalRepository(`${prefix}/x/y`).slice(0, -'/x/y'.length);
}

function patternCovers(pattern: string, canonicalRepo: string): boolean {
  if (pattern.endsWith('/**')) return canonicalRepo.startsWith(`${canonicalPrefix(pattern.slice(0, -3))}/`);
  return canonicalRepository(pattern) === canonicalRepo;
}

/**
 * policy-controller globs: matched against the fully qualified reference (`registry/repo:tag` or
 * `registry/repo@sha256:...`, tag dropped when there is a digest), where `*` matches no "/" and
 * `**` anything. One glob for the tags and one for the digests of each repository.
 *
 * @see https://github.com/sigstore/policy-controller/blob/v0.15.1/pkg/apis/glob/glob.go#L37
 * @see https://github.com/google/go-containerregistry/blob/v0.21.3/pkg/name/digest.go#L102 (a tag beside a digest is dropped from Name())
 */
export function sigstoreGlobs(patterns: readonly string[]): string[] {
  const globs = new Set<string>();
  for (const p of patterns) {
    if (p.endsWith('/**')) {
      globs.add(`${canonicalPrefix(p.slice(0, -3))}/**`);
    } else {
      const repo = canonicalRepository(p);
      globs.add(`${repo}:*`);
      globs.add(`${repo}@*`);
    }
  }
  return [...globs].sort();
}

/**
 * Kyverno image references: matched (go-wildcard, `*` matches anything including "/") against
 * `registry/path:tag` or `registry/path@digest`, where Kyverno adds `docker.io/` to a reference
 * without a registry but does not add `library/` nor rewrite `index.docker.io`: a Docker Hub
 * repository gets a pattern for each way a pod may spell it.
 *
 * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/utils/image/infos.go#L34 (the matched string)
 * @see https://github.com/kyverno/kyverno/blob/v1.19.0/pkg/utils/image/infos.go#L103 (addDefaultRegistry)
 * @see https://github.com/IGLOU-EU/go-wildcard/blob/v1.0.3/wildcard.go#L37 (the matcher)
 */
export function kyvernoImageReferences(patterns: readonly string[]): string[] {
  const refs = new Set<string>();
  for (const p of patterns) {
    const prefix = p.endsWith('/**');
    const canonical = prefix ? canonicalPrefix(p.slice(0, -3)) : canonicalRepository(p);
    for (const spelling of kyvernoSpellings(canonical)) {
      if (prefix) {
        refs.add(`${spelling}/*`);
      } else {
        refs.add(`${spelling}:*`);
        refs.add(`${spelling}@*`);
      }
    }
  }
  return [...refs].sort();
}

function kyvernoSpellings(canonical: string): string[] {
  if (!canonical.startsWith('index.docker.io/') && canonical !== 'index.docker.io') return [canonical];
  const path = canonical.slice('index.docker.io'.length);
  const paths = [path];
  const official = /^\/library\/([^/]+)$/.exec(path);
  if (official) paths.push(`/${official[1]}`);
  const spellings = ['docker.io', 'index.docker.io'].flatMap(r => paths.map(p => `${r}${p}`));
  // "localhost/app" is Docker Hub's localhost/app to go-containerregistry (so to policy-controller),
  // but a registry to Kyverno: spell it that way too, so both verifiers cover the same images.
  if (path === '' || path === '/localhost' || path.startsWith('/localhost/')) spellings.push(path === '' ? 'localhost' : path.slice(1));
  return spellings;
}
