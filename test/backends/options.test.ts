/**
 * Each documented @default of the backend options (lib/backends/options.ts) is what the backend
 * renders when the option is left out: the output equals the one with the default given
 * explicitly, shows the documented value, and differs from a non-default choice.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeDomainClaims, KnativeFeatureFlags, OpenFaasEdition,
  ServerlessFunction, ServerlessFunctionProps, Warnings,
} from '../../lib';
import { validationErrorOf } from '../util/errors';
import { synthAndValidate } from '../util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

/** The validated objects, and the function's warnings, of a function `hello` in namespace `apps`. */
function render(backend: FunctionBackend, props: Partial<ServerlessFunctionProps> = {}): { objs: any[]; warnings: string[] } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const f = new ServerlessFunction(chart, 'hello', { image: IMAGE, name: 'hello', backend, ...props });
  return { objs: synthAndValidate(chart), warnings: Warnings.of(f).messages };
}

const ofKind = (objs: any[], kind: string) => objs.filter(o => o.kind === kind);
const one = (objs: any[], kind: string) => {
  const found = ofKind(objs, kind);
  expect(found).toHaveLength(1);
  return found[0];
};
const ksvcAnnotations = (objs: any[]) => one(objs, 'Service').spec.template.metadata.annotations;
const knativeOnly = (objs: any[]) => objs.filter(o => o.apiVersion === 'serving.knative.dev/v1');

describe('KubernetesBackendOptions', () => {
  const scaled: Partial<ServerlessFunctionProps> = { scaleToZero: true, host: 'hello.example.com' };

  test('httpAddOnApi defaults to HttpAddOnApi.INTERCEPTOR_ROUTE', () => {
    const byDefault = render(FunctionBackend.kubernetes(), scaled).objs;
    expect(byDefault).toEqual(render(FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.INTERCEPTOR_ROUTE }), scaled).objs);
    expect(byDefault).toEqual(render(FunctionBackend.KUBERNETES, scaled).objs);
    expect(one(byDefault, 'InterceptorRoute').apiVersion).toBe('http.keda.sh/v1beta1');
    expect(ofKind(byDefault, 'HTTPScaledObject')).toEqual([]);
    expect(one(byDefault, 'ScaledObject').spec.triggers.map((t: any) => t.type)).toContain('external-push');

    const legacy = render(FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }), scaled).objs;
    expect(one(legacy, 'HTTPScaledObject').apiVersion).toBe('http.keda.sh/v1alpha1');
    expect(ofKind(legacy, 'InterceptorRoute')).toEqual([]);
  });
});

describe('KnativeBackendOptions', () => {
  test('featureFlags defaults to KnativeFeatureFlags.WARN: no ConfigMap, a warning naming the flag', () => {
    const byDefault = render(FunctionBackend.knative());
    const warn = render(FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.WARN }));
    expect(byDefault.objs).toEqual(warn.objs);
    expect(byDefault.warnings).toEqual(warn.warnings);
    expect(ofKind(byDefault.objs, 'ConfigMap')).toEqual([]);
    expect(byDefault.warnings).toHaveLength(1);
    expect(byDefault.warnings[0]).toMatch(/backend\.featureFlags="warn".*kubernetes\.podspec-runtimeclassname/);

    const emitted = render(FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP }));
    expect(one(emitted.objs, 'ConfigMap').metadata).toMatchObject({ name: 'config-features', namespace: 'knative-serving' });
    expect(one(emitted.objs, 'ConfigMap').data).toEqual({ 'kubernetes.podspec-runtimeclassname': 'enabled', 'kubernetes.podspec-securitycontext': 'enabled' });
    expect(emitted.warnings).toEqual([]);
    const assumed = render(FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED }));
    expect(ofKind(assumed.objs, 'ConfigMap')).toEqual([]);
    expect(assumed.warnings).toEqual([]);
  });

  test('autoscalerClass defaults to KnativeAutoscalerClass.KPA', () => {
    const byDefault = render(FunctionBackend.knative()).objs;
    expect(byDefault).toEqual(render(FunctionBackend.knative({ autoscalerClass: KnativeAutoscalerClass.KPA })).objs);
    expect(ksvcAnnotations(byDefault)).toMatchObject({
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'concurrency',
    });
    const hpa = render(FunctionBackend.knative({ autoscalerClass: KnativeAutoscalerClass.HPA })).objs;
    expect(ksvcAnnotations(hpa)).toMatchObject({ 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu' });
  });

  test('window defaults to the cluster\'s stable-window: no annotation', () => {
    const byDefault = ksvcAnnotations(render(FunctionBackend.knative()).objs);
    expect(Object.keys(byDefault)).not.toContain('autoscaling.knative.dev/window');
    expect(ksvcAnnotations(render(FunctionBackend.knative({ window: Duration.seconds(90) })).objs)['autoscaling.knative.dev/window']).toBe('90s');
  });

  test('scaleDownDelay defaults to the cluster\'s scale-down-delay: no annotation', () => {
    const byDefault = ksvcAnnotations(render(FunctionBackend.knative()).objs);
    expect(Object.keys(byDefault)).not.toContain('autoscaling.knative.dev/scale-down-delay');
    const delayed = ksvcAnnotations(render(FunctionBackend.knative({ scaleDownDelay: Duration.minutes(5) })).objs);
    expect(delayed['autoscaling.knative.dev/scale-down-delay']).toBe('300s');
  });

  test('domainClaims defaults to KnativeDomainClaims.EMIT: one ClusterDomainClaim per host', () => {
    const hosts: Partial<ServerlessFunctionProps> = { hosts: ['a.example.com', 'b.example.com'] };
    const byDefault = render(FunctionBackend.knative(), hosts).objs;
    expect(byDefault).toEqual(render(FunctionBackend.knative({ domainClaims: KnativeDomainClaims.EMIT }), hosts).objs);
    const claims = ofKind(byDefault, 'ClusterDomainClaim');
    expect(claims.map(c => [c.metadata.name, c.metadata.namespace, c.spec.namespace])).toEqual([
      ['a.example.com', undefined, 'apps'],
      ['b.example.com', undefined, 'apps'],
    ]);
    const auto = render(FunctionBackend.knative({ domainClaims: KnativeDomainClaims.CLUSTER_AUTOCREATES }), hosts).objs;
    expect(ofKind(auto, 'ClusterDomainClaim')).toEqual([]);
    expect(ofKind(auto, 'DomainMapping')).toHaveLength(2);
  });

  test('the options change only what they document', () => {
    const base = knativeOnly(render(FunctionBackend.knative()).objs);
    const windowed = knativeOnly(render(FunctionBackend.knative({ window: Duration.seconds(60) })).objs);
    delete windowed[0].spec.template.metadata.annotations['autoscaling.knative.dev/window'];
    expect(windowed).toEqual(base);
  });
});

describe('SpinKubeBackendOptions', () => {
  test('executorName defaults to an emitted executor; executor defaults to containerd-shim-spin with installDefaultCACerts', () => {
    const byDefault = render(FunctionBackend.spinKube()).objs;
    expect(byDefault).toEqual(render(FunctionBackend.spinKube({ executor: {} })).objs);
    expect(byDefault).toEqual(render(FunctionBackend.spinKube({ executor: { name: 'containerd-shim-spin', installDefaultCaCerts: true } })).objs);
    const executor = one(byDefault, 'SpinAppExecutor');
    expect(executor.metadata.name).toBe('containerd-shim-spin');
    expect(executor.spec.createDeployment).toBe(true);
    expect(executor.spec.deploymentConfig.installDefaultCACerts).toBe(true);
    expect(executor.spec.deploymentConfig.runtimeClassName).toBe('wasmtime-spin-v2');
    expect(one(byDefault, 'SpinApp').spec.executor).toBe('containerd-shim-spin');

    const noCa = one(render(FunctionBackend.spinKube({ executor: { installDefaultCaCerts: false } })).objs, 'SpinAppExecutor');
    expect(noCa.spec.deploymentConfig.installDefaultCACerts).toBe(false);
    const existing = render(FunctionBackend.spinKube({ executorName: 'my-executor' })).objs;
    expect(ofKind(existing, 'SpinAppExecutor')).toEqual([]);
    expect(one(existing, 'SpinApp').spec.executor).toBe('my-executor');
  });
});

describe('OpenFaasBackendOptions', () => {
  test('profileNamespace defaults to "openfaas"', () => {
    const byDefault = render(FunctionBackend.openFaas()).objs;
    expect(byDefault).toEqual(render(FunctionBackend.openFaas({ profileNamespace: 'openfaas' })).objs);
    expect(one(byDefault, 'Profile').metadata.namespace).toBe('openfaas');
    expect(one(render(FunctionBackend.openFaas({ profileNamespace: 'faas' })).objs, 'Profile').metadata.namespace).toBe('faas');
  });

  test('edition defaults to OpenFaasEdition.STANDARD: the Function and Profile are emitted', () => {
    const byDefault = render(FunctionBackend.openFaas()).objs;
    expect(byDefault).toEqual(render(FunctionBackend.openFaas({ edition: OpenFaasEdition.STANDARD })).objs);
    expect(byDefault).toEqual(render(FunctionBackend.openFaas({ edition: OpenFaasEdition.ENTERPRISE })).objs);
    expect(ofKind(byDefault, 'Function')).toHaveLength(1);
    expect(ofKind(byDefault, 'Profile')).toHaveLength(1);
    const e = validationErrorOf(() => render(FunctionBackend.openFaas({ edition: OpenFaasEdition.COMMUNITY })));
    expect(e.prop).toBe('backend.edition');
    expect(e.constructPath).toBe('test/hello');
  });
});
