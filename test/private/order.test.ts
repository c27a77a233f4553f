import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EdgeOfflineNode, WasmRuntime } from '../../lib';
import { byCodeUnit } from '../../lib/private/order';

describe('output order does not depend on the host locale', () => {
  test('byCodeUnit is the code-unit order, unlike a Danish collation', () => {
    const words = ['b.example.com/edge', 'aa.example.com/edge', 'node.kubernetes.io/not-ready', 'Z', '-x', '.y'];
    expect([...words].sort(byCodeUnit)).toEqual([...words].sort());
    // Under da-DK "aa" sorts after "z" (it is the letter å): what localeCompare did on such a host.
    expect(['aa', 'b'].sort((a, b) => a.localeCompare(b, 'da-DK'))).toEqual(['b', 'aa']);
    expect(['aa', 'b'].sort(byCodeUnit)).toEqual(['aa', 'b']);
  });

  test('node files and workload tolerations come out in code-unit order', () => {
    const c = new Chart(Testing.app(), 'c');
    const n = new EdgeOfflineNode(c, 'n', {
      runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.CRUN],
      taints: [{ key: 'b.example.com/edge', effect: kplus.TaintEffect.NO_SCHEDULE }, { key: 'aa.example.com/edge', effect: kplus.TaintEffect.NO_SCHEDULE }],
      extraConfig: { 'data-dir': '/aa/k3s' },
    });
    const paths = n.renderFiles().map(f => f.path);
    expect(paths).toEqual([...paths].sort());
  });
});
