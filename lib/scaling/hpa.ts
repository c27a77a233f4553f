import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkReplicaRange, registerAutoscaler, warmFloor, warnCpuScaling } from './guardrails';
import { ScalingBehavior } from './scaling-behavior';
import { namespaceOf } from '../private/app-checks/autoscalers';
import { checkNoCredential } from '../private/credentials';
import { checkInt, INT32_MAX, propError } from '../private/errors';
import { definedMetadata } from '../private/scaling-metadata';
import { checkMetadata } from '../private/validate';

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
   * @default - the target's `warmReplicas` (at least 1) for a Wasm workload (`IWasmScalable`, e.g. a WasmDeployment), else 1
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
    checkMetadata(this, 'metadata', props.metadata);
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
    if (this.metrics.some(m => !(m instanceof kplus.Metric))) {
      throw propError(this, 'metrics', '<not Metrics>', 'must be cdk8s-plus Metrics', 'use Metric.resourceCpu(...), Metric.pods(...), Metric.external(...)');
    }
    const kubeMetrics = this.metrics.map(m => m._toKube());
    kubeMetrics.forEach((m, i) => checkMetric(this, `metrics[${i}]`, m));
    // Validate the behavior now, so a bad policy fails at construction rather than at synth.
    const behavior = this.behavior._toKube(this, 'behavior');

    registerAutoscaler(this, 'HorizontalPodAutoscaler', this.target);
    if (kubeMetrics.some(m => m.resource?.name === 'cpu' || m.containerResource?.name === 'cpu')) {
      warnCpuScaling(this, this.target, 'metrics');
    }

    const namespace = props.metadata?.namespace ?? namespaceOf(this.target);
    this.apiObject = new kplus.k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: definedMetadata(props.metadata, { namespace }),
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

/**
 * What the API server's HPA validation refuses (kubernetes pkg/apis/autoscaling/validation
 * validation.go validateMetricTarget, validateResourceSource, validatePodsSource,
 * validateObjectSource, validateExternalSource), refused here with the library's error:
 * averageUtilization must be > 0 (int32), value/averageValue must be positive; Utilization only
 * for resource metrics; Pods metrics need AverageValue; object and external metrics Value or
 * AverageValue; custom metric names must not be empty.
 */
function checkMetric(scope: Construct, prop: string, metric: any): void {
  const source = metric.resource ?? metric.containerResource ?? metric.pods ?? metric.object ?? metric.external;
  const target = source?.target ?? {};
  const where = `${prop}.target`;
  const resourceKind = metric.resource !== undefined || metric.containerResource !== undefined;
  if (target.type === 'Utilization') {
    const u = target.averageUtilization;
    checkInt(scope, `${where}.averageUtilization`, u, 1, INT32_MAX, {
      required: true, problem: 'must be a whole percentage > 0 (an int32; the API server refuses 0 and fractions)', fix: 'use e.g. MetricTarget.averageUtilization(70)',
    });
    if (!resourceKind) {
      throw propError(scope, `${where}.type`, 'Utilization', `is only for resource metrics (cpu, memory); ${metric.type} metrics take Value or AverageValue`,
        'use MetricTarget.averageValue(...) or MetricTarget.value(...)');
    }
  }
  for (const key of ['value', 'averageValue'] as const) {
    if (target[key] === undefined) continue;
    const q = target[key];
    const n = typeof q?.value === 'number' ? q.value : typeof q?.value === 'string' ? Number(q.value) : NaN;
    if (!Number.isFinite(n) || n <= 0) {
      throw propError(scope, `${where}.${key}`, q?.value, 'must be a finite quantity > 0 (the API server refuses zero, negative and non-numeric targets)',
        `use e.g. MetricTarget.${key}(100)`);
    }
  }
  if (metric.pods !== undefined && target.type !== 'AverageValue') {
    throw propError(scope, `${where}.type`, target.type, 'a Pods metric is averaged over the pods: only AverageValue works', 'use MetricTarget.averageValue(...)');
  }
  if (resourceKind && target.type === 'Value') {
    throw propError(scope, `${where}.type`, target.type, 'a resource metric takes Utilization or AverageValue', 'use MetricTarget.averageUtilization(...) or averageValue(...)');
  }
  const name = source?.metric?.name;
  if ((metric.pods ?? metric.object ?? metric.external) !== undefined) {
    if (typeof name !== 'string' || name === '' || /[\s\u0000-\u001f]/.test(name) || name.length > 253) {
      throw propError(scope, `${prop}.metric.name`, name, 'must name the metric (no whitespace)', 'use the metric name the adapter serves, e.g. "http_requests_per_second"');
    }
    checkNoCredential(scope, `${prop}.metric.name`, undefined, name, 'a metric name is public: name the metric, not a credential');
  }
  if (metric.containerResource !== undefined) {
    const c = metric.containerResource.container;
    if (typeof c !== 'string' || c.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c)) {
      throw propError(scope, `${prop}.container`, c, 'is not a container name (DNS-1123 label)', 'use the container\'s name');
    }
  }
}
