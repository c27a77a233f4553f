import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { monitorTargets } from './selectors';
import { EdgeService, FunctionBackend, ServerlessFunction, WasmDeployment } from '../../lib';
import { MONITORED_SERVICE_LABEL } from '../../lib/monitoring/monitoring-labels';
import { MonitorKind, MonitorTarget, WorkloadMonitor } from '../../lib/monitoring/workload-monitor';
import { assertValidOrDocumentedError, fuzzParams, nastyString } from '../util/fuzz';
import { synthAndValidate } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function chart(namespace = 'edge-apps'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

function metricsDeployment(c: Chart, id = 'app', ports: kplus.ContainerPort[] = [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }]): WasmDeployment {
  return new WasmDeployment(c, id, { wasiNetworking: true, wasmContainers: [{ name: 'app', image: IMAGE, ports }] });
}

function monitorsOf(objects: any[]): any[] {
  return objects.filter(o => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor');
}

/** Every monitor of the output scrapes the workload it was made for, and only that. */
function expectEachMonitorFinds(objects: any[], expected: { [monitor: string]: string[] }): void {
  expect(Object.fromEntries(monitorTargets(objects))).toEqual(expected);
}

describe('WorkloadMonitor: PodMonitor for a WasmDeployment', () => {
  test('selects the Deployment\'s own pods on the named container port, every 30 s', () => {
    const c = chart();
    const app = metricsDeployment(c);
    metricsDeployment(c, 'other');
    const m = new WorkloadMonitor(c, 'mon', { target: MonitorTarget.wasmDeployment(app), port: 'metrics' });
    const objects = synthAndValidate(c);
    const [pm] = monitorsOf(objects);
    expect(pm).toMatchSnapshot();
    expect(m.kind).toBe(MonitorKind.POD_MONITOR);
    const deployment = objects.find(o => o.kind === 'Deployment' && o.metadata.name === app.name);
    expect(pm.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pm.metadata.namespace).toBe('edge-apps');
    // Only this Deployment (not "other", which has the same ports): the selector is the pod template's own.
    expectEachMonitorFinds(objects, { [`PodMonitor edge-apps/${pm.metadata.name}`]: [`Deployment ${app.name}`] });
  });

  test('a port the workload does not expose is an error naming the port and the ports it has', () => {
    const c = chart();
    const app = metricsDeployment(c, 'app', [{ number: 8080, name: 'http' }, { number: 9100 }]);
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.wasmDeployment(app), port: 'metrics' });
    expect(() => Testing.synth(c)).toThrow(/port="metrics".*exposes no container port named "metrics" \(it has "http" \(8080\), an unnamed port 9100\)/);
  });

  test('a port added after the monitor counts (checked at synth)', () => {
    const c = chart();
    const app = new WasmDeployment(c, 'app', { wasiNetworking: true });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.wasmDeployment(app), port: 'metrics' });
    app.addWasmContainer({ image: IMAGE, ports: [{ number: 9090, name: 'metrics' }] });
    expect(monitorsOf(synthAndValidate(c))).toHaveLength(1);
  });

  test('a monitor in another namespace names the workload\'s namespace (the operator looks only in its own otherwise)', () => {
    const c = chart();
    const app = metricsDeployment(c);
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.wasmDeployment(app), port: 'metrics', namespace: 'monitoring' });
    const objects = synthAndValidate(c);
    const [pm] = monitorsOf(objects);
    expect(pm.metadata.namespace).toBe('monitoring');
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['edge-apps'] });
    expectEachMonitorFinds(objects, { [`PodMonitor monitoring/${pm.metadata.name}`]: [`Deployment ${app.name}`] });
  });

  test('a workload without a namespace cannot be named from another namespace', () => {
    const c = new Chart(Testing.app(), 'test');
    const app = metricsDeployment(c);
    expect(() => new WorkloadMonitor(c, 'mon', { target: MonitorTarget.wasmDeployment(app), port: 'metrics', namespace: 'monitoring' }))
      .toThrow(/has no namespace/);
  });
});

describe('WorkloadMonitor: ServiceMonitor', () => {
  test('an EdgeService: labelled so the monitor can select it, on the named Service port, with the release label', () => {
    const c = chart();
    const app = metricsDeployment(c);
    const svc = new EdgeService(c, 'svc', { selector: app, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090 }] });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.service(svc), port: 'metrics', release: 'kube-prometheus-stack', path: '/stats/prometheus' });
    const objects = synthAndValidate(c);
    const [sm] = monitorsOf(objects);
    expect(sm).toMatchSnapshot();
    expect(sm.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    const service = objects.find(o => o.kind === 'Service');
    expect(service.metadata.labels).toEqual({ [MONITORED_SERVICE_LABEL]: svc.name });
    expectEachMonitorFinds(objects, { [`ServiceMonitor edge-apps/${sm.metadata.name}`]: [`Service ${svc.name}`] });
  });

  test('a Service that has labels is selected by them (and gets none added)', () => {
    const c = chart();
    const app = metricsDeployment(c);
    const svc = new EdgeService(c, 'svc', { selector: app, metadata: { labels: { 'app.kubernetes.io/name': 'v2x' } }, ports: [{ name: 'metrics', port: 9090 }] });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.service(svc), port: 'metrics' });
    const objects = synthAndValidate(c);
    expect(monitorsOf(objects)[0].spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'v2x' });
    expect(objects.find(o => o.kind === 'Service').metadata.labels).toEqual({ 'app.kubernetes.io/name': 'v2x' });
  });

  test('a Service port without a name cannot be selected by name', () => {
    const c = chart();
    const app = metricsDeployment(c);
    const svc = new EdgeService(c, 'svc', { selector: app, ports: [{ port: 9090 }] });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.service(svc), port: 'metrics' });
    expect(() => Testing.synth(c)).toThrow(/exposes no Service port named "metrics" \(it has an unnamed port 9090\)/);
  });
});

describe('WorkloadMonitor: ServerlessFunction', () => {
  test('Kubernetes backend: a ServiceMonitor on the function\'s Service, port "http"', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.serverlessFunction(fn), port: 'http' });
    const objects = synthAndValidate(c);
    const [sm] = monitorsOf(objects);
    expect(sm.kind).toBe('ServiceMonitor');
    expectEachMonitorFinds(objects, { [`ServiceMonitor edge-apps/${sm.metadata.name}`]: [`Service ${fn.serviceName}`] });
  });

  test('SpinKube: a PodMonitor on the pods spin-operator labels, port "http-app"', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube() });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.serverlessFunction(fn), port: 'http-app' });
    const objects = synthAndValidate(c);
    const [pm] = monitorsOf(objects);
    expect(pm.spec.selector.matchLabels).toEqual({ 'core.spinkube.dev/app-name': fn.functionName });
    expectEachMonitorFinds(objects, { [`PodMonitor edge-apps/${pm.metadata.name}`]: [`SpinApp ${fn.functionName}`] });
  });

  test('SpinKube: any other port is refused (spin-operator declares only http-app)', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube() });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.serverlessFunction(fn), port: 'metrics' });
    expect(() => Testing.synth(c)).toThrow(/it has "http-app" \(80\)/);
  });

  test('Knative: a PodMonitor on the revision pods (serving.knative.dev/service), queue-proxy\'s request metrics port', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.knative() });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.serverlessFunction(fn), port: 'http-usermetric' });
    const objects = synthAndValidate(c);
    const [pm] = monitorsOf(objects);
    expect(pm.spec.selector.matchLabels).toEqual({ 'serving.knative.dev/service': fn.functionName });
    expectEachMonitorFinds(objects, { [`PodMonitor edge-apps/${pm.metadata.name}`]: [`Knative Service ${fn.functionName}`] });
  });

  test('Knative: the user container\'s port is not a metrics port queue-proxy declares', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.knative() });
    new WorkloadMonitor(c, 'mon', { target: MonitorTarget.serverlessFunction(fn), port: 'http' });
    expect(() => Testing.synth(c)).toThrow(/it has "http-autometric" \(9090\), "http-usermetric" \(9091\)/);
  });

  test('OpenFaaS is refused with the reason', () => {
    const c = chart();
    const fn = new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.openFaas() });
    expect(() => MonitorTarget.serverlessFunction(fn)).toThrow(/backend="OpenFaaS".*the platform builds the pods/);
  });
});

describe('WorkloadMonitor defaults (one test per @default)', () => {
  function pm(props: Partial<ConstructorParameters<typeof WorkloadMonitor>[2]> = {}): any {
    const c = chart();
    const app = metricsDeployment(c);
    new WorkloadMonitor(c, 'mon', Object.assign({ target: MonitorTarget.wasmDeployment(app), port: 'metrics' }, props));
    return monitorsOf(synthAndValidate(c))[0];
  }
  test('path: /metrics', () => expect(pm().spec.podMetricsEndpoints[0].path).toBe('/metrics'));
  test('interval: 30s', () => expect(pm().spec.podMetricsEndpoints[0].interval).toBe('30s'));
  test('scrapeTimeout: not set', () => expect(pm().spec.podMetricsEndpoints[0].scrapeTimeout).toBeUndefined());
  test('labels: none', () => expect(pm().metadata.labels).toBeUndefined());
  test('release: no release label', () => expect(pm({ labels: { team: 'edge' } }).metadata.labels).toEqual({ team: 'edge' }));
  test('namespace: the workload\'s', () => {
    const m = pm();
    expect(m.metadata.namespace).toBe('edge-apps');
    expect(m.spec.namespaceSelector).toBeUndefined();
  });
  test('name: generated from the path', () => expect(pm().metadata.name).toMatch(/^test-mon-/));
  test('a given name and interval in Prometheus syntax', () => {
    const m = pm({ name: 'v2x', interval: Duration.seconds(90), scrapeTimeout: Duration.millis(1500) });
    expect(m.metadata.name).toBe('v2x');
    expect(m.spec.podMetricsEndpoints[0]).toMatchObject({ interval: '1m30s', scrapeTimeout: '1s500ms' });
  });
});

describe('WorkloadMonitor bad input', () => {
  function build(props: any): () => void {
    return () => {
      const c = chart();
      const app = metricsDeployment(c);
      new WorkloadMonitor(c, 'mon', Object.assign({ target: MonitorTarget.wasmDeployment(app), port: 'metrics' }, props));
      Testing.synth(c);
    };
  }
  test('scrapeTimeout above the interval', () => expect(build({ interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(11) })).toThrow(/longer than the scrape interval 10s/));
  test('interval below 1 s', () => expect(build({ interval: Duration.millis(500) })).toThrow(/interval="500ms"/));
  test('a path with a query', () => expect(build({ path: '/metrics?x=1' })).toThrow(/path="\/metrics\?x=1"/));
  test('a relative path', () => expect(build({ path: 'metrics' })).toThrow(/absolute URL path/));
  test('a container port name too long for IANA_SVC_NAME', () => expect(build({ port: 'a-very-long-port-name' })).toThrow(/at most 15/));
  test('a bad release', () => expect(build({ release: 'Kube Prom' })).toThrow(/release=/));
  test('a bad label', () => expect(build({ labels: { 'bad key!': 'x' } })).toThrow(/labels/));
  test('no target', () => expect(build({ target: {} })).toThrow(/is not a MonitorTarget/));
  test('not a WasmDeployment', () => expect(() => MonitorTarget.wasmDeployment({} as any)).toThrow(/is not a WasmDeployment/));
  test('not a Service', () => expect(() => MonitorTarget.service({} as any)).toThrow(/is not a cdk8s-plus Service/));
  test('not a function', () => expect(() => MonitorTarget.serverlessFunction({} as any)).toThrow(/is not a ServerlessFunction/));
});

describe('WorkloadMonitor properties', () => {
  test('any port name, interval and timeout: valid output that scrapes the workload, or a documented error', () => {
    const seconds = fc.oneof(fc.integer({ min: 0, max: 7200 }), fc.constantFrom(0.5, 1.5, NaN, Infinity));
    fc.assert(fc.property(nastyString(['metrics', 'http', 'prom-9090']), seconds, fc.option(seconds, { nil: undefined }), (port, interval, timeout) => {
      let monitor: WorkloadMonitor | undefined;
      const outcome = assertOne((app: App) => {
        const c = new Chart(app, 'fuzz', { namespace: 'edge-apps' });
        const d = metricsDeployment(c, 'app', [{ number: 9090, name: 'metrics' }, { number: 8080, name: 'http' }]);
        monitor = new WorkloadMonitor(c, 'mon', {
          target: MonitorTarget.wasmDeployment(d),
          port,
          interval: Duration.seconds(interval),
          scrapeTimeout: timeout === undefined ? undefined : Duration.seconds(timeout),
        });
      });
      if (outcome.ok) {
        expect(['metrics', 'http']).toContain(port);
        expect(monitor!.interval).toMatch(/^(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/);
        const found = [...monitorTargets(outcome.objects).values()];
        expect(found).toEqual([[expect.stringMatching(/^Deployment /)]]);
      }
    }), fuzzParams({ numRuns: 200 }));
  });

  test('valid output or documented error over the props (both occur)', () => {
    assertValidOrDocumentedError(fc.record({
      port: fc.constantFrom('metrics', 'http', 'nope', ''),
      path: fc.constantFrom(undefined, '/metrics', '/x?y', 'rel'),
      release: fc.constantFrom(undefined, 'kps', 'Bad'),
      namespace: fc.constantFrom(undefined, 'monitoring', 'edge-apps', 'BAD'),
    }), (app, p) => {
      const c = new Chart(app, 'fuzz', { namespace: 'edge-apps' });
      const d = metricsDeployment(c);
      new WorkloadMonitor(c, 'mon', Object.assign({ target: MonitorTarget.wasmDeployment(d) }, p));
    }, { params: { numRuns: 100 } });
  });
});

/** One build: its objects when it synthesized, or that it threw the documented error. */
function assertOne(build: (app: App) => void): { ok: boolean; objects: any[] } {
  const app = Testing.app();
  try {
    build(app);
    const objects = app.charts.flatMap(ch => Testing.synth(ch));
    return { ok: true, objects };
  } catch (e) {
    expect((e as Error).message).toMatch(/\[cdk8s-wasm-edge\]|ValidationError|Fix:/);
    return { ok: false, objects: [] };
  }
}
