import { App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { buildFleet, buildFleetCharts, buildGroup, buildLibrary, buildPlain, buildSites, buildTenants, fleetDocuments, plainDocuments } from '../bench/scenarios';
import { FleetApp } from '../lib';
import { readTree, tmpdir } from './util/fleet';
import { synthAppAndValidate, validateObjects } from './util/validate';

// The benchmark compares the library with hand-written cdk8s-plus and with a js-yaml dump: that is
// only fair while the three produce the same objects.
const N = 3;
const withoutHashes = (docs: any[]) => JSON.parse(JSON.stringify(docs).replace(/-[0-9a-f]{8}\b/g, ''));

function synth(build: (app: App, n: number) => void): any[] {
  const app = new App();
  build(app, N);
  return app.charts.flatMap(c => c.toJson());
}

describe('benchmark scenarios', () => {
  const library = synth(buildLibrary);

  test('(a) emits a Deployment, a Service and a ScaledObject per workload, all valid', () => {
    expect(library.map(d => d.kind)).toEqual(Array(N).fill(['Deployment', 'Service', 'ScaledObject']).flat());
    expect(() => validateObjects(library)).not.toThrow();
  });

  test('(b) hand-written cdk8s-plus emits the same objects as (a), name hashes aside', () => {
    expect(withoutHashes(synth(buildPlain))).toEqual(withoutHashes(library));
  });

  test('(c) the js-yaml documents are the same objects too', () => {
    const dumped = jsyaml.loadAll(plainDocuments(N).map(d => jsyaml.dump(d)).join('---\n'));
    expect(withoutHashes(dumped)).toEqual(withoutHashes(library));
  });

  test.each([
    // Each workload is a Deployment and its deny-all NetworkPolicy (no WASI networking); a tenant
    // adds a Namespace, a ResourceQuota and a LimitRange.
    ['tenants', buildTenants, 2, 2 * (20 * 2 + 3)],
    ['group', buildGroup, 4, 4 * 2],
    ['sites', buildSites, 2, 2 * 2],
  ] as const)('the opt-in %s shape synthesizes valid objects', (_, build, n, objects) => {
    const app = new App();
    build(app, n);
    expect(synthAppAndValidate(app).length).toBe(objects);
  });
});

describe('fleet benchmark scenarios', () => {
  const S = 3;
  const tree = (outdir: string) => {
    const app = new FleetApp({ outdir });
    buildFleet(app, S);
    app.synth();
    return readTree(outdir);
  };

  test('each site: 5 Deployments with Services and one ScaledObject, valid; 3 nodes', () => {
    const t = tree(tmpdir());
    const docs = jsyaml.loadAll(t.get('fleet/sites/site-1/manifests/site-1.k8s.yaml')!) as any[];
    expect(docs.map(d => d.kind).sort()).toEqual([...Array(5).fill('Deployment'), 'ScaledObject', ...Array(5).fill('Service')]);
    validateObjects(docs);
    expect([...t.keys()].filter(f => f.startsWith('fleet/sites/site-1/nodes/') && f.endsWith('/cloud-init.yaml')).length).toBe(3);
  });

  test('(fleet, plain cdk8s) the same site charts give the same documents', () => {
    const t = tree(tmpdir());
    const app = new App();
    buildFleetCharts(app, S);
    for (let s = 0; s < S; s++) {
      const chart = app.node.findChild(`site-${s}`) as any;
      const ours = jsyaml.loadAll(t.get(`fleet/sites/site-${s}/manifests/site-${s}.k8s.yaml`)!);
      expect(withoutHashes(chart.toJson()).map(stripFleet)).toEqual(withoutHashes(ours).map(stripFleet));
    }
  });

  test('(fleet, js-yaml) the templated files are the library\'s files, name hashes aside', () => {
    const t = tree(tmpdir());
    const files = fleetDocuments(S);
    expect(files.map(f => f.path).sort()).toEqual([...t.keys()].filter(f => !f.startsWith('.')).sort());
    for (const f of files) {
      const mine = f.text ?? f.docs!.map(d => jsyaml.dump(d)).join('---\n');
      if (f.text !== undefined) expect(mine).toEqual(t.get(f.path));
      else expect(withoutHashes(jsyaml.loadAll(mine))).toEqual(withoutHashes(jsyaml.loadAll(t.get(f.path)!)));
    }
  });
});

/** Object names carry the path (the fleet's id "fleet" in the FleetApp, none in the plain App). */
function stripFleet(doc: any): any {
  return JSON.parse(JSON.stringify(doc).replace(/fleet-site-/g, 'site-'));
}
