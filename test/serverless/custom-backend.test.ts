/**
 * A new backend is one subclass of FunctionBackend, written outside the library with its public API
 * only (test/util/plain-backend.ts): it renders the function's objects in bind() and says what it rendered.
 */
import { chart, IMAGE, kinds, one, validationText } from './helpers';
import { Gateway, ServerlessFunction } from '../../lib';
import { PlainBackend } from '../util/plain-backend';
import { synthAndValidate } from '../util/validate';

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
