import { IConstruct } from 'constructs';
import { propError } from '../private/errors';
import { byCodeUnit } from '../private/order';
import { checkLabels, isLabelValue, isQualifiedName } from '../private/validate';

/** The operator of a label selector requirement (metav1.LabelSelectorOperator). */
export enum GitOpsSelectorOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label is missing, or its value is none of `values`. */
  NOT_IN = 'NotIn',
  /** The label is set (any value). */
  EXISTS = 'Exists',
  /** The label is not set. */
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One requirement of a cluster label selector (metav1.LabelSelectorRequirement). */
export interface GitOpsLabelSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** How the label is compared. */
  readonly operator: GitOpsSelectorOperator;
  /**
   * The values, for `IN` and `NOT_IN` (at least one); none for `EXISTS` and `DOES_NOT_EXIST`.
   * @default none
   */
  readonly values?: string[];
}

/**
 * A selector over the clusters' labels (metav1.LabelSelector), as Fleet's clusterSelector and
 * ClusterGroup selector and Argo CD's cluster generator read it: every entry must hold. An empty
 * selector selects every cluster.
 */
export interface GitOpsLabelSelector {
  /**
   * Labels the cluster must carry with exactly these values.
   * @default none
   */
  readonly matchLabels?: { [key: string]: string };
  /**
   * Further requirements, all of which must hold.
   * @default none
   */
  readonly matchExpressions?: GitOpsLabelSelectorRequirement[];
}

/**
 * Checks a selector the way metav1.LabelSelectorAsSelector does (keys, values, operators and
 * their value counts): a selector Fleet or Argo CD could not parse fails at synth instead.
 *
 * @see k8s.io/apimachinery pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector), used by Fleet's
 *   internal/cmd/controller/target/matcher/clustermatcher.go:19-21
 * @internal
 */
export function checkSelector(scope: IConstruct | string, prop: string, selector: GitOpsLabelSelector): void {
  if (selector === null || typeof selector !== 'object') {
    throw propError(scope, prop, selector, 'is not a label selector', 'pass { matchLabels: { region: "eu-west" } }');
  }
  checkLabels(scope, `${prop}.matchLabels`, selector.matchLabels);
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const at = `${prop}.matchExpressions[${i}]`;
    if (typeof req?.key !== 'string' || !isQualifiedName(req.key)) {
      throw propError(scope, `${at}.key`, req?.key, 'is not a label key', 'use a key such as "example.com/region"');
    }
    const values = req.values ?? [];
    const ops = Object.values(GitOpsSelectorOperator) as string[];
    if (!ops.includes(req.operator)) {
      throw propError(scope, `${at}.operator`, req.operator, `is not one of ${ops.join(', ')}`, 'use GitOpsSelectorOperator.IN');
    }
    const needsValues = req.operator === GitOpsSelectorOperator.IN || req.operator === GitOpsSelectorOperator.NOT_IN;
    if (needsValues && values.length === 0) {
      throw propError(scope, `${at}.values`, values, `must hold at least one value for ${req.operator}`, 'list the values, or use EXISTS');
    }
    if (!needsValues && values.length > 0) {
      throw propError(scope, `${at}.values`, values, `must be empty for ${req.operator}`, 'remove values');
    }
    for (const v of values) {
      if (typeof v !== 'string' || !isLabelValue(v)) {
        throw propError(scope, `${at}.values`, v, 'is not a label value', 'use a value such as "eu-west"');
      }
    }
  });
}

/**
 * Whether `labels` satisfy the selector, as k8s.io/apimachinery labels.Selector.Matches does (the
 * matcher Fleet and Argo CD use). `NOT_IN` matches a missing label.
 *
 * @internal
 */
export function selectorMatches(selector: GitOpsLabelSelector, labels: { [key: string]: string }): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case GitOpsSelectorOperator.IN: if (!has || !values.includes(labels[req.key])) return false; break;
      case GitOpsSelectorOperator.NOT_IN: if (has && values.includes(labels[req.key])) return false; break;
      case GitOpsSelectorOperator.EXISTS: if (!has) return false; break;
      default: if (has) return false;
    }
  }
  return true;
}

/**
 * The selector as Kubernetes JSON, deterministic: matchLabels keys and expression values sorted,
 * expressions in the order given (their order does not change the meaning, but a user's order is kept
 * stable across runs), empty parts left out.
 *
 * @internal
 */
export function selectorJson(selector: GitOpsLabelSelector): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  const keys = Object.keys(selector.matchLabels ?? {}).sort(byCodeUnit);
  if (keys.length > 0) {
    const ml: { [key: string]: string } = {};
    for (const k of keys) ml[k] = selector.matchLabels![k];
    out.matchLabels = ml;
  }
  const exprs = selector.matchExpressions ?? [];
  if (exprs.length > 0) {
    out.matchExpressions = exprs.map(e => {
      const r: { [key: string]: unknown } = { key: e.key, operator: e.operator };
      if (e.values && e.values.length > 0) r.values = [...new Set(e.values)].sort(byCodeUnit);
      return r;
    });
  }
  return out;
}

/** A selector in words, for messages: `region=eu-west, tier in (gold)`. @internal */
export function describeSelector(selector: GitOpsLabelSelector): string {
  const parts = Object.keys(selector.matchLabels ?? {}).sort(byCodeUnit).map(k => `${k}=${selector.matchLabels![k]}`);
  for (const e of selector.matchExpressions ?? []) {
    const vs = `(${(e.values ?? []).join(', ')})`;
    parts.push(e.operator === GitOpsSelectorOperator.IN ? `${e.key} in ${vs}` : e.operator === GitOpsSelectorOperator.NOT_IN ? `${e.key} notin ${vs}`
      : e.operator === GitOpsSelectorOperator.EXISTS ? e.key : `!${e.key}`);
  }
  return parts.length === 0 ? '<every cluster>' : parts.join(', ');
}
