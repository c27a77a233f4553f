import { App, Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { FunctionBackend } from '../../lib/backends/function-backend';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { KubeEdgeDevice, KubeEdgeDeviceModel } from '../../lib/kubeedge';
import { AlertRule, AlertSeverity, WasmAlertRules, WasmAlertRulesProps } from '../../lib/monitoring/alert-rules';
import { EdgeOfflineNode } from '../../lib/node/edge-offline-node';
import { ServerlessFunction } from '../../lib/serverless-function';
import { WasmDeployment } from '../../lib/wasm-deployment';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';
import { expectValidPromql, promqlProblems } from '../util/promql';
import { synthAndValidate, validateObjects } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

/** A chart in namespace `apps` with one HTTP-scaled function, one plain WasmDeployment and one node. */
function app(props: WasmAlertRulesProps = {}) {
  const c = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', host: 'hello.example.com', maxReplicas: 8, coldStartBudget: Duration.seconds(5) });
  const w = new WasmDeployment(c, 'worker', { metadata: { name: 'worker' }, wasmContainers: [{ image: IMAGE, command: ['/worker.wasm'] }] });
  const n = new EdgeOfflineNode(c, 'edge-1', { offlineAutonomy: Duration.hours(4) });
  const rules = new WasmAlertRules(c, 'alerts', props);
  return { c, f, w, n, rules };
}

function ruleOf(objects: any[]): any {
  const [rule] = objects.filter(o => o.kind === 'PrometheusRule');
  return rule;
}

function named(rules: AlertRule[], alert: string): AlertRule[] {
  return rules.filter(r => r.alert === alert);
}

function exprsOf(objects: any[]): string[] {
  return ruleOf(objects).spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
}

/** A fleet of two sites (two nodes in "a" with the default 30-day window, one in "b" with 2 hours), with a function in each. */
function fleetApp(props: WasmAlertRulesProps = {}) {
  const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'mec', { namespace: 'edge' });
  const a = fleet.addSite('a', { servers: [{ name: 'a-s', ip: '10.0.0.1' }], agents: [{ name: 'a-1', ip: '10.0.0.2' }] });
  const b = fleet.addSite('b', { servers: [{ name: 'b-s', ip: '10.0.1.1' }], nodeDefaults: { offlineAutonomy: Duration.hours(2) } });
  for (const site of [a, b]) new ServerlessFunction(site, 'fn', { image: IMAGE, name: 'fn', host: 'fn.example.com', maxReplicas: 4 });
  const rules = new WasmAlertRules(fleet.managementChart, 'alerts', props);
  return { fleet, a, b, rules };
}

describe('WasmAlertRules', () => {
  test('snapshot: a PrometheusRule for a function, a workload and a node, valid against the CRD; every expression parses', () => {
    const { c } = app({ ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
    const objects = synthAndValidate(c);
    const rule = ruleOf(objects);
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(rule.metadata.namespace).toBe('apps');
    expectValidPromql(exprsOf(objects));
    expect(rule).toMatchSnapshot();
  });

  test('groups in a fixed order; the derived alerts of each kind', () => {
    const { c, rules } = app();
    const groups = ruleOf(synthAndValidate(c)).spec.groups.map((g: any) => g.name);
    expect(groups).toEqual(['wasm-edge.sites', 'wasm-edge.workloads', 'wasm-edge.autoscaling']);
    expect([...new Set(rules.rules.map(r => r.alert))]).toEqual([
      'EdgeNodeOfflineWindowExpiring', 'WasmPodRestarting', 'WasmPodColdStartSlow',
      'KedaScalerErrors', 'KedaScaledObjectNotReady', 'WasmFunctionAtMaxReplicas', 'KedaHttpInterceptorPendingRequests',
    ]);
  });

  test('thresholds come from the constructs: cold-start budget, maxReplicas, offline window, concurrency target', () => {
    const { rules } = app();
    const slow = named(rules.rules, 'WasmPodColdStartSlow');
    // hello: budget 5 s (its own prop); worker: the default 30 s.
    expect(slow.map(r => r.expr.match(/\) > (\d+) and/)?.[1])).toEqual(['5', '30']);
    expect(slow[0].expr).toContain('owner_name=~"hello-[a-z0-9]+"');
    expect(slow[1].expr).toContain('owner_name=~"worker-[a-z0-9]+"');
    const [max] = named(rules.rules, 'WasmFunctionAtMaxReplicas');
    expect(max.expr).toBe('kube_horizontalpodautoscaler_status_current_replicas{namespace="apps",horizontalpodautoscaler="keda-hpa-hello"} >= 8');
    expect(max.forDuration).toBe('15m');
    const [node] = named(rules.rules, 'EdgeNodeOfflineWindowExpiring');
    // 75% of 4 h.
    // Not Ready at any sample of 3 h (a gap in the stream does not reset it, as a pending `for` would).
    expect(node.forDuration).toBe('5m');
    expect(node.expr).toBe('max_over_time(kube_node_status_condition{node=~"edge-1",condition="Ready",status="true"}[3h]) == 0');
    const [pending] = named(rules.rules, 'KedaHttpInterceptorPendingRequests');
    // The HTTP add-on's default concurrency target (100) at maxReplicas 8.
    expect(pending.expr).toBe('sum by (fleet, site, route_namespace, route_name) (interceptor_request_concurrency{route_namespace="apps",route_name="hello"}) > 800');
  });

  test('selectors name the ScaledObject, namespace and HPA as emitted', () => {
    const { c, rules } = app();
    const objects = synthAndValidate(c);
    const so = objects.find(o => o.kind === 'ScaledObject');
    const route = objects.find(o => o.kind === 'InterceptorRoute');
    const [errors] = named(rules.rules, 'KedaScalerErrors');
    expect(errors.expr).toContain(`namespace="${so.metadata.namespace}",scaledObject="${so.metadata.name}",type="scaledobject"`);
    const [pending] = named(rules.rules, 'KedaHttpInterceptorPendingRequests');
    expect(pending.expr).toContain(`route_namespace="${route.metadata.namespace}",route_name="${route.metadata.name}"`);
    // Every Deployment's ReplicaSets (<name>-<pod-template-hash>) match exactly one restart rule: its own.
    const deployments = objects.filter(o => o.kind === 'Deployment');
    expect(deployments.map(d => d.metadata.name).sort()).toEqual(['hello', 'worker']);
    const restarts = named(rules.rules, 'WasmPodRestarting');
    for (const d of deployments) {
      const replicaSet = `${d.metadata.name}-7c9d8b6f5`;
      const matching = restarts.filter(r => {
        const [, re] = /owner_name=~"([^"]+)"/.exec(r.expr)!;
        return new RegExp(`^(?:${re})$`).test(replicaSet);
      });
      expect(matching).toHaveLength(1);
      expect(matching[0].expr).toContain(`namespace="${d.metadata.namespace}"`);
    }
  });

  test('fleet: site rules carry site and fleet; EdgeSiteOffline per site; node rules per window; one rule per workload across sites', () => {
    const { fleet, rules } = fleetApp();
    expect(fleet.fleetName).toBe('mec');
    const [offline] = named(rules.rules, 'EdgeSiteOffline');
    expect(offline.expr).toBe('absent_over_time(up{fleet="mec",site="a"}[10m]) or absent_over_time(up{fleet="mec",site="b"}[10m])');
    expect(offline.labels.severity).toBe('critical');
    const nodes = named(rules.rules, 'EdgeNodeOfflineWindowExpiring');
    expect(nodes.map(n => [n.expr, n.forDuration])).toEqual([
      ['max_over_time(kube_node_status_condition{fleet="mec",site="a",node=~"a-1|a-s",condition="Ready",status="true"}[540h]) == 0', '5m'],
      ['max_over_time(kube_node_status_condition{fleet="mec",site="b",node=~"b-s",condition="Ready",status="true"}[1h30m]) == 0', '5m'],
    ]);
    // The same function on both sites: one rule each, matching both sites (alerts keep the site label).
    const restarts = named(rules.rules, 'WasmPodRestarting');
    expect(restarts).toHaveLength(1);
    expect(restarts[0].expr).toContain('{fleet="mec",site=~"a|b",namespace="edge"}');
    expect(named(rules.rules, 'WasmFunctionAtMaxReplicas')[0].expr).toBe(
      'kube_horizontalpodautoscaler_status_current_replicas{fleet="mec",site=~"a|b",namespace="edge",horizontalpodautoscaler="keda-hpa-fn"} >= 4');
    expectValidPromql(rules.rules.map(r => r.expr));
    validateObjects([rules.apiObject.toJson()]);
  });

  test('rules are derived at synth: a function added after the rules is covered', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const rules = new WasmAlertRules(c, 'alerts');
    expect(rules.rules).toEqual([]);
    new ServerlessFunction(c, 'late', { image: IMAGE, name: 'late', host: 'late.example.com', maxReplicas: 3 });
    expect(named(ruleOf(synthAndValidate(c)).spec.groups.flatMap((g: any) => g.rules), 'WasmFunctionAtMaxReplicas' as any)).toBeDefined();
    expect(rules.rules.some(r => r.alert === 'WasmFunctionAtMaxReplicas' && r.expr.includes('keda-hpa-late'))).toBe(true);
  });

  test('SpinKube: the Deployment spin-operator creates (named after the SpinApp) is watched with the function\'s budget', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new ServerlessFunction(c, 'spin', { image: IMAGE, name: 'spin', backend: FunctionBackend.spinKube(), coldStartBudget: Duration.seconds(9) });
    const rules = new WasmAlertRules(c, 'alerts');
    const [slow] = named(rules.rules, 'WasmPodColdStartSlow');
    expect(slow.expr).toContain('owner_name=~"spin-[a-z0-9]+"');
    expect(slow.expr).toContain(') > 9 and');
    validateObjects(synthAndValidate(c));
  });

  test('explicit lists replace the app\'s', () => {
    const { c, w } = app();
    const only = new WasmAlertRules(c, 'only-worker', { workloads: [w], functions: [], nodes: [] });
    expect([...new Set(only.rules.map(r => r.alert))]).toEqual(['WasmPodRestarting', 'WasmPodColdStartSlow']);
    expect(only.rules.every(r => r.expr.includes('worker-'))).toBe(true);
  });

  test('KubeEdge devices: unreachable when their edge node is NotReady, with a device label', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'iot' });
    const model = new KubeEdgeDeviceModel(c, 'model', { protocol: 'modbus', properties: [{ name: 'temperature', type: 'INT' as any }] } as any);
    new KubeEdgeDevice(c, 'sensor', { model, nodeName: 'edge-7', name: 'sensor-1' });
    const rules = new WasmAlertRules(c, 'alerts');
    const [device] = named(rules.rules, 'KubeEdgeDeviceUnreachable');
    expect(device.expr).toBe('label_replace(kube_node_status_condition{node="edge-7",condition="Ready",status="true"} == 0, "device", "sensor-1", "", "")');
    expect(device.forDuration).toBe('5m');
    expectValidPromql([device.expr]);
  });

  test('addRule returns the rule as written, in its group after the derived ones', () => {
    const { c, rules } = app({ labels: { team: 'edge' } });
    const added = rules.addRule({
      alert: 'WasmQueueBacklog',
      expr: 'sum(keda_scaler_metrics_value{scaler="kafkaScaler"}) > 1000',
      forDuration: Duration.minutes(2),
      severity: AlertSeverity.CRITICAL,
      summary: 'Backlog {{ $value }}',
      group: 'team.alerts',
    });
    expect(added).toEqual({
      group: 'team.alerts',
      alert: 'WasmQueueBacklog',
      expr: 'sum(keda_scaler_metrics_value{scaler="kafkaScaler"}) > 1000',
      forDuration: '2m',
      labels: { team: 'edge', severity: 'critical' },
      annotations: { summary: 'Backlog {{ $value }}' },
    });
    const groups = ruleOf(synthAndValidate(c)).spec.groups;
    expect(groups.map((g: any) => g.name)).toEqual(['wasm-edge.sites', 'wasm-edge.workloads', 'wasm-edge.autoscaling', 'team.alerts']);
    expect(groups[3].rules[0].labels).toEqual({ severity: 'critical', team: 'edge' });
  });

  test('annotations: summary and description with templated labels, in the template syntax Prometheus loads', () => {
    const { rules } = fleetApp();
    // Prometheus parses annotations and labels as Go templates when it loads a rule
    // (prometheus@v3.14.0 model/rulefmt/rulefmt.go:286 testTemplateParsing); ours use only
    // {{ $labels.<name> }} and {{ $value }}, and only labels the expressions keep.
    for (const r of rules.rules) {
      expect(r.annotations.summary).toMatch(/\{\{ \$(labels\.\w+|value) \}\}/);
      expect(r.annotations.description.length).toBeGreaterThan(20);
      for (const text of Object.values(r.annotations)) {
        const open = text.split('{{').length - 1;
        const actions = [...text.matchAll(/\{\{(.*?)\}\}/g)].map(m => m[1]);
        expect(actions).toHaveLength(open);
        for (const a of actions) expect(a).toMatch(/^ \$(labels\.[a-zA-Z_][a-zA-Z0-9_]*|value) $/);
      }
      for (const k of [...Object.keys(r.labels), ...Object.keys(r.annotations)]) expect(k).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    }
  });

  test('deterministic: two synths give the same text', () => {
    const text = () => fleetApp().rules.apiObject.toJson();
    expect(JSON.stringify(text())).toBe(JSON.stringify(text()));
  });
});

describe('WasmAlertRules defaults (@default)', () => {
  test('metadata: generated name, the chart\'s namespace, no labels', () => {
    const rule = ruleOf(synthAndValidate(app().c));
    expect(rule.metadata.name).toMatch(/^test-alerts-[0-9a-f]{8}$/);
    expect(rule.metadata.labels).toBeUndefined();
  });
  test('ruleSelectorLabels and labels: none (only severity on alerts)', () => {
    expect(app().rules.rules.every(r => Object.keys(r.labels).join() === 'severity')).toBe(true);
  });
  test('functions, workloads, nodes, sites, devices: the app\'s', () => {
    const { rules } = app();
    expect(named(rules.rules, 'WasmPodRestarting')).toHaveLength(2);
    expect(named(rules.rules, 'EdgeNodeOfflineWindowExpiring')).toHaveLength(1);
    expect(named(rules.rules, 'WasmFunctionAtMaxReplicas')).toHaveLength(1);
    // No EdgeSite and no KubeEdgeDevice in this app: no site or device rules.
    expect(named(rules.rules, 'EdgeSiteOffline')).toHaveLength(0);
    expect(named(rules.rules, 'KubeEdgeDeviceUnreachable')).toHaveLength(0);
    expect(named(fleetApp().rules.rules, 'EdgeSiteOffline')[0].expr.split(' or ')).toHaveLength(2);
  });
  test('fleetName: the app\'s only EdgeFleet; none without a fleet', () => {
    expect(named(fleetApp().rules.rules, 'EdgeSiteOffline')[0].expr).toContain('fleet="mec"');
    expect(app().rules.rules.some(r => r.expr.includes('fleet='))).toBe(false);
  });
  test('siteOfflineAfter: 10 minutes', () => {
    expect(named(fleetApp().rules.rules, 'EdgeSiteOffline')[0].expr).toContain('[10m]');
  });
  test('nodeNotReadyPercent: 75', () => {
    // 75% of the EdgeOfflineNode default window (30 days).
    const c = new Chart(Testing.app(), 'test');
    new EdgeOfflineNode(c, 'n');
    expect(named(new WasmAlertRules(c, 'r').rules, 'EdgeNodeOfflineWindowExpiring')[0].expr).toContain('[540h]) == 0');
  });
  test('restartThreshold 3 and restartWindow 15 minutes', () => {
    expect(named(app().rules.rules, 'WasmPodRestarting')[0].expr).toMatch(/^increase\(kube_pod_container_status_restarts_total\{namespace="apps"\}\[15m\]\) .* > 3$/);
  });
  test('coldStartBudget: ServerlessFunction.DEFAULT_COLD_START_BUDGET for plain workloads', () => {
    expect(named(app().rules.rules, 'WasmPodColdStartSlow')[1].expr).toContain(`> ${ServerlessFunction.DEFAULT_COLD_START_BUDGET.toSeconds()} and`);
  });
  test('maxReplicasFor 15 minutes; kedaErrorsFor, interceptorPendingFor and deviceUnreachableFor 5 minutes', () => {
    const { rules } = app();
    expect(named(rules.rules, 'WasmFunctionAtMaxReplicas')[0].forDuration).toBe('15m');
    expect(named(rules.rules, 'KedaScalerErrors')[0].forDuration).toBe('5m');
    expect(named(rules.rules, 'KedaScaledObjectNotReady')[0].forDuration).toBe('5m');
    expect(named(rules.rules, 'KedaHttpInterceptorPendingRequests')[0].forDuration).toBe('5m');
  });
  test('addRule: severity warning, group wasm-edge.custom, no for', () => {
    const r = app().rules.addRule({ alert: 'X', expr: 'up == 0', summary: 's' });
    expect(r.labels.severity).toBe('warning');
    expect(r.group).toBe('wasm-edge.custom');
    expect(r.forDuration).toBeUndefined();
  });
});

describe('WasmAlertRules bad input', () => {
  test('an alert threshold above the offline window is an error', () => {
    const { fleet, rules } = fleetApp({ siteOfflineAfter: Duration.days(31) });
    const e = validationErrorOf(() => rules.rules);
    expect(e.prop).toBe('siteOfflineAfter');
    expect(e.message).toContain('offline window of site a');
    // At synth: the app's validation reports it before anything is written.
    expect(() => (fleet.node.root as App).synth()).toThrow(/siteOfflineAfter=.*offline window of site a/);
  });
  test('deviceUnreachableFor at or above the offline window of the device\'s node is an error', () => {
    const c = new Chart(Testing.app(), 'test', { namespace: 'iot' });
    new EdgeOfflineNode(c, 'edge-7', { offlineAutonomy: Duration.minutes(30) });
    const model = new KubeEdgeDeviceModel(c, 'model', { protocol: 'modbus', properties: [{ name: 'temperature', type: 'INT' as any }] } as any);
    new KubeEdgeDevice(c, 'sensor', { model, nodeName: 'edge-7', name: 'sensor-1' });
    const e = validationErrorOf(() => new WasmAlertRules(c, 'alerts', { deviceUnreachableFor: Duration.minutes(30) }).rules);
    expect(e.prop).toBe('deviceUnreachableFor');
    expect(e.message).toContain('offline window of node edge-7 (1800s)');
    expect(named(new WasmAlertRules(c, 'ok', { deviceUnreachableFor: Duration.minutes(29) }).rules, 'KubeEdgeDeviceUnreachable')[0].forDuration).toBe('29m');
  });

  test('nodeNotReadyPercent at 100 or more (the whole window) is refused', () => {
    expect(validationErrorOf(() => app({ nodeNotReadyPercent: 100 })).prop).toBe('nodeNotReadyPercent');
    expect(validationErrorOf(() => app({ nodeNotReadyPercent: 0 })).prop).toBe('nodeNotReadyPercent');
  });
  test('durations: whole seconds, at least 1 second', () => {
    expect(validationErrorOf(() => app({ restartWindow: Duration.millis(1500) })).prop).toBe('restartWindow');
    expect(validationErrorOf(() => app({ maxReplicasFor: 5 as any })).prop).toBe('maxReplicasFor');
  });
  test('addRule: alert names CamelCase, expr and summary required, no severity label, valid label names', () => {
    const { rules } = app();
    expect(validationErrorOf(() => rules.addRule({ alert: 'bad name', expr: 'up', summary: 's' })).prop).toBe('addRule(bad name).alert');
    expect(validationErrorOf(() => rules.addRule({ alert: 'A', expr: ' ', summary: 's' })).prop).toBe('addRule(A).expr');
    expect(validationErrorOf(() => rules.addRule({ alert: 'A', expr: 'up', summary: '' })).prop).toBe('addRule(A).summary');
    expect(validationErrorOf(() => rules.addRule({ alert: 'A', expr: 'up', summary: 's', labels: { severity: 'x' } })).prop).toBe('addRule(A).labels.severity');
    expect(validationErrorOf(() => rules.addRule({ alert: 'A', expr: 'up', summary: 's', labels: { 'a-b': 'x' } })).prop).toBe('addRule(A).labels.a-b');
    expect(validationErrorOf(() => rules.addRule({ alert: 'A', expr: 'up', summary: 's', severity: 'page' as any })).prop).toBe('addRule(A).severity');
  });
  test('ruleSelectorLabels: Kubernetes label syntax; an unknown severity name', () => {
    expect(validationErrorOf(() => app({ ruleSelectorLabels: { release: 'bad value!' } })).prop).toContain('ruleSelectorLabels');
    expect(() => AlertSeverity.of('Page Me')).toThrow(/not a severity name/);
    expect(AlertSeverity.of('page').name).toBe('page');
  });
});

describe('WasmAlertRules properties', () => {
  test('any restart, KEDA and interceptor settings: a valid PrometheusRule whose expressions parse, or the documented error', () => {
    const seconds = fc.oneof(fc.integer({ min: 1, max: 86400 }), fc.constantFrom(0, 0.5, 1.5));
    const settings = [fc.integer({ min: -2, max: 50 }), seconds, seconds, seconds, seconds, fc.boolean()] as const;
    fc.assert(fc.property(...settings, (threshold, window, max, errors, pending, labels) => {
      const props: WasmAlertRulesProps = {
        restartThreshold: threshold,
        restartWindow: Duration.seconds(window),
        maxReplicasFor: Duration.seconds(max),
        kedaErrorsFor: Duration.seconds(errors),
        interceptorPendingFor: Duration.seconds(pending),
        labels: labels ? { team: 'edge' } : undefined,
      };
      const valid = threshold >= 0 && [window, max, errors, pending].every(x => Number.isInteger(x) && x >= 1);
      try {
        const { rules } = app(props);
        const all = rules.rules;
        expect(valid).toBe(true);
        for (const r of all) expect(promqlProblems(r.expr)).toEqual([]);
        expect(named(all, 'WasmPodRestarting')[0].expr).toMatch(new RegExp(`> ${threshold}$`));
        validateObjects([rules.apiObject.toJson()]);
      } catch (e) {
        if (valid) throw e;
        expect(String((e as Error).message)).toMatch(/restartThreshold|restartWindow|maxReplicasFor|kedaErrorsFor|interceptorPendingFor/);
      }
    }), fuzzParams({ numRuns: 40 }));
  });

  test('any thresholds: a valid PrometheusRule whose expressions parse, or the documented error', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 48 * 3600 }), fc.integer({ min: -5, max: 120 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 7200 }),
      (offlineAfter, percent, budget, autonomyMinutes) => {
        const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'mec');
        const site = fleet.addSite('a', { servers: [{ name: 's', ip: '10.0.0.1' }], nodeDefaults: { offlineAutonomy: Duration.minutes(autonomyMinutes) } });
        new ServerlessFunction(site, 'fn', { image: IMAGE, name: 'fn', host: 'fn.example.com', maxReplicas: 4, coldStartBudget: Duration.seconds(budget) });
        let rules: WasmAlertRules;
        try {
          rules = new WasmAlertRules(fleet.managementChart, 'alerts', { siteOfflineAfter: Duration.seconds(offlineAfter), nodeNotReadyPercent: percent });
          const all = rules.rules;
          expect(offlineAfter).toBeLessThan(autonomyMinutes * 60);
          expect(percent).toBeGreaterThanOrEqual(1);
          expect(percent).toBeLessThanOrEqual(99);
          for (const r of all) expect(promqlProblems(r.expr)).toEqual([]);
          expect(named(all, 'WasmPodColdStartSlow')[0].expr).toContain(`> ${budget} and`);
          validateObjects([rules.apiObject.toJson()]);
        } catch (e) {
          expect(String((e as Error).message)).toMatch(/siteOfflineAfter|nodeNotReadyPercent/);
        }
      }), fuzzParams({ numRuns: 60 }));
  });
});
