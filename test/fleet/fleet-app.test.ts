import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { Node } from 'constructs';
import * as YAML from 'yaml';
import { WasmRuntime } from '../../lib/core/runtime';
import { EdgeFleet } from '../../lib/fleet/edge-fleet';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { GitOps } from '../../lib/fleet/gitops';
import { K3sVersion } from '../../lib/node/k3s-version';
import { TREE_RECORD_FILE } from '../../lib/private/tree-writer';
import { EdgeFunction, ListGitOps, readTree, siteCharts, testFleet, tmpdir } from '../util/fleet';
import { validateObjects } from '../util/validate';

/** Documents as a Kubernetes (YAML 1.1) reader sees them. */
const parse11 = (text: string) => YAML.parseAllDocuments(text, { version: '1.1' }).map(d => d.toJSON()).filter(d => d !== null);

describe('FleetApp.synth', () => {
  test('writes one directory per site: manifests, fleet manager files and node files', () => {
    const out = tmpdir();
    const { app } = testFleet(out, { gitOps: new ListGitOps() });
    app.synth();
    const files = [...readTree(out).keys()];
    expect(files).toMatchSnapshot();
    expect(files).toContain('mec/fleet.k8s.yaml');
    expect(files).toContain('mec/sites/site-1/manifests/site-1.k8s.yaml');
    expect(files).toContain('mec/sites/site-1/manifests/site.txt');
    expect(files).toContain('mec/sites/site-1/nodes/site-1-agent-1/cloud-init.yaml');
    expect(files).toContain('mec/sites/site-1/nodes/site-1-server/etc/rancher/k3s/config.yaml');
    expect(files).toContain(TREE_RECORD_FILE);
    expect(app.lastSynth!.files).toEqual(files.filter(f => f !== TREE_RECORD_FILE));
    expect(app.lastSynth!.bytes).toBe(files.filter(f => f !== TREE_RECORD_FILE).reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0));
  });

  test('the documents are those cdk8s writes for the same charts, and valid', () => {
    const out = tmpdir();
    const { app } = testFleet(out, { gitOps: new ListGitOps() });
    app.synth();
    const tree = readTree(out);
    const charts = [...siteCharts(app), (app.node.findChild('mec') as EdgeFleet).managementChart];
    for (const chart of charts) {
      const file = [...tree.keys()].find(f => f.endsWith(`/${chart === charts[charts.length - 1] ? 'fleet' : (chart as any).siteName}.k8s.yaml`))!;
      const ours = parse11(tree.get(file)!);
      const theirs = parse11(Yaml.stringify(...chart.toJson()));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
      validateObjects(ours);
    }
  });

  test('site manifests carry the site\'s settings; the node files the site\'s addresses', () => {
    const out = tmpdir();
    const { app } = testFleet(out, { replicas: { 2: '4' } });
    app.synth();
    const docs = parse11(fs.readFileSync(path.join(out, 'mec/sites/site-2/manifests/site-2.k8s.yaml'), 'utf-8'));
    expect(docs.find(d => d.kind === 'Deployment').spec.replicas).toBe(4);
    expect(docs.every(d => d.metadata.namespace === 'edge')).toBe(true);
    const agent = YAML.parse(fs.readFileSync(path.join(out, 'mec/sites/site-2/nodes/site-2-agent-1/etc/rancher/k3s/config.yaml'), 'utf-8'));
    expect(agent.server).toBe('https://10.0.2.1:6443');
    expect(agent['node-ip']).toEqual(['10.0.2.2']);
  });

  test('validates the whole app once and walks it once (cdk8s validates once per chart)', () => {
    const { app } = testFleet(tmpdir(), { sites: 20, gitOps: new ListGitOps() });
    const validate = jest.spyOn(Node.prototype, 'validate');
    const findAll = jest.spyOn(Node.prototype, 'findAll');
    try {
      app.synth();
      expect(validate.mock.contexts.filter(n => n === app.node).length).toBe(1);
      expect(findAll.mock.contexts.filter(n => n === app.node).length).toBe(1);
    } finally {
      validate.mockRestore();
      findAll.mockRestore();
    }
  });

  test('synth cost is linear in sites: constructs validated once each', () => {
    const counts = [10, 40].map(sites => {
      const { app } = testFleet(tmpdir(), { sites });
      const validate = jest.spyOn(Node.prototype, 'validate');
      try {
        app.synth();
        return validate.mock.calls.length;
      } finally {
        validate.mockRestore();
      }
    });
    // 4x the sites, 4x the validations (plus the fleet's own constructs).
    expect(counts[1] / counts[0]).toBeLessThan(4.2);
  });

  test('is deterministic: two runs write byte-identical trees', () => {
    const a = tmpdir();
    const b = tmpdir();
    testFleet(a, { gitOps: new ListGitOps() }).app.synth();
    testFleet(b, { gitOps: new ListGitOps() }).app.synth();
    expect(readTree(a)).toEqual(readTree(b));
  });

  test('a change to one site changes only that site\'s files', () => {
    const a = tmpdir();
    const b = tmpdir();
    testFleet(a, { gitOps: new ListGitOps() }).app.synth();
    testFleet(b, { gitOps: new ListGitOps(), replicas: { 1: '3' } }).app.synth();
    const ta = readTree(a);
    const tb = readTree(b);
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    const changed = [...ta.keys()].filter(f => ta.get(f) !== tb.get(f));
    expect(changed).toEqual(['mec/sites/site-1/manifests/site-1.k8s.yaml']);
  });

  test('binds the GitOps layout once, with every site sorted by name', () => {
    const gitOps = new ListGitOps();
    const { app } = testFleet(tmpdir(), { gitOps, sites: 12 });
    app.synth();
    app.synth();
    expect(gitOps.binds).toBe(1);
    const cm = (app.node.findChild('mec') as EdgeFleet).managementChart.toJson()[0];
    expect(Object.keys(cm.data)).toEqual([...Object.keys(cm.data)].sort());
    expect(cm.data['site-10']).toBe('mec/sites/site-10/manifests');
  });

  test('a second synth removes the files of a site that is gone, and keeps the user\'s files', () => {
    const out = tmpdir();
    testFleet(out, { sites: 3 }).app.synth();
    fs.writeFileSync(path.join(out, 'mec/sites/site-2/NOTES.md'), 'mine');
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    const { app } = testFleet(out, { sites: 2 });
    app.synth();
    const files = [...readTree(out).keys()];
    expect(files.filter(f => f.startsWith('mec/sites/site-2/'))).toEqual(['mec/sites/site-2/NOTES.md']);
    expect(files).toContain('README.md');
    expect(app.lastSynth!.removed.length).toBeGreaterThan(0);
    expect(app.lastSynth!.removed.every(f => f.startsWith('mec/sites/site-2/'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'mec/sites/site-2/nodes'))).toBe(false);
  });

  test('never overwrites a file it did not write', () => {
    const out = tmpdir();
    fs.mkdirSync(path.join(out, 'mec/sites/site-0/manifests'), { recursive: true });
    fs.writeFileSync(path.join(out, 'mec/sites/site-0/manifests/site-0.k8s.yaml'), 'hand-written');
    const { app } = testFleet(out);
    expect(() => app.synth()).toThrow(/a file the library did not write/);
    expect(fs.readFileSync(path.join(out, 'mec/sites/site-0/manifests/site-0.k8s.yaml'), 'utf-8')).toBe('hand-written');
    // Nothing written at all: every path is checked first.
    expect(fs.existsSync(path.join(out, 'mec/sites/site-1'))).toBe(false);
  });

  test('reports validation errors like cdk8s, before writing anything', () => {
    const out = tmpdir();
    const app = new FleetApp({ outdir: out });
    const fleet = new EdgeFleet(app, 'mec');
    fleet.addSite('a', { servers: [{ name: 'n1' }] });
    fleet.addSite('b', { servers: [{ name: 'n1' }] });
    expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[\] \[cdk8s-wasm-edge\] mec\/a: nodes.name="n1": is also the name of n1 of site b/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('charts outside any fleet are written like cdk8s writes them', () => {
    const out = tmpdir();
    const app = new FleetApp({ outdir: out });
    const chart = new Chart(app, 'common');
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'on' } });
    app.synth();
    const text = fs.readFileSync(path.join(out, 'common.k8s.yaml'), 'utf-8');
    expect(parse11(text)).toEqual(parse11(Yaml.stringify(...chart.toJson())));
    expect(parse11(text)[0].data.a).toBe('on');
  });

  test('an EdgeFleet in a plain App is an error at synth', () => {
    const app = new App({ outdir: tmpdir() });
    const fleet = new EdgeFleet(app, 'mec');
    fleet.addSite('a', { servers: [{ name: 'n1' }] });
    expect(() => app.synth()).toThrow(/is not a FleetApp.*new FleetApp\(\)/);
  });

  test('@default outdir: CDK8S_OUTDIR or dist, as App', () => {
    expect(new FleetApp().outdir).toBe(process.env.CDK8S_OUTDIR ?? 'dist');
  });
});

describe('FleetApp.synth with the real layouts', () => {
  const layouts: Array<[string, () => GitOps]> = [
    ['Rancher Fleet', () => GitOps.rancherFleet({ repo: 'https://git.example.com/edge/fleet.git', branch: 'main' })],
    ['Argo CD', () => GitOps.argoCd({ repoUrl: 'https://git.example.com/edge/fleet.git' })],
  ];
  test.each(layouts)('%s: every object valid, the same app renders either', (name, gitOps) => {
    const out = tmpdir();
    const { app } = testFleet(out, { gitOps: gitOps(), sites: 4 });
    app.synth();
    const tree = readTree(out);
    const management = parse11(tree.get('mec/fleet.k8s.yaml')!);
    validateObjects(management);
    expect(management.map(d => d.kind)).toEqual(name === 'Argo CD' ? ['ApplicationSet'] : expect.arrayContaining(['GitRepo']));
    for (const [f, text] of tree) if (f.endsWith('.k8s.yaml')) validateObjects(parse11(text));
    const fleetYamls = [...tree.keys()].filter(f => f.endsWith('/fleet.yaml'));
    expect(fleetYamls.length).toBe(name === 'Argo CD' ? 0 : 4);
    if (name === 'Rancher Fleet') {
      const repo = management.find(d => d.kind === 'GitRepo');
      expect(repo.spec.paths).toEqual(['mec/sites/*/manifests']);
      const fy = YAML.parse(tree.get('mec/sites/site-2/manifests/fleet.yaml')!);
      expect(fy.defaultNamespace).toBe('edge');
      expect(JSON.stringify(fy)).toContain('site-2');
    } else {
      const set = management[0];
      expect(JSON.stringify(set.spec.generators)).toContain('mec/sites/*/manifests');
    }
    // Node files never lie under a manifests directory (a fleet manager would deploy them).
    expect([...tree.keys()].filter(f => f.includes('/manifests/') && f.includes('/nodes/'))).toEqual([]);
  });

  test('K3s upgrade Plans: canary sites get the canary version', () => {
    const out = tmpdir();
    const app = new FleetApp({ outdir: out });
    const fleet = new EdgeFleet(app, 'mec', {
      k3sUpgrade: { version: K3sVersion.parse('v1.37.1+k3s1'), canaryVersion: K3sVersion.parse('v1.37.2+k3s1') },
    });
    fleet.addSite('a', { canary: true, servers: [{ name: 'a-s' }] });
    fleet.addSite('b', { servers: [{ name: 'b-s' }] });
    app.synth();
    const plans = (site: string) => parse11(fs.readFileSync(path.join(out, `mec/sites/${site}/manifests/${site}.k8s.yaml`), 'utf-8')).filter(d => d.kind === 'Plan');
    expect(plans('a').map(p => p.spec.version)).toEqual(['v1.37.2+k3s1', 'v1.37.2+k3s1']);
    expect(plans('b').map(p => p.spec.version)).toEqual(['v1.37.1+k3s1', 'v1.37.1+k3s1']);
    validateObjects([...plans('a'), ...plans('b')]);
  });

  test('a K3s upgrade Plan older than the nodes\' release is an error', () => {
    const app = new FleetApp({ outdir: tmpdir() });
    const fleet = new EdgeFleet(app, 'mec', { k3sUpgrade: { version: K3sVersion.parse('v1.30.8+k3s1') } });
    fleet.addSite('a', { servers: [{ name: 'a-s' }] });
    expect(() => app.synth()).toThrow(/k3sUpgrade.version="v1.30.8\+k3s1": is older than v1.37.1\+k3s1, the release node a-s installs: K3s does not downgrade/);
  });
});

describe('sites declared with defineSite()', () => {
  function build(outdir: string, declare: boolean, gitOps?: GitOps) {
    const app = new FleetApp({ outdir });
    const fleet = new EdgeFleet(app, 'mec', {
      namespace: 'edge',
      gitOps,
      k3sUpgrade: { version: K3sVersion.parse('v1.37.1+k3s1'), canaryVersion: K3sVersion.parse('v1.37.2+k3s1') },
    });
    fleet.deploy(new EdgeFunction(), { siteSelector: { tier: 'mec' } });
    for (let i = 0; i < 4; i++) {
      const props = {
        tier: 'mec',
        canary: i === 0,
        settings: { replicas: String(i + 1) },
        servers: [{ name: `s${i}-server`, ip: `10.0.${i}.1` }],
        agents: [{ name: `s${i}-agent`, ip: `10.0.${i}.2` }],
      };
      if (declare) fleet.defineSite(`site-${i}`, props);
      else fleet.addSite(`site-${i}`, props);
    }
    return app;
  }

  test('write the same tree, byte for byte, as sites added with addSite()', () => {
    const eager = tmpdir();
    const declared = tmpdir();
    const gitOps = () => GitOps.rancherFleet({ repo: 'https://git.example.com/edge/fleet.git', branch: 'main' });
    build(eager, false, gitOps()).synth();
    build(declared, true, gitOps()).synth();
    const a = readTree(eager);
    expect(readTree(declared)).toEqual(a);
    expect([...a.keys()].filter(f => f.endsWith('fleet.yaml')).length).toBe(4);
  });

  test('are not in the app\'s tree, and cost validation per site', () => {
    const app = build(tmpdir(), true);
    expect((app.node.findChild('mec') as EdgeFleet).sites).toEqual([]);
    const validate = jest.spyOn(Node.prototype, 'validate');
    try {
      app.synth();
      // The app root, and each declared site's own app root once.
      const roots = validate.mock.contexts.filter((n: any) => n.scope === undefined);
      expect(roots.length).toBe(1 + 4);
    } finally {
      validate.mockRestore();
    }
  });

  test('are checked across the fleet before anything is written: names, node names and IPs, a server', () => {
    const out = tmpdir();
    const app = new FleetApp({ outdir: out });
    const fleet = new EdgeFleet(app, 'mec');
    fleet.defineSite('a', { servers: [{ name: 'n1', ip: '10.0.0.1' }], source: 'sites.csv:2' });
    fleet.addSite('b', { servers: [{ name: 'n2', ip: '10.0.0.1' }] });
    fleet.defineSite('c', { source: 'sites.csv:4' });
    expect(() => app.synth()).toThrow(/mec\/a \(sites.csv:2\): nodes\[n1\].ip="10.0.0.1": is also the address of n2 of site b/);
    expect(() => app.synth()).toThrow(/mec\/c \(sites.csv:4\): servers=\[\]: is empty/);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a declared site that does not validate fails synth; what was written is recorded as the library\'s', () => {
    const out = tmpdir();
    const app = new FleetApp({ outdir: out });
    const fleet = new EdgeFleet(app, 'mec', { nodeDefaults: { runtimes: [WasmRuntime.SPIN] } });
    fleet.addSite('a', { servers: [{ name: 'a-s' }] });
    fleet.defineSite('b', { servers: [{ name: 'b-s' }], source: 'sites.csv:3' });
    fleet.deploy(new EdgeFunction());
    expect(() => app.synth()).toThrow(/needs the "wasmedge" runtime, which no node of site/);
  });
});
