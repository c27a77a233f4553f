import { Chart, Testing } from 'cdk8s';
import { EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode } from '../../lib';

/** A chart `test` in a fresh app. */
export function testChart(): Chart {
  return new Chart(Testing.app(), 'test');
}

/** The pod spec of the one Deployment (named `name`, if given) among synthesized objects. */
export function podSpec(objs: any[], name?: string): any {
  const deps = objs.filter(o => o.kind === 'Deployment' && (name === undefined || o.metadata.name === name));
  expect(deps).toHaveLength(1);
  return deps[0].spec.template.spec;
}

/** A node group `group` of one agent per zone (`node-a` in `zone-a`, ...). */
export function zoneGroup(c: Chart, zones = ['a', 'b']): EdgeNodeGroup {
  const group = new EdgeNodeGroup(c, 'group');
  zones.forEach(z => group.addNode(new EdgeOfflineNode(c, `node-${z}`, {
    role: EdgeNodeRole.AGENT, serverUrl: 'https://10.0.0.1:6443', zone: `zone-${z}`,
  })));
  return group;
}
