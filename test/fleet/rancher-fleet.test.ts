import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import * as YAML from 'yaml';
import { bindChart, bindObjects, bundleOf, fakeSites, FleetCluster, fleetDeploys, globMatches } from './gitops-sites';
import { GitOps, GitOpsSelectorOperator, GitOpsSite } from '../../lib/fleet/gitops';
import { RancherFleetProps } from '../../lib/fleet/rancher-fleet';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';
import { validateObjects } from '../util/validate';

const REPO = 'https://git.example.com/edge/mec-fleet.git';

function fleet(props: Partial<RancherFleetProps> = {}): GitOps {
  return GitOps.rancherFleet({ repo: REPO, ...props });
}

function gitRepoOf(objs: any[]): any {
  return objs.find(o => o.kind === 'GitRepo');
}

/** Every object of a layout, the GitRepo and ClusterGroups plus each site's Bundle as Fleet builds it, validated strictly. */
function validateLayout(g: GitOps, sites: GitOpsSite[], objs: any[]): any[] {
  const bundles = sites.map(s => bundleOf(g.siteFiles(s)[0].content, gitRepoOf(objs), `mec-sites-${s.name}-manifests`));
  validateObjects([...objs, ...bundles]);
  return bundles;
}

describe('GitOps.rancherFleet', () => {
  const sites = fakeSites(4);

  test('a GitRepo with one path glob, default target, edge settings; snapshot', () => {
    const g = fleet({ branch: 'main', clientSecretName: 'git-auth' });
    const objs = bindObjects(g, sites);
    validateLayout(g, sites, objs);
    expect(objs).toMatchSnapshot();
    expect(g.siteFiles(sites[0])[0].content).toMatchSnapshot();
    expect(g.name).toBe('Rancher Fleet');
    const repo = gitRepoOf(objs);
    expect(repo.metadata).toEqual({ name: 'mec', namespace: 'fleet-default' });
    expect(repo.spec).toEqual({
      repo: REPO,
      branch: 'main',
      clientSecretName: 'git-auth',
      paths: ['sites/*/manifests'],
      pollingInterval: '15s',
      keepResources: true,
      correctDrift: { enabled: true },
      targets: [{ name: 'all-clusters', clusterSelector: {} }],
    });
  });

  test('in an App (as the fleet writer binds it), the objects validate', () => {
    const chart = bindChart(fleet(), sites);
    expect(chart.toJson().map((o: any) => o.kind)).toEqual(['GitRepo']);
  });

  test('the path glob finds exactly the sites\' manifests directories, not their node files or the root', () => {
    const root = fakeSites(3, 'fleets/mec');
    const repo = gitRepoOf(bindObjects(fleet(), root, 'mec', 'fleets/mec'));
    expect(repo.spec.paths).toEqual(['fleets/mec/sites/*/manifests']);
    for (const s of root) expect(globMatches(repo.spec.paths[0], s.manifestsPath)).toBe(true);
    for (const other of ['fleets/mec/sites/mec-001/nodes', 'fleets/mec/sites/mec-001', 'fleets/mec/sites/mec-001/manifests/x', 'fleets/mec']) {
      expect(globMatches(repo.spec.paths[0], other)).toBe(false);
    }
  });

  test('fleet.yaml: defaultNamespace, site labels on the bundle, the site first and doNotDeploy for the rest', () => {
    const fy = yaml.load(fleet().siteFiles(sites[1])[0].content);
    expect(fy).toEqual({
      defaultNamespace: 'edge',
      labels: { fleet: 'mec', region: 'eu-north', site: 'mec-002', tier: 'silver' },
      targetCustomizationMode: 'FirstMatch',
      targetCustomizations: [
        { name: 'site', clusterName: 'mec-002' },
        { name: 'other-clusters', clusterSelector: {}, doNotDeploy: true },
      ],
    });
    expect(fleet().siteFiles(sites[1]).map(f => f.path)).toEqual(['fleet.yaml']);
  });

  test('fleet.yaml keys: only FleetYAML fields (fleetyaml.go:6-26 and BundleSpec), keys sorted', () => {
    // FleetYAML's own keys; the rest must be BundleSpec fields, which the Bundle CRD schema checks strictly (validateLayout).
    const fleetYamlOnly = ['name', 'labels', 'targetCustomizations', 'imageScans', 'overrideTargets'];
    const text = fleet({ defaultNamespace: 'apps' }).siteFiles(sites[0])[0].content;
    const fy: any = yaml.load(text);
    const bundle = bundleOf(text, gitRepoOf(bindObjects(fleet(), sites)), 'b');
    for (const k of Object.keys(fy)) expect(fleetYamlOnly.includes(k) || k in bundle.spec).toBe(true);
    expect(Object.keys(fy)).toEqual([...Object.keys(fy)].sort());
    expect(fy.defaultNamespace).toBe('apps');
    validateObjects([bundle]);
  });

  test('property: the fleet.yaml text reads back as the FleetYAML object, in js-yaml and in a YAML 1.1 reader (go-yaml is 1.1)', () => {
    const r = GitOps.rancherFleet({ repo: REPO }) as any;
    const labelKey = fc.constantFrom('region', 'canary', 'example.com/tier', 'on', 'y', 'null', '0644', 'fleet.cattle.io/x', 'a.b_c-d');
    const labelValue = fc.constantFrom('', 'true', 'no', 'on', '0644', '1e3', 'null', 'eu-west', 'A.b_c-9', '0x1F', '0.5', '1_000');
    fc.assert(fc.property(fc.dictionary(labelKey, labelValue), fc.option(fc.constantFrom('edge', 'true', 'null', 'y'), { nil: undefined }), (labels, namespace) => {
      const site: GitOpsSite = { name: 'mec-007', labels, manifestsPath: 'sites/mec-007/manifests', namespace };
      const text = fleet().siteFiles(site)[0].content;
      const want = r.renderer.fleetYaml(site);
      expect(yaml.load(text)).toEqual(want);
      expect(YAML.parse(text, { version: '1.1' })).toEqual(want);
    }), fuzzParams({ numRuns: 300 }));
  });

  test('reserved fleet.cattle.io labels are not copied to the bundle (they would replace the repo label, read.go:215-228)', () => {
    const s = { ...sites[0], labels: { ...sites[0].labels, 'fleet.cattle.io/repo-name': 'evil' } };
    expect((yaml.load(fleet().siteFiles(s)[0].content) as any).labels['fleet.cattle.io/repo-name']).toBeUndefined();
  });

  test('targets and ClusterGroups: rendered, validated, each bundle deploys to its own cluster only', () => {
    const g = fleet({
      revision: 'v1.2.3',
      clusterGroups: { gold: { matchLabels: { tier: 'gold' } }, silver: { matchExpressions: [{ key: 'tier', operator: GitOpsSelectorOperator.IN, values: ['silver'] }] } },
      targets: [{ name: 'gold', clusterGroup: 'gold' }, { name: 'silver', clusterGroup: 'silver', clusterSelector: { matchLabels: { fleet: 'mec' } } }],
    });
    const objs = bindObjects(g, sites);
    const bundles = validateLayout(g, sites, objs);
    const groups = objs.filter(o => o.kind === 'ClusterGroup');
    expect(groups.map(o => [o.metadata.name, o.metadata.namespace, o.spec.selector])).toEqual([
      ['gold', 'fleet-default', { matchLabels: { tier: 'gold' } }],
      ['silver', 'fleet-default', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['silver'] }] }],
    ]);
    expect(gitRepoOf(objs).spec.revision).toBe('v1.2.3');
    expect(gitRepoOf(objs).spec.branch).toBeUndefined();
    const clusters: FleetCluster[] = [...sites, { name: 'stranger', labels: { tier: 'gold', fleet: 'mec' } }];
    sites.forEach((s, i) => {
      expect(clusters.filter(c => fleetDeploys(bundles[i], c, groups)).map(c => c.name)).toEqual([s.name]);
    });
  });

  test('property: for any site set and region targets, every site\'s bundle deploys to exactly its own cluster', () => {
    const siteArb = fc.uniqueArray(fc.record({
      n: fc.integer({ min: 1, max: 999 }),
      region: fc.constantFrom('eu-west', 'eu-north', 'us-east'),
      canary: fc.boolean(),
    }), { minLength: 1, maxLength: 8, selector: r => r.n });
    fc.assert(fc.property(siteArb, fc.subarray(['eu-west', 'eu-north', 'us-east'], { minLength: 1 }), fc.boolean(), (raw, regions, useGroup) => {
      const ss: GitOpsSite[] = raw.map(r => ({
        name: `site-${r.n}`,
        manifestsPath: `sites/site-${r.n}/manifests`,
        labels: { region: r.region, ...(r.canary ? { canary: 'true' } : {}) },
      }));
      const sel = { matchExpressions: [{ key: 'region', operator: GitOpsSelectorOperator.IN, values: regions }] };
      const g = fleet(useGroup ? { clusterGroups: { picked: sel }, targets: [{ clusterGroup: 'picked' }] } : { targets: [{ clusterSelector: sel }] });
      const covered = ss.every(s => regions.includes(s.labels.region));
      if (!covered) {
        expect(validationErrorOf(() => bindObjects(g, ss)).message).toMatch(/selects no site|no GitRepo target selects/);
        return;
      }
      const objs = bindObjects(g, ss);
      const groups = objs.filter(o => o.kind === 'ClusterGroup');
      const clusters: FleetCluster[] = [...ss, { name: 'outsider', labels: { region: regions[0] } }];
      for (const s of ss) {
        const bundle = bundleOf(g.siteFiles(s)[0].content, gitRepoOf(objs), s.name);
        expect(clusters.filter(c => fleetDeploys(bundle, c, groups)).map(c => c.name)).toEqual([s.name]);
      }
    }), fuzzParams({ numRuns: 200 }));
  });

  test('a change to one site\'s labels changes only that site\'s fleet.yaml', () => {
    const g = fleet();
    const before = sites.map(s => g.siteFiles(s));
    const changed = sites.map((s, i) => (i === 2 ? { ...s, labels: { ...s.labels, region: 'us-east', tier: 'bronze' } } : s));
    const after = changed.map(s => g.siteFiles(s));
    sites.forEach((_, i) => (i === 2 ? expect(after[i]).not.toEqual(before[i]) : expect(after[i]).toEqual(before[i])));
    // and the fleet-level objects do not change with it
    expect(bindObjects(g, changed)).toEqual(bindObjects(g, sites));
  });

  test('deterministic: the same input renders byte-identical output', () => {
    const a = JSON.stringify(bindObjects(fleet(), sites)) + sites.map(s => fleet().siteFiles(s)[0].content).join('');
    const shuffled = [...sites].reverse();
    const b = JSON.stringify(bindObjects(fleet(), shuffled)) + sites.map(s => fleet().siteFiles(s)[0].content).join('');
    expect(b).toBe(a);
  });

  describe('@default', () => {
    const spec = (props: Partial<RancherFleetProps> = {}): any => gitRepoOf(bindObjects(fleet(props), sites)).spec;
    test('branch: none rendered, Fleet follows "master"', () => {
      expect(spec().branch).toBeUndefined();
      expect(spec().revision).toBeUndefined();
    });
    test('revision: none', () => expect(spec({ branch: 'main' }).revision).toBeUndefined());
    test('name: the fleet name', () => {
      expect(gitRepoOf(bindObjects(fleet(), sites, 'metro')).metadata.name).toBe('metro');
      expect(gitRepoOf(bindObjects(fleet({ name: 'other' }), sites, 'metro')).metadata.name).toBe('other');
    });
    test('namespace: fleet-default (also for ClusterGroups)', () => {
      const objs = bindObjects(fleet({ clusterGroups: { eu: { matchLabels: { region: 'eu-west' } } } }), sites);
      expect(objs.map(o => o.metadata.namespace)).toEqual(['fleet-default', 'fleet-default']);
      expect(gitRepoOf(bindObjects(fleet({ namespace: 'fleet-local' }), sites)).metadata.namespace).toBe('fleet-local');
    });
    test('targets: all-clusters with an empty selector', () => expect(spec().targets).toEqual([{ name: 'all-clusters', clusterSelector: {} }]));
    test('clusterGroups: none', () => expect(bindObjects(fleet(), sites).filter(o => o.kind === 'ClusterGroup')).toEqual([]));
    test('clientSecretName: none', () => expect(spec().clientSecretName).toBeUndefined());
    test('pollingInterval: 15s, Fleet\'s default; a Duration renders as a Go duration', () => {
      expect(spec().pollingInterval).toBe('15s');
      expect(spec({ pollingInterval: Duration.minutes(5) }).pollingInterval).toBe('300s');
      expect(spec({ pollingInterval: Duration.millis(1500) }).pollingInterval).toBe('1500ms');
    });
    test('keepResources: true', () => {
      expect(spec().keepResources).toBe(true);
      expect(spec({ keepResources: false }).keepResources).toBe(false);
    });
    test('correctDrift: enabled', () => {
      expect(spec().correctDrift).toEqual({ enabled: true });
      expect(spec({ correctDrift: false }).correctDrift).toEqual({ enabled: false });
    });
    test('defaultNamespace: the site\'s namespace, else none (Fleet\'s "default")', () => {
      const { namespace: _ns, ...noNs } = sites[0];
      expect((yaml.load(fleet().siteFiles(sites[0])[0].content) as any).defaultNamespace).toBe('edge');
      expect((yaml.load(fleet().siteFiles(noNs)[0].content) as any).defaultNamespace).toBeUndefined();
    });
  });

  describe('bad input', () => {
    test('a target that selects no site names the target and what it selects', () => {
      const e = validationErrorOf(() => bindObjects(fleet({ targets: [{ name: 'asia', clusterSelector: { matchLabels: { region: 'ap-south' } } }] }), sites));
      expect(e.prop).toBe('targets[0] (asia)');
      expect(e.message).toContain('region=ap-south');
      expect(e.message).toContain('selects no site');
      expect(e.message).toContain('mec-001');
    });
    test('a ClusterGroup that selects no site', () => {
      const e = validationErrorOf(() => bindObjects(fleet({ clusterGroups: { asia: { matchLabels: { region: 'ap-south' } } } }), sites));
      expect(e.prop).toBe('clusterGroups.asia');
      expect(e.message).toContain('selects no site');
    });
    test('a site no target selects', () => {
      const e = validationErrorOf(() => bindObjects(fleet({ targets: [{ clusterSelector: { matchLabels: { region: 'eu-west' } } }] }), sites));
      expect(e.message).toMatch(/mec-002.*no GitRepo target selects/);
    });
    test('a target with no condition, or an undefined group', () => {
      expect(validationErrorOf(() => fleet({ targets: [{ name: 'x' }] })).message).toContain('neither clusterSelector nor clusterGroup');
      expect(validationErrorOf(() => fleet({ targets: [{ clusterGroup: 'nope' }] })).prop).toBe('targets[0].clusterGroup');
      expect(validationErrorOf(() => fleet({ targets: [] })).prop).toBe('targets');
    });
    test.each([
      ['ftp://git.example.com/x.git'], ['not a url'], ['https://'], ['https://host/'], ['https://user:pw@git.example.com/x.git'],
      ['https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x.git'], ['https://git.example.com/{{x}}'],
    ])('bad repo URL %s', (repo) => {
      const e = validationErrorOf(() => GitOps.rancherFleet({ repo }));
      expect(e.prop).toBe('repo');
      expect(e.message).not.toContain(':pw@');
    });
    test.each([['git@github.com:org/repo.git'], ['ssh://git@git.example.com:2222/org/repo.git'], ['http://gitea.local/org/repo']])('good repo URL %s', (repo) => {
      expect(() => GitOps.rancherFleet({ repo })).not.toThrow();
    });
    test('branch and revision names; both at once', () => {
      for (const b of ['-x', 'a..b', 'a b', 'x.lock', 'a:b', '']) expect(validationErrorOf(() => fleet({ branch: b })).prop).toBe('branch');
      expect(validationErrorOf(() => fleet({ branch: 'main', revision: 'v1' })).prop).toBe('revision');
    });
    test('names, secrets, durations, selectors', () => {
      expect(validationErrorOf(() => fleet({ namespace: 'Fleet' })).prop).toBe('namespace');
      expect(validationErrorOf(() => fleet({ clientSecretName: 'a b' })).prop).toBe('clientSecretName');
      expect(validationErrorOf(() => fleet({ pollingInterval: Duration.millis(10) })).prop).toBe('pollingInterval');
      expect(validationErrorOf(() => fleet({ clusterGroups: { eu: { matchExpressions: [{ key: 'region', operator: GitOpsSelectorOperator.IN }] } } })).prop)
        .toBe('clusterGroups.eu.matchExpressions[0].values');
    });
    test('sites laid out without a common pattern', () => {
      const odd = [sites[0], { ...sites[1], manifestsPath: 'other/mec-002' }];
      expect(validationErrorOf(() => bindObjects(fleet(), odd)).message).toContain('one pattern');
    });
    test('a siteFiles site with a bad name', () => {
      expect(validationErrorOf(() => fleet().siteFiles({ ...sites[0], name: 'Bad_Name' })).prop).toBe('sites[].name');
    });
  });
});
