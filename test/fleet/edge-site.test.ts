import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { WasmRuntime } from '../../lib/core/runtime';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { EdgeSite, SITE_CLUSTER_LABEL } from '../../lib/fleet/edge-site';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { EdgeNodeRole } from '../../lib/node/edge-offline-node';
import { warningsOf } from '../../lib/private/warnings';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, nastyString } from '../util/fuzz';

function fleet(): EdgeFleet {
  return new EdgeFleet(new FleetApp({ outdir: 'unused' }), 'f');
}

describe('EdgeSite', () => {
  test('@default siteName is the id; canary false; no labels but the site name; no settings; no nodes', () => {
    const site = fleet().addSite('mec-001');
    expect(site.siteName).toBe('mec-001');
    expect(site.canary).toBe(false);
    expect(site.siteLabels).toEqual({ [SITE_CLUSTER_LABEL]: 'mec-001' });
    expect(site.settings).toEqual({});
    expect(site.nodes).toEqual([]);
    expect(site.source).toBeUndefined();
  });

  test('labels: region, zone, tier, hardware, canary, cluster labels and the site name, sorted', () => {
    const site = fleet().addSite('s', {
      siteName: 'mec-7',
      region: 'eu-west',
      zone: 'eu-west-a',
      tier: 'mec',
      hardware: 'arm64',
      canary: true,
      clusterLabels: { 'example.com/owner': 'radio', 'env': 'prod' },
    });
    expect(Object.keys(site.siteLabels)).toEqual([...Object.keys(site.siteLabels)].sort());
    expect(site.siteLabels).toEqual({
      'canary': 'true',
      [SITE_CLUSTER_LABEL]: 'mec-7',
      'env': 'prod',
      'example.com/owner': 'radio',
      'hardware': 'arm64',
      'region': 'eu-west',
      'tier': 'mec',
      'zone': 'eu-west-a',
    });
    expect(site.matches({ tier: 'mec', region: 'eu-west' })).toBe(true);
    expect(site.matches({ tier: 'factory' })).toBe(false);
    expect(site.matches({})).toBe(true);
  });

  test('one server is a single-node server; agents join it by its address', () => {
    const site = fleet().addSite('s', { servers: [{ name: 's-server', ip: '10.1.0.1' }], agents: [{ name: 's-a1', ip: '10.1.0.2' }, { name: 's-a2' }] });
    expect(site.servers.map(n => n.role)).toEqual([EdgeNodeRole.SINGLE_NODE_SERVER]);
    expect(site.agents.map(n => [n.role, n.serverUrl])).toEqual([[EdgeNodeRole.AGENT, 'https://10.1.0.1:6443'], [EdgeNodeRole.AGENT, 'https://10.1.0.1:6443']]);
    // It shares images with its agents over the embedded mirror, as they expect.
    expect(site.servers[0].embeddedRegistry).toBe(true);
    expect(site.nodes.map(n => n.nodeName)).toEqual(['s-server', 's-a1', 's-a2']);
    expect(site.nodes.every(n => n.nodeLabels['cdk8s-wasm-edge.io/site'] === 's')).toBe(true);
  });

  test('a lone server without agents keeps EdgeOfflineNode\'s default (no embedded mirror)', () => {
    const site = fleet().addSite('s', { servers: [{ name: 's-server' }] });
    expect(site.servers[0].embeddedRegistry).toBe(false);
  });

  test('several servers: the first starts embedded etcd, the others join it; IPv6 in brackets', () => {
    const site = fleet().addSite('s', { servers: [{ name: 'a', ip: 'fd00::1' }, { name: 'b', ip: 'fd00::2' }], agents: [{ name: 'c' }] });
    expect(site.servers.map(n => n.role)).toEqual([EdgeNodeRole.CLUSTER_INIT_SERVER, EdgeNodeRole.JOINING_SERVER]);
    expect(site.servers[1].serverUrl).toBe('https://[fd00::1]:6443');
    expect(site.agents[0].serverUrl).toBe('https://[fd00::1]:6443');
  });

  test('without an address, agents join the server by its name', () => {
    const site = fleet().addSite('s', { servers: [{ name: 'srv' }], agents: [{ name: 'a' }] });
    expect(site.agents[0].serverUrl).toBe('https://srv:6443');
    // Which needs DNS at the site: a warning says so.
    expect(warningsOf(site.agents[0]).join('\n')).toMatch(/server="srv": has no ip, so this node joins it by name .* Fix: give the server an ip/);
    expect(warningsOf(site.servers[0])).toEqual([]);
  });

  test('nodeDefaults reach every node; the site\'s region and zone too', () => {
    const site = fleet().addSite('s', {
      region: 'eu',
      zone: 'eu-a',
      nodeDefaults: { runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN] },
      servers: [{ name: 'srv' }],
      agents: [{ name: 'a' }],
    });
    for (const n of site.nodes) {
      expect(n.runtimes.map(r => r.handler)).toEqual(['spin', 'wasmedge']);
      expect(n.nodeLabels['topology.kubernetes.io/region']).toBe('eu');
      expect(n.nodeLabels['topology.kubernetes.io/zone']).toBe('eu-a');
    }
  });

  test('settings: read with a default', () => {
    const site = fleet().addSite('s', { settings: { replicas: '3', image: 'fn:2' } });
    expect(site.setting('replicas')).toBe('3');
    expect(site.setting('missing', 'x')).toBe('x');
    expect(site.setting('missing')).toBeUndefined();
    expect(site.setting('toString')).toBeUndefined();
    expect(Object.keys(site.settings)).toEqual(['image', 'replicas']);
  });

  test('EdgeSite.siteOf finds the closest site; plain charts are not sites', () => {
    const f = fleet();
    const site = f.addSite('s', { servers: [{ name: 'srv' }] });
    expect(EdgeSite.siteOf(site.servers[0])).toBe(site);
    expect(EdgeSite.siteOf(f.managementChart)).toBeUndefined();
    expect(EdgeSite.isEdgeSite(f.managementChart)).toBe(false);
    expect(EdgeSite.isEdgeSite(Testing.chart())).toBe(false);
  });

  describe('bad input', () => {
    test.each([
      ['siteName', { siteName: 'Bad_Name' }],
      ['region', { region: 'not a label value' }],
      ['tier', { tier: '' }],
      ['clusterLabels.canary', { clusterLabels: { canary: 'yes' } }],
      ['clusterLabels.region', { clusterLabels: { region: 'eu' }, region: 'us' }],
      ['clusterLabels.bad key!', { clusterLabels: { 'bad key!': 'x' } }],
      ['settings.DB_PASSWORD', { settings: { DB_PASSWORD: 'hunter2' } }],
      ['nodeDefaults.nodeName', { nodeDefaults: { nodeName: 'x' } }],
      ['nodeDefaults.region', { nodeDefaults: { region: 'x' } }],
      ['servers.name', { servers: [{ name: 'UPPER' }] }],
      // The node checks its address (EdgeOfflineNode nodeIp); the site passes it on.
      ['nodeIp', { servers: [{ name: 's1', ip: '10.0.0.256' }] }],
      ['nodeIp', { servers: [{ name: 's1', ip: '1:2:3' }] }],
      ['nodeIp', { servers: [{ name: 's1', ip: '127.0.0.1' }] }],
      ['extraConfig.node-ip', { servers: [{ name: 's1', ip: '10.0.0.1' }], nodeDefaults: { extraConfig: { 'node-ip': ['10.0.0.1'] } } }],
      ['nodeDefaults.nodeIp', { nodeDefaults: { nodeIp: '10.0.0.1' } }],
      ['agents', { agents: [{ name: 'a' }] }],
    ])('%s', (prop, props) => {
      const e = validationErrorOf(() => fleet().addSite('s', props as any));
      expect(e.prop).toBe(prop);
      expect(e.fix).not.toBe('');
    });

    test('a server cannot join a single-node server', () => {
      const site = fleet().addSite('s', { servers: [{ name: 'a' }] });
      const e = validationErrorOf(() => site.addServer({ name: 'b' }));
      expect(e.prop).toBe('servers');
      expect(e.fix).toMatch(/declare every server/);
    });

    test('the inventory row is named in errors', () => {
      const e = validationErrorOf(() => fleet().addSite('s', { source: 'sites.csv:12', region: '-bad-' }));
      expect(e.constructPath).toBe('f/s (sites.csv:12)');
    });

    test('nasty strings: a documented error or a faithful value', () => {
      fc.assert(fc.property(nastyString(['eu', 'mec-1']), nastyString(['10.0.0.1', 'fd00::1']), (value, ip) => {
        let site: EdgeSite;
        try {
          site = fleet().addSite('s', { region: value, settings: { k: value }, servers: [{ name: 'srv', ip }] });
        } catch (e) {
          expect((e as Error).constructor.name).toBe('ValidationError');
          return;
        }
        expect(site.siteLabels.region).toBe(value);
        expect(site.setting('k')).toBe(value);
      }), fuzzParams({ numRuns: 300 }));
    });
  });
});
