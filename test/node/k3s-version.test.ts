import { K3sVersion } from '../../lib';
import { validationErrorOf } from '../util/errors';

test('parses release names, with or without v, rc and build', () => {
  const v = K3sVersion.parse('v1.31.6-rc2+k3s3');
  expect([v.major, v.minor, v.patch, v.rc, v.k3sBuild]).toEqual([1, 31, 6, 'rc2', 3]);
  expect(v.toString()).toBe('v1.31.6-rc2+k3s3');
  expect(K3sVersion.parse('1.30.2').toString()).toBe('v1.30.2+k3s1');
  expect(K3sVersion.DEFAULT.usesContainerd2).toBe(true);
});

test('containerd 2 and the embedded registry by release line', () => {
  const has = (s: string) => [K3sVersion.parse(s).usesContainerd2, K3sVersion.parse(s).hasEmbeddedRegistry];
  expect(has('v1.31.5+k3s1')).toEqual([false, true]);
  expect(has('v1.31.6+k3s1')).toEqual([true, true]);
  expect(has('v1.32.1+k3s1')).toEqual([false, true]);
  expect(has('v1.30.7+k3s1')).toEqual([false, false]);
  expect(has('v1.29.12+k3s1')).toEqual([false, true]);
  expect(K3sVersion.parse('v1.30.2').isAtLeast(30, 2)).toBe(true);
  expect(K3sVersion.parse('v1.30.2').isAtLeast(30, 3)).toBe(false);
});

test('refuses what is not a supported K3s release, naming the owner', () => {
  const bad = validationErrorOf(() => K3sVersion.parse('latest', 'app/node'));
  expect([bad.constructPath, bad.prop, bad.problem]).toEqual(['app/node', 'k3sVersion', 'is not a K3s version']);
  expect(validationErrorOf(() => K3sVersion.parse('v1.25.0')).constructPath).toBe('K3sVersion');
  expect(validationErrorOf(() => K3sVersion.parse('v2.30.0')).problem).toMatch(/older than the releases/);
});
