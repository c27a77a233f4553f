import { KedaHttpAddOn } from '../../lib/scaling';

describe('KedaHttpAddOn constants', () => {
  test('interceptor proxy and external scaler', () => {
    expect(KedaHttpAddOn.INTERCEPTOR_PROXY_SERVICE).toBe('keda-add-ons-http-interceptor-proxy');
    expect(KedaHttpAddOn.NAMESPACE).toBe('keda');
    expect(KedaHttpAddOn.INTERCEPTOR_PROXY_PORT).toBe(8080);
    expect(KedaHttpAddOn.INTERCEPTOR_PROXY_FQDN).toBe('keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local');
    expect(KedaHttpAddOn.EXTERNAL_SCALER_ADDRESS).toBe('keda-add-ons-http-external-scaler.keda:9090');
  });
});
