import { FunctionBackend } from '../../lib/backends/function-backend';
import { Gateway } from '../../lib/routing';
import { EDGE_SITE, fn, IMAGE, kinds, one } from '../serverless/helpers';

describe('OpenFaaS backend', () => {
  test('Function with scaling labels + Profile (namespace openfaas) with runtimeClassName and pod security', () => {
    const { f, objs } = fn({ backend: FunctionBackend.openFaas(), maxReplicas: 5, concurrency: 4, env: { MODE: 'edge' } });
    const o = objs();
    expect(kinds(o)).toEqual(['Profile', 'Function']);
    const profile = one(o, 'Profile');
    expect(profile.metadata).toEqual({ name: 'apps-hello-wasm', namespace: 'openfaas' });
    expect(profile.spec).toEqual({
      runtimeClassName: 'wasmedge',
      podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    });
    const spec = one(o, 'Function').spec;
    expect(spec).toMatchObject({
      name: 'hello',
      image: IMAGE,
      readOnlyRootFilesystem: true,
      environment: { MODE: 'edge' },
      annotations: { 'com.openfaas.profile': 'apps-hello-wasm' },
      labels: { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '5', 'com.openfaas.scale.type': 'capacity', 'com.openfaas.scale.target': '4' },
      requests: { cpu: '50m', memory: '10Mi' },
      limits: { cpu: '200m', memory: '50Mi' },
    });
    expect([f.serviceName, f.servicePort]).toEqual(['hello', 8080]);
    expect(o).toMatchSnapshot();
  });

  test('no autoscaling: min == max pins the warm pool', () => {
    const labels = one(fn({ backend: FunctionBackend.openFaas(), warmReplicas: 3 }).objs(), 'Function').spec.labels;
    expect(labels).toEqual({ 'com.openfaas.scale.min': '3', 'com.openfaas.scale.max': '3' });
  });

  test('scale to zero: com.openfaas.scale.zero (OpenFaaS Pro)', () => {
    const labels = one(fn({ backend: FunctionBackend.openFaas(), scaleToZero: true }).objs(), 'Function').spec.labels;
    expect(labels).toMatchObject({ 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.min': '1' });
  });

  test('placement: constraints on the Function, tolerations in the Profile', () => {
    const o = fn({ backend: FunctionBackend.openFaas(), placement: EDGE_SITE }).objs();
    expect(one(o, 'Function').spec.constraints).toEqual(['topology.kubernetes.io/zone=site-a']);
    expect(one(o, 'Profile').spec.tolerations).toHaveLength(3);
  });

  test('a gateway routes to the Service faas-netes creates', () => {
    const o = fn({ backend: FunctionBackend.openFaas(), gateway: Gateway.ingress(), host: 'hello.example.com' }).objs();
    expect(one(o, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'hello', port: { number: 8080 } });
  });

  test('profile namespace option', () => {
    const o = fn({ backend: FunctionBackend.openFaas({ profileNamespace: 'faas-system' }) }).objs();
    expect(one(o, 'Profile').metadata.namespace).toBe('faas-system');
  });
});
