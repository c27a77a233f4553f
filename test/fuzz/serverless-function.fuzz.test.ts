/**
 * ServerlessFunction x 4 backends x 3 gateways, fuzzed with edge values in every prop that reaches
 * output: each run ends in schema-valid, semantically valid output or in the library's documented
 * error (test/util/fuzz.ts). Seeded (FUZZ_SEED) and FUZZ_RUNS runs (2000 by default).
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeDomainClaims, KnativeFeatureFlags, OpenFaasEdition,
} from '../../lib/backends/function-backend';
import { Gateway, InterceptorAccess, TraefikEntryPoint } from '../../lib/routing';
import { KedaTrigger } from '../../lib/scaling';
import { ServerlessFunction, ServerlessFunctionProps } from '../../lib/serverless-function';
import { assertValidOrDocumentedError, FUZZ_SEED, fuzzParams, maybe, nastyNumber, nastyString, validOrDocumentedError } from '../util/fuzz';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

const backends: Array<(p: { knWindow?: Duration; knDelay?: Duration }) => FunctionBackend> = [
  () => FunctionBackend.KUBERNETES,
  () => FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }),
  () => FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED }),
  () => FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP, domainClaims: KnativeDomainClaims.CLUSTER_AUTOCREATES }),
  () => FunctionBackend.knative({ autoscalerClass: KnativeAutoscalerClass.HPA, window: Duration.seconds(30) }),
  p => FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED, window: p.knWindow, scaleDownDelay: p.knDelay }),
  () => FunctionBackend.spinKube(),
  () => FunctionBackend.spinKube({ executor: { name: 'spin-no-ca', installDefaultCaCerts: false } }),
  () => FunctionBackend.spinKube({ executorName: 'containerd-shim-spin' }),
  () => FunctionBackend.openFaas(),
  () => FunctionBackend.openFaas({ edition: OpenFaasEdition.COMMUNITY }),
];

const gateways: Array<() => Gateway> = [
  () => Gateway.traefik(),
  () => Gateway.traefik({ tlsSecretName: 'tls', entryPoints: [TraefikEntryPoint.WEB, TraefikEntryPoint.WEBSECURE] }),
  () => Gateway.ingress(),
  () => Gateway.ingress({ ingressClassName: 'traefik', tlsSecretName: 'tls' }),
  () => Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra' }),
  () => Gateway.gatewayApi({ gatewayName: 'edge', sectionName: 'https' }),
];

const triggers: Array<() => KedaTrigger> = [
  () => KedaTrigger.kafka({ bootstrapServers: ['kafka:9092'], consumerGroup: 'g', topic: 't' }),
  () => KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 2 }),
  () => KedaTrigger.cpu({ utilization: 70 }),
];

const HOSTS = ['hello.example.com', 'api.example.com', 'a.b.c', 'xn--bcher-kva.example'];
const EDGE_HOSTS = ['*.example.com', '10.0.0.1', 'a..b', `${'a'.repeat(64)}.example.com`];
const PATHS = ['/', '/api', '/v1/', '/a%20b', '/v1.2/x..y', '/api;v=1'];
const EDGE_PATHS = ['/../admin', '/./x', '/a%2Fb', '//x', '/a#b', '/a?b', '/x/..', '/%zz'];
// Spin variable names are lower case: keep most keys valid on every backend.
const ENV_KEYS = ['mode', 'greeting', 'log_level'];
const EDGE_ENV_KEYS = ['LOG_LEVEL', 'DBPASSWORD', 'db_url', 'PASSWORD_REQUIRED', 'API_TOKEN'];
const ENV_VALUES = ['info', 'true', 'edge', ''];
const EDGE_ENV_VALUES = ['postgres://app:s3cret@db:5432/app', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'Bearer abcdefghijklmnop'];

/** Mostly one of `good`, sometimes a domain edge value, rarely a generic nasty one. */
function str(good: string[], edge: string[] = []): fc.Arbitrary<string> {
  const arbs: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: fc.constantFrom(...good), weight: 20 },
    { arbitrary: nastyString(good), weight: 1 },
  ];
  if (edge.length > 0) arbs.push({ arbitrary: fc.constantFrom(...edge), weight: 1 });
  return fc.oneof(...arbs);
}
function num(good: number[]): fc.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 20 }, { arbitrary: nastyNumber(good), weight: 1 });
}
/** Usually left out. */
function opt<T>(arb: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: arb, weight });
}

// Durations a user can build (cdk8s itself refuses negative amounts before the library sees them).
const duration = num([250, 5000, 90000]).map(ms => (ms >= 0 || Number.isNaN(ms) ? Duration.millis(ms) : undefined));

const props = fc.record({
  backend: fc.integer({ min: 0, max: backends.length - 1 }),
  gateway: opt(fc.integer({ min: 0, max: gateways.length - 1 }), 9),
  name: opt(str(['hello', 'fn-2', 'a1', 'x'.repeat(63)], ['1abc', 'Hello', 'x'.repeat(64)])),
  // host or hosts (both together is an error the suite reaches through `both`).
  // Mostly distinct hosts (a repeated host is an error the suite still reaches).
  hostList: opt(fc.oneof({ arbitrary: fc.uniqueArray(str(HOSTS, EDGE_HOSTS), { minLength: 1, maxLength: 3 }), weight: 10 },
    { arbitrary: fc.array(str(HOSTS, EDGE_HOSTS), { minLength: 1, maxLength: 3 }), weight: 1 }), 27),
  hostsForm: fc.constantFrom<'host' | 'hosts' | 'both'>(...Array(6).fill('host'), ...Array(6).fill('hosts'), 'both'),
  pathList: opt(fc.uniqueArray(str(PATHS, EDGE_PATHS), { minLength: 1, maxLength: 3 })),
  pathsForm: fc.constantFrom<'path' | 'paths' | 'both'>(...Array(6).fill('path'), ...Array(6).fill('paths'), 'both'),
  port: opt(num([8080, 80, 3000])),
  // scale to zero, or warm replicas, or neither (both together is an error, reached through `both`).
  scaling: fc.constantFrom<'zero' | 'warm' | 'none' | 'both'>(...Array(4).fill('zero'), ...Array(4).fill('warm'), ...Array(4).fill('none'), 'both'),
  warmReplicas: num([1, 2, 3, 6]),
  maxReplicas: opt(num([5, 10, 20])),
  concurrency: opt(num([1, 10, 100, 1000, 1001])),
  coldStartBudget: opt(duration),
  knWindow: opt(duration),
  knDelay: opt(duration),
  command: opt(fc.array(str(['/app.wasm'], ['app.wasm']), { maxLength: 2 }), 1),
  args: opt(fc.array(str(['--verbose', '--port=8080'], ['--db=postgres://u:p@h/db']), { maxLength: 2 }), 1),
  env: opt(fc.dictionary(str(ENV_KEYS, EDGE_ENV_KEYS), str(ENV_VALUES, EDGE_ENV_VALUES), { maxKeys: 3 })),
  secretEnv: opt(fc.dictionary(str(['api_token'], ['DB_PASSWORD']),
    fc.record({ secretName: str(['db', 'api']), key: str(['password', 'token']) }), { maxKeys: 2 }), 2),
  routeAnnotations: opt(fc.dictionary(str(['example.com/team', 'traefik.ingress.kubernetes.io/router.priority'], ['bad key']),
    str(['edge', '10'], ['Bearer abcdefghijklmnop']), { maxKeys: 2 }), 2),
  middlewares: opt(fc.array(fc.record({ name: str(['strip', 'auth']), namespace: opt(str(['apps', 'infra'])) }), { maxLength: 2 }), 2),
  interceptorAccess: opt(fc.constantFrom(...Object.values(InterceptorAccess))),
  triggers: opt(fc.array(fc.integer({ min: 0, max: triggers.length - 1 }), { maxLength: 2 }), 2),
  cpuLimitMillis: opt(num([100, 500])),
  memoryLimitMiB: opt(num([64, 256])),
  namespace: fc.constantFrom<string | undefined>('apps', 'apps', 'a-b', undefined),
  // Usually drop what the chosen backend cannot express (so runs reach output); sometimes keep it.
  mismatch: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  // A second function (another chart and namespace, or the same) exercises the duplicate checks.
  second: fc.constantFrom<'none' | 'same-chart' | 'other-chart'>('none', 'none', 'none', 'same-chart', 'other-chart'),
});

type Fuzzed = typeof props extends fc.Arbitrary<infer T> ? T : never;

function functionProps(p: Fuzzed): ServerlessFunctionProps {
  const backend = backends[p.backend](p);
  const kind = backend.kind;
  const keep = (ok: boolean) => ok || p.mismatch;
  const k8s = keep(kind === 'kubernetes' || kind === 'knative');
  return {
    image: IMAGE,
    backend,
    gateway: p.gateway === undefined || !keep(kind !== 'knative') ? undefined : gateways[p.gateway](),
    port: k8s ? p.port : undefined,
    command: k8s ? p.command : undefined,
    args: k8s ? p.args : undefined,
    secretEnv: keep(kind !== 'openfaas') ? p.secretEnv : undefined,
    triggers: keep(kind === 'kubernetes' || kind === 'spinkube') ? p.triggers?.map(i => triggers[i]()) : undefined,
    name: p.name,
    host: p.hostList && p.hostsForm !== 'hosts' ? p.hostList[0] : undefined,
    hosts: p.hostList && p.hostsForm !== 'host' ? p.hostList : undefined,
    path: p.pathList && p.pathsForm !== 'paths' && keep(kind !== 'knative') ? p.pathList[0] : undefined,
    paths: p.pathList && p.pathsForm !== 'path' && keep(kind !== 'knative') ? p.pathList : undefined,
    warmReplicas: p.scaling === 'warm' || p.scaling === 'both' ? p.warmReplicas : undefined,
    scaleToZero: p.scaling === 'zero' || p.scaling === 'both' ? true : undefined,
    maxReplicas: p.maxReplicas,
    concurrency: p.concurrency,
    coldStartBudget: p.coldStartBudget,
    env: p.env,
    routeAnnotations: p.routeAnnotations,
    middlewares: p.middlewares,
    interceptorAccess: p.interceptorAccess,
    resources: {
      cpu: { limit: p.cpuLimitMillis === undefined ? undefined : kplus.Cpu.millis(p.cpuLimitMillis) },
      memory: { limit: p.memoryLimitMiB === undefined || !(p.memoryLimitMiB >= 0) ? undefined : Size.mebibytes(p.memoryLimitMiB) },
    },
  };
}

function build(app: App, p: Fuzzed): void {
  const chart = new Chart(app, 'fuzz', { namespace: p.namespace });
  new ServerlessFunction(chart, 'fn', functionProps(p));
  if (p.second === 'same-chart') new ServerlessFunction(chart, 'fn2', functionProps(p));
  if (p.second === 'other-chart') new ServerlessFunction(new Chart(app, 'other', { namespace: 'other' }), 'fn', functionProps(p));
}

describe('ServerlessFunction fuzz (4 backends x 3 gateways)', () => {
  test('both outcomes are frequent: the suite reaches output, not only errors', () => {
    const counts = { ok: 0, error: 0 };
    fc.assert(fc.property(props, p => {
      counts[validOrDocumentedError(app => build(app, p))]++;
    }), fuzzParams({ numRuns: 400, seed: FUZZ_SEED + 1 }));
    expect(counts.ok).toBeGreaterThan(60);
    expect(counts.error).toBeGreaterThan(60);
  });

  test('every run: valid output (schemas + semantics) or the documented error', () => {
    const outcomes = assertValidOrDocumentedError(props, build);
    expect([...outcomes].sort()).toEqual(['error', 'ok']);
  });

  test('the plausible corner of the space mostly synthesizes (the property is not vacuous)', () => {
    const counts = { ok: 0, error: 0 };
    const plausible = fc.record({
      backend: fc.integer({ min: 0, max: backends.length - 1 }),
      gateway: maybe(fc.integer({ min: 0, max: gateways.length - 1 })),
      scaleToZero: maybe(fc.boolean()),
      hosts: maybe(fc.subarray(['hello.example.com', 'api.example.com'], { minLength: 1 })),
    });
    fc.assert(fc.property(plausible, p => {
      counts[validOrDocumentedError(app => {
        const c = new Chart(app, 'fuzz', { namespace: 'apps' });
        new ServerlessFunction(c, 'fn', {
          image: IMAGE,
          name: 'hello',
          backend: backends[p.backend]({}),
          gateway: p.gateway === undefined ? undefined : gateways[p.gateway](),
          scaleToZero: p.scaleToZero,
          hosts: p.hosts,
        });
      })]++;
    }), fuzzParams({ numRuns: 300 }));
    expect(counts.ok).toBeGreaterThan(100);
  });
});
