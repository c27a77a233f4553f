import { Duration } from 'cdk8s';
import { FunctionBackend, KnativeAutoscalerClass, KnativeFeatureFlags } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import { RuntimeClass } from '../../lib/runtime-class';
import { ServerlessFunction } from '../../lib/serverless-function';
import { Warnings } from '../../lib/warnings';
import { chart, EDGE_SITE, fn, IMAGE, kinds, ofKind, one } from '../serverless/helpers';
import { synthAndValidate } from '../util/validate';

describe('Knative backend', () => {
  const knative = (options = {}) => FunctionBackend.knative(options);

  test('a Knative Service with kebab-case autoscaling annotations, containerConcurrency and a hardened container', () => {
    const { f, objs } = fn({ backend: knative(), warmReplicas: 2, maxReplicas: 8, concurrency: 50 });
    const o = objs();
    expect(kinds(o)).toEqual(['Service']);
    const ksvc = one(o, 'Service');
    expect(ksvc.apiVersion).toBe('serving.knative.dev/v1');
    expect(ksvc.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'concurrency',
      'autoscaling.knative.dev/target': '50',
      'autoscaling.knative.dev/min-scale': '2',
      'autoscaling.knative.dev/max-scale': '8',
      'autoscaling.knative.dev/initial-scale': '2',
    });
    const spec = ksvc.spec.template.spec;
    expect(spec.containerConcurrency).toBe(50);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.runtimeClassName).toBe('wasmedge');
    expect(spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    });
    // The pod's uid covers queue-proxy too (it has runAsNonRoot but no runAsUser: queue.go:80-90 at v1.23.0).
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
    expect(spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect([f.serviceName, f.servicePort, f.resource?.kind]).toEqual(['hello', 80, 'Service']);
    expect(o).toMatchSnapshot();
  });

  test('nothing asks for autoscaling: min-scale == max-scale pins the warm pool', () => {
    const ann = one(fn({ backend: knative(), warmReplicas: 3 }).objs(), 'Service').spec.template.metadata.annotations;
    expect([ann['autoscaling.knative.dev/min-scale'], ann['autoscaling.knative.dev/max-scale']]).toEqual(['3', '3']);
  });

  test('runtimeClassName needs config-features: a warning with the kubectl patch by default', () => {
    const { f } = fn({ backend: knative() });
    expect(Warnings.of(f).messages.join('\n')).toMatch(/kubectl -n knative-serving patch configmap config-features --type merge -p '\{"data":\{"kubernetes.podspec-runtimeclassname":"enabled","kubernetes.podspec-securitycontext":"enabled"\}\}'/);
  });

  test('EMIT_CONFIG_MAP: one config-features ConfigMap for all functions, with the union of the flags', () => {
    const c = chart();
    const backend = knative({ featureFlags: KnativeFeatureFlags.EMIT_CONFIG_MAP });
    new ServerlessFunction(c, 'a', { image: IMAGE, backend });
    new ServerlessFunction(c, 'b', { image: IMAGE, backend, placement: EDGE_SITE });
    const cm = one(synthAndValidate(c), 'ConfigMap');
    expect(cm.metadata).toMatchObject({ name: 'config-features', namespace: 'knative-serving' });
    expect(cm.data).toEqual({
      'kubernetes.podspec-nodeselector': 'enabled',
      'kubernetes.podspec-runtimeclassname': 'enabled',
      'kubernetes.podspec-securitycontext': 'enabled',
      'kubernetes.podspec-tolerations': 'enabled',
    });
  });

  test('ASSUME_ENABLED: no ConfigMap and no warning', () => {
    const { f, objs } = fn({ backend: knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED }) });
    expect(ofKind(objs(), 'ConfigMap')).toEqual([]);
    expect(Warnings.of(f).messages).toEqual([]);
  });

  test('scale to zero: min-scale 0, no initial-scale; host becomes a DomainMapping', () => {
    const o = fn({ backend: knative(), scaleToZero: true, host: 'hello.example.com' }).objs();
    const ann = one(o, 'Service').spec.template.metadata.annotations;
    expect(ann['autoscaling.knative.dev/min-scale']).toBe('0');
    expect(ann['autoscaling.knative.dev/initial-scale']).toBeUndefined();
    expect(one(o, 'DomainMapping')).toMatchObject({
      apiVersion: 'serving.knative.dev/v1beta1',
      metadata: { name: 'hello.example.com' },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' } },
    });
  });

  test('window, scale-down-delay and the HPA class', () => {
    const o = fn({
      backend: knative({ window: Duration.seconds(30), scaleDownDelay: Duration.minutes(5), autoscalerClass: KnativeAutoscalerClass.HPA }),
    }).objs();
    expect(one(o, 'Service').spec.template.metadata.annotations).toMatchObject({
      'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev',
      'autoscaling.knative.dev/metric': 'cpu',
      'autoscaling.knative.dev/window': '30s',
      'autoscaling.knative.dev/scale-down-delay': '300s',
    });
  });

  test('crun: queue-proxy is a Linux sidecar, so the pod is compat-smart', () => {
    const c = chart();
    new ServerlessFunction(c, 'hello', { image: IMAGE, backend: knative(), runtimeClass: new RuntimeClass(c, 'Crun', { runtime: WasmRuntime.CRUN }) });
    expect(one(synthAndValidate(c), 'Service').spec.template.metadata.annotations['module.wasm.image/variant']).toBe('compat-smart');
  });

  test('placement: nodeSelector and tolerations (with their feature flags)', () => {
    const { f, objs } = fn({ backend: knative(), placement: EDGE_SITE });
    const spec = one(objs(), 'Service').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': 'site-a' });
    expect(spec.tolerations).toHaveLength(3);
    expect(Warnings.of(f).messages.join('\n')).toMatch(/kubernetes.podspec-nodeselector, kubernetes.podspec-tolerations/);
  });

  test('env and secrets by reference', () => {
    const o = fn({ backend: knative(), env: { MODE: 'edge' }, secretEnv: { API_TOKEN: { secretName: 'api', key: 'token' } } }).objs();
    expect(one(o, 'Service').spec.template.spec.containers[0].env).toEqual([
      { name: 'MODE', value: 'edge' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
  });
});
