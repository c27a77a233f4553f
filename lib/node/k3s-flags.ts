/**
 * The K3s CLI flags that `/etc/rancher/k3s/config.yaml` keys may name, generated from the upstream
 * flag literals (k3s-io/k3s pkg/cli/cmds/server.go and agent.go at main@469d009f, the flag set of
 * v1.37). One row per flag: `name|type|commands|markers|aliases`, where type is S string, B bool,
 * I int, D duration, L string slice (repeatable: a YAML list); commands s = server, a = agent;
 * markers d = deprecated, h = hidden, x = not a config.yaml key. Kept as data so the config model,
 * the tests and the docs read one table; `test/node/k3s-flags.test.ts` checks it against the source
 * JSON.
 *
 * @see https://docs.k3s.io/cli/server
 * @see https://docs.k3s.io/cli/agent
 */
const K3S_FLAG_ROWS: string[] = [
  'advertise-address|S|s||',
  'advertise-port|I|s||',
  'agent-token|S|s||',
  'agent-token-file|S|s||',
  'airgap-extra-registry|L|sa|h|',
  'alsologtostderr|B|sa||',
  'apiserver-bind-address|S|s|h|',
  'apiserver-port|I|s|h|',
  'bind-address|S|sa||',
  'cluster-cidr|L|s||',
  'cluster-dns|L|s||',
  'cluster-domain|S|s||',
  'cluster-init|B|s||',
  'cluster-reset|B|s||',
  'cluster-reset-restore-path|S|s||',
  'config|S|sa|x|c',
  'container-runtime-endpoint|S|sa||',
  'data-dir|S|sa||d',
  'datastore-cafile|S|s||',
  'datastore-certfile|S|s||',
  'datastore-endpoint|S|s||',
  'datastore-keyfile|S|s||',
  'debug|B|sa||',
  'default-local-storage-path|S|s||',
  'default-runtime|S|sa||',
  'disable|L|s||',
  'disable-agent|B|s|h|',
  'disable-apiserver|B|s|h|',
  'disable-apiserver-lb|B|a||',
  'disable-cloud-controller|B|s||',
  'disable-controller-manager|B|s|h|',
  'disable-default-registry-endpoint|B|sa||',
  'disable-etcd|B|s|h|',
  'disable-helm-controller|B|s||',
  'disable-kube-proxy|B|s||',
  'disable-network-policy|B|s||',
  'disable-scheduler|B|s||',
  'docker|B|sa||',
  'egress-selector-mode|S|s||',
  'embedded-registry|B|s||',
  'enable-pprof|B|sa||',
  'etcd-arg|L|s||',
  'etcd-disable-snapshots|B|s||',
  'etcd-expose-metrics|B|s||',
  'etcd-s3|B|s||',
  'etcd-s3-access-key|S|s||',
  'etcd-s3-bucket|S|s||',
  'etcd-s3-bucket-lookup-type|S|s||',
  'etcd-s3-config-secret|S|s||',
  'etcd-s3-endpoint|S|s||',
  'etcd-s3-endpoint-ca|S|s||',
  'etcd-s3-folder|S|s||',
  'etcd-s3-insecure|B|s||',
  'etcd-s3-proxy|S|s||',
  'etcd-s3-region|S|s||',
  'etcd-s3-retention|I|s||',
  'etcd-s3-secret-key|S|s||',
  'etcd-s3-session-token|S|s||',
  'etcd-s3-skip-ssl-verify|B|s||',
  'etcd-s3-timeout|D|s||',
  'etcd-snapshot-compress|B|s||',
  'etcd-snapshot-dir|S|s||',
  'etcd-snapshot-name|S|s||',
  'etcd-snapshot-reconcile-interval|D|s||',
  'etcd-snapshot-retention|I|s||',
  'etcd-snapshot-schedule-cron|S|s||',
  'flannel-backend|S|s||',
  'flannel-cni-conf|S|sa||',
  'flannel-conf|S|sa||',
  'flannel-external-ip|B|s||',
  'flannel-iface|S|sa||',
  'flannel-ipv6-masq|B|s||',
  'helm-controller-arg|L|s||',
  'helm-job-image|S|s|d|',
  'https-listen-port|I|s||',
  'image-credential-provider-bin-dir|S|sa||',
  'image-credential-provider-config|S|sa||',
  'image-service-endpoint|S|sa||',
  'kine-tls|B|s|h|',
  'kube-apiserver-arg|L|s||',
  'kube-cloud-controller-arg|L|s|dh|',
  'kube-cloud-controller-manager-arg|L|s||',
  'kube-controller-arg|L|s|dh|',
  'kube-controller-manager-arg|L|s||',
  'kube-proxy-arg|L|sa||',
  'kube-scheduler-arg|L|s||',
  'kubelet-arg|L|sa||',
  'lb-server-port|I|sa||',
  'log|S|sa||l',
  'node-external-dns|L|sa||',
  'node-external-ip|L|sa||',
  'node-internal-dns|L|sa||',
  'node-ip|L|sa||i',
  'node-label|L|sa||',
  'node-name|S|sa||',
  'node-taint|L|sa||',
  'nonroot-devices|B|sa||',
  'pause-image|S|sa||',
  'prefer-bundled-bin|B|sa||',
  'private-registry|S|sa||',
  'protect-kernel-defaults|B|sa||',
  'resolv-conf|S|sa||',
  'rootless|B|sa||',
  'secrets-encryption|B|s||',
  'secrets-encryption-provider|S|s||',
  'selinux|B|sa||',
  'server|S|sa||s',
  'service-cidr|L|s||',
  'service-node-port-range|S|s||',
  'servicelb-namespace|S|s||',
  'snapshotter|S|sa||',
  'supervisor-metrics|B|s||',
  'supervisor-port|I|s|h|',
  'system-default-registry|S|s||',
  'tls-san|L|s||',
  'tls-san-security|B|s||',
  'token|S|sa||t',
  'token-file|S|sa||',
  'v|I|sa||',
  'vmodule|S|sa||',
  'vpn-auth|S|sa||',
  'vpn-auth-file|S|sa||',
  'with-node-id|B|sa||',
  'write-kubeconfig|S|s||o',
  'write-kubeconfig-group|S|s||',
  'write-kubeconfig-mode|S|s||',
  'write-kubeconfig-name|S|s||',
];

/** The K3s version whose flag set the table holds. */
export const K3S_FLAGS_VERSION = 'v1.37 (main@469d009f, after v1.36.3+k3s1)';

/** The value type of a K3s flag. @internal */
export enum K3sFlagType {
  STRING = 'string',
  BOOL = 'bool',
  INT = 'int',
  DURATION = 'duration',
  STRING_SLICE = 'stringSlice',
}

/** One K3s CLI flag. @internal */
export interface K3sFlag {
  readonly name: string;
  readonly type: K3sFlagType;
  readonly server: boolean;
  readonly agent: boolean;
  readonly deprecated: boolean;
  readonly hidden: boolean;
  readonly configYamlKey: boolean;
  readonly aliases: string[];
}

const TYPES: { [code: string]: K3sFlagType } = {
  S: K3sFlagType.STRING, B: K3sFlagType.BOOL, I: K3sFlagType.INT, D: K3sFlagType.DURATION, L: K3sFlagType.STRING_SLICE,
};

/** Every K3s flag by name. @internal */
export const K3S_FLAGS: ReadonlyMap<string, K3sFlag> = new Map(K3S_FLAG_ROWS.map(row => {
  const [name, type, commands, markers, aliases] = row.split('|');
  const flag: K3sFlag = {
    name,
    type: TYPES[type],
    server: commands.includes('s'),
    agent: commands.includes('a'),
    deprecated: markers.includes('d'),
    hidden: markers.includes('h'),
    configYamlKey: !markers.includes('x'),
    aliases: aliases ? aliases.split(',') : [],
  };
  return [name, flag] as [string, K3sFlag];
}));

/** Alias (short name) to flag name, e.g. `t` to `token`. @internal */
export const K3S_FLAG_ALIASES: ReadonlyMap<string, string> = new Map(
  [...K3S_FLAGS.values()].flatMap(f => f.aliases.map(a => [a, f.name] as [string, string])));
