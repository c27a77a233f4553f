// FaaS backends: the same Wasm function on each of ServerlessFunction's four backends (Kubernetes
// with KEDA, Knative, SpinKube, OpenFaaS) and behind each of the three gateways (Traefik, Ingress,
// Gateway API), plus a variant scaled by a HorizontalPodAutoscaler instead of KEDA. One chart (and
// output file) per backend, so each file shows what that row of the README's backend table emits.
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  EdgeOfflineNode, FunctionBackend, Gateway, KnativeFeatureFlags, ScalingBehavior, ServerlessFunction,
  TraefikEntryPoint, WasmHorizontalPodAutoscaler,
} from 'cdk8s-wasm-edge';

/** The function every chart deploys: one Wasm HTTP handler. */
const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';
/** Each function answers on its own host, so no two routes claim the same host and path. */
const DOMAIN = 'faas.example.com';

/**
 * Kubernetes backend (the default): WasmDeployment + Service, scaled by KEDA. Three functions scale
 * to zero through the KEDA HTTP add-on, one behind each gateway; a fourth keeps two warm replicas
 * and is scaled by an HPA on a request-rate metric.
 */
export class KubernetesBackendChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const gateways: Array<[string, Gateway]> = [
      ['traefik', Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] })],
      ['ingress', Gateway.ingress({ ingressClassName: 'traefik' })],
      // A Gateway API Gateway the platform team runs (listener "https" of infra/edge).
      ['gateway-api', Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra', sectionName: 'https' })],
    ];
    for (const [name, gateway] of gateways) {
      new ServerlessFunction(this, `hello-${name}`, {
        name: `hello-${name}`,
        image: IMAGE,
        command: ['/hello.wasm'],
        gateway,
        host: `${name}.${DOMAIN}`,
        scaleToZero: true,
        concurrency: 50,
        maxReplicas: 20,
        coldStartBudget: Duration.seconds(5),
      });
    }

    // HPA-scaled: two warm replicas, no KEDA; the HPA adds pods on requests per second (a pods
    // metric from the Prometheus adapter), with the fast scale-out preset.
    const hpaScaled = new ServerlessFunction(this, 'hello-hpa', {
      name: 'hello-hpa',
      image: IMAGE,
      command: ['/hello.wasm'],
      gateway: gateways[0][1],
      host: `hpa.${DOMAIN}`,
      warmReplicas: 2,
    });
    new WasmHorizontalPodAutoscaler(this, 'hello-hpa-scaling', {
      target: hpaScaled.deployment!,
      metrics: [kplus.Metric.pods({ name: 'http_requests_per_second', target: kplus.MetricTarget.averageValue(50) })],
      maxReplicas: 20,
      behavior: ScalingBehavior.fastScaleOut(),
    });
  }
}

/**
 * Knative backend: a `serving.knative.dev/v1` Service scaled by Knative's autoscaler, reached through
 * Knative's own networking (no gateway), with a DomainMapping and ClusterDomainClaim for its host.
 */
export class KnativeBackendChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ServerlessFunction(this, 'hello-knative', {
      name: 'hello-knative',
      image: IMAGE,
      command: ['/hello.wasm'],
      // runtimeClassName needs Knative's kubernetes.podspec-runtimeclassname feature flag: this
      // cluster has it on (the default, KnativeFeatureFlags.WARN, prints the kubectl patch instead).
      backend: FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED }),
      host: `knative.${DOMAIN}`,
      scaleToZero: true,
      concurrency: 50,
      maxReplicas: 20,
    });
  }
}

/**
 * SpinKube backend: a SpinApp (spin-operator creates its Deployment) and the namespace's shared
 * SpinAppExecutor, behind a Gateway API HTTPRoute, scaled to zero by KEDA's HTTP add-on.
 */
export class SpinKubeBackendChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ServerlessFunction(this, 'hello-spin', {
      name: 'hello-spin',
      image: 'ghcr.io/acme/hello-spin:1.0.0',
      backend: FunctionBackend.spinKube(),
      gateway: Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra', sectionName: 'https' }),
      host: `spin.${DOMAIN}`,
      scaleToZero: true,
      concurrency: 50,
      maxReplicas: 20,
      env: { greeting: 'hello' },
    });
  }
}

/**
 * OpenFaaS backend (Standard edition, operator mode): an `openfaas.com/v1` Function and a Profile
 * carrying the runtime class, with one warm replica behind an Ingress (a scaled-to-zero OpenFaaS
 * function is woken only through the OpenFaaS gateway, so it would have no direct route).
 */
export class OpenFaasBackendChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ServerlessFunction(this, 'hello-openfaas', {
      name: 'hello-openfaas',
      // An OpenFaaS Function runs the image's entrypoint (no command): this image sets
      // ENTRYPOINT ["/hello.wasm"].
      image: 'ghcr.io/acme/hello-wasm-entrypoint:1.0.0',
      backend: FunctionBackend.openFaas(),
      gateway: Gateway.ingress({ ingressClassName: 'traefik' }),
      host: `openfaas.${DOMAIN}`,
      warmReplicas: 1,
    });
  }
}

/** Adds the example's charts to an app: one chart (and output file) per backend. */
export function buildExample(app: App): void {
  new KubernetesBackendChart(app, 'kubernetes', { namespace: 'faas' });
  new KnativeBackendChart(app, 'knative', { namespace: 'faas' });
  new SpinKubeBackendChart(app, 'spinkube', { namespace: 'faas' });
  new OpenFaasBackendChart(app, 'openfaas', { namespace: 'openfaas-fn' });
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
