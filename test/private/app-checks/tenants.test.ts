import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { run, testIndex } from './helpers';
import { ONE_TENANT_PER_NAMESPACE, TENANT, TENANT_WORKLOADS_FIT } from '../../../lib/private/app-checks/tenants';
import { propError } from '../../../lib/private/errors';

describe(ONE_TENANT_PER_NAMESPACE.name, () => {
  test('tenants sharing a namespace are each reported', () => {
    const { index, scope } = testIndex();
    for (const [id, ns] of [['a', 'shop'], ['b', 'shop'], ['c', 'blog']]) index.add(TENANT, { scope: scope(id), namespace: ns, checkWorkloads: () => [] });
    expect(run(index, ONE_TENANT_PER_NAMESPACE)).toEqual([
      expect.stringMatching(/^\[cdk8s-wasm-edge\] a: namespaceName="shop": is also the namespace of b\. Fix: give each tenant its own namespace/),
      expect.stringMatching(/^\[cdk8s-wasm-edge\] b: namespaceName="shop": is also the namespace of a\./),
    ]);
  });
});

describe(TENANT_WORKLOADS_FIT.name, () => {
  test('each tenant sees the workloads of its own namespace and the floors; its errors are reported', () => {
    const { root, index, scope } = testIndex();
    const chart = new Chart(root, 'c');
    const shop = new kplus.Deployment(chart, 'shop', { metadata: { namespace: 'shop' }, containers: [{ image: 'nginx:1.27' }] });
    new kplus.Deployment(chart, 'blog', { metadata: { namespace: 'blog' }, containers: [{ image: 'nginx:1.27' }] });
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', { target: shop, maxReplicas: 5, minReplicas: 3 });
    const seen: Array<[string[], number | undefined]> = [];
    const t = scope('t');
    index.add(TENANT, {
      scope: t,
      namespace: 'shop',
      checkWorkloads: (workloads, floors) => {
        seen.push([workloads.map(w => w.node.id), floors.get(shop)]);
        return [propError(t, 'quota', 'shop', 'is too small', 'raise it')];
      },
    });
    expect(run(index, TENANT_WORKLOADS_FIT)).toEqual(['[cdk8s-wasm-edge] t: quota="shop": is too small. Fix: raise it']);
    expect(seen).toEqual([[['shop'], 3]]);
  });

  test('no tenant: no walk of the app', () => {
    const { root, index } = testIndex();
    const spy = jest.spyOn(root.node, 'findAll');
    expect(run(index, TENANT_WORKLOADS_FIT)).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
  });
});
