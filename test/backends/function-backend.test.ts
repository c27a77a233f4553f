import { FunctionBackend, KnativeDomainClaims, OpenFaasEdition } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import { ValidationError } from '../../lib/private/validation-error';

function thrown(make: () => unknown): ValidationError {
  try {
    make();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('FunctionBackend', () => {
  test('KUBERNETES is one instance of FunctionBackend; every factory returns a FunctionBackend', () => {
    expect(FunctionBackend.KUBERNETES).toBe(FunctionBackend.KUBERNETES);
    const all = [FunctionBackend.KUBERNETES, FunctionBackend.kubernetes(), FunctionBackend.knative(),
      FunctionBackend.spinKube(), FunctionBackend.openFaas()];
    for (const b of all) {
      expect(b).toBeInstanceOf(FunctionBackend);
    }
  });

  test('display names, used in every "cannot express" message', () => {
    expect([FunctionBackend.kubernetes(), FunctionBackend.knative(), FunctionBackend.spinKube(), FunctionBackend.openFaas()].map(b => b.displayName))
      .toEqual(['Kubernetes + KEDA', 'Knative', 'SpinKube', 'OpenFaaS']);
  });

  test('defaults: port 8080 and K3s\'s wasmedge class; SpinKube: port 80 and the existing wasmtime-spin-v2 class', () => {
    for (const b of [FunctionBackend.kubernetes(), FunctionBackend.knative(), FunctionBackend.openFaas()]) {
      expect([b.defaultPort, b.defaultRuntime, b.defaultRuntimeClassName]).toEqual([8080, WasmRuntime.WASMEDGE, undefined]);
    }
    const spin = FunctionBackend.spinKube();
    expect([spin.defaultPort, spin.defaultRuntime, spin.defaultRuntimeClassName]).toEqual([80, WasmRuntime.SPIN, 'wasmtime-spin-v2']);
  });

  test('the factories check their options and name the prop and the fix', () => {
    const e1 = thrown(() => FunctionBackend.knative({ domainClaims: 'nope' as KnativeDomainClaims }));
    expect([e1.constructPath, e1.prop]).toEqual(['FunctionBackend.knative', 'domainClaims']);
    const e2 = thrown(() => FunctionBackend.spinKube({ executorName: 'x', executor: {} }));
    expect([e2.prop, e2.fix]).toEqual(['executor', 'drop executor to use the existing executor, or drop executorName to emit one']);
    expect(thrown(() => FunctionBackend.openFaas({ edition: 'free' as OpenFaasEdition })).prop).toBe('edition');
    expect(thrown(() => FunctionBackend.openFaas({ profileNamespace: 'Not A Label' })).prop).toBe('profileNamespace');
  });
});
