import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { propError } from '../errors';
import { checkReplicaRange, namespaceOf, registerAutoscaler, warmFloor, warnCpuScaling } from './guardrails';
import { ScalingBehavior } from './scaling-behavior';

/** Props of a WasmHorizontalPodAutoscaler. */
export interface WasmHorizontalPodAutoscalerProps {
  /**
   * The workload to scale: a WasmDeployment, or any cdk8s-plus Deployment or StatefulSet. Its fixed
   * replica count is dropped (`markHasAutoscaler()`); setting `replicas` explicitly on it is an error.
   */
  readonly target: kplus.IScalable;

  /**
   * What to scale on (cdk8s-plus metrics: `Metric.resourceCpu()`, `Metric.resourceMemory()`,
   * `Metric.pods()`, `Metric.object()`, `Metric.external()`). At least one: an HPA without metrics
   * scales on CPU, which stays flat for Wasm pods on runwasi shims.
   */
  readonly metrics: kplus.Metric[];

  /**
   * The fewest replicas. Must be at least 1: scaling an HPA to zero needs the alpha `HPAScaleToZero`
   * feature gate; use `KedaScaledObject` to scale to zero.
   *
   * @default - the target's `warmReplicas` (at least 1) for a WasmDeployment, else 1
   */
  readonly minReplicas?: number;

  /**
   * The most replicas.
   *
   * @default 100
   */
  readonly maxReplicas?: number;

  /**
   * How fast to add and remove replicas.
   *
   * @default ScalingBehavior.fastScaleOut()
   */
  readonly behavior?: ScalingBehavior;

  /**
   * Metadata of the HorizontalPodAutoscaler object.
   *
   * @default - a generated name, in the target's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * An autoscaling/v2 HorizontalPodAutoscaler for a Wasm workload, with a behavior preset suited to
 * millisecond starts (`ScalingBehavior.fastScaleOut()`), `minReplicas` defaulting to the workload's
 * warm replicas, and the library's checks: one autoscaler per workload, no fixed replica count on the
 * target, and a warning when CPU is the metric of a Wasm workload on a runwasi shim.
 *
 * Use it for scaling on metrics the cluster already serves (metrics-server, a custom/external metrics
 * adapter); use `KedaScaledObject` for event sources and scale to zero.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export class WasmHorizontalPodAutoscaler extends Construct {
  /** The HorizontalPodAutoscaler object. */
  public readonly apiObject: ApiObject;
  /** The scaled workload. */
  public readonly target: kplus.IScalable;
  /** The fewest replicas. */
  public readonly minReplicas: number;
  /** The most replicas. */
  public readonly maxReplicas: number;
  /** How fast replicas are added and removed. */
  public readonly behavior: ScalingBehavior;

  private readonly metrics: kplus.Metric[];

  constructor(scope: Construct, id: string, props: WasmHorizontalPodAutoscalerProps) {
    super(scope, id);
    this.target = props.target;
    this.maxReplicas = props.maxReplicas ?? 100;
    this.minReplicas = props.minReplicas ?? Math.max(1, warmFloor(props.target, 1));
    this.behavior = props.behavior ?? ScalingBehavior.fastScaleOut();
    this.metrics = [...(props.metrics ?? [])];

    if (this.minReplicas === 0) {
      throw propError(this, 'minReplicas', 0, 'an HPA cannot scale to zero without the alpha HPAScaleToZero feature gate (off in K3s)',
        'use minReplicas >= 1, or a KedaScaledObject (or KedaInterceptorRoute for HTTP) to scale to zero');
    }
    checkReplicaRange(this, 'minReplicas', this.minReplicas, 'maxReplicas', this.maxReplicas, 1);
    if (this.metrics.length === 0) {
      throw propError(this, 'metrics', [], 'an HPA without metrics scales on 80% CPU',
        'pass metrics, e.g. Metric.pods({ name: "http_requests_per_second", target: MetricTarget.averageValue(50) }), or use a KedaScaledObject');
    }
    const kubeMetrics = this.metrics.map(m => m._toKube());
    // Validate the behavior now, so a bad policy fails at construction rather than at synth.
    const behavior = this.behavior._toKube(this, 'behavior');

    registerAutoscaler(this, 'HorizontalPodAutoscaler', this.target);
    if (kubeMetrics.some(m => m.resource?.name === 'cpu' || m.containerResource?.name === 'cpu')) {
      warnCpuScaling(this, this.target, 'metrics');
    }

    const namespace = props.metadata?.namespace ?? namespaceOf(this.target);
    this.apiObject = new kplus.k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: Object.assign({}, props.metadata, { namespace }),
      spec: Lazy.any({
        produce: (): kplus.k8s.HorizontalPodAutoscalerSpecV2 => {
          const t = this.target.toScalingTarget();
          return {
            scaleTargetRef: { apiVersion: t.apiVersion, kind: t.kind, name: t.name },
            minReplicas: this.minReplicas,
            maxReplicas: this.maxReplicas,
            metrics: kubeMetrics,
            behavior: behavior.scaleUp || behavior.scaleDown ? behavior : undefined,
          };
        },
      }),
    });
  }

  /** The HorizontalPodAutoscaler's name. */
  public get name(): string {
    return this.apiObject.name;
  }
}
