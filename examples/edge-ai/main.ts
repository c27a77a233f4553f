// Edge AI: a LlamaEdge (WasmEdge + WASI-NN GGML plugin) chat API on the GPU nodes of an offline
// edge site. The model sits on each GPU node's local disk (local-path PVC, mounted read-only),
// filled once from the site's model mirror; the API scales on pending requests (KEDA, Prometheus)
// up to one pod per GPU.
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  EdgeNodeRole, EdgeOfflineNode, FunctionRoute, Gateway, KedaScaledObject, KedaTrigger, RouteBackend, RuntimeClass,
  WasmDeployment, WasmRuntime,
} from 'cdk8s-wasm-edge';

const SITE = 'plant-a';
const SERVER_URL = 'https://10.20.0.10:6443';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
/** The site's model mirror (on the LAN: the site has no internet while offline). */
const MODEL_MIRROR = 'http://10.20.0.2:8080/models';
const MODEL_FILE = 'Llama-3.2-3B-Instruct-Q5_K_M.gguf';
const GPUS_PER_NODE = 2;
/** Pending (queued or running) requests one replica (one GPU) should carry. */
const PENDING_PER_REPLICA = 4;
const APP_LABEL = 'app.kubernetes.io/name';
const APP = 'llama-api';
const PORT = 8080;

export class EdgeAiChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // --- Nodes of the site (node files, not manifests) ------------------------------------------
    // The site runs offline for weeks (the default 30-day autonomy window): K3s and every image are
    // installed from tarballs staged on the nodes, nothing is pulled from the internet.
    const airgap = (extra: string[]) => ({
      imagesTarball: '/opt/k3s/k3s-airgap-images-amd64.tar.zst',
      extraImageTarballs: extra,
    });
    new EdgeOfflineNode(this, 'ai-site-server', {
      role: EdgeNodeRole.SINGLE_NODE_SERVER,
      site: SITE,
      runtimes: [WasmRuntime.WASMEDGE],
      airgap: airgap([]),
    });
    // GPU agents: only the NVIDIA runtime (from the NVIDIA container toolkit), tainted for GPU work.
    const gpuNodes = [1, 2].map(n => new EdgeOfflineNode(this, `ai-gpu-${n}`, {
      role: EdgeNodeRole.AGENT,
      serverUrl: SERVER_URL,
      site: SITE,
      runtimes: [WasmRuntime.NVIDIA],
      taints: [{ key: 'nvidia.com/gpu', effect: kplus.TaintEffect.NO_SCHEDULE }],
      embeddedRegistry: false,
      airgap: airgap(['/opt/images/llamaedge-cuda-0.14.1.tar', '/opt/images/curl-8.11.1.tar']),
    }));

    const nvidia = new RuntimeClass(this, 'Nvidia', { runtime: WasmRuntime.NVIDIA });

    // --- One inference cell per GPU node ----------------------------------------------------
    // local-path volumes live on one node's disk, so a model PVC pins every pod that mounts it to
    // that node: each GPU node gets its own PVC and its own Deployment placed on it.
    gpuNodes.forEach(node => this.inferenceCell(node, nvidia, gpuNodes.length));

    // One Service over every cell, and a Traefik route for the site's clients.
    const service = new kplus.Service(this, 'llama-api-service', {
      metadata: { name: APP },
      ports: [{ name: 'http', port: PORT, targetPort: PORT }],
    });
    service.selectLabel(APP_LABEL, APP);
    new FunctionRoute(this, 'llama-api-route', {
      gateway: Gateway.traefik(),
      backend: RouteBackend.service(APP, PORT),
      host: `llm.${SITE}.edge.example.com`,
      pathPrefix: '/v1',
      name: APP,
    });
  }

  private inferenceCell(node: EdgeOfflineNode, nvidia: RuntimeClass, cellCount: number): WasmDeployment {
    const name = `${APP}-${node.nodeName}`;
    const pvc = new kplus.PersistentVolumeClaim(this, `models-${node.nodeName}`, {
      metadata: { name: `models-${node.nodeName}` },
      storageClassName: 'local-path',
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: Size.gibibytes(20),
    });
    const models = kplus.Volume.fromPersistentVolumeClaim(this, `models-volume-${node.nodeName}`, pvc);
    const ready = kplus.Probe.fromHttpGet('/v1/models', { port: PORT, periodSeconds: Duration.seconds(5), failureThreshold: 3 });

    const llm = new WasmDeployment(this, name, {
      metadata: { name },
      podMetadata: { labels: { [APP_LABEL]: APP } },
      runtimeClass: nvidia,
      placement: node,
      gpu: { count: 1 },
      wasiNetworking: true,
      // Fetch the model from the site mirror into the node's PVC once (skipped when present).
      initContainers: [{
        name: 'fetch-model',
        image: 'docker.io/curlimages/curl:8.11.1',
        command: ['sh', '-c', 'set -eu; f="/models/$MODEL_FILE"; [ -s "$f" ] && exit 0; '
          + 'curl -fsS --retry 10 -o "$f.$HOSTNAME" "$MODEL_URL"; mv "$f.$HOSTNAME" "$f"'],
        envVariables: {
          MODEL_FILE: kplus.EnvValue.fromValue(MODEL_FILE),
          MODEL_URL: kplus.EnvValue.fromValue(`${MODEL_MIRROR}/${MODEL_FILE}`),
        },
        volumeMounts: [{ path: '/models', volume: models }],
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
        },
        // Hardened and pulled IfNotPresent by WasmDeployment, like its other containers.
      }],
      wasmContainers: [{
        name: 'llama-api',
        // A Linux image bundling WasmEdge, its WASI-NN GGML plugin (CUDA build) and
        // llama-api-server.wasm: the WasmEdge-in-image route, on the NVIDIA runtime for the GPU.
        image: 'ghcr.io/acme/llamaedge-cuda:0.14.1',
        command: ['wasmedge'],
        args: [
          '--nn-preload', `default:GGML:AUTO:/models/${MODEL_FILE}`,
          '/app/llama-api-server.wasm',
          '--prompt-template', 'llama-3-chat',
          '--ctx-size', '4096',
          '--model-name', 'llama-3.2-3b-instruct',
          '--socket-addr', `0.0.0.0:${PORT}`,
        ],
        portNumber: PORT,
        volumeMounts: [{ path: '/models', volume: models, readOnly: true }],
        resources: {
          cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(4) },
          memory: { request: Size.gibibytes(2), limit: Size.gibibytes(6) },
        },
        // Loading a model onto the GPU takes more than a Wasm cold start: allow five minutes.
        startup: kplus.Probe.fromHttpGet('/v1/models', { port: PORT, periodSeconds: Duration.seconds(2), failureThreshold: 150 }),
        readiness: ready,
      }],
    });

    // Scale on pending requests. Every cell sees the site-wide count, so each takes its share:
    // the per-replica target is multiplied by the number of cells. At most one pod per GPU; never
    // below one, since loading the model is slow.
    new KedaScaledObject(this, `${name}-scaling`, {
      target: llm,
      minReplicas: 1,
      maxReplicas: GPUS_PER_NODE,
      pollingInterval: Duration.seconds(10),
      cooldownPeriod: Duration.minutes(10),
      metadata: { name },
      triggers: [KedaTrigger.prometheus({
        name: 'pending-requests',
        serverAddress: PROMETHEUS,
        // Exported by the API server's gateway sidecar or a request queue; queued + in-flight.
        query: `sum(llm_requests_pending{namespace="edge-ai", service="${APP}"})`,
        threshold: PENDING_PER_REPLICA * cellCount,
      })],
    });
    return llm;
  }
}

/** Adds the example's chart and its nodes to an app. */
export function buildExample(app: App): void {
  new EdgeAiChart(app, 'edge-ai', { namespace: 'edge-ai' });
}

/** Synthesizes the example: manifests into outdir, K3s node files into nodesOutdir. */
export function synthExample(outdir: string, nodesOutdir: string): void {
  const app = new App({ outdir });
  buildExample(app);
  app.synth();
  EdgeOfflineNode.writeAll(app, nodesOutdir);
}

if (require.main === module) {
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist', 'nodes');
}
