// Online game at an edge site: Wasm room servers in one zone that scale out within seconds on
// players and open rooms (KEDA Prometheus triggers, fast scale-out behavior) from a warm pool of
// empty rooms, a pre-warmed matchmaker behind K3s's Traefik, and, behind a flag, GPU nodes for a
// WasmEdge renderer (WASI-NN upscaling) on the NVIDIA runtime.
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, FunctionRoute, Gateway, KedaScaledObject, KedaTrigger,
  RouteBackend, RuntimeClass, ScalingBehavior, ServerlessFunction, TOPOLOGY_HOSTNAME_KEY, TraefikEntryPoint, WasmDeployment,
  WasmRuntime, WhenUnsatisfiable,
} from 'cdk8s-wasm-edge';

/** Options of the online-game example. */
export interface OnlineGameOptions {
  /**
   * Add GPU rendering nodes and the WasmEdge renderer that runs on them.
   *
   * @default true
   */
  readonly gpuRendering?: boolean;
}

/** Props of the OnlineGameChart. */
export interface OnlineGameChartProps extends ChartProps, OnlineGameOptions {}

const ZONE = 'sh-edge-1a';
const REGION = 'cn-east';
const SERVER_URL = 'https://10.30.0.10:6443';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const PLAY_HOST = 'play.sh-edge-1.game.example.com';
/** Wasm pods per room node: rooms are small, so the nodes run far more than the kubelet's 110. */
const ROOM_PODS_PER_NODE = 400;

export class OnlineGameChart extends Chart {
  constructor(scope: Construct, id: string, props: OnlineGameChartProps = {}) {
    super(scope, id, props);

    // --- Nodes of the edge site (node files, not manifests) -------------------------------------
    // One server and two room agents in one zone, close to the players. The agents are reserved for
    // Wasm (tainted), with room for many pods each; the server's pod CIDR settings fit them.
    const density = { podsPerNode: ROOM_PODS_PER_NODE, nodeCount: 8 };
    new EdgeOfflineNode(this, 'game-edge-server', {
      role: EdgeNodeRole.CLUSTER_INIT_SERVER,
      zone: ZONE,
      region: REGION,
      density,
      // Rooms keep running through short control-plane outages, not for days: players need the
      // site's uplink anyway.
      offlineAutonomy: Duration.minutes(15),
    });
    const rooms = new EdgeNodeGroup(this, 'game-rooms');
    for (const n of [1, 2]) {
      rooms.addNode(new EdgeOfflineNode(this, `game-edge-agent-${n}`, {
        role: EdgeNodeRole.AGENT,
        serverUrl: SERVER_URL,
        zone: ZONE,
        region: REGION,
        wasmOnly: true,
        runtimes: [WasmRuntime.WASMEDGE],
        density,
        offlineAutonomy: Duration.minutes(15),
      }));
    }

    // runwasi WasmEdge shim, scheduled only where it is installed (the agents carry its label).
    const wasmedge = new RuntimeClass(this, 'WasmEdge', { runtime: WasmRuntime.WASMEDGE });

    // --- Room servers -----------------------------------------------------------------------
    // Each pod hosts a few rooms over WebSocket (WASI sockets). A warm pool of six pods keeps empty
    // rooms ready, so opening a room never waits for a scale-out.
    const roomServer = new WasmDeployment(this, 'room-server', {
      metadata: { name: 'room-server' },
      runtimeClass: wasmedge,
      placement: rooms,
      wasiNetworking: true,
      warmReplicas: 6,
      // Rooms spread over the agents, so losing one node closes half the rooms, not all of them; soft,
      // so a burst is never held back by the skew.
      topologySpread: { topologyKey: TOPOLOGY_HOSTNAME_KEY, whenUnsatisfiable: WhenUnsatisfiable.SCHEDULE_ANYWAY },
      wasmContainers: [{
        name: 'room',
        image: 'ghcr.io/acme/game-room-server-wasm:3.2.0',
        command: ['/room-server.wasm'],
        portNumber: 7777,
        envVariables: {
          ROOMS_PER_POD: kplus.EnvValue.fromValue('4'),
          PLAYERS_PER_ROOM: kplus.EnvValue.fromValue('8'),
        },
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(24), limit: Size.mebibytes(64) },
        },
      }],
    });
    roomServer.exposeViaService({ name: 'room-server', ports: [{ name: 'ws', port: 7777, targetPort: 7777 }] });

    // Scale on whichever needs more pods: connected players (32 per pod = 4 rooms x 8 players) or
    // open rooms (4 per pod). Poll every 5 s and add pods at once (fastScaleOut: +100% or +4 pods
    // per 15 s, no stabilization window); remove them slowly so a lull does not empty the pool.
    new KedaScaledObject(this, 'room-server-scaling', {
      target: roomServer,
      maxReplicas: 300,
      pollingInterval: Duration.seconds(5),
      behavior: ScalingBehavior.fastScaleOut(),
      // If Prometheus is unreachable, keep enough rooms for a busy evening rather than the floor.
      fallback: { failureThreshold: 3, replicas: 40 },
      metadata: { name: 'room-server' },
      triggers: [
        KedaTrigger.prometheus({
          name: 'players',
          serverAddress: PROMETHEUS,
          query: 'sum(game_room_players{namespace="game"})',
          threshold: 32,
        }),
        KedaTrigger.prometheus({
          name: 'rooms',
          serverAddress: PROMETHEUS,
          query: 'sum(game_rooms_open{namespace="game"})',
          threshold: 4,
        }),
      ],
    });

    const traefik = Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] });
    new FunctionRoute(this, 'rooms-route', {
      gateway: traefik,
      backend: RouteBackend.service('room-server', 7777),
      host: PLAY_HOST,
      pathPrefix: '/rooms',
      name: 'room-server',
    });

    // --- Matchmaker -------------------------------------------------------------------------
    // Pre-warmed (two replicas, never cold) and scaled on concurrent requests through the KEDA HTTP
    // add-on; it assigns players to rooms. Same zone as the rooms.
    new ServerlessFunction(this, 'matchmaker', {
      name: 'matchmaker',
      image: 'ghcr.io/acme/game-matchmaker-wasm:1.8.0',
      command: ['/matchmaker.wasm'],
      runtimeClass: wasmedge,
      placement: rooms,
      gateway: traefik,
      host: PLAY_HOST,
      path: '/match',
      warmReplicas: 2,
      maxReplicas: 20,
      concurrency: 100,
      coldStartBudget: Duration.seconds(5),
      env: { ROOM_SERVICE: 'room-server.game.svc:7777' },
    });

    // --- Optional GPU rendering -------------------------------------------------------------
    if (props.gpuRendering ?? true) {
      // A GPU agent in the same zone, tainted so only GPU workloads land there. It offers the
      // NVIDIA runtime (installed with the NVIDIA container toolkit), which K3s adds to containerd.
      const render = new EdgeNodeGroup(this, 'game-render');
      for (const n of [1, 2]) {
        render.addNode(new EdgeOfflineNode(this, `game-render-gpu-${n}`, {
          role: EdgeNodeRole.AGENT,
          serverUrl: SERVER_URL,
          zone: ZONE,
          region: REGION,
          runtimes: [WasmRuntime.NVIDIA],
          taints: [{ key: 'nvidia.com/gpu', effect: kplus.TaintEffect.NO_SCHEDULE }],
          offlineAutonomy: Duration.minutes(15),
        }));
      }
      const nvidia = new RuntimeClass(this, 'Nvidia', { runtime: WasmRuntime.NVIDIA });

      // WasmEdge inside a Linux image (WasmEdge, its WASI-NN plugin and the CUDA libraries) on the
      // NVIDIA runtime: frame upscaling for thin clients. One GPU per pod, one pod per GPU node.
      const renderer = new WasmDeployment(this, 'renderer', {
        metadata: { name: 'renderer' },
        runtimeClass: nvidia,
        placement: render,
        gpu: { count: 1 },
        wasiNetworking: true,
        wasmContainers: [{
          name: 'renderer',
          image: 'ghcr.io/acme/game-renderer-wasmedge-cuda:1.4.0',
          command: ['wasmedge'],
          args: ['/app/renderer.wasm', '--listen', '0.0.0.0:9000'],
          portNumber: 9000,
          resources: {
            cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
            memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) },
          },
        }],
      });
      renderer.exposeViaService({ name: 'renderer', ports: [{ name: 'http', port: 9000, targetPort: 9000 }] });
      new KedaScaledObject(this, 'renderer-scaling', {
        target: renderer,
        maxReplicas: 2, // GPUs in the render group, one per pod
        pollingInterval: Duration.seconds(5),
        metadata: { name: 'renderer' },
        triggers: [KedaTrigger.prometheus({
          name: 'frames-pending',
          serverAddress: PROMETHEUS,
          query: 'sum(game_render_frames_pending{namespace="game"})',
          threshold: 30,
        })],
      });
    }
  }
}

/** Adds the example's chart and its nodes to an app. */
export function buildExample(app: App, options: OnlineGameOptions = {}): void {
  new OnlineGameChart(app, 'online-game', { namespace: 'game', ...options });
}

/** Synthesizes the example: manifests into outdir, K3s node files into nodesOutdir. */
export function synthExample(outdir: string, nodesOutdir: string, options: OnlineGameOptions = {}): void {
  const app = new App({ outdir });
  buildExample(app, options);
  app.synth();
  EdgeOfflineNode.writeAll(app, nodesOutdir);
}

if (require.main === module) {
  // GAME_GPU_RENDERING=false leaves out the GPU node and the renderer.
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist', 'nodes', { gpuRendering: process.env.GAME_GPU_RENDERING !== 'false' });
}
