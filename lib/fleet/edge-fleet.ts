import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { EdgeSite, EdgeSiteProps, labelsMatch, siteLabelsOf } from './edge-site';
import { GitOps, GitOpsSite } from './gitops';
import { InventorySite, SiteInventory } from './inventory';
import { K3sUpgradeOptions, K3sUpgradePlan } from './k3s-upgrade';
import { WASM_EDGE_LABEL_PREFIX } from '../core/runtime';
import { EdgeOfflineNodeProps } from '../node/edge-offline-node';
import { K3sVersion } from '../node/k3s-version';
import { appIndex, Slot } from '../private/app-checks';
import { SITE } from '../private/app-checks/sites';
import { isFleetApp } from '../private/app-synth';
import { checkDns1123Label, propError } from '../private/errors';
import { ipKeys } from '../private/ip';
import { checkLabelKey, checkLabelValue } from '../private/labels';
import { sortedRecord } from '../private/objects';
import { byCodeUnit } from '../private/order';

/**
 * Workloads declared once and placed on many sites: `addToSite` adds the workload's constructs
 * (WasmDeployments, services, autoscalers...) to one site, reading the site's labels and settings
 * for per-site values.
 */
export interface ISiteWorkload {
  /**
   * Adds the workload to one site. Called once for each site the placement selects, when both exist.
   *
   * @param site the site (a Chart): the scope of the workload's constructs
   */
  addToSite(site: EdgeSite): void;
}

/** Where a workload goes. */
export interface WorkloadPlacementOptions {
  /**
   * The sites whose labels (`EdgeSite.siteLabels`: region, zone, tier, hardware, canary, the site
   * name and cluster labels) include every entry. A placement that selects no site is an error at synth.
   *
   * @default - every site of the fleet
   */
  readonly siteSelector?: { [key: string]: string };
}

/** Props of an EdgeFleet. */
export interface EdgeFleetProps {
  /**
   * Names the fleet's directory and its fleet-level objects (a DNS-1123 label).
   *
   * @default - the construct id
   */
  readonly fleetName?: string;

  /**
   * How a fleet manager deploys the sites: `GitOps.rancherFleet(...)` or `GitOps.argoCd(...)`.
   * Its objects go to `<directory>/fleet.k8s.yaml`, applied to the management cluster.
   *
   * @default - no fleet manager objects: the directory tree only
   */
  readonly gitOps?: GitOps;

  /**
   * The fleet's directory under the app's output directory (a relative POSIX path).
   *
   * @default - the fleet name
   */
  readonly directory?: string;

  /**
   * Where that directory sits in the Git repository the fleet manager reads (a relative POSIX
   * path; "" for the repository root): the paths in the fleet manager's objects start there.
   *
   * @default - the directory (the app's output directory is the repository root)
   */
  readonly repositoryPath?: string;

  /**
   * Settings of every node of every site (K3s version, runtimes, density, offline window...).
   * A site's own nodeDefaults are added on top (prop by prop).
   *
   * @default - EdgeOfflineNode's defaults
   */
  readonly nodeDefaults?: EdgeOfflineNodeProps;

  /**
   * The default namespace of the sites' objects.
   *
   * @default - none (cdk8s writes no namespace; the fleet manager's default applies)
   */
  readonly namespace?: string;

  /**
   * K3s upgrades across the fleet: every site gets system-upgrade-controller Plans (in its own
   * manifests) for `version`, canary sites (`canary: true`) for `canaryVersion` when set. Roll out
   * by setting canaryVersion, watching the canary sites, then setting version to it.
   *
   * @default - no upgrade Plans
   */
  readonly k3sUpgrade?: K3sUpgradeOptions;
}

interface Placement {
  readonly workload: ISiteWorkload;
  readonly selector: { [key: string]: string };
  /** The sites it was added to. */
  readonly sites: EdgeSite[];
}

/**
 * A site declared with defineSite(): built at synth, one at a time, in an app of its own.
 *
 * @internal
 */
export interface SiteSpec {
  readonly id: string;
  readonly siteName: string;
  readonly props: EdgeSiteProps;
  readonly labels: { [key: string]: string };
}

/** The cluster label every site of a fleet carries in the fleet manager: the fleet's name. */
export const FLEET_CLUSTER_LABEL = `${WASM_EDGE_LABEL_PREFIX}fleet`;

/** The fleets of an app, in construction order: what FleetApp.synth() prepares and writes. */
export const FLEETS = new Slot<EdgeFleet[]>('fleets', () => []);

/**
 * Many edge sites in one program and one GitOps repository: sites built in code or from an
 * inventory, workloads declared once and placed on sites by label, and the fleet manager's
 * objects. Needs a FleetApp, whose synth() writes:
 *
 * ```
 * <outdir>/<directory>/fleet.k8s.yaml                         fleet manager objects (GitRepo, ApplicationSet...)
 * <outdir>/<directory>/sites/<site>/manifests/<site>.k8s.yaml the site's manifests (+ fleet.yaml for Rancher Fleet)
 * <outdir>/<directory>/sites/<site>/nodes/<node>/...          the site's K3s node files and cloud-init.yaml
 * ```
 */
export class EdgeFleet extends Construct {
  /** Whether a construct is an EdgeFleet. */
  public static isEdgeFleet(x: any): x is EdgeFleet {
    return x instanceof EdgeFleet;
  }

  /** The fleet's name. */
  public readonly fleetName: string;
  /** How the fleet manager finds the sites, if set. */
  public readonly gitOps?: GitOps;
  /** The fleet's directory under the output directory. */
  public readonly directory: string;
  /** The fleet's directory in the Git repository. */
  public readonly repositoryPath: string;
  /** The chart of the fleet manager's objects. */
  public readonly managementChart: Chart;
  private readonly props: EdgeFleetProps;
  private readonly fleetSites: EdgeSite[] = [];
  private readonly placements: Placement[] = [];
  private readonly specs: SiteSpec[] = [];
  private bound = false;

  constructor(scope: Construct, id: string, props: EdgeFleetProps = {}) {
    super(scope, id);
    this.props = props;
    this.fleetName = props.fleetName ?? id;
    checkDns1123Label(this, 'fleetName', this.fleetName);
    this.gitOps = props.gitOps;
    this.directory = checkRelative(this, 'directory', props.directory ?? this.fleetName, false);
    this.repositoryPath = checkRelative(this, 'repositoryPath', props.repositoryPath ?? this.directory, true);
    this.managementChart = new Chart(this, 'Management');
    appIndex(this).slot(FLEETS).push(this);
    this.node.addValidation({ validate: () => this.validateFleet() });
  }

  /** The fleet's sites, in the order added. */
  public get sites(): EdgeSite[] {
    return [...this.fleetSites];
  }

  /**
   * Adds a site. The fleet's namespace applies unless the site sets its own, and its nodeDefaults
   * under the site's own (merged prop by prop); the workloads placed so far whose selector matches
   * it are added to it.
   */
  public addSite(id: string, props: EdgeSiteProps = {}): EdgeSite {
    if (this.specs.some(s => s.id === id)) throw propError(this, 'id', id, 'is already a site of the fleet (defineSite)', 'give every site its own id');
    const site = this.createSite(this, id, props);
    this.fleetSites.push(site);
    return site;
  }

  private createSite(scope: Construct, id: string, props: EdgeSiteProps): EdgeSite {
    // A site's nodeDefaults add to the fleet's (a site that sets its K3s version keeps the fleet's airgap).
    const nodeDefaults = props.nodeDefaults || this.props.nodeDefaults ? Object.assign({}, this.props.nodeDefaults, props.nodeDefaults) : undefined;
    const site = new EdgeSite(scope, id, Object.assign({}, props, {
      nodeDefaults,
      namespace: props.namespace ?? this.props.namespace,
    }));
    if (this.props.k3sUpgrade) {
      const plan = K3sUpgradePlan.forSite(site, 'K3sUpgrade', this.props.k3sUpgrade, { canary: site.canary });
      site.node.addValidation({ validate: () => noDowngrade(site, plan) });
    }
    for (const p of this.placements) this.place(p, site, scope === this);
    return site;
  }

  /**
   * Adds a site for every row of an inventory (in its order). A row's labels become cluster labels,
   * its settings the site's settings, and its source (`sites.csv:12`) is named in every error
   * about the site.
   *
   * @param inventory the sites, e.g. `SiteInventory.fromFile('sites.csv')`
   * @param defaults props for every site (namespace, nodeDefaults, region...); a row's non-empty
   *   values win, its labels and settings are added to the defaults'
   * @returns the sites added
   */
  public addSites(inventory: SiteInventory, defaults: EdgeSiteProps = {}): EdgeSite[] {
    return inventory.sites.map(row => this.addSite(row.name, siteProps(row, defaults)));
  }

  /**
   * Declares a site that synth builds, writes and drops on its own, one site at a time: a fleet of
   * 10,000 such sites synthesizes in the memory of one. The site is built from its props, the
   * fleet's nodeDefaults, namespace and k3sUpgrade, and the workloads placed on it with deploy();
   * it is not in the app's tree (so nothing may reference its constructs, and its workloads must
   * create everything they use inside the site). Its documents are the ones addSite() would give.
   * Errors about it name its inventory row, at synth.
   */
  public defineSite(id: string, props: EdgeSiteProps = {}): void {
    const siteName = props.siteName ?? id;
    const sitePath = `${this.node.path}/${id}`;
    const owner = props.source ? `${sitePath} (${props.source})` : sitePath;
    checkDns1123Label(owner, 'siteName', siteName);
    if (this.node.tryFindChild(id) || this.specs.some(s => s.id === id)) {
      throw propError(owner, 'id', id, 'is already a site of the fleet', 'give every site its own id');
    }
    const spec: SiteSpec = { id, siteName, props, labels: siteLabelsOf(owner, siteName, props) };
    this.specs.push(spec);
    const nodes = [...(props.servers ?? []), ...(props.agents ?? [])].map(n => ({
      scope: this as IConstruct,
      name: n.name,
      ip: n.ip,
      ips: ipKeys(n.ip),
      handlers: [],
    }));
    appIndex(this).add(SITE, {
      scope: this, path: sitePath, name: siteName, source: props.source, nodes, built: false, hasServer: () => (props.servers ?? []).length > 0,
    });
  }

  /** Declares a site for every row of an inventory, as defineSite() does (see addSites() for the mapping). */
  public defineSites(inventory: SiteInventory, defaults: EdgeSiteProps = {}): void {
    for (const row of inventory.sites) this.defineSite(row.name, siteProps(row, defaults));
  }

  /**
   * The sites declared with defineSite(), in order.
   *
   * @internal
   */
  public get _siteSpecs(): readonly SiteSpec[] {
    return this.specs;
  }

  /**
   * Builds a declared site in an app of its own, at the path it would have in this fleet (so its
   * object names are those addSite() gives): the site, its upgrade Plans and its workloads.
   *
   * @internal
   */
  public _buildSite(spec: SiteSpec): EdgeSite {
    // The app's context (strict mode...) and resolvers apply to it as to an added site.
    const root = this.node.root;
    // App appends its three built-in resolvers to the ones given (cdk8s lib/app.js:93): pass on only
    // the user's, or every value would be resolved twice over.
    const app = new App({ outdir: '.', resolvers: root instanceof App ? root.resolvers.slice(0, -3) : undefined });
    for (const [k, v] of Object.entries(root.node.getAllContext())) app.node.setContext(k, v);
    let scope: Construct = app;
    for (const c of this.node.scopes.slice(1)) scope = new Construct(scope, c.node.id);
    return this.createSite(scope, spec.id, spec.props);
  }

  /** The site of that name, if any. */
  public site(siteName: string): EdgeSite | undefined {
    return this.fleetSites.find(s => s.siteName === siteName);
  }

  /**
   * Places a workload on every site the selector matches: those added so far and those added later.
   *
   * @returns the sites it was added to so far
   */
  public deploy(workload: ISiteWorkload, options: WorkloadPlacementOptions = {}): EdgeSite[] {
    const selector = options.siteSelector ?? {};
    for (const [k, v] of Object.entries(selector)) {
      checkLabelKey(this.node.path, `siteSelector.${k}`, k, false);
      checkLabelValue(this.node.path, `siteSelector.${k}`, v);
    }
    const p: Placement = { workload, selector, sites: [] };
    this.placements.push(p);
    for (const site of this.fleetSites) this.place(p, site);
    return [...p.sites];
  }

  /** The site as the GitOps layer sees it. */
  public gitOpsSite(site: EdgeSite): GitOpsSite {
    return {
      name: site.siteName,
      labels: this.clusterLabels(site.siteLabels),
      manifestsPath: path.posix.join(this.repositoryPath, 'sites', site.siteName, 'manifests'),
      namespace: site.namespace,
    };
  }

  /**
   * A declared site as the GitOps layer sees it.
   *
   * @internal
   */
  public _gitOpsSiteOf(spec: SiteSpec): GitOpsSite {
    return {
      name: spec.siteName,
      labels: this.clusterLabels(spec.labels),
      manifestsPath: path.posix.join(this.repositoryPath, 'sites', spec.siteName, 'manifests'),
      namespace: spec.props.namespace ?? this.props.namespace,
    };
  }

  /** A site's labels in the fleet manager: its own and the fleet's name (what selects the fleet's clusters as a whole). */
  private clusterLabels(labels: { [key: string]: string }): { [key: string]: string } {
    return sortedRecord(Object.assign({}, labels, { [FLEET_CLUSTER_LABEL]: this.fleetName }));
  }

  /**
   * Creates the fleet manager's objects (once). FleetApp.synth() calls it before validating.
   *
   * @internal
   */
  public _prepare(): void {
    if (this.bound) return;
    this.bound = true;
    if (!this.gitOps) return;
    const sites = [...this.fleetSites.map(s => this.gitOpsSite(s)), ...this.specs.map(s => this._gitOpsSiteOf(s))]
      .sort((a, b) => byCodeUnit(a.name, b.name));
    this.gitOps.bind(this.managementChart, {
      fleetName: this.fleetName, sites, rootPath: this.repositoryPath, sitesPattern: path.posix.join(this.repositoryPath, 'sites', '*', 'manifests'),
    });
  }

  private place(p: Placement, site: EdgeSite, record = true): void {
    if (!site.matches(p.selector)) return;
    p.workload.addToSite(site);
    if (record) p.sites.push(site);
  }

  private validateFleet(): string[] {
    const errors: string[] = [];
    if (!isFleetApp(this.node.root)) {
      errors.push(propError(this, 'scope', this.node.root.constructor.name,
        'is not a FleetApp: App.synth() would write every site into one flat directory, without the fleet manager\'s objects, and validate the whole app once per site',
        'create the app with `new FleetApp()` (a cdk8s App whose synth() writes the fleet\'s GitOps tree)').message);
    }
    if (this.fleetSites.length === 0 && this.specs.length === 0) {
      errors.push(propError(this, 'sites', [], 'is empty', 'add sites with addSite() or addSites()').message);
    }
    for (const p of this.placements) {
      if (p.sites.length > 0 || this.specs.some(s => labelsMatch(s.labels, p.selector))) continue;
      errors.push(propError(this, 'siteSelector', p.selector, 'selects no site of the fleet', 'check the labels against the sites\' siteLabels (region, zone, tier, hardware, canary, clusterLabels)').message);
    }
    return errors;
  }
}

/** A site's props from an inventory row, on top of defaults. */
function siteProps(row: InventorySite, defaults: EdgeSiteProps): EdgeSiteProps {
  // An empty cell keeps the default: only the row's values given override it.
  const given: EdgeSiteProps = {};
  for (const key of ['region', 'zone', 'tier', 'hardware'] as const) {
    if (row[key] !== undefined) Object.assign(given, { [key]: row[key] });
  }
  return Object.assign({}, defaults, given, {
    siteName: row.name,
    canary: row.canary || (defaults.canary ?? false),
    clusterLabels: Object.assign({}, defaults.clusterLabels, row.labels),
    settings: Object.assign({}, defaults.settings, row.settings),
    servers: row.servers,
    agents: row.agents,
    source: row.source,
  });
}

/** Whole-release order of two K3s versions (release candidates are not compared). */
function compareK3s(a: K3sVersion, b: K3sVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.k3sBuild - b.k3sBuild;
}

/** K3s does not downgrade: a Plan older than the release a node's files install is a mistake. */
function noDowngrade(site: EdgeSite, plan: K3sUpgradePlan): string[] {
  const target = plan.version;
  if (!target) return [];
  return site.nodes.filter(n => compareK3s(n.k3sVersion, target) > 0).map(n => propError(site.source ? `${site.node.path} (${site.source})` : site.node.path,
    plan.isCanary ? 'k3sUpgrade.canaryVersion' : 'k3sUpgrade.version', target.toString(),
    `is older than ${n.k3sVersion}, the release node ${n.nodeName} installs: K3s does not downgrade`,
    'upgrade to a release at least as new as the nodes\' k3sVersion (or give the nodes the older k3sVersion)').message);
}

/** A relative POSIX path inside the output directory or the repository. */
function checkRelative(scope: IConstruct, prop: string, value: string, emptyOk: boolean): string {
  const ok = typeof value === 'string' && (value === '' ? emptyOk : !value.startsWith('/') && !value.includes('\\') && !value.includes('\0')
    && value.split('/').every(s => s !== '' && s !== '.' && s !== '..' && /^[A-Za-z0-9._-]+$/.test(s)));
  if (!ok) {
    throw propError(scope, prop, value, `is not a relative path of names (letters, digits, ".", "_", "-" between "/")${emptyOk ? ' or ""' : ''}`,
      'give a path such as "fleets/mec"');
  }
  return value;
}
