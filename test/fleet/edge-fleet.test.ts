import * as path from 'path';
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import { WasmRuntime } from '../../lib/core/runtime';
import { EdgeFleet, ISiteWorkload } from '../../lib/fleet/edge-fleet';
import { EdgeSite } from '../../lib/fleet/edge-site';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { GitOps } from '../../lib/fleet/gitops';
import { SiteInventory } from '../../lib/fleet/inventory';
import { validationErrorOf } from '../util/errors';
import { EdgeFunction, ListGitOps, readTree, tmpdir } from '../util/fleet';
import { fuzzParams, isDocumentedError, nastyString } from '../util/fuzz';
import { validateObjects } from '../util/validate';

class Recorder implements ISiteWorkload {
  public readonly sites: string[] = [];
  public addToSite(site: EdgeSite): void {
    this.sites.push(site.siteName);
  }
}

const server = (name: string) => ({ servers: [{ name }] });

describe('EdgeFleet', () => {
  test('@default fleetName is the id; directory the fleet name; repositoryPath the directory; no GitOps', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    expect(fleet.fleetName).toBe('mec');
    expect(fleet.directory).toBe('mec');
    expect(fleet.repositoryPath).toBe('mec');
    expect(fleet.gitOps).toBeUndefined();
  });

  test('repositoryPath places the sites in the repository', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec', { directory: 'out/mec', repositoryPath: '' });
    const site = fleet.addSite('a', server('a-s'));
    // The cluster's labels: the site's, and the fleet's name.
    const labels = Object.assign({ 'cdk8s-wasm-edge.io/fleet': 'mec' }, site.siteLabels);
    expect(fleet.gitOpsSite(site)).toEqual({ name: 'a', labels, manifestsPath: 'sites/a/manifests', namespace: undefined });
  });

  test('@default namespace: none; the fleet\'s namespace and nodeDefaults apply unless the site sets its own', () => {
    expect(new EdgeFleet(new FleetApp(), 'f').addSite('a').namespace).toBeUndefined();
    const fleet = new EdgeFleet(new FleetApp(), 'mec', { namespace: 'edge', nodeDefaults: { runtimes: [WasmRuntime.SPIN] } });
    const a = fleet.addSite('a', server('a-s'));
    const b = fleet.addSite('b', Object.assign({ namespace: 'other', nodeDefaults: { runtimes: [WasmRuntime.WASMTIME] } }, server('b-s')));
    expect(a.namespace).toBe('edge');
    expect(b.namespace).toBe('other');
    expect(a.servers[0].runtimes.map(r => r.handler)).toEqual(['spin']);
    expect(b.servers[0].runtimes.map(r => r.handler)).toEqual(['wasmtime']);
  });

  test('deploy places a workload on the matching sites, now and later', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    fleet.addSite('a', { tier: 'mec' });
    fleet.addSite('b', { tier: 'factory' });
    const w = new Recorder();
    expect(fleet.deploy(w, { siteSelector: { tier: 'mec' } }).map(s => s.siteName)).toEqual(['a']);
    fleet.addSite('c', { tier: 'mec' });
    expect(w.sites).toEqual(['a', 'c']);
    const all = new Recorder();
    fleet.deploy(all);
    expect(all.sites).toEqual(['a', 'b', 'c']);
    expect(fleet.sites.map(s => s.siteName)).toEqual(['a', 'b', 'c']);
    expect(fleet.site('b')!.siteName).toBe('b');
    expect(fleet.site('z')).toBeUndefined();
  });

  test('a placement that selects no site is an error at synth', () => {
    const app = new FleetApp({ outdir: tmpdir() });
    const fleet = new EdgeFleet(app, 'mec');
    fleet.addSite('a', Object.assign({ tier: 'mec' }, server('a-s')));
    fleet.deploy(new EdgeFunction(), { siteSelector: { tier: 'factroy' } });
    expect(() => app.synth()).toThrow(/\[mec\] \[cdk8s-wasm-edge\] mec: siteSelector=\{"tier":"factroy"\}: selects no site of the fleet/);
  });

  test('a fleet without sites is an error at synth', () => {
    const app = new FleetApp({ outdir: tmpdir() });
    new EdgeFleet(app, 'mec', { gitOps: new ListGitOps() });
    expect(() => app.synth()).toThrow(/sites=\[\]: is empty/);
  });

  test.each([
    ['fleetName', { fleetName: 'MEC' }],
    ['directory', { directory: '../up' }],
    ['directory', { directory: '' }],
    ['directory', { directory: '/abs' }],
    ['repositoryPath', { repositoryPath: 'a//b' }],
  ])('bad %s', (prop, props) => {
    expect(validationErrorOf(() => new EdgeFleet(new FleetApp(), 'mec', props as any)).prop).toBe(prop);
  });

  test('bad selector', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    expect(validationErrorOf(() => fleet.deploy(new Recorder(), { siteSelector: { tier: 'not valid' } })).prop).toBe('siteSelector.tier');
  });
});

describe('EdgeFleet.addSites', () => {
  test('a site per inventory row: labels, settings, nodes, and the row named in errors', () => {
    const fleet = new EdgeFleet(new FleetApp(), 'mec');
    const sites = fleet.addSites(SiteInventory.fromFile(path.join(__dirname, 'fixtures', 'sites.csv')), { namespace: 'edge' });
    expect(sites.map(s => s.siteName)).toEqual(SiteInventory.fromFile(path.join(__dirname, 'fixtures', 'sites.csv')).sites.map(s => s.name));
    const first = sites[0];
    expect(first.siteLabels).toEqual(expect.objectContaining({ 'region': 'eu-west', 'tier': 'far-edge', 'canary': 'true', 'example.com/operator': 'acme' }));
    expect(first.setting('mqtt.broker')).toBe('mqtt://broker.local:1883');
    expect(first.nodes.map(n => [n.nodeName, n.nodeIp])).toEqual([['mec-001-s1', '10.1.0.10'], ['mec-001-a1', '10.1.0.11'], ['mec-001-a2', '10.1.0.12']]);
    expect(first.namespace).toBe('edge');
    expect(first.source).toBe(`${path.join(__dirname, 'fixtures', 'sites.csv')}:2`);
  });

  test('a site whose workloads need a runtime its nodes lack names the inventory row at synth', () => {
    const app = new FleetApp({ outdir: tmpdir() });
    const fleet = new EdgeFleet(app, 'mec', { nodeDefaults: { runtimes: [WasmRuntime.SPIN] } });
    fleet.addSites(SiteInventory.fromSites([{
      name: 'mec-9', canary: false, servers: [{ name: 'mec-9-s', ip: '10.9.0.1' }], agents: [], labels: {}, settings: {}, source: 'sites.csv:10',
    }]));
    fleet.deploy(new EdgeFunction());
    expect(() => app.synth()).toThrow(/needs the "wasmedge" runtime, which no node of site mec-9 \(mec\/mec-9 \(sites.csv:10\)\) offers/);
  });
});

test('a site\'s nodeDefaults add to the fleet\'s, prop by prop', () => {
  const fleet = new EdgeFleet(new FleetApp(), 'mec', { nodeDefaults: { runtimes: [WasmRuntime.SPIN], offlineAutonomy: Duration.days(60) } });
  const site = fleet.addSite('a', { servers: [{ name: 'a-s' }], nodeDefaults: { runtimes: [WasmRuntime.WASMTIME] } });
  expect(site.servers[0].runtimes.map(r => r.handler)).toEqual(['wasmtime']);
  expect(site.servers[0].offlineAutonomy!.toDays()).toBe(60);
});

test('a declared site is built with the app\'s context (strict mode)', () => {
  const app = new FleetApp();
  app.node.setContext('cdk8s-wasm-edge:strict', true);
  const fleet = new EdgeFleet(app, 'mec');
  fleet.defineSite('a', { servers: [{ name: 'a-s' }] });
  const site = fleet._buildSite(fleet._siteSpecs[0]);
  expect(site.node.tryGetContext('cdk8s-wasm-edge:strict')).toBe(true);
  expect(site.node.path).toBe('mec/a');
});

describe('EdgeFleet props, fuzzed', () => {
  test('fleetName, directory, repositoryPath and site names: a valid tree or a documented error, both seen', () => {
    const name = nastyString(['mec', 'fleet-1', 'a']);
    const dir = nastyString(['mec', 'fleets/mec', 'a.b/c_d']);
    const seen = new Set<string>();
    fc.assert(fc.property(name, dir, dir, name, (fleetName, directory, repositoryPath, siteName) => {
      const out = tmpdir();
      const app = new FleetApp({ outdir: out });
      try {
        const fleet = new EdgeFleet(app, 'f', { fleetName, directory, repositoryPath, gitOps: GitOps.rancherFleet({ repo: 'https://git.example.com/f.git' }) });
        fleet.defineSite('s', { siteName, servers: [{ name: 's-server', ip: '10.0.0.1' }] });
        app.synth();
      } catch (e) {
        expect(isDocumentedError(e)).toBe(true);
        seen.add('error');
        return;
      }
      seen.add('ok');
      const files = [...readTree(out).keys()];
      // Everything lands inside the output directory, under the fleet's directory.
      expect(files.every(f => f === '.cdk8s-wasm-edge-tree.json' || f.startsWith(`${directory}/`))).toBe(true);
      const docs = files.filter(f => f.endsWith('.k8s.yaml')).flatMap(f => jsyaml.loadAll(readTree(out).get(f)!) as any[]);
      validateObjects(docs);
      const repo = docs.find(d => d.kind === 'GitRepo');
      expect(repo.spec.paths).toEqual([`${repositoryPath}/sites/*/manifests`]);
    }), fuzzParams({ numRuns: 150 }));
    expect([...seen].sort()).toEqual(['error', 'ok']);
  });
});

test('addSites: an empty inventory cell keeps the default; a given one wins', () => {
  const fleet = new EdgeFleet(new FleetApp(), 'mec');
  const [a, b] = fleet.addSites(SiteInventory.fromSites([
    { name: 'a', canary: false, servers: [{ name: 'a-s', ip: '10.0.0.1' }], agents: [], labels: {}, settings: {}, source: 'x:1', region: 'us' },
    { name: 'b', canary: true, servers: [{ name: 'b-s', ip: '10.0.0.2' }], agents: [], labels: { env: 'prod' }, settings: { k: 'v' }, source: 'x:2' },
  ]), { region: 'eu', tier: 'mec', clusterLabels: { team: 'radio' }, settings: { k: 'default', j: '1' } });
  expect([a.siteLabels.region, b.siteLabels.region]).toEqual(['us', 'eu']);
  expect([a.siteLabels.tier, b.siteLabels.tier]).toEqual(['mec', 'mec']);
  expect([a.canary, b.canary]).toEqual([false, true]);
  expect(b.siteLabels).toEqual(expect.objectContaining({ team: 'radio', env: 'prod' }));
  expect(b.settings).toEqual({ j: '1', k: 'v' });
});
