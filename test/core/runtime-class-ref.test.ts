import { Testing } from 'cdk8s';
import { WasmRuntime } from '../../lib/core/runtime';
import { IRuntimeClass } from '../../lib/core/runtime-class-ref';
import { RuntimeClassManagerShim, ShimFetchStrategy } from '../../lib/fleet/shim';
import { RuntimeClass } from '../../lib/runtime-class';

// The reference workloads take: the library's own classes and the classes other constructs create
// (runtime-class-manager's) give the same fields.
test('RuntimeClass, an existing class and a Shim\'s class are IRuntimeClass references', () => {
  const chart = Testing.chart();
  const refs: IRuntimeClass[] = [
    new RuntimeClass(chart, 'own'),
    RuntimeClass.fromK3s(chart, 'k3s', WasmRuntime.WASMEDGE),
    new RuntimeClassManagerShim(chart, 'shim', {
      runtime: WasmRuntime.SPIN_V2,
      fetchStrategy: ShimFetchStrategy.anonHttp('https://mirror.site.lan/containerd-shim-spin-v2.tar.gz'),
    }).runtimeClass,
  ];
  expect(refs.map(r => [r.runtimeClassName.length > 0, typeof r.runtime.handler, typeof r.nodeSelector, typeof r.managed])).toEqual(
    Array(3).fill([true, 'string', 'object', 'boolean']));
  expect(refs.map(r => r.managed)).toEqual([true, false, false]);
});
