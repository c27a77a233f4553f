import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  EdgeService, IntegrationRoute, IWasmPlacement, NodeInclusionPolicy, RuntimeClass, TrafficDistribution, TrafficPolicy, WasmDeployment,
  WasmRuntime, WhenUnsatisfiable,
} from '../../lib';
import { assertValidOrDocumentedError, FUZZ_RUNS, maybe, nastyNumber as anyNumber, nastyString as anyString } from '../util/fuzz';

// Every run: schema-valid output that passes the semantic checks (test/util/fuzz.ts
// semanticProblems: label syntax, ports, no NaN/undefined, no credential inline, YAML round trip),
// or the library's documented error. Seeded (FUZZ_SEED), FUZZ_RUNS runs (2000 by default).

// Warnings (unpinned images, ...) are printed to stderr: keep the test output readable.
beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
afterAll(() => jest.restoreAllMocks());

// Each field is usually plausible and sometimes nasty, so runs reach valid output as well as every
// error (with a nasty value in every field, no run would ever be valid).
function nastyString(good: string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 14 }, { arbitrary: anyString(good), weight: 1 });
}
function nastyNumber(good: number[]): fc.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 14 }, { arbitrary: anyNumber(good), weight: 1 });
}

/** `usual` most of the time, `unusual` now and then. */
function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 9 }, { arbitrary: unusual, weight: 1 });
}
const rarely = (arb: fc.Arbitrary<any>) => mostly(fc.constant(undefined), arb);

const cpu = (n: number | undefined, units: boolean) => n === undefined ? undefined : units ? kplus.Cpu.units(n) : kplus.Cpu.millis(n);
// cdk8s itself refuses negative Sizes before the library sees them: generate what a user can build.
const size = (n: number | undefined, kib: boolean) => n === undefined ? undefined : kib ? Size.kibibytes(Math.abs(n)) : Size.mebibytes(Math.abs(n));
const IMAGES = ['ghcr.io/acme/app:1.0', 'localhost:5000/app', 'app', `registry.local/a/b@sha256:${'b'.repeat(64)}`, 'ghcr.io/acme/app:latest', 'UPPER/app:1'];
const map = (keys: fc.Arbitrary<string>, values: fc.Arbitrary<string>) => maybe(fc.dictionary(keys, values, { maxKeys: 3 }));
const labelKeys = nastyString(['app', 'example.com/tier', 'tier']);
const labelValues = nastyString(['edge', 'a-b', '']);

const wasmDeploymentProps = fc.record({
  image: nastyString(IMAGES),
  command: maybe(mostly(fc.constant(['/app.wasm']), fc.array(fc.constantFrom('/app.wasm', 'app.wasm', './x.wasm', '/bin/wasmedge'), { minLength: 1, maxLength: 2 }))),
  args: rarely(fc.array(mostly(nastyString(['--port', '8080', '--db', 'postgres://db/app']), fc.constant('postgres://app:pw@db/app')), { maxLength: 3 })),
  route: rarely(fc.constantFrom(...Object.values(IntegrationRoute))),
  runtime: mostly(fc.constantFrom(WasmRuntime.WASMEDGE, WasmRuntime.SPIN, WasmRuntime.CRUN), fc.constantFrom(...WasmRuntime.all())),
  className: maybe(nastyString(['ok-class'])),
  replicas: maybe(nastyNumber([0, 1, 3])),
  warmReplicas: maybe(nastyNumber([0, 1, 2])),
  cpuRequest: maybe(nastyNumber([50, 100])),
  cpuLimit: maybe(nastyNumber([200, 500])),
  cpuUnits: mostly(fc.constant(false), fc.constant(true)),
  memRequest: maybe(nastyNumber([10, 64])),
  memLimit: maybe(nastyNumber([50, 128])),
  memKib: mostly(fc.constant(false), fc.constant(true)),
  // cdk8s-plus-30 lib/container.js:617,626 renders ephemeral storage with toGibibytes(): 512Mi must be refused, not crash.
  ephemeralMib: rarely(nastyNumber([1024, 2048, 512, 0])),
  port: maybe(nastyNumber([8080, 80])),
  wasiNetworking: mostly(fc.constant(true), maybe(fc.boolean())),
  gpu: rarely(fc.record({ count: maybe(nastyNumber([1, 2])), resourceName: maybe(nastyString(['nvidia.com/gpu', 'amd.com/gpu', 'kubernetes.io/gpu'])) })),
  env: map(mostly(nastyString(['DB_HOST', 'DB_URL', 'LOG_LEVEL']), fc.constantFrom('DBPASSWORD', 'API_TOKEN')),
    mostly(nastyString(['info', 'postgres://db/app']), fc.constantFrom('postgres://app:pw@db/app', 'host=db password=x'))),
  labels: map(labelKeys, labelValues),
  annotations: map(labelKeys, nastyString(['x', 'Bearer abcdefghijklmnop'])),
  name: maybe(nastyString(['hello', 'hello.v1'])),
  containerName: maybe(nastyString(['main'])),
  sidecar: fc.boolean(),
  probePeriodMillis: rarely(nastyNumber([1000, 2000, 1500, 0])),
  placement: maybe(fc.record({
    labels: fc.dictionary(labelKeys, labelValues, { maxKeys: 2 }),
    taintKey: nastyString(['example.com/edge']),
    taintValue: maybe(labelValues),
    effect: mostly(fc.constantFrom<string>('NoSchedule', 'NoExecute', 'PreferNoSchedule'), fc.constant('Never')),
    autonomyMillis: maybe(nastyNumber([3600_000, 60_000])),
  })),
  spread: maybe(fc.record({
    maxSkew: maybe(nastyNumber([1, 2])),
    topologyKey: maybe(nastyString(['topology.kubernetes.io/zone', 'kubernetes.io/hostname'])),
    whenUnsatisfiable: maybe(mostly(fc.constant<string>(WhenUnsatisfiable.DO_NOT_SCHEDULE), fc.constantFrom<string>(WhenUnsatisfiable.SCHEDULE_ANYWAY, 'Never'))),
    minDomains: rarely(nastyNumber([1, 3])),
    nodeTaintsPolicy: maybe(mostly(fc.constantFrom<string>(...Object.values(NodeInclusionPolicy)), fc.constant('honor'))),
    matchLabelKeys: maybe(fc.array(nastyString(['pod-template-hash']), { maxLength: 2 })),
  })),
});

function placementOf(p: NonNullable<fc.Arbitrary<any>>): IWasmPlacement {
  return {
    placementName: 'fuzz-site',
    nodeLabels: p.labels,
    taints: [{ key: p.taintKey, value: p.taintValue, effect: p.effect as kplus.TaintEffect }],
    runtimes: WasmRuntime.all(),
    offlineAutonomy: p.autonomyMillis === undefined ? undefined : Duration.millis(Math.abs(p.autonomyMillis)),
  };
}

describe('fuzz: WasmDeployment', () => {
  test('valid output or the documented error', () => {
    let built = 0;
    assertValidOrDocumentedError(wasmDeploymentProps, (app, p) => {
      const c = new Chart(app, 'fuzz');
      const rc = new RuntimeClass(c, 'Class', { runtime: p.runtime, name: p.className });
      const probe = p.probePeriodMillis === undefined ? undefined
        : kplus.Probe.fromTcpSocket({ periodSeconds: Duration.millis(Math.abs(p.probePeriodMillis)) });
      const wd = new WasmDeployment(c, 'wd', {
        metadata: { name: p.name, labels: p.labels, annotations: p.annotations },
        runtimeClass: rc,
        route: p.route,
        replicas: p.replicas,
        warmReplicas: p.warmReplicas,
        wasiNetworking: p.wasiNetworking,
        gpu: p.gpu,
        placement: p.placement ? placementOf(p.placement) : undefined,
        topologySpread: p.spread as any,
        wasmContainers: [{
          name: p.containerName,
          image: p.image,
          command: p.command,
          args: p.args,
          portNumber: p.port,
          readiness: probe,
          envVariables: p.env ? Object.fromEntries(Object.entries(p.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])) : undefined,
          resources: {
            cpu: { request: cpu(p.cpuRequest, p.cpuUnits), limit: cpu(p.cpuLimit, p.cpuUnits) },
            memory: { request: size(p.memRequest, p.memKib), limit: size(p.memLimit, p.memKib) },
            ephemeralStorage: p.ephemeralMib === undefined ? undefined : { limit: size(p.ephemeralMib, false) },
          },
        }],
      });
      if (p.sidecar) wd.addContainer({ name: 'side', image: 'busybox:1.36', envVariables: p.env ? { SIDE: kplus.EnvValue.fromValue(Object.values(p.env)[0] ?? 'x') } : undefined });
      built++;
    });
    // Not vacuous: a good share of the runs gets past every construction check.
    expect(built).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});

const servicePort = fc.record({
  port: nastyNumber([80, 8080]),
  targetPort: maybe(nastyNumber([8080])),
  nodePort: maybe(nastyNumber([30080])),
  name: maybe(nastyString(['http', 'metrics'])),
  protocol: maybe(fc.constantFrom<string>('TCP', 'UDP', 'SCTP', 'HTTP')),
});

const edgeServiceProps = fc.record({
  type: fc.constantFrom(...Object.values(kplus.ServiceType)),
  ports: fc.array(servicePort, { minLength: 0, maxLength: 3 }),
  bind: maybe(servicePort),
  name: maybe(nastyString(['svc', '1abc', 'my-svc'])),
  labels: map(labelKeys, labelValues),
  annotations: map(labelKeys, nastyString(['x'])),
  externalTrafficPolicy: maybe(fc.constantFrom<string>(...Object.values(TrafficPolicy), 'Nearby')),
  internalTrafficPolicy: maybe(fc.constantFrom<string>(...Object.values(TrafficPolicy))),
  trafficDistribution: maybe(fc.constantFrom<string>(...Object.values(TrafficDistribution), 'Closest')),
});

describe('fuzz: EdgeService', () => {
  test('valid output or the documented error', () => {
    let built = 0;
    assertValidOrDocumentedError(edgeServiceProps, (app, p) => {
      const c = new Chart(app, 'fuzz');
      const svc = new EdgeService(c, 'svc', {
        type: p.type,
        externalName: p.type === kplus.ServiceType.EXTERNAL_NAME ? 'db.example.com' : undefined,
        metadata: { name: p.name, labels: p.labels, annotations: p.annotations },
        ports: p.ports as kplus.ServicePort[],
        externalTrafficPolicy: p.externalTrafficPolicy as TrafficPolicy,
        internalTrafficPolicy: p.internalTrafficPolicy as TrafficPolicy,
        trafficDistribution: p.trafficDistribution as TrafficDistribution,
      });
      if (p.bind) svc.bind(p.bind.port, p.bind as kplus.ServiceBindOptions);
      built++;
    });
    expect(built).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
