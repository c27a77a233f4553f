import { FunctionBackend } from '../../lib/backends/function-backend';
import { WasmRuntime } from '../../lib/core/runtime';
import { Gateway } from '../../lib/routing';
import { RuntimeClass } from '../../lib/runtime-class';
import { KedaTrigger } from '../../lib/scaling';
import { ServerlessFunction } from '../../lib/serverless-function';
import { chart, fn, IMAGE, kinds, one } from '../serverless/helpers';
import { synthAndValidate } from '../util/validate';

const kafka = () => KedaTrigger.kafka({ bootstrapServers: ['kafka.kafka.svc:9092'], consumerGroup: 'wasm', topic: 'events' });

describe('SpinKube backend', () => {
  test('SpinApp + SpinAppExecutor with the wasmtime-spin-v2 class, port 80, Spin health checks', () => {
    const { f, objs } = fn({ backend: FunctionBackend.spinKube(), env: { greeting: 'hello' } });
    const o = objs();
    expect(kinds(o)).toEqual(['SpinAppExecutor', 'SpinApp']);
    // spin-operator config/samples/spin-shim-executor.yaml: containerd-shim-spin, wasmtime-spin-v2, installDefaultCACerts.
    expect(one(o, 'SpinAppExecutor').metadata.name).toBe('containerd-shim-spin');
    expect(one(o, 'SpinAppExecutor').spec).toEqual({ createDeployment: true, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2', installDefaultCACerts: true } });
    const app = one(o, 'SpinApp').spec;
    expect(app).toMatchObject({ image: IMAGE, executor: 'containerd-shim-spin', replicas: 1, variables: [{ name: 'greeting', value: 'hello' }] });
    expect(app.enableAutoscaling).toBeUndefined();
    expect(app.checks.readiness.httpGet).toEqual({ path: '/.well-known/spin/health' });
    expect([f.serviceName, f.servicePort]).toEqual(['hello', 80]);
    expect(o).toMatchSnapshot();
  });

  test('scale to zero: enableAutoscaling, and KEDA targets the Deployment of the same name through its Service on port 80', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), scaleToZero: true, host: 'hello.example.com', gateway: Gateway.traefik() }).objs();
    expect(kinds(o)).toEqual(['SpinAppExecutor', 'SpinApp', 'InterceptorRoute', 'ScaledObject', 'IngressRoute']);
    const app = one(o, 'SpinApp').spec;
    expect(app.enableAutoscaling).toBe(true);
    expect(app.replicas).toBeUndefined();
    expect(one(o, 'InterceptorRoute').spec.target).toEqual({ service: 'hello', port: 80 });
    expect(one(o, 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' });
    expect(o).toMatchSnapshot();
  });

  test('Kafka trigger on a SpinApp', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), triggers: [kafka()] }).objs();
    expect(one(o, 'ScaledObject').spec.triggers[0].type).toBe('kafka');
  });

  test('an existing executor; an emitted wasmtimeSpinV2 RuntimeClass', () => {
    const c = chart();
    const rc = RuntimeClass.wasmtimeSpinV2(c, 'Spin', { runtime: WasmRuntime.SPIN_V2 });
    new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube({ executorName: 'containerd-shim-spin' }), runtimeClass: rc });
    const o = synthAndValidate(c);
    expect(kinds(o)).toEqual(['RuntimeClass', 'SpinApp']);
    expect(one(o, 'RuntimeClass').handler).toBe('spin-v2');
    expect(one(o, 'SpinApp').spec.executor).toBe('containerd-shim-spin');
  });

  test('secret variables by reference', () => {
    const o = fn({ backend: FunctionBackend.spinKube(), secretEnv: { api_token: { secretName: 'api', key: 'token' } } }).objs();
    expect(one(o, 'SpinApp').spec.variables).toEqual([{ name: 'api_token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }]);
  });
});
