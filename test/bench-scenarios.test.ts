import { App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { buildGroup, buildLibrary, buildPlain, buildSites, buildTenants, plainDocuments } from '../bench/scenarios';
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
