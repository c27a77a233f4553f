import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { GitOpsBindOptions, GitOpsFile, GitOpsSite } from './gitops';
import { checkBindOptions, checkGitRef, checkRepoUrl, checkSite, goDuration, patternPath, someNames } from './gitops-layout';
import { checkSelector, describeSelector, GitOpsLabelSelector, selectorJson, selectorMatches } from './gitops-selector';
import { checkDns1123Label, checkInt, propError } from '../private/errors';
import { byCodeUnit } from '../private/order';

/** The namespace Argo CD is installed in by its manifests, where it watches ApplicationSets. */
export const ARGOCD_DEFAULT_NAMESPACE = 'argocd';

/**
 * The sync options every site's Application gets (names from argoproj/argo-cd v3.5.1):
 * - CreateNamespace=true: the destination namespace is created on a fresh site (controller/sync.go:337);
 * - ApplyOutOfSyncOnly=true: a sync applies only the resources that differ, not the whole site, which
 *   matters on slow or metered links (controller/sync.go:323, gitops-engine/pkg/sync/common/types.go:38);
 * - PruneLast=true: objects removed from Git are pruned after the rest is synced and healthy, so a
 *   replacement is up before the old one goes (gitops-engine/pkg/sync/common/types.go:26).
 * ServerSideApply is left to `syncOptions`: it changes field ownership on objects already there.
 */
export const ARGOCD_EDGE_SYNC_OPTIONS = ['ApplyOutOfSyncOnly=true', 'CreateNamespace=true', 'PruneLast=true'];

/** How the ApplicationSet finds the sites. */
export class ArgoCdGenerator {
  /**
   * A git directory generator over the sites' directories (one pattern, e.g. `sites/* /manifests`):
   * an Application per directory in Git, deployed to the cluster named like the directory's site
   * segment. Needs no labels on the cluster Secrets, only their names.
   */
  public static gitDirectories(): ArgoCdGenerator {
    return new ArgoCdGenerator('git', undefined);
  }

  /**
   * A cluster generator: an Application per registered cluster whose Secret's labels match
   * `selector`, reading the directory of the site of the cluster's name. Each site's cluster Secret
   * must carry the site's labels.
   *
   * @param selector over the cluster Secrets' labels; must not be empty (an empty one adds the
   * in-cluster destination, applicationset/generators/cluster.go:58-60,90-104)
   * @default the fleet label every site of an EdgeFleet carries (`cdk8s-wasm-edge.io/fleet`), else
   *   the labels every site shares
   */
  public static clusters(selector?: GitOpsLabelSelector): ArgoCdGenerator {
    return new ArgoCdGenerator('clusters', selector);
  }

  private constructor(
    /** 'git' or 'clusters'. */
    public readonly kind: string,
    /** The cluster generator's selector, if given. */
    public readonly selector: GitOpsLabelSelector | undefined,
  ) {}
}

/** Retry of failed syncs (Application `spec.syncPolicy.retry`). */
export interface ArgoCdRetry {
  /**
   * How many times a failed sync is retried; -1 retries without end (appcontroller.go:1620), which an
   * offline site needs: it syncs when its link comes back.
   * @default -1
   */
  readonly limit?: number;
  /**
   * The wait before the first retry (rendered as a Go duration, parsed by parseStringToDuration,
   * pkg/apis/application/v1alpha1/types.go:1553-1564).
   * @default Duration.seconds(10)
   */
  readonly backoffDuration?: Duration;
  /**
   * The factor the wait grows by after each failed retry (wait = duration * factor^n, types.go:1587-1593).
   * @default 2
   */
  readonly backoffFactor?: number;
  /**
   * The longest wait between retries.
   * @default Duration.minutes(10)
   */
  readonly maxBackoffDuration?: Duration;
}

/** Argo CD layout: one ApplicationSet, one Application per site. */
export interface ArgoCdProps {
  /** The git repository Argo CD reads: `https://...`, `ssh://...` or `git@host:org/repo.git`, without credentials. */
  readonly repoUrl: string;
  /**
   * The branch, tag or commit to deploy.
   * @default "HEAD"
   */
  readonly targetRevision?: string;
  /**
   * Name of the ApplicationSet; each Application is named `<fleet name>-<site name>`.
   * @default the fleet's name
   */
  readonly name?: string;
  /**
   * Namespace of the ApplicationSet (where Argo CD watches them).
   * @default "argocd"
   */
  readonly namespace?: string;
  /**
   * The Argo CD project of the Applications.
   * @default "default"
   */
  readonly project?: string;
  /**
   * How the sites are found.
   * @default ArgoCdGenerator.gitDirectories()
   */
  readonly generator?: ArgoCdGenerator;
  /**
   * The Applications' destination namespace (for objects without one; created by CreateNamespace=true).
   * @default the sites' `namespace` when they all share one ("default" for sites without one); sites
   *   with different namespaces are an error without it
   */
  readonly destinationNamespace?: string;
  /**
   * Delete from the cluster what was removed from Git (automated sync `prune`).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made on the cluster (automated sync `selfHeal`).
   * @default true
   */
  readonly selfHeal?: boolean;
  /**
   * Retry of failed syncs.
   * @default limit -1, backoff 10s, factor 2, at most 10m
   */
  readonly retry?: ArgoCdRetry;
  /**
   * Sync options added to ARGOCD_EDGE_SYNC_OPTIONS (e.g. "ServerSideApply=true").
   * @default none
   */
  readonly syncOptions?: string[];
  /**
   * Keep the sites' resources when the ApplicationSet (or a site's Application) is deleted: the
   * Applications get no resources-finalizer (applicationset/utils/utils.go:293-302), so deleting the
   * ApplicationSet cannot wipe sites, offline ones included, when they reconnect.
   * @default true
   */
  readonly preserveResourcesOnDeletion?: boolean;
}

const SYNC_OPTION = /^[A-Za-z]+=[A-Za-z0-9,._-]+$/;

/**
 * Renders the Argo CD layout: an ApplicationSet with `goTemplate` and `missingkey=error` (a typo in a
 * parameter fails instead of rendering an empty string), one Application per site, destination the
 * cluster named like the site. Cluster registration (a Secret with the cluster's credentials, named
 * for the site) is not emitted: credentials never go in Git.
 *
 * The git directory generator matches the sites' directories with path.Match against one pattern
 * (applicationset/generators/git.go:297-322) and exposes `.path.segments` (git.go:330-338): the site's
 * name is the pattern's `*` segment, so no list of 10,000 sites is written into the object.
 *
 * @internal
 */
export class ArgoCdRenderer {
  private readonly props: ArgoCdProps;
  private readonly owner = 'GitOps.argoCd';

  constructor(props: ArgoCdProps) {
    this.props = props;
    const owner = this.owner;
    checkRepoUrl(owner, 'repoUrl', props.repoUrl, 'remove them from the URL and register the repository in Argo CD with a repository Secret');
    checkGitRef(owner, 'targetRevision', props.targetRevision);
    if (props.name !== undefined) checkDns1123Label(owner, 'name', props.name);
    if (props.namespace !== undefined) checkDns1123Label(owner, 'namespace', props.namespace);
    if (props.project !== undefined) checkDns1123Label(owner, 'project', props.project);
    if (props.destinationNamespace !== undefined) checkDns1123Label(owner, 'destinationNamespace', props.destinationNamespace);
    const gen = props.generator ?? ArgoCdGenerator.gitDirectories();
    if (gen.selector !== undefined) {
      checkSelector(owner, 'generator.selector', gen.selector);
      if (Object.keys(gen.selector.matchLabels ?? {}).length === 0 && (gen.selector.matchExpressions ?? []).length === 0) {
        throw propError(owner, 'generator.selector', gen.selector, 'is empty; the cluster generator would add the in-cluster destination too (cluster.go:58-60)',
          'select the sites\' cluster Secrets by a label they all carry');
      }
    }
    const r = props.retry ?? {};
    checkInt(owner, 'retry.limit', r.limit, -1, undefined, { problem: 'must be a whole number >= -1 (-1: retry without end)' });
    checkInt(owner, 'retry.backoffFactor', r.backoffFactor, 1);
    if (r.backoffDuration !== undefined) goDuration(owner, 'retry.backoffDuration', r.backoffDuration);
    if (r.maxBackoffDuration !== undefined) goDuration(owner, 'retry.maxBackoffDuration', r.maxBackoffDuration);
    for (const o of props.syncOptions ?? []) {
      if (typeof o !== 'string' || !SYNC_OPTION.test(o)) {
        throw propError(owner, 'syncOptions', o, 'is not an Argo CD sync option ("Name=value")', 'use an option such as "ServerSideApply=true"');
      }
    }
  }

  /** The ApplicationSet. */
  public bind(scope: Construct, options: GitOpsBindOptions): ApiObject {
    const { sites, pattern } = checkBindOptions(scope, 'Argo CD', options);
    const gen = this.props.generator ?? ArgoCdGenerator.gitDirectories();
    const destinationNamespace = this.props.destinationNamespace ?? this.commonNamespace(scope, sites);
    const r = this.props.retry ?? {};

    let generator: { [key: string]: unknown };
    let siteExpr: string;
    let pathExpr: string;
    if (gen.kind === 'clusters') {
      const selector = gen.selector ?? this.sharedLabels(scope, sites);
      const missed = sites.filter(s => !selectorMatches(selector, s.labels));
      if (missed.length === sites.length) {
        throw propError(scope, 'generator.selector', describeSelector(selector), 'selects no site', `fix the selector; the sites are ${someNames(sites.map(s => s.name))}`);
      }
      if (missed.length > 0) {
        throw propError(scope, 'generator.selector', describeSelector(selector), `does not select the sites ${someNames(missed.map(s => s.name))}; they would never deploy`,
          'select every site (by a label they all carry)');
      }
      generator = { clusters: { selector: selectorJson(selector) } };
      siteExpr = '{{ .name }}';
      pathExpr = patternPath(pattern, '{{ .name }}');
    } else {
      generator = { git: { repoURL: this.props.repoUrl, revision: this.props.targetRevision ?? 'HEAD', directories: [{ path: patternPath(pattern, '*') }] } };
      siteExpr = `{{ index .path.segments ${pattern.prefix.length} }}`;
      pathExpr = '{{ .path.path }}';
    }

    const syncOptions = [...new Set([...ARGOCD_EDGE_SYNC_OPTIONS, ...(this.props.syncOptions ?? [])])].sort(byCodeUnit);
    return new ApiObject(scope, 'application-set', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: this.props.name ?? options.fleetName, namespace: this.props.namespace ?? ARGOCD_DEFAULT_NAMESPACE },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [generator],
        syncPolicy: { preserveResourcesOnDeletion: this.props.preserveResourcesOnDeletion ?? true },
        template: {
          metadata: { name: `${options.fleetName}-${siteExpr}` },
          spec: {
            project: this.props.project ?? 'default',
            source: { repoURL: this.props.repoUrl, targetRevision: this.props.targetRevision ?? 'HEAD', path: pathExpr },
            destination: { name: siteExpr, namespace: destinationNamespace },
            syncPolicy: {
              automated: { prune: this.props.prune ?? true, selfHeal: this.props.selfHeal ?? true },
              syncOptions,
              retry: {
                limit: r.limit ?? -1,
                backoff: {
                  duration: goDuration(scope, 'retry.backoffDuration', r.backoffDuration ?? Duration.seconds(10)),
                  factor: r.backoffFactor ?? 2,
                  maxDuration: goDuration(scope, 'retry.maxBackoffDuration', r.maxBackoffDuration ?? Duration.minutes(10)),
                },
              },
            },
          },
        },
      },
    });
  }

  /** Argo CD reads the site's directory as it is: no extra files. */
  public siteFiles(site: GitOpsSite): GitOpsFile[] {
    checkSite(this.owner, site);
    return [];
  }

  /** The one namespace all sites set, else "default"; sites with different ones need an explicit destinationNamespace. */
  private commonNamespace(scope: Construct, sites: GitOpsSite[]): string {
    const set = [...new Set(sites.map(s => s.namespace ?? 'default'))].sort(byCodeUnit);
    if (set.length > 1) {
      throw propError(scope, 'destinationNamespace', set, 'is not given and the sites use different namespaces; one ApplicationSet template has one destination namespace',
        'set destinationNamespace, and set each object\'s namespace in the site\'s manifests');
    }
    return set[0];
  }

  /** The labels (key and value) every site carries: the default cluster generator selector. */
  private sharedLabels(scope: Construct, sites: GitOpsSite[]): GitOpsLabelSelector {
    // An EdgeFleet's sites all carry its fleet label: selecting by it alone keeps the ApplicationSet
    // the same whatever labels the sites happen to share (a one-site change must not rewrite it).
    const fleetLabel = 'cdk8s-wasm-edge.io/fleet';
    const fleet = sites[0].labels[fleetLabel];
    if (fleet !== undefined && sites.every(s => s.labels[fleetLabel] === fleet)) return { matchLabels: { [fleetLabel]: fleet } };
    const shared: { [key: string]: string } = {};
    for (const k of Object.keys(sites[0].labels).sort(byCodeUnit)) {
      if (sites.every(s => s.labels[k] === sites[0].labels[k])) shared[k] = sites[0].labels[k];
    }
    if (Object.keys(shared).length === 0) {
      throw propError(scope, 'generator', 'ArgoCdGenerator.clusters()', 'has no selector and the sites share no label to select their cluster Secrets by',
        'pass ArgoCdGenerator.clusters({ matchLabels: { ... } }) or give the sites a common label');
    }
    return { matchLabels: shared };
  }
}
