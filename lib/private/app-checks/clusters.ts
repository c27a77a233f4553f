/**
 * Which cluster a construct lands in. An app of one cluster is one cluster; in a fleet each site
 * (EdgeSite) is a cluster of its own, so names, namespaces, RuntimeClasses and routes are unique
 * per site, not across the fleet (two sites each have their "wasmedge" RuntimeClass).
 */
import { IConstruct } from 'constructs';
import { AppIndexReader, Derived } from './engine';
import { SITE } from './sites';

interface ClusterIndex {
  readonly sites: Set<IConstruct>;
  readonly keys: Map<IConstruct, string>;
}

const CLUSTERS = new Derived<ClusterIndex>('the cluster of each construct', index => ({
  sites: new Set(index.members(SITE).filter(s => s.built).map(s => s.scope)),
  keys: new Map(),
}));

/**
 * A key naming the cluster of `scope`: its site's path, or '' outside any site. Memoized per pass
 * up the tree, so keying every construct of the app stays linear.
 */
export function clusterKey(index: AppIndexReader, scope: IConstruct): string {
  const clusters = index.derived(CLUSTERS);
  if (clusters.sites.size === 0) return '';
  const walk = (c: IConstruct): string => {
    const hit = clusters.keys.get(c);
    if (hit !== undefined) return hit;
    const key = clusters.sites.has(c) ? `site ${c.node.path}` : c.node.scope ? walk(c.node.scope) : '';
    clusters.keys.set(c, key);
    return key;
  };
  return walk(scope);
}
