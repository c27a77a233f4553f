// Quick start: one Wasm service on the `wasmedge` RuntimeClass K3s creates by itself, and one Wasm
// job runner on a crun RuntimeClass with scheduling (crun-capable nodes only).
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { EdgeOfflineNode, RuntimeClass, WasmDeployment, WasmRuntime } from 'cdk8s-wasm-edge';

export class QuickstartChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // K3s creates RuntimeClass "wasmedge" when containerd-shim-wasmedge-v1 is on its PATH.
    const wasmedge = RuntimeClass.fromK3s(this, 'WasmEdge', WasmRuntime.WASMEDGE);
    const hello = new WasmDeployment(this, 'hello', {
      runtimeClass: wasmedge,
      wasiNetworking: true,
      wasmContainers: [{ image: 'ghcr.io/acme/hello-wasm:1.0.0', command: ['/hello.wasm'], portNumber: 8080 }],
    });
    hello.exposeViaService();

    // crun runs the module when the pod carries module.wasm.image/variant (set by the library).
    const crun = new RuntimeClass(this, 'Crun', { runtime: WasmRuntime.CRUN });
    new WasmDeployment(this, 'worker', {
      runtimeClass: crun,
      wasmContainers: [{ image: 'ghcr.io/acme/queue-worker-wasm:1.2.0' }],
    });
  }
}

/** Adds the example's charts (and node constructs, if any) to an app. */
export function buildExample(app: App): void {
  new QuickstartChart(app, 'quickstart', { namespace: 'wasm-demo' });
}

/** Synthesizes the example: manifests into outdir, node files (none here) into nodesOutdir. */
export function synthExample(outdir: string, nodesOutdir: string): void {
  const app = new App({ outdir });
  buildExample(app);
  app.synth();
  EdgeOfflineNode.writeAll(app, nodesOutdir);
}

if (require.main === module) {
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist', 'nodes');
}
