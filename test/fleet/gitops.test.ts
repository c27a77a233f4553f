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
