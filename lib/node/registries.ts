import { yamlText } from './yaml-text';
import { checkNoCredential } from '../private/credentials';
import { propError } from '../private/errors';
import { checkNodePath } from '../private/node-toml';

/** Where K3s reads its registry configuration. @see https://docs.k3s.io/installation/private-registry */
export const K3S_REGISTRIES_PATH = '/etc/rancher/k3s/registries.yaml';

/** A registry mirror: where containerd pulls the images of one registry from. */
export interface RegistryMirror {
  /**
   * The registry whose images are mirrored, e.g. `docker.io`, `ghcr.io`, or `*` for every registry
   * (written quoted, as YAML requires).
   */
  readonly registry: string;

  /**
   * Mirror endpoints, tried in order (`http://` or `https://` URLs, no credentials). containerd falls
   * back to the registry itself unless `disable-default-registry-endpoint` is set.
   *
   * @default - no endpoint: only valid with the embedded registry mirror, which then shares this
   *   registry's images between the nodes
   */
  readonly endpoints?: string[];

  /**
   * Rewrites of the image name (Go regular expression to replacement), e.g.
   * `{ "^library/(.*)": "mirror/library/$1" }`.
   *
   * @default - no rewrite
   */
  readonly rewrites?: { [pattern: string]: string };
}

/** TLS settings for a registry host (paths on the node). */
export interface RegistryTls {
  /**
   * CA bundle that signs the registry's certificate.
   *
   * @default - the system trust store
   */
  readonly caFile?: string;
  /**
   * Client certificate for mutual TLS.
   *
   * @default - no client certificate
   */
  readonly certFile?: string;
  /**
   * Key of the client certificate.
   *
   * @default - no client key
   */
  readonly keyFile?: string;
  /**
   * Skip verifying the registry's certificate. Only for lab setups.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * Per-host settings. Only TLS is offered: registries.yaml can hold credentials only inline
 * (`auth.username/password/auth/identitytoken`), and node files must not hold secrets. For a
 * registry that needs credentials use a kubelet image credential provider
 * (`image-credential-provider-config` and `image-credential-provider-bin-dir` in config.yaml, which
 * read credentials at pull time), or let your secret tooling write registries.yaml on the node
 * instead of this library.
 */
export interface RegistryHostConfig {
  /** The registry or mirror host (`host[:port]`), as used in image names or mirror endpoints. */
  readonly host: string;
  /**
   * TLS settings.
   *
   * @default - no TLS settings
   */
  readonly tls?: RegistryTls;
}

/** Options for registries.yaml. */
export interface RegistriesOptions {
  /**
   * Mirrors.
   *
   * @default - none
   */
  readonly mirrors?: RegistryMirror[];
  /**
   * Per-host TLS settings.
   *
   * @default - none
   */
  readonly configs?: RegistryHostConfig[];
  /**
   * Whether the cluster runs the embedded registry mirror (Spegel, `embedded-registry: true` on the
   * servers). Mirrors may then omit endpoints: nodes share those registries' images peer to peer.
   *
   * @default false
   */
  readonly embeddedMirror?: boolean;
  /**
   * Who owns the file, for error messages (a construct path).
   *
   * @default 'Registries'
   */
  readonly owner?: string;
}

/**
 * `/etc/rancher/k3s/registries.yaml`: registry mirrors (a local registry for offline nodes, or the
 * embedded peer-to-peer mirror) and TLS settings. Credentials are deliberately not supported (see
 * `RegistryHostConfig`). K3s reads the file at start: changes need a restart.
 *
 * @see https://docs.k3s.io/installation/private-registry
 * @see https://docs.k3s.io/installation/registry-mirror
 */
export class Registries {
  /** Whether endpoint-less mirrors are allowed (the embedded registry mirror is on). */
  public readonly embeddedMirror: boolean;
  private readonly owner: string;
  private readonly mirrors = new Map<string, RegistryMirror>();
  private readonly configs = new Map<string, RegistryHostConfig>();

  constructor(options: RegistriesOptions = {}) {
    this.embeddedMirror = options.embeddedMirror ?? false;
    this.owner = options.owner ?? 'Registries';
    for (const m of options.mirrors ?? []) this.addMirror(m);
    for (const c of options.configs ?? []) this.addConfig(c);
  }

  /** Adds a mirror; a registry may be mirrored once. */
  public addMirror(mirror: RegistryMirror): void {
    const reg = mirror?.registry;
    if (typeof reg !== 'string' || (reg !== '*' && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(reg))) {
      throw propError(this.owner, 'mirrors.registry', reg, 'is not a registry host', 'use a host such as "docker.io", "registry.local:5000", or "*" for every registry');
    }
    if (this.mirrors.has(reg)) {
      throw propError(this.owner, 'mirrors.registry', reg, 'is mirrored twice', 'list every endpoint of a registry in one mirror');
    }
    const endpoints = mirror.endpoints ?? [];
    if (!Array.isArray(endpoints)) {
      throw propError(this.owner, `mirrors[${reg}].endpoints`, endpoints, 'is not a list of URLs', 'pass a list such as ["http://registry.local:5000"]');
    }
    if (endpoints.length === 0 && !this.embeddedMirror) {
      throw propError(this.owner, `mirrors[${reg}].endpoints`, endpoints, 'is empty, which only makes sense with the embedded registry mirror',
        'add the endpoint of a local registry (e.g. "http://registry.local:5000"), or turn on the embedded registry mirror');
    }
    for (const e of endpoints) checkEndpoint(this.owner, `mirrors[${reg}].endpoints`, e);
    for (const [pattern, replacement] of Object.entries(mirror.rewrites ?? {})) {
      try {
        new RegExp(pattern);
      } catch {
        throw propError(this.owner, `mirrors[${reg}].rewrites`, pattern, 'is not a regular expression', 'use a Go (RE2) regular expression such as "^library/(.*)"');
      }
      for (const v of [pattern, replacement]) {
        // eslint-disable-next-line no-control-regex
        if (typeof v !== 'string' || v === '' || /[\u0000-\u001f\u007f]/.test(v)) {
          throw propError(this.owner, `mirrors[${reg}].rewrites`, v, 'is not a non-empty single-line string', 'use a pattern such as "^library/(.*)" and a replacement such as "mirror/library/$1"');
        }
        checkNoCredential(this.owner, `mirrors[${reg}].rewrites`, undefined, v, 'registries.yaml is a node file, not a Secret: keep credentials out of image names');
      }
    }
    this.mirrors.set(reg, mirror);
  }

  /** Adds TLS settings for a host; a host may be configured once. */
  public addConfig(config: RegistryHostConfig): void {
    if (typeof config?.host !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(config.host)) {
      throw propError(this.owner, 'configs.host', config.host, 'is not a host[:port]', 'use the registry host without scheme, e.g. "registry.local:5000"');
    }
    if (this.configs.has(config.host)) {
      throw propError(this.owner, 'configs.host', config.host, 'is configured twice', 'merge the settings into one entry');
    }
    const tls = config.tls ?? {};
    for (const [prop, v] of [['caFile', tls.caFile], ['certFile', tls.certFile], ['keyFile', tls.keyFile]] as const) {
      checkNodePath(this.owner, `configs[${config.host}].tls.${prop}`, v, '/etc/rancher/k3s/registry-ca.pem');
    }
    if (tls.insecureSkipVerify !== undefined && typeof tls.insecureSkipVerify !== 'boolean') {
      throw propError(this.owner, `configs[${config.host}].tls.insecureSkipVerify`, tls.insecureSkipVerify, 'is not true or false', 'pass true or false');
    }
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
      throw propError(this.owner, `configs[${config.host}].tls`, tls, 'has a client certificate without its key (or a key without a certificate)', 'set both certFile and keyFile, or neither');
    }
    this.configs.set(config.host, config);
  }

  /** The mirrored registries, sorted. */
  public get mirroredRegistries(): string[] {
    return [...this.mirrors.keys()].sort();
  }

  /** Whether nothing is configured. */
  public get isEmpty(): boolean {
    return this.mirrors.size === 0 && this.configs.size === 0;
  }

  /** The file content as an object with sorted keys. */
  public toObject(): { [key: string]: any } {
    const out: { [key: string]: any } = {};
    if (this.mirrors.size > 0) {
      const mirrors: { [key: string]: any } = {};
      for (const reg of this.mirroredRegistries) {
        const m = this.mirrors.get(reg)!;
        const entry: { [key: string]: any } = {};
        if (m.endpoints && m.endpoints.length > 0) entry.endpoint = [...m.endpoints];
        const rewrites = Object.keys(m.rewrites ?? {}).sort();
        if (rewrites.length > 0) entry.rewrite = Object.fromEntries(rewrites.map(k => [k, m.rewrites![k]]));
        mirrors[reg] = entry;
      }
      out.mirrors = mirrors;
    }
    if (this.configs.size > 0) {
      const configs: { [key: string]: any } = {};
      for (const host of [...this.configs.keys()].sort()) {
        const tls = this.configs.get(host)!.tls;
        const t: { [key: string]: any } = {};
        if (tls?.caFile) t.ca_file = tls.caFile;
        if (tls?.certFile) t.cert_file = tls.certFile;
        if (tls?.insecureSkipVerify) t.insecure_skip_verify = true;
        if (tls?.keyFile) t.key_file = tls.keyFile;
        configs[host] = Object.keys(t).length > 0 ? { tls: t } : {};
      }
      out.configs = configs;
    }
    return out;
  }

  /** The file content (YAML, sorted keys, `*` quoted). */
  public render(): string {
    return `# ${K3S_REGISTRIES_PATH}. Generated by cdk8s-wasm-edge: edit the cdk8s app, not this file.\n`
      + (this.isEmpty ? '' : yamlText(this.toObject()));
  }
}

function checkEndpoint(owner: string, prop: string, endpoint: string): void {
  let url: URL;
  // eslint-disable-next-line no-control-regex
  if (typeof endpoint !== 'string' || /[\u0000-\u0020\u007f"'\\{}]/.test(endpoint)) {
    throw propError(owner, prop, endpoint, 'is not a URL (no spaces, quotes or control characters)', 'use a URL such as "http://registry.local:5000"');
  }
  checkNoCredential(owner, prop, undefined, endpoint, 'remove them from the URL; use a registry that allows anonymous pulls on the local network, or a kubelet image credential provider');
  try {
    url = new URL(endpoint);
  } catch {
    throw propError(owner, prop, endpoint, 'is not a URL', 'use a URL such as "http://registry.local:5000"');
  }
  if (url.port === '0') {
    throw propError(owner, prop, endpoint, 'has port 0', 'use the port the registry listens on, e.g. "http://registry.local:5000"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw propError(owner, prop, endpoint, 'is not an http(s) URL', 'use a URL such as "https://registry.local:5000"');
  }
  if (url.username || url.password) {
    throw propError(owner, prop, endpoint.replace(/\/\/[^@]*@/, '//<redacted>@'), 'holds credentials inline',
      'remove them from the URL; use a registry that allows anonymous pulls on the local network, or a kubelet image credential provider');
  }
}
