import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, ofKind, wasm, wasmWithService } from './helpers';
import {
  KedaHttpScaledObject, KedaInterceptorRoute, KedaScaledObject, KedaTrigger, KedaTriggerAuthentication, ScalingBehavior, WasmHorizontalPodAutoscaler,
} from '../../lib/scaling';
import { synthAndValidate } from '../util/validate';

const prom = () => KedaTrigger.prometheus({ serverAddress: 'http://p.monitoring:9090', query: 'sum(up)', threshold: 10 });

describe('HPA metric targets: what the API server refuses, refused with the library error', () => {
  // kubernetes/kubernetes pkg/apis/autoscaling/validation/validation.go validateMetricTarget():
  //   "must be greater than 0" for averageUtilization < 1; "must be positive" for value/averageValue <= 0;
  // validatePodsSource(): target type "must be AverageValue"; validateResourceSource(): Utilization or AverageValue.
  // averageUtilization is *int32 in autoscaling/v2 (MetricTarget).
  test.each<[string, () => kplus.Metric, string]>([
    ['averageUtilization(0)', () => kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(0)), 'metrics[0].target.averageUtilization=0: must be a whole percentage > 0'],
    ['averageUtilization(NaN)', () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(NaN)), 'metrics[0].target.averageUtilization=null: must be a whole percentage > 0'],
    ['averageUtilization(Infinity)', () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(Infinity)), 'averageUtilization=null'],
    ['averageUtilization(-5)', () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(-5)), 'averageUtilization=-5'],
    ['averageUtilization(70.5)', () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70.5)), 'averageUtilization=70.5'],
    ['averageUtilization past int32', () => kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(2 ** 31)), 'averageUtilization=2147483648'],
    ['averageValue(0)', () => kplus.Metric.pods({ name: 'rps', target: kplus.MetricTarget.averageValue(0) }), 'metrics[0].target.averageValue=0: must be a finite quantity > 0'],
    ['averageValue(NaN)', () => kplus.Metric.pods({ name: 'rps', target: kplus.MetricTarget.averageValue(NaN) }), 'averageValue=null: must be a finite quantity > 0'],
    ['value(-1)', () => kplus.Metric.external({ name: 'queue', target: kplus.MetricTarget.value(-1) }), 'metrics[0].target.value=-1'],
    ['value(Infinity)', () => kplus.Metric.external({ name: 'queue', target: kplus.MetricTarget.value(Infinity) }), 'metrics[0].target.value=null'],
    ['a Pods metric with Value', () => kplus.Metric.pods({ name: 'rps', target: kplus.MetricTarget.value(5) }), 'metrics[0].target.type="Value": a Pods metric is averaged over the pods: only AverageValue works'],
    ['an external metric with Utilization', () => kplus.Metric.external({ name: 'queue', target: kplus.MetricTarget.averageUtilization(50) }), 'target.type="Utilization": is only for resource metrics'],
    ['a credential as a metric name', () => kplus.Metric.external({ name: 'password=hunter2', target: kplus.MetricTarget.value(5) }), 'metrics[0].metric.name="<redacted>": it carries a password'],
    ['an empty metric name', () => kplus.Metric.external({ name: '', target: kplus.MetricTarget.value(5) }), 'metrics[0].metric.name="": must name the metric'],
  ])('refuses %s', (_what, metric, message) => {
    const c = chart();
    const msg = errorOf(() => new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c), metrics: [metric()] }));
    expect(msg.startsWith('[cdk8s-wasm-edge] test/Hpa: metrics[0].')).toBe(true);
    expect(msg).toContain(message);
    expect(msg).toMatch(/Fix: /);
  });

  test('valid targets still synthesize', () => {
    const c = chart();
    new WasmHorizontalPodAutoscaler(c, 'Hpa', {
      target: wasm(c),
      metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(1)), kplus.Metric.external({ name: 'q', target: kplus.MetricTarget.value(0.5) })],
    });
    expect(ofKind(synthAndValidate(c), 'HorizontalPodAutoscaler')[0].spec.metrics).toHaveLength(2);
  });
});

describe('replica bounds and KEDA numbers', () => {
  // Replica counts are int32 (autoscaling/v2 HorizontalPodAutoscalerSpec.maxReplicas; keda
  // apis/keda/v1alpha1/scaledobject_types.go MinReplicaCount/MaxReplicaCount *int32; Fallback int32).
  test.each<[string, (c: Chart) => unknown, string]>([
    ['HPA maxReplicas past int32', c => new WasmHorizontalPodAutoscaler(c, 'X', { target: wasm(c), metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))], maxReplicas: 2 ** 31 }), 'maxReplicas=2147483648: must be a whole number >= 1'],
    ['HPA minReplicas NaN', c => new WasmHorizontalPodAutoscaler(c, 'X', { target: wasm(c), metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))], minReplicas: NaN }), 'minReplicas=null: must be a whole number >= 1'],
    ['HPA min above max', c => new WasmHorizontalPodAutoscaler(c, 'X', { target: wasm(c), metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))], minReplicas: 5, maxReplicas: 2 }), 'minReplicas=5: is above maxReplicas=2'],
    ['ScaledObject maxReplicas Infinity', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], maxReplicas: Infinity }), 'maxReplicas=null: must be a whole number >= 1'],
    ['fallback replicas past int32', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], maxReplicas: 10, fallback: { failureThreshold: 2 ** 31, replicas: 1 } }), 'fallback.failureThreshold=2147483648: must be a whole number >= 1 (and at most 2147483647)'],
    ['fallback behavior', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], fallback: { failureThreshold: 3, replicas: 1, behavior: 'sometimes' as any } }), 'fallback.behavior="sometimes": is not a fallback behavior'],
    // keda scaledobject_types.go: PollingInterval *int32 Minimum=1 (seconds); CooldownPeriod Minimum=0.
    ['pollingInterval sub-second', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], pollingInterval: Duration.millis(1500) }), 'pollingInterval="1.5s": must be whole seconds from 1 up'],
    ['cooldownPeriod NaN', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], cooldownPeriod: Duration.seconds(NaN) }), 'cooldownPeriod="NaNs": must be whole seconds'],
    ['pollingInterval past int32 seconds', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], pollingInterval: Duration.seconds(2 ** 31) }), 'pollingInterval="2147483648s"'],
    ['scalingModifiers target Infinity', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 1, name: 'a' })], scalingModifiers: { formula: 'a', target: Infinity } }), 'scalingModifiers.target=null: must be a number > 0'],
    // kubernetes pkg/apis/autoscaling/validation validateScalingPolicy: HPAScalingPolicy.value is an int32 > 0.
    ['a behavior policy past int32', c => new WasmHorizontalPodAutoscaler(c, 'X', {
      target: wasm(c),
      metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))],
      behavior: ScalingBehavior.custom({ scaleUp: { policies: [{ replicas: kplus.Replicas.absolute(2 ** 53) }] } }),
    }), 'behavior.scaleUp.policies[0].replicas=9007199254740992: a Pods policy must change a whole number > 0 (and at most 2147483647)'],
    // kedacore/keda controllers/keda/hpa.go: MatchLabels[scaledobject.keda.sh/name] = scaledObject.Name in the HPA's metric selector.
    ['ScaledObject name past 63 characters', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], metadata: { name: 'a'.repeat(64) } }), 'is longer than 63 characters; KEDA puts the name into a label selector'],
    ['ScaledObject metadata name', c => new KedaScaledObject(c, 'X', { target: wasm(c), triggers: [prom()], metadata: { name: 'Bad_Name' } }), 'metadata.name="Bad_Name": is not a DNS-1123 subdomain'],
    ['HPA metadata label', c => new WasmHorizontalPodAutoscaler(c, 'X', { target: wasm(c), metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))], metadata: { labels: { 'a b': 'x' } } }), 'metadata.labels key="a b": is not a label key'],
  ])('refuses %s', (_what, build, message) => {
    const c = chart();
    const msg = errorOf(() => build(c));
    expect(msg).toContain(message);
    expect(msg.startsWith('[cdk8s-wasm-edge] test/X: ')).toBe(true);
  });

  test.each<[string, () => unknown, string]>([
    // KEDA parses thresholds with strconv.ParseFloat: NaN and Infinity would be written as "NaN"/"Infinity".
    ['a NaN threshold', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: NaN }), 'threshold=null: must be a number > 0'],
    ['an infinite activationThreshold', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 1, activationThreshold: Infinity }), 'activationThreshold=null: must be a number >= 0'],
    ['a Prometheus port out of range', () => KedaTrigger.prometheus({ serverAddress: 'http://p:99999', query: 'up', threshold: 1 }), 'serverAddress="http://p:99999": must be an http(s) URL'],
    ['a newline in the Prometheus URL', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090\nx', query: 'up', threshold: 1 }), 'must be an http(s) URL'],
    ['an external scaler port out of range', () => KedaTrigger.external({ scalerAddress: 's.keda:70000' }), 'scalerAddress port=70000: is not a port'],
    ['a cpu utilization past int32', () => KedaTrigger.cpu({ utilization: 2 ** 31 }), 'utilization=2147483648: must be a whole percentage from 1 to 2147483647'],
    ['a cron desiredReplicas past int32', () => KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 2 ** 31 }), 'desiredReplicas=2147483648'],
    ['an unknown metric type', () => KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 1, metricType: 'Sum' as any }), 'metricType="Sum": is not a metric type'],
  ])('refuses %s', (_what, build, message) => {
    expect(errorOf(build)).toContain(message);
  });

  test('whole-number thresholds are written as plain digits (KEDA ParseInt refuses "1e+21")', () => {
    const t = KedaTrigger.prometheus({ serverAddress: 'http://p:9090', query: 'up', threshold: 1e20 });
    expect(t.metadata.threshold).toBe('100000000000000000000');
  });
});

describe('HTTP add-on objects: ports, strings, and several hosts and paths', () => {
  test('ports go through checkPort', () => {
    const c = chart();
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R', { serviceName: 'svc', port: 0, hosts: ['a.example.com'] })))
      .toContain('port=0: is not a port (a whole number from 1 to 65535)');
    const { deployment } = wasmWithService(c, 'Fn');
    expect(errorOf(() => new KedaHttpScaledObject(c, 'H', { target: deployment, serviceName: 'svc', port: 65536, hosts: ['a.example.com'] })))
      .toContain('port=65536: is not a port');
  });

  test('credentials in header matches and placeholder headers are refused', () => {
    const c = chart();
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R1', { serviceName: 'svc', port: 80, rules: [{ headers: [{ name: 'Authorization', value: 'Bearer abcdefghijklmnop' }] }] })))
      .toContain('rules[0].headers[0].value="<redacted>"');
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R2', { serviceName: 'svc', port: 80, rules: [{ headers: [{ name: 'X-Api-Key', value: 'k-123' }] }] })))
      .toContain('"X-Api-Key" names a credential');
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R3', { serviceName: 'svc', port: 80, hosts: ['a.example.com'], placeholderResponse: { headers: { 'Set-Cookie': 'token=abc123; Path=/' } } })))
      .toContain('placeholderResponse.headers.Set-Cookie="<redacted>"');
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R4', { serviceName: 'svc', port: 80, rules: [{ headers: [{ name: 'X-Env', value: 'a\nb' }] }] })))
      .toContain('is not an HTTP header value');
    expect(errorOf(() => new KedaInterceptorRoute(c, 'R5', { serviceName: 'svc', port: 80, pathPrefixes: ['/../admin'] })))
      .toContain('pathPrefixes[0]="/../admin": is not a path prefix');
  });

  // kedacore/http-add-on examples/xkcd/values.yaml: hosts [myhost.com, myhost2.com] and pathPrefixes
  // [/path1, /path2] for one app (templates/httpscaledobject.yaml writes both lists into one HTTPScaledObject).
  test('both constructs take several hosts and paths and expose them (the add-on\'s example routes two hosts and two paths to one app)', () => {
    const c = chart();
    const a = wasmWithService(c, 'A');
    const route = new KedaInterceptorRoute(c, 'Route', { service: a.service, hosts: ['a.example.com', 'www.example.com'], pathPrefixes: ['/api', '/v2'] });
    expect(route.hosts).toEqual(['a.example.com', 'www.example.com']);
    expect(route.pathPrefixes).toEqual(['/api', '/v2']);
    const b = wasmWithService(c, 'B');
    const hso = new KedaHttpScaledObject(c, 'Hso', { target: b.deployment, service: b.service, hosts: ['b.example.com', 'b2.example.com'], pathPrefixes: ['/x', '/y'] });
    expect(hso.hosts).toEqual(['b.example.com', 'b2.example.com']);
    expect(hso.pathPrefixes).toEqual(['/x', '/y']);
    const objects = synthAndValidate(c);
    expect(ofKind(objects, 'InterceptorRoute')[0].spec.rules).toEqual([{ hosts: ['a.example.com', 'www.example.com'], paths: [{ value: '/api' }, { value: '/v2' }] }]);
    expect(ofKind(objects, 'HTTPScaledObject')[0].spec.hosts).toEqual(['b.example.com', 'b2.example.com']);
  });
});

describe('metadata props with undefined keys keep the generated name and the namespace', () => {
  // cdk8s ApiObject spreads the given metadata over its defaults: `{ name: undefined }` (what
  // `{ name: props.name }` builds) would erase the generated name, and the API server refuses an
  // object without one.
  test('ScaledObject, TriggerAuthentication, HPA and InterceptorRoute', () => {
    const c = chart();
    const meta = { name: undefined, labels: { app: 'x' } } as any;
    new KedaScaledObject(c, 'So', { target: wasm(c, 'A'), triggers: [prom()], metadata: meta });
    const secret = kplus.Secret.fromSecretName(c, 'S', 'creds');
    new KedaTriggerAuthentication(c, 'Auth', { secretTargetRefs: [{ parameter: 'password', secret, key: 'password' }], metadata: meta });
    new WasmHorizontalPodAutoscaler(c, 'Hpa', { target: wasm(c, 'B'), metrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))], metadata: meta });
    new KedaInterceptorRoute(c, 'Route', { serviceName: 'svc', port: 80, hosts: ['m.example.com'], metadata: meta });
    const objects = synthAndValidate(c);
    for (const kind of ['ScaledObject', 'TriggerAuthentication', 'HorizontalPodAutoscaler', 'InterceptorRoute']) {
      expect(ofKind(objects, kind)[0].metadata.name).toMatch(/^test-/);
    }
  });

  test('a Secret name given to Secret.fromSecretName() is checked before the TriggerAuthentication names it', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'S', 'Kafka Credentials');
    expect(errorOf(() => new KedaTriggerAuthentication(c, 'Auth', { secretTargetRefs: [{ parameter: 'password', secret, key: 'password' }] })))
      .toContain('secretTargetRefs[0].secret name="Kafka Credentials": is not a DNS-1123 subdomain');
  });
});

