/**
 * Shared by the GitOps tests: fake sites, a bind in a Chart, and models of what Rancher Fleet and
 * Argo CD do with the rendered objects, written from their code (not from lib/), so the tests can
 * check where each site's manifests really land.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { GitOps, GitOpsSite } from '../../lib/fleet/gitops';

export const REGIONS = ['eu-west', 'eu-north', 'us-east'];

/** `n` sites mec-001.. over three regions, the first one a canary. */
export function fakeSites(n: number, root = ''): GitOpsSite[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `mec-${String(i + 1).padStart(3, '0')}`;
    return {
      name,
      labels: { fleet: 'mec', site: name, region: REGIONS[i % 3], tier: i % 2 === 0 ? 'gold' : 'silver', ...(i === 0 ? { canary: 'true' } : {}) },
      manifestsPath: `${root ? `${root}/` : ''}sites/${name}/manifests`,
      namespace: 'edge',
    };
  });
}

/** Binds `gitops` in a fresh Chart and returns the synthesized objects. */
export function bindObjects(gitops: GitOps, sites: GitOpsSite[], fleetName = 'mec', rootPath = ''): any[] {
  const chart = new Chart(Testing.app(), 'management');
  gitops.bind(chart, { fleetName, sites, rootPath });
  return Testing.synth(chart);
}

/** Binds in a Chart of an App (as the fleet's writer will) and returns the Chart. */
export function bindChart(gitops: GitOps, sites: GitOpsSite[], fleetName = 'mec'): Chart {
  const chart = new Chart(new App(), 'management');
  gitops.bind(chart, { fleetName, sites, rootPath: '' });
  return chart;
}

// ---------------------------------------------------------------------------------------------
// Label selectors: k8s.io/apimachinery labels.Selector.Matches.
// ---------------------------------------------------------------------------------------------

export function matches(selector: any, labels: { [k: string]: string }): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Rancher Fleet v0.16.1.
// ---------------------------------------------------------------------------------------------

export interface FleetCluster { readonly name: string; readonly labels: { [k: string]: string } }

/**
 * The Bundle `fleet apply` makes of a directory's fleet.yaml with the GitRepo's targets file:
 * internal/bundlereader/read.go:156-255 (targetCustomizations appended to targets, GitRepo targets
 * appended after them and copied to targetRestrictions by appendTargets, read.go:316-335, from the
 * targets file of targetsyaml.go:17-28), names set by setTargetNames (read.go:337-343).
 */
export function bundleOf(fleetYamlText: string, gitRepo: any, name: string): any {
  const fy: any = yaml.load(fleetYamlText);
  const { labels, targetCustomizations, name: _n, imageScans: _i, overrideTargets: _o, ...spec } = fy;
  const gitTargets = (gitRepo.spec.targets ?? [{ name: 'default', clusterGroup: 'default' }]).map((t: any) => ({ ...t }));
  const targets = [...(spec.targets ?? []), ...(targetCustomizations ?? []), ...gitTargets].map((t: any, i: number) => ({ ...t, name: t.name ?? `target${String(i).padStart(3, '0')}` }));
  return {
    apiVersion: 'fleet.cattle.io/v1alpha1',
    kind: 'Bundle',
    metadata: { name, namespace: gitRepo.metadata.namespace, labels: { ...labels, 'fleet.cattle.io/repo-name': gitRepo.metadata.name } },
    spec: { ...spec, targets, targetRestrictions: gitTargets },
  };
}

/** ClusterMatcher.Match (internal/cmd/controller/target/matcher/clustermatcher.go:23-79). */
function criteriaMatch(t: any, cluster: FleetCluster, group: string, groupLabels: any): boolean {
  const criteria: boolean[] = [];
  if (t.clusterName) criteria.push(t.clusterName === cluster.name || cluster.labels['management.cattle.io/cluster-display-name'] === t.clusterName);
  if (t.clusterGroup) criteria.push(t.clusterGroup === group);
  if (t.clusterGroupSelector) criteria.push(matches(t.clusterGroupSelector, groupLabels ?? {}));
  if (t.clusterSelector) criteria.push(matches(t.clusterSelector, cluster.labels));
  return criteria.length > 0 && criteria.every(Boolean);
}

/** Match over the cluster's groups, or with no group when it is in none (bundlematch.go:169-184). */
function anyGroup(t: any, cluster: FleetCluster, groups: { [g: string]: any }): boolean {
  const mine = Object.keys(groups).filter(g => matches(groups[g].spec.selector, cluster.labels));
  if (mine.length === 0) return criteriaMatch(t, cluster, '', undefined);
  return mine.some(g => criteriaMatch(t, cluster, g, groups[g].metadata.labels ?? {}));
}

/**
 * Whether Fleet creates a BundleDeployment of `bundle` on `cluster`: internal/cmd/controller/target/builder.go:93-143
 * (first non-customization target passing the restrictions, bundlematch.go:36-42,138-166; not doNotDeploy;
 * then the first matching customization in FirstMatch mode, not doNotDeploy).
 */
export function fleetDeploys(bundle: any, cluster: FleetCluster, clusterGroups: any[]): boolean {
  const groups: { [g: string]: any } = {};
  for (const g of clusterGroups) groups[g.metadata.name] = g;
  const targets: any[] = bundle.spec.targets;
  const nCustom = targets.length - bundle.spec.targetRestrictions.length;
  const restricted = !bundle.spec.targetRestrictions.some((r: any) => anyGroup(r, cluster, groups));
  const target = targets.find((t, i) => i >= nCustom && !restricted && anyGroup(t, cluster, groups));
  if (!target || target.doNotDeploy) return false;
  if ((bundle.spec.targetCustomizationMode ?? 'FirstMatch') !== 'FirstMatch') throw new Error('model covers FirstMatch only');
  const custom = targets.find((t, i) => i < nCustom && anyGroup(t, cluster, groups));
  return !(custom && custom.doNotDeploy);
}

/** filepath.Glob / path.Match for patterns whose only metacharacter is `*` (matches within one segment). */
export function globMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return re.test(path);
}

// ---------------------------------------------------------------------------------------------
// Argo CD v3.5.1 ApplicationSet.
// ---------------------------------------------------------------------------------------------

/** The few Go template forms the layout uses, evaluated with missingkey=error. */
export function goTemplate(text: string, params: any): string {
  return text.replace(/\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
    const idx = /^index \.path\.segments (\d+)$/.exec(expr);
    if (idx) {
      const v = params.path.segments[Number(idx[1])];
      if (v === undefined) throw new Error(`missingkey: segment ${idx[1]}`);
      return v;
    }
    const field = /^\.([a-z.]+)$/i.exec(expr);
    if (!field) throw new Error(`unsupported template ${expr}`);
    const v = field[1].split('.').reduce((o: any, k) => (o === undefined ? undefined : o[k]), params);
    if (v === undefined || typeof v === 'object') throw new Error(`missingkey: ${expr}`);
    return String(v);
  });
}

/** The Applications an ApplicationSet generates for a repository holding `dirs` and clusters `clusters`. */
export function argoApplications(appSet: any, dirs: string[], clusters: FleetCluster[]): any[] {
  const gen = appSet.spec.generators[0];
  let paramSets: any[];
  if (gen.git) {
    // applicationset/generators/git.go:297-338
    paramSets = dirs.filter(d => gen.git.directories.some((x: any) => !x.exclude && globMatches(x.path, d)))
      .map(d => ({ path: { path: d, basename: d.split('/').pop(), segments: d.split('/') } }));
  } else {
    // applicationset/generators/cluster.go: one parameter set per matching cluster Secret
    paramSets = clusters.filter(c => matches(gen.clusters.selector, c.labels)).map(c => ({ name: c.name, metadata: { labels: c.labels } }));
  }
  const tmpl = JSON.stringify(appSet.spec.template);
  return paramSets.map(p => JSON.parse(tmpl, (_k, v) => (typeof v === 'string' ? goTemplate(v, p) : v)));
}
