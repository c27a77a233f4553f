import { run, testIndex } from './helpers';
import { APP_NODES, NODE, NodeFacts, NODES_FIT_THEIR_SERVERS, someNodeCarries } from '../../../lib/private/app-checks/nodes';

type Env = ReturnType<typeof testIndex>;
function node(env: Env, id: string, facts: Partial<NodeFacts> = {}): NodeFacts {
  return env.index.add(NODE, Object.assign({
    scope: env.scope(id),
    nodeName: id,
    handlers: ['wasmedge'],
    labels: () => ({ host: id }),
    server: false,
    addresses: [],
    nodeCidrMaskSize: 24,
    maxPods: 110,
    embeddedRegistry: false,
  }, facts));
}

describe('APP_NODES', () => {
  test('indexes labels and handlers; recomputed after a registration', () => {
    const env = testIndex();
    node(env, 'a', { labels: () => ({ zone: 'z1', gpu: 'true' }) });
    let idx = env.index.derived(APP_NODES);
    expect([...idx.handlers]).toEqual(['wasmedge']);
    expect(someNodeCarries(idx, { zone: 'z1', gpu: 'true' })).toBe(true);
    expect(someNodeCarries(idx, { zone: 'z2' })).toBe(false);
    expect(env.index.derived(APP_NODES)).toBe(idx);
    node(env, 'b', { handlers: ['spin'], labels: () => ({ zone: 'z2' }) });
    idx = env.index.derived(APP_NODES);
    expect(idx.nodes).toHaveLength(2);
    expect(idx.handlers.has('spin')).toBe(true);
    expect(someNodeCarries(idx, { zone: 'z2' })).toBe(true);
    // Labels of two different nodes do not add up to one match.
    expect(someNodeCarries(idx, { zone: 'z2', gpu: 'true' })).toBe(false);
  });

  test('an empty selector matches when the app has nodes', () => {
    const env = testIndex();
    expect(someNodeCarries(env.index.derived(APP_NODES), {})).toBe(false);
    node(env, 'a');
    expect(someNodeCarries(env.index.derived(APP_NODES), {})).toBe(true);
  });
});

describe(NODES_FIT_THEIR_SERVERS.name, () => {
  test('an agent needing larger node subnets than its server hands out', () => {
    const env = testIndex();
    node(env, 'server', { server: true, nodeCidrMaskSize: 24, embeddedRegistry: true });
    node(env, 'agent', { joins: { host: 'server' }, nodeCidrMaskSize: 22, maxPods: 500, podsPerNode: 500 });
    expect(run(env.index, NODES_FIT_THEIR_SERVERS)).toEqual([expect.stringMatching(
      /^\[cdk8s-wasm-edge\] agent: density.podsPerNode=500: needs \/22 node subnets, but server server hands out \/24 .*podsPerNode >= 500/)]);
  });

  test('servers are found by an address, else the only server; several unnamed servers: none', () => {
    const env = testIndex();
    node(env, 's1', { server: true, addresses: ['10.0.0.1'] });
    node(env, 'agent', { joins: { host: '10.0.0.1' }, embeddedRegistry: true });
    expect(run(env.index, NODES_FIT_THEIR_SERVERS)).toEqual([expect.stringMatching(/agent: embeddedRegistry=true: server s1 does not run the embedded registry mirror/)]);
    node(env, 's2', { server: true });
    node(env, 'elsewhere', { joins: { host: 'hub.example.com' }, embeddedRegistry: true });
    expect(run(env.index, NODES_FIT_THEIR_SERVERS)).toHaveLength(1);
  });

  test('a server given as a node is the one joined', () => {
    const env = testIndex();
    const s = node(env, 's', { server: true });
    node(env, 'other', { server: true, embeddedRegistry: true });
    node(env, 'agent', { joins: { server: s, host: 'other' }, embeddedRegistry: true });
    expect(run(env.index, NODES_FIT_THEIR_SERVERS)).toEqual([expect.stringMatching(/server s does not run/)]);
  });
});
