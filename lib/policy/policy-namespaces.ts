import { checkDns1123Label, propError } from '../private/errors';
import { checkLabels } from '../private/validate';

/**
 * The label Kubernetes sets on every namespace to its name (since 1.22), so that a selector can
 * name namespaces.
 *
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The namespaces Kubernetes and K3s run their own pods in: never under the Wasm rules by default. */
export const SYSTEM_NAMESPACES = ['kube-node-lease', 'kube-public', 'kube-system'];

/** Options for `PolicyNamespaces.all()`. */
export interface AllNamespacesOptions {
  /**
   * Namespaces left out, besides the system namespaces (kube-system, kube-public, kube-node-lease),
   * e.g. the policy engine's own or a monitoring namespace whose agents tolerate every taint.
   *
   * @default - only the system namespaces
   */
  readonly except?: string[];
}

/** A label selector in the shape every engine takes. */
export interface NamespaceSelectorSpec {
  /** @default - none */
  readonly matchLabels?: { [key: string]: string };
  /** @default - none */
  readonly matchExpressions?: NamespaceSelectorRequirement[];
}

/** One requirement of a namespace selector. */
export interface NamespaceSelectorRequirement {
  readonly key: string;
  /** `In` or `NotIn`. */
  readonly operator: string;
  readonly values: string[];
}

/** Which namespaces policies apply in. */
export class PolicyNamespaces {
  /** Every namespace but the system ones and `except`. */
  public static all(options: AllNamespacesOptions = {}): PolicyNamespaces {
    const except = options.except ?? [];
    if (!Array.isArray(except)) throw propError('PolicyNamespaces.all', 'except', except, 'is not a list', 'give namespace names, e.g. ["monitoring"]');
    except.forEach((n, i) => checkDns1123Label('PolicyNamespaces.all', `except[${i}]`, n));
    return new PolicyNamespaces(undefined, [...new Set([...SYSTEM_NAMESPACES, ...except])].sort(), undefined);
  }

  /** Exactly these namespaces. */
  public static named(names: string[]): PolicyNamespaces {
    if (!Array.isArray(names) || names.length === 0) {
      throw propError('PolicyNamespaces.named', 'names', names, 'selects no namespace', 'name at least one namespace, or use PolicyNamespaces.all()');
    }
    names.forEach((n, i) => checkDns1123Label('PolicyNamespaces.named', `names[${i}]`, n));
    return new PolicyNamespaces([...new Set(names)].sort(), undefined, undefined);
  }

  /** The namespaces that carry all of these labels (e.g. a team's opt-in label). */
  public static labelled(labels: { [key: string]: string }): PolicyNamespaces {
    if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      throw propError('PolicyNamespaces.labelled', 'labels', labels, 'selects every namespace, including the system ones',
        'give at least one label, or use PolicyNamespaces.all()');
    }
    checkLabels('PolicyNamespaces.labelled', 'labels', labels);
    return new PolicyNamespaces(undefined, undefined, Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)));
  }

  private constructor(
    /** The namespaces selected by name, if selected by name. */
    public readonly names: string[] | undefined,
    /** The namespaces left out, if every other one is selected. */
    public readonly except: string[] | undefined,
    /** The labels a selected namespace carries, if selected by label. */
    public readonly labels: { [key: string]: string } | undefined) {}

  /** This selection, narrowed to the namespaces that also carry `labels` (e.g. the function-tenant label). */
  public withLabels(labels: { [key: string]: string }): PolicyNamespaces {
    checkLabels('PolicyNamespaces.withLabels', 'labels', labels);
    const merged: { [key: string]: string } = Object.assign({}, this.labels, labels);
    return new PolicyNamespaces(this.names, this.except, Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The selector, as a namespaceSelector (names through the `kubernetes.io/metadata.name` label). */
  public toSelector(): NamespaceSelectorSpec {
    const expressions: NamespaceSelectorRequirement[] = [];
    if (this.names) expressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...this.names] });
    if (this.except) expressions.push({ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...this.except] });
    return Object.assign({},
      this.labels ? { matchLabels: Object.assign({}, this.labels) } : {},
      expressions.length > 0 ? { matchExpressions: expressions } : {});
  }

  /**
   * Whether a namespace is selected, given its labels when known (a namespace the app declares);
   * undefined when that cannot be told (selected by label, labels unknown).
   */
  public selects(namespace: string, labels?: { [key: string]: string }): boolean | undefined {
    if (this.names && !this.names.includes(namespace)) return false;
    if (this.except && this.except.includes(namespace)) return false;
    if (!this.labels) return true;
    if (!labels) return undefined;
    return Object.entries(this.labels).every(([k, v]) => labels[k] === v);
  }
}
