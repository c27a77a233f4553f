import { Duration } from 'cdk8s';
import { checkGitRef, checkRepoPath, checkRepoUrl, goDuration, patternPath, sitePattern, someNames } from '../../lib/fleet/gitops-layout';
import { validationErrorOf } from '../util/errors';

const site = (name: string, manifestsPath: string) => ({ name, labels: {}, manifestsPath });

describe('GitOps layout helpers', () => {
  test('sitePattern: the site name at one segment, the rest equal', () => {
    expect(sitePattern([site('a', 'sites/a/manifests'), site('b', 'sites/b/manifests')])).toEqual({ prefix: ['sites'], suffix: ['manifests'] });
    expect(sitePattern([site('a', 'a'), site('b', 'b')])).toEqual({ prefix: [], suffix: [] });
    // a site named like a fixed segment: the first segment that fits every site wins
    expect(sitePattern([site('sites', 'sites/sites/m'), site('b', 'sites/b/m')])).toEqual({ prefix: ['sites'], suffix: ['m'] });
    expect(sitePattern([site('a', 'sites/a/m'), site('b', 'other/b/m')])).toBeUndefined();
    expect(sitePattern([site('a', 'sites/a/m'), site('b', 'sites/b/m/x')])).toBeUndefined();
    expect(sitePattern([site('a', 'sites/x/m')])).toBeUndefined();
    expect(patternPath({ prefix: ['r', 'sites'], suffix: ['m'] }, '*')).toBe('r/sites/*/m');
  });

  test('repository paths: no absolute, "..", glob or template segments', () => {
    for (const p of ['sites/a/manifests', 'a', 'x_y/z.1']) expect(() => checkRepoPath('t', 'p', p)).not.toThrow();
    for (const p of ['', '/abs', 'a//b', 'a/../b', './a', 'a/*', 'a/{{ x }}', 'a b', 'a/']) expect(validationErrorOf(() => checkRepoPath('t', 'p', p)).prop).toBe('p');
  });

  test('git refs', () => {
    for (const r of ['main', 'release/2026-12', 'v1.2.3', 'HEAD', '0123abcd']) expect(() => checkGitRef('t', 'r', r)).not.toThrow();
    for (const r of ['', '-x', '/x', 'x/', 'x.', 'a..b', 'a//b', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'x.lock', 'a/.b', '@{x}x{']) {
      expect(validationErrorOf(() => checkGitRef('t', 'r', r)).prop).toBe('r');
    }
    expect(() => checkGitRef('t', 'r', undefined)).not.toThrow();
  });

  test('repository URLs: schemes, scp-like SSH, no credentials', () => {
    for (const u of ['https://h/o/r.git', 'http://h:3000/o/r', 'ssh://git@h/o/r', 'git@h:o/r.git']) expect(() => checkRepoUrl('t', 'u', u, 'fix')).not.toThrow();
    for (const u of ['h/o/r', 'file:///x', 'https://h', 'https://u@h/o', 'ssh://u:p@h/o', 'https://h/o r', 'https://h/"x"']) {
      expect(validationErrorOf(() => checkRepoUrl('t', 'u', u, 'fix')).prop).toBe('u');
    }
  });

  test('Go durations', () => {
    expect(goDuration('t', 'd', Duration.seconds(90))).toBe('90s');
    expect(goDuration('t', 'd', Duration.millis(250))).toBe('250ms');
    expect(goDuration('t', 'd', Duration.hours(2))).toBe('7200s');
    expect(validationErrorOf(() => goDuration('t', 'd', Duration.millis(0))).prop).toBe('d');
    expect(validationErrorOf(() => goDuration('t', 'd', Duration.millis(0.5))).prop).toBe('d');
    expect(validationErrorOf(() => goDuration('t', 'd', Duration.millis(999), 1000)).prop).toBe('d');
  });

  test('someNames', () => {
    expect(someNames([])).toBe('none');
    expect(someNames(['a', 'b'])).toBe('a, b');
    expect(someNames(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});

describe('sitePattern with the pattern given', () => {
  test('a site named like another segment: the given pattern says where the name is', () => {
    const sites = [site('mec', 'mec/sites/mec/manifests')];
    // Found from the paths, the first "mec" would be taken for the site's name.
    expect(sitePattern(sites)).toEqual({ prefix: [], suffix: ['sites', 'mec', 'manifests'] });
    expect(sitePattern(sites, 'mec/sites/*/manifests')).toEqual({ prefix: ['mec', 'sites'], suffix: ['manifests'] });
  });
  test('a pattern the sites do not follow, or without exactly one "*", is none', () => {
    expect(sitePattern([site('a', 'x/a/m')], 'y/*/m')).toBeUndefined();
    expect(sitePattern([site('a', 'x/a/m')], 'x/a/m')).toBeUndefined();
    expect(sitePattern([site('a', 'x/a/m')], '*/*/m')).toBeUndefined();
  });
});
