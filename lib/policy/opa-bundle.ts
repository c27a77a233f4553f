import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { BundleArchiveError, readBundleArchive } from './bundle-archive';
import { credentialInValue } from '../private/credentials';
import { checkDns1123Label, propError } from '../private/errors';
import { checkLabels, checkSafeAbsolutePath } from '../private/validate';
import { warn } from '../private/warnings';
import { yamlDocument } from '../private/yaml';
import { WasmDeployment } from '../wasm-deployment';

/**
 * The most a ConfigMap may hold: 1 MiB (1048576 bytes) over the decoded values of `data` and
 * `binaryData` together (k8s.io/kubernetes pkg/apis/core/validation/validation.go ValidateConfigMap:
 * `totalSize > core.MaxSecretSize`; pkg/apis/core/types.go `MaxSecretSize = 1 * 1024 * 1024`).
 */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

/**
 * Above this size a bundle ConfigMap no longer fits client-side `kubectl apply` (and Argo CD without
 * ServerSideApply): the last-applied-configuration annotation holds the whole object, base64 for
 * binaryData, and all annotations of an object are limited to 256 KiB (k8s.io/apimachinery
 * pkg/api/validation/objectmeta.go `TotalAnnotationSizeLimitB = 256 * (1 << 10)`).
 */
export const CLIENT_SIDE_APPLY_BUNDLE_BYTES = 180 * 1024;

/** Annotation with the SHA-256 of the bundle, on the bundle's ConfigMap (and the OPA config's for digest-pinned OCI bundles). */
export const OPA_BUNDLE_SHA256_ANNOTATION = 'cdk8s-wasm-edge.io/opa-bundle-sha256';

/** Annotation with the SHA-256 of the OPA configuration file, on its ConfigMap. */
export const OPA_CONFIG_SHA256_ANNOTATION = 'cdk8s-wasm-edge.io/opa-config-sha256';

/** Prefix of the pod template annotations `opa-bundle.cdk8s-wasm-edge.io/<bundle name>: <sha256>`. */
export const OPA_BUNDLE_POD_ANNOTATION_PREFIX = 'opa-bundle.cdk8s-wasm-edge.io';

/** Prefix of the pod template annotations `opa-config.cdk8s-wasm-edge.io/<bundle name>: <sha256>`. */
export const OPA_CONFIG_POD_ANNOTATION_PREFIX = 'opa-config.cdk8s-wasm-edge.io';

/** The OPA image of the bundle-service sidecar: the static build (no libc needed), a pinned release. */
export const OPA_IMAGE = 'openpolicyagent/opa:1.22.3-static';

/** The ConfigMap key of a bundle file. */
export const OPA_BUNDLE_FILE_KEY = 'bundle.tar.gz';

/** Longest bundle name: the names derived from it (`<name>-opa-config`, volume `opa-<name>-registry`) stay DNS labels. */
export const MAX_OPA_BUNDLE_NAME_LENGTH = 40;

/** Where a bundle comes from. */
export enum OpaBundleSourceType {
  /** A bundle file (`opa build` output) shipped in a ConfigMap. */
  FILE = 'file',
  /** An OCI artifact in a registry, pulled by OPA. */
  OCI = 'oci',
  /** Rego modules and data written in the app, shipped in a ConfigMap as a directory bundle. */
  INLINE = 'inline',
}

/** A small bundle written in the app: Rego modules and data. */
export interface OpaInlineBundleOptions {
  /** Rego modules by file name (a ConfigMap key ending in `.rego`, e.g. `policy.rego`). */
  readonly modules: { [fileName: string]: string };

  /**
   * The bundle's data document, written as `data.json` (keys sorted).
   *
   * @default - no data.json
   */
  readonly data?: { [key: string]: any };

  /**
   * The bundle revision, written as `.manifest` (`{"revision": ...}`): OPA reports it in its status.
   *
   * @default - no .manifest
   */
  readonly revision?: string;
}

const FROM_FILE = 'OpaBundleSource.fromFile';
const FROM_OCI = 'OpaBundleSource.fromOci';
const FROM_INLINE = 'OpaBundleSource.fromInline';

/** A ConfigMap key (k8s.io/apimachinery pkg/util/validation IsConfigMapKey), and no "..": the kubelet's own names start with it. */
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * An OCI reference with an explicit registry: `host[:port]/path[:tag][@sha256:<64 hex>]` (the
 * distribution/reference grammar; the path is lower-case components separated by "/").
 */
const OCI_REFERENCE = /^((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?)\/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@sha256:([a-f0-9]{64}))?$/;

/**
 * Where an OPA policy bundle comes from: a bundle file shipped in a ConfigMap (small bundles), an
 * OCI artifact OPA pulls from a registry (large ones), or Rego written inline.
 */
export class OpaBundleSource {
  /**
   * A bundle file, `opa build -t wasm -e <entrypoint> -o bundle.tar.gz <dir>` output (a gzipped tar
   * with /policy.wasm, /data.json, /.manifest). The bytes are read now and shipped in a ConfigMap's
   * `binaryData`, so the bundle must fit one (1 MiB).
   *
   * @param filePath the file; a relative path resolves against the working directory, so examples
   *   pass `path.join(__dirname, 'bundle.tar.gz')`
   */
  public static fromFile(filePath: string): OpaBundleSource {
    if (typeof filePath !== 'string' || filePath === '') {
      throw propError(FROM_FILE, 'filePath', filePath, 'is not a file path', 'pass the path of the bundle, e.g. path.join(__dirname, "bundle.tar.gz")');
    }
    const resolved = path.resolve(filePath);
    let stat: fs.Stats | undefined;
    let bytes: Buffer | undefined;
    let failure: string | undefined;
    try {
      stat = fs.statSync(resolved);
      if (stat.isFile()) bytes = fs.readFileSync(resolved);
    } catch (e) {
      failure = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    if (stat && !stat.isFile()) {
      throw propError(FROM_FILE, 'filePath', filePath, `is not a file (${resolved})`, 'pass the bundle file that "opa build -o bundle.tar.gz" wrote, not its directory');
    }
    if (bytes === undefined) {
      throw propError(FROM_FILE, 'filePath', filePath, `cannot be read (${resolved}: ${failure})`,
        `build it first (opa build -t wasm -e <package/rule> -o ${path.basename(filePath)} <policy dir>); relative paths resolve against ${process.cwd()}, so pass path.join(__dirname, "...")`);
    }
    if (bytes.length > MAX_CONFIGMAP_BYTES) {
      throw propError(FROM_FILE, 'filePath', filePath, `is ${bytes.length} bytes: a ConfigMap holds at most ${MAX_CONFIGMAP_BYTES} bytes (1 MiB, Kubernetes ValidateConfigMap)`,
        'push the bundle to the site\'s registry as an OCI artifact (oras push <registry>/<repo>:<version> bundle.tar.gz:application/vnd.oci.image.layer.v1.tar+gzip) '
        + 'and use OpaBundleSource.fromOci("<registry>/<repo>@sha256:<digest>")');
    }
    let info;
    try {
      info = readBundleArchive(bytes);
    } catch (e) {
      if (!(e instanceof BundleArchiveError)) throw e;
      throw propError(FROM_FILE, 'filePath', filePath, `is not an OPA bundle: it ${e.message}`,
        'pass the gzipped tar that "opa build -t wasm -e <package/rule> -o bundle.tar.gz <policy dir>" writes');
    }
    return new OpaBundleSource({
      type: OpaBundleSourceType.FILE,
      filePath: resolved,
      sha256: sha256(bytes),
      sizeBytes: bytes.length,
      files: info.files,
      revision: info.revision,
      wasmEntrypoints: info.wasmEntrypoints,
      binaryData: { [OPA_BUNDLE_FILE_KEY]: bytes.toString('base64') },
      data: {},
    });
  }

  /**
   * A bundle in an OCI registry (`registry/repository@sha256:<digest>`, or `:tag`), pulled by OPA
   * (`OpaBundleReload.bundleService()`). Prefer a digest: a tag can change without a commit, so the
   * rollout would not show in GitOps diffs (the library warns). OPA takes the first layer of media
   * type `application/vnd.oci.image.layer.v1.tar+gzip` as the bundle (v1/download/oci_download.go
   * download): push it with that type.
   */
  public static fromOci(reference: string): OpaBundleSource {
    if (typeof reference !== 'string' || reference === '') {
      throw propError(FROM_OCI, 'reference', reference, 'is not an OCI reference', 'pass "<registry>/<repository>@sha256:<digest>"');
    }
    const why = credentialInValue(reference);
    if (why !== undefined || /^[^/]*@/.test(reference)) {
      throw propError(FROM_OCI, 'reference', '<redacted>', `${why ?? 'it carries a user name before the registry'}; generated files are not Secrets`,
        'drop the credentials from the reference and pass them with OpaBundleReload.bundleService({ credentials: OpaRegistryCredentials.fromSecret(secret) })');
    }
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(reference);
    if (scheme) {
      throw propError(FROM_OCI, 'reference', reference, `starts with a scheme (${scheme[0]}): OPA's bundle resource is a plain image reference`,
        `pass "${reference.slice(scheme[0].length)}"`);
    }
    const m = OCI_REFERENCE.exec(reference);
    const host = m?.[1];
    if (!m || !host || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
      throw propError(FROM_OCI, 'reference', reference,
        'is not an OCI reference with a registry host (registry[:port]/repository[:tag][@sha256:<64 hex digits>], lower-case repository)',
        'pass e.g. "registry.example.com/policies/line-alarms@sha256:<digest>" (oras push prints the digest)');
    }
    return new OpaBundleSource({
      type: OpaBundleSourceType.OCI,
      reference,
      registryHost: host,
      tag: m[4] === undefined ? (m[3] ?? 'latest') : m[3],
      sha256: m[4],
      files: [],
      wasmEntrypoints: [],
      binaryData: {},
      data: {},
    });
  }

  /**
   * Rego modules and data written in the app, shipped in a ConfigMap as a directory bundle (one file
   * per key): for small policies a workload evaluates from source (e.g. with regorus) or compiles
   * itself. The whole must fit a ConfigMap (1 MiB).
   */
  public static fromInline(options: OpaInlineBundleOptions): OpaBundleSource {
    const modules = options?.modules;
    if (modules === null || typeof modules !== 'object' || Array.isArray(modules) || Object.keys(modules).length === 0) {
      throw propError(FROM_INLINE, 'modules', modules, 'must name at least one Rego module', 'pass modules: { "policy.rego": "package ...\\n" }');
    }
    const data: { [key: string]: string } = {};
    for (const name of Object.keys(modules).sort()) {
      const text = modules[name];
      if (!name.endsWith('.rego') || name.length > 253 || !CONFIGMAP_KEY.test(name) || name.startsWith('..')) {
        throw propError(FROM_INLINE, `modules["${name}"]`, name, 'is not a Rego file name that can be a ConfigMap key (letters, digits, "-", "_", ".", ending in ".rego", not starting with "..")',
          'use a name such as "policy.rego"');
      }
      if (typeof text !== 'string' || !/^\s*package\s/m.test(text)) {
        throw propError(FROM_INLINE, `modules["${name}"]`, typeof text === 'string' ? text.slice(0, 60) : text, 'is not a Rego module (it has no package declaration)',
          'start the module with "package <path>"');
      }
      data[name] = text;
    }
    if (options.data !== undefined) {
      if (options.data === null || typeof options.data !== 'object' || Array.isArray(options.data)) {
        throw propError(FROM_INLINE, 'data', options.data, 'is not a JSON object (OPA merges data.json at the bundle root)', 'pass an object such as { thresholds: { max: 85 } }');
      }
      data['data.json'] = canonicalJson(FROM_INLINE, 'data', options.data) + '\n';
    }
    if (options.revision !== undefined) {
      // eslint-disable-next-line no-control-regex
      if (typeof options.revision !== 'string' || options.revision.length > 1024 || /[\u0000-\u001f]/.test(options.revision)) {
        throw propError(FROM_INLINE, 'revision', options.revision, 'is not a single-line string of at most 1024 characters', 'use e.g. a Git commit or a version such as "2026-12-01"');
      }
      data['.manifest'] = JSON.stringify({ revision: options.revision }) + '\n';
    }
    const size = Object.values(data).reduce((n, v) => n + Buffer.byteLength(v, 'utf-8'), 0);
    if (size > MAX_CONFIGMAP_BYTES) {
      throw propError(FROM_INLINE, 'modules', `${size} bytes`, `a ConfigMap holds at most ${MAX_CONFIGMAP_BYTES} bytes (1 MiB, Kubernetes ValidateConfigMap)`,
        'build a bundle (opa build -t wasm) and push it to the site\'s registry, then use OpaBundleSource.fromOci("<registry>/<repo>@sha256:<digest>")');
    }
    const keys = Object.keys(data).sort();
    return new OpaBundleSource({
      type: OpaBundleSourceType.INLINE,
      // Keys and values, NUL-separated: one digest for the whole directory, independent of key order.
      sha256: sha256(Buffer.from(keys.map(k => `${k}\0${data[k]}\0`).join(''), 'utf-8')),
      sizeBytes: size,
      files: keys.map(k => `/${k}`),
      revision: options.revision,
      wasmEntrypoints: [],
      binaryData: {},
      data,
    });
  }

  /** Where the bundle comes from. */
  public readonly type: OpaBundleSourceType;
  /**
   * SHA-256 (hex) of the bundle: of the file, of the inline files (keys and values), or the digest
   * of a digest-pinned OCI reference. Undefined for an OCI tag.
   */
  public readonly sha256?: string;
  /** Size in bytes of what the ConfigMap holds (file and inline sources). */
  public readonly sizeBytes?: number;
  /** The resolved file path (file source). */
  public readonly filePath?: string;
  /** The OCI reference (OCI source). */
  public readonly reference?: string;
  /** The registry host of the OCI reference, with its port (OCI source). */
  public readonly registryHost?: string;
  /** The tag of the OCI reference, when it has one (`latest` when it has neither tag nor digest). */
  public readonly tag?: string;
  /** The files of the bundle, sorted, with a leading "/" (empty for an OCI source: not known at synth). */
  public readonly files: string[];
  /** The bundle revision from its `.manifest`, if any. */
  public readonly revision?: string;
  /** The Wasm entrypoints the bundle's manifest declares (file source), sorted. */
  public readonly wasmEntrypoints: string[];

  /** @internal */
  public readonly _data: { [key: string]: string };
  /** @internal */
  public readonly _binaryData: { [key: string]: string };

  private constructor(props: {
    type: OpaBundleSourceType;
    sha256?: string;
    sizeBytes?: number;
    filePath?: string;
    reference?: string;
    registryHost?: string;
    tag?: string;
    files: string[];
    revision?: string;
    wasmEntrypoints: string[];
    data: { [key: string]: string };
    binaryData: { [key: string]: string };
  }) {
    this.type = props.type;
    this.sha256 = props.sha256;
    this.sizeBytes = props.sizeBytes;
    this.filePath = props.filePath;
    this.reference = props.reference;
    this.registryHost = props.registryHost;
    this.tag = props.tag;
    this.files = props.files;
    this.revision = props.revision;
    this.wasmEntrypoints = props.wasmEntrypoints;
    this._data = props.data;
    this._binaryData = props.binaryData;
  }
}

/** Registry credentials for OPA's OCI downloader, read from a Secret mounted into the OPA sidecar. */
export interface OpaRegistryCredentialsOptions {
  /**
   * The Secret key holding the token. OPA base64-encodes it for OCI services before it sends
   * `Authorization: <scheme> <token>` (v1/plugins/rest/auth.go bearerAuthPlugin.Prepare), so for
   * `Basic` the key holds `user:password` in plain text.
   *
   * @default 'token'
   */
  readonly key?: string;

  /**
   * The authorization scheme (`credentials.bearer.scheme`).
   *
   * @default 'Bearer' (OPA's default, auth.go bearerAuthPlugin.NewClient)
   */
  readonly scheme?: string;
}

/** Credentials for the registry a bundle service pulls from: only ever a Secret reference. */
export class OpaRegistryCredentials {
  /**
   * A token in a Secret, created out of band (Sealed Secrets, SOPS): OPA reads it from the mounted
   * file on every request (`credentials.bearer.token_path`), so a rotated Secret needs no restart.
   */
  public static fromSecret(secret: kplus.ISecret, options: OpaRegistryCredentialsOptions = {}): OpaRegistryCredentials {
    if (!secret || typeof (secret as kplus.ISecret).name !== 'string') {
      throw propError('OpaRegistryCredentials.fromSecret', 'secret', secret, 'is not a Secret', 'pass kplus.Secret.fromSecretName(this, "RegistryToken", "opa-registry")');
    }
    const key = options.key ?? 'token';
    if (typeof key !== 'string' || key.length > 253 || !CONFIGMAP_KEY.test(key) || key.startsWith('..')) {
      throw propError('OpaRegistryCredentials.fromSecret', 'key', key, 'is not a Secret key (letters, digits, "-", "_", ".")', 'use a key such as "token"');
    }
    const scheme = options.scheme ?? 'Bearer';
    if (typeof scheme !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,31}$/.test(scheme)) {
      throw propError('OpaRegistryCredentials.fromSecret', 'scheme', scheme, 'is not an HTTP authorization scheme', 'use "Bearer" or "Basic"');
    }
    return new OpaRegistryCredentials(secret, key, scheme);
  }

  private constructor(
    /** The Secret. */
    public readonly secret: kplus.ISecret,
    /** The Secret key holding the token. */
    public readonly key: string,
    /** The authorization scheme. */
    public readonly scheme: string,
  ) {}
}

/** How the workload picks up a new bundle. */
export enum OpaReloadType {
  /** The ConfigMap is mounted as a whole directory, which the kubelet updates in place. */
  FILE_WATCH = 'file-watch',
  /** An OPA sidecar polls a registry (OPA's `bundles` service) and writes each new bundle to a shared directory. */
  BUNDLE_SERVICE = 'bundle-service',
}

/** Options of `OpaBundleReload.fileWatch()`. */
export interface OpaFileWatchOptions {
  /**
   * Also put the bundle's SHA-256 on the pod template, so a new bundle restarts the pods (for a
   * workload that reads the policy only at start). Off, the pods keep running and reload in place;
   * the checksum is on the ConfigMap only, where GitOps diffs show it.
   *
   * @default false
   */
  readonly rolloutOnChange?: boolean;
}

/** Options of `OpaBundleReload.bundleService()`. */
export interface OpaBundleServiceOptions {
  /**
   * The registry OPA pulls from (`services.<name>.url`): the site's registry or mirror, `https://`
   * (or `http://` for a plain-HTTP mirror on the node network).
   *
   * @default - https:// and the registry host of the OCI reference
   */
  readonly registryUrl?: string;

  /**
   * Least time between two polls (`bundles.<name>.polling.min_delay_seconds`), whole seconds.
   *
   * @default Duration.seconds(60) (OPA's default, v1/download/config.go defaultMinDelaySeconds)
   */
  readonly minDelay?: Duration;

  /**
   * Most time between two polls (`polling.max_delay_seconds`), whole seconds, at least `minDelay`:
   * OPA waits a random time between the two, and backs off up to it after a failure.
   *
   * @default Duration.seconds(120) (OPA's default, v1/download/config.go defaultMaxDelaySeconds)
   */
  readonly maxDelay?: Duration;

  /**
   * Keep the last activated bundle on disk (`bundles.<name>.persist`), so an OPA restart while the
   * registry is unreachable (an offline edge site) starts from it. The workload reads the bundle
   * from that copy, so it is required.
   *
   * @default true
   */
  readonly persist?: boolean;

  /**
   * Registry credentials, from a Secret.
   *
   * @default - anonymous pulls
   */
  readonly credentials?: OpaRegistryCredentials;

  /**
   * The OPA image of the sidecar.
   *
   * @default OPA_IMAGE
   */
  readonly opaImage?: string;

  /**
   * Resources of the OPA sidecar.
   *
   * @default - requests 50m CPU / 64Mi, limits 500m CPU / 256Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/** How the workload picks up a new bundle: file watch, or OPA's bundle service. */
export class OpaBundleReload {
  /**
   * The bundle ConfigMap mounted as a whole directory (no subPath): the kubelet swaps the files in
   * place (an atomic `..data` symlink switch) within about a minute of a change, and the pod keeps
   * running. The workload polls the file (WASI has no inotify), or runs `opa run --watch` on the
   * directory (OPA reloads on create/write/remove/rename events under the paths it watches,
   * v1/runtime/runtime.go readWatcher). OPA's own `file://` bundle resource reads the file once at
   * start and never again (v1/plugins/bundle/plugin.go fileLoader.Start): it is not a reload.
   */
  public static fileWatch(options: OpaFileWatchOptions = {}): OpaBundleReload {
    return new OpaBundleReload(OpaReloadType.FILE_WATCH, options, {});
  }

  /**
   * An OPA sidecar (`opa run --server --addr=localhost:<port>`) pulls the bundle from the registry with
   * OPA's `bundles` service (type `oci`) and persists each activated bundle to
   * `<persistence_directory>/bundles/<name>/bundle.tar.gz` (v1/plugins/bundle/plugin.go
   * saveBundleToDisk: a temporary file, then a rename), a shared emptyDir the workload mounts
   * read-only and polls. The workload may also query the sidecar on localhost (`opaUrl` of the
   * attachment: port 8181, 8182 for a second bundle service on the same workload, ...).
   *
   * The sidecar is a Linux container: crun runs it beside the Wasm ones with `compat-smart` (the
   * WasmDeployment sets it), the runwasi WasmEdge and Wasmtime shims with their Linux executor
   * (containerd/runwasi#156).
   */
  public static bundleService(options: OpaBundleServiceOptions = {}): OpaBundleReload {
    return new OpaBundleReload(OpaReloadType.BUNDLE_SERVICE, {}, options);
  }

  /** The reload mechanism. */
  public readonly type: OpaReloadType;
  /** @internal */
  public readonly _fileWatch: OpaFileWatchOptions;
  /** @internal */
  public readonly _service: OpaBundleServiceOptions;

  private constructor(type: OpaReloadType, fileWatch: OpaFileWatchOptions, service: OpaBundleServiceOptions) {
    this.type = type;
    this._fileWatch = fileWatch;
    this._service = service;
  }
}

/** Props of an OpaBundle. */
export interface OpaBundleProps {
  /** Where the bundle comes from. */
  readonly source: OpaBundleSource;

  /**
   * How the workload picks up a new bundle. A ConfigMap source (file, inline) is reloaded by file
   * watch; an OCI source only by the bundle service.
   *
   * @default - OpaBundleReload.fileWatch() for file and inline sources, OpaBundleReload.bundleService() for OCI
   */
  readonly reload?: OpaBundleReload;

  /**
   * The bundle's name: the ConfigMap's name (file, inline) or `<name>-opa-config` (OCI), and the
   * OPA `bundles` key. A DNS-1123 label of at most 40 characters.
   *
   * @default - the construct id
   */
  readonly bundleName?: string;

  /**
   * Labels of the ConfigMap.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/** Options of `OpaBundle.attachTo()`. */
export interface OpaBundleAttachOptions {
  /**
   * Where the workload's containers see the bundle (a directory).
   *
   * @default '/policy'
   */
  readonly mountPath?: string;

  /**
   * The containers that read the bundle.
   *
   * @default - every Wasm container of the workload
   */
  readonly containers?: kplus.Container[];
}

/** What `OpaBundle.attachTo()` added to a workload. */
export interface OpaBundleAttachment {
  /** The volumes added to the pod. */
  readonly volumes: kplus.Volume[];
  /** The directory the workload's containers see. */
  readonly mountPath: string;
  /**
   * Where the workload reads the bundle: `<mountPath>/bundle.tar.gz` (file source), the directory
   * itself (inline source), or `<mountPath>/bundles/<name>/bundle.tar.gz` (bundle service; it
   * appears once the sidecar has activated the first bundle).
   */
  readonly bundlePath: string;
  /** The annotations added to the pod template. */
  readonly podAnnotations: { [key: string]: string };
  /** The OPA sidecar (bundle service). */
  readonly sidecar?: kplus.Container;
  /** Where the workload reaches the OPA sidecar's REST API (bundle service), e.g. `http://localhost:8181`. */
  readonly opaUrl?: string;
}

/** OPA's default REST API port; each further bundle-service sidecar of a pod takes the next one. */
export const OPA_PORT = 8181;

/** The bundle names taken in each chart: two bundles of one name would write one ConfigMap twice. */
const NAMES = new WeakMap<Chart, Set<string>>();

/** The bundle-service sidecars already in each workload: they share the pod's network namespace. */
const SIDECARS = new WeakMap<WasmDeployment, number>();

/** Where the OPA sidecar finds its configuration, its data directory and the registry token. */
const OPA_CONFIG_DIR = '/etc/opa';
const OPA_CONFIG_FILE = 'config.yaml';
const OPA_PERSISTENCE_DIR = '/var/opa';
const OPA_REGISTRY_SECRET_DIR = '/var/run/secrets/opa-registry';
/** Largest poll delay: OPA scales seconds to a Go time.Duration (int64 nanoseconds). */
const MAX_DELAY_SECONDS = 9_223_372_036;

/**
 * A compiled OPA policy bundle shipped to Wasm workloads, with the reload mechanism they use and
 * checksums that make every policy rollout visible in GitOps diffs.
 *
 * - File and inline sources: a ConfigMap (`binaryData` `bundle.tar.gz`, or one key per file) with
 *   the bundle's SHA-256 in the `cdk8s-wasm-edge.io/opa-bundle-sha256` annotation.
 * - OCI source: a ConfigMap `<name>-opa-config` with the OPA configuration (`services` of type
 *   `oci`, `bundles.<name>` with polling and persistence) for an OPA sidecar.
 *
 * @see https://www.openpolicyagent.org/docs/management-bundles
 * @see https://github.com/open-policy-agent/opa/blob/main/v1/plugins/bundle/config.go
 */
export class OpaBundle extends Construct {
  /** Where the bundle comes from. */
  public readonly source: OpaBundleSource;
  /** How the workload picks up a new bundle. */
  public readonly reload: OpaBundleReload;
  /** The bundle's name. */
  public readonly bundleName: string;
  /** The ConfigMap: the bundle's (file, inline) or the OPA configuration's (OCI). */
  public readonly configMap: kplus.ConfigMap;
  /** The OPA configuration file (bundle service), as written into the ConfigMap. */
  public readonly opaConfig?: string;
  /** SHA-256 of the bundle (undefined for an OCI tag). */
  public readonly sha256?: string;

  private readonly attached = new Set<WasmDeployment>();

  constructor(scope: Construct, id: string, props: OpaBundleProps) {
    super(scope, id);
    if (!(props?.source instanceof OpaBundleSource)) {
      throw propError(this, 'source', props?.source, 'is not an OpaBundleSource', 'use OpaBundleSource.fromFile(path), fromOci(reference) or fromInline({ modules })');
    }
    const source = props.source;
    const bundleName = props.bundleName ?? id;
    if (typeof bundleName !== 'string') throw propError(this, 'bundleName', bundleName, 'is not a string', 'use a DNS-1123 label such as "line-policy"');
    checkDns1123Label(this, 'bundleName', bundleName);
    if (bundleName.length > MAX_OPA_BUNDLE_NAME_LENGTH) {
      throw propError(this, 'bundleName', bundleName, `is longer than ${MAX_OPA_BUNDLE_NAME_LENGTH} characters (the ConfigMap, volume and container names derived from it must stay DNS labels)`,
        `use a shorter name such as "${bundleName.slice(0, MAX_OPA_BUNDLE_NAME_LENGTH).replace(/-+$/, '')}"`);
    }
    const chart = Chart.of(this);
    const taken = NAMES.get(chart) ?? new Set<string>();
    if (taken.has(bundleName)) {
      throw propError(this, 'bundleName', bundleName, `is already the name of another OpaBundle in chart ${chart.node.path} (both would write the ConfigMap of that name)`,
        'give each bundle its own bundleName');
    }
    taken.add(bundleName);
    NAMES.set(chart, taken);
    checkLabels(this, 'labels', props.labels);
    const isOci = source.type === OpaBundleSourceType.OCI;
    const reload = props.reload ?? (isOci ? OpaBundleReload.bundleService() : OpaBundleReload.fileWatch());
    if (!(reload instanceof OpaBundleReload)) {
      throw propError(this, 'reload', reload, 'is not an OpaBundleReload', 'use OpaBundleReload.fileWatch() or OpaBundleReload.bundleService()');
    }
    if (isOci && reload.type !== OpaReloadType.BUNDLE_SERVICE) {
      throw propError(this, 'reload', reload.type, 'an OCI bundle is not in the cluster: nothing would put it in a directory to watch',
        'use OpaBundleReload.bundleService() (an OPA sidecar pulls it), or ship a small bundle with OpaBundleSource.fromFile()');
    }
    if (!isOci && reload.type !== OpaReloadType.FILE_WATCH) {
      throw propError(this, 'reload', reload.type, `a ${source.type} bundle is shipped in a ConfigMap, not served by a registry (OPA's file:// resource is read once at start)`,
        'use OpaBundleReload.fileWatch(), or push the bundle to a registry and use OpaBundleSource.fromOci()');
    }
    this.source = source;
    this.reload = reload;
    this.bundleName = bundleName;
    this.sha256 = source.sha256;

    const annotations: { [key: string]: string } = {};
    if (source.sha256) annotations[OPA_BUNDLE_SHA256_ANNOTATION] = source.sha256;
    if (isOci) {
      this.opaConfig = this.renderOpaConfig();
      annotations[OPA_CONFIG_SHA256_ANNOTATION] = sha256(Buffer.from(this.opaConfig, 'utf-8'));
      if (!source.sha256) {
        warn(this, 'source', source.reference, `is a tag (${source.tag}): the registry can change the bundle without a commit, so a rollout does not show in GitOps diffs and sites may run different policies`,
          'pin the digest: OpaBundleSource.fromOci("<registry>/<repo>@sha256:<digest>") (oras push prints it)');
      }
    } else if (source.sizeBytes! > CLIENT_SIDE_APPLY_BUNDLE_BYTES) {
      warn(this, 'source', `${source.sizeBytes} bytes`, 'client-side kubectl apply (and Argo CD without ServerSideApply=true) copies the ConfigMap into the last-applied-configuration annotation, and annotations are limited to 256 KiB',
        'apply with server-side apply (kubectl apply --server-side, Flux, Argo CD syncOptions ServerSideApply=true), or ship the bundle from a registry with OpaBundleSource.fromOci()');
    }
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: isOci ? `${bundleName}-opa-config` : bundleName, annotations, labels: props.labels },
      data: isOci ? { [OPA_CONFIG_FILE]: this.opaConfig! } : source._data,
      binaryData: isOci ? undefined : source._binaryData,
    });
  }

  /** The Kubernetes objects of the bundle (its ConfigMap). */
  public get apiObjects(): ApiObject[] {
    return [ApiObject.of(this.configMap)];
  }

  /**
   * Ships the bundle to a workload: mounts it into the containers that read it (every Wasm container
   * by default) and adds the checksum annotations; for the bundle service also the OPA sidecar, its
   * configuration, a shared emptyDir and the registry Secret (in the sidecar only), and, when the
   * workload is isolated, egress to the registry and DNS.
   *
   * @returns what it added
   */
  public attachTo(workload: WasmDeployment, options: OpaBundleAttachOptions = {}): OpaBundleAttachment {
    if (!(workload instanceof WasmDeployment)) {
      throw propError(this, 'attachTo.workload', workload, 'is not a WasmDeployment', 'pass a WasmDeployment');
    }
    if (this.attached.has(workload)) {
      throw propError(this, 'attachTo.workload', workload.node.path, 'already has this bundle', 'attach a bundle once per workload');
    }
    const mountPath = options.mountPath ?? '/policy';
    checkSafeAbsolutePath(this, 'attachTo.mountPath', mountPath, '/policy');
    const containers = options.containers ?? workload.wasmContainers;
    if (containers.length === 0) {
      throw propError(this, 'attachTo.containers', [], `${workload.node.path} has no Wasm container to read the bundle yet`,
        'attach the bundle after adding the Wasm containers (wasmContainers or addWasmContainer()), or pass containers');
    }
    for (const c of containers) {
      if (!workload.containers.includes(c)) {
        throw propError(this, 'attachTo.containers', c?.name, `is not a container of ${workload.node.path}`, 'pass containers of the workload');
      }
      if (c.mounts.some(m => m.path === mountPath)) {
        throw propError(this, 'attachTo.mountPath', mountPath, `container "${c.name}" already mounts a volume there (the API server refuses two mounts on one path)`,
          'choose another mountPath, e.g. "/policy/<bundle name>"');
      }
    }
    this.attached.add(workload);
    const podAnnotations: { [key: string]: string } = {};
    const annotate = (prefix: string, value: string | undefined) => {
      if (value === undefined) return;
      const key = `${prefix}/${this.bundleName}`;
      podAnnotations[key] = value;
      workload.podMetadata.addAnnotation(key, value);
    };

    if (this.reload.type === OpaReloadType.FILE_WATCH) {
      // A whole-directory mount: the kubelet updates it in place (a subPath mount never would).
      const volume = kplus.Volume.fromConfigMap(workload, `opa-bundle-${this.bundleName}`, this.configMap, { name: `opa-${this.bundleName}` });
      for (const c of containers) c.mount(mountPath, volume, { readOnly: true });
      // On the pod template only on request: it would restart the pods on every policy change.
      if (this.reload._fileWatch.rolloutOnChange) annotate(OPA_BUNDLE_POD_ANNOTATION_PREFIX, this.sha256);
      const bundlePath = this.source.type === OpaBundleSourceType.FILE ? `${mountPath}/${OPA_BUNDLE_FILE_KEY}` : mountPath;
      return { volumes: [volume], mountPath, bundlePath, podAnnotations };
    }

    const service = this.reload._service;
    const configVolume = kplus.Volume.fromConfigMap(workload, `opa-config-${this.bundleName}`, this.configMap, { name: `opa-${this.bundleName}-config` });
    const dataVolume = kplus.Volume.fromEmptyDir(workload, `opa-data-${this.bundleName}`, `opa-${this.bundleName}-data`, { sizeLimit: Size.mebibytes(256) });
    const volumes = [configVolume, dataVolume];
    const port = OPA_PORT + (SIDECARS.get(workload) ?? 0);
    SIDECARS.set(workload, (SIDECARS.get(workload) ?? 0) + 1);
    const sidecar = workload.addContainer({
      name: `opa-${this.bundleName}`,
      image: service.opaImage ?? OPA_IMAGE,
      // localhost only: the pod's own containers query it; the telemetry check would phone home.
      args: ['run', '--server', `--addr=localhost:${port}`, `--config-file=${OPA_CONFIG_DIR}/${OPA_CONFIG_FILE}`, '--disable-telemetry'],
      resources: service.resources ?? {
        cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
    });
    sidecar.mount(OPA_CONFIG_DIR, configVolume, { readOnly: true });
    sidecar.mount(OPA_PERSISTENCE_DIR, dataVolume);
    if (service.credentials) {
      const secretVolume = kplus.Volume.fromSecret(workload, `opa-registry-${this.bundleName}`, service.credentials.secret,
        { name: `opa-${this.bundleName}-registry`, defaultMode: 0o440 });
      sidecar.mount(OPA_REGISTRY_SECRET_DIR, secretVolume, { readOnly: true });
      volumes.push(secretVolume);
    }
    for (const c of containers) c.mount(mountPath, dataVolume, { readOnly: true });
    // OPA reads its configuration only at start: a changed configuration (a new digest) must roll the pods.
    annotate(OPA_CONFIG_POD_ANNOTATION_PREFIX, sha256(Buffer.from(this.opaConfig!, 'utf-8')));
    annotate(OPA_BUNDLE_POD_ANNOTATION_PREFIX, this.sha256);
    // isolate is protected in cdk8s-plus; an isolated workload (deny-all) would keep OPA from the registry.
    if ((workload as unknown as { isolate: boolean }).isolate) {
      const registry = new URL(this.registryUrl());
      const registryPort = Number(registry.port || (registry.protocol === 'http:' ? 80 : 443));
      workload.connections.allowTo(kplus.NetworkPolicyIpBlock.anyIpv4(workload, `opa-registry-egress-${this.bundleName}`), {
        ports: [kplus.NetworkPolicyPort.tcp(registryPort), kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)],
        isolation: kplus.PodConnectionsIsolation.POD,
      });
    }
    return { volumes, mountPath, bundlePath: `${mountPath}/bundles/${this.bundleName}/bundle.tar.gz`, podAnnotations, sidecar, opaUrl: `http://localhost:${port}` };
  }

  private registryUrl(): string {
    return this.reload._service.registryUrl ?? `https://${this.source.registryHost}`;
  }

  /**
   * OPA's configuration, read in github:open-policy-agent/opa (v1.x):
   * - v1/plugins/bundle/config.go (commit 01c474da) `Source`: `service`, `resource`, `persist`,
   *   `size_limit_bytes` and the embedded `download.Config`; a `file://` resource skips the service.
   * - v1/download/config.go (commit 0fd24f4f): `polling.min_delay_seconds` / `max_delay_seconds`
   *   (lines 28-29), defaults 60 / 120 (lines 16-17), both or neither (lines 65-68), max >= min
   *   (lines 59-61: "max polling delay must be >= min polling delay"), scaled to a Go time.Duration
   *   from seconds (line 72). Both are always written: OCI downloaders of some releases read the
   *   user values directly (v1/download/oci_download.go loop).
   * - v1/plugins/rest/rest.go `Config`: `url`, `type`, `credentials.bearer` {`token_path`, `scheme`}.
   * - v1/plugins/bundle/plugin.go (commit 0181fd1d) newDownloader: for type `oci` the resource is
   *   the full image reference and the OCI store is `<persistence_directory>/oci` (else /tmp/opa/oci,
   *   on the read-only root filesystem); saveBundleToDisk writes `<persistence_directory>/bundles/<name>/bundle.tar.gz`.
   * - v1/config/config.go `persistence_directory`.
   */
  private renderOpaConfig(): string {
    const s = this.reload._service;
    const where = 'reload';
    const registryUrl = this.registryUrl();
    checkRegistryUrl(this, `${where}.registryUrl`, registryUrl);
    const minDelay = delaySeconds(this, `${where}.minDelay`, s.minDelay ?? Duration.seconds(60));
    const maxDelay = delaySeconds(this, `${where}.maxDelay`, s.maxDelay ?? Duration.seconds(120));
    if (maxDelay < minDelay) {
      throw propError(this, `${where}.maxDelay`, `${maxDelay}s`, `is shorter than minDelay (${minDelay}s): OPA refuses the configuration ("max polling delay must be >= min polling delay", v1/download/config.go)`,
        `set maxDelay to at least Duration.seconds(${minDelay})`);
    }
    const persist = s.persist ?? true;
    if (persist !== true) {
      throw propError(this, `${where}.persist`, persist, 'the workload reads the bundle OPA persists; without persist it would never see one',
        'leave persist at its default (true)');
    }
    if (s.credentials !== undefined && !(s.credentials instanceof OpaRegistryCredentials)) {
      throw propError(this, `${where}.credentials`, '<redacted>', 'is not an OpaRegistryCredentials (credentials are never written inline)',
        'use OpaRegistryCredentials.fromSecret(kplus.Secret.fromSecretName(this, "RegistryToken", "opa-registry"))');
    }
    const service: { [key: string]: unknown } = { type: 'oci', url: registryUrl };
    if (s.credentials) {
      service.credentials = { bearer: { scheme: s.credentials.scheme, token_path: `${OPA_REGISTRY_SECRET_DIR}/${s.credentials.key}` } };
    }
    const config = {
      bundles: {
        [this.bundleName]: {
          persist: true,
          polling: { max_delay_seconds: maxDelay, min_delay_seconds: minDelay },
          resource: this.source.reference,
          service: 'registry',
        },
      },
      persistence_directory: OPA_PERSISTENCE_DIR,
      services: { registry: service },
    };
    return yamlDocument(sortKeys(config));
  }
}

/** A registry URL: http(s), a host, nothing else (no user info, query or fragment). */
function checkRegistryUrl(scope: Construct, prop: string, value: string): void {
  const why = typeof value === 'string' ? credentialInValue(value) : undefined;
  if (why !== undefined || (typeof value === 'string' && /^[a-z]+:\/\/[^/]*@/i.test(value))) {
    throw propError(scope, prop, '<redacted>', `${why ?? 'the URL carries a user name'}; generated files are not Secrets`,
      'drop the credentials from the URL and pass credentials: OpaRegistryCredentials.fromSecret(secret)');
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')
    || /[\s"'\\]/.test(value)) {
    throw propError(scope, prop, value, 'is not a registry URL (https://host[:port], no path, query or fragment)', 'use e.g. "https://registry.plant-sz.example.com"');
  }
}

/** A poll delay in whole seconds from 1 (0 would poll in a tight loop) to the largest Go duration. */
function delaySeconds(scope: Construct, prop: string, d: Duration): number {
  const ms = d instanceof Duration ? d.toMilliseconds({ integral: false }) : NaN;
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || ms / 1000 < 1 || ms / 1000 > MAX_DELAY_SECONDS) {
    throw propError(scope, prop, d instanceof Duration ? `${ms}ms` : d, `must be whole seconds from 1 to ${MAX_DELAY_SECONDS} (OPA reads *_delay_seconds as integer seconds)`,
      'use Duration.seconds(n), e.g. Duration.seconds(60)');
  }
  return ms / 1000;
}

function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: unknown } = {};
    for (const k of Object.keys(value as object).sort()) out[k] = sortKeys((value as { [key: string]: unknown })[k]);
    return out;
  }
  return value;
}

/** JSON with sorted keys; refuses what JSON cannot hold (NaN, Infinity, functions, cycles). */
function canonicalJson(where: string, prop: string, value: unknown): string {
  const seen = new Set<unknown>();
  const check = (v: unknown, at: string): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw propError(where, `${prop}${at}`, String(v), 'is not a JSON number', 'use a finite number');
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || v === undefined) {
      throw propError(where, `${prop}${at}`, typeof v, 'is not a JSON value', 'use strings, numbers, booleans, null, arrays and objects');
    }
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) throw propError(where, `${prop}${at}`, '<cycle>', 'refers to itself', 'pass a tree of plain values');
      seen.add(v);
      if (Array.isArray(v)) v.forEach((x, i) => check(x, `${at}[${i}]`));
      else for (const [k, x] of Object.entries(v)) check(x, `${at}.${k}`);
      seen.delete(v);
    }
  };
  check(value, '');
  return JSON.stringify(sortKeys(value), null, 2);
}
