import { createHash } from 'crypto';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { prometheusConfigProblems, scrapeTargets } from './selectors';
import { EdgeFleet, EdgeSite, FleetApp, WasmDeployment } from '../../lib';
import {
  K3S_LOCAL_PATH_STORAGE_CLASS, PROMETHEUS_AGENT_IMAGE, RemoteWriteAuth, SiteAgentMode, SiteAgentWorkload, SitePrometheusAgent,
  SitePrometheusAgentProps, WAL_BYTES_PER_SAMPLE, walVolumeSize,
} from '../../lib/monitoring/prometheus-agent';
import { MonitorTarget } from '../../lib/monitoring/workload-monitor';
import { siteCharts, tmpdir } from '../util/fleet';
import { assertValidOrDocumentedError } from '../util/fuzz';
import { synthAndValidate, validateObjects } from '../util/validate';

const URL_ = 'https://metrics.hub.example.com/api/v1/write';

function site(offline?: Duration): EdgeSite {
  return new EdgeSite(Testing.app(), 'store-1', {
    namespace: 'edge-apps',
    servers: [{ name: 'store-1-server', ip: '10.0.0.1' }],
    nodeDefaults: offline ? { offlineAutonomy: offline } : {},
  });
}

function agentObjects(props: Partial<SitePrometheusAgentProps> = {}, offline?: Duration): { agent: SitePrometheusAgent; objects: any[] } {
  const s = site(offline);
  const agent = new SitePrometheusAgent(s, 'agent', Object.assign({ remoteWrite: { url: URL_ } }, props));
  return { agent, objects: synthAndValidate(s) };
}

const byKind = (objects: any[], kind: string) => objects.filter(o => o.kind === kind);

describe('SitePrometheusAgent', () => {
  test('a PrometheusAgent remote-writing with the site label, its RBAC, kubelet/cAdvisor ScrapeConfigs and kube-state-metrics', () => {
    const { objects } = agentObjects({ remoteWrite: { url: URL_, auth: RemoteWriteAuth.basicAuth({ secretName: 'hub', key: 'username' }, { secretName: 'hub', key: 'password' }) } });
    const agentish = objects.filter(o => o.apiVersion.startsWith('monitoring.coreos.com') || o.apiVersion.startsWith('rbac') || o.kind === 'ServiceAccount');
    expect(agentish).toMatchSnapshot();
    const [pa] = byKind(objects, 'PrometheusAgent');
    expect(pa.spec.externalLabels).toEqual({ site: 'store-1' });
    expect(pa.spec.remoteWrite).toEqual([{ url: URL_, basicAuth: { username: { name: 'hub', key: 'username' }, password: { name: 'hub', key: 'password' } } }]);
    expect(pa.spec.additionalArgs).toEqual([{ name: 'storage.agent.retention.max-time', value: '24h' }]);
  });

  test('a bearer token from a Secret', () => {
    const { objects } = agentObjects({ remoteWrite: { url: URL_, auth: RemoteWriteAuth.bearerToken({ secretName: 'hub-token', key: 'token' }) } });
    expect(byKind(objects, 'PrometheusAgent')[0].spec.remoteWrite[0].authorization).toEqual({ type: 'Bearer', credentials: { name: 'hub-token', key: 'token' } });
  });

  test('hardened pod; the token is mounted (service discovery needs the API) and RBAC reads only what discovery reads', () => {
    const { objects } = agentObjects();
    const [pa] = byKind(objects, 'PrometheusAgent');
    expect(pa.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pa.spec.automountServiceAccountToken).toBe(true);
    const verbs = new Set<string>();
    for (const role of [...byKind(objects, 'Role'), ...byKind(objects, 'ClusterRole')]) {
      for (const r of role.rules) {
        r.verbs.forEach((v: string) => verbs.add(v));
        for (const res of r.resources) expect(['endpoints', 'pods', 'services', 'endpointslices', 'nodes', 'nodes/metrics']).toContain(res);
      }
    }
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(byKind(objects, 'Role').map(r => r.metadata.namespace).sort()).toEqual(['edge-apps', 'kube-system']);
    for (const b of [...byKind(objects, 'RoleBinding'), ...byKind(objects, 'ClusterRoleBinding')]) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-agent', namespace: 'edge-apps' }]);
    }
  });

  test('the monitors it picks up: its namespaces only, with the given labels; kube-state-metrics\' standard Service', () => {
    const { objects } = agentObjects({ monitorNamespaces: ['edge-apps', 'functions'], monitorLabels: { release: 'site' } });
    const [pa] = byKind(objects, 'PrometheusAgent');
    expect(pa.spec.serviceMonitorSelector).toEqual({ matchLabels: { release: 'site' } });
    expect(pa.spec.serviceMonitorNamespaceSelector.matchExpressions[0].values).toEqual(['edge-apps', 'functions']);
    const [ksm] = byKind(objects, 'ServiceMonitor');
    expect(ksm.metadata.labels).toEqual({ release: 'site' });
    expect(ksm.spec).toEqual({
      namespaceSelector: { matchNames: ['kube-system'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' } },
      endpoints: [{ port: 'http-metrics', honorLabels: true, interval: '30s' }],
    });
    expect(byKind(objects, 'Role').map(r => r.metadata.namespace).sort()).toEqual(['edge-apps', 'functions', 'kube-system']);
  });

  describe('WAL sizing', () => {
    test('samples/s x (max(outage, 2 h) + 2 h) x 16 B x 1.25 + two 128 MiB segments, in whole GiB', () => {
      expect(WAL_BYTES_PER_SAMPLE).toBe(16);
      // 500/s for 24 h + the 2 h truncation period: 500 x 93600 x 20 B = 9.36e8 B + 256 MiB = 1.20e9 B -> 2 GiB.
      expect(walVolumeSize(500, 86_400_000).toGibibytes()).toBe(2);
      // 2000/s for 3 days + 2 h: 2000 x 266400 x 20 B = 1.0656e10 B + 256 MiB = 1.0924e10 B -> 11 GiB (10.17 GiB).
      expect(walVolumeSize(2000, 3 * 86_400_000).toGibibytes()).toBe(11);
      // An outage below 2 h is retained for 2 h anyway (the agent's floor), plus the truncation period:
      // 100 000/s x 4 h x 20 B = 2.88e10 B + 256 MiB = 27.07 GiB -> 28 GiB, the same for 20 minutes and for 2 hours.
      expect(walVolumeSize(100_000, 20 * 60_000).toGibibytes()).toBe(28);
      expect(walVolumeSize(100_000, 2 * 3600_000).toGibibytes()).toBe(28);
      expect(walVolumeSize(1, 60_000).toGibibytes()).toBe(1);
    });
    test('the volume holds what the agent keeps: the outage (at least 2 h) plus one truncation period', () => {
      const twoHours = 7200;
      fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 60, max: 30 * 86400 }), (sps, s) => {
        const kept = Math.max(s, twoHours) + twoHours;
        expect(walVolumeSize(sps, s * 1000).toGibibytes() * 1024 ** 3).toBeGreaterThanOrEqual(sps * kept * WAL_BYTES_PER_SAMPLE);
      }));
    });
    test('the outage defaults to 24 h, or the offline window when shorter; above the window is an error', () => {
      expect(agentObjects({}, Duration.hours(6)).agent.outage).toBe('6h');
      expect(agentObjects({}, Duration.days(30)).agent.outage).toBe('24h');
      expect(agentObjects({ outage: Duration.days(3) }, Duration.days(7)).agent.outage).toBe('72h');
      expect(() => agentObjects({ outage: Duration.days(8) }, Duration.days(7)))
        .toThrow(/outage="192h": is longer than the site's offline window 168h \(offlineAutonomy of store-1-server\)/);
    });
  });

  describe('defaults (one test per @default)', () => {
    const { agent, objects } = agentObjects();
    const [pa] = byKind(objects, 'PrometheusAgent');
    test('auth: none', () => expect(Object.keys(pa.spec.remoteWrite[0])).toEqual(['url']));
    test('siteName: the EdgeSite\'s', () => expect(agent.externalLabels).toEqual({ site: 'store-1' }));
    test('fleetName: none', () => expect(pa.spec.externalLabels.fleet).toBeUndefined());
    test('outage: 24 h (the default offline window is 30 days)', () => expect(agent.outage).toBe('24h'));
    test('samplesPerSecond: 500 (2 GiB for 24 h)', () => expect(pa.spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe('2Gi'));
    test('interval: 30 s', () => expect(pa.spec.scrapeInterval).toBe('30s'));
    test('monitorNamespaces: the agent\'s', () => expect(pa.spec.podMonitorNamespaceSelector.matchExpressions[0].values).toEqual(['edge-apps']));
    test('monitorLabels: none (every monitor)', () => expect(pa.spec.podMonitorSelector).toEqual({ matchLabels: {} }));
    test('kubelet: true', () => expect(byKind(objects, 'ScrapeConfig').map(s => s.spec.metricsPath)).toEqual(['/metrics', '/metrics/cadvisor']));
    test('kubeStateMetrics: true, in kube-system', () => expect(byKind(objects, 'ServiceMonitor')[0].spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] }));
    test('storageClassName: local-path', () => expect(pa.spec.storage.volumeClaimTemplate.spec.storageClassName).toBe(K3S_LOCAL_PATH_STORAGE_CLASS));
    test('resources: 100m / 256Mi requests, 512Mi memory limit', () => expect(pa.spec.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }));
    test('namespace: the chart\'s', () => expect(pa.metadata.namespace).toBe('edge-apps'));
    test('name: prometheus-agent', () => expect(pa.metadata.name).toBe('prometheus-agent'));
  });

  test('options: no kubelet, no kube-state-metrics, own resources and storage class', () => {
    const { objects } = agentObjects({
      kubelet: false,
      kubeStateMetrics: false,
      storageClassName: 'longhorn',
      name: 'agent',
      namespace: 'monitoring',
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
      samplesPerSecond: 2000,
      outage: Duration.days(3),
      interval: Duration.seconds(60),
    }, Duration.days(7));
    expect(byKind(objects, 'ScrapeConfig')).toEqual([]);
    expect(byKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(byKind(objects, 'ClusterRole')).toEqual([]);
    const [pa] = byKind(objects, 'PrometheusAgent');
    expect(pa.spec.scrapeConfigSelector).toBeUndefined();
    expect(pa.spec.storage.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'longhorn', resources: { requests: { storage: '11Gi' } } });
    expect(pa.metadata).toEqual({ name: 'agent', namespace: 'monitoring' });
  });

  describe('bad input', () => {
    test.each([
      ['https://user:secret@hub.example.com/api/v1/write', /carries credentials inline.*Fix: drop them from the URL/],
      ['https://hub.example.com/write?token=abc', /query or fragment/],
      ['ftp://hub.example.com/write', /not an http\(s\) URL/],
      ['not a url', /is not a URL/],
    ])('remote-write URL %s is refused', (url, re) => {
      expect(() => agentObjects({ remoteWrite: { url } })).toThrow(re);
    });
    test('inline credentials never reach the message', () => {
      let message = '';
      try {
        agentObjects({ remoteWrite: { url: 'https://alice:s3cr3t@hub/x' } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/credentials inline/);
      expect(message).not.toMatch(/s3cr3t|alice/);
    });
    test('a bad Secret key, a non-RemoteWriteAuth', () => {
      expect(() => agentObjects({ remoteWrite: { url: URL_, auth: RemoteWriteAuth.bearerToken({ secretName: 'Hub Token', key: 't' }) } })).toThrow(/secretName/);
      expect(() => agentObjects({ remoteWrite: { url: URL_, auth: { token: 'x' } as any } })).toThrow(/is not a RemoteWriteAuth/);
    });
    test('outside a site without siteName; without a namespace', () => {
      const c = new Chart(Testing.app(), 'c', { namespace: 'm' });
      expect(() => new SitePrometheusAgent(c, 'a', { remoteWrite: { url: URL_ } })).toThrow(/siteName=undefined: is required outside an EdgeSite/);
      const bare = new Chart(Testing.app(), 'c');
      expect(() => new SitePrometheusAgent(bare, 'a', { remoteWrite: { url: URL_ }, siteName: 's' })).toThrow(/namespace=undefined/);
      expect(synthAndValidate((() => {
        const ok = new Chart(Testing.app(), 'c', { namespace: 'm' });
        new SitePrometheusAgent(ok, 'a', { remoteWrite: { url: URL_ }, siteName: 'hub-side' });
        return ok;
      })()).find(o => o.kind === 'PrometheusAgent').spec.externalLabels).toEqual({ site: 'hub-side' });
    });
    test('samplesPerSecond and outage out of range', () => {
      expect(() => agentObjects({ samplesPerSecond: 0 })).toThrow(/samplesPerSecond/);
      expect(() => agentObjects({ samplesPerSecond: 1.5 })).toThrow(/samplesPerSecond/);
      expect(() => agentObjects({ outage: Duration.seconds(30) })).toThrow(/outage/);
    });
  });

  test('properties: valid agent or documented error', () => {
    assertValidOrDocumentedError(fc.record({
      sps: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constant(NaN)),
      outageH: fc.integer({ min: 0, max: 24 * 40 }),
      url: fc.constantFrom(URL_, 'http://10.0.0.1:9090/api/v1/write', 'https://a:b@h/x', 'x'),
      ns: fc.constantFrom(['edge-apps'], ['a', 'b'], ['BAD']),
    }), (app: App, p) => {
      const s = new EdgeSite(app, 'store-1', { namespace: 'edge-apps', servers: [{ name: 'srv', ip: '10.0.0.1' }] });
      new SitePrometheusAgent(s, 'agent', { remoteWrite: { url: p.url }, samplesPerSecond: p.sps, outage: Duration.hours(p.outageH), monitorNamespaces: p.ns });
    }, { params: { numRuns: 100 } });
  });
});

describe('SiteAgentWorkload', () => {
  test('one agent per site of an EdgeFleet, labelled site and fleet', () => {
    const app = new FleetApp({ outdir: tmpdir() });
    const fleet = new EdgeFleet(app, 'mec', { namespace: 'edge' });
    const workload = SiteAgentWorkload.forFleet(fleet, { remoteWrite: { url: URL_ } });
    fleet.deploy(workload);
    for (const [i, n] of ['a', 'b'].entries()) fleet.addSite(`site-${n}`, { servers: [{ name: `site-${n}-server`, ip: `10.0.${i}.1` }] });
    const labels: any[] = [];
    for (const chart of siteCharts(app)) {
      const objects = Testing.synth(chart);
      validateObjects(objects);
      labels.push(objects.find(o => o.kind === 'PrometheusAgent').spec.externalLabels);
    }
    expect(labels).toEqual([{ fleet: 'mec', site: 'site-a' }, { fleet: 'mec', site: 'site-b' }]);
    expect(workload.agents).toHaveLength(2);
  });

  test('siteName is per site; the URL is checked at once; fleet must be an EdgeFleet', () => {
    expect(() => new SiteAgentWorkload({ remoteWrite: { url: URL_ }, siteName: 'x' })).toThrow(/is set per site/);
    expect(() => new SiteAgentWorkload({ remoteWrite: { url: 'https://u:p@h/x' } })).toThrow(/credentials inline/);
    expect(() => SiteAgentWorkload.forFleet({} as any, { remoteWrite: { url: URL_ } })).toThrow(/is not an EdgeFleet/);
  });

  test('id: MetricsAgent', () => {
    const s = site();
    new SiteAgentWorkload({ remoteWrite: { url: URL_ } }).addToSite(s);
    expect(s.node.tryFindChild('MetricsAgent')).toBeInstanceOf(SitePrometheusAgent);
  });
});

describe('SitePrometheusAgent, StatefulSet mode (no operator)', () => {
  function build(props: Partial<SitePrometheusAgentProps> = {}) {
    const s = new EdgeSite(Testing.app(), 'store-1', { namespace: 'edge-apps', servers: [{ name: 'store-1-server', ip: '10.0.0.1' }] });
    const d = new WasmDeployment(s, 'api', { wasiNetworking: true, wasmContainers: [{ image: 'ghcr.io/acme/api:1.0.0', ports: [{ number: 9090, name: 'metrics' }] }] });
    const agent = new SitePrometheusAgent(s, 'agent', Object.assign({
      mode: SiteAgentMode.STATEFUL_SET,
      remoteWrite: { url: URL_, auth: RemoteWriteAuth.basicAuth({ secretName: 'hub', key: 'username' }, { secretName: 'hub', key: 'password' }) },
    }, props));
    return { s, d, agent };
  }

  test('prometheus --agent with a generated prometheus.yml: remote_write from mounted Secret files, site label, WAL claim, hardened', () => {
    const { s, d, agent } = build();
    expect(agent.addWorkload('api', MonitorTarget.wasmDeployment(d), { port: 'metrics' })).toBe('edge-apps/api');
    const objects = synthAndValidate(s);
    const [sts] = byKind(objects, 'StatefulSet');
    expect(sts).toMatchSnapshot();
    expect(byKind(objects, 'PrometheusAgent')).toEqual([]);
    const c = sts.spec.template.spec.containers[0];
    expect(c.args).toContain('--agent');
    expect(c.args).toContain('--storage.agent.retention.max-time=24h');
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'local-path', resources: { requests: { storage: '2Gi' } } });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'secret-0', secret: { secretName: 'hub' } });
    const cm = objects.find(o => o.kind === 'ConfigMap');
    const cfg = yaml.load(cm.data['prometheus.yml']) as any;
    expect(prometheusConfigProblems(cfg)).toEqual([]);
    expect(cfg.global.external_labels).toEqual({ site: 'store-1' });
    expect(cfg.remote_write).toEqual([{
      url: URL_, basic_auth: { username_file: '/etc/prometheus/secrets/hub/username', password_file: '/etc/prometheus/secrets/hub/password' },
    }]);
    expect(cfg.scrape_configs.map((j: any) => j.job_name)).toEqual(['edge-kubelet', 'edge-cadvisor', 'kube-state-metrics', 'edge-apps/api']);
    // The Secret files the config names are where the Secret is mounted.
    const mount = c.volumeMounts.find((m: any) => m.name === 'secret-0');
    expect(cfg.remote_write[0].basic_auth.password_file.startsWith(`${mount.mountPath}/`)).toBe(true);
    // Nothing secret inline: only Secret names and file paths.
    expect(cm.data['prometheus.yml']).not.toMatch(/password:|credentials:/);
    // A changed config rolls the pod: the template carries the config's hash.
    expect(sts.spec.template.metadata.annotations['cdk8s-wasm-edge.io/config-sha256']).toBe(createHash('sha256').update(cm.data['prometheus.yml']).digest('hex'));
  });

  test('a bearer token file; the jobs keep only the site\'s workload and kube-state-metrics', () => {
    const { s, d, agent } = build({ remoteWrite: { url: URL_, auth: RemoteWriteAuth.bearerToken({ secretName: 'hub-token', key: 'token' }) } });
    agent.addWorkload('api', MonitorTarget.wasmDeployment(d), { port: 'metrics' });
    const objects = synthAndValidate(s);
    const cfg = yaml.load(objects.find(o => o.kind === 'ConfigMap').data['prometheus.yml']) as any;
    expect(cfg.remote_write[0].authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/prometheus/secrets/hub-token/token' });
    const ksmService = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-state-metrics', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'kube-state-metrics' } },
      spec: { selector: { 'app.kubernetes.io/name': 'kube-state-metrics' }, ports: [{ name: 'http-metrics', port: 8080 }, { name: 'telemetry', port: 8081 }] },
    };
    const ksmPods = {
      kind: 'Deployment',
      metadata: { name: 'kube-state-metrics', namespace: 'kube-system' },
      spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'kube-state-metrics' } }, spec: { containers: [{ name: 'ksm', ports: [] }] } } },
    };
    const found = Object.fromEntries(scrapeTargets(cfg, [...objects, ksmService, ksmPods], [{ name: 'store-1-server', labels: site().nodes[0].nodeLabels }]));
    expect(found['kube-state-metrics']).toEqual(['Service kube-state-metrics:http-metrics']);
    expect(found['edge-apps/api']).toEqual([expect.stringMatching(/^Deployment .*:metrics$/)]);
    expect(found['edge-kubelet']).toEqual(['Node store-1-server']);
  });

  test('defaults: mode PrometheusAgent; image PROMETHEUS_AGENT_IMAGE', () => {
    expect(agentObjects().agent.mode).toBe(SiteAgentMode.PROMETHEUS_AGENT);
    const { s } = build();
    expect(byKind(synthAndValidate(s), 'StatefulSet')[0].spec.template.spec.containers[0].image).toBe(PROMETHEUS_AGENT_IMAGE);
  });

  test('bad input: image without the StatefulSet mode, monitorLabels in it, addWorkload in the operator mode or outside monitorNamespaces', () => {
    expect(() => agentObjects({ image: 'prom/prometheus:v3' })).toThrow(/only applies to the StatefulSet mode/);
    expect(() => build({ monitorLabels: { a: 'b' } })).toThrow(/monitorLabels=.*only apply to the PrometheusAgent mode/);
    const s = site();
    const op = new SitePrometheusAgent(s, 'op', { remoteWrite: { url: URL_ } });
    const d = new WasmDeployment(s, 'api', { wasiNetworking: true, wasmContainers: [{ image: 'ghcr.io/acme/api:1.0.0', ports: [{ number: 9090, name: 'metrics' }] }] });
    expect(() => op.addWorkload('api', MonitorTarget.wasmDeployment(d), { port: 'metrics' })).toThrow(/add a WorkloadMonitor/);
    const other = build({ monitorNamespaces: ['functions'] });
    expect(() => other.agent.addWorkload('api', MonitorTarget.wasmDeployment(other.d), { port: 'metrics' })).toThrow(/add "edge-apps" to monitorNamespaces/);
  });
});

describe('SitePrometheusAgent fleet label', () => {
  test('@default fleetName: the site\'s EdgeFleet, as the alert rules match it; another value is refused', () => {
    const app = new FleetApp({ outdir: '/tmp/unused-fleet-label' });
    const fleet = new EdgeFleet(app, 'mec', { namespace: 'mon' });
    const aSite = fleet.addSite('a', { servers: [{ name: 'a-1' }] });
    const agent = new SitePrometheusAgent(aSite, 'Agent', { remoteWrite: { url: 'https://hub.example.com/api/v1/write' } });
    expect(agent.externalLabels).toEqual({ site: 'a', fleet: 'mec' });
    expect(agent.hubOutOfOrderTimeWindow).toBe(agent.outage);
    expect(() => new SitePrometheusAgent(aSite, 'Other', { remoteWrite: { url: 'https://hub.example.com/api/v1/write' }, fleetName: 'edge' }))
      .toThrow(/fleetName="edge": differs from the site's EdgeFleet "mec"/);
  });
});
