import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, WasmRuntime } from '../../lib';
import { validationErrorOf } from '../util/errors';

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

function agent(c: Chart, id: string, props: object = {}): EdgeOfflineNode {
  return new EdgeOfflineNode(c, id, Object.assign({ role: EdgeNodeRole.AGENT, serverUrl: 'https://10.0.0.1:6443' }, props));
}

describe('EdgeNodeGroup', () => {
  test('the labels all nodes share (with the group label), any node\'s taints, the runtimes every node offers, the longest window', () => {
    const c = chart();
    const a = agent(c, 'a', {
      zone: 'z1',
      runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN],
      offlineAutonomy: Duration.days(1),
      taints: [{ key: 'example.com/a', effect: kplus.TaintEffect.NO_SCHEDULE }],
    });
    const b = agent(c, 'b', { zone: 'z2', runtimes: [WasmRuntime.WASMEDGE], offlineAutonomy: Duration.days(7) });
    const g = new EdgeNodeGroup(c, 'pool', { nodes: [a, b] });
    expect(g.groupLabel).toBe('cdk8s-wasm-edge.io/group.pool');
    expect(g.nodeLabels[g.groupLabel]).toBe('true');
    expect(g.nodeLabels['topology.kubernetes.io/zone']).toBeUndefined();
    expect(a.nodeLabels[g.groupLabel]).toBe('true');
    expect(g.taints.map(t => t.key)).toEqual(['example.com/a']);
    expect(g.runtimes.map(r => r.handler)).toEqual(['wasmedge']);
    expect(g.offlineAutonomy!.toDays()).toBe(7);
    expect(g.nodes).toEqual([a, b]);
  });

  test('a node added later changes what the group shares', () => {
    const c = chart();
    const g = new EdgeNodeGroup(c, 'pool', { nodes: [agent(c, 'a', { zone: 'z1' })] });
    expect(g.nodeLabels['topology.kubernetes.io/zone']).toBe('z1');
    g.addNode(agent(c, 'b', { zone: 'z2' }));
    expect(g.nodeLabels['topology.kubernetes.io/zone']).toBeUndefined();
  });

  test('refuses a node twice, a non-node and a long name; an empty group is an error at synth', () => {
    const c = chart();
    const a = agent(c, 'a');
    const g = new EdgeNodeGroup(c, 'pool', { nodes: [a] });
    const twice = validationErrorOf(() => g.addNode(a));
    expect([twice.constructPath, twice.prop, twice.fix]).toEqual(['test/pool', 'nodes', 'add each node once']);
    expect(validationErrorOf(() => g.addNode({} as EdgeOfflineNode)).prop).toBe('nodes');
    expect(validationErrorOf(() => new EdgeNodeGroup(c, 'long', { groupName: 'g'.repeat(58) })).prop).toBe('groupName');
    const empty = new EdgeNodeGroup(c, 'empty');
    expect(validationErrorOf(() => empty.nodeLabels).fix).toMatch(/addNode\(\) before placing workloads/);
    expect(() => Testing.synth(c)).toThrow(/test\/empty: nodes=\[\]: is empty: the group has no nodes/);
  });
});
