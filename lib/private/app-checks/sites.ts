/**
 * The sites of a fleet (EdgeSite): one name each, at least one server each, nodes named and
 * addressed once across the fleet, and workloads that need only runtimes the site's nodes offer.
 */
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { AppRule, AppView, groupBy, Kind, Report } from './engine';

/** A node of a site, as the site declared it. */
export interface SiteNodeFacts {
  readonly scope: IConstruct;
  readonly name: string;
  readonly ip?: string;
  /** Its addresses in one spelling each (a dual-stack node has two). */
  readonly ips: readonly string[];
  /** The handlers of the runtimes the node offers. */
  readonly handlers: readonly string[];
}

/** What an EdgeSite registers. */
export interface SiteFacts {
  /** The site's chart. */
  readonly scope: IConstruct;
  readonly name: string;
  /** Where the site was declared (an inventory row), for messages. */
  readonly source?: string;
  /** Its nodes, in the order added (the list grows as nodes are added). */
  readonly nodes: readonly SiteNodeFacts[];
  readonly hasServer: () => boolean;
  /**
   * Whether the site is in this app's tree (false: a site built at synth in an app of its own;
   * `scope` is then its fleet and `path` its path).
   */
  readonly built: boolean;
  /** The site's construct path, when it differs from scope's. */
  readonly path?: string;
}

/** What a Wasm workload registers: the runtime it needs. */
export interface WorkloadRuntimeFacts {
  readonly scope: IConstruct;
  /** The handler of its RuntimeClass. */
  readonly handler: string;
  readonly runtimeClassName: string;
}

export const SITE = new Kind<SiteFacts>('edge site');
export const WORKLOAD_RUNTIME = new Kind<WorkloadRuntimeFacts>('Wasm workload runtime');

function where(site: SiteFacts): string {
  const p = site.path ?? site.scope.node.path;
  return site.source ? `${p} (${site.source})` : p;
}

/** Two sites with one name would write one directory and claim one cluster. */
export const UNIQUE_SITE_NAMES: AppRule = {
  name: 'one site per name',
  check(view: AppView, report: Report): void {
    for (const sites of groupBy(view.members(SITE), s => [s.name]).values()) {
      if (sites.length < 2) continue;
      for (const s of sites) {
        report.error(propError(where(s), 'siteName', s.name, `is also the name of ${sites.filter(o => o !== s).map(where).join(', ')}`,
          'give every site its own name (it is the site\'s directory and its cluster\'s name)'));
      }
    }
  },
};

/** A site without a server has no cluster: its agents have nothing to join, its manifests nowhere to go. */
export const SITES_HAVE_A_SERVER: AppRule = {
  name: 'every site has a server',
  check(view: AppView, report: Report): void {
    for (const s of view.members(SITE)) {
      if (!s.hasServer()) {
        report.error(propError(where(s), 'servers', [], 'is empty: the site has no K3s server', 'give the site at least one server (servers, or addServer())'));
      }
    }
  },
};

/** Node names and addresses are the fleet's: two nodes with one name or one IP collide in the fleet manager, the inventory and the network. */
export const UNIQUE_SITE_NODES: AppRule = {
  name: 'one node per name and per IP address in the fleet',
  check(view: AppView, report: Report): void {
    const nodes = view.members(SITE).flatMap(site => site.nodes.map(node => ({ site, node })));
    const check = (prop: 'name' | 'ip', what: string) => {
      const groups = groupBy(nodes, n => (prop === 'name' ? [n.node.name] : n.node.ips));
      for (const [value, list] of groups) {
        if (list.length < 2) continue;
        for (const n of list) {
          const others = list.filter(o => o !== n).map(o => `${o.node.name} of site ${o.site.name} (${where(o.site)})`);
          report.error(propError(where(n.site), prop === 'name' ? 'nodes.name' : `nodes[${n.node.name}].ip`, value, `is also the ${what} of ${others.join(', ')}`,
            prop === 'name' ? 'give every node of the fleet its own name' : 'give every node of the fleet its own address (two sites cannot claim one node IP)'));
        }
      }
    };
    check('name', 'name');
    check('ip', 'address');
  },
};

/**
 * A workload whose RuntimeClass handler no node of its site offers stays Pending (or, without a
 * RuntimeClass nodeSelector, fails with "no runtime for handler"): the site's nodes must offer it.
 */
export const SITE_RUNTIMES_OFFERED: AppRule = {
  name: 'a site\'s workloads need only runtimes its nodes offer',
  check(view: AppView, report: Report): void {
    const sites = new Map<IConstruct, SiteFacts>();
    for (const s of view.members(SITE)) if (s.built) sites.set(s.scope, s);
    if (sites.size === 0) return;
    for (const w of view.members(WORKLOAD_RUNTIME)) {
      let site: SiteFacts | undefined;
      for (const c of w.scope.node.scopes) site = sites.get(c) ?? site;
      if (!site || site.nodes.length === 0) continue;
      if (site.nodes.some(n => n.handlers.includes(w.handler))) continue;
      const offered = [...new Set(site.nodes.flatMap(n => n.handlers))].sort();
      report.error(propError(w.scope, 'runtimeClass', w.runtimeClassName,
        `needs the "${w.handler}" runtime, which no node of site ${site.name} (${where(site)}) offers (they offer ${offered.join(', ') || 'none'})`,
        'add the runtime to the site\'s nodes (nodeDefaults.runtimes), or use a RuntimeClass of a runtime they offer'));
    }
  },
};
