/**
 * Property-based test of WasmHorizontalPodAutoscaler: metrics, replica bounds, behavior and
 * metadata with edge values. Each seeded run (FUZZ_RUNS, default 2000) ends in schema-valid,
 * semantically valid output or in the library's documented error.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { ScalingBehavior, WasmHorizontalPodAutoscaler } from '../../lib/scaling';
import { WasmDeployment } from '../../lib/wasm-deployment';
import { assertValidOrDocumentedError, maybe, nastyNumber, nastyString } from '../util/fuzz';

const often = <T>(good: T[], nasty: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 10 }, { arbitrary: nasty, weight: 1 });
const str = (good: string[]) => often(good, nastyString(good));
const numb = (good: number[]) => often(good, nastyNumber(good));
// cdk8s itself refuses negative Durations; NaN and Infinity reach the library.
const duration = maybe(numb([0, 15000, 60000, 300000]))
  .map(ms => (ms === undefined || (!(ms >= 0) && !Number.isNaN(ms)) ? undefined : Duration.millis(ms)));

const targetArb = fc.record({ type: fc.constantFrom('utilization', 'averageValue', 'value'), amount: numb([70, 50, 0.5]) });
const metricArb = fc.record({
  kind: fc.constantFrom('cpu', 'memory', 'containerCpu', 'pods', 'object', 'external'),
  name: str(['http_requests_per_second', 'queue_depth']),
  target: targetArb,
});
type MetricDesc = typeof metricArb extends fc.Arbitrary<infer T> ? T : never;

function target(d: MetricDesc['target']): kplus.MetricTarget {
  return d.type === 'utilization' ? kplus.MetricTarget.averageUtilization(d.amount)
    : d.type === 'averageValue' ? kplus.MetricTarget.averageValue(d.amount) : kplus.MetricTarget.value(d.amount);
}

function metric(d: MetricDesc, deployment: kplus.Deployment): kplus.Metric {
  const t = target(d.target);
  switch (d.kind) {
    case 'cpu': return kplus.Metric.resourceCpu(t);
    case 'memory': return kplus.Metric.resourceMemory(t);
    case 'containerCpu': return kplus.Metric.containerCpu({ container: deployment.containers[0], target: t });
    case 'pods': return kplus.Metric.pods({ name: d.name, target: t });
    case 'object': return kplus.Metric.object({ name: d.name, target: t, object: deployment });
    default: return kplus.Metric.external({ name: d.name, target: t });
  }
}

const rulesArb = maybe(fc.record({
  window: duration,
  replicas: numb([1, 4, 100]),
  percent: fc.boolean(),
  period: duration,
}));

const arb = fc.record({
  wasm: fc.boolean(),
  warmReplicas: maybe(numb([0, 1, 2])),
  metrics: fc.array(metricArb, { minLength: 0, maxLength: 3 }),
  minReplicas: maybe(numb([1, 2])),
  maxReplicas: maybe(numb([5, 100])),
  behavior: fc.constantFrom('default', 'fast', 'conservative', 'custom'),
  scaleUp: rulesArb,
  scaleDown: rulesArb,
  metadata: maybe(fc.record({
    name: maybe(str(['my-hpa'])),
    labels: maybe(fc.dictionary(str(['app']), str(['edge']), { maxKeys: 2 })),
    annotations: maybe(fc.dictionary(str(['example.com/owner']), str(['team a']), { maxKeys: 2 })),
  }, { requiredKeys: [] })),
});

function rules(r: fc.Arbitrary<any> extends fc.Arbitrary<infer T> ? T : never): kplus.ScalingRules | undefined {
  if (!r) return undefined;
  const replicas = r.percent ? kplus.Replicas.percent(r.replicas) : kplus.Replicas.absolute(r.replicas);
  return { stabilizationWindow: r.window, strategy: kplus.ScalingStrategy.MAX_CHANGE, policies: [{ replicas, duration: r.period }] };
}

describe('fuzz: WasmHorizontalPodAutoscaler', () => {
  test('valid output or the documented error', () => {
    assertValidOrDocumentedError(arb, (app: App, p) => {
      const c = new Chart(app, 'fuzz');
      const workload = p.wasm
        ? new WasmDeployment(c, 'W', { wasiNetworking: true, warmReplicas: p.warmReplicas, wasmContainers: [{ image: 'ghcr.io/acme/w:1.0.0', command: ['/w.wasm'], portNumber: 8080 }] })
        : new kplus.Deployment(c, 'D', { containers: [{ name: 'main', image: 'ghcr.io/acme/app:1.0.0', portNumber: 8080 }] });
      new WasmHorizontalPodAutoscaler(c, 'Hpa', {
        target: workload,
        metrics: p.metrics.map(m => metric(m, workload)),
        minReplicas: p.minReplicas,
        maxReplicas: p.maxReplicas,
        behavior: p.behavior === 'fast' ? ScalingBehavior.fastScaleOut() : p.behavior === 'conservative' ? ScalingBehavior.conservative()
          : p.behavior === 'custom' ? ScalingBehavior.custom({ scaleUp: rules(p.scaleUp), scaleDown: rules(p.scaleDown) }) : undefined,
        metadata: p.metadata,
      });
    });
  });
});
