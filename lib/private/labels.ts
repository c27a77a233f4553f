import { propError } from './errors';

/**
 * Labels in the kubernetes.io / k8s.io namespaces that a kubelet may set on its own node
 * (`--node-labels`). Any other label there (notably `node-role.kubernetes.io/*`) makes the kubelet,
 * and so K3s, fail to start.
 *
 * @see https://docs.k3s.io/advanced#node-labels-and-taints
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
 */
const KUBELET_ALLOWED_LABELS = new Set([
  'beta.kubernetes.io/arch', 'beta.kubernetes.io/instance-type', 'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
  'kubernetes.io/arch', 'kubernetes.io/hostname', 'kubernetes.io/os',
  'node.kubernetes.io/instance-type', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
]);
const KUBELET_ALLOWED_PREFIXES = ['kubelet.kubernetes.io/', 'node.kubernetes.io/'];

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Checks a label (or taint) key is valid for Kubernetes; with `forKubelet`, also that the kubelet may
 * register it.
 *
 * @internal
 */
export function checkLabelKey(owner: string, prop: string, key: string, forKubelet: boolean): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (name.length === 0 || name.length > 63 || !NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))) {
    throw propError(owner, prop, key, 'is not a valid label key ([prefix/]name, name up to 63 letters, digits, "-", "_", ".")', 'use a key such as "example.com/site"');
  }
  if (forKubelet && prefix !== undefined && /(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix)
    && !KUBELET_ALLOWED_LABELS.has(key) && !KUBELET_ALLOWED_PREFIXES.some(p => key.startsWith(p))) {
    throw propError(owner, prop, key,
      'is in the kubernetes.io/k8s.io namespace, which the kubelet refuses in --node-labels (K3s would fail to start)',
      key.startsWith('node-role.kubernetes.io/')
        ? 'set node-role labels with "kubectl label node" after the node joins; EdgeOfflineNode marks edge nodes with "cdk8s-wasm-edge.io/edge" for placement'
        : 'use your own prefix (e.g. "example.com/..."), or node.kubernetes.io/..., or apply it with kubectl after the node joins');
  }
}

/** @internal */
export function checkLabelValue(owner: string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !VALUE.test(value)) {
    throw propError(owner, prop, value, 'is not a valid label value (up to 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit)', 'use a value such as "zone-a"');
  }
}
