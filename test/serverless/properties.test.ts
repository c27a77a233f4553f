import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { chart, EDGE_SITE } from './helpers';
import { FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeFeatureFlags } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import { ERROR_PREFIX } from '../../lib/private/errors';
import { Gateway, InterceptorAccess, TraefikEntryPoint } from '../../lib/routing';
import { RuntimeClass } from '../../lib/runtime-class';
import { KedaTrigger } from '../../lib/scaling';
import { ServerlessFunction } from '../../lib/serverless-function';
import { synthAndValidate } from '../util/validate';

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Usually one of `good` (or left out), sometimes one of `bad`: keeps both outcomes frequent. */
const mostly = <T>(good: T[], bad: T[]): fc.Arbitrary<T | undefined> => fc.oneof(
  { arbitrary: fc.constant<T | undefined>(undefined), weight: 8 },
  { arbitrary: fc.constantFrom<T | undefined>(...good), weight: 8 },
  { arbitrary: fc.constantFrom<T | undefined>(...bad), weight: 1 },
);

const backend = fc.constantFrom(
  () => undefined,
  () => FunctionBackend.KUBERNETES,
  () => FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }),
  () => FunctionBackend.knative(),
  () => FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP, autoscalerClass: KnativeAutoscalerClass.HPA }),
  () => FunctionBackend.knative({ window: Duration.seconds(30), scaleDownDelay: Duration.seconds(90) }),
  () => FunctionBackend.spinKube(),
  () => FunctionBackend.spinKube({ executorName: 'containerd-shim-spin' }),
  () => FunctionBackend.openFaas(),
);
const gateway = opt(fc.constantFrom(
  () => Gateway.traefik(),
  () => Gateway.traefik({ tlsSecretName: 'tls', entryPoints: [TraefikEntryPoint.WEBSECURE] }),
  () => Gateway.ingress(),
  () => Gateway.ingress({ ingressClassName: 'traefik', tlsSecretName: 'tls' }),
  () => Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra' }),
));
const trigger = fc.oneof(
  {
    arbitrary: fc.constantFrom<() => KedaTrigger>(
      () => KedaTrigger.kafka({ bootstrapServers: ['kafka:9092'], consumerGroup: 'g', topic: 't' }),
    () => KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 2 }),
    () => KedaTrigger.prometheus({ serverAddress: 'http://prometheus:9090', query: 'sum(rate(x[1m]))', threshold: 10 }),
    ),
    weight: 8,
  },
  { arbitrary: fc.constantFrom<() => KedaTrigger>(() => KedaTrigger.cpu({ utilization: 70 }), () => KedaTrigger.mqtt()), weight: 1 },
);
const runtime = opt(fc.constantFrom(WasmRuntime.WASMEDGE, WasmRuntime.SPIN, WasmRuntime.CRUN, WasmRuntime.NVIDIA));

describe('ServerlessFunction properties', () => {
  test('every prop set synthesizes schema-valid output or throws a documented error', () => {
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    fc.assert(fc.property(
      fc.record({
        backend,
        gateway,
        runtime,
        image: mostly(['localhost:5000/fn', 'registry.local:5000/a/fn'], ['Bad Image']).map(i => i ?? 'ghcr.io/acme/fn:1.0'),
        name: mostly(['hello', 'fn-2'], ['Bad_Name', 'x'.repeat(64)]),
        port: mostly([80, 8080], [3000, 8012, 0]),
        command: mostly([['/app.wasm']], [['app.wasm']]),
        host: mostly(['hello.example.com'], ['*.example.com', 'Bad Host']),
        path: mostly(['/', '/api'], ['api']),
        interceptorAccess: opt(fc.constantFrom(...Object.values(InterceptorAccess))),
        warmReplicas: mostly([1, 2], [-1, 0]),
        scaleToZero: mostly([false], [true]),
        maxReplicas: mostly([5, 12], [0, 1]),
        concurrency: mostly([10, 100], [0]),
        budgetMs: mostly([250, 5000, 90000], [0, 4000000]),
        triggers: opt(fc.array(trigger, { maxLength: 2 })),
        cpuLimit: mostly([100, 500], [10]),
        memLimit: mostly([64, 256], [5]),
        env: mostly<{ [k: string]: string }>([{ mode: 'edge' }, { greeting: 'hi', mode: '' }], [{ LOG_LEVEL: 'debug' }, { API_TOKEN: 'x' }]),
        secretEnv: mostly<{ [k: string]: { secretName: string; key: string } }>([{ api_key: { secretName: 'db', key: 'password' } }], [{ DB_PASSWORD: { secretName: 'db', key: 'password' } }, { api_key: { secretName: 'Bad', key: 'k' } }]),
        placed: mostly([false], [true]),
      }),
      (p) => {
        const c = chart();
        try {
          const runtimeClass = p.runtime ? RuntimeClass.fromK3s(c, 'Runtime', p.runtime) : undefined;
          new ServerlessFunction(c, 'fn', {
            image: p.image,
            name: p.name,
            backend: p.backend(),
            gateway: p.gateway?.(),
            runtimeClass,
            port: p.port,
            command: p.command,
            host: p.host,
            path: p.path,
            interceptorAccess: p.interceptorAccess,
            warmReplicas: p.warmReplicas,
            scaleToZero: p.scaleToZero,
            maxReplicas: p.maxReplicas,
            concurrency: p.concurrency,
            coldStartBudget: p.budgetMs === undefined ? undefined : Duration.millis(p.budgetMs),
            triggers: p.triggers?.map(t => t()),
            resources: {
              cpu: { limit: p.cpuLimit ? kplus.Cpu.millis(p.cpuLimit) : undefined },
              memory: { limit: p.memLimit ? Size.mebibytes(p.memLimit) : undefined },
            },
            env: p.env,
            secretEnv: p.secretEnv,
            placement: p.placed ? EDGE_SITE : undefined,
          });
          synthAndValidate(c);
          count('ok');
        } catch (e: any) {
          const message = String(e?.message ?? e);
          // Synth-time validation errors list one "[cdk8s-wasm-edge] ..." message per line.
          if (!message.startsWith(ERROR_PREFIX) && !/^Validation failed with the following errors:\n\s+\[[^\]]+\] \[cdk8s-wasm-edge\]/.test(message)) {
            throw e;
          }
          count('error');
        }
      },
    ), { numRuns: 300, seed: 20261121 });
    // Both outcomes are reached, so the property is not vacuous.
    expect(outcomes.get('ok')).toBeGreaterThan(20);
    expect(outcomes.get('error')).toBeGreaterThan(20);
  });
});
