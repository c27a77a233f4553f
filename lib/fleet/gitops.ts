import { Construct } from 'constructs';
import { ArgoCdProps, ArgoCdRenderer } from './argo-cd';
import { RancherFleetProps, RancherFleetRenderer } from './rancher-fleet';

export { GitOpsLabelSelector, GitOpsLabelSelectorRequirement, GitOpsSelectorOperator } from './gitops-selector';

/** A site as the GitOps layer sees it: one K3s cluster registered in the fleet manager under `name`. */
export interface GitOpsSite {
  /** DNS-1123 label: the cluster's name in Fleet / Argo CD. */
  readonly name: string;
  /** The cluster's labels (site, region, zone, tier, hardware, canary, user labels). */
  readonly labels: { [key: string]: string };
  /** Repository-relative POSIX directory holding the site's manifests, e.g. 'sites/mec-001/manifests'. */
  readonly manifestsPath: string;
  /**
   * Default namespace of the site's objects.
   * @default none: the fleet manager's default ("default")
   */
  readonly namespace?: string;
}

/** A file the GitOps layer adds to a site's manifests directory. */
export interface GitOpsFile {
  /** Path relative to the site's manifestsPath. */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
}

/** What `GitOps.bind` is given. */
export interface GitOpsBindOptions {
  /** DNS label that names the fleet-level objects. */
  readonly fleetName: string;
  /** Every site, sorted by name. */
  readonly sites: GitOpsSite[];
  /** Repository-relative directory of the fleet's tree ('' = repository root). */
  readonly rootPath: string;
  /**
   * The sites' manifestsPath with `*` for the site's name, e.g. `mec/sites/*\/manifests`: where the
   * name is when another segment equals it (a site named like the fleet's directory).
   *
   * @default - found from the sites' paths: the first segment that is each site's name
   */
  readonly sitesPattern?: string;
}

/**
 * How a fleet manager finds and deploys the fleet's repository: Rancher Fleet (a GitRepo, one
 * bundle per site) or Argo CD (an ApplicationSet, one Application per site). The same sites and
 * the same tree render either.
 */
export abstract class GitOps {
  /**
   * Rancher Fleet: a GitRepo whose one path glob finds every site's manifests directory, a
   * fleet.yaml per site that deploys the site's bundle only to the cluster of the site's name, and
   * the ClusterGroups of `clusterGroups`.
   *
   * Each site's cluster must be registered in Fleet (in the GitRepo's namespace) under the site's
   * name, or, for a cluster Rancher imported, with the site's name as its display name (Fleet's
   * clusterName matches either, clustermatcher.go:26-37), and carry the site's labels (targets and
   * ClusterGroups select by them). The repository's credentials stay in the Secret named by
   * `clientSecretName`.
   */
  public static rancherFleet(props: RancherFleetProps): GitOps {
    return new RancherFleetGitOps(props);
  }

  /**
   * Argo CD: an ApplicationSet with one Application per site, deployed to the cluster of the site's
   * name.
   *
   * Nothing is emitted for cluster registration: in Argo CD a cluster is a Secret with its
   * credentials (label `argocd.argoproj.io/secret-type: cluster`), and credentials never go in Git.
   * Each site's cluster Secret must exist in Argo CD's namespace with `name` set to the site's name,
   * and, with `ArgoCdGenerator.clusters()`, carry the site's labels. A private repository needs an
   * Argo CD repository Secret for `repoUrl`.
   */
  public static argoCd(props: ArgoCdProps): GitOps {
    return new ArgoCdGitOps(props);
  }

  /** A label for messages and docs: 'Rancher Fleet' or 'Argo CD'. */
  public abstract readonly name: string;

  /**
   * Creates the fleet-level objects (applied to the management cluster) under `scope` (a Chart).
   * Called once per synth, before validation. Throws on bad input (e.g. a target that matches no site).
   */
  public abstract bind(scope: Construct, options: GitOpsBindOptions): void;

  /**
   * Extra files in one site's manifests directory (Fleet: fleet.yaml; Argo CD: none). Depends only
   * on that site (and this object's props): a change to one site changes only that site's files.
   */
  public abstract siteFiles(site: GitOpsSite): GitOpsFile[];
}

class RancherFleetGitOps extends GitOps {
  public readonly name = 'Rancher Fleet';
  private readonly renderer: RancherFleetRenderer;
  constructor(props: RancherFleetProps) {
    super();
    this.renderer = new RancherFleetRenderer(props);
  }
  public bind(scope: Construct, options: GitOpsBindOptions): void {
    this.renderer.bind(scope, options);
  }
  public siteFiles(site: GitOpsSite): GitOpsFile[] {
    return this.renderer.siteFiles(site);
  }
}

class ArgoCdGitOps extends GitOps {
  public readonly name = 'Argo CD';
  private readonly renderer: ArgoCdRenderer;
  constructor(props: ArgoCdProps) {
    super();
    this.renderer = new ArgoCdRenderer(props);
  }
  public bind(scope: Construct, options: GitOpsBindOptions): void {
    this.renderer.bind(scope, options);
  }
  public siteFiles(site: GitOpsSite): GitOpsFile[] {
    return this.renderer.siteFiles(site);
  }
}
