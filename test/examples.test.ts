import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { EdgeOfflineNode } from '../lib';
import { readTree } from './util/fleet';
import { synthAppAndValidate, validateObjects } from './util/validate';

// Every example under examples/<name>/main.ts: its manifests are schema-valid (Kubernetes and CRDs,
// unknown fields rejected) and snapshot-tested, and so are its node files.
const EXAMPLES = path.join(__dirname, '..', 'examples');
const names = fs.readdirSync(EXAMPLES).filter(n => fs.existsSync(path.join(EXAMPLES, n, 'main.ts'))).sort();


/** The documents of a YAML stream as a Kubernetes (YAML 1.1-ish, js-yaml) reader sees them. */
function documentsOf(text: string): any[] {
  return yaml.loadAll(text).filter(d => d !== null && d !== undefined);
}

/**
 * An example that exports `createApp(outdir)` (e.g. a FleetApp for an EdgeFleet, which refuses a
 * plain App) writes a tree of files itself when synthesized; the tests synthesize it into a temp
 * directory. Its `SNAPSHOT_SITES` name the sites whose files are snapshot in full (a fleet of 60
 * sites would make a huge snapshot); every file is validated.
 */
interface TreeExample {
  readonly SNAPSHOT_SITES?: string[];
  createApp(outdir: string): App;
  buildExample(app: App, options?: unknown): unknown;
}

/** The tree of a first synth of each example (with default options), shared by its tests. */
const firstTrees = new Map<TreeExample, Map<string, string>>();
function treeOf(example: TreeExample): Map<string, string> {
  if (!firstTrees.has(example)) firstTrees.set(example, synthTree(example));
  return firstTrees.get(example)!;
}

function synthTree(example: TreeExample, options?: unknown): Map<string, string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const app = example.createApp(out);
  example.buildExample(app, options);
  app.synth();
  return readTree(out);
}

/** Validates every Kubernetes object of a tree (every *.k8s.yaml document); returns how many. */
function validateTree(tree: Map<string, string>): number {
  let count = 0;
  for (const [file, text] of tree) {
    if (!file.endsWith('.k8s.yaml')) continue;
    const docs = documentsOf(text);
    expect(docs.length).toBeGreaterThan(0);
    validateObjects(docs);
    count += docs.length;
  }
  return count;
}

describe.each(names)('example %s', (name) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(EXAMPLES, name, 'main.ts'));

  test('has a README that shows its generated tree', () => {
    const readme = path.join(EXAMPLES, name, 'README.md');
    expect(fs.existsSync(readme)).toBe(true);
    expect(fs.readFileSync(readme, 'utf-8')).toMatch(/dist\//);
  });

  if (typeof example.createApp === 'function') {
    let tree: Map<string, string>;
    beforeAll(() => {
      tree = treeOf(example);
    });
    const sites = (example as TreeExample).SNAPSHOT_SITES ?? [];

    test('synthesizes schema-valid manifests: every object of the tree', () => {
      expect(validateTree(tree)).toBeGreaterThan(0);
    });

    test('tree: the file list, the files outside sites/ and those of a few sites (snapshot)', () => {
      expect(sites.length).toBeGreaterThan(0);
      // The library's record of what it wrote (a dotfile at the root) is its own business (tested with FleetApp).
      const picked = [...tree].filter(([f]) => !f.startsWith('.') && (!f.includes('/sites/') || sites.some(s => f.includes(`/sites/${s}/`))));
      expect(sites.every(s => picked.some(([f]) => f.includes(`/sites/${s}/`)))).toBe(true);
      expect({ files: [...tree.keys()], contents: Object.fromEntries(picked) }).toMatchSnapshot();
    });

    test('synthesis is deterministic (byte-identical twice)', () => {
      expect(synthTree(example)).toEqual(tree);
    });
    return;
  }

  function build(): App {
    const app = Testing.app();
    example.buildExample(app);
    return app;
  }

  test('synthesizes schema-valid manifests (snapshot)', () => {
    const objects = synthAppAndValidate(build());
    expect(objects.length).toBeGreaterThan(0);
    expect(objects).toMatchSnapshot();
  });

  test('node files (snapshot)', () => {
    const nodes = build().node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode);
    const files = Object.fromEntries(nodes.map(n => [n.nodeName, [...n.renderFiles().map(f => ({ path: f.path, content: f.content })), { path: 'cloud-init.yaml', content: n.renderCloudInit() }]]));
    expect(files).toMatchSnapshot();
  });

  test('synthesis is deterministic (byte-identical twice)', () => {
    expect(build().synthYaml()).toEqual(build().synthYaml());
  });
});

// What the fleet example promises in its README, checked on its output.
describe('example fleet: what it shows', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fleet = require(path.join(EXAMPLES, 'fleet', 'main.ts'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gen = require(path.join(EXAMPLES, 'fleet', 'gen-sites.ts'));
  let tree: Map<string, string>;
  let siteNames: string[];
  beforeAll(() => {
    tree = treeOf(fleet);
    siteNames = [...new Set([...tree.keys()].map(f => /^mec\/sites\/([^/]+)\//.exec(f)?.[1]).filter((s): s is string => s !== undefined))].sort();
  });
  const manifests = (site: string) => documentsOf(tree.get(`mec/sites/${site}/manifests/${site}.k8s.yaml`)!);
  const csv = fs.readFileSync(path.join(EXAMPLES, 'fleet', 'sites.csv'), 'utf-8');

  test('sites.csv is what gen-sites.ts writes', () => {
    expect(csv).toBe(gen.sitesCsv());
  });

  test('at least 60 sites in 3 regions, each one server and one or two agents with their own IPs', () => {
    expect(siteNames.length).toBeGreaterThanOrEqual(60);
    expect(siteNames.length).toBe(csv.trim().split('\n').length - 1);
    const regions = new Set<string>();
    const ips: string[] = [];
    for (const site of siteNames) {
      const nodes = [...tree.keys()].filter(f => f.startsWith(`mec/sites/${site}/nodes/`) && f.endsWith('/etc/rancher/k3s/config.yaml'));
      const configs = nodes.map(f => yaml.load(tree.get(f)!) as any);
      expect(configs.filter(c => c.server === undefined).length).toBe(1);
      expect([2, 3]).toContain(configs.length);
      ips.push(...configs.map(c => c['node-ip'][0]));
      regions.add(configs[0]['node-label'].find((l: string) => l.startsWith('topology.kubernetes.io/region=')));
    }
    expect(regions.size).toBe(3);
    expect(new Set(ips).size).toBe(ips.length);
  });

  test('the edge function runs on every site with its settings; video analytics only on the GPU sites', () => {
    const gpuSites = csv.split('\n').filter(l => l.split(',')[4] === 'gpu').map(l => l.split(',')[0]);
    expect(gpuSites.length).toBeGreaterThan(0);
    for (const site of siteNames) {
      const deployments = manifests(site).filter(d => d.kind === 'Deployment');
      expect(deployments.map(d => d.metadata.name).sort()).toEqual(gpuSites.includes(site) ? ['edge-fn', 'video-analytics'] : ['edge-fn']);
    }
    const fn = (site: string) => manifests(site).find(d => d.kind === 'Deployment' && d.metadata.name === 'edge-fn');
    expect(fn('mec-euc-004').spec.replicas).toBe(3);
    expect(fn('mec-euc-003').spec.replicas).toBe(2);
    expect(fn('mec-use-007').spec.template.spec.containers[0].env).toContainEqual({ name: 'GREETING', value: 'Hello, mec-use-007' });
    const va = manifests('mec-euc-010').find(d => d.metadata.name === 'video-analytics');
    expect(va.spec.template.spec.runtimeClassName).toBe('nvidia');
    expect(va.spec.template.spec.containers[0].env).toContainEqual({ name: 'MODEL', value: 'yolov8s' });
  });

  test('K3s upgrade Plans: canary sites get the canary release, the others the stable one', () => {
    const canaries = csv.split('\n').filter(l => l.split(',')[5] === 'true').map(l => l.split(',')[0]);
    expect(canaries.length).toBeGreaterThan(0);
    for (const site of siteNames) {
      const plans = manifests(site).filter(d => d.kind === 'Plan');
      expect(plans.map(p => p.spec.version)).toEqual(Array(2).fill(canaries.includes(site) ? fleet.K3S_CANARY : fleet.K3S_STABLE));
    }
  });

  test('Rancher Fleet by default: one GitRepo over every site, a fleet.yaml per site for its own cluster', () => {
    const management = documentsOf(tree.get('mec/fleet.k8s.yaml')!);
    const repo = management.find(d => d.kind === 'GitRepo');
    expect(repo.spec).toEqual(expect.objectContaining({ repo: fleet.REPO_URL, paths: ['mec/sites/*/manifests'] }));
    for (const site of siteNames) {
      const fy = yaml.load(tree.get(`mec/sites/${site}/manifests/fleet.yaml`)!) as any;
      expect(fy.defaultNamespace).toBe('mec-apps');
      expect(fy.targetCustomizations[0]).toEqual({ name: 'site', clusterName: site });
      expect(fy.targetCustomizations[1]).toEqual({ name: 'other-clusters', clusterSelector: {}, doNotDeploy: true });
    }
    // Node files never lie under a manifests directory (the GitRepo path would deploy them).
    expect([...tree.keys()].filter(f => f.includes('/manifests/') && f.includes('/nodes/'))).toEqual([]);
  });

  test('one row changed in the inventory changes only that site\'s files', () => {
    const changed = csv.replace(/^(mec-use-011,.*),,,$/m, '$1,4,,');
    expect(changed).not.toBe(csv);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sites-')), 'sites.csv');
    fs.writeFileSync(file, changed);
    const other = synthTree(fleet, { inventoryFile: file });
    expect([...other.keys()]).toEqual([...tree.keys()]);
    const differ = [...tree.keys()].filter(f => tree.get(f) !== other.get(f));
    expect(differ).toEqual(['mec/sites/mec-use-011/manifests/mec-use-011.k8s.yaml']);
    expect(documentsOf(other.get(differ[0])!).find(d => d.kind === 'Deployment').spec.replicas).toBe(4);
  });

  test('a bad setting is an error naming the inventory row', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sites-')), 'sites.csv');
    fs.writeFileSync(file, csv.replace(/^(mec-aps-002,.*),,,$/m, '$1,two,,'));
    const line = csv.split('\n').findIndex(l => l.startsWith('mec-aps-002,')) + 1;
    expect(() => synthTree(fleet, { inventoryFile: file })).toThrow(`${file}:${line}: setting.replicas="two" is not a whole number`);
  });

  test('Argo CD as an option: an ApplicationSet over the same site directories, no fleet.yaml; all objects valid', () => {
    const argo = synthTree(fleet, { gitOps: 'argocd' });
    validateTree(argo);
    const management = documentsOf(argo.get('mec/fleet.k8s.yaml')!);
    expect(management.map(d => d.kind)).toEqual(['PrometheusRule', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'ApplicationSet']);
    expect(management[4].spec.generators[0].git.directories).toEqual([{ path: 'mec/sites/*/manifests' }]);
    expect([...argo.keys()].filter(f => f.endsWith('/fleet.yaml'))).toEqual([]);
    // Everything but the fleet manager's files is the same tree.
    const rest = (t: Map<string, string>) => [...t].filter(([f]) => f !== 'mec/fleet.k8s.yaml' && !f.endsWith('/fleet.yaml') && !f.startsWith('.'));
    expect(rest(argo)).toEqual(rest(tree));
  });
});
