/**
 * The 5G MEC and fleet examples' alerts and dashboards: valid, derived from the examples'
 * workloads, with every query parsing.
 */
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as mec from '../../examples/5g-mec/main';
import * as fleetExample from '../../examples/fleet/main';
import { WasmAlertRules } from '../../lib/monitoring/alert-rules';
import { WasmDashboards } from '../../lib/monitoring/dashboards';
import { expectValidPromql } from '../util/promql';
import { validateObjects } from '../util/validate';

function dashboardExprs(d: WasmDashboards): string[] {
  return Object.values(d.dashboards).flatMap((dash: any) => dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)));
}

test('5g-mec: a monitoring chart with the rules and dashboards of the MEC chart', () => {
  const example = mec;
  const app = Testing.app();
  example.buildExample(app);
  const monitoring = app.node.findChild('monitoring') as Chart;
  const rules = monitoring.node.findChild('alerts') as WasmAlertRules;
  const dashboards = monitoring.node.findChild('dashboards') as WasmDashboards;
  const objects = Testing.synth(monitoring);
  validateObjects(objects);
  expect(objects.map(o => o.kind)).toEqual(['PrometheusRule', 'ConfigMap', 'ConfigMap', 'ConfigMap']);
  expect([...new Set(rules.rules.map(r => r.alert))]).toEqual(['EdgeNodeOfflineWindowExpiring', 'WasmPodRestarting', 'WasmPodColdStartSlow']);
  expect(rules.rules.filter(r => r.alert === 'WasmPodRestarting').every(r => r.expr.includes('namespace="mec-apps"'))).toBe(true);
  expectValidPromql([...rules.rules.map(r => r.expr), ...dashboardExprs(dashboards)]);
});

test('fleet: rules and dashboards in the management chart cover every site, one rule per workload', () => {
  const example = fleetExample;
  const app: App = example.createApp(path.join(__dirname, 'unused-out'));
  const fleet = example.buildExample(app);
  const rules = fleet.managementChart.node.findChild('alerts') as WasmAlertRules;
  const dashboards = fleet.managementChart.node.findChild('dashboards') as WasmDashboards;
  validateObjects([rules.apiObject.toJson(), ...dashboards.apiObjects.map(o => o.toJson())]);
  const [offline] = rules.rules.filter(r => r.alert === 'EdgeSiteOffline');
  expect(offline.expr.split(' or ')).toHaveLength(fleet.sites.length);
  // Workloads deployed to many sites: one rule each, matching all their sites.
  expect(rules.rules.length).toBeLessThan(fleet.sites.length);
  expectValidPromql([...rules.rules.map(r => r.expr), ...dashboardExprs(dashboards)]);
});
