import { runRule } from './helpers';
import { WasmRuntime } from '../../../lib/core/runtime';
import { EdgeFleet } from '../../../lib/fleet/edge-fleet';
import { FleetApp } from '../../../lib/fleet/fleet-app';
import { SITE_RUNTIMES_OFFERED, SITES_HAVE_A_SERVER, UNIQUE_SITE_NAMES, UNIQUE_SITE_NODES } from '../../../lib/private/app-checks/sites';
import { RuntimeClass } from '../../../lib/runtime-class';
import { WasmDeployment } from '../../../lib/wasm-deployment';

function fleet(): EdgeFleet {
  return new EdgeFleet(new FleetApp(), 'mec');
}

describe('site rules', () => {
  test('UNIQUE_SITE_NAMES names both sites and their inventory rows', () => {
    const f = fleet();
    f.addSite('a', { siteName: 'mec-1', source: 'sites.csv:2' });
    f.addSite('b', { siteName: 'mec-1', source: 'sites.csv:9' });
    f.addSite('c', { siteName: 'mec-2' });
    const { errors, walks } = runRule(UNIQUE_SITE_NAMES, f);
    expect(errors.map(e => [e.constructPath, e.prop])).toEqual([['mec/a (sites.csv:2)', 'siteName'], ['mec/b (sites.csv:9)', 'siteName']]);
    expect(errors[0].problem).toMatch(/mec\/b \(sites.csv:9\)/);
    expect(walks).toBe(0);
  });

  test('SITES_HAVE_A_SERVER', () => {
    const f = fleet();
    f.addSite('a', { servers: [{ name: 'a-s' }] });
    f.addSite('b', { source: 'sites.json:sites[1]' });
    const { errors } = runRule(SITES_HAVE_A_SERVER, f);
    expect(errors.map(e => [e.constructPath, e.prop])).toEqual([['mec/b (sites.json:sites[1])', 'servers']]);
  });

  test('UNIQUE_SITE_NODES: a node name or a node IP claimed by two sites', () => {
    const f = fleet();
    f.addSite('a', { servers: [{ name: 'n1', ip: '10.0.0.1' }] });
    f.addSite('b', { servers: [{ name: 'n1', ip: '10.0.0.2' }] });
    f.addSite('c', { servers: [{ name: 'n3', ip: '10.0.0.2' }] });
    f.addSite('d', { servers: [{ name: 'n4', ip: 'fd00::10' }] });
    f.addSite('e', { servers: [{ name: 'n5', ip: 'FD00:0::10' }] });
    const { errors, walks } = runRule(UNIQUE_SITE_NODES, f);
    expect(errors.map(e => [e.constructPath, e.prop, e.value])).toEqual([
      ['mec/a', 'nodes.name', '"n1"'], ['mec/b', 'nodes.name', '"n1"'],
      ['mec/b', 'nodes[n1].ip', '"10.0.0.2"'], ['mec/c', 'nodes[n3].ip', '"10.0.0.2"'],
      // One address in two spellings is one address.
      ['mec/d', 'nodes[n4].ip', '"fd00:0:0:0:0:0:0:10"'], ['mec/e', 'nodes[n5].ip', '"fd00:0:0:0:0:0:0:10"'],
    ]);
    expect(errors[2].problem).toMatch(/n3 of site c/);
    expect(walks).toBe(0);
  });

  test('SITE_RUNTIMES_OFFERED: a workload whose runtime no node of its site offers', () => {
    const f = fleet();
    const a = f.addSite('a', { servers: [{ name: 'a-s' }], nodeDefaults: { runtimes: [WasmRuntime.WASMEDGE] } });
    const b = f.addSite('b', { servers: [{ name: 'b-s' }], nodeDefaults: { runtimes: [WasmRuntime.SPIN] } });
    const image = { image: 'r/fn:1', command: ['/fn.wasm'], portNumber: 8080 };
    for (const site of [a, b]) {
      new WasmDeployment(site, 'fn', { wasmContainers: [image], wasiNetworking: true, runtimeClass: RuntimeClass.fromK3s(site, 'rc', WasmRuntime.WASMEDGE) });
    }
    const { errors } = runRule(SITE_RUNTIMES_OFFERED, f);
    expect(errors.map(e => [e.constructPath, e.prop])).toEqual([['mec/b/fn', 'runtimeClass']]);
    expect(errors[0].problem).toMatch(/"wasmedge" runtime, which no node of site b .* \(they offer spin\)/);
  });

  test('SITE_RUNTIMES_OFFERED ignores workloads outside sites and sites without nodes', () => {
    const f = fleet();
    const a = f.addSite('a');
    new WasmDeployment(a, 'fn', { wasmContainers: [{ image: 'r/fn:1', command: ['/fn.wasm'] }], runtimeClass: RuntimeClass.fromK3s(a, 'rc', WasmRuntime.WASMTIME) });
    expect(runRule(SITE_RUNTIMES_OFFERED, f).errors).toEqual([]);
  });
});
