import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { checkInt, INT32_MAX, isWholeNumber, propError } from '../private/errors';

/** Options of a custom `ScalingBehavior`. */
export interface ScalingBehaviorOptions {
  /**
   * How fast to add replicas.
   *
   * @default - Kubernetes' default: no stabilization, the larger of 4 pods or 100% per 15 seconds
   */
  readonly scaleUp?: kplus.ScalingRules;

  /**
   * How fast to remove replicas.
   *
   * @default - Kubernetes' default: a 300 second stabilization window, then up to 100% per 15 seconds
   */
  readonly scaleDown?: kplus.ScalingRules;
}

/**
 * How an HPA (or the HPA KEDA creates) adds and removes replicas: the `behavior` of an
 * autoscaling/v2 HorizontalPodAutoscaler. Use a preset or `custom()`.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export class ScalingBehavior {
  /**
   * For Wasm workloads, whose pods start in milliseconds: scale up at once (no stabilization) by the
   * larger of 100% or 4 pods every 15 seconds; scale down by at most 50% a minute, after a 300 second
   * stabilization window so a short lull does not drop the warm pool. The numbers of the design
   * documents' HPA example.
   */
  public static fastScaleOut(): ScalingBehavior {
    return new ScalingBehavior('fastScaleOut', {
      scaleUp: {
        stabilizationWindow: Duration.seconds(0),
        strategy: kplus.ScalingStrategy.MAX_CHANGE,
        policies: [
          { replicas: kplus.Replicas.percent(100), duration: Duration.seconds(15) },
          { replicas: kplus.Replicas.absolute(4), duration: Duration.seconds(15) },
        ],
      },
      scaleDown: {
        stabilizationWindow: Duration.seconds(300),
        strategy: kplus.ScalingStrategy.MAX_CHANGE,
        policies: [{ replicas: kplus.Replicas.percent(50), duration: Duration.seconds(60) }],
      },
    });
  }

  /**
   * For workloads whose pods are costly to add or remove (small edge nodes, stateful connections):
   * scale up by the larger of 2 pods or 50% a minute after a 60 second window; scale down one pod
   * every 2 minutes after a 600 second window.
   */
  public static conservative(): ScalingBehavior {
    return new ScalingBehavior('conservative', {
      scaleUp: {
        stabilizationWindow: Duration.seconds(60),
        strategy: kplus.ScalingStrategy.MAX_CHANGE,
        policies: [
          { replicas: kplus.Replicas.absolute(2), duration: Duration.seconds(60) },
          { replicas: kplus.Replicas.percent(50), duration: Duration.seconds(60) },
        ],
      },
      scaleDown: {
        stabilizationWindow: Duration.seconds(600),
        strategy: kplus.ScalingStrategy.MIN_CHANGE,
        policies: [{ replicas: kplus.Replicas.absolute(1), duration: Duration.seconds(120) }],
      },
    });
  }

  /**
   * A behavior of your own. Directions left out keep Kubernetes' defaults.
   */
  public static custom(options: ScalingBehaviorOptions): ScalingBehavior {
    return new ScalingBehavior('custom', options);
  }

  /** The preset this behavior comes from: `fastScaleOut`, `conservative` or `custom`. */
  public readonly presetName: string;
  /** The rules for adding replicas, if set. */
  public readonly scaleUp?: kplus.ScalingRules;
  /** The rules for removing replicas, if set. */
  public readonly scaleDown?: kplus.ScalingRules;

  private constructor(presetName: string, options: ScalingBehaviorOptions) {
    this.presetName = presetName;
    this.scaleUp = options.scaleUp;
    this.scaleDown = options.scaleDown;
  }

  /**
   * The autoscaling/v2 `behavior` object, checked: windows 0-3600 s, policy periods 1-1800 s, policy
   * values whole numbers > 0.
   *
   * @internal
   */
  public _toKube(scope: IConstruct, prop: string): kplus.k8s.HorizontalPodAutoscalerBehaviorV2 {
    return {
      scaleUp: rulesToKube(scope, `${prop}.scaleUp`, this.scaleUp),
      scaleDown: rulesToKube(scope, `${prop}.scaleDown`, this.scaleDown),
    };
  }
}

function rulesToKube(scope: IConstruct, prop: string, rules?: kplus.ScalingRules): kplus.k8s.HpaScalingRulesV2 | undefined {
  if (!rules) return undefined;
  if (rules.strategy === kplus.ScalingStrategy.DISABLED) {
    throw propError(scope, `${prop}.strategy`, rules.strategy, 'the Disabled strategy is deprecated in cdk8s-plus',
      'leave the direction out, or give it policies with ScalingStrategy.MAX_CHANGE or MIN_CHANGE');
  }
  const window = rules.stabilizationWindow?.toSeconds({ integral: false });
  if (window !== undefined && !isWholeNumber(window, 0, 3600)) {
    throw propError(scope, `${prop}.stabilizationWindow`, `${window}s`, 'must be whole seconds from 0 to 3600 (one hour)',
      'use e.g. Duration.seconds(0) to react at once, Duration.minutes(5) to smooth out short dips');
  }
  const policies = (rules.policies ?? []).map((p, i) => {
    const where = `${prop}.policies[${i}]`;
    const kube = p.replicas._toKube();
    // HPAScalingPolicy.value is an int32 > 0 (kubernetes pkg/apis/autoscaling/validation validateScalingPolicy).
    checkInt(scope, `${where}.replicas`, kube.value, 1, INT32_MAX, {
      required: true, problem: `a ${kube.type} policy must change a whole number > 0 (and at most 2147483647) of replicas`, fix: 'use e.g. Replicas.absolute(4) or Replicas.percent(100)',
    });
    const period = (p.duration ?? Duration.seconds(15)).toSeconds({ integral: false });
    if (!isWholeNumber(period, 1, 1800)) {
      throw propError(scope, `${where}.duration`, `${period}s`, 'must be whole seconds from 1 to 1800 (30 minutes)',
        'use e.g. Duration.seconds(15)');
    }
    return { type: kube.type, value: kube.value, periodSeconds: period };
  });
  return {
    stabilizationWindowSeconds: window,
    selectPolicy: rules.strategy,
    policies: policies.length > 0 ? policies : undefined,
  };
}
