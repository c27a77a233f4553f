import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { ERROR_PREFIX } from '../../lib/private/errors';
import {
  KedaFallbackBehavior, KedaMetricType, KedaScaledObject, KedaTrigger, KedaTriggerAuthentication, ScalingBehavior,
} from '../../lib/scaling';
import { WasmDeployment } from '../../lib/wasm-deployment';
import { synthAndValidate } from '../util/validate';

// Every generated prop set either synthesizes to schema-valid output or throws one of the library's
// documented errors (message starting with the library prefix). Anything else is a bug.
function synthOrDocumentedError(build: (c: Chart) => void): 'ok' | 'error' {
  const app = Testing.app();
  const c = new Chart(app, 'prop');
  try {
    build(c);
    (c.node.root as App).synth(); // runs the cross-construct validations
  } catch (e) {
    if (!isDocumented((e as Error).message)) throw e;
    return 'error';
  }
  synthAndValidate(c);
  return 'ok';
}

/**
 * A documented error: thrown by a construct (starts with the prefix), or cdk8s's validation report
 * whose every entry (`[construct path] message`) is one of ours.
 */
function isDocumented(message: string): boolean {
  if (message.startsWith(ERROR_PREFIX)) return true;
  const [head, ...entries] = message.split('\n').filter(l => l.trim() !== '');
  return head.startsWith('Validation failed') && entries.length > 0
    && entries.every(l => /^\s*\[[^\]]*\] /.test(l) && l.replace(/^\s*\[[^\]]*\] /, '').startsWith(ERROR_PREFIX));
}

// Mostly left out / mostly valid, so that both outcomes are reached.
const opt = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const seconds = opt(fc.oneof(fc.integer({ min: 0, max: 600 }).map(s => ({ ms: s * 1000 })), fc.integer({ min: 1, max: 5000 }).map(ms => ({ ms }))));
const dur = (d?: { ms: number }) => (d === undefined ? undefined : Duration.millis(d.ms));

// A trigger description: built inside the property (factories may throw documented errors).
const triggerArb = fc.oneof(
  fc.record({ kind: fc.constant('cpu' as const), utilization: mostly(fc.integer({ min: 1, max: 150 }), fc.constantFrom(undefined, 0, -5)), avg: opt(fc.integer({ min: 0, max: 500 })) }),
  fc.record({ kind: fc.constant('memory' as const), utilization: mostly(fc.integer({ min: 1, max: 150 }), fc.constantFrom(undefined, 0, -5)), avg: opt(fc.integer({ min: 0, max: 512 })) }),
  fc.record({ kind: fc.constant('prometheus' as const), threshold: mostly(fc.double({ min: 0.5, max: 500, noNaN: true }), fc.constantFrom(0, -1)), activation: opt(fc.double({ min: -1, max: 10, noNaN: true })), url: mostly(fc.constant('http://p.monitoring:9090'), fc.constant('p:9090')), name: opt(fc.constantFrom('a', 'b', 'Bad Name')) }),
  fc.record({ kind: fc.constant('kafka' as const), lag: opt(fc.integer({ min: -2, max: 100 })), servers: mostly(fc.constant(['k:9092', 'k2:9092']), fc.constantFrom(['k'], [])), metricType: opt(fc.constantFrom(...Object.values(KedaMetricType))), name: opt(fc.constantFrom('a', 'c')) }),
  fc.record({ kind: fc.constant('cron' as const), tz: mostly(fc.constantFrom('Asia/Shanghai', 'Etc/UTC'), fc.constant('Nowhere/Land')), start: mostly(fc.constant('0 8 * * *'), fc.constant('bogus')), desired: mostly(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1)) }),
  fc.record({ kind: fc.constant('rabbitmq' as const), value: mostly(fc.double({ min: 0.5, max: 50, noNaN: true }), fc.constant(-1)), withHost: mostly(fc.constant(true), fc.constant(false)) }),
  fc.record({ kind: fc.constant('external' as const), key: mostly(fc.constantFrom('topic', 'broker'), fc.constantFrom('password', 'apiKey')), value: mostly(fc.constant('x'), fc.constant('mqtt://u:p@broker:1883')) }),
);
type TriggerDesc = typeof triggerArb extends fc.Arbitrary<infer T> ? T : never;

function makeTrigger(c: Chart, i: number, d: TriggerDesc): KedaTrigger {
  switch (d.kind) {
    case 'cpu': return KedaTrigger.cpu({ utilization: d.utilization, averageValue: d.avg === undefined ? undefined : kplus.Cpu.millis(d.avg) });
    case 'memory': return KedaTrigger.memory({ utilization: d.utilization, averageValue: d.avg === undefined ? undefined : Size.mebibytes(d.avg) });
    case 'prometheus': return KedaTrigger.prometheus({ serverAddress: d.url, query: 'sum(up)', threshold: d.threshold, activationThreshold: d.activation, name: d.name });
    case 'kafka': return KedaTrigger.kafka({ bootstrapServers: d.servers, consumerGroup: 'g', lagThreshold: d.lag, metricType: d.metricType, name: d.name });
    case 'cron': return KedaTrigger.cron({ timezone: d.tz, start: d.start, end: '0 20 * * *', desiredReplicas: d.desired });
    case 'rabbitmq': {
      const secret = kplus.Secret.fromSecretName(c, `S${i}`, 'rabbit');
      const auth = new KedaTriggerAuthentication(c, `A${i}`, { secretTargetRefs: [{ parameter: d.withHost ? 'host' : 'password', secret, key: 'k' }] });
      return KedaTrigger.rabbitmq({ queueName: 'q', value: d.value, authentication: auth });
    }
    case 'external': return KedaTrigger.external({ scalerAddress: 'scaler.keda:6000', metadata: { [d.key]: d.value } });
  }
}

describe('property: KedaScaledObject props', () => {
  test('synthesize to valid objects or throw a documented error', () => {
    const outcomes = new Set<string>();
    fc.assert(fc.property(
      fc.record({
        wasm: fc.boolean(),
        warmReplicas: opt(fc.integer({ min: 0, max: 4 })),
        replicas: opt(fc.integer({ min: 0, max: 4 })),
        // (replicas set explicitly is an error unless it equals warmReplicas on a WasmDeployment)
        namespace: opt(fc.constantFrom('edge', 'apps')),
        triggers: mostly(fc.array(triggerArb, { minLength: 1, maxLength: 3 }), fc.constant([])),
        minReplicas: opt(fc.integer({ min: -2, max: 8 })),
        maxReplicas: opt(fc.integer({ min: -1, max: 8 })),
        idleReplicaCount: opt(fc.integer({ min: -1, max: 2 })),
        pollingInterval: seconds,
        cooldownPeriod: seconds,
        initialCooldownPeriod: seconds,
        fallback: opt(fc.record({
          failureThreshold: fc.integer({ min: -1, max: 5 }),
          replicas: fc.integer({ min: -1, max: 120 }),
          behavior: opt(fc.constantFrom(...Object.values(KedaFallbackBehavior))),
        })),
        behavior: opt(fc.constantFrom('fast', 'conservative', 'bad')),
        modifiers: opt(fc.record({ formula: fc.constantFrom('a + c', '', 'a'), target: fc.double({ min: -1, max: 100, noNaN: true }), metricType: opt(fc.constantFrom(...Object.values(KedaMetricType))) })),
        envSource: opt(fc.constantFrom('main', 'Bad_Name')),
      }),
      (p) => {
        outcomes.add(synthOrDocumentedError(c => {
          const metadata = p.namespace ? { namespace: p.namespace } : undefined;
          const target = p.wasm
            ? new WasmDeployment(c, 'W', { wasiNetworking: true, warmReplicas: p.warmReplicas, replicas: p.replicas, metadata, wasmContainers: [{ image: 'ghcr.io/acme/w:1', command: ['/w.wasm'], portNumber: 8080 }] })
            : new kplus.Deployment(c, 'D', { replicas: p.replicas, metadata, containers: [{ image: 'nginx:1.27' }] });
          const triggers = p.triggers.map((t, i) => makeTrigger(c, i, t));
          new KedaScaledObject(c, 'So', {
            target,
            triggers,
            minReplicas: p.minReplicas,
            maxReplicas: p.maxReplicas,
            idleReplicaCount: p.idleReplicaCount,
            pollingInterval: dur(p.pollingInterval),
            cooldownPeriod: dur(p.cooldownPeriod),
            initialCooldownPeriod: dur(p.initialCooldownPeriod),
            fallback: p.fallback,
            behavior: p.behavior === 'fast' ? ScalingBehavior.fastScaleOut() : p.behavior === 'conservative' ? ScalingBehavior.conservative()
              : p.behavior === 'bad' ? ScalingBehavior.custom({ scaleUp: { stabilizationWindow: Duration.hours(3) } }) : undefined,
            scalingModifiers: p.modifiers,
            envSourceContainerName: p.envSource,
          });
        }));
      },
    ), { numRuns: 300, seed: 20261121 });
    // The generator reaches both outcomes, so the property is not vacuous.
    expect([...outcomes].sort()).toEqual(['error', 'ok']);
  });
});
