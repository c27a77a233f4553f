import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { prometheusConfigProblems, scrapeTargets } from './selectors';
import { EdgeNodeRole, EdgeOfflineNode, EdgeService, ServerlessFunction, WasmDeployment } from '../../lib';
import { PrometheusScrapeConfig } from '../../lib/monitoring/prometheus-scrape-config';
import { MonitorTarget } from '../../lib/monitoring/workload-monitor';
import { assertValidOrDocumentedError } from '../util/fuzz';
import { synthAndValidate } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function setup(namespace: string | null = 'edge-apps') {
  const c = new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
  const app = new WasmDeployment(c, 'app', {
    wasiNetworking: true,
    wasmContainers: [{ name: 'app', image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }] }],
  });
  const other = new WasmDeployment(c, 'other', { wasiNetworking: true, wasmContainers: [{ name: 'app', image: IMAGE, ports: [{ number: 9090, name: 'metrics' }] }] });
  const node = new EdgeOfflineNode(c, 'edge-1', { role: EdgeNodeRole.SINGLE_NODE_SERVER });
  return { c, app, other, node };
}

function configOf(objects: any[]): any {
  const cm = objects.find(o => o.kind === 'ConfigMap');
  return yaml.load(cm.data['prometheus.yml']);
}

describe('PrometheusScrapeConfig', () => {
  test('a pod job, a Service job and the edge nodes\' kubelet and cAdvisor: each keeps exactly its own targets', () => {
    const { c, app, node } = setup();
    const svc = new EdgeService(c, 'svc', { selector: app, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    const fn = new ServerlessFunction(c, 'fn', { image: IMAGE });
    const cfg = new PrometheusScrapeConfig(c, 'prom', { externalLabels: { cluster: 'mec' } });
    expect(cfg.addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'metrics' })).toBe('edge-apps/app');
    cfg.addWorkload('svc', MonitorTarget.service(svc), { port: 'http', interval: Duration.seconds(15) });
    cfg.addWorkload('fn', MonitorTarget.serverlessFunction(fn), { port: 'http', jobName: 'functions' });
    expect(cfg.addEdgeNodes({ nodes: [node] })).toEqual(['edge-kubelet', 'edge-cadvisor']);
    const objects = synthAndValidate(c);
    const text = objects.find(o => o.kind === 'ConfigMap').data['prometheus.yml'];
    expect(text).toMatchSnapshot();
    const parsed = configOf(objects);
    expect(prometheusConfigProblems(parsed)).toEqual([]);
    const stranger = { name: 'cloud-1', labels: { 'kubernetes.io/hostname': 'cloud-1' } };
    const targets = Object.fromEntries(scrapeTargets(parsed, objects, [{ name: node.nodeName, labels: node.nodeLabels }, stranger]));
    expect(targets).toEqual({
      'edge-apps/app': [`Deployment ${app.name}:metrics`],
      'edge-apps/svc': [`Service ${svc.name}:http`],
      'functions': [`Service ${fn.serviceName}:http`],
      'edge-kubelet': ['Node edge-1'],
      'edge-cadvisor': ['Node edge-1'],
    });
    expect(parsed.global).toEqual({ scrape_interval: '30s', external_labels: { cluster: 'mec' } });
    expect(parsed.scrape_configs[1].scrape_interval).toBe('15s');
    for (const job of parsed.scrape_configs.slice(0, 3)) expect(job.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['edge-apps'] });
  });

  test('every edge node when none are named; a non-edge node is never kept', () => {
    const { c, node } = setup();
    const cfg = new PrometheusScrapeConfig(c, 'prom');
    cfg.addEdgeNodes({ cadvisor: false });
    const objects = synthAndValidate(c);
    const parsed = configOf(objects);
    expect(cfg.jobNames).toEqual(['edge-kubelet']);
    expect(Object.fromEntries(scrapeTargets(parsed, objects, [{ name: node.nodeName, labels: node.nodeLabels }, { name: 'x', labels: {} }])))
      .toEqual({ 'edge-kubelet': ['Node edge-1'] });
  });

  describe('defaults (one test per @default)', () => {
    test('interval 30 s, no global timeout, no external labels, prometheus.yml, generated name', () => {
      const { c } = setup();
      new PrometheusScrapeConfig(c, 'prom');
      const cm = synthAndValidate(c).find(o => o.kind === 'ConfigMap');
      expect(Object.keys(cm.data)).toEqual(['prometheus.yml']);
      expect(cm.metadata.name).toMatch(/^test-prom-/);
      expect(yaml.load(cm.data['prometheus.yml'])).toEqual({ global: { scrape_interval: '30s' }, scrape_configs: [] });
    });
    test('job defaults: <namespace>/<id>, /metrics, the global interval and timeout', () => {
      const { c, app } = setup();
      new PrometheusScrapeConfig(c, 'prom', { fileName: 'p.yml', name: 'prom-config', scrapeTimeout: Duration.seconds(20) })
        .addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'metrics' });
      const cm = synthAndValidate(c).find(o => o.kind === 'ConfigMap');
      expect(cm.metadata.name).toBe('prom-config');
      const job = (yaml.load(cm.data['p.yml']) as any).scrape_configs[0];
      expect(job).toMatchObject({ job_name: 'edge-apps/app', metrics_path: '/metrics' });
      expect(job.scrape_interval).toBeUndefined();
      expect(job.scrape_timeout).toBeUndefined();
      expect((yaml.load(cm.data['p.yml']) as any).global.scrape_timeout).toBe('20s');
    });
    test('cadvisor: true', () => {
      const { c } = setup();
      expect(new PrometheusScrapeConfig(c, 'prom').addEdgeNodes()).toEqual(['edge-kubelet', 'edge-cadvisor']);
    });
  });

  describe('bad input', () => {
    test('a port the workload does not expose (at synth, naming the ports it has)', () => {
      const { c, app } = setup();
      new PrometheusScrapeConfig(c, 'prom').addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'prom' });
      expect(() => Testing.synth(c)).toThrow(/app.port="prom".*it has "http" \(8080\), "metrics" \(9090\)/);
    });
    test('a workload without a namespace (the config is limited to the app\'s namespaces)', () => {
      const { c, app } = setup(null);
      expect(() => new PrometheusScrapeConfig(c, 'prom').addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'metrics' })).toThrow(/has no namespace/);
    });
    test('duplicate job names', () => {
      const { c, app } = setup();
      const cfg = new PrometheusScrapeConfig(c, 'prom');
      cfg.addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'metrics', jobName: 'x' });
      expect(() => cfg.addWorkload('app2', MonitorTarget.wasmDeployment(app), { port: 'metrics', jobName: 'x' })).toThrow(/already a job/);
    });
    test('a job timeout above its interval', () => {
      const { c, app } = setup();
      expect(() => new PrometheusScrapeConfig(c, 'prom').addWorkload('app', MonitorTarget.wasmDeployment(app), { port: 'metrics', scrapeTimeout: Duration.seconds(31) }))
        .toThrow(/longer than the scrape interval 30s/);
    });
    test('external label names Prometheus refuses', () => {
      const { c } = setup();
      expect(() => new PrometheusScrapeConfig(c, 'prom', { externalLabels: { __site: 'a' } })).toThrow(/Prometheus label name/);
    });
    test('a bad file name, nodes that are not EdgeOfflineNodes, a non-target', () => {
      const { c } = setup();
      expect(() => new PrometheusScrapeConfig(c, 'p1', { fileName: 'a/b' })).toThrow(/ConfigMap key/);
      expect(() => new PrometheusScrapeConfig(c, 'p2').addEdgeNodes({ nodes: [] })).toThrow(/non-empty list/);
      expect(() => new PrometheusScrapeConfig(c, 'p3').addWorkload('x', {} as any, { port: 'metrics' })).toThrow(/is not a MonitorTarget/);
    });
  });

  test('properties: valid config that keeps only the workload, or a documented error', () => {
    assertValidOrDocumentedError(fc.record({
      port: fc.constantFrom('metrics', 'http', 'nope', ''),
      interval: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
      timeout: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
      jobName: fc.constantFrom(undefined, 'a', 'a b', 'edge/x.y'),
    }), (app, p) => {
      const c = new Chart(app, 'fuzz', { namespace: 'edge-apps' });
      const d = new WasmDeployment(c, 'app', { wasiNetworking: true, wasmContainers: [{ image: IMAGE, ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }] }] });
      const cfg = new PrometheusScrapeConfig(c, 'prom', { interval: p.interval === undefined ? undefined : Duration.seconds(p.interval) });
      cfg.addWorkload('app', MonitorTarget.wasmDeployment(d), {
        port: p.port, jobName: p.jobName, scrapeTimeout: p.timeout === undefined ? undefined : Duration.seconds(p.timeout),
      });
      const parsed = yaml.load(cfg.text) as any;
      expect(prometheusConfigProblems(parsed)).toEqual([]);
    }, { params: { numRuns: 150 } });
  });
});
