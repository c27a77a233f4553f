import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { yamlDocument } from '../../lib/private/yaml';
import { fuzzParams, NASTY_STRINGS } from '../util/fuzz';

/** What a YAML 1.1 reader (go-yaml in Kubernetes and K3s, PyYAML in cloud-init) makes of the text. */
const read11 = (text: string) => YAML.parse(text, { version: '1.1' });

// Strings a YAML 1.1 reader resolves to another type unless they are quoted.
const AMBIGUOUS = ['0_8', '0_9', '+0_8', '0_x7', '+_1', '17e_0', '1_2.5', '0755', '0o17', '1_000', '0_7', '1__2', '190:20:30', '1:20', '._1', '+.5', '.5', '1e3', '0e0', '8080', '3.0', '-0', '00', '09',
  'yes', 'Y', 'n', 'on', 'off', 'TRUE', 'False', '~', 'null', 'Null', '', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '0x1F', '0b101', '1.2.3'];

describe('yamlDocument', () => {
  test.each(AMBIGUOUS)('%j stays a string for a YAML 1.1 reader', s => {
    expect(read11(yamlDocument({ [s]: s, list: [s] }))).toEqual({ [s]: s, list: [s] });
  });

  test.each(['0_8', '0_x7', '+_1', '17e_0'])('%j is quoted: go-yaml strips "_" and reads a number (resolve.go:150-166)', s => {
    expect(yamlDocument({ v: s })).toBe(`v: '${s}'\n`);
  });

  test('plain strings stay plain (readable output)', () => {
    expect(yamlDocument({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a_1', v: 'v1.2' })).toBe('apiVersion: v1\nkind: ConfigMap\nname: a_1\nv: v1.2\n');
  });

  test('no anchors, no folding, undefined left out', () => {
    const shared = { a: 1 };
    const long = 'x'.repeat(300);
    const text = yamlDocument({ one: shared, two: shared, long, gone: undefined });
    expect(text).not.toMatch(/[&*]ref/);
    expect(text).toContain(`long: ${long}\n`);
    expect(read11(text)).toEqual({ one: { a: 1 }, two: { a: 1 }, long });
  });

  test('any JSON document reads back the same with a YAML 1.1 reader', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom(...AMBIGUOUS, ...NASTY_STRINGS));
    const leaf = fc.oneof(fc.string(), fc.constantFrom(...AMBIGUOUS, ...NASTY_STRINGS), fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const doc = fc.letrec(tie => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(key, doc, { maxKeys: 5 }), d => {
      const back = read11(yamlDocument(d));
      expect(back).toEqual(JSON.parse(JSON.stringify(d)));
    }), fuzzParams({ numRuns: 500 }));
  });
});
