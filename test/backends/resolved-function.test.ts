/**
 * What a custom backend's bind() receives: a ResolvedFunction whose fields are the
 * ServerlessFunction's props, checked and defaulted.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  CRUN_VARIANT_ANNOTATION, DEFAULT_WASM_UID, FunctionBackendConfig, Gateway, IntegrationRoute, IWasmPlacement, KedaTrigger,
  ResolvedFunction, RuntimeClass, ServerlessFunction, ServerlessFunctionProps, WasmRuntime,
} from '../../lib';
import { validationErrorOf } from '../util/errors';
import { PlainBackend } from '../util/plain-backend';
import { synthAndValidate } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

/** A backend with other defaults (port, runtime and class). */
class SpinDefaultsBackend extends PlainBackend {
  public get defaultPort(): number {
    return 3000;
  }
  public get defaultRuntime(): WasmRuntime {
    return WasmRuntime.SPIN;
  }
  public get defaultRuntimeClassName(): string | undefined {
    return 'my-spin';
  }
}

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'apps' });
}

/** The ResolvedFunction the backend received for `props` (bound exactly once). */
function resolved(props: Partial<ServerlessFunctionProps> = {}, backend: PlainBackend = new PlainBackend(), c = chart()) {
  const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', backend, ...props });
  expect(backend.bound).toHaveLength(1);
  return { fn: backend.bound[0], f, c };
}

const cpu = (c?: kplus.Cpu) => c?.amount;
const mebibytes = (s?: Size) => s?.toMebibytes();

describe('the ResolvedFunction a custom backend receives', () => {
  test('defaults: port, runtime, replicas, probes, Wasm resources, route, uid', () => {
    const { fn, f } = resolved();
    expect(fn).toMatchObject({
      where: 'test/hello',
      name: 'hello',
      image: IMAGE,
      port: 8080,
      runtimeClassName: 'wasmedge',
      runtime: WasmRuntime.WASMEDGE,
      route: WasmRuntime.WASMEDGE.route,
      crunVariantAnnotation: CRUN_VARIANT_ANNOTATION,
      scaleToZero: false,
      warmReplicas: 1,
      maxReplicas: ServerlessFunction.DEFAULT_MAX_REPLICAS,
      autoscales: false,
      probes: { budgetSeconds: 30, periodSeconds: 1, failureThreshold: 30 },
      triggers: [],
      env: {},
      secretEnv: {},
      hosts: [],
      paths: ['/'],
      uid: DEFAULT_WASM_UID,
    });
    expect(fn.port).toBe(ServerlessFunction.DEFAULT_PORT);
    for (const k of ['command', 'args', 'concurrency', 'placement', 'gateway'] as const) expect(fn[k]).toBeUndefined();
    expect(cpu(fn.resources.cpu?.request)).toBe('50m');
    expect(cpu(fn.resources.cpu?.limit)).toBe('200m');
    expect(mebibytes(fn.resources.memory?.request)).toBe(10);
    expect(mebibytes(fn.resources.memory?.limit)).toBe(50);
    expect(fn.resources.ephemeralStorage).toBeUndefined();
    expect(f.functionName).toBe(fn.name);
    expect(f.warmReplicas).toBe(fn.warmReplicas);
  });

  test('the given props come through: name, image, port, command, args, env, secretEnv, hosts, paths, gateway, placement', () => {
    const gateway = Gateway.traefik();
    const placement: IWasmPlacement = { placementName: 'site-a', nodeLabels: { zone: 'a' }, taints: [], runtimes: [WasmRuntime.WASMEDGE] };
    const { fn } = resolved({
      name: 'greeter',
      image: 'registry.example.com/greeter:2',
      port: 9000,
      command: ['/greeter.wasm'],
      args: ['--verbose'],
      env: { LOG_LEVEL: 'debug', MODE: 'edge' },
      secretEnv: { API_TOKEN: { secretName: 'api', key: 'token' } },
      gateway,
      hosts: ['a.example.com', 'b.example.com'],
      paths: ['/v1', '/v2'],
      placement,
    });
    expect(fn).toMatchObject({
      where: 'test/hello',
      name: 'greeter',
      image: 'registry.example.com/greeter:2',
      port: 9000,
      command: ['/greeter.wasm'],
      args: ['--verbose'],
      env: { LOG_LEVEL: 'debug', MODE: 'edge' },
      secretEnv: { API_TOKEN: { secretName: 'api', key: 'token' } },
      hosts: ['a.example.com', 'b.example.com'],
      paths: ['/v1', '/v2'],
    });
    expect(fn.gateway).toBe(gateway);
    expect(fn.placement).toBe(placement);
  });

  test('resources are merged with the Wasm defaults field by field', () => {
    const { fn } = resolved({
      resources: { cpu: { limit: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(20) }, ephemeralStorage: { limit: Size.gibibytes(1) } },
    });
    expect(cpu(fn.resources.cpu?.request)).toBe('50m');
    expect(cpu(fn.resources.cpu?.limit)).toBe('500m');
    expect(mebibytes(fn.resources.memory?.request)).toBe(20);
    expect(mebibytes(fn.resources.memory?.limit)).toBe(50);
    expect(fn.resources.ephemeralStorage?.limit?.toGibibytes()).toBe(1);
    expect(fn.resources.ephemeralStorage?.request).toBeUndefined();
  });

  test('merged resources are still checked: a limit below the default request is refused', () => {
    const e = validationErrorOf(() => resolved({ resources: { cpu: { limit: kplus.Cpu.millis(20) } } }));
    expect(e.prop).toBe('resources.cpu');
    expect(e.constructPath).toBe('test/hello');
  });

  test('scaling props: warm replicas, max, concurrency, triggers, scale to zero, cold-start budget', () => {
    const trigger = KedaTrigger.cron({ timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 3 });
    const scaled = resolved({ warmReplicas: 2, maxReplicas: 5, concurrency: 20, triggers: [trigger], coldStartBudget: Duration.seconds(90) }).fn;
    expect(scaled).toMatchObject({ warmReplicas: 2, maxReplicas: 5, concurrency: 20, autoscales: true, scaleToZero: false });
    expect(scaled.triggers).toEqual([trigger]);
    expect(scaled.probes).toEqual({ budgetSeconds: 90, periodSeconds: 3, failureThreshold: 30 });

    const zero = resolved({ scaleToZero: true, gateway: Gateway.traefik(), host: 'a.example.com' }).fn;
    expect(zero).toMatchObject({ scaleToZero: true, warmReplicas: 0, autoscales: true, maxReplicas: 10 });

    const many = resolved({ warmReplicas: 12 }).fn;
    expect(many).toMatchObject({ warmReplicas: 12, maxReplicas: 12, autoscales: false });
    expect(resolved({ coldStartBudget: Duration.millis(1500) }).fn.probes).toEqual({ budgetSeconds: 2, periodSeconds: 1, failureThreshold: 2 });
  });

  test('the runtime class: the given one, else the backend\'s defaults', () => {
    const c = chart();
    const rc = RuntimeClass.fromRuntimeClassName(c, 'Rc', 'fast-wasm', WasmRuntime.WASMTIME);
    const given = resolved({ runtimeClass: rc }, new PlainBackend(), c).fn;
    expect(given).toMatchObject({ runtimeClassName: 'fast-wasm', runtime: WasmRuntime.WASMTIME, route: WasmRuntime.WASMTIME.route });

    const spin = resolved({}, new SpinDefaultsBackend()).fn;
    expect(spin).toMatchObject({ port: 3000, runtimeClassName: 'my-spin', runtime: WasmRuntime.SPIN });
    expect(resolved({ port: 8081 }, new SpinDefaultsBackend()).fn.port).toBe(8081);
  });

  test('WasmEdge inside a Linux image without a GPU gets no runtimeClassName', () => {
    const inImage = WasmRuntime.custom({ handler: 'runc-wasmedge', runtimeType: 'io.containerd.runc.v2', binaryName: 'runc', route: IntegrationRoute.WASMEDGE_IN_IMAGE });
    const c = chart();
    const fn = resolved({ runtimeClass: RuntimeClass.fromRuntimeClassName(c, 'Rc', 'runc-wasmedge', inImage) }, new PlainBackend(), c).fn;
    expect(fn.route).toBe(IntegrationRoute.WASMEDGE_IN_IMAGE);
    expect(fn.runtimeClassName).toBeUndefined();
  });

  test('a generated name is a DNS-1035 label from the construct path', () => {
    const backend = new PlainBackend();
    new ServerlessFunction(chart(), 'Hello-World', { image: IMAGE, backend });
    const name = backend.bound[0].name;
    expect(name).toMatch(/^test-hello-world-[a-z0-9]+$/);
    expect(name.length).toBeLessThanOrEqual(50);

    // A path that starts with a digit gets a letter first (a Service name is a DNS-1035 label).
    const digit = new PlainBackend();
    new ServerlessFunction(new Chart(Testing.app(), '9lives'), 'fn', { image: IMAGE, backend: digit });
    expect(digit.bound[0].name).toMatch(/^fn-9lives-fn-[a-z0-9]+$/);
  });

  test('env and secretEnv are copies: changing the props afterwards changes nothing', () => {
    const env: { [k: string]: string } = { A: '1' };
    const secretEnv = { TOKEN: { secretName: 's', key: 'k' } };
    const { fn } = resolved({ env, secretEnv });
    env.B = '2';
    (secretEnv.TOKEN as any).key = 'other';
    expect(fn.env).toEqual({ A: '1' });
    expect(fn.env).not.toBe(env);
    expect(fn.secretEnv).toEqual({ TOKEN: { secretName: 's', key: 'k' } });
  });

  test('bad props are refused before bind()', () => {
    const backend = new PlainBackend();
    const e = validationErrorOf(() => new ServerlessFunction(chart(), 'hello', { image: IMAGE, backend, port: 0 }));
    expect(e.prop).toBe('port');
    expect(backend.bound).toEqual([]);
  });

  test('workloads.addWasmDeployment builds the function\'s WasmDeployment with its class and warm replicas', () => {
    class WorkloadBackend extends PlainBackend {
      public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
        this.bound.push(fn);
        const deployment = fn.workloads.addWasmDeployment(scope, 'Deployment', { name: 'function', image: fn.image, portNumber: fn.port });
        const service = deployment.exposeViaService({ name: fn.name, ports: [{ port: fn.port, targetPort: fn.port }] });
        return { serviceName: service.name, servicePort: fn.port, service };
      }
    }
    const c = chart();
    const backend = new WorkloadBackend();
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', backend, warmReplicas: 3 });
    expect(f.deployment).toBeDefined();
    const objs = synthAndValidate(c);
    const deployment = objs.find(o => o.kind === 'Deployment');
    expect(deployment.metadata.name).toBe('hello');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.runtimeClassName).toBe(backend.bound[0].runtimeClassName);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image: IMAGE, ports: [expect.objectContaining({ containerPort: 8080 })] });
  });
});
