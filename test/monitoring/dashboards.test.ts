import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { GrafanaDashboardSidecar, WasmDashboards, WasmDashboardsProps } from '../../lib/monitoring/dashboards';
import { EdgeOfflineNode } from '../../lib/node/edge-offline-node';
import { ServerlessFunction } from '../../lib/serverless-function';
import { Warnings } from '../../lib/warnings';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';
import { expectValidPromql, promqlProblems } from '../util/promql';
import { synthAndValidate, validateObjects } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function fleetApp(props: WasmDashboardsProps = {}) {
  const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'mec', { namespace: 'edge' });
  const a = fleet.addSite('a', { servers: [{ name: 'a-s', ip: '10.0.0.1' }], agents: [{ name: 'a-1', ip: '10.0.0.2' }] });
  const b = fleet.addSite('b', { servers: [{ name: 'b-s', ip: '10.0.1.1' }], nodeDefaults: { density: { podsPerNode: 1000 } } });
  // Distinct names: the app's autoscaler check treats one namespace/name in two sites as one workload.
  for (const site of [a, b]) new ServerlessFunction(site, 'fn', { image: IMAGE, name: `fn-${site.siteName}`, host: 'fn.example.com', maxReplicas: 4 });
  const monitoring = new Chart(fleet.managementChart, 'monitoring', { namespace: 'monitoring' });
  const dashboards = new WasmDashboards(monitoring, 'dashboards', props);
  return { fleet, monitoring, dashboards };
}

/** Every PromQL expression of a dashboard's panels. */
function exprs(d: any): string[] {
  return d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
}

/**
 * What Grafana needs of a dashboard JSON model it provisions (pkg/util/shortid_generator.go: uid
 * at most 40 of letters, digits, "-", "_"; panels with unique ids on the 24-column grid; template
 * variables the queries reference, a datasource variable the panels' datasource uid names).
 */
function grafanaProblems(d: Dashboard): string[] {
  const out: string[] = [];
  if (!d.uid || d.uid.length > 40 || !/^[a-zA-Z0-9_-]+$/.test(d.uid)) out.push(`uid ${d.uid}`);
  if (!d.title) out.push('no title');
  if (typeof d.schemaVersion !== 'number') out.push('no schemaVersion');
  const ids = new Set<number>();
  const variables = new Set((d.templating?.list ?? []).map(v => v.name));
  for (const p of (d.panels ?? []) as any[]) {
    if (typeof p.id !== 'number' || ids.has(p.id)) out.push(`panel id ${p.id}`);
    ids.add(p.id);
    if (!['timeseries', 'stat'].includes(p.type)) out.push(`panel type ${p.type}`);
    const g = p.gridPos;
    if (!g || g.x < 0 || g.w <= 0 || g.x + g.w > 24 || g.h <= 0) out.push(`gridPos of ${p.title}`);
    const refIds = (p.targets ?? []).map((t: any) => t.refId);
    if (new Set(refIds).size !== refIds.length) out.push(`refIds of ${p.title}`);
    for (const t of p.targets ?? []) {
      for (const [, name] of String(t.expr).matchAll(/\$([a-z_]+)/g)) if (!variables.has(name)) out.push(`${p.title}: no variable ${name}`);
      if (t.datasource?.uid !== '${datasource}') out.push(`${p.title}: datasource ${JSON.stringify(t.datasource)}`);
    }
  }
  const ds = (d.templating?.list ?? []).find(v => v.name === 'datasource');
  if (ds?.type !== 'datasource' || ds.query !== 'prometheus') out.push('no prometheus datasource variable');
  return out;
}

describe('WasmDashboards', () => {
  test('snapshot: three ConfigMaps labelled grafana_dashboard: "1", valid; dashboards valid for Grafana; every query parses', () => {
    const { monitoring, dashboards } = fleetApp();
    const objects = synthAndValidate(monitoring);
    expect(objects.map(o => `${o.kind}/${Object.keys(o.data)[0]}`)).toEqual([
      'ConfigMap/wasm-edge-fleet.json', 'ConfigMap/wasm-edge-functions.json', 'ConfigMap/wasm-edge-nodes.json',
    ]);
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({ grafana_dashboard: '1' });
      expect(o.metadata.namespace).toBe('monitoring');
      const d = JSON.parse(Object.values(o.data)[0] as string);
      expect(grafanaProblems(d)).toEqual([]);
      expectValidPromql(exprs(d));
    }
    expect(dashboards.sidecarLabels).toEqual({ grafana_dashboard: '1' });
    expect(objects).toMatchSnapshot();
  });

  test('fleet overview: sites online of the app\'s sites, offline duration, per-site pods', () => {
    const d = fleetApp().dashboards.dashboards['wasm-edge-fleet.json'];
    expect(d.title).toBe('Wasm edge fleet mec');
    const titles = d.panels.map((p: any) => p.title);
    expect(titles).toEqual(['Sites online (of 2)', 'Offline for', 'Pods per site', 'Ready nodes per site', 'Pod start latency p95 (kubelet SLI)']);
    expect(d.panels[0].targets[0].expr).toBe('count(count by (fleet, site) (present_over_time(up{fleet="mec",site=~"a|b"}[10m])))');
    expect(d.panels[1].fieldConfig.defaults.unit).toBe('s');
  });

  test('per function: a function variable of the app\'s functions; queries name the route, HPA and Deployment as emitted', () => {
    const d = fleetApp().dashboards.dashboards['wasm-edge-functions.json'];
    const fnVar = d.templating.list.find((v: any) => v.name === 'function');
    expect(fnVar).toMatchObject({ type: 'custom', query: 'fn-a,fn-b', current: { value: 'fn-a' } });
    expect(d.templating.list.find((v: any) => v.name === 'namespace').query).toBe('edge');
    const all = exprs(d).join('\n');
    expect(all).toContain('interceptor_request_count_total{fleet="mec",route_namespace="$namespace",route_name="$function"}');
    expect(all).toContain('horizontalpodautoscaler="keda-hpa-$function"');
    expect(all).toContain('kube_deployment_status_replicas_available{fleet="mec",namespace="$namespace",deployment="$function"}');
    expect(all).toContain('owner_name=~"$function-[a-z0-9]+"');
  });

  test('per node: pods against the planned max-pods and against the pod IPs of each node\'s CIDR', () => {
    const { fleet, dashboards } = fleetApp();
    const d = dashboards.dashboards['wasm-edge-nodes.json'];
    const dense = fleet.site('b')!.nodes[0].densityPlan!;
    expect(d.panels[0].title).toBe(`Pods per node (planned max-pods 110, ${dense.maxPods})`);
    expect(d.panels[0].fieldConfig.defaults.thresholds.steps[1]).toEqual({ color: 'red', value: 110 });
    const cidr = d.panels[1].targets[0].expr;
    expect(cidr).toContain('node=~"a-1|a-s"');
    expect(cidr).toContain('/ 253 or ');
    expect(cidr).toContain('node=~"b-s"');
    expect(cidr).toContain(`/ ${dense.podIpsPerNode}`);
    expect(d.templating.list.find((v: any) => v.name === 'site')).toMatchObject({ query: 'a,b', multi: true, includeAll: true });
  });

  test('deterministic: the same app gives the same bytes', () => {
    const text = () => JSON.stringify(Testing.synth(fleetApp().monitoring));
    expect(text()).toBe(text());
  });

  test('built at synth: a function added later is in the function variable', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const dashboards = new WasmDashboards(c, 'd');
    new ServerlessFunction(c, 'late', { image: IMAGE, name: 'late' });
    expect(dashboards.dashboards['wasm-edge-functions.json'].templating.list.find((v: any) => v.name === 'function').query).toBe('late');
  });
});

describe('WasmDashboards defaults (@default)', () => {
  test('sidecar: kube-prometheus-stack (grafana_dashboard: "1"); labelValue its value', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(new WasmDashboards(c, 'd').sidecarLabels).toEqual({ grafana_dashboard: '1' });
    expect(new WasmDashboards(c, 'any', { sidecar: GrafanaDashboardSidecar.GRAFANA_CHART }).sidecarLabels).toEqual({ grafana_dashboard: '1' });
  });
  test('metadata: generated names, the chart\'s namespace', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'grafana' });
    new WasmDashboards(c, 'd');
    const objects = synthAndValidate(c);
    expect(objects.map(o => o.metadata.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^c-d-fleet-[0-9a-f]{8}$/)]));
    expect(objects.every(o => o.metadata.namespace === 'grafana')).toBe(true);
  });
  test('uidPrefix: wasm-edge', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(Object.values(new WasmDashboards(c, 'd').dashboards).map((d: any) => d.uid)).toEqual(['wasm-edge-fleet', 'wasm-edge-functions', 'wasm-edge-nodes']);
  });
  test('functions, nodes, sites: the app\'s; fleetName: the only EdgeFleet\'s, else none', () => {
    const c = new Chart(Testing.app(), 'c');
    new EdgeOfflineNode(c, 'n1');
    const d = new WasmDashboards(c, 'd').dashboards;
    expect(exprs(d['wasm-edge-nodes.json']).join()).toContain('node=~"n1"');
    expect(exprs(d['wasm-edge-fleet.json']).join()).not.toContain('fleet=');
    expect(d['wasm-edge-fleet.json'].panels[0].title).toBe('Sites online (of 0)');
  });
  test('siteOfflineAfter: 10 minutes', () => {
    expect(fleetApp().dashboards.dashboards['wasm-edge-fleet.json'].panels[0].targets[0].expr).toContain('[10m]');
    expect(fleetApp({ siteOfflineAfter: Duration.minutes(3) }).dashboards.dashboards['wasm-edge-fleet.json'].panels[0].targets[0].expr).toContain('[3m]');
  });
});

describe('WasmDashboards bad input', () => {
  test('a label value no Grafana selects is a warning', () => {
    const c = new Chart(Testing.app(), 'c');
    const d = new WasmDashboards(c, 'd', { labelValue: 'true' });
    const [w] = Warnings.of(d).messages;
    expect(w).toContain('labelValue="true"');
    expect(w).toContain('kube-prometheus-stack loads only ConfigMaps labelled grafana_dashboard: "1"');
    // The grafana chart takes any value: no warning.
    expect(Warnings.of(new WasmDashboards(c, 'e', { sidecar: GrafanaDashboardSidecar.GRAFANA_CHART, labelValue: 'true' })).messages).toEqual([]);
    expect(Warnings.of(new WasmDashboards(c, 'f', { sidecar: GrafanaDashboardSidecar.custom('dash', 'yes'), labelValue: 'yes' })).messages).toEqual([]);
  });
  test('label value and uid prefix syntax, sidecar type', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(validationErrorOf(() => new WasmDashboards(c, 'a', { labelValue: 'not ok' })).prop).toBe('labelValue');
    expect(validationErrorOf(() => new WasmDashboards(c, 'b', { uidPrefix: 'a'.repeat(31) })).prop).toBe('uidPrefix');
    expect(validationErrorOf(() => new WasmDashboards(c, 'c', { uidPrefix: 'a b' })).prop).toBe('uidPrefix');
    expect(validationErrorOf(() => new WasmDashboards(c, 'd', { sidecar: 'kps' as any })).prop).toBe('sidecar');
    expect(validationErrorOf(() => new WasmDashboards(c, 'e', { sidecar: GrafanaDashboardSidecar.custom('bad key!') })).prop).toContain('sidecar');
  });
});

describe('WasmDashboards properties', () => {
  test('any label value: valid ConfigMaps (a warning when kube-prometheus-stack would not load them), or the documented error', () => {
    fc.assert(fc.property(fc.oneof(fc.constantFrom('1', 'true', ''), fc.string({ maxLength: 70 })), value => {
      const c = new Chart(Testing.app(), 'c');
      let d: WasmDashboards;
      try {
        d = new WasmDashboards(c, 'd', { labelValue: value });
      } catch (e) {
        expect(String((e as Error).message)).toContain('labelValue=');
        return;
      }
      validateObjects(d.apiObjects.map(o => o.toJson()));
      expect(d.sidecarLabels).toEqual({ grafana_dashboard: value });
      expect(Warnings.of(d).messages.length).toBe(value === '1' ? 0 : 1);
    }), fuzzParams({ numRuns: 100 }));
  });

  test('any site and node names and uid prefix: valid ConfigMaps, Grafana-valid dashboards, queries that parse', () => {
    const name = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-zA-Z0-9_-]{1,30}$/), (sites, prefix) => {
      const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'f');
      sites.forEach((s, i) => fleet.addSite(s, { servers: [{ name: `${s}-n`, ip: `10.0.${i}.1` }] }));
      const d = new WasmDashboards(fleet.managementChart, 'd', { uidPrefix: prefix });
      validateObjects(d.apiObjects.map(o => o.toJson()));
      for (const dash of Object.values(d.dashboards)) {
        expect(grafanaProblems(dash)).toEqual([]);
        for (const e of exprs(dash)) expect(promqlProblems(e)).toEqual([]);
      }
    }), fuzzParams({ numRuns: 40 }));
  });
});
