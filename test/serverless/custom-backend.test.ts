/**
 * A new backend is one subclass of FunctionBackend, written outside the library with its public API
 * only: it renders the function's objects in bind() and says what it rendered.
 */
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { chart, IMAGE, kinds, one, validationText } from './helpers';
import { FunctionBackend, FunctionBackendConfig, Gateway, ResolvedFunction, ServerlessFunction } from '../../lib';
import { synthAndValidate } from '../util/validate';

/** A plain Deployment and Service (no KEDA), the platform Service on port 80. */
class PlainBackend extends FunctionBackend {
  public readonly displayName = 'Plain';
  public readonly bound: ResolvedFunction[] = [];

  public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
    this.bound.push(fn);
    const labels = { app: fn.name };
    const deployment = new kplus.k8s.KubeDeployment(scope, 'Deployment', {
      metadata: { name: fn.name },
      spec: {
        replicas: fn.warmReplicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            runtimeClassName: fn.runtimeClassName,
            containers: [{
              name: 'function',
              image: fn.image,
              ports: [{ containerPort: fn.port }],
              env: Object.keys(fn.env).sort().map(name => ({ name, value: fn.env[name] })),
            }],
          },
        },
      },
    });
    new kplus.k8s.KubeService(scope, 'Service', {
      metadata: { name: fn.name },
      spec: { selector: labels, ports: [{ port: 80, targetPort: kplus.k8s.IntOrString.fromNumber(fn.port) }] },
    });
    return { serviceName: fn.name, servicePort: 80, resource: deployment };
  }
}

describe('a custom backend', () => {
  test('renders the function from the resolved props, and the route targets its Service', () => {
    const c = chart();
    const backend = new PlainBackend();
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', backend, env: { LOG_LEVEL: 'info' }, gateway: Gateway.traefik(), host: 'hello.example.com' });
    const objs = synthAndValidate(c);
    expect(kinds(objs)).toEqual(['Deployment', 'Service', 'IngressRoute']);
    expect(one(objs, 'Deployment').spec.template.spec).toMatchObject({
      runtimeClassName: 'wasmedge',
      containers: [{ image: IMAGE, ports: [{ containerPort: 8080 }], env: [{ name: 'LOG_LEVEL', value: 'info' }] }],
    });
    expect(one(objs, 'IngressRoute').spec.routes[0].services[0]).toMatchObject({ name: 'hello', port: 80 });
    expect(f.backend).toBe(backend);
    expect(f.serviceName).toBe('hello');
    expect(f.servicePort).toBe(80);
    expect(f.resource?.kind).toBe('Deployment');
    expect(f.routesThroughInterceptor).toBe(false);
    expect(backend.bound[0]).toMatchObject({ name: 'hello', port: 8080, hosts: ['hello.example.com'], paths: ['/'], warmReplicas: 1 });
  });

  test('its objects take part in the app-level name check', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same', backend: new PlainBackend() });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same' });
    expect(validationText(c)).toMatch(/claims the same name \(Service apps\/same\)/);
  });
});
