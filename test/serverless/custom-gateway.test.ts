/**
 * A new gateway is one subclass of Gateway, written outside the library with its public API only:
 * it renders the route object in bind() and says what the route claims on it.
 */
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { chart, IMAGE, one, validationText } from './helpers';
import { FunctionRoute, Gateway, GatewayRouteConfig, GatewayRouteOptions, RouteBackend, ServerlessFunction } from '../../lib';
import { synthAndValidate } from '../util/validate';

/** An Ingress of a fixed class, with the controller's rewrite annotation; no wildcard hosts. */
class NginxGateway extends Gateway {
  public readonly routeKind = 'Ingress';

  public checkHost(where: string, prop: string, host: string): void {
    if (host.startsWith('*.')) throw new Error(`${where}: ${prop}: no wildcards here`);
  }

  public bind(scope: Construct, route: GatewayRouteOptions): GatewayRouteConfig {
    const apiObject = new kplus.k8s.KubeIngress(scope, 'Resource', {
      metadata: {
        name: route.name,
        namespace: route.namespace,
        annotations: Object.assign({ 'nginx.ingress.kubernetes.io/rewrite-target': '/' }, route.annotations),
      },
      spec: {
        ingressClassName: 'nginx',
        rules: (route.hosts.length > 0 ? route.hosts : [undefined]).map(host => ({
          host,
          http: {
            paths: route.pathPrefixes.map(path => ({
              path, pathType: 'Prefix', backend: { service: { name: route.serviceName, port: { number: route.servicePort } } },
            })),
          },
        })),
      },
    });
    return { apiObject, claimScope: 'nginx', lanes: ['*'], laneDescription: 'nginx' };
  }
}

describe('a custom gateway', () => {
  test('renders the route of a ServerlessFunction', () => {
    const c = chart();
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', gateway: new NginxGateway(), host: 'hello.example.com', path: '/api' });
    const ingress = one(synthAndValidate(c), 'Ingress');
    expect(ingress.metadata).toMatchObject({ name: 'hello', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ host: 'hello.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'hello', port: { number: 8080 } } } }] } }],
    });
    expect(f.route?.routeKind).toBe('Ingress');
    expect(f.route?.apiObject.kind).toBe('Ingress');
  });

  test('refuses the hosts it cannot match, and its routes take part in the app-level route check', () => {
    expect(() => new ServerlessFunction(chart(), 'hello', { image: IMAGE, gateway: new NginxGateway(), host: '*.example.com' })).toThrow(/no wildcards here/);
    const c = chart();
    new FunctionRoute(c, 'a', { gateway: new NginxGateway(), backend: RouteBackend.service('a', 80), host: 'x.example.com' });
    new FunctionRoute(c, 'b', { gateway: new NginxGateway(), backend: RouteBackend.service('b', 80), host: 'x.example.com', pathPrefix: '/' });
    expect(validationText(c)).toMatch(/test\/a: hosts\/pathPrefixes="nginx \*, host x.example.com, path \/": test\/b claims the same host and path prefix/);
  });
});
