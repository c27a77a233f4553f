import { InterceptorAccess, RouteBackend } from '../../lib/routing';

describe('RouteBackend', () => {
  test('service: a Service of the route\'s namespace', () => {
    const b = RouteBackend.service('hello', 8080);
    expect([b.serviceName, b.port, b.isInterceptor, b.clusterDnsName]).toEqual(['hello', 8080, false, undefined]);
  });

  test('kedaHttpInterceptor: the add-on\'s proxy in namespace keda, reached from its namespace by default', () => {
    const b = RouteBackend.kedaHttpInterceptor();
    expect([b.serviceName, b.port, b.interceptorNamespace, b.interceptorAccess]).toEqual(['keda-add-ons-http-interceptor-proxy', 8080, 'keda', InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE]);
    expect(RouteBackend.kedaHttpInterceptor({ clusterDomain: 'edge.local' }).clusterDnsName).toBe('keda-add-ons-http-interceptor-proxy.keda.svc.edge.local');
  });

  test('bad options are refused', () => {
    expect(() => RouteBackend.service('Hello', 8080)).toThrow(/serviceName="Hello"/);
    expect(() => RouteBackend.kedaHttpInterceptor({ access: 'x' as InterceptorAccess })).toThrow(/is not an InterceptorAccess/);
  });
});
