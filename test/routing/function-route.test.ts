import { App, Chart, Testing } from 'cdk8s';
import { FunctionRoute, Gateway, InterceptorAccess, RouteBackend, TraefikEntryPoint } from '../../lib/routing';
import { KedaHttpAddOn } from '../../lib/scaling/keda-http-add-on';
import { Warnings } from '../../lib/warnings';
import { synthAndValidate } from '../util/validate';

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

const GATEWAYS: Array<[string, () => Gateway]> = [
  ['traefik', () => Gateway.traefik()],
  ['ingress', () => Gateway.ingress({ ingressClassName: 'traefik' })],
  ['gateway-api', () => Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra' })],
];

describe.each(GATEWAYS)('FunctionRoute on %s', (_name, gateway) => {
  test('to a Service: valid, same namespace, snapshot', () => {
    const c = chart('apps');
    const r = new FunctionRoute(c, 'hello', { gateway: gateway(), backend: RouteBackend.service('hello', 8080), host: 'hello.example.com', pathPrefix: '/api' });
    const objs = synthAndValidate(c);
    expect(objs).toHaveLength(1);
    expect(objs[0].metadata.namespace).toBe('apps');
    expect(r.routeNamespace).toBeUndefined();
    expect(objs).toMatchSnapshot();
  });

  test.each(Object.values(InterceptorAccess))('to the KEDA interceptor with %s: valid', (access) => {
    const c = chart('apps');
    const make = () => new FunctionRoute(c, 'hello', {
      gateway: gateway(), backend: RouteBackend.kedaHttpInterceptor({ access }), host: 'hello.example.com',
    });
    if (access === InterceptorAccess.CROSS_NAMESPACE_REFERENCE && gateway().routeKind === 'Ingress') {
      expect(make).toThrow(/\[cdk8s-wasm-edge\] test\/hello: backend.access="cross-namespace-reference": a Kubernetes Ingress can only name Services in its own namespace/);
      return;
    }
    make();
    expect(synthAndValidate(c)).toMatchSnapshot();
  });
});

describe('FunctionRoute: what each gateway emits', () => {
  test('Traefik IngressRoute: traefik.io/v1alpha1, Host && PathPrefix rule, Service kind, port', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080), host: 'a.example.com', pathPrefix: '/x' });
    const [ir] = synthAndValidate(c);
    expect(ir.apiVersion).toBe('traefik.io/v1alpha1');
    expect(ir.kind).toBe('IngressRoute');
    expect(ir.spec.routes).toEqual([{ kind: 'Rule', match: 'Host(`a.example.com`) && PathPrefix(`/x`)', services: [{ kind: 'Service', name: 'hello', port: 8080 }] }]);
  });

  test('Traefik: host only matches Host(); no host matches PathPrefix(`/`)', () => {
    const c = chart();
    new FunctionRoute(c, 'a', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080), host: 'a.example.com' });
    new FunctionRoute(c, 'b', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080) });
    const [a, b] = synthAndValidate(c);
    expect(a.spec.routes[0].match).toBe('Host(`a.example.com`)');
    expect(b.spec.routes[0].match).toBe('PathPrefix(`/`)');
  });

  test('Traefik with TLS: websecure entry point and the secret', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik({ tlsSecretName: 'hello-tls' }), backend: RouteBackend.service('hello', 8080), host: 'a.example.com' });
    const [ir] = synthAndValidate(c);
    expect(ir.spec.entryPoints).toEqual(['websecure']);
    expect(ir.spec.tls).toEqual({ secretName: 'hello-tls' });
  });

  test('Traefik: custom entry points', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEB, TraefikEntryPoint.of('internal')] }), backend: RouteBackend.service('hello', 8080) });
    expect(synthAndValidate(c)[0].spec.entryPoints).toEqual(['web', 'internal']);
  });

  test('Ingress: networking.k8s.io/v1, class, Prefix path, TLS for the host', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.ingress({ ingressClassName: 'traefik', tlsSecretName: 'tls' }), backend: RouteBackend.service('hello', 8080), host: 'a.example.com', pathPrefix: '/fn' });
    const [ing] = synthAndValidate(c);
    expect(ing.apiVersion).toBe('networking.k8s.io/v1');
    expect(ing.spec.ingressClassName).toBe('traefik');
    expect(ing.spec.rules).toEqual([{ host: 'a.example.com', http: { paths: [{ path: '/fn', pathType: 'Prefix', backend: { service: { name: 'hello', port: { number: 8080 } } } }] } }]);
    expect(ing.spec.tls).toEqual([{ hosts: ['a.example.com'], secretName: 'tls' }]);
  });

  test('Ingress: wildcard host accepted', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.service('hello', 8080), host: '*.example.com' });
    expect(synthAndValidate(c)[0].spec.rules[0].host).toBe('*.example.com');
  });

  test('HTTPRoute: gateway.networking.k8s.io/v1, parentRef with namespace and section, hostnames, PathPrefix', () => {
    const c = chart();
    new FunctionRoute(c, 'r', {
      gateway: Gateway.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'infra', sectionName: 'http' }),
      backend: RouteBackend.service('hello', 8080),
      host: 'a.example.com',
      pathPrefix: '/fn',
    });
    const [hr] = synthAndValidate(c);
    expect(hr.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(hr.spec).toEqual({
      parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'http' }],
      hostnames: ['a.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/fn' } }], backendRefs: [{ name: 'hello', port: 8080 }] }],
    });
  });
});

describe('FunctionRoute: reaching the KEDA interceptor', () => {
  test('ROUTE_IN_INTERCEPTOR_NAMESPACE: route in namespace keda, name qualified by the chart namespace, no warning', () => {
    const c = chart('apps');
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), backend: RouteBackend.kedaHttpInterceptor(), host: 'a.example.com', name: 'hello' });
    const [hr] = synthAndValidate(c);
    expect(hr.metadata).toEqual({ name: 'apps-hello', namespace: 'keda' });
    expect(hr.spec.rules[0].backendRefs).toEqual([{ name: KedaHttpAddOn.INTERCEPTOR_PROXY_SERVICE, port: KedaHttpAddOn.INTERCEPTOR_PROXY_PORT }]);
    expect(r.routeNamespace).toBe(KedaHttpAddOn.NAMESPACE);
    expect(Warnings.of(r).messages).toEqual([]);
  });

  test('ROUTE_IN_INTERCEPTOR_NAMESPACE: long qualified names stay DNS labels', () => {
    const c = chart('a-rather-long-namespace-name-for-functions');
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.kedaHttpInterceptor(), host: 'a.example.com', name: 'an-equally-long-function-name-here' });
    synthAndValidate(c);
    expect(r.routeName.length).toBeLessThanOrEqual(63);
    expect(r.routeName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test('EXTERNAL_NAME_SERVICE: an ExternalName Service to the interceptor FQDN, and a warning about Traefik', () => {
    const c = chart('apps');
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.EXTERNAL_NAME_SERVICE }), host: 'a.example.com', name: 'hello' });
    const objs = synthAndValidate(c);
    const svc = objs.find(o => o.kind === 'Service');
    expect(svc.metadata.name).toBe('hello-interceptor');
    expect(svc.spec).toEqual({ type: 'ExternalName', externalName: 'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local', ports: [{ name: 'http', port: 8080, targetPort: 8080 }] });
    expect(objs.find(o => o.kind === 'IngressRoute').spec.routes[0].services[0].name).toBe('hello-interceptor');
    expect(Warnings.of(r).messages.join('\n')).toMatch(/allowExternalNameServices/);
  });

  test('EXTERNAL_NAME_SERVICE on Gateway API warns that support is implementation-specific', () => {
    const c = chart();
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.EXTERNAL_NAME_SERVICE, clusterDomain: 'edge.local' }), host: 'a.example.com' });
    const objs = synthAndValidate(c);
    expect(objs.find(o => o.kind === 'Service').spec.externalName).toBe('keda-add-ons-http-interceptor-proxy.keda.svc.edge.local');
    expect(Warnings.of(r).messages.join('\n')).toMatch(/SHOULD NOT support/);
  });

  test('CROSS_NAMESPACE_REFERENCE: Traefik names the namespace and warns about allowCrossNamespace', () => {
    const c = chart('apps');
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.CROSS_NAMESPACE_REFERENCE }), host: 'a.example.com' });
    const [ir] = synthAndValidate(c);
    expect(ir.metadata.namespace).toBe('apps');
    expect(ir.spec.routes[0].services[0]).toEqual({ kind: 'Service', name: 'keda-add-ons-http-interceptor-proxy', namespace: 'keda', port: 8080 });
    expect(Warnings.of(r).messages.join('\n')).toMatch(/allowCrossNamespace/);
  });

  test('CROSS_NAMESPACE_REFERENCE: HTTPRoute backendRef namespace and a ReferenceGrant warning', () => {
    const c = chart('apps');
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.CROSS_NAMESPACE_REFERENCE }), host: 'a.example.com' });
    const [hr] = synthAndValidate(c);
    expect(hr.spec.rules[0].backendRefs[0].namespace).toBe('keda');
    expect(Warnings.of(r).messages.join('\n')).toMatch(/ReferenceGrant/);
  });

  test('custom interceptor service, namespace and port', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.kedaHttpInterceptor({ serviceName: 'proxy', interceptorNamespace: 'keda-http', port: 9080 }), host: 'a.example.com' });
    const [ing] = synthAndValidate(c);
    expect(ing.metadata.namespace).toBe('keda-http');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'proxy', port: { number: 9080 } });
  });

  test('strict mode turns the access warnings into synth errors', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-wasm-edge:strict', true);
    const c = new Chart(app, 'test');
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.CROSS_NAMESPACE_REFERENCE }), host: 'a.example.com' });
    expect(() => (c.node.root as App).synth()).toThrow(/allowCrossNamespace.*strict mode/);
  });
});

describe('routing defaults (@default)', () => {
  test('Gateway.traefik entryPoints: [web] without TLS', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080) });
    expect(synthAndValidate(c)[0].spec.entryPoints).toEqual(['web']);
  });
  test('Gateway.traefik tlsSecretName: no TLS section', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080) });
    expect(synthAndValidate(c)[0].spec.tls).toBeUndefined();
  });
  test('Gateway.ingress ingressClassName: none (cluster default class); tlsSecretName: no TLS', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.service('hello', 8080) });
    const [ing] = synthAndValidate(c);
    expect(ing.spec.ingressClassName).toBeUndefined();
    expect(ing.spec.tls).toBeUndefined();
  });
  test('Gateway.gatewayApi gatewayNamespace and sectionName: left out', () => {
    const c = chart();
    new FunctionRoute(c, 'r', { gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), backend: RouteBackend.service('hello', 8080) });
    expect(synthAndValidate(c)[0].spec.parentRefs).toEqual([{ name: 'edge' }]);
  });
  test('kedaHttpInterceptor: access ROUTE_IN_INTERCEPTOR_NAMESPACE, keda-add-ons-http-interceptor-proxy.keda:8080, cluster.local', () => {
    const b = RouteBackend.kedaHttpInterceptor();
    expect(b.interceptorAccess).toBe(InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE);
    expect([b.serviceName, b.interceptorNamespace, b.port]).toEqual(['keda-add-ons-http-interceptor-proxy', 'keda', 8080]);
    expect(b.clusterDnsName).toBe('keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local');
  });
  test('FunctionRoute host: every host; pathPrefix: "/"; name: generated', () => {
    const c = chart();
    const r = new FunctionRoute(c, 'r', { gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), backend: RouteBackend.service('hello', 8080) });
    const [hr] = synthAndValidate(c);
    expect(hr.spec.hostnames).toBeUndefined();
    expect(hr.spec.rules[0].matches[0].path.value).toBe('/');
    expect(r.routeName).toMatch(/^test-r-[0-9a-f]{8}$/);
  });
});

describe('routing errors name the prop, the value and the fix', () => {
  test('Traefik takes no wildcard host', () => {
    const c = chart();
    expect(() => new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080), host: '*.example.com' }))
      .toThrow('[cdk8s-wasm-edge] test/r: host="*.example.com": Traefik\'s Host() matcher takes no wildcard. Fix: use an exact host');
  });
  test('host must be a DNS name', () => {
    const c = chart();
    expect(() => new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.service('hello', 8080), host: 'Hello_World' }))
      .toThrow(/^\[cdk8s-wasm-edge\] test\/r: host="Hello_World": is not a DNS host name.*Fix: use a host such as "hello.example.com"/);
  });
  test('path prefix must be absolute and free of backticks', () => {
    const c = chart();
    expect(() => new FunctionRoute(c, 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080), pathPrefix: 'api' }))
      .toThrow(/pathPrefix="api": is not an absolute URL path prefix: it must start with "\/". Fix: use a path starting with "\/"/);
    expect(() => new FunctionRoute(c, 'r2', { gateway: Gateway.traefik(), backend: RouteBackend.service('hello', 8080), pathPrefix: '/a`) || Host(`x' }))
      .toThrow(/is not an absolute URL path prefix/);
  });
  test('Ingress TLS needs a host', () => {
    const c = chart();
    expect(() => new FunctionRoute(c, 'r', { gateway: Gateway.ingress({ tlsSecretName: 'tls' }), backend: RouteBackend.service('hello', 8080) }))
      .toThrow('[cdk8s-wasm-edge] test/r: host=undefined: an Ingress TLS section needs the host its certificate is for. Fix: set host');
  });
  test('Traefik entryPoints must not be empty', () => {
    expect(() => Gateway.traefik({ entryPoints: [] })).toThrow(/Gateway.traefik: entryPoints=\[\]: an IngressRoute with no entry point would bind to every entry point/);
  });
  test('entry point names', () => {
    expect(() => TraefikEntryPoint.of('bad name')).toThrow(/TraefikEntryPoint.of: name="bad name": is not an entry point name/);
  });
  test('Gateway API gateway name', () => {
    expect(() => Gateway.gatewayApi({ gatewayName: 'Edge GW' })).toThrow(/Gateway.gatewayApi: gatewayName="Edge GW": is not a DNS-1123 subdomain/);
  });
  test('Ingress class and TLS secret names', () => {
    expect(() => Gateway.ingress({ ingressClassName: 'Traefik!' })).toThrow(/Gateway.ingress: ingressClassName="Traefik!"/);
    expect(() => Gateway.traefik({ tlsSecretName: 'TLS' })).toThrow(/Gateway.traefik: tlsSecretName="TLS"/);
  });
  test('RouteBackend checks', () => {
    expect(() => RouteBackend.service('hello', 0)).toThrow(/RouteBackend.service: port=0: is not a port \(a whole number from 1 to 65535\)/);
    expect(() => RouteBackend.service('Hello', 80)).toThrow(/RouteBackend.service: serviceName="Hello"/);
    expect(() => RouteBackend.kedaHttpInterceptor({ interceptorNamespace: 'KEDA' })).toThrow(/RouteBackend.kedaHttpInterceptor: interceptorNamespace="KEDA"/);
    expect(() => RouteBackend.kedaHttpInterceptor({ clusterDomain: 'bad domain' })).toThrow(/clusterDomain="bad domain"/);
  });
  test('route name must be a DNS label', () => {
    const c = chart();
    expect(() => new FunctionRoute(c, 'r', { gateway: Gateway.ingress(), backend: RouteBackend.service('hello', 8080), name: 'Bad.Name' }))
      .toThrow(/test\/r: name="Bad.Name": is not a DNS-1123 label/);
  });
});

describe('the app-level route check (one pass from the app root)', () => {
  const route = (c: Chart, id: string, gateway: Gateway, host = 'x.example.com') =>
    new FunctionRoute(c, id, { gateway, backend: RouteBackend.service(id, 80), host });
  const errorsOf = (c: Chart) => validationErrorLines(c);

  test('two routes of one host and path on one entry point: each is reported once, under the app root', () => {
    const c = chart('apps');
    route(c, 'r1', Gateway.traefik());
    route(c, 'r2', Gateway.traefik());
    const errors = errorsOf(c);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^\[\] \[cdk8s-wasm-edge\] test\/r1: hosts\/pathPrefixes="Traefik entry point web, host x.example.com, path \/": test\/r2 claims/);
    expect(errors[1]).toMatch(/^\[\] \[cdk8s-wasm-edge\] test\/r2: .*test\/r1 claims/);
  });

  test('lanes: other entry points and listeners do not clash; a route on every listener clashes with one on a listener', () => {
    const c = chart('apps');
    route(c, 'web', Gateway.traefik());
    route(c, 'secure', Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] }));
    route(c, 'other-host', Gateway.traefik(), 'y.example.com');
    expect(errorsOf(c)).toEqual([]);
    const g = chart('apps');
    route(g, 'all', Gateway.gatewayApi({ gatewayName: 'edge' }));
    route(g, 'https', Gateway.gatewayApi({ gatewayName: 'edge', sectionName: 'https' }));
    expect(errorsOf(g).join('\n')).toMatch(/test\/all: hosts\/pathPrefixes="Gateway apps\/edge listener \*, host x.example.com, path \/": test\/https claims/);
  });
});

function validationErrorLines(c: Chart): string[] {
  try {
    (c.node.root as App).synth();
    return [];
  } catch (e: any) {
    return String(e.message).split('\n').map(l => l.trim()).filter(l => l.startsWith('['));
  }
}
