import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf } from './helpers';
import { KedaTriggerAuthentication } from '../../lib/scaling';
import { validationErrorOf } from '../util/errors';

describe('KedaTriggerAuthentication takes references only', () => {
  test.each<[string, any, string]>([
    ['a Secret key with a slash', { parameter: 'password', key: 'a/b' }, 'secretTargetRefs[0].key="a/b": must name a key of the Secret'],
    ['an empty Secret key', { parameter: 'password', key: '' }, 'secretTargetRefs[0].key="": must name a key'],
    ['a parameter with a dash', { parameter: 'pass-word', key: 'p' }, 'secretTargetRefs[0].parameter="pass-word": is not a trigger parameter name'],
  ])('refuses %s', (_what, ref, message) => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'S', 'kafka-credentials');
    expect(errorOf(() => new KedaTriggerAuthentication(c, 'A', { secretTargetRefs: [Object.assign({ secret }, ref)] }))).toContain(message);
  });

  test('metadata labels are checked (checkMetadata)', () => {
    expect(errorOf(() => new KedaTriggerAuthentication(chart(), 'A', { metadata: { labels: { team: 'a b' } } })))
      .toContain('metadata.labels.team="a b": is not a label value');
  });
});

describe('KedaTriggerAuthentication errors carry prop and fix', () => {
  test('a Secret key with a slash', () => {
    const c = chart();
    const secret = kplus.Secret.fromSecretName(c, 'S', 'kafka-credentials');
    const e = validationErrorOf(() => new KedaTriggerAuthentication(c, 'A', { secretTargetRefs: [{ parameter: 'password', secret, key: 'a/b' }] }));
    expect([e.constructPath, e.prop, e.value]).toEqual(['test/A', 'secretTargetRefs[0].key', '"a/b"']);
    expect(e.fix).toBeTruthy();
  });
});
