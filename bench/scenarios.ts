/**
 * The three ways of producing the same fleet of objects that the benchmark compares:
 * (a) this library, (b) hand-written cdk8s-plus-30, (c) plain documents dumped by js-yaml.
 * Each workload is a Deployment, a Service and a KEDA ScaledObject.
 */
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  EdgeFleet, EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, EdgeSite, EdgeSiteProps, FleetApp, FunctionTenant, ISiteWorkload, KedaScaledObject,
  KedaTrigger,
  WasmDeployment, WasmRuntime,
} from '../lib';
import { ScaledObject } from '../lib/imports/keda';
import { chartObjects, resolveDependencies } from '../lib/private/app-synth';
// The class `cdk8s import` generates from KEDA's CRD (the library keeps its copy internal).

const IMAGE = 'registry.local:5000/fleet/edge-fn:1.0.0';
const PROMETHEUS = 'http://prometheus.monitoring:9090';
const query = (i: number) => `sum(rate(http_requests_total{app="fn-${i}"}[1m]))`;

/** (a) The library: WasmDeployment + exposeViaService + KedaScaledObject. */
export function buildLibrary(app: App, n: number): void {
  const chart = new Chart(app, 'fleet', { namespace: 'fleet' });
  for (let i = 0; i < n; i++) {
    const wd = new WasmDeployment(chart, `fn-${i}`, {
      wasiNetworking: true,
      wasmContainers: [{ image: IMAGE, command: ['/app.wasm'], portNumber: 8080 }],
    });
    wd.exposeViaService();
    new KedaScaledObject(chart, `fn-${i}-scaler`, {
      target: wd,
      triggers: [KedaTrigger.prometheus({ serverAddress: PROMETHEUS, query: query(i), threshold: 50 })],
    });
  }
}

/**
 * (b) The same objects written by hand with cdk8s-plus-30, and KEDA's ScaledObject class as
 * `cdk8s import` generates it from the same CRD (cdk8s-plus has no KEDA construct).
 */
export function buildPlain(app: App, n: number): void {
  const chart = new Chart(app, 'fleet', { namespace: 'fleet' });
  const probe = (period: number, failureThreshold: number) => kplus.Probe.fromTcpSocket({
    port: 8080,
    initialDelaySeconds: Duration.seconds(0),
    periodSeconds: Duration.seconds(period),
    failureThreshold,
    timeoutSeconds: Duration.seconds(1),
  });
  for (let i = 0; i < n; i++) {
    const d = new kplus.Deployment(chart, `fn-${i}`, {
      replicas: 1,
      // The Wasm mark WasmDeployment puts on the pods of a Wasm class (WasmPolicies read it).
      podMetadata: { labels: { 'cdk8s-wasm-edge.io/wasm': 'true' } },
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      securityContext: { ensureNonRoot: true, user: 65532, group: 65532, fsGroup: 65532 },
      containers: [{
        image: IMAGE,
        command: ['/app.wasm'],
        portNumber: 8080,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
          memory: { request: Size.mebibytes(10), limit: Size.mebibytes(50) },
        },
        securityContext: {
          ensureNonRoot: true,
          user: 65532,
          group: 65532,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: [kplus.Capability.ALL] },
          seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
        },
        startup: probe(1, 30),
        readiness: probe(2, 3),
        liveness: probe(10, 3),
      }],
    });
    // runtimeClassName has no cdk8s-plus prop.
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/runtimeClassName', 'wasmedge'));
    d.exposeViaService();
    d.markHasAutoscaler();
    new ScaledObject(chart, `fn-${i}-scaler`, {
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name },
        minReplicaCount: 1,
        maxReplicaCount: 100,
        triggers: [{ type: 'prometheus', metadata: { serverAddress: PROMETHEUS, query: query(i), threshold: '50' } }],
      },
    });
  }
}

/** (c) The same kind of documents as plain objects, for the js-yaml lower bound. */
export function plainDocuments(n: number): any[] {
  const docs: any[] = [];
  for (let i = 0; i < n; i++) {
    const name = `fleet-fn-${i}`;
    const labels = { 'cdk8s.io/metadata.addr': name };
    const tcp = (period: number, failureThreshold: number) => ({
      tcpSocket: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: period, failureThreshold, timeoutSeconds: 1,
    });
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'fleet' },
      spec: {
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: labels },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
        template: {
          metadata: { labels: Object.assign({ 'cdk8s-wasm-edge.io/wasm': 'true' }, labels) },
          spec: {
            automountServiceAccountToken: false,
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            restartPolicy: 'Always',
            runtimeClassName: 'wasmedge',
            securityContext: { fsGroup: 65532, fsGroupChangePolicy: 'Always', runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 },
            setHostnameAsFQDN: false,
            shareProcessNamespace: false,
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: 'main',
              image: IMAGE,
              command: ['/app.wasm'],
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: '200m', memory: '50Mi' }, requests: { cpu: '50m', memory: '10Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsGroup: 65532,
                runAsNonRoot: true,
                runAsUser: 65532,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              startupProbe: tcp(1, 30),
              readinessProbe: tcp(2, 3),
              livenessProbe: tcp(10, 3),
            }],
          },
        },
      },
    });
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${name}-service`, namespace: 'fleet' },
      spec: { externalIPs: [], ports: [{ port: 8080, targetPort: 8080 }], selector: labels, type: 'ClusterIP' },
    });
    docs.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: `${name}-scaler`, namespace: 'fleet' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicaCount: 1,
        maxReplicaCount: 100,
        triggers: [{ type: 'prometheus', metadata: { serverAddress: PROMETHEUS, query: query(i), threshold: '50' } }],
      },
    });
  }
  return docs;
}

/** n agents of a fleet joining one server each, offering WasmEdge and crun, behind a local mirror. */
export function buildNodes(app: App, n: number): void {
  for (let i = 0; i < n; i++) {
    new EdgeOfflineNode(app, `site-${i}`, {
      role: EdgeNodeRole.AGENT,
      serverUrl: `https://site-${i}.edge.internal:6443`,
      runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN],
      zone: `zone-${i % 16}`,
      localRegistry: 'https://registry.edge.internal:5000',
    });
  }
}

/** Writes every node's files (node files never go under the manifest output directory). */
export function writeNodeFiles(app: App, outdir: string): string[] {
  return EdgeOfflineNode.writeAll(app, outdir);
}

/**
 * Fleet shapes beyond one big chart (`BENCH_EXTRA=1`), each a regression guard for a fix: n tenant
 * charts of 20 workloads (cdk8s validates the app once per chart), n/2 nodes in one EdgeNodeGroup
 * with n workloads placed on it, and n sites (a chart each: a server, 3 agents, a workload).
 */
export function buildTenants(app: App, n: number): void {
  for (let t = 0; t < n; t++) {
    const chart = new Chart(app, `tenant-${t}`, { namespace: `tenant-${t}` });
    new FunctionTenant(chart, 'Tenant');
    for (let i = 0; i < 20; i++) new WasmDeployment(chart, `fn-${i}`, { wasmContainers: [{ image: IMAGE, command: ['/app.wasm'] }] });
  }
}

export function buildGroup(app: App, n: number): void {
  const chart = new Chart(app, 'fleet', { namespace: 'fleet' });
  const nodes = Array.from({ length: Math.max(1, Math.floor(n / 2)) }, (_, i) => new EdgeOfflineNode(app, `node-${i}`, {
    role: EdgeNodeRole.AGENT, serverUrl: 'https://hub.edge.internal:6443', runtimes: [WasmRuntime.WASMEDGE], zone: `zone-${i % 4}`,
  }));
  const group = new EdgeNodeGroup(chart, 'pool', { nodes });
  for (let i = 0; i < n; i++) new WasmDeployment(chart, `fn-${i}`, { placement: group, wasmContainers: [{ image: IMAGE, command: ['/app.wasm'] }] });
}

export function buildSites(app: App, n: number): void {
  for (let s = 0; s < n; s++) {
    const chart = new Chart(app, `site-${s}`, { namespace: 'edge' });
    const server = new EdgeOfflineNode(chart, 'server', { role: EdgeNodeRole.CLUSTER_INIT_SERVER, nodeName: `site-${s}-server` });
    for (let a = 0; a < 3; a++) new EdgeOfflineNode(chart, `agent-${a}`, { role: EdgeNodeRole.AGENT, nodeName: `site-${s}-agent-${a}`, server });
    new WasmDeployment(chart, 'fn', { placement: server, wasmContainers: [{ image: IMAGE, command: ['/app.wasm'] }] });
  }
}

/** The fleet benchmark's workloads on every site: 5 WasmDeployments with Services, one KEDA ScaledObject. */
class FleetBenchWorkloads implements ISiteWorkload {
  public addToSite(site: EdgeSite): void {
    for (let i = 0; i < 5; i++) {
      const wd = new WasmDeployment(site, `fn-${i}`, {
        wasiNetworking: true,
        wasmContainers: [{ image: IMAGE, command: ['/app.wasm'], portNumber: 8080 }],
      });
      wd.exposeViaService();
      if (i === 0) {
        new KedaScaledObject(site, 'fn-0-scaler', {
          target: wd,
          triggers: [KedaTrigger.prometheus({ serverAddress: PROMETHEUS, query: query(0), threshold: 50 })],
        });
      }
    }
  }
}

/** Site s of the fleet benchmark: one K3s server and 2 agents, addresses unique across 65536 sites. */
function fleetSiteProps(s: number): EdgeSiteProps {
  const net = `10.${Math.floor(s / 256) % 256}.${s % 256}`;
  return {
    region: `region-${s % 3}`,
    zone: `zone-${s % 16}`,
    tier: 'mec',
    canary: s % 100 === 0,
    servers: [{ name: `site-${s}-server`, ip: `${net}.1` }],
    agents: [{ name: `site-${s}-agent-1`, ip: `${net}.2` }, { name: `site-${s}-agent-2`, ip: `${net}.3` }],
    nodeDefaults: { localRegistry: 'https://registry.edge.internal:5000' },
  };
}

/**
 * (fleet) n sites in a FleetApp's EdgeFleet, declared with defineSite() (built one at a time at
 * synth), or added to the tree with addSite() when `added`.
 */
export function buildFleet(app: FleetApp, n: number, added = false): EdgeFleet {
  const fleet = new EdgeFleet(app, 'fleet', { namespace: 'edge' });
  fleet.deploy(new FleetBenchWorkloads());
  for (let s = 0; s < n; s++) {
    if (added) fleet.addSite(`site-${s}`, fleetSiteProps(s));
    else fleet.defineSite(`site-${s}`, fleetSiteProps(s));
  }
  return fleet;
}

/** (fleet, plain cdk8s) the same site charts directly under a plain App, for its App.synth(). */
export function buildFleetCharts(app: App, n: number): void {
  const workloads = new FleetBenchWorkloads();
  for (let s = 0; s < n; s++) workloads.addToSite(new EdgeSite(app, `site-${s}`, Object.assign({ namespace: 'edge' }, fleetSiteProps(s))));
}

/** One file of the fleet tree for the js-yaml lower bound: documents to dump, or text to write. */
export interface FleetBenchFile {
  readonly path: string;
  readonly docs?: any[];
  readonly text?: string;
}

/**
 * (fleet, js-yaml) the fleet's files as data: each site's manifests as resolved documents, its node
 * files as their text, for the js-yaml lower bound (dumping and writing only). Building n sites
 * just to get their documents would take as long as the library itself, so site 0 is built and
 * resolved once and the others are made from it by replacing what differs (names, addresses,
 * region, zone); generated name hashes keep site 0's (same length). test/bench-scenarios.test.ts
 * checks that this gives the library's documents up to those hashes.
 */
export function fleetDocuments(n: number): FleetBenchFile[] {
  const app = new FleetApp({ outdir: 'unused' });
  const fleet = buildFleet(app, 1, true);
  resolveDependencies(app.node.findAll());
  const site = fleet.sites[0];
  const template: Array<{ path: string; docs?: string; text?: string }> = [];
  const dir = 'fleet/sites/site-0';
  template.push({ path: `${dir}/manifests/site-0.k8s.yaml`, docs: JSON.stringify(chartObjects(site).map(o => o.toJson())) });
  for (const node of site.nodes) {
    for (const f of node.renderFiles()) template.push({ path: `${dir}/nodes/${node.nodeName}${f.path}`, text: f.content });
    template.push({ path: `${dir}/nodes/${node.nodeName}/cloud-init.yaml`, text: node.renderCloudInit() });
  }
  const files: FleetBenchFile[] = [];
  for (let s = 0; s < n; s++) {
    const p = fleetSiteProps(s);
    const net = p.servers![0].ip!.slice(0, -2);
    const replace = (t: string) => t.replace(/site-0\b/g, `site-${s}`).replace(/10\.0\.0\./g, `${net}.`)
      .replace(/region-0\b/g, p.region!).replace(/zone-0\b/g, p.zone!);
    for (const f of template) {
      const docs = f.docs !== undefined ? JSON.parse(replace(f.docs)) : undefined;
      files.push({ path: replace(f.path), docs, text: f.text !== undefined ? replace(f.text) : undefined });
    }
  }
  return files;
}
