/**
 * The app's nodes (EdgeOfflineNode): what they offer and carry, for the RuntimeClass checks and
 * renders, and the rule that agents fit the servers they join.
 */
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { clusterKey } from './clusters';
import { AppIndexReader, AppRule, AppView, Derived, groupBy, Kind, Report } from './engine';

/** What a node of the app registers (an EdgeNodeGroup is not a node: its nodes register themselves). */
export interface NodeFacts {
  readonly scope: IConstruct;
  readonly nodeName: string;
  /** The handlers of the runtimes the node offers (fixed at construction). */
  readonly handlers: readonly string[];
  /** The labels that select the node (read late: a node group adds its label to its nodes). */
  readonly labels: () => { [key: string]: string };
  /** Whether the node runs the K3s server (a cluster-init, single-node or joining server). */
  readonly server: boolean;
  /** How the node joins a cluster; undefined for a node that starts one. */
  readonly joins?: JoinFacts;
  /** Names and addresses its server certificate and API answer on (tls-san, node-ip, advertise-address). */
  readonly addresses: readonly string[];
  /** The node subnet size it needs (an agent) or hands out (a server): node-cidr-mask-size. */
  readonly nodeCidrMaskSize: number;
  /** The pods per node of its density plan (kubelet max-pods). */
  readonly maxPods: number;
  /** The density target it was given, for the fix. */
  readonly podsPerNode?: number;
  readonly embeddedRegistry: boolean;
}

/** How a node finds the server it joins. */
export interface JoinFacts {
  /** The server given as a node (`server`), if any. */
  readonly server?: NodeFacts;
  /** The host of `serverUrl`. */
  readonly host?: string;
}

export const NODE = new Kind<NodeFacts>('edge node');

/** The app's nodes, their labels by `key=value` and the handlers they offer. */
export interface AppNodeIndex {
  readonly nodes: readonly NodeFacts[];
  readonly byLabel: Map<string, NodeFacts[]>;
  readonly labelsOf: Map<NodeFacts, { [key: string]: string }>;
  readonly handlers: Set<string>;
}

/** The node index: cached until a node registers or a pass starts, so renders and checks stay linear. */
export const APP_NODES = new Derived<AppNodeIndex>('nodes by label', (index: AppIndexReader) => nodeIndexOf(index.members(NODE)));

function nodeIndexOf(nodes: readonly NodeFacts[]): AppNodeIndex {
  const labelsOf = new Map<NodeFacts, { [key: string]: string }>();
  for (const n of nodes) labelsOf.set(n, n.labels());
  const byLabel = groupBy(nodes, n => Object.entries(labelsOf.get(n)!).map(([k, v]) => `${k}=${v}`));
  const handlers = new Set(nodes.flatMap(n => n.handlers));
  return { nodes, byLabel, labelsOf, handlers };
}

/** The node index of each cluster of the app (in a fleet, each site is a cluster of its own). */
const CLUSTER_NODES = new Derived<Map<string, AppNodeIndex>>('nodes by cluster', (index: AppIndexReader) => {
  const groups = groupBy(index.members(NODE), n => [clusterKey(index, n.scope)]);
  const out = new Map<string, AppNodeIndex>();
  for (const [key, nodes] of groups) out.set(key, nodeIndexOf(nodes));
  return out;
});

const NO_NODES: AppNodeIndex = nodeIndexOf([]);

/**
 * The nodes of the cluster `scope` lands in: the app's nodes, or in a fleet its site's nodes (a
 * RuntimeClass of one site must not be judged by another site's nodes).
 */
export function clusterNodes(index: AppIndexReader, scope: IConstruct): AppNodeIndex {
  return index.derived(CLUSTER_NODES).get(clusterKey(index, scope)) ?? NO_NODES;
}

/** Whether some node of the index carries every label of `selector`. */
export function someNodeCarries(index: AppNodeIndex, selector: { [key: string]: string }): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return index.nodes.length > 0;
  let smallest: NodeFacts[] | undefined;
  for (const [k, v] of entries) {
    const list = index.byLabel.get(`${k}=${v}`);
    if (!list) return false;
    if (!smallest || list.length < smallest.length) smallest = list;
  }
  return smallest!.some(n => entries.every(([k, v]) => index.labelsOf.get(n)![k] === v));
}

/**
 * The servers of the app a node joins: `server`, else those its `serverUrl` names (by nodeName or
 * an address in their config), else the app's only server. None when the app holds several
 * servers and the URL names none of them: the node may join another site's cluster.
 */
function joinedServers(node: NodeFacts, joins: JoinFacts, servers: readonly NodeFacts[], byAddress: Map<string, NodeFacts[]>): NodeFacts[] {
  if (joins.server) return [joins.server];
  const named = (joins.host !== undefined ? byAddress.get(joins.host) ?? [] : []).filter(s => s !== node);
  if (named.length > 0) return named;
  // The app's only server (this node is in the list when it is a server itself).
  const others = servers.length - (node.server ? 1 : 0);
  return others === 1 ? servers.filter(s => s !== node) : [];
}

/**
 * Nodes that join a cluster fit the servers of the app they join: the servers hand out node subnets
 * large enough for the agent's pods (node-cidr-mask-size is cluster-wide), and run the embedded
 * registry mirror when the node counts on it (`embedded-registry` is a server setting the nodes learn).
 *
 * @see https://docs.k3s.io/installation/registry-mirror
 */
export const NODES_FIT_THEIR_SERVERS: AppRule = {
  name: 'nodes fit the servers they join',
  check(view: AppView, report: Report): void {
    const nodes = view.members(NODE);
    const servers = nodes.filter(n => n.server);
    // Indexed once per pass: a fleet app validates thousands of nodes once per chart.
    const byAddress = groupBy(servers, s => [s.nodeName, ...s.addresses]);
    for (const node of nodes) {
      if (!node.joins) continue;
      const joined = joinedServers(node, node.joins, servers, byAddress);
      for (const s of joined) {
        if (s.nodeCidrMaskSize > node.nodeCidrMaskSize) {
          report.error(propError(node.scope, 'density.podsPerNode', node.maxPods,
            `needs /${node.nodeCidrMaskSize} node subnets, but server ${s.scope.node.path} hands out /${s.nodeCidrMaskSize} (node-cidr-mask-size is cluster-wide)`,
            `give the server a density target at least as high (podsPerNode >= ${node.podsPerNode})`));
        }
      }
      if (!node.embeddedRegistry) continue;
      for (const s of joined.filter(x => !x.embeddedRegistry)) {
        report.error(propError(node.scope, 'embeddedRegistry', true,
          `server ${s.scope.node.path} does not run the embedded registry mirror (embedded-registry is a server setting the nodes learn from their server), `
          + 'so this node\'s images are not shared peer to peer and cannot be pulled while offline',
          `set embeddedRegistry: true on ${s.scope.node.path}, or give this node a localRegistry (or embeddedRegistry: false and airgap image tarballs)`));
      }
    }
  },
};
