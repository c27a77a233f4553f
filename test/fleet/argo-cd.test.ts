import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { argoApplications, bindChart, bindObjects, fakeSites, FleetCluster } from './gitops-sites';
import { ARGOCD_EDGE_SYNC_OPTIONS, ArgoCdGenerator, ArgoCdProps } from '../../lib/fleet/argo-cd';
import { GitOps, GitOpsSelectorOperator, GitOpsSite } from '../../lib/fleet/gitops';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';
import { validateObjects } from '../util/validate';

const REPO = 'https://git.example.com/edge/mec-fleet.git';

function argo(props: Partial<ArgoCdProps> = {}): GitOps {
  return GitOps.argoCd({ repoUrl: REPO, ...props });
}

function appSetOf(gitops: GitOps, sites: GitOpsSite[], fleetName = 'mec'): any {
  const objs = bindObjects(gitops, sites, fleetName);
  validateObjects(objs);
  expect(objs).toHaveLength(1);
  return objs[0];
}

/** Clusters registered in Argo CD: one per site (name and labels), plus one outside the fleet. */
function clustersOf(sites: GitOpsSite[]): FleetCluster[] {
  return [...sites.map(s => ({ name: s.name, labels: s.labels })), { name: 'in-cluster', labels: {} }];
}

describe('GitOps.argoCd', () => {
  const sites = fakeSites(4);

  test('an ApplicationSet with a git directory generator over one pattern; snapshot', () => {
    const appSet = appSetOf(argo(), sites);
    expect(appSet).toMatchSnapshot();
    expect(argo().name).toBe('Argo CD');
    expect(appSet.metadata).toEqual({ name: 'mec', namespace: 'argocd' });
    expect(appSet.spec.goTemplate).toBe(true);
    expect(appSet.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(appSet.spec.generators).toEqual([{ git: { repoURL: REPO, revision: 'HEAD', directories: [{ path: 'sites/*/manifests' }] } }]);
    expect(appSet.spec.template.spec.destination).toEqual({ name: '{{ index .path.segments 1 }}', namespace: 'edge' });
    expect(appSet.spec.template.spec.source).toEqual({ repoURL: REPO, targetRevision: 'HEAD', path: '{{ .path.path }}' });
  });

  test('in an App (as the fleet writer binds it)', () => {
    expect(bindChart(argo(), sites).toJson().map((o: any) => o.kind)).toEqual(['ApplicationSet']);
  });

  test('each site\'s Application reads the site\'s directory and deploys to the cluster of its name (git generator)', () => {
    const appSet = appSetOf(argo(), sites);
    const dirs = [...sites.map(s => s.manifestsPath), 'sites/mec-001/nodes', 'sites', 'README'];
    const apps = argoApplications(appSet, dirs, clustersOf(sites));
    expect(apps.map(a => [a.metadata.name, a.spec.destination.name, a.spec.source.path])).toEqual(sites.map(s => [`mec-${s.name}`, s.name, s.manifestsPath]));
  });

  test('cluster generator: selector rendered, path built from the cluster name, the in-cluster destination left out', () => {
    const appSet = appSetOf(argo({ generator: ArgoCdGenerator.clusters({ matchLabels: { fleet: 'mec' } }) }), sites);
    expect(appSet.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { fleet: 'mec' } } } }]);
    const apps = argoApplications(appSet, [], clustersOf(sites));
    expect(apps.map(a => [a.spec.destination.name, a.spec.source.path])).toEqual(sites.map(s => [s.name, s.manifestsPath]));
  });

  test('cluster generator: @default selector is the labels every site shares', () => {
    const appSet = appSetOf(argo({ generator: ArgoCdGenerator.clusters() }), sites);
    expect(appSet.spec.generators[0].clusters.selector).toEqual({ matchLabels: { fleet: 'mec' } });
  });

  test('retry renders Go duration strings that Argo CD parses (types.go:1553-1564)', () => {
    const retry = { limit: 5, backoffDuration: Duration.millis(1500), backoffFactor: 3, maxBackoffDuration: Duration.hours(1) };
    const appSet = appSetOf(argo({ retry }), sites);
    expect(appSet.spec.template.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '1500ms', factor: 3, maxDuration: '3600s' } });
  });

  test('property: for any site set, each site gets one Application, on its own cluster, reading its own directory', () => {
    const siteArb = fc.uniqueArray(fc.record({ n: fc.integer({ min: 1, max: 999 }), region: fc.constantFrom('eu-west', 'us-east') }),
      { minLength: 1, maxLength: 8, selector: r => r.n });
    fc.assert(fc.property(siteArb, fc.boolean(), fc.constantFrom('', 'fleets/a'), (raw, clusterGen, root) => {
      const ss: GitOpsSite[] = raw.map(r => ({
        name: `s-${r.n}`, manifestsPath: `${root ? `${root}/` : ''}sites/s-${r.n}/k8s`, labels: { region: r.region, fleet: 'x' },
      }));
      const g = argo(clusterGen ? { generator: ArgoCdGenerator.clusters() } : {});
      const appSet = bindObjects(g, ss, 'x', root)[0];
      const dirs = [...ss.map(s => s.manifestsPath), `${root ? `${root}/` : ''}sites`];
      const apps = argoApplications(appSet, dirs, clustersOf(ss));
      expect(apps.map(a => [a.spec.destination.name, a.spec.source.path]).sort())
        .toEqual(ss.map(s => [s.name, s.manifestsPath]).sort());
    }), fuzzParams({ numRuns: 200 }));
  });

  test('siteFiles: none, and so a change to one site changes no file of another', () => {
    const g = argo();
    expect(sites.map(s => g.siteFiles(s))).toEqual(sites.map(() => []));
    const changed = { ...sites[1], labels: { ...sites[1].labels, region: 'us-east' } };
    expect(g.siteFiles(changed)).toEqual([]);
    expect(bindObjects(g, [sites[0], changed, sites[2], sites[3]])).toEqual(bindObjects(g, sites));
  });

  test('the same sites render the same tree pattern in both layouts', () => {
    const fleetPath = bindObjects(GitOps.rancherFleet({ repo: REPO }), sites)[0].spec.paths[0];
    expect(appSetOf(argo(), sites).spec.generators[0].git.directories[0].path).toBe(fleetPath);
  });

  describe('@default', () => {
    const tspec = (props: Partial<ArgoCdProps> = {}): any => appSetOf(argo(props), sites).spec.template.spec;
    test('targetRevision: HEAD', () => {
      expect(tspec().source.targetRevision).toBe('HEAD');
      expect(appSetOf(argo({ targetRevision: 'release/1' }), sites).spec.generators[0].git.revision).toBe('release/1');
    });
    test('name: the fleet name; Applications <fleet>-<site>', () => {
      const a = appSetOf(argo(), sites, 'metro');
      expect([a.metadata.name, a.spec.template.metadata.name]).toEqual(['metro', 'metro-{{ index .path.segments 1 }}']);
      expect(appSetOf(argo({ name: 'apps' }), sites).metadata.name).toBe('apps');
    });
    test('namespace: argocd', () => expect(appSetOf(argo({ namespace: 'gitops' }), sites).metadata.namespace).toBe('gitops'));
    test('project: default', () => {
      expect(tspec().project).toBe('default');
      expect(tspec({ project: 'edge' }).project).toBe('edge');
    });
    test('generator: git directories', () => expect(Object.keys(appSetOf(argo(), sites).spec.generators[0])).toEqual(['git']));
    test('destinationNamespace: the sites\' common namespace, else "default"', () => {
      expect(tspec().destination.namespace).toBe('edge');
      const noNs = sites.map(({ namespace: _n, ...s }) => s);
      expect(appSetOf(argo(), noNs).spec.template.spec.destination.namespace).toBe('default');
      expect(tspec({ destinationNamespace: 'apps' }).destination.namespace).toBe('apps');
    });
    test('prune and selfHeal: true', () => {
      expect(tspec().syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(tspec({ prune: false, selfHeal: false }).syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
    });
    test('retry: limit -1 (retry without end), 10s backoff, factor 2, at most 10m', () => {
      expect(tspec().syncPolicy.retry).toEqual({ limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '600s' } });
    });
    test('syncOptions: the edge options, sorted, extras added once', () => {
      expect(tspec().syncPolicy.syncOptions).toEqual(['ApplyOutOfSyncOnly=true', 'CreateNamespace=true', 'PruneLast=true']);
      expect(tspec({ syncOptions: ['ServerSideApply=true', 'PruneLast=true'] }).syncPolicy.syncOptions)
        .toEqual([...ARGOCD_EDGE_SYNC_OPTIONS, 'ServerSideApply=true'].sort());
    });
    test('preserveResourcesOnDeletion: true', () => {
      expect(appSetOf(argo(), sites).spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
      expect(appSetOf(argo({ preserveResourcesOnDeletion: false }), sites).spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: false });
    });
  });

  describe('bad input', () => {
    test('a cluster generator selector that matches no site names what it selects', () => {
      const e = validationErrorOf(() => bindObjects(argo({ generator: ArgoCdGenerator.clusters({ matchLabels: { region: 'ap-south' } }) }), sites));
      expect(e.prop).toBe('generator.selector');
      expect(e.message).toContain('region=ap-south');
      expect(e.message).toContain('selects no site');
    });
    test('a cluster generator selector that misses some sites', () => {
      const sel = { matchExpressions: [{ key: 'region', operator: GitOpsSelectorOperator.NOT_IN, values: ['eu-west'] }] };
      expect(validationErrorOf(() => bindObjects(argo({ generator: ArgoCdGenerator.clusters(sel) }), sites)).message).toMatch(/does not select the sites mec-001/);
    });
    test('an empty cluster generator selector, or no shared label to default to', () => {
      expect(validationErrorOf(() => argo({ generator: ArgoCdGenerator.clusters({}) })).message).toContain('in-cluster');
      const distinct = sites.map(s => ({ ...s, labels: { site: s.name } }));
      expect(validationErrorOf(() => bindObjects(argo({ generator: ArgoCdGenerator.clusters() }), distinct)).prop).toBe('generator');
    });
    test('sites with different namespaces and no destinationNamespace', () => {
      const mixed = [sites[0], { ...sites[1], namespace: 'other' }];
      expect(validationErrorOf(() => bindObjects(argo(), mixed)).prop).toBe('destinationNamespace');
    });
    test.each([['ftp://x/y'], ['https://u:p@git.example.com/x.git'], ['https://git.example.com/a b']])('bad repoUrl %s', (repoUrl) => {
      expect(validationErrorOf(() => GitOps.argoCd({ repoUrl })).prop).toBe('repoUrl');
    });
    test('retry, sync options, names', () => {
      expect(validationErrorOf(() => argo({ retry: { limit: -2 } })).prop).toBe('retry.limit');
      expect(validationErrorOf(() => argo({ retry: { backoffFactor: 0 } })).prop).toBe('retry.backoffFactor');
      expect(validationErrorOf(() => argo({ retry: { backoffDuration: Duration.millis(0) } })).prop).toBe('retry.backoffDuration');
      expect(validationErrorOf(() => argo({ syncOptions: ['Prune Last'] })).prop).toBe('syncOptions');
      expect(validationErrorOf(() => argo({ targetRevision: 'a..b' })).prop).toBe('targetRevision');
      expect(validationErrorOf(() => argo({ project: 'My Project' })).prop).toBe('project');
    });
  });
});
