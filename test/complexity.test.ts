import { App, Chart, Testing } from 'cdk8s';
import {
  EdgeNodeGroup, EdgeNodeRole, EdgeOfflineNode, FunctionTenant, KedaScaledObject, KedaTrigger, WasmDeployment, WasmRuntime,
} from '../lib';
import { rootWalks } from './util/walks';

// Not a timing test: it counts walks of the whole construct tree during synth. A check that walks
// the app once per construct makes synthesis quadratic in fleet size (the benchmark found such
// cases); the number of walks must not grow with the number of constructs.

const IMAGE = 'ghcr.io/acme/fn-wasm:1.0.0';


// Each shape keeps to one chart whatever k is, so cdk8s's own walks (a few per chart) stay the same.
const shapes: Array<[string, (app: App, k: number) => void]> = [
  ['tenants', (app, k) => {
    const c = new Chart(app, 'c');
    for (let i = 0; i < k; i++) {
      new FunctionTenant(c, `t${i}`, { namespaceName: `team-${i}` });
      new WasmDeployment(c, `w${i}`, { metadata: { namespace: `team-${i}` }, wasmContainers: [{ image: IMAGE }] });
    }
  }],
  ['autoscalers', (app, k) => {
    const c = new Chart(app, 'c');
    for (let i = 0; i < k; i++) {
      const w = new WasmDeployment(c, `w${i}`, { wasmContainers: [{ image: IMAGE }] });
      new KedaScaledObject(c, `s${i}`, {
        target: w, triggers: [KedaTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 2 })],
      });
    }
  }],
  ['nodes and placements', (app, k) => {
    const c = new Chart(app, 'c');
    const servers = Array.from({ length: k }, (_, i) => new EdgeOfflineNode(c, `s${i}`, { role: EdgeNodeRole.CLUSTER_INIT_SERVER, runtimes: [WasmRuntime.WASMEDGE] }));
    const group = new EdgeNodeGroup(c, 'g', { nodes: servers });
    for (let i = 0; i < k; i++) {
      new EdgeOfflineNode(c, `a${i}`, { role: EdgeNodeRole.AGENT, serverUrl: `https://s${i}:6443` });
      new WasmDeployment(c, `w${i}`, { placement: group, wasmContainers: [{ image: IMAGE }] });
    }
  }],
];

test.each(shapes)('%s: 1 or 30 of them, the same number of walks of the tree per synth', (_, build) => {
  const walks = (k: number) => {
    const app = Testing.app();
    build(app, k);
    return rootWalks(app);
  };
  const one = walks(1);
  expect(one).toBeGreaterThan(0);
  expect(walks(30)).toBe(one);
});

test('workloads placed on a node group read its nodes once, not once per workload', () => {
  const reads = (workloads: number) => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const nodes = Array.from({ length: 10 }, (_, i) => new EdgeOfflineNode(c, `n${i}`, {
      role: EdgeNodeRole.AGENT, serverUrl: 'https://hub:6443', runtimes: [WasmRuntime.WASMEDGE],
    }));
    const group = new EdgeNodeGroup(c, 'g', { nodes });
    const spy = jest.spyOn(EdgeOfflineNode.prototype, 'nodeLabels', 'get');
    try {
      for (let i = 0; i < workloads; i++) new WasmDeployment(c, `w${i}`, { placement: group, wasmContainers: [{ image: IMAGE }] });
      app.synth();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  };
  expect(reads(1)).toBeGreaterThan(0);
  expect(reads(30)).toBe(reads(1));
});
