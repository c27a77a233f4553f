import { K3S_FLAG_ALIASES, K3S_FLAGS, K3sFlag, K3sFlagType } from './k3s-flags';
import { yamlText } from './yaml-text';
import { checkNoCredential } from '../private/credentials';
import { propError } from '../private/errors';

/** Which K3s command reads a config file: `k3s server` or `k3s agent`. */
export enum K3sCommand {
  /** `k3s server`: control plane (and, unless disabled, an agent on the same node). */
  SERVER = 'server',
  /** `k3s agent`: a worker that joins a server. */
  AGENT = 'agent',
}

/** Where K3s reads its main config file. @see https://docs.k3s.io/installation/configuration#configuration-file */
export const K3S_CONFIG_PATH = '/etc/rancher/k3s/config.yaml';

/** Directory of config drop-ins, read in alphabetical order after config.yaml. */
export const K3S_CONFIG_DROPIN_DIR = '/etc/rancher/k3s/config.yaml.d';

/** Options for a K3s config file. */
export interface K3sConfigOptions {
  /** The command that reads the file: keys are checked against that command's flags. */
  readonly command: K3sCommand;

  /**
   * Path of the file on the node.
   *
   * @default K3S_CONFIG_PATH (/etc/rancher/k3s/config.yaml)
   */
  readonly path?: string;

  /**
   * Who owns the file, for error messages (a construct path).
   *
   * @default 'K3sConfig'
   */
  readonly owner?: string;
}

/**
 * Keys whose value is a secret, and the file-based key to use instead. Node files end up in Git, in
 * cloud-init user-data and in CI logs, so they must never hold a secret.
 */
const SECRET_KEYS: { [key: string]: string } = {
  'token': 'token-file: a path to a file the operator provisions (e.g. /etc/rancher/k3s/token)',
  'agent-token': 'agent-token-file: a path to a file the operator provisions',
  'vpn-auth': 'vpn-auth-file: a path to a file the operator provisions',
  'etcd-s3-access-key': 'etcd-s3-config-secret: the name of a Secret in kube-system holding the S3 settings',
  'etcd-s3-secret-key': 'etcd-s3-config-secret: the name of a Secret in kube-system holding the S3 settings',
  'etcd-s3-session-token': 'etcd-s3-config-secret: the name of a Secret in kube-system holding the S3 settings',
};

/**
 * Flags whose name contains a credential word but whose value is no secret: the name of a Secret
 * (`etcd-s3-config-secret`), a file path, a switch.
 */
const NOT_SECRET_KEYS = new Set(['etcd-s3-config-secret', 'image-credential-provider-config', 'secrets-encryption']);

const CREDENTIAL_FIX = 'keep credentials out of node files (they land in Git, cloud-init user-data and logs): use the *-file flags (token-file, agent-token-file, vpn-auth-file), '
  + 'client certificates (datastore-certfile/datastore-keyfile) instead of a password in datastore-endpoint, or etcd-s3-config-secret';

/** Keys people expect from blog posts and design documents, with what to do instead. */
const KNOWN_MISTAKES: { [key: string]: string } = {
  'wasm': 'K3s has no --wasm flag; install the shim binaries on the node and offer WasmRuntime presets (EdgeOfflineNode runtimes), which add the containerd runtimes and node labels',
  'wasm-runtime': 'K3s has no Wasm flag; install the shim binaries on the node and offer WasmRuntime presets',
  'max-pods': 'max-pods is a kubelet flag: use kubelet-arg: ["max-pods=N"] (DensityPlanner does this)',
  'registries': 'registries are configured in /etc/rancher/k3s/registries.yaml (the Registries class), not in config.yaml',
  'node-labels': 'the K3s key is node-label (one list entry per label)',
  'node-taints': 'the K3s key is node-taint (one list entry per taint)',
};

/**
 * A K3s configuration file: `/etc/rancher/k3s/config.yaml` or a drop-in under
 * `/etc/rancher/k3s/config.yaml.d/`. Keys are K3s CLI flag names without `--`, checked against the
 * flag list of the command that reads the file (a server-only key in an agent's file is an error, as
 * `k3s agent` refuses it). Repeatable flags are YAML lists; `append` writes the `key+` form that
 * adds to the value of earlier files instead of replacing it. Secret-valued keys (`token`,
 * `agent-token`, ...) are refused: use their `*-file` variants.
 *
 * @see https://docs.k3s.io/installation/configuration#configuration-file
 */
export class K3sConfig {
  /** The command that reads the file. */
  public readonly command: K3sCommand;
  /** Path of the file on the node. */
  public readonly path: string;
  private readonly owner: string;
  private readonly values = new Map<string, unknown>();

  constructor(options: K3sConfigOptions) {
    this.owner = typeof options?.owner === 'string' ? options.owner : 'K3sConfig';
    if (!options || (options.command !== K3sCommand.SERVER && options.command !== K3sCommand.AGENT)) {
      throw propError(this.owner, 'command', options?.command, 'is not a K3s command', 'use K3sCommand.SERVER or K3sCommand.AGENT');
    }
    this.command = options.command;
    this.path = options.path ?? K3S_CONFIG_PATH;
    if (typeof this.path !== 'string' || this.path !== K3S_CONFIG_PATH && !(this.path.startsWith(`${K3S_CONFIG_DROPIN_DIR}/`) && /^[A-Za-z0-9._-]+\.yaml$/.test(this.path.slice(K3S_CONFIG_DROPIN_DIR.length + 1)))) {
      throw propError(this.owner, 'path', this.path, 'is neither the K3s config file nor a drop-in (K3s reads only config.yaml and config.yaml.d/*.yaml)',
        `use "${K3S_CONFIG_PATH}" or "${K3S_CONFIG_DROPIN_DIR}/<name>.yaml"`);
    }
  }

  /**
   * Sets a key, replacing any earlier value in this file. The value must match the flag type: a
   * boolean for bool flags, a whole number for int flags, a string for string and duration flags,
   * and a list of strings for repeatable flags.
   *
   * @param key a K3s flag name without `--` (e.g. `node-name`), not an alias
   * @param value the value
   */
  public set(key: string, value: any): K3sConfig {
    const flag = this.checkKey(key);
    this.checkValue(flag, key, value);
    this.values.set(key, Array.isArray(value) ? [...value] : value);
    return this;
  }

  /**
   * Adds values to a repeatable flag in this file (a YAML list), after the ones already set here.
   *
   * @param key a repeatable K3s flag, e.g. `kubelet-arg`, `node-label`, `node-taint`
   * @param values the entries to add
   */
  public add(key: string, values: string[]): K3sConfig {
    const flag = this.checkKey(key);
    this.checkList(flag, key);
    this.checkValue(flag, key, values);
    const current = (this.values.get(key) as string[] | undefined) ?? [];
    this.values.set(key, [...current, ...values]);
    return this;
  }

  /**
   * Appends to a repeatable flag set by an earlier file: writes `key+`, which K3s merges with the
   * value from config.yaml or an earlier drop-in instead of replacing it. Use it in drop-ins.
   *
   * @param key a repeatable K3s flag, e.g. `kubelet-arg`
   * @param values the entries to append
   */
  public append(key: string, values: string[]): K3sConfig {
    const flag = this.checkKey(key);
    this.checkList(flag, `${key}+`);
    this.checkValue(flag, `${key}+`, values);
    const current = (this.values.get(`${key}+`) as string[] | undefined) ?? [];
    this.values.set(`${key}+`, [...current, ...values]);
    return this;
  }

  /** The value of a key set in this file (use `key+` for appended values). */
  public get(key: string): any {
    const v = this.values.get(key);
    return Array.isArray(v) ? [...v] : v;
  }

  /** Whether a key is set in this file. */
  public has(key: string): boolean {
    return this.values.has(key);
  }

  /** The keys set in this file, sorted (`key+` for appended ones). */
  public get keys(): string[] {
    return [...this.values.keys()].sort();
  }

  /** Whether nothing is set. */
  public get isEmpty(): boolean {
    return this.values.size === 0;
  }

  /** The file content as an object with sorted keys. */
  public toObject(): { [key: string]: any } {
    const out: { [key: string]: any } = {};
    for (const k of this.keys) {
      const v = this.values.get(k);
      out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  }

  /** The file content: YAML with sorted keys and a header comment. */
  public render(): string {
    const header = `# ${this.path} for "k3s ${this.command}". Generated by cdk8s-wasm-edge: edit the cdk8s app, not this file.\n`;
    return this.isEmpty ? header : header + yamlText(this.toObject());
  }

  private checkKey(key: string): K3sFlag {
    const cmd = this.command;
    if (typeof key !== 'string') {
      throw propError(this.owner, 'key', key, 'is not a string', 'use a K3s flag name without "--", e.g. "node-name"');
    }
    if (key.endsWith('+')) {
      throw propError(this.owner, 'key', key, 'ends with "+"', `call append("${key.slice(0, -1)}", [...]) to write the append form`);
    }
    const mistake = KNOWN_MISTAKES[key];
    if (mistake) {
      throw propError(this.owner, 'key', key, 'is not a K3s flag', mistake);
    }
    const secret = SECRET_KEYS[key];
    if (secret) {
      throw propError(this.owner, 'key', key, 'would write a secret inline into a node file (files land in Git, cloud-init user-data and logs)', `use ${secret}`);
    }
    const aliasOf = K3S_FLAG_ALIASES.get(key);
    if (aliasOf) {
      throw propError(this.owner, 'key', key, `is a short alias of "${aliasOf}"`, `use the full name "${aliasOf}" (aliases are not accepted by "k3s agent" config files)`);
    }
    const flag = K3S_FLAGS.get(key);
    if (!flag) {
      throw propError(this.owner, 'key', key, `is not a K3s ${cmd} flag`, `use one of the K3s flag names without "--"${suggest(key)}; see https://docs.k3s.io/cli/${cmd}`);
    }
    if (!flag.configYamlKey) {
      throw propError(this.owner, 'key', key, 'has no effect inside a config file', 'pass it on the command line or with K3S_CONFIG_FILE');
    }
    if (flag.deprecated) {
      const replacement = key === 'kube-controller-arg' ? 'kube-controller-manager-arg'
        : key === 'kube-cloud-controller-arg' ? 'kube-cloud-controller-manager-arg'
          : key === 'helm-job-image' ? 'helm-controller-arg: ["default-job-image=..."]' : 'the current flag named in the K3s docs';
      throw propError(this.owner, 'key', key, 'is a deprecated K3s flag', `use ${replacement}`);
    }
    if (cmd === K3sCommand.AGENT && !flag.agent) {
      throw propError(this.owner, 'key', key, 'is a server-only flag: "k3s agent" refuses it',
        'set it in the config of the servers (cluster-wide settings such as cluster-cidr and kube-controller-manager-arg live there)');
    }
    if (cmd === K3sCommand.SERVER && !flag.server) {
      throw propError(this.owner, 'key', key, 'is an agent-only flag: "k3s server" skips it', 'remove it from the server config');
    }
    return flag;
  }

  private checkList(flag: K3sFlag, key: string): void {
    if (flag.type !== K3sFlagType.STRING_SLICE) {
      throw propError(this.owner, 'key', key, `is a single-valued ${flag.type} flag, not a repeatable one`, `call set("${flag.name}", value) instead`);
    }
  }

  private checkValue(flag: K3sFlag, key: string, value: unknown): void {
    const bad = (expected: string) => propError(this.owner, key, value, `must be ${expected} (the flag is of type ${flag.type})`, `pass ${expected}`);
    // Credentials by the key's name (token, vpn-auth, ...) and by the value's shape (a password in a
    // URL or DSN, a token), in every file: config.yaml and each drop-in.
    const credentialKey = NOT_SECRET_KEYS.has(flag.name) ? undefined : flag.name;
    switch (flag.type) {
      case K3sFlagType.BOOL:
        if (typeof value !== 'boolean') throw bad('true or false');
        break;
      case K3sFlagType.INT:
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad('a whole number');
        break;
      case K3sFlagType.STRING_SLICE:
        if (!Array.isArray(value) || value.some(v => typeof v !== 'string' || v === '' || !isSingleLine(v))) throw bad('a list of non-empty single-line strings');
        for (const v of value as string[]) checkNoCredential(this.owner, key, credentialKey, v, CREDENTIAL_FIX);
        break;
      case K3sFlagType.DURATION:
        if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) throw bad('a Go duration string such as "10m0s"');
        break;
      default:
        if (typeof value !== 'string' || value === '' || !isSingleLine(value)) throw bad('a non-empty single-line string');
        checkNoCredential(this.owner, key, credentialKey, value, CREDENTIAL_FIX);
    }
  }
}

/** No control characters: a K3s flag value is one line. */
function isSingleLine(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(value);
}

/** A "did you mean" hint: the closest K3s flag name, if close enough. */
function suggest(key: string): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of K3S_FLAGS.keys()) {
    const d = distance(key, name);
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

