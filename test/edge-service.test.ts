import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  EdgeService, EdgeServiceProps, TrafficDistribution, TrafficPolicy, WasmDeployment,
} from '../lib';
import { synthAndValidate } from './util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}


describe('EdgeService', () => {
  test('renders the traffic settings cdk8s-plus lacks', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', { wasiNetworking: true, wasmContainers: [{ image: IMAGE, portNumber: 8080 }] });
    const svc = new EdgeService(c, 'svc', {
      selector: wd,
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: 80, targetPort: 8080 }],
      metadata: { annotations: { 'example.com/steer': 'local' } },
      externalTrafficPolicy: TrafficPolicy.LOCAL,
      internalTrafficPolicy: TrafficPolicy.CLUSTER,
      trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE,
    });
    const [s] = synthAndValidate(c).filter(o => o.kind === 'Service');
    expect(s.metadata.annotations).toEqual({ 'example.com/steer': 'local' });
    expect(s.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferSameZone', selector: wd.matchLabels });
    expect(svc.externalTrafficPolicy).toBe(TrafficPolicy.LOCAL);
    expect(svc.internalTrafficPolicy).toBe(TrafficPolicy.CLUSTER);
    expect(svc.trafficDistribution).toBe(TrafficDistribution.PREFER_SAME_ZONE);
  });

  test('defaults: a plain cdk8s-plus Service (no traffic settings)', () => {
    const c = chart();
    const svc = new EdgeService(c, 'svc', { ports: [{ port: 80 }] });
    const [s] = synthAndValidate(c).filter(o => o.kind === 'Service');
    expect(s.spec.type).toBe('ClusterIP');
    for (const key of ['externalTrafficPolicy', 'internalTrafficPolicy', 'trafficDistribution']) expect(s.spec[key]).toBeUndefined();
    expect(svc.externalTrafficPolicy).toBeUndefined();
  });

  test('externalTrafficPolicy on a NodePort Service', () => {
    const c = chart();
    new EdgeService(c, 'svc', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80 }], externalTrafficPolicy: TrafficPolicy.LOCAL });
    expect(synthAndValidate(c)[0].spec.externalTrafficPolicy).toBe('Local');
  });

  test('refuses externalTrafficPolicy on a ClusterIP Service', () => {
    expect(() => new EdgeService(chart(), 'svc', { ports: [{ port: 80 }], externalTrafficPolicy: TrafficPolicy.LOCAL }))
      .toThrow(/test\/svc: externalTrafficPolicy="Local": only applies to NodePort and LoadBalancer Services, and this one is ClusterIP.*Fix: set type/);
  });

  test.each([
    ['internalTrafficPolicy', { internalTrafficPolicy: TrafficPolicy.LOCAL }],
    ['trafficDistribution', { trafficDistribution: TrafficDistribution.PREFER_SAME_NODE }],
  ])('refuses %s on an ExternalName Service', (prop, extra) => {
    expect(() => new EdgeService(chart(), 'svc', { type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'db.example.com', ...extra }))
      .toThrow(new RegExp(`test/svc: ${prop}=.*does not apply to an ExternalName Service`));
  });
});

describe('EdgeService props are validated', () => {
  // core/v1 ServicePort: port, targetPort and nodePort are 1-65535; names are DNS-1123 labels; a
  // Service name is a DNS-1035 label (k8s.io/kubernetes pkg/apis/core/validation ValidateService).
  test.each<[string, kplus.ServiceProps & Record<string, unknown>, RegExp]>([
    ['port 0', { ports: [{ port: 0 }] }, /test\/svc: ports\[0\].port=0: is not a port/],
    ['port 65536', { ports: [{ port: 65536 }] }, /ports\[0\].port=65536/],
    ['port NaN', { ports: [{ port: NaN }] }, /ports\[0\].port=null: is not a port/],
    ['targetPort 1.5', { ports: [{ port: 80, targetPort: 1.5 }] }, /ports\[0\].targetPort=1.5/],
    ['nodePort -1', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80, nodePort: -1 }] }, /ports\[0\].nodePort=-1/],
    ['port name', { ports: [{ port: 80, name: 'HTTP' }] }, /ports\[0\].name="HTTP": is not a DNS-1123 label/],
    ['Service name starting with a digit', { metadata: { name: '1abc' }, ports: [{ port: 80 }] }, /metadata.name="1abc": is not a DNS-1035 label/],
    ['label value', { metadata: { labels: { a: 'b c' } }, ports: [{ port: 80 }] }, /metadata.labels.a="b c"/],
    ['annotation with a credential', { metadata: { annotations: { 'example.com/x': 'Bearer abcdefghijklmnop' } }, ports: [{ port: 80 }] }, /metadata.annotations.example.com\/x="<redacted>"/],
    ['traffic policy', { ports: [{ port: 80 }], internalTrafficPolicy: 'Nearby' }, /internalTrafficPolicy="Nearby": is not one of the allowed values. Fix: use one of Cluster, Local/],
  ])('%s', (_, props, message) => {
    expect(() => new EdgeService(chart(), 'svc', props as EdgeServiceProps)).toThrow(message);
  });

  test('ports bound later are checked at synth: names with several ports, no duplicates', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    const svc = new EdgeService(c, 'svc', { ports: [{ port: 80 }] });
    svc.bind(80);
    expect(() => app.synth()).toThrow(/ports\[0\].name=undefined: is required when a Service has several ports.*ports\[1\].port=80: is listed twice for TCP/s);
    const app2 = Testing.app();
    const svc2 = new EdgeService(new Chart(app2, 'test'), 'svc', { ports: [{ port: 80, name: 'http' }] });
    svc2.bind(9090, { name: 'metrics' });
    app2.synth();
  });

  test('a Service without ports is the library error, not a cdk8s-plus crash at synth', () => {
    const app = Testing.app();
    new EdgeService(new Chart(app, 'test'), 'svc');
    expect(() => app.synth()).toThrow(/test\/svc: ports=\[\]: a ClusterIP Service needs at least one port/);
    const ok = Testing.app();
    new EdgeService(new Chart(ok, 'test'), 'svc', { type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'db.example.com' });
    ok.synth();
  });
});
