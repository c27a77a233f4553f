import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, EdgeService, EdgeServiceProps, NodeInclusionPolicy, STRICT_CONTEXT_KEY, TOPOLOGY_HOSTNAME_KEY,
  TOPOLOGY_ZONE_KEY, TrafficDistribution, TrafficPolicy, WasmDeployment, WasmRuntime, WhenUnsatisfiable, Warnings,
  WorkloadPlacement,
} from '../lib';
import { synthAndValidate } from './util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

function podSpec(objs: any[], name?: string): any {
  const deps = objs.filter(o => o.kind === 'Deployment' && (name === undefined || o.metadata.name === name));
  expect(deps).toHaveLength(1);
  return deps[0].spec.template.spec;
}

function zoneGroup(c: Chart, zones = ['a', 'b']): EdgeNodeGroup {
  const group = new EdgeNodeGroup(c, 'group');
  zones.forEach(z => group.addNode(new EdgeOfflineNode(c, `node-${z}`, {
    role: EdgeNodeRole.AGENT, serverUrl: 'https://10.0.0.1:6443', zone: `zone-${z}`,
  })));
  return group;
}

describe('WasmDeployment topologySpread', () => {
  test('no constraint by default', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', { wasmContainers: [{ image: IMAGE }] });
    expect(podSpec(synthAndValidate(c)).topologySpreadConstraints).toBeUndefined();
    expect(wd.topologySpreads).toEqual([]);
  });

  test('defaults: maxSkew 1 over the zone label, DoNotSchedule, taints honored, the workload\'s own selector', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', { wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    const [constraint] = podSpec(synthAndValidate(c)).topologySpreadConstraints;
    expect(constraint).toEqual({
      maxSkew: 1,
      topologyKey: TOPOLOGY_ZONE_KEY,
      whenUnsatisfiable: 'DoNotSchedule',
      nodeTaintsPolicy: 'Honor',
      labelSelector: { matchLabels: wd.matchLabels },
    });
    expect(wd.topologySpreads).toEqual([{
      maxSkew: 1,
      topologyKey: TOPOLOGY_ZONE_KEY,
      whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE,
      nodeTaintsPolicy: NodeInclusionPolicy.HONOR,
    }]);
  });

  test('all options, and more constraints with addTopologySpread', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', {
      wasmContainers: [{ image: IMAGE }],
      topologySpread: {
        maxSkew: 2,
        minDomains: 3,
        nodeTaintsPolicy: NodeInclusionPolicy.IGNORE,
        nodeAffinityPolicy: NodeInclusionPolicy.HONOR,
        matchLabelKeys: ['pod-template-hash'],
      },
    });
    wd.addTopologySpread({ topologyKey: TOPOLOGY_HOSTNAME_KEY, whenUnsatisfiable: WhenUnsatisfiable.SCHEDULE_ANYWAY });
    const constraints = podSpec(synthAndValidate(c)).topologySpreadConstraints;
    expect(constraints).toEqual([
      {
        maxSkew: 2,
        topologyKey: TOPOLOGY_ZONE_KEY,
        whenUnsatisfiable: 'DoNotSchedule',
        minDomains: 3,
        nodeTaintsPolicy: 'Ignore',
        nodeAffinityPolicy: 'Honor',
        matchLabelKeys: ['pod-template-hash'],
        labelSelector: { matchLabels: wd.matchLabels },
      },
      {
        maxSkew: 1,
        topologyKey: TOPOLOGY_HOSTNAME_KEY,
        whenUnsatisfiable: 'ScheduleAnyway',
        nodeTaintsPolicy: 'Honor',
        labelSelector: { matchLabels: wd.matchLabels },
      },
    ]);
  });

  test('keeps constraints added through the pod spec of cdk8s-plus', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', { wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    wd.scheduling.spread({ topology: kplus.Topology.HOSTNAME });
    const spec = podSpec(synthAndValidate(c));
    expect(spec.topologySpreadConstraints).toHaveLength(1);
    // cdk8s-plus renders spread() as pod anti-affinity, which stays.
    expect(spec.affinity?.podAntiAffinity).toBeDefined();
  });

  test.each<[string, any, RegExp]>([
    ['maxSkew 0', { maxSkew: 0 }, /topologySpread\.maxSkew=0: must be a whole number from 1 to 2147483647/],
    ['fractional maxSkew', { maxSkew: 1.5 }, /topologySpread\.maxSkew=1\.5/],
    ['topologyKey', { topologyKey: 'not a key' }, /topologySpread\.topologyKey="not a key": is not a valid label key/],
    ['minDomains 0', { minDomains: 0 }, /topologySpread\.minDomains=0: must be a whole number from 1 to 2147483647/],
    ['minDomains with ScheduleAnyway', { minDomains: 2, whenUnsatisfiable: WhenUnsatisfiable.SCHEDULE_ANYWAY }, /topologySpread\.minDomains=2: only applies to hard constraints/],
    ['matchLabelKeys', { matchLabelKeys: ['bad key'] }, /topologySpread\.matchLabelKeys="bad key"/],
    // core/v1 TopologySpreadConstraint: maxSkew and minDomains are int32; the enums are closed;
    // matchLabelKeys may not repeat a key.
    ['maxSkew beyond int32', { maxSkew: 2 ** 31 }, /topologySpread\.maxSkew=2147483648/],
    ['NaN minDomains', { minDomains: NaN }, /topologySpread\.minDomains=null/],
    ['whenUnsatisfiable', { whenUnsatisfiable: 'Sometimes' }, /whenUnsatisfiable="Sometimes": is not one of the allowed values. Fix: use one of DoNotSchedule, ScheduleAnyway/],
    ['nodeTaintsPolicy', { nodeTaintsPolicy: 'honor' }, /nodeTaintsPolicy="honor"/],
    ['nodeAffinityPolicy', { nodeAffinityPolicy: 'x' }, /nodeAffinityPolicy="x"/],
    ['duplicate matchLabelKeys', { matchLabelKeys: ['pod-template-hash', 'pod-template-hash'] }, /matchLabelKeys=.*has a key twice/],
    ['topologyKey type', { topologyKey: 5 }, /topologyKey=5: is not a string/],
  ])('refuses %s', (_what, spread, message) => {
    expect(() => new WasmDeployment(chart(), 'app', { wasmContainers: [{ image: IMAGE }], topologySpread: spread })).toThrow(message);
  });

  test('names the index of constraints added later', () => {
    const wd = new WasmDeployment(chart(), 'app', { wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    expect(() => wd.addTopologySpread({ maxSkew: -1 })).toThrow(/test\/app: topologySpread\[1\]\.maxSkew=-1/);
  });

  test('refuses a second constraint with the same topologyKey and whenUnsatisfiable', () => {
    const wd = new WasmDeployment(chart(), 'app', { wasmContainers: [{ image: IMAGE }], topologySpread: { maxSkew: 1 } });
    expect(() => wd.addTopologySpread({ maxSkew: 3 })).toThrow(/topologySpread\[1\]\.topologyKey="topology\.kubernetes\.io\/zone": already has a DoNotSchedule constraint/);
    expect(() => wd.addTopologySpread({ whenUnsatisfiable: WhenUnsatisfiable.SCHEDULE_ANYWAY })).not.toThrow();
  });

  test('refuses a matchLabelKeys key that is also in the pod selector', () => {
    const c = chart();
    const wd = new WasmDeployment(c, 'app', { wasmContainers: [{ image: IMAGE }] });
    wd.addTopologySpread({ matchLabelKeys: [Object.keys(wd.matchLabels)[0]] });
    expect(() => Testing.synth(c)).toThrow(/topologySpread\[0\]\.matchLabelKeys="cdk8s\.io\/metadata\.addr": is also a key of the pod selector/);
  });

  test('spreads a placed workload over the zones of its node group', () => {
    const c = chart();
    const group = zoneGroup(c);
    const wd = new WasmDeployment(c, 'app', { placement: group, wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    const spec = podSpec(synthAndValidate(c));
    expect(spec.nodeSelector[TOPOLOGY_ZONE_KEY]).toBeUndefined();
    expect(spec.topologySpreadConstraints[0].topologyKey).toBe(TOPOLOGY_ZONE_KEY);
    expect(Warnings.of(wd).messages).toEqual([]);
  });

  test('warns when every node of the placement is in one domain (strict mode makes it an error)', () => {
    const c = chart();
    const node = new EdgeOfflineNode(c, 'node', { zone: 'zone-a' });
    const wd = new WasmDeployment(c, 'app', { placement: node, wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    expect(Warnings.of(wd).messages).toEqual([expect.stringMatching(/every node of placement test\/node has topology\.kubernetes\.io\/zone=zone-a, so the pods have one domain/)]);

    const app = Testing.app();
    app.node.setContext(STRICT_CONTEXT_KEY, true);
    const strict = new Chart(app, 'strict');
    new WasmDeployment(strict, 'app', { placement: new EdgeOfflineNode(strict, 'node', { zone: 'zone-a' }), wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    expect(() => app.synth()).toThrow(/spreads nothing/);
  });

  test('no warning for an empty group (nodes are added later)', () => {
    const c = chart();
    const group = new EdgeNodeGroup(c, 'group');
    const wd = new WasmDeployment(c, 'app', { placement: group, wasmContainers: [{ image: IMAGE }], topologySpread: {} });
    expect(Warnings.of(wd).messages).toEqual([]);
  });
});

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

describe('WorkloadPlacement', () => {
  test('places a Linux workload like a Wasm one: all labels in one affinity term, taints, offline tolerations', () => {
    const c = chart();
    const node = new EdgeOfflineNode(c, 'node', {
      zone: 'zone-a',
      taints: [{ key: 'example.com/line', value: 'one', effect: kplus.TaintEffect.NO_SCHEDULE }, { key: 'example.com/ot', effect: kplus.TaintEffect.NO_EXECUTE }],
      offlineAutonomy: Duration.days(7),
    });
    const dep = new kplus.Deployment(c, 'broker', { containers: [{ image: 'eclipse-mosquitto:2.0.20' }] });
    WorkloadPlacement.apply(dep, node);
    const spec = podSpec(synthAndValidate(c));
    const terms = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toHaveLength(1);
    expect(Object.fromEntries(terms[0].matchExpressions.map((e: any) => [e.key, e.values[0]]))).toEqual(node.nodeLabels);
    expect(terms[0].matchExpressions.every((e: any) => e.operator === 'In')).toBe(true);
    const week = 7 * 24 * 3600;
    expect(spec.tolerations).toEqual(expect.arrayContaining([
      { key: 'example.com/line', operator: 'Equal', value: 'one', effect: 'NoSchedule' },
      { key: 'example.com/ot', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: week },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: week },
    ]));
    expect(spec.tolerations).toHaveLength(4);
  });

  test('a node group: the labels all its nodes share', () => {
    const c = chart();
    const group = zoneGroup(c);
    const dep = new kplus.Deployment(c, 'gw', { containers: [{ image: 'nginx:1.27' }] });
    WorkloadPlacement.apply(dep, group);
    const terms = podSpec(synthAndValidate(c)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const keys = terms[0].matchExpressions.map((e: any) => e.key);
    expect(keys).toContain(group.groupLabel);
    expect(keys).not.toContain(TOPOLOGY_ZONE_KEY);
  });

  test('refuses nodes reserved for Wasm', () => {
    const c = chart();
    const node = new EdgeOfflineNode(c, 'node', { role: EdgeNodeRole.AGENT, serverUrl: 'https://10.0.0.1:6443', wasmOnly: true, runtimes: [WasmRuntime.WASMEDGE] });
    const dep = new kplus.Deployment(c, 'gw', { containers: [{ image: 'nginx:1.27' }] });
    expect(() => WorkloadPlacement.apply(dep, node)).toThrow(/test\/gw: placement="test\/node": its nodes are reserved for Wasm/);
  });
});
