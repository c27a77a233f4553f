import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { ERROR_PREFIX, IntegrationRoute, RuntimeClass, WasmDeployment, WasmRuntime } from '../lib';
import { synthAndValidate } from './util/validate';

// Every generated prop set either synthesizes to schema-valid output or throws one of the library's
// documented errors (message starting with the library prefix). Anything else is a bug.
function synthOrDocumentedError(build: (c: Chart) => void): 'ok' | 'error' {
  const app = Testing.app();
  const c = new Chart(app, 'prop');
  try {
    build(c);
    app.synth(); // runs the cross-construct validations
  } catch (e) {
    const message = (e as Error).message;
    if (!message.includes(ERROR_PREFIX)) throw e;
    return 'error';
  }
  synthAndValidate(c);
  return 'ok';
}

const image = fc.oneof(
  fc.constantFrom('ghcr.io/acme/app:1.0', 'localhost:5000/app', 'app', 'registry.local/a/b@sha256:' + 'b'.repeat(64)),
  fc.string({ maxLength: 20 }),
);
const command = fc.option(fc.array(fc.constantFrom('/app.wasm', 'app.wasm', './x.wasm', '/bin/wasmedge'), { minLength: 1, maxLength: 2 }), { nil: undefined });
const route = fc.option(fc.constantFrom(...Object.values(IntegrationRoute)), { nil: undefined });
const runtime = fc.constantFrom(...WasmRuntime.all());
const count = fc.option(fc.integer({ min: -3, max: 5 }), { nil: undefined });
const millis = fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined });
const mebibytes = fc.option(fc.integer({ min: 1, max: 512 }), { nil: undefined });

describe('property: WasmDeployment props', () => {
  test('synthesize to valid objects or throw a documented error', () => {
    const outcomes = new Set<string>();
    fc.assert(fc.property(
      fc.record({
        image,
        command,
        route,
        runtime,
        replicas: count,
        warmReplicas: count,
        cpuRequest: millis,
        cpuLimit: millis,
        memRequest: mebibytes,
        memLimit: mebibytes,
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        wasiNetworking: fc.option(fc.boolean(), { nil: undefined }),
        gpu: fc.option(fc.record({ count: count }), { nil: undefined }),
        sidecar: fc.boolean(),
        className: fc.option(fc.constantFrom('ok-class', 'Bad_Class', 'x'.repeat(70)), { nil: undefined }),
      }),
      (p) => {
        outcomes.add(synthOrDocumentedError(c => {
          const rc = new RuntimeClass(c, 'Class', { runtime: p.runtime, name: p.className });
          const wd = new WasmDeployment(c, 'wd', {
            runtimeClass: rc,
            route: p.route,
            replicas: p.replicas,
            warmReplicas: p.warmReplicas,
            wasiNetworking: p.wasiNetworking,
            gpu: p.gpu ? { count: p.gpu.count } : undefined,
            wasmContainers: [{
              image: p.image,
              command: p.command,
              portNumber: p.port,
              resources: {
                cpu: {
                  request: p.cpuRequest ? kplus.Cpu.millis(p.cpuRequest) : undefined,
                  limit: p.cpuLimit ? kplus.Cpu.millis(p.cpuLimit) : undefined,
                },
                memory: {
                  request: p.memRequest ? Size.mebibytes(p.memRequest) : undefined,
                  limit: p.memLimit ? Size.mebibytes(p.memLimit) : undefined,
                },
              },
            }],
          });
          if (p.sidecar) wd.addContainer({ name: 'side', image: 'busybox:1.36' });
        }));
      },
    ), { numRuns: 150, seed: 4242 });
    // The generator reaches both outcomes, so the property is not vacuous.
    expect([...outcomes].sort()).toEqual(['error', 'ok']);
  });
});
