// 5G MEC: a K3s server with SQLite at an aggregation base station plus agents at two neighbouring
// cells (three MEC zones), dense enough for 3000 Wasm pods per node, pulling from a registry on the
// MEC LAN. A latency-sensitive Wasm service spreads over the zones, stays pre-warmed and keeps
// user-plane traffic on the node it reaches (externalTrafficPolicy: Local). Optional: a GPU
// inference workload (WasmEdge + WASI-NN in a Linux image) on the NVIDIA runtime. Monitoring: the
// cluster's kube-prometheus-stack scrapes the service through a ServiceMonitor derived from it.
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, EdgeService, IntegrationRoute, MonitorTarget, RuntimeClass, TrafficDistribution,
  TrafficPolicy, WasmAlertRules, WasmDashboards, WasmDeployment, WasmRuntime, WorkloadMonitor,
} from 'cdk8s-wasm-edge';

/** Options of the 5G MEC example. */
export interface MecExampleOptions {
  /**
   * Run the GPU inference workload on the aggregation node (adds the NVIDIA runtime to that node).
   *
   * @default true
   */
  readonly gpuPassthrough?: boolean;

  /**
   * Annotations for your 5G user-plane traffic steering (UPF local breakout, DNN, QoS). Kubernetes
   * and this library give them no meaning: use the keys your UPF / steering controller reads.
   *
   * @default - example keys under mec.example.com/
   */
  readonly steeringAnnotations?: { [key: string]: string };

  /**
   * The kube-prometheus-stack Helm release of the cluster's Prometheus: the monitors carry
   * `release: <name>`, which that chart's Prometheus selects monitors by.
   *
   * @default 'kube-prometheus-stack'
   */
  readonly prometheusRelease?: string;
}

const REGISTRY = 'https://registry.mec.internal:5000';
const SERVER_URL = 'https://10.20.0.1:6443';

export class MecChart extends Chart {
  constructor(scope: Construct, id: string, options: MecExampleOptions = {}, props: ChartProps = {}) {
    super(scope, id, props);
    const gpu = options.gpuPassthrough ?? true;

    // --- Nodes (files under nodes/, not manifests) -------------------------------------------
    const shared = {
      region: 'cn-north-mec',
      // 3000 Wasm pods per node; the pod CIDR leaves room for 16 base stations in this cluster.
      density: { podsPerNode: 3000, nodeCount: 16, nodeAllocatableMemory: Size.gibibytes(32), podMemoryRequest: Size.mebibytes(10) },
      localRegistry: REGISTRY,
      localRegistryTls: { caFile: '/etc/rancher/k3s/mec-registry-ca.pem' },
      mirroredRegistries: ['docker.io', 'ghcr.io'],
    };
    // SINGLE_NODE_SERVER: K3s's SQLite datastore, control plane and workloads on one box that keeps
    // running with no backhaul at all.
    const aggregation = new EdgeOfflineNode(this, 'mec-agg-01', {
      ...shared,
      role: EdgeNodeRole.SINGLE_NODE_SERVER,
      zone: 'mec-zone-a',
      site: 'gnb-1001',
      runtimes: gpu ? [WasmRuntime.WASMEDGE, WasmRuntime.CRUN, WasmRuntime.NVIDIA] : [WasmRuntime.WASMEDGE, WasmRuntime.CRUN],
    });
    const cells = ['b', 'c'].map((zone, i) => new EdgeOfflineNode(this, `mec-gnb-100${i + 2}`, {
      ...shared,
      role: EdgeNodeRole.AGENT,
      serverUrl: SERVER_URL,
      zone: `mec-zone-${zone}`,
      site: `gnb-100${i + 2}`,
      runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN],
    }));
    const mecNodes = new EdgeNodeGroup(this, 'mec-cells', { nodes: [aggregation, ...cells] });

    // --- Latency-sensitive Wasm service ------------------------------------------------------
    const wasmedge = new RuntimeClass(this, 'WasmEdge', { runtime: WasmRuntime.WASMEDGE });
    const port = 8080;
    const alerts = new WasmDeployment(this, 'v2x-alerts', {
      runtimeClass: wasmedge,
      placement: mecNodes,
      wasiNetworking: true,
      // Pre-warmed: one running replica per zone, so no request waits for a cold start.
      warmReplicas: 3,
      // One replica per MEC zone at most ahead of the others; nodes cut off from the control plane
      // (tainted unreachable) do not count as domains (nodeTaintsPolicy Honor, the default).
      topologySpread: { maxSkew: 1 },
      wasmContainers: [{
        name: 'v2x-alerts',
        image: 'ghcr.io/acme/mec-v2x-alerts:1.4.0',
        command: ['/v2x-alerts.wasm'],
        ports: [{ number: port, name: 'http' }],
        envVariables: { LISTEN_ADDR: kplus.EnvValue.fromValue(`0.0.0.0:${port}`) },
        // The WasmEdge module starts in single-digit milliseconds; the kubelet probes at 1 s
        // granularity, so the budget shows as: probed from t=0, every second, restarted when not
        // serving within 3 s, out of the Service after one failed readiness check.
        startup: kplus.Probe.fromHttpGet('/healthz', {
          port, initialDelaySeconds: Duration.seconds(0), periodSeconds: Duration.seconds(1), failureThreshold: 3, timeoutSeconds: Duration.seconds(1),
        }),
        readiness: kplus.Probe.fromHttpGet('/healthz', {
          port, initialDelaySeconds: Duration.seconds(0), periodSeconds: Duration.seconds(1), failureThreshold: 1, successThreshold: 1, timeoutSeconds: Duration.seconds(1),
        }),
        liveness: kplus.Probe.fromTcpSocket({
          port, initialDelaySeconds: Duration.seconds(0), periodSeconds: Duration.seconds(5), failureThreshold: 3, timeoutSeconds: Duration.seconds(1),
        }),
      }],
    });

    const v2xService = new EdgeService(this, 'v2x-alerts-svc', {
      metadata: {
        name: 'v2x-alerts',
        annotations: options.steeringAnnotations ?? {
          'mec.example.com/upf-local-breakout': 'true',
          'mec.example.com/dnn': 'mec.v2x',
          'mec.example.com/5qi': '80',
        },
      },
      selector: alerts,
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: 80, targetPort: port, name: 'http' }],
      // User-plane traffic stays on the node it reached: no second hop, client IP kept.
      externalTrafficPolicy: TrafficPolicy.LOCAL,
      // In-cluster callers prefer a replica in their own zone.
      trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE,
    });

    // --- Monitoring ---------------------------------------------------------------------------
    // The module serves Prometheus metrics on its HTTP port: a ServiceMonitor selects exactly this
    // Service (labelled by the monitor) on its "http" port, every 30 s, in the app's namespace.
    new WorkloadMonitor(this, 'v2x-alerts-monitor', {
      target: MonitorTarget.service(v2xService),
      port: 'http',
      release: options.prometheusRelease ?? 'kube-prometheus-stack',
    });
    // Alert rules and dashboards for this chart live in the hub's monitoring chart (buildExample).

    // --- Optional GPU passthrough ------------------------------------------------------------
    if (gpu) {
      const nvidia = new RuntimeClass(this, 'Nvidia', { runtime: WasmRuntime.NVIDIA });
      new WasmDeployment(this, 'video-analytics', {
        runtimeClass: nvidia,
        // A Linux image that bundles WasmEdge with the WASI-NN plugin; the NVIDIA runtime exposes
        // the GPU that the device plugin allocates.
        route: IntegrationRoute.WASMEDGE_IN_IMAGE,
        gpu: { count: 1 },
        placement: aggregation,
        wasiNetworking: true,
        wasmContainers: [{
          name: 'video-analytics',
          image: 'ghcr.io/acme/mec-video-analytics-wasinn:0.14.1',
          command: ['wasmedge', '--dir', '/models:/models', '/app/video-analytics.wasm'],
          portNumber: 9000,
          resources: {
            cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
            memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
          },
        }],
      }).exposeViaService({ name: 'video-analytics' });
    }
  }
}

/** Adds the example's charts (and node constructs) to an app. */
export function buildExample(app: App, options: MecExampleOptions = {}): void {
  new MecChart(app, '5g-mec', options, { namespace: 'mec-apps' });
  // The hub's Prometheus and Grafana (kube-prometheus-stack): alert rules whose thresholds are the
  // workloads' own (the nodes' offline window, the restart budget, cold starts), and the fleet,
  // function and node-density dashboards, picked up by Grafana's dashboard sidecar.
  const release = options.prometheusRelease ?? 'kube-prometheus-stack';
  const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  new WasmAlertRules(monitoring, 'alerts', { ruleSelectorLabels: { release } });
  new WasmDashboards(monitoring, 'dashboards');
}

/** Synthesizes the example: manifests into outdir, node files into nodesOutdir. */
export function synthExample(outdir: string, nodesOutdir: string, options: MecExampleOptions = {}): void {
  const app = new App({ outdir });
  buildExample(app, options);
  app.synth();
  EdgeOfflineNode.writeAll(app, nodesOutdir);
}

if (require.main === module) {
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist', 'nodes', { gpuPassthrough: process.env.MEC_GPU !== 'false' });
}
