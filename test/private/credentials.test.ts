import { checkNoCredential, credentialInValue, findCredential, isCredentialKey, redact } from '../../lib/private/credentials';

describe('credential detector', () => {
  test.each([
    'password', 'DBPASSWORD', 'db_password', 'dbPassword', 'MYSQL_PWD', 'REDIS_PASS', 'BASIC_AUTH', 'apiKey', 'X-Api-Key', 'api_key',
    'AWS_SECRET_ACCESS_KEY', 'authorization', 'Authorization', 'bearer', 'bearerToken', 'GITHUB_TOKEN', 'client-secret',
    'connectionString', 'privateKey', 'passphrase', 'key', 'cert', 'ca', 'customAuthValue', 'credentials',
  ])('%s names a credential', k => {
    expect(isCredentialKey(k)).toBe(true);
  });

  test.each([
    'sasl', 'tls', 'authModes', 'authMode', 'passwordFromEnv', 'tokenFromEnv', 'token-file', 'agent-token-file', 'PASSWORD_FILE',
    'secretName', 'tlsSecretName', 'secretKeyRef', 'username', 'topic', 'bootstrapServers', 'PASS_THROUGH', 'AUTH_MODE',
    'CACHE_KEY', 'PARTITION_KEY', 'lagThreshold', 'serverAddress', 'query', 'unsafeSsl', 'PASSWORD_REQUIRED',
  ])('%s does not name a credential', k => {
    expect(isCredentialKey(k)).toBe(false);
  });

  test.each([
    ['postgres://u:p@db:5432/x', 'URL'],
    ['mysql://root:secret@tcp(db:3306)/k3s', 'URL'],
    ['redis://:hunter2@redis:6379', 'URL'],
    ['postgres://db:5432/k3s?sslmode=disable&password=hunter2', 'parameter'],
    ['host=db user=k3s password=hunter2 dbname=k3s', 'parameter'],
    ['https://h/x?token=abc', 'parameter'],
    ['https://b.s3.amazonaws.com/o?X-Amz-Signature=abcd', 'parameter'],
    ['Bearer abcdefghijklmnop', 'Authorization'],
    ['Basic dXNlcjpwYXNzd29yZA==', 'Authorization'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMII', 'private key'],
    ['AKIAABCDEFGHIJKLMNOP', 'AWS'],
    ['ghp_' + 'a'.repeat(36), 'GitHub'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig', 'JSON Web Token'],
    ['K10' + 'a'.repeat(64) + '::server:abc', 'K3s join token'],
  ])('%s carries a credential (%s)', (v, what) => {
    expect(credentialInValue(v)).toMatch(new RegExp(what === 'URL' ? 'URL' : what === 'parameter' ? 'parameter' : what, 'i'));
    expect(redact(v)).not.toMatch(/hunter2|dXNlcjpwYXNzd29yZA|AKIAABCDEFGHIJKLMNOP|MII|u:p@|root:secret/);
  });

  test.each([
    'https://registry.local:5000', 'postgres://k3s@db:5432/k3s?sslmode=verify-full', 'kafka:9092', 'scram_sha512', 'plaintext',
    'enable', 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64), 'http://prometheus.monitoring:9090', 'sum(rate(x[1m]))', '/var/lib/rancher/k3s',
    'user@example.com', 'https://user@host/x',
  ])('%s carries no credential', v => {
    expect(credentialInValue(v)).toBeUndefined();
  });

  test('modes and switches under credential-looking keys are not credentials; empty values are not', () => {
    expect(findCredential('sasl', 'scram_sha512')).toBeUndefined();
    expect(findCredential('tls', 'enable')).toBeUndefined();
    expect(findCredential('PASSWORD_AUTH', 'true')).toBeUndefined();
    expect(findCredential('DB_PASSWORD', '')).toBeUndefined();
    expect(findCredential('DB_PASSWORD', 'x')).toMatch(/names a credential/);
    expect(findCredential('DB_URL', 'postgres://u:hunter2@db/x')).toMatch(/URL/);
  });

  test('the error names the construct path and prop and never echoes the value', () => {
    expect(() => checkNoCredential('app/fn', 'env.DB_URL', 'DB_URL', 'postgres://u:hunter2@db/x', 'use secretEnv'))
      .toThrow(/^\[cdk8s-wasm-edge\] app\/fn: env\.DB_URL="<redacted>": the URL carries a user name and password.*Fix: use secretEnv$/);
    try {
      checkNoCredential('app/fn', 'env.DB_URL', 'DB_URL', 'postgres://u:hunter2@db/x', 'use secretEnv');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('found in review', () => {
  test.each([
    ['root:hunter2@tcp(db:3306)/k3s', 'URL'],
    ['postgres://db/k3s?sslpassword=hunter2', 'parameter'],
  ])('%s carries a credential', (v, what) => {
    expect(credentialInValue(v)).toMatch(new RegExp(what, 'i'));
  });
  test('a MySQL DSN without a password is not a credential', () => {
    expect(credentialInValue('k3s@tcp(db:3306)/k3s')).toBeUndefined();
  });
});
