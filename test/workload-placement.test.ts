import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EdgeNodeRole, EdgeOfflineNode, TOPOLOGY_ZONE_KEY, WasmRuntime, WorkloadPlacement } from '../lib';
import { podSpec, testChart as chart, zoneGroup } from './util/placement';
import { synthAndValidate } from './util/validate';

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
