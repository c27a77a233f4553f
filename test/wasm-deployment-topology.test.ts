import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  EdgeNodeGroup, EdgeOfflineNode, NodeInclusionPolicy, STRICT_CONTEXT_KEY, TOPOLOGY_HOSTNAME_KEY, TOPOLOGY_ZONE_KEY, WasmDeployment,
  WhenUnsatisfiable, Warnings,
} from '../lib';
import { podSpec, testChart as chart, zoneGroup } from './util/placement';
import { synthAndValidate } from './util/validate';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

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
