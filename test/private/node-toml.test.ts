import { checkNodePath, DEFAULT_DATA_DIR, normalizeDataDir, tomlString } from '../../lib/private/node-toml';
import { validationErrorOf } from '../util/errors';

test('tomlString escapes quotes, backslashes and control characters, and refuses template delimiters', () => {
  expect(tomlString('a"b\\c\n')).toBe('"a\\"b\\\\c\\u000a"');
  expect(validationErrorOf(() => tomlString('{{ .x }}')).constructPath).toBe('ContainerdTemplate');
  expect(validationErrorOf(() => tomlString('\ud800')).problem).toMatch(/surrogate/);
});

test('node paths: safe, absolute, no credential', () => {
  expect(() => checkNodePath('n', 'tokenFile', '/etc/rancher/k3s/token', '/x')).not.toThrow();
  expect(validationErrorOf(() => checkNodePath('n', 'tokenFile', 'relative', '/x')).prop).toBe('tokenFile');
  expect(validationErrorOf(() => checkNodePath('n', 'tokenFile', '/opt/http://user:secretpassword@host', '/x')).prop).toBe('tokenFile');
});

test('normalizeDataDir', () => {
  expect(normalizeDataDir('n', 'dataDir', undefined)).toBe(DEFAULT_DATA_DIR);
  expect(normalizeDataDir('n', 'dataDir', '/data//k3s/')).toBe('/data/k3s');
  expect(validationErrorOf(() => normalizeDataDir('n', 'dataDir', '/')).problem).toBe('is the root directory');
});
