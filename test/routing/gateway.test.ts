import { Chart, Testing } from 'cdk8s';
import { Gateway, GatewayRouteOptions } from '../../lib/routing';

const ROUTE: GatewayRouteOptions = {
  hosts: ['hello.example.com'], pathPrefixes: ['/'], name: 'hello', middlewares: [], serviceName: 'hello', servicePort: 8080, chartNamespace: 'apps',
};

function bind(gateway: Gateway, route: Partial<GatewayRouteOptions> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  return gateway.bind(chart, Object.assign({}, ROUTE, route));
}

describe('Gateway', () => {
  test('each gateway names the object it emits', () => {
    expect([Gateway.traefik(), Gateway.ingress(), Gateway.gatewayApi({ gatewayName: 'edge' })].map(g => g.routeKind)).toEqual(['IngressRoute', 'Ingress', 'HTTPRoute']);
  });

  test('checkHost: Traefik refuses wildcards; Ingress and Gateway API refuse IP addresses', () => {
    expect(() => Gateway.traefik().checkHost('x', 'host', '*.example.com')).toThrow(/Host\(\) matcher takes no wildcard/);
    expect(() => Gateway.traefik().checkHost('x', 'host', '10.0.0.1')).not.toThrow();
    expect(() => Gateway.ingress().checkHost('x', 'host', '10.0.0.1')).toThrow(/an Ingress host must be a DNS name/);
    expect(() => Gateway.gatewayApi({ gatewayName: 'edge' }).checkHost('x', 'host', '10.0.0.1')).toThrow(/an HTTPRoute hostname must be a DNS name/);
    expect(() => Gateway.ingress().checkHost('x', 'host', '*.example.com')).not.toThrow();
  });

  test('bind: the route object and what the route claims on the gateway', () => {
    const t = bind(Gateway.traefik({ tlsSecretName: 'tls' }));
    expect([t.apiObject.kind, t.claimScope, t.lanes, t.laneDescription]).toEqual(['IngressRoute', 'traefik', ['websecure'], 'Traefik entry point']);
    const i = bind(Gateway.ingress({ ingressClassName: 'nginx' }));
    expect([i.apiObject.kind, i.claimScope, i.lanes]).toEqual(['Ingress', 'ingress class nginx', ['*']]);
    const g = bind(Gateway.gatewayApi({ gatewayName: 'edge', sectionName: 'https' }));
    expect([g.apiObject.kind, g.claimScope, g.lanes, g.laneDescription]).toEqual(['HTTPRoute', 'Gateway apps/edge', ['https'], 'Gateway apps/edge listener']);
  });

  test('bind: what a gateway cannot do with a route is refused', () => {
    expect(() => bind(Gateway.ingress(), { serviceNamespace: 'keda' })).toThrow(/a Kubernetes Ingress can only name Services in its own namespace/);
    expect(() => bind(Gateway.gatewayApi({ gatewayName: 'edge' }), { middlewares: [{ name: 'strip' }] })).toThrow(/this gateway emits an HTTPRoute/);
    expect(() => bind(Gateway.ingress({ tlsSecretName: 'tls' }), { hosts: [] })).toThrow(/an Ingress TLS section needs the host/);
  });
});
