import { ApiObject, Chart, Testing } from 'cdk8s';
import { ClusterScopedObject, clusterScoped } from '../../lib/private/cluster-object';

test('a cluster-scoped object leaves out the chart namespace and keeps the rest', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
  new ClusterScopedObject(chart, 'x', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'x', labels: { a: 'b' } }, handler: 'h' } as any);
  const [json] = Testing.synth(chart);
  expect(json).toEqual({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'x', labels: { a: 'b' } }, handler: 'h' });
  const plain = new Chart(Testing.app(), 'd');
  new ClusterScopedObject(plain, 'y', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y' } });
  expect(Testing.synth(plain)[0].metadata).toEqual({ name: 'y' });
});

test('clusterScoped() drops the chart namespace of a generated object, and leaves one without it alone', () => {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'apps' });
  clusterScoped(new ApiObject(chart, 'x', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
  expect(Testing.synth(chart)[0].metadata).toEqual({ name: 'x' });
  const plain = new Chart(Testing.app(), 'd');
  clusterScoped(new ApiObject(plain, 'y', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y' } }));
  expect(Testing.synth(plain)[0].metadata).toEqual({ name: 'y' });
});
