import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, ofKind, validationText, wasm } from './helpers';
import { KedaFallbackBehavior, KedaMetricType, KedaScaledObject, KedaTrigger, KedaTriggerAuthentication, ScalingBehavior } from '../../lib/scaling';
import { Warnings } from '../../lib/warnings';
import { validationErrorOf } from '../util/errors';
import { synthAndValidate } from '../util/validate';

const prom = (name?: string) => KedaTrigger.prometheus({ name, serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: 100 });
const kafka = (name?: string) => KedaTrigger.kafka({ name, bootstrapServers: ['kafka:9092'], consumerGroup: 'workers', topic: 'events' });
const cron = () => KedaTrigger.cron({ timezone: 'Asia/Shanghai', start: '0 8 * * *', end: '0 20 * * *', desiredReplicas: 2 });

describe('KedaScaledObject', () => {
  test('snapshot: every field', () => {
    const c = chart();
    const d = wasm(c, 'Worker', { warmReplicas: 2 });
    const secret = kplus.Secret.fromSecretName(c, 'S', 'kafka-credentials');
    const a = new KedaTriggerAuthentication(c, 'KafkaAuth', { secretTargetRefs: [{ parameter: 'password', secret, key: 'password' }] });
    new KedaScaledObject(c, 'Scaler', {
      target: d,
      triggers: [
        KedaTrigger.kafka({ name: 'lag', bootstrapServers: ['kafka:9092'], consumerGroup: 'workers', topic: 'events', authentication: a }),
        KedaTrigger.prometheus({ name: 'rps', serverAddress: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total[1m]))', threshold: 100 }),
      ],
      minReplicas: 1,
      maxReplicas: 30,
      idleReplicaCount: 0,
      pollingInterval: Duration.seconds(10),
      cooldownPeriod: Duration.minutes(2),
      initialCooldownPeriod: Duration.seconds(60),
      fallback: { failureThreshold: 3, replicas: 4, behavior: KedaFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER },
      behavior: ScalingBehavior.fastScaleOut(),
      scalingModifiers: { formula: 'lag + rps', target: 150, activationTarget: 1, metricType: KedaMetricType.AVERAGE_VALUE },
      envSourceContainerName: 'main',
    });
    const objects = synthAndValidate(c);
    const [so] = ofKind(objects, 'ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: ofKind(objects, 'Deployment')[0].metadata.name, envSourceContainerName: 'main' });
    expect(so.spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 30,
      idleReplicaCount: 0,
      pollingInterval: 10,
      cooldownPeriod: 120,
      initialCooldownPeriod: 60,
      fallback: { failureThreshold: 3, replicas: 4, behavior: 'currentReplicasIfHigher' },
      advanced: { scalingModifiers: { formula: 'lag + rps', target: '150', activationTarget: '1', metricType: 'AverageValue' } },
    });
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies).toHaveLength(2);
    // The workload has no fixed replica count: KEDA owns it.
    expect(ofKind(objects, 'Deployment')[0].spec.replicas).toBeUndefined();
    expect(so).toMatchSnapshot();
  });

  test('scale to zero on an event trigger (WasmDeployment with warmReplicas 0)', () => {
    const c = chart();
    const so = new KedaScaledObject(c, 'So', { target: wasm(c, 'W', { warmReplicas: 0 }), triggers: [kafka()] });
    expect(so.scalesToZero).toBe(true);
    expect(ofKind(synthAndValidate(c), 'ScaledObject')[0].spec.minReplicaCount).toBe(0);
  });

  test('addTrigger after construction', () => {
    const c = chart();
    const so = new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [] });
    so.addTrigger(cron());
    so.addTrigger(prom());
    expect(so.triggers.map(t => t.type)).toEqual(['cron', 'prometheus']);
    expect(ofKind(synthAndValidate(c), 'ScaledObject')[0].spec.triggers).toHaveLength(2);
  });

  test('namespace follows the target', () => {
    const c = chart();
    const d = wasm(c, 'W', { metadata: { namespace: 'edge-apps' } });
    new KedaScaledObject(c, 'So', { target: d, triggers: [prom()] });
    expect(ofKind(synthAndValidate(c), 'ScaledObject')[0].metadata.namespace).toBe('edge-apps');
  });

  describe('errors', () => {
    test('min above max', () => {
      const c = chart();
      const msg = errorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom()], minReplicas: 10, maxReplicas: 5 }));
      expect(msg).toBe('[cdk8s-wasm-edge] test/So: minReplicas=10: is above maxReplicas=5, so the autoscaler can never settle. Fix: lower minReplicas to at most 5, or raise maxReplicas to at least 10');
    });

    test('scale to zero with only cpu/memory triggers (minReplicas 0)', () => {
      const c = chart();
      const e = validationErrorOf(() => new KedaScaledObject(c, 'So', {
        target: wasm(c),
        minReplicas: 0,
        triggers: [KedaTrigger.cpu({ utilization: 60 }), KedaTrigger.memory({ utilization: 80 })],
      }));
      expect([e.constructPath, e.prop, e.value]).toEqual(['test/So', 'minReplicas', '0']);
      expect(e.problem).toMatch(/^KEDA cannot scale to zero on cpu\/memory triggers alone/);
      expect(e.fix).toMatch(/^set minReplicas to 1 or more, or add an event trigger/);
    });

    test('scale to zero with only cpu triggers (idleReplicaCount 0)', () => {
      const c = chart();
      const e = validationErrorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), minReplicas: 2, idleReplicaCount: 0, triggers: [KedaTrigger.cpu({ utilization: 60 })] }));
      expect([e.prop, e.value]).toEqual(['idleReplicaCount', '0']);
      expect(e.problem).toMatch(/^KEDA cannot scale to zero on cpu triggers alone/);
    });

    test('cpu next to an event trigger may scale to zero', () => {
      const c = chart();
      new KedaScaledObject(c, 'So', { target: wasm(c), minReplicas: 0, triggers: [KedaTrigger.memory({ utilization: 60 }), kafka()] });
      expect(ofKind(synthAndValidate(c), 'ScaledObject')[0].spec.minReplicaCount).toBe(0);
    });

    test('adding only cpu to an empty scale-to-zero object', () => {
      const c = chart();
      const so = new KedaScaledObject(c, 'So', { target: wasm(c), minReplicas: 0, triggers: [] });
      expect(errorOf(() => so.addTrigger(KedaTrigger.cpu({ utilization: 50 })))).toContain('KEDA cannot scale to zero');
    });

    test.each<[string, Record<string, unknown>, string, string]>([
      ['idleReplicaCount other than 0', { idleReplicaCount: 1, minReplicas: 3 }, 'idleReplicaCount=1: only 0 works', 'use idleReplicaCount: 0'],
      ['idleReplicaCount not below min', { idleReplicaCount: 0, minReplicas: 0 }, 'idleReplicaCount=0: must be below minReplicas (0)', 'leave idleReplicaCount out'],
      ['pollingInterval 0', { pollingInterval: Duration.seconds(0) }, 'pollingInterval="0s": must be whole seconds from 1 up', 'Duration.seconds(30)'],
      ['fractional cooldown', { cooldownPeriod: Duration.millis(1500) }, 'cooldownPeriod="1.5s"', 'Duration.seconds'],
      ['fallback above max', { fallback: { failureThreshold: 3, replicas: 500 } }, 'fallback.replicas=500: is above maxReplicas (100)', 'at most 100'],
      ['fallback threshold 0', { fallback: { failureThreshold: 0, replicas: 2 } }, 'fallback.failureThreshold=0: must be a whole number >= 1', 'set fallback.failureThreshold'],
      ['modifiers without formula', { scalingModifiers: { formula: ' ', target: 1 } }, 'scalingModifiers.formula=" "', '(requests + queue) / 2'],
      ['negative max', { maxReplicas: 0 }, 'maxReplicas=0: must be a whole number >= 1', 'set maxReplicas'],
      ['container name', { envSourceContainerName: 'Main_Container' }, 'envSourceContainerName="Main_Container"', 'main-container'],
    ])('%s', (_name, props, where, fix) => {
      const c = chart();
      const msg = errorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom('p')], ...props }));
      expect(msg).toContain(`[cdk8s-wasm-edge] test/So: ${where}`);
      expect(msg.slice(msg.indexOf('Fix: '))).toContain(fix);
    });

    test('fallback with a cpu trigger', () => {
      const c = chart();
      const msg = errorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom(), KedaTrigger.cpu({ utilization: 50 })], fallback: { failureThreshold: 3, replicas: 2 } }));
      expect(msg).toContain('test/So: fallback={"failureThreshold":3,"replicas":2}: KEDA\'s fallback does not work with cpu triggers (triggers[1])');
    });

    test('scalingModifiers need named triggers', () => {
      const c = chart();
      const msg = errorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom()], scalingModifiers: { formula: 'rps * 2', target: 10 } }));
      expect(msg).toContain('test/So: triggers[0].name=undefined: with scalingModifiers every trigger needs a name');
    });

    test('duplicate trigger names', () => {
      const c = chart();
      expect(errorOf(() => new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [prom('a'), kafka('a')] }))).toContain('triggers[1].name="a": another trigger has this name');
    });

    test('no triggers at synth', () => {
      const c = chart();
      new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [] });
      expect(validationText(c)).toContain('test/So: triggers=[]: a ScaledObject needs at least one trigger');
    });
  });

  test('cpu trigger on a Wasm workload warns', () => {
    const c = chart();
    const so = new KedaScaledObject(c, 'So', { target: wasm(c), triggers: [kafka(), KedaTrigger.cpu({ utilization: 70 })] });
    expect(Warnings.of(so).messages).toEqual([expect.stringContaining('triggers[1]="cpu": CPU-based scaling of WasmDeployment test/Hello')]);
    const strict = chart(true);
    new KedaScaledObject(strict, 'So', { target: wasm(strict), triggers: [KedaTrigger.cpu({ utilization: 70 })] });
    expect(validationText(strict)).toContain('SystemdCgroup = true');
  });
});
