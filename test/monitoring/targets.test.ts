import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { FunctionBackend, HttpAddOnApi } from '../../lib/backends/function-backend';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { FleetApp } from '../../lib/fleet/fleet-app';
import {
  coldStartBudgetSeconds, defaultFleetName, functionTarget, matchers, mergeSites, nodeTarget, placementMatchers, placementOf, promDuration, quote,
  regexLiteral, siteTarget, spinAppWorkload,
} from '../../lib/monitoring/targets';
import { EdgeOfflineNode } from '../../lib/node/edge-offline-node';
import { ServerlessFunction } from '../../lib/serverless-function';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';
import { promqlProblems } from '../util/promql';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

describe('monitoring targets', () => {
  test('placement: the EdgeSite and EdgeFleet above a construct; none outside a site', () => {
    const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'mec');
    const site = fleet.addSite('a', { servers: [{ name: 'a-s', ip: '10.0.0.1' }] });
    const f = new ServerlessFunction(site, 'fn', { image: IMAGE, name: 'fn' });
    expect(placementOf(f)).toEqual({ site: 'a', fleet: 'mec' });
    expect(placementOf(fleet.managementChart)).toEqual({ site: undefined, fleet: undefined });
    expect(defaultFleetName(f)).toBe('mec');
    expect(defaultFleetName(new Chart(Testing.app(), 'c'))).toBeUndefined();
  });

  test('site window: the shortest offlineAutonomy of its nodes', () => {
    const fleet = new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'mec');
    const site = fleet.addSite('a', { servers: [{ name: 'a-s', ip: '10.0.0.1' }], nodeDefaults: { offlineAutonomy: Duration.hours(6) } });
    expect(siteTarget(site).offlineWindowSeconds).toBe(6 * 3600);
    expect(siteTarget(fleet.addSite('empty')).offlineWindowSeconds).toBeUndefined();
  });

  test('node: max pods and pod IPs from the density plan, else the kubelet and K3s defaults (110, /24 = 253)', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(nodeTarget(new EdgeOfflineNode(c, 'plain'))).toMatchObject({ nodeName: 'plain', maxPods: 110, podIps: 253, offlineWindowSeconds: 30 * 86400 });
    const dense = new EdgeOfflineNode(c, 'dense', { density: { podsPerNode: 1000 } });
    expect(nodeTarget(dense)).toMatchObject({ maxPods: dense.densityPlan!.maxPods, podIps: dense.densityPlan!.podIpsPerNode });
  });

  test('cold-start budget: the function\'s own, in whole seconds (rounded up)', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const http = new ServerlessFunction(c, 'http', { image: IMAGE, name: 'http', host: 'h.example.com', maxReplicas: 2, coldStartBudget: Duration.seconds(7) });
    expect(coldStartBudgetSeconds(http)).toBe(7);
    const fixed = new ServerlessFunction(c, 'fixed', { image: IMAGE, name: 'fixed', coldStartBudget: Duration.seconds(12) });
    expect(fixed.interceptorRoute).toBeUndefined();
    expect(coldStartBudgetSeconds(fixed)).toBe(12);
    expect(coldStartBudgetSeconds(new ServerlessFunction(c, 'slow', { image: IMAGE, name: 'slow', coldStartBudget: Duration.seconds(45) }))).toBe(45);
    expect(coldStartBudgetSeconds(new ServerlessFunction(c, 'quick', { image: IMAGE, name: 'quick', coldStartBudget: Duration.millis(1500) }))).toBe(2);
    expect(coldStartBudgetSeconds(new ServerlessFunction(c, 'dflt', { image: IMAGE, name: 'dflt' }))).toBe(ServerlessFunction.DEFAULT_COLD_START_BUDGET.toSeconds());
  });

  test('cold-start budget on SpinKube (liveness delay) and Knative (startup probe); the SpinApp\'s Deployment is a workload', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const spin = new ServerlessFunction(c, 'spin', { image: IMAGE, name: 'spin', backend: FunctionBackend.spinKube(), coldStartBudget: Duration.seconds(9) });
    expect(coldStartBudgetSeconds(spin)).toBe(9);
    expect(spinAppWorkload(spin)).toMatchObject({ name: 'spin', namespace: 'apps', coldStartBudgetSeconds: 9 });
    const kn = new ServerlessFunction(c, 'kn', { image: IMAGE, name: 'kn', backend: FunctionBackend.knative(), coldStartBudget: Duration.seconds(4) });
    expect(coldStartBudgetSeconds(kn)).toBe(4);
    expect(spinAppWorkload(kn)).toBeUndefined();
  });

  test('function: ScaledObject, KEDA HPA name and the route as emitted', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const f = new ServerlessFunction(c, 'http', { image: IMAGE, name: 'http', host: 'h.example.com', maxReplicas: 5, concurrency: 20 });
    expect(functionTarget(f)).toMatchObject({ name: 'http', namespace: 'apps', scaledObject: 'http', hpa: 'keda-hpa-http', route: 'http', targetConcurrency: 20, maxReplicas: 5 });
    // An HTTPScaledObject: the add-on creates the ScaledObject and routes under its name.
    const hso = new ServerlessFunction(c, 'hso', {
      image: IMAGE, name: 'hso', host: 'hso.example.com', maxReplicas: 6, backend: FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }),
    });
    expect(hso.httpScaledObject).toBeDefined();
    expect(functionTarget(hso)).toMatchObject({ scaledObject: 'hso', hpa: 'keda-hpa-hso', route: 'hso', targetConcurrency: 100, maxReplicas: 6 });
    const plain = new ServerlessFunction(c, 'plain', { image: IMAGE, name: 'plain' });
    expect(functionTarget(plain)).toMatchObject({ scaledObject: undefined, hpa: undefined, route: undefined });
  });

  test('mergeSites: targets that differ only by site become one, with every site; different fleets or keys stay apart', () => {
    const merged = mergeSites([
      { fleet: 'f', site: 'b', name: 'x' }, { fleet: 'f', site: 'a', name: 'x' }, { fleet: 'f', site: 'a', name: 'y' },
      { fleet: 'g', site: 'a', name: 'x' }, { name: 'x' },
    ], t => t.name);
    expect(merged).toEqual([
      { fleet: 'f', site: 'b', name: 'x', sites: ['a', 'b'] }, { fleet: 'f', site: 'a', name: 'y' }, { fleet: 'g', site: 'a', name: 'x' }, { name: 'x' },
    ]);
    expect(matchers(placementMatchers(merged[0]))).toBe('{fleet="f",site=~"a|b"}');
    expect(matchers(placementMatchers({ site: 'a' }, 'mec'))).toBe('{fleet="mec",site="a"}');
    expect(matchers(placementMatchers({}, 'mec'))).toBe('');
  });

  test('PromQL pieces: quoting, regex literals, matchers, durations', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(regexLiteral('a.b-c')).toBe('a\\.b-c');
    expect(matchers([['a', 'x'], ['b', undefined], ['c', 'y.*', '=~']])).toBe('{a="x",c=~"y.*"}');
    expect(matchers([])).toBe('');
    expect(promDuration('x', 'p', Duration.days(30))).toBe('720h');
    expect(promDuration('x', 'p', Duration.seconds(5430))).toBe('1h30m30s');
    expect(validationErrorOf(() => promDuration('x', 'p', Duration.millis(10))).prop).toBe('p');
  });

  test('property: any label value quotes into a selector that parses', () => {
    fc.assert(fc.property(fc.string(), v => {
      expect(promqlProblems(`up${matchers([['site', v]])}`)).toEqual([]);
    }), fuzzParams({ numRuns: 300 }));
  });
});

describe('test/util/promql.ts (the checker itself)', () => {
  test('refuses the argument types Prometheus refuses, which the grammar accepts', () => {
    expect(promqlProblems('rate(up)')).toEqual(['rate() needs a range vector as argument 1, got up']);
    expect(promqlProblems('sum(up[5m])')).toEqual(['an aggregation takes no range vector: up[5m]']);
    expect(promqlProblems('absent_over_time(up)')).toEqual(['absent_over_time() needs a range vector as argument 1, got up']);
    expect(promqlProblems('timestamp(up[5m])')).toEqual(['timestamp() takes no range vector as argument 1: up[5m]']);
    expect(promqlProblems('up[5m] > 1')).toEqual(['a binary operator takes no range vector: up[5m]']);
    expect(promqlProblems('max_over_time((max by (site) (timestamp(up)))[24h:5m]) - rate(up[5m])')).toEqual([]);
  });

  test('refuses parse errors, unknown metrics, labels a metric does not have', () => {
    expect(promqlProblems('up{')).not.toEqual([]);
    expect(promqlProblems('kube_pod_not_a_metric')[0]).toContain('not in the table');
    expect(promqlProblems('kube_node_status_condition{pod="x"}')[0]).toContain('has no label pod');
    // The pre-2.16 KEDA name is gone upstream.
    expect(promqlProblems('keda_scaler_errors_total')[0]).toContain('not in the table');
    expect(promqlProblems('sum by (site) (kube_node_status_condition{site="a",condition="Ready",status="true"})')).toEqual([]);
  });
});
