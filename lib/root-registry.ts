import { IConstruct } from 'constructs';

const REGISTRY = new WeakMap<IConstruct, Map<string, unknown[]>>();

/**
 * The constructs of one kind registered in the app that holds `scope` (its construct root). Checks
 * across constructs read this list instead of walking the whole tree from every construct, which
 * would make synthesis quadratic in the number of workloads.
 *
 * @internal
 */
export function rootMembers<T>(scope: IConstruct, kind: string): T[] {
  const root = scope.node.root;
  let kinds = REGISTRY.get(root);
  if (!kinds) {
    kinds = new Map();
    REGISTRY.set(root, kinds);
  }
  let list = kinds.get(kind);
  if (!list) {
    list = [];
    kinds.set(kind, list);
  }
  return list as T[];
}
