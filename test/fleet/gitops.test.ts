import { bindObjects, fakeSites } from './gitops-sites';
import { GitOps, GitOpsSite } from '../../lib/fleet/gitops';
import { validationErrorOf } from '../util/errors';
import { validateObjects } from '../util/validate';

const REPO = 'https://git.example.com/edge/mec-fleet.git';

describe('GitOps', () => {
  const sites = fakeSites(5);
  const layouts: Array<[string, GitOps]> = [
    ['Rancher Fleet', GitOps.rancherFleet({ repo: REPO })],
    ['Argo CD', GitOps.argoCd({ repoUrl: REPO })],
  ];

  test.each(layouts)('%s: the same bind options render a valid layout', (name, g) => {
    expect(g.name).toBe(name);
    const objs = bindObjects(g, sites);
    validateObjects(objs);
    expect(objs.length).toBeGreaterThan(0);
    for (const s of sites) for (const f of g.siteFiles(s)) expect(f.path).not.toMatch(/^\/|\.\./);
  });

  test.each(layouts)('%s: bad bind options are errors naming the prop', (_name, g) => {
    expect(validationErrorOf(() => bindObjects(g, [])).prop).toBe('sites');
    expect(validationErrorOf(() => bindObjects(g, sites, 'Bad Fleet')).prop).toBe('fleetName');
    expect(validationErrorOf(() => bindObjects(g, [sites[0], { ...sites[1], name: sites[0].name, manifestsPath: sites[0].manifestsPath }])).message)
      .toContain('is the name of two sites');
    expect(validationErrorOf(() => bindObjects(g, sites, 'mec', 'elsewhere')).message).toContain('is not under rootPath');
    const traversal: GitOpsSite = { ...sites[0], manifestsPath: 'sites/../mec-001' };
    expect(validationErrorOf(() => bindObjects(g, [traversal])).prop).toBe('sites[mec-001].manifestsPath');
    const badLabel: GitOpsSite = { ...sites[0], labels: { 'bad key!': 'x' } };
    expect(validationErrorOf(() => g.siteFiles(badLabel)).prop).toBe('sites[mec-001].labels key');
  });
});

describe('GitOps at fleet scale', () => {
  test.each([
    ['Rancher Fleet', () => GitOps.rancherFleet({ repo: REPO })],
    ['Argo CD', () => GitOps.argoCd({ repoUrl: REPO })],
  ])('%s: 10,000 sites bind in linear time into fleet-level objects of constant size', (_name, make) => {
    const few = JSON.stringify(bindObjects(make(), fakeSites(10)));
    const start = Date.now();
    const many = JSON.stringify(bindObjects(make(), fakeSites(10_000)));
    // Far under etcd's 1.5 MB object limit: the sites are found by one pattern, never listed.
    expect(many).toBe(few);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  test('Rancher Fleet: the 10,000 fleet.yaml files render in well under a second each thousand', () => {
    const g = GitOps.rancherFleet({ repo: REPO });
    const sites = fakeSites(10_000);
    const start = Date.now();
    const bytes = sites.reduce((n, s) => n + g.siteFiles(s)[0].content.length, 0);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(bytes / sites.length).toBeLessThan(600);
  });
});
