import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { FunctionTenant, PodSecurityLevel, WasmDeployment } from '../../lib';
import { assertValidOrDocumentedError, FUZZ_RUNS, maybe, nastyNumber as anyNumber, nastyString as anyString } from '../util/fuzz';

// FunctionTenant: namespace, Pod Security level, labels, every quota and LimitRange amount, and a
// workload in the namespace checked against them at synth. Every run: valid output (schemas +
// semantics) or the documented error.

beforeAll(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
afterAll(() => jest.restoreAllMocks());

function mostly<T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: unusual, weight: 1 });
}
const nastyString = (good: string[]) => mostly(fc.constantFrom(...good), anyString(good));
const nastyNumber = (good: number[]) => mostly(fc.constantFrom(...good), anyNumber(good));

// Plausible values per field (millicores, MiB), nasty ones now and then.
const cpu = (...good: number[]) => fc.record({ n: nastyNumber(good), units: mostly(fc.constant(false), fc.constant(true)) })
  .map(({ n, units }) => units ? kplus.Cpu.units(n) : kplus.Cpu.millis(n));
// cdk8s refuses negative Sizes itself: generate what a user can build.
const mem = (...good: number[]) => fc.record({ n: nastyNumber(good), kib: mostly(fc.constant(false), fc.constant(true)) })
  .map(({ n, kib }) => kib ? Size.kibibytes(Math.abs(n)) : Size.mebibytes(Math.abs(n)));

const props = fc.record({
  namespaceName: maybe(nastyString(['team-a', 'shop', 'kube-system'])),
  chartNamespace: maybe(nastyString(['team-a'])),
  createNamespace: maybe(fc.boolean()),
  podSecurity: maybe(mostly(fc.constantFrom(...Object.values(PodSecurityLevel)), fc.constant('open' as PodSecurityLevel))),
  labels: maybe(fc.dictionary(nastyString(['team', 'example.com/cost-center']), nastyString(['a', 'x-1', '']), { maxKeys: 2 })),
  quota: maybe(fc.record({
    requestsCpu: maybe(cpu(10000, 5000)),
    requestsMemory: maybe(mem(20480, 1024)),
    limitsCpu: maybe(cpu(20000)),
    limitsMemory: maybe(mem(40960)),
    pods: maybe(nastyNumber([100, 10])),
    services: maybe(nastyNumber([50, 5])),
    loadBalancers: maybe(nastyNumber([0, 1])),
    nodePorts: maybe(nastyNumber([0, 1])),
  })),
  containerLimits: maybe(fc.record({
    defaultCpuRequest: maybe(cpu(50, 20)),
    defaultMemoryRequest: maybe(mem(16, 8)),
    defaultCpuLimit: maybe(cpu(100, 200)),
    defaultMemoryLimit: maybe(mem(32, 64)),
    maxCpu: maybe(cpu(1000, 2000)),
    maxMemory: maybe(mem(256, 512)),
    minCpu: maybe(cpu(0, 10)),
    minMemory: maybe(mem(0, 4)),
  })),
  workload: maybe(fc.record({
    warmReplicas: nastyNumber([1, 2, 5]),
    cpuRequest: maybe(cpu(50, 100)),
    memLimit: maybe(mem(32, 64)),
  })),
});

describe('fuzz: FunctionTenant', () => {
  test('valid output or the documented error', () => {
    let built = 0;
    assertValidOrDocumentedError(props, (app, p) => {
      const c = new Chart(app, 'fuzz', { namespace: p.chartNamespace });
      const tenant = new FunctionTenant(c, 'Tenant', {
        namespaceName: p.namespaceName,
        createNamespace: p.createNamespace,
        podSecurity: p.podSecurity,
        labels: p.labels,
        quota: p.quota,
        containerLimits: p.containerLimits,
      });
      if (p.workload) {
        new WasmDeployment(c, 'fn', {
          metadata: { namespace: tenant.namespaceName },
          warmReplicas: p.workload.warmReplicas,
          wasmContainers: [{ image: 'ghcr.io/acme/fn:1.0', resources: { cpu: { request: p.workload.cpuRequest }, memory: { limit: p.workload.memLimit } } }],
        });
      }
      built++;
    });
    expect(built).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
