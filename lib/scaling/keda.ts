import { ApiObject, ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkReplicaRange, registerAutoscaler, warmFloor, warnCpuScaling, wholeSeconds } from './guardrails';
import { KedaMetricType, KedaTrigger } from './keda-trigger';
import { ScalingBehavior } from './scaling-behavior';
import { namespaceOf } from '../private/app-checks/autoscalers';
import { findCredential } from '../private/credentials';
import { checkDns1123Label, checkInt32, propError, propMessage } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { definedMetadata } from '../private/scaling-metadata';
import { checkMetadata } from '../private/validate';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const { ScaledObject } = lazyExports((): typeof import('../imports/keda') => require('../imports/keda'));

/** What replica count KEDA falls back to while a scaler fails. */
export enum KedaFallbackBehavior {
  /** `fallback.replicas`. */
  STATIC = 'static',
  /** Keep the current replica count. */
  CURRENT_REPLICAS = 'currentReplicas',
  /** The current count if higher than `fallback.replicas`, else `fallback.replicas`. */
  CURRENT_REPLICAS_IF_HIGHER = 'currentReplicasIfHigher',
  /** The current count if lower than `fallback.replicas`, else `fallback.replicas`. */
  CURRENT_REPLICAS_IF_LOWER = 'currentReplicasIfLower',
}

/** Replicas to run while a scaler cannot read its metric. */
export interface KedaFallback {
  /** Consecutive failed reads before falling back. */
  readonly failureThreshold: number;
  /** Replicas to run meanwhile. */
  readonly replicas: number;
  /**
   * How `replicas` combines with the current count.
   *
   * @default KedaFallbackBehavior.STATIC
   */
  readonly behavior?: KedaFallbackBehavior;
}

/** A formula combining the metrics of named triggers into one. */
export interface KedaScalingModifiers {
  /** An expr formula over trigger names, e.g. `(requests + queue) / 2`. */
  readonly formula: string;
  /** The target of the composed metric. */
  readonly target: number;
  /**
   * The activation target of the composed metric.
   *
   * @default 0
   */
  readonly activationTarget?: number;
  /**
   * The metric type of the composed metric (AverageValue or Value).
   *
   * @default KedaMetricType.AVERAGE_VALUE
   */
  readonly metricType?: KedaMetricType;
}

/** Options of a KedaScaledObject (everything but the target and the triggers). */
export interface KedaScaledObjectOptions {
  /**
   * The fewest replicas while a trigger is active (0 = scale to zero, which cpu/memory triggers cannot).
   *
   * @default - the target's `warmReplicas` for a Wasm workload (`IWasmScalable`, e.g. a
   * WasmDeployment), else 0 (KEDA's default); at least 1 when every trigger is cpu/memory
   */
  readonly minReplicas?: number;

  /**
   * The most replicas.
   *
   * @default 100
   */
  readonly maxReplicas?: number;

  /**
   * How often KEDA checks each trigger (while at zero replicas this is the activation delay).
   *
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;

  /**
   * How long after the last active trigger KEDA scales to zero (only applies when scaling to zero).
   *
   * @default Duration.seconds(300)
   */
  readonly cooldownPeriod?: Duration;

  /**
   * Delay after the ScaledObject's creation before the cooldown starts.
   *
   * @default Duration.seconds(0)
   */
  readonly initialCooldownPeriod?: Duration;

  /**
   * Replicas while no trigger is active; only 0 works, and it must be below `minReplicas`.
   *
   * @default - none: idle workloads keep `minReplicas`
   */
  readonly idleReplicaCount?: number;

  /**
   * Replicas to run while a scaler fails (not with cpu/memory triggers).
   *
   * @default - no fallback: the HPA keeps the last replica count
   */
  readonly fallback?: KedaFallback;

  /**
   * The behavior of the HPA KEDA creates (`advanced.horizontalPodAutoscalerConfig.behavior`).
   *
   * @default - Kubernetes' HPA defaults
   */
  readonly behavior?: ScalingBehavior;

  /**
   * Combine the triggers' metrics with a formula (`advanced.scalingModifiers`).
   *
   * @default - none
   */
  readonly scalingModifiers?: KedaScalingModifiers;

  /**
   * The container whose environment `...FromEnv` trigger parameters are read from.
   *
   * @default - the first container
   */
  readonly envSourceContainerName?: string;

  /**
   * Metadata of the ScaledObject.
   *
   * @default - a generated name, in the target's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/** Props of a KedaScaledObject. */
export interface KedaScaledObjectProps extends KedaScaledObjectOptions {
  /**
   * The workload to scale (a WasmDeployment, or any cdk8s-plus Deployment or StatefulSet). Its fixed
   * replica count is dropped; setting `replicas` explicitly on it is an error.
   */
  readonly target: kplus.IScalable;

  /**
   * The triggers; KEDA scales on the one asking for the most replicas. At least one by synth time
   * (more with `addTrigger()`).
   */
  readonly triggers: KedaTrigger[];
}

/**
 * A KEDA ScaledObject (keda.sh/v1alpha1): event-driven autoscaling, including scale to zero, of a
 * Wasm workload. Defaults the floor to the workload's warm replicas, refuses scale to zero on
 * cpu/memory-only triggers, one autoscaler per workload, and fixed replica counts on the target.
 *
 * @see https://keda.sh/docs/2.20/reference/scaledobject-spec/
 */
export class KedaScaledObject extends Construct {
  /** The ScaledObject object. */
  public readonly apiObject: ApiObject;
  /** The scaled workload. */
  public readonly target: kplus.IScalable;
  /** The fewest replicas while active. */
  public readonly minReplicas: number;
  /** The most replicas. */
  public readonly maxReplicas: number;
  /** Replicas while idle, if set. */
  public readonly idleReplicaCount?: number;

  private readonly _triggers: KedaTrigger[] = [];
  private readonly fallback?: KedaFallback;
  private readonly scalingModifiers?: KedaScalingModifiers;

  constructor(scope: Construct, id: string, props: KedaScaledObjectProps) {
    super(scope, id);
    this.target = props.target;
    checkMetadata(this, 'metadata', props.metadata);
    // KEDA selects the ScaledObject's metrics with the label scaledobject.keda.sh/name=<name>
    // (kedacore/keda controllers/keda/hpa.go getScaledObjectMetricSpecs): a label value, 63 characters at most.
    if (props.metadata?.name !== undefined && props.metadata.name.length > 63) {
      throw propError(this, 'metadata.name', props.metadata.name, 'is longer than 63 characters; KEDA puts the name into a label selector of the HPA it creates, and the API server refuses longer label values',
        'use a name of at most 63 characters');
    }
    if (props.triggers !== undefined && (!Array.isArray(props.triggers) || props.triggers.some(t => !(t instanceof KedaTrigger)))) {
      throw propError(this, 'triggers', '<not KedaTriggers>', 'must be a list of KedaTrigger', 'build triggers with KedaTrigger.kafka(), prometheus(), cron(), ...');
    }
    const triggers = props.triggers ?? [];
    const onlyResource = triggers.length > 0 && triggers.every(t => !t.canScaleToZero);
    this.minReplicas = props.minReplicas ?? Math.max(onlyResource ? 1 : 0, warmFloor(props.target, 0));
    this.maxReplicas = props.maxReplicas ?? 100;
    this.idleReplicaCount = props.idleReplicaCount;
    this.fallback = props.fallback;
    this.scalingModifiers = props.scalingModifiers;

    checkReplicaRange(this, 'minReplicas', this.minReplicas, 'maxReplicas', this.maxReplicas);
    if (this.idleReplicaCount !== undefined) {
      if (this.idleReplicaCount !== 0 || typeof this.idleReplicaCount !== 'number') {
        throw propError(this, 'idleReplicaCount', this.idleReplicaCount, 'only 0 works (an HPA limitation, kedacore/keda#2314)',
          'use idleReplicaCount: 0, or leave it out and set minReplicas to the idle count');
      }
      if (this.minReplicas <= this.idleReplicaCount) {
        throw propError(this, 'idleReplicaCount', this.idleReplicaCount, `must be below minReplicas (${this.minReplicas})`,
          'leave idleReplicaCount out (minReplicas 0 already scales to zero), or raise minReplicas to 1 or more');
      }
    }
    const polling = wholeSeconds(this, 'pollingInterval', props.pollingInterval, 1);
    const cooldown = wholeSeconds(this, 'cooldownPeriod', props.cooldownPeriod, 0);
    const initialCooldown = wholeSeconds(this, 'initialCooldownPeriod', props.initialCooldownPeriod, 0);
    if (props.fallback) {
      // keda apis/keda/v1alpha1/scaledobject_types.go Fallback: FailureThreshold and Replicas are int32.
      checkInt32(this, 'fallback.failureThreshold', props.fallback.failureThreshold, 1);
      checkInt32(this, 'fallback.replicas', props.fallback.replicas, 0);
      if (props.fallback.behavior !== undefined && !Object.values(KedaFallbackBehavior).includes(props.fallback.behavior)) {
        throw propError(this, 'fallback.behavior', props.fallback.behavior, 'is not a fallback behavior', 'use a KedaFallbackBehavior value');
      }
      if (props.fallback.replicas > this.maxReplicas) {
        throw propError(this, 'fallback.replicas', props.fallback.replicas, `is above maxReplicas (${this.maxReplicas})`,
          `use at most ${this.maxReplicas} fallback replicas`);
      }
    }
    if (props.scalingModifiers) checkModifiers(this, props.scalingModifiers);
    if (props.envSourceContainerName !== undefined) checkDns1123Label(this, 'envSourceContainerName', props.envSourceContainerName);
    const behavior = props.behavior?._toKube(this, 'behavior');

    registerAutoscaler(this, 'KEDA ScaledObject', this.target);
    // Check the initial list as a whole: [memory, kafka] may scale to zero though [memory] may not.
    this.checkScaleToZero(triggers);
    for (const t of triggers) this.pushTrigger(t);

    const namespace = props.metadata?.namespace ?? namespaceOf(this.target);
    this.apiObject = new ScaledObject(this, 'Resource', {
      metadata: definedMetadata(props.metadata, { namespace }),
      spec: Lazy.any({
        produce: () => {
          const t = this.target.toScalingTarget();
          const advanced = behavior || this.scalingModifiers ? {
            horizontalPodAutoscalerConfig: behavior ? { behavior } : undefined,
            scalingModifiers: this.scalingModifiers ? {
              formula: this.scalingModifiers.formula,
              target: String(this.scalingModifiers.target),
              activationTarget: this.scalingModifiers.activationTarget === undefined ? undefined : String(this.scalingModifiers.activationTarget),
              metricType: this.scalingModifiers.metricType,
            } : undefined,
          } : undefined;
          return {
            scaleTargetRef: { apiVersion: t.apiVersion, kind: t.kind, name: t.name, envSourceContainerName: props.envSourceContainerName },
            minReplicaCount: this.minReplicas,
            maxReplicaCount: this.maxReplicas,
            idleReplicaCount: this.idleReplicaCount,
            pollingInterval: polling,
            cooldownPeriod: cooldown,
            initialCooldownPeriod: initialCooldown,
            fallback: this.fallback
              ? { failureThreshold: this.fallback.failureThreshold, replicas: this.fallback.replicas, behavior: this.fallback.behavior }
              : undefined,
            advanced,
            triggers: this._triggers.map(tr => tr._toKube()),
          };
        },
      }),
    });

    this.node.addValidation({
      validate: () => this._triggers.length > 0 ? [] : [propMessage(this, 'triggers', [], 'a ScaledObject needs at least one trigger',
        'pass triggers, e.g. [KedaTrigger.prometheus({ ... })], or call addTrigger()')],
    });
  }

  /** The triggers. */
  public get triggers(): KedaTrigger[] {
    return [...this._triggers];
  }

  /** The ScaledObject's name. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** Whether the workload can go down to zero replicas. */
  public get scalesToZero(): boolean {
    return this.minReplicas === 0 || this.idleReplicaCount === 0;
  }

  /** Adds a trigger (KEDA scales on the one asking for the most replicas). */
  public addTrigger(trigger: KedaTrigger): void {
    this.checkScaleToZero([...this._triggers, trigger]);
    this.pushTrigger(trigger);
  }

  private pushTrigger(trigger: KedaTrigger): void {
    const i = this._triggers.length;
    if (trigger.name !== undefined && this._triggers.some(t => t.name === trigger.name)) {
      throw propError(this, `triggers[${i}].name`, trigger.name, 'another trigger has this name', 'give every trigger a unique name');
    }
    if (this.fallback && !trigger.supportsFallback) {
      throw propError(this, 'fallback', this.fallback, `KEDA's fallback does not work with ${trigger.type} triggers (triggers[${i}])`,
        'drop fallback, or scale on an event trigger (e.g. KedaTrigger.prometheus) instead of cpu/memory');
    }
    if (this.scalingModifiers && trigger.name === undefined) {
      throw propError(this, `triggers[${i}].name`, undefined, 'with scalingModifiers every trigger needs a name (the formula refers to triggers by name)',
        'give the trigger a name, e.g. KedaTrigger.prometheus({ name: "requests", ... })');
    }
    this._triggers.push(trigger);
    if (trigger.scalesOnCpu) warnCpuScaling(this, this.target, `triggers[${i}]`);
  }

  private checkScaleToZero(triggers: KedaTrigger[]): void {
    if (triggers.length > 0 && this.scalesToZero && triggers.every(t => !t.canScaleToZero)) {
      const prop = this.minReplicas === 0 ? 'minReplicas' : 'idleReplicaCount';
      throw propError(this, prop, 0, `KEDA cannot scale to zero on ${[...new Set(triggers.map(t => t.type))].join('/')} triggers alone (with no pods there is no CPU or memory to measure)`,
        'set minReplicas to 1 or more, or add an event trigger that can wake the workload (KedaTrigger.prometheus, kafka, rabbitmq, cron, httpAddOn)');
    }
  }
}

function checkModifiers(scope: Construct, m: KedaScalingModifiers): void {
  if (typeof m.formula !== 'string' || m.formula.trim() === '' || m.formula.length > 4096) {
    throw propError(scope, 'scalingModifiers.formula', m.formula, 'must be an expr formula over trigger names', 'use e.g. "(requests + queue) / 2"');
  }
  if (findCredential(undefined, m.formula) !== undefined) {
    throw propError(scope, 'scalingModifiers.formula', '<redacted>', 'carries a credential', 'a formula names triggers: use e.g. "(requests + queue) / 2"');
  }
  if (typeof m.target !== 'number' || !Number.isFinite(m.target) || m.target <= 0) {
    throw propError(scope, 'scalingModifiers.target', m.target, 'must be a number > 0', 'set target, e.g. 10');
  }
  if (m.activationTarget !== undefined && (typeof m.activationTarget !== 'number' || !Number.isFinite(m.activationTarget) || m.activationTarget < 0)) {
    throw propError(scope, 'scalingModifiers.activationTarget', m.activationTarget, 'must be a number >= 0', 'set activationTarget to 0 or more');
  }
  if (m.metricType !== undefined && m.metricType !== KedaMetricType.AVERAGE_VALUE && m.metricType !== KedaMetricType.VALUE) {
    throw propError(scope, 'scalingModifiers.metricType', m.metricType, 'a composed metric is AverageValue or Value', 'use KedaMetricType.AVERAGE_VALUE or VALUE');
  }
}
