import { ListGitOps } from '../util/fleet';

// The contract a GitOps layout implements; the fleet's use of it is tested in fleet-app.test.ts.
test('a GitOps layout written outside the library renders per-site files from the site alone', () => {
  const g = new ListGitOps();
  const site = { name: 'a', labels: { tier: 'mec' }, manifestsPath: 'sites/a/manifests' };
  expect(g.siteFiles(site)).toEqual([{ path: 'site.txt', content: 'a {"tier":"mec"}\n' }]);
  expect(g.siteFiles(Object.assign({}, site, { labels: { tier: 'x' } }))[0].content).not.toBe(g.siteFiles(site)[0].content);
});
