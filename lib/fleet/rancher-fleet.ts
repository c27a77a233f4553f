import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { GitOpsBindOptions, GitOpsFile, GitOpsSite } from './gitops';
import { checkBindOptions, checkGitRef, checkRepoUrl, checkSite, goDuration, patternPath, someNames } from './gitops-layout';
import { checkSelector, describeSelector, GitOpsLabelSelector, selectorJson, selectorMatches } from './gitops-selector';
import type * as fleetT from '../imports/rancher-fleet';
import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { byCodeUnit } from '../private/order';

const { ClusterGroup, GitRepo } = lazyExports((): typeof import('../imports/rancher-fleet') => require('../imports/rancher-fleet'));

/** The namespace Rancher registers downstream clusters in, and so where their GitRepos live. */
export const FLEET_DEFAULT_NAMESPACE = 'fleet-default';

/** The name of a site's fleet.yaml: any directory holding one becomes a bundle. */
export const FLEET_YAML = 'fleet.yaml';

/**
 * Fleet's own polling interval when a GitRepo sets none.
 * @see rancher/fleet v0.16.1 internal/cmd/controller/gitops/reconciler/gitjob_controller.go:60
 */
const FLEET_POLLING_DEFAULT = Duration.seconds(15);

/** One GitRepo target: the clusters the fleet's bundles may deploy to. Every field given must match (AND). */
export interface RancherFleetTarget {
  /**
   * The target's name, shown in Fleet's status.
   * @default none
   */
  readonly name?: string;
  /**
   * Clusters whose labels match this selector.
   * @default no label condition
   */
  readonly clusterSelector?: GitOpsLabelSelector;
  /**
   * Clusters in this ClusterGroup; must be one of `clusterGroups`, so that what it selects is known.
   * @default no group condition
   */
  readonly clusterGroup?: string;
}

/** Rancher Fleet layout: a GitRepo over the fleet's tree, a fleet.yaml per site, optional ClusterGroups. */
export interface RancherFleetProps {
  /** The git repository Fleet clones: `https://...`, `ssh://...` or `git@host:org/repo.git`, without credentials. */
  readonly repo: string;
  /**
   * The branch Fleet follows. Give `branch` or `revision`, not both.
   * @default Fleet's default, "master" (gitjob.go:604), unless `revision` is set
   */
  readonly branch?: string;
  /**
   * A tag or commit Fleet deploys instead of following a branch.
   * @default none: follow `branch`
   */
  readonly revision?: string;
  /**
   * Name of the GitRepo (Fleet prefixes every bundle's name with it).
   * @default the fleet's name
   */
  readonly name?: string;
  /**
   * Namespace of the GitRepo and the ClusterGroups: the namespace the clusters are registered in.
   * @default "fleet-default" (where Rancher registers downstream clusters)
   */
  readonly namespace?: string;
  /**
   * The clusters the fleet may deploy to (a whitelist: Fleet turns GitRepo targets into each bundle's
   * targetRestrictions). Each site's fleet.yaml then narrows its bundle to the site's own cluster.
   * Each target must select at least one site, and each site must be selected by a target.
   * @default one target "all-clusters" with an empty clusterSelector (every cluster in `namespace`)
   */
  readonly targets?: RancherFleetTarget[];
  /**
   * ClusterGroups to create (name -> selector over the clusters' labels); each must select a site.
   * @default none
   */
  readonly clusterGroups?: { [name: string]: GitOpsLabelSelector };
  /**
   * Name of an existing Secret (kubernetes.io/basic-auth or kubernetes.io/ssh-auth) in `namespace`
   * with the repository's credentials. Never put credentials in `repo`.
   * @default none: Fleet uses the Secret named `gitcredential` in `namespace` when there is one, else
   *   reads the repository without credentials (rancher/fleet v0.16.1 gitjob.go:606-610)
   */
  readonly clientSecretName?: string;
  /**
   * How often Fleet polls the repository.
   * @default Duration.seconds(15), Fleet's own default
   */
  readonly pollingInterval?: Duration;
  /**
   * Keep the deployed resources on the clusters when the GitRepo or a bundle is deleted. At the edge,
   * deleting the GitRepo while sites are offline must not wipe them when they reconnect.
   * @default true
   */
  readonly keepResources?: boolean;
  /**
   * Correct drift: the agent re-applies a bundle's resources when they are changed on the cluster.
   * @default true
   */
  readonly correctDrift?: boolean;
  /**
   * Namespace for a site's objects that set none (fleet.yaml `defaultNamespace`).
   * @default the site's `namespace`, else Fleet's default ("default")
   */
  readonly defaultNamespace?: string;
}

/** Labels Fleet sets on bundles itself (repo name, commit): a fleet.yaml label must not replace them (read.go:215-228). */
const RESERVED_LABEL_PREFIX = 'fleet.cattle.io/';

/**
 * Renders the Rancher Fleet layout.
 *
 * Layout (rancher/fleet v0.16.1):
 * - The GitRepo has ONE path, a glob over the sites' directories (`sites/* /manifests`): gitjob passes
 *   `spec.paths` to `fleet apply` (internal/cmd/controller/gitops/reconciler/gitjob.go:394-397,543), which
 *   expands each with filepath.Glob in the clone (WorkingDir /workspace/source, gitjob.go:545;
 *   internal/cmd/cli/apply/apply.go:105-119,147-152) and makes a bundle of
 *   every matched directory holding a fleet.yaml (apply.go:807-829). One glob instead of a path per site
 *   keeps the GitRepo (and the gitjob's arguments) the same size for 10 or 10,000 sites. Node files
 *   outside the manifests directories are never read: a glob over the whole tree would make a bundle of
 *   any directory with .yaml files and no fleet.yaml (apply.go:831-852).
 * - Per site, fleet.yaml has two targetCustomizations, evaluated FirstMatch: the site's cluster by name,
 *   then every other cluster with doNotDeploy. Fleet deploys a bundle to a cluster only if a GitRepo
 *   target matches it (targets are the allowlist, targetsyaml.go:13-28, bundlematch.go:138-166) and the
 *   first matching customization is not doNotDeploy (internal/cmd/controller/target/builder.go:93-143).
 *   So each bundle lands on its own cluster only, and the GitRepo targets still limit the fleet.
 *   `overrideTargets` would do the first part but drop the GitRepo's targets (read.go:236-255).
 * - rolloutStrategy is not set: each bundle has one cluster, so there is nothing to partition.
 *
 * @internal
 */
export class RancherFleetRenderer {
  private readonly props: RancherFleetProps;
  private readonly owner = 'GitOps.rancherFleet';

  constructor(props: RancherFleetProps) {
    this.props = props;
    const owner = this.owner;
    checkRepoUrl(owner, 'repo', props.repo, 'remove them from the URL and set clientSecretName to a Secret with the credentials');
    checkGitRef(owner, 'branch', props.branch);
    checkGitRef(owner, 'revision', props.revision);
    if (props.branch !== undefined && props.revision !== undefined) {
      throw propError(owner, 'revision', props.revision, 'is set together with branch; Fleet would follow the branch and ignore it (gitjob.go:598-605)',
        'set either branch or revision');
    }
    if (props.name !== undefined) checkDns1123Label(owner, 'name', props.name);
    if (props.namespace !== undefined) checkDns1123Label(owner, 'namespace', props.namespace);
    if (props.clientSecretName !== undefined) checkDns1123Subdomain(owner, 'clientSecretName', props.clientSecretName);
    if (props.defaultNamespace !== undefined) checkDns1123Label(owner, 'defaultNamespace', props.defaultNamespace);
    if (props.pollingInterval !== undefined) goDuration(owner, 'pollingInterval', props.pollingInterval, 1000);
    for (const [name, sel] of Object.entries(props.clusterGroups ?? {})) {
      checkDns1123Subdomain(owner, 'clusterGroups', name);
      checkSelector(owner, `clusterGroups.${name}`, sel);
    }
    if (props.targets !== undefined && props.targets.length === 0) {
      throw propError(owner, 'targets', props.targets, 'is empty; Fleet would fall back to the cluster group "default"', 'leave targets unset or give at least one');
    }
    (props.targets ?? []).forEach((t, i) => {
      if (t.name !== undefined) checkDns1123Label(owner, `targets[${i}].name`, t.name);
      if (t.clusterSelector === undefined && t.clusterGroup === undefined) {
        throw propError(owner, `targets[${i}]`, t, 'has neither clusterSelector nor clusterGroup; Fleet matches no cluster with it (clustermatcher.go:69-72)',
          'set clusterSelector (e.g. { matchLabels: { region: "eu-west" } }) or clusterGroup');
      }
      if (t.clusterSelector !== undefined) checkSelector(owner, `targets[${i}].clusterSelector`, t.clusterSelector);
      if (t.clusterGroup !== undefined && !(t.clusterGroup in (props.clusterGroups ?? {}))) {
        throw propError(owner, `targets[${i}].clusterGroup`, t.clusterGroup, 'is not one of clusterGroups, so what it selects is unknown',
          `define it in clusterGroups (defined: ${someNames(Object.keys(props.clusterGroups ?? {}).sort(byCodeUnit))})`);
      }
    });
  }

  private get targets(): RancherFleetTarget[] {
    return this.props.targets ?? [{ name: 'all-clusters', clusterSelector: {} }];
  }

  /** The GitRepo and the ClusterGroups. */
  public bind(scope: Construct, options: GitOpsBindOptions): void {
    const { sites, pattern } = checkBindOptions(scope, 'Rancher Fleet', options);
    const namespace = this.props.namespace ?? FLEET_DEFAULT_NAMESPACE;
    const groups = this.props.clusterGroups ?? {};
    const groupNames = Object.keys(groups).sort(byCodeUnit);

    for (const g of groupNames) {
      if (!sites.some(s => selectorMatches(groups[g], s.labels))) {
        throw propError(scope, `clusterGroups.${g}`, describeSelector(groups[g]), 'selects no site', `fix the selector; the sites are ${someNames(sites.map(s => s.name))}`);
      }
    }
    const targetSites = this.targets.map(t => sites.filter(s => this.targetMatches(t, s)));
    this.targets.forEach((t, i) => {
      if (targetSites[i].length === 0) {
        const what = [t.clusterSelector ? `clusterSelector ${describeSelector(t.clusterSelector)}` : undefined, t.clusterGroup ? `clusterGroup ${t.clusterGroup}` : undefined]
          .filter(x => x !== undefined).join(' and ');
        throw propError(scope, `targets[${i}]${t.name ? ` (${t.name})` : ''}`, what, 'selects no site',
          `fix the target; the sites are ${someNames(sites.map(s => `${s.name} {${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(', ')}}`), 3)}`);
      }
    });
    const selected = new Set(targetSites.flat());
    const unselected = sites.filter(s => !selected.has(s));
    if (unselected.length > 0) {
      throw propError(scope, 'targets', someNames(unselected.map(s => s.name)), 'are sites no GitRepo target selects; their bundles would deploy nowhere',
        'widen the targets or remove those sites');
    }

    for (const g of groupNames) {
      new ClusterGroup(scope, `cluster-group-${g}`, {
        metadata: { name: g, namespace },
        spec: { selector: selectorJson(groups[g]) as fleetT.ClusterGroupSpecSelector },
      });
    }
    new GitRepo(scope, 'git-repo', {
      metadata: { name: this.props.name ?? options.fleetName, namespace },
      spec: {
        repo: this.props.repo,
        branch: this.props.branch,
        revision: this.props.revision,
        clientSecretName: this.props.clientSecretName,
        paths: [patternPath(pattern, '*')],
        pollingInterval: goDuration(scope, 'pollingInterval', this.props.pollingInterval ?? FLEET_POLLING_DEFAULT, 1000),
        keepResources: this.props.keepResources ?? true,
        correctDrift: { enabled: this.props.correctDrift ?? true },
        targets: this.targets.map(t => ({
          name: t.name,
          clusterSelector: t.clusterSelector ? selectorJson(t.clusterSelector) as fleetT.GitRepoSpecTargetsClusterSelector : undefined,
          clusterGroup: t.clusterGroup,
        })),
      },
    });
  }

  /** Whether a GitRepo target selects the site's cluster (clustermatcher.go:69-79: every criterion must hold). */
  private targetMatches(t: RancherFleetTarget, site: GitOpsSite): boolean {
    if (t.clusterSelector !== undefined && !selectorMatches(t.clusterSelector, site.labels)) return false;
    if (t.clusterGroup !== undefined) {
      const sel = (this.props.clusterGroups ?? {})[t.clusterGroup];
      if (sel === undefined || !selectorMatches(sel, site.labels)) return false;
    }
    return true;
  }

  /** The site's fleet.yaml. */
  public siteFiles(site: GitOpsSite): GitOpsFile[] {
    checkSite(this.owner, site);
    return [{ path: FLEET_YAML, content: this.fleetYamlText(site) }];
  }

  /** The fleet.yaml of a site as an object (FleetYAML, pkg/apis/fleet.cattle.io/v1alpha1/fleetyaml.go:6-26). */
  public fleetYaml(site: GitOpsSite): { [key: string]: unknown } {
    const fy: { [key: string]: unknown } = {};
    const ns = this.props.defaultNamespace ?? site.namespace;
    if (ns !== undefined) fy.defaultNamespace = ns;
    const labels: { [key: string]: string } = {};
    for (const k of Object.keys(site.labels).sort(byCodeUnit)) {
      if (!k.startsWith(RESERVED_LABEL_PREFIX)) labels[k] = site.labels[k];
    }
    // Copied to the bundle (read.go:222-228): `kubectl get bundles -l region=eu-west` finds a region's sites.
    if (Object.keys(labels).length > 0) fy.labels = labels;
    // FirstMatch is Fleet's default (bundle_types.go:353-362); set so the catch-all below can never merge in.
    fy.targetCustomizationMode = 'FirstMatch';
    fy.targetCustomizations = [
      { name: 'site', clusterName: site.name },
      // An empty selector selects every cluster (clustermatcher.go:56-64).
      { name: 'other-clusters', clusterSelector: {}, doNotDeploy: true },
    ];
    return fy;
  }

  /**
   * The fleet.yaml text, written directly rather than through a YAML library: 10,000 sites take
   * about 25 ms instead of about 0.5 s with js-yaml. Keys are in sorted order; every string value is
   * a JSON string, which is a YAML double-quoted scalar (always a string, for go-yaml and YAML 1.2
   * readers alike). Names and labels are checked first, so no escape sequence is ever needed.
   */
  private fleetYamlText(site: GitOpsSite): string {
    const fy = this.fleetYaml(site);
    const q = JSON.stringify;
    const lines = [`# Rancher Fleet bundle of site ${site.name}: deployed only to the cluster "${site.name}". Generated by cdk8s-wasm-edge.`];
    if (fy.defaultNamespace !== undefined) lines.push(`defaultNamespace: ${q(fy.defaultNamespace)}`);
    const labels = fy.labels as { [key: string]: string } | undefined;
    if (labels !== undefined) {
      lines.push('labels:');
      for (const k of Object.keys(labels)) lines.push(`  ${q(k)}: ${q(labels[k])}`);
    }
    lines.push(
      `targetCustomizationMode: ${q(fy.targetCustomizationMode)}`,
      'targetCustomizations:',
      `  - clusterName: ${q(site.name)}`,
      '    name: "site"',
      '  - clusterSelector: {}',
      '    doNotDeploy: true',
      '    name: "other-clusters"',
    );
    return lines.join('\n') + '\n';
  }
}
