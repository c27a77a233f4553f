import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { WASM_EDGE_LABEL_PREFIX } from '../core/runtime';
import { EdgeNodeRole, EdgeOfflineNode, EdgeOfflineNodeProps } from '../node/edge-offline-node';
import { appIndex } from '../private/app-checks';
import { SITE, SiteFacts, SiteNodeFacts } from '../private/app-checks/sites';
import { checkNoCredential } from '../private/credentials';
import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { ipKeys } from '../private/ip';
import { checkLabelKey, checkLabelValue } from '../private/labels';
import { sortedRecord } from '../private/objects';
import { warn } from '../private/warnings';

// cdk8s's Chart answers `instanceof` for every chart (Symbol.hasInstance), so sites carry a brand.
const EDGE_SITE = Symbol.for('cdk8s-wasm-edge.EdgeSite');

/** The cluster label every site carries: its name. */
export const SITE_CLUSTER_LABEL = `${WASM_EDGE_LABEL_PREFIX}site`;

/** One node of a site: its name and address. */
export interface EdgeSiteNode {
  /** The Kubernetes node name (a DNS-1123 subdomain, unique in the fleet). */
  readonly name: string;
  /**
   * The node's IP address (K3s `node-ip`). A server's address is the URL its agents join.
   *
   * @default - K3s picks the address of the default route; agents join the server by its name
   *   (a synth warning: that needs DNS at the site)
   */
  readonly ip?: string;
}

/** Props of an EdgeSite. */
export interface EdgeSiteProps extends ChartProps {
  /**
   * The site's name: its directory in the GitOps repository and its cluster's name in the fleet
   * manager (a DNS-1123 label, unique in the app).
   *
   * @default - the construct id
   */
  readonly siteName?: string;

  /**
   * Region (cluster label `region`, node label `topology.kubernetes.io/region`).
   *
   * @default - none
   */
  readonly region?: string;

  /**
   * Zone (cluster label `zone`, node label `topology.kubernetes.io/zone`).
   *
   * @default - none
   */
  readonly zone?: string;

  /**
   * Tier, e.g. `mec` or `factory` (cluster label `tier`).
   *
   * @default - none
   */
  readonly tier?: string;

  /**
   * Hardware class, e.g. `arm64-small` (cluster label `hardware`).
   *
   * @default - none
   */
  readonly hardware?: string;

  /**
   * A canary site: gets K3s upgrades and rollouts first (cluster label `canary: "true"`).
   *
   * @default false
   */
  readonly canary?: boolean;

  /**
   * More labels of the site's cluster in the fleet manager; workloads and GitOps targets select
   * sites by these and the ones above.
   *
   * @default - none
   */
  readonly clusterLabels?: { [key: string]: string };

  /**
   * Per-site values for the workloads placed on the site (image tags, replica counts, upstream
   * URLs...), read with `setting()`. Never credentials: those belong in Secrets.
   *
   * @default - none
   */
  readonly settings?: { [key: string]: string };

  /**
   * The K3s servers. One server is a single-node server (SQLite); with several, the first starts
   * embedded etcd (`cluster-init`) and the others join it.
   *
   * @default - none: add them with addServer() (a site needs one)
   */
  readonly servers?: EdgeSiteNode[];

  /**
   * The K3s agents; they join the site's first server.
   *
   * @default - none
   */
  readonly agents?: EdgeSiteNode[];

  /**
   * Settings of every node of the site (K3s version, runtimes, density, offline window, registry,
   * airgap...). The site sets role, nodeName, nodeIp, server, serverUrl, site, region and zone itself.
   *
   * @default - the fleet's nodeDefaults (a site's own are merged on top, prop by prop), else EdgeOfflineNode's defaults
   */
  readonly nodeDefaults?: EdgeOfflineNodeProps;

  /**
   * Where the site was declared, for messages (e.g. `sites.csv:12`, an inventory row).
   *
   * @default - none
   */
  readonly source?: string;
}

/**
 * The labels of a site's cluster, checked: region, zone, tier, hardware, canary, the site name and
 * the cluster labels, sorted by key.
 *
 * @internal
 */
export function siteLabelsOf(owner: string, siteName: string, props: EdgeSiteProps): { [key: string]: string } {
  const labels: { [key: string]: string } = {};
  const named: Array<[string, string | undefined]> = [['region', props.region], ['zone', props.zone], ['tier', props.tier], ['hardware', props.hardware]];
  for (const [key, value] of named) {
    if (value === undefined) continue;
    checkLabelValue(owner, key, value);
    if (value === '') throw propError(owner, key, value, 'is empty', `leave ${key} out, or give a value`);
    labels[key] = value;
  }
  for (const [key, value] of Object.entries(props.clusterLabels ?? {})) {
    checkLabelKey(owner, `clusterLabels.${key}`, key, false);
    checkLabelValue(owner, `clusterLabels.${key}`, value);
    if (key in labels || key === SITE_CLUSTER_LABEL || key === 'canary') {
      throw propError(owner, `clusterLabels.${key}`, value, `is a label the site sets from its own props (${key})`,
        key === SITE_CLUSTER_LABEL ? 'the site name is the label' : `set the ${key} prop instead`);
    }
    labels[key] = value;
  }
  if (props.canary ?? false) labels.canary = 'true';
  labels[SITE_CLUSTER_LABEL] = siteName;
  return sortedRecord(labels);
}

/** Whether labels carry every entry of a selector. */
export function labelsMatch(labels: { [key: string]: string }, selector: { [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Props the site owns on its nodes. */
const SITE_OWNED_NODE_PROPS = ['role', 'nodeName', 'nodeIp', 'server', 'serverUrl', 'site', 'region', 'zone'] as const;

/**
 * One edge site: a K3s cluster (its servers and agents as EdgeOfflineNodes) and the workloads it
 * runs, in one chart. In a FleetApp its manifests go to `sites/<siteName>/manifests/` and its node
 * files to `sites/<siteName>/nodes/<nodeName>/`; a fleet manager deploys the manifests to the
 * cluster registered under the site's name.
 */
export class EdgeSite extends Chart {
  /** Whether a construct is an EdgeSite. */
  public static isEdgeSite(x: any): x is EdgeSite {
    return x !== null && typeof x === 'object' && (x as any)[EDGE_SITE] === true;
  }

  /** The site a construct belongs to: the closest EdgeSite above it (or itself), if any. */
  public static siteOf(construct: IConstruct): EdgeSite | undefined {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (EdgeSite.isEdgeSite(c)) return c as EdgeSite;
    }
    return undefined;
  }

  /** The site's name. */
  public readonly siteName: string;
  /** Whether the site is a canary. */
  public readonly canary: boolean;
  /** The labels of the site's cluster in the fleet manager, sorted by key. */
  public readonly siteLabels: { [key: string]: string };
  /** Per-site values, sorted by key. */
  public readonly settings: { [key: string]: string };
  /** Where the site was declared, if given. */
  public readonly source?: string;
  private readonly region?: string;
  private readonly zone?: string;
  private readonly nodeDefaults: EdgeOfflineNodeProps;
  private readonly siteServers: EdgeOfflineNode[] = [];
  private readonly siteAgents: EdgeOfflineNode[] = [];
  private readonly ha: boolean;
  private readonly declaredAgents: boolean;
  private readonly facts: SiteFacts;

  constructor(scope: Construct, id: string, props: EdgeSiteProps = {}) {
    super(scope, id, props);
    Object.defineProperty(this, EDGE_SITE, { value: true });
    this.siteName = props.siteName ?? id;
    this.source = props.source;
    const owner = this.owner;
    checkDns1123Label(owner, 'siteName', this.siteName);
    this.canary = props.canary ?? false;
    this.region = props.region;
    this.zone = props.zone;

    this.siteLabels = siteLabelsOf(owner, this.siteName, props);

    for (const [key, value] of Object.entries(props.settings ?? {})) {
      if (key === '') throw propError(owner, 'settings', key, 'has an empty key', 'name every setting');
      checkNoCredential(owner, `settings.${key}`, key, value, 'put credentials in a Secret and give the workload its name as a setting');
    }
    this.settings = sortedRecord(props.settings ?? {});

    this.nodeDefaults = props.nodeDefaults ?? {};
    for (const p of SITE_OWNED_NODE_PROPS) {
      if (this.nodeDefaults[p] !== undefined) {
        throw propError(owner, `nodeDefaults.${p}`, this.nodeDefaults[p] instanceof Construct ? (this.nodeDefaults[p] as Construct).node.path : this.nodeDefaults[p],
          'is set by the site for each node', `leave it out of nodeDefaults (${p === 'nodeName' ? 'name nodes in servers/agents' : 'the site sets it from its own props'})`);
      }
    }

    const servers = props.servers ?? [];
    this.ha = servers.length > 1;
    this.declaredAgents = (props.agents ?? []).length > 0;
    this.facts = appIndex(this).add(SITE, {
      scope: this,
      name: this.siteName,
      source: this.source,
      nodes: [],
      built: true,
      hasServer: () => this.siteServers.length > 0,
    });
    for (const s of servers) this.addServer(s);
    for (const a of props.agents ?? []) this.addAgent(a);
  }

  /** The site's K3s servers, in the order added. */
  public get servers(): EdgeOfflineNode[] {
    return [...this.siteServers];
  }

  /** The site's K3s agents, in the order added. */
  public get agents(): EdgeOfflineNode[] {
    return [...this.siteAgents];
  }

  /** Every node of the site: servers, then agents. */
  public get nodes(): EdgeOfflineNode[] {
    return [...this.siteServers, ...this.siteAgents];
  }

  /**
   * Adds a K3s server. The first server of a site declared with several `servers` starts embedded
   * etcd; later ones join it.
   *
   * @param node its name and address
   * @param props settings of this node on top of the site's nodeDefaults
   */
  public addServer(node: EdgeSiteNode, props: EdgeOfflineNodeProps = {}): EdgeOfflineNode {
    const first = this.siteServers[0];
    let role: EdgeNodeRole;
    if (!first) {
      role = this.ha ? EdgeNodeRole.CLUSTER_INIT_SERVER : EdgeNodeRole.SINGLE_NODE_SERVER;
    } else if (first.role === EdgeNodeRole.SINGLE_NODE_SERVER) {
      throw propError(this.owner, 'servers', node.name, `joins ${first.nodeName}, a single-node server (SQLite), which no server can join`,
        'declare every server in the site\'s `servers` prop, so the first starts embedded etcd (cluster-init) and the others join it');
    } else {
      role = EdgeNodeRole.JOINING_SERVER;
    }
    const created = this.createNode(node, role, props, first);
    this.siteServers.push(created);
    return created;
  }

  /**
   * Adds a K3s agent that joins the site's first server.
   *
   * @param node its name and address
   * @param props settings of this node on top of the site's nodeDefaults
   */
  public addAgent(node: EdgeSiteNode, props: EdgeOfflineNodeProps = {}): EdgeOfflineNode {
    const server = this.siteServers[0];
    if (!server) {
      throw propError(this.owner, 'agents', node.name, 'joins the site\'s first server, but the site has no server yet',
        'give the site `servers` (or call addServer() before addAgent())');
    }
    const created = this.createNode(node, EdgeNodeRole.AGENT, props, server);
    this.siteAgents.push(created);
    return created;
  }

  /**
   * A per-site value.
   *
   * @param key the setting's name
   * @param defaultValue returned when the site has no such setting
   */
  public setting(key: string, defaultValue?: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.settings, key) ? this.settings[key] : defaultValue;
  }

  /**
   * Whether the site carries every label of `selector` (an empty selector matches every site).
   */
  public matches(selector: { [key: string]: string }): boolean {
    return labelsMatch(this.siteLabels, selector);
  }

  /** The construct path and, when known, where the site was declared: the owner named in errors. */
  private get owner(): string {
    return this.source ? `${this.node.path} (${this.source})` : this.node.path;
  }

  private createNode(node: EdgeSiteNode, role: EdgeNodeRole, props: EdgeOfflineNodeProps, server: EdgeOfflineNode | undefined): EdgeOfflineNode {
    const owner = this.owner;
    const prop = role === EdgeNodeRole.AGENT ? 'agents' : 'servers';
    if (!node || typeof node.name !== 'string') throw propError(owner, prop, node, 'has a node without a name', 'give every node a name');
    checkDns1123Subdomain(owner, `${prop}.name`, node.name);
    for (const p of SITE_OWNED_NODE_PROPS) {
      if (props[p] !== undefined) {
        throw propError(owner, `${prop}[${node.name}].${p}`, props[p] instanceof Construct ? (props[p] as Construct).node.path : props[p], 'is set by the site', 'leave it out');
      }
    }
    const merged: EdgeOfflineNodeProps = Object.assign({}, this.nodeDefaults, props);
    // A lone server with agents has peers to share images with: it runs the embedded mirror the
    // agents count on (EdgeOfflineNode's default is off for a single-node server).
    const embeddedRegistry = merged.embeddedRegistry
      ?? (role === EdgeNodeRole.SINGLE_NODE_SERVER && this.declaredAgents && merged.localRegistry === undefined ? true : undefined);
    // Agents and joining servers join the first server, by its nodeIp when it has one (EdgeOfflineNode's default).
    const created = new EdgeOfflineNode(this, node.name, Object.assign({}, merged, {
      role,
      nodeName: node.name,
      nodeIp: node.ip,
      server,
      site: this.siteName,
      region: this.region,
      zone: this.zone,
      embeddedRegistry,
    }));
    if (server && server.nodeIp === undefined) {
      warn(created, 'server', server.nodeName, `has no ip, so this node joins it by name (https://${server.nodeName}:6443), which needs DNS at the site (none while offline, unless the name is in /etc/hosts)`,
        `give the server an ip in the site's servers (${server.nodeName}@<address> in the inventory)`);
    }
    // Addresses as Go compares them (fd00::1 is FD00:0::1), for the fleet-wide uniqueness rule.
    const handlers = created.runtimes.map(r => r.handler);
    (this.facts.nodes as SiteNodeFacts[]).push({ scope: created, name: node.name, ip: node.ip, ips: ipKeys(node.ip), handlers });
    return created;
  }
}

