import { Chart, Testing } from 'cdk8s';
import { ClusterScopedObject } from '../../lib/private/cluster-object';

test('a cluster-scoped object leaves out the chart namespace and keeps the rest', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
  new ClusterScopedObject(chart, 'x', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'x', labels: { a: 'b' } }, handler: 'h' } as any);
  const [json] = Testing.synth(chart);
  expect(json).toEqual({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'x', labels: { a: 'b' } }, handler: 'h' });
  const plain = new Chart(Testing.app(), 'd');
  new ClusterScopedObject(plain, 'y', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y' } });
  expect(Testing.synth(plain)[0].metadata).toEqual({ name: 'y' });
});
