import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { runRule } from './helpers';
import { WasmRuntime } from '../../../lib/core/runtime';
import { EdgeFleet } from '../../../lib/fleet/edge-fleet';
import { FleetApp } from '../../../lib/fleet/fleet-app';
import { appIndex } from '../../../lib/private/app-checks';
import { clusterKey } from '../../../lib/private/app-checks/clusters';
import { UNIQUE_RUNTIME_CLASS_NAMES } from '../../../lib/private/app-checks/runtime-classes';
import { RuntimeClass } from '../../../lib/runtime-class';

describe('clusterKey', () => {
  test('one cluster without sites; a cluster per site in a fleet', () => {
    const plain = Testing.chart();
    expect(clusterKey(appIndex(plain), new Construct(plain, 'x'))).toBe('');
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    const a = fleet.addSite('a');
    const b = fleet.addSite('b');
    const deep = new Construct(new Construct(a, 'x'), 'y');
    expect(clusterKey(appIndex(a), deep)).toBe('site mec/a');
    expect(clusterKey(appIndex(a), b)).toBe('site mec/b');
    expect(clusterKey(appIndex(a), fleet.managementChart)).toBe('');
  });

  test('names are unique per site: each site may have its own "wasmedge" RuntimeClass', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    const a = fleet.addSite('a');
    const b = fleet.addSite('b');
    new RuntimeClass(a, 'rc');
    new RuntimeClass(b, 'rc');
    expect(runRule(UNIQUE_RUNTIME_CLASS_NAMES, fleet).errors).toEqual([]);
    new RuntimeClass(a, 'rc2');
    expect(runRule(UNIQUE_RUNTIME_CLASS_NAMES, fleet).errors.map(e => e.constructPath)).toEqual(['mec/a/rc', 'mec/a/rc2']);
  });
});

test('a RuntimeClass is judged by its own site\'s nodes: a change to site a leaves site b\'s files alone', () => {
  const build = (spinOnA: boolean) => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    const a = fleet.addSite('a', { servers: [{ name: 'a-s' }], nodeDefaults: { runtimes: spinOnA ? [WasmRuntime.WASMEDGE, WasmRuntime.SPIN] : [WasmRuntime.WASMEDGE] } });
    const b = fleet.addSite('b', { servers: [{ name: 'b-s' }] });
    return { a: RuntimeClass.wasmtimeSpinV2(a, 'Spin'), b: RuntimeClass.wasmtimeSpinV2(b, 'Spin') };
  };
  const without = build(false);
  const withSpin = build(true);
  expect(withSpin.b.apiObject.toJson()).toEqual(without.b.apiObject.toJson());
  expect(withSpin.a.apiObject.toJson()).not.toEqual(without.a.apiObject.toJson());
});
