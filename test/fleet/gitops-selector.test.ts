import * as fc from 'fast-check';
import { matches } from './gitops-sites';
import { checkSelector, describeSelector, GitOpsSelectorOperator, selectorJson, selectorMatches } from '../../lib/fleet/gitops-selector';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';

describe('GitOps label selectors', () => {
  const { IN, NOT_IN, EXISTS, DOES_NOT_EXIST } = GitOpsSelectorOperator;

  test('matching follows labels.Selector: every part must hold, NotIn matches a missing label', () => {
    const labels = { region: 'eu', tier: 'gold' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { region: 'eu' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { region: 'us' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'region', operator: IN, values: ['eu', 'us'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: NOT_IN, values: ['true'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: EXISTS }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: DOES_NOT_EXIST }] }, labels)).toBe(false);
  });

  test('property: the library\'s matcher agrees with the test model', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const val = fc.constantFrom('x', 'y');
    const req = fc.oneof(
      fc.record({ key, operator: fc.constantFrom(IN, NOT_IN), values: fc.uniqueArray(val, { minLength: 1 }) }),
      fc.record({ key, operator: fc.constantFrom(EXISTS, DOES_NOT_EXIST) }),
    );
    fc.assert(fc.property(fc.dictionary(key, val), fc.dictionary(key, val), fc.array(req, { maxLength: 3 }), (labels, ml, exprs) => {
      const sel = { matchLabels: ml, matchExpressions: exprs };
      checkSelector('t', 's', sel);
      expect(selectorMatches(sel, labels)).toBe(matches(selectorJson(sel), labels));
    }), fuzzParams({ numRuns: 500 }));
  });

  test('JSON is sorted and leaves empty parts out; description for messages', () => {
    expect(selectorJson({})).toEqual({});
    expect(JSON.stringify(selectorJson({ matchLabels: { z: '1', a: '2' }, matchExpressions: [{ key: 'k', operator: IN, values: ['b', 'a', 'b'] }] })))
      .toBe('{"matchLabels":{"a":"2","z":"1"},"matchExpressions":[{"key":"k","operator":"In","values":["a","b"]}]}');
    expect(describeSelector({})).toBe('<every cluster>');
    expect(describeSelector({ matchLabels: { r: 'eu' }, matchExpressions: [{ key: 'c', operator: DOES_NOT_EXIST }, { key: 't', operator: NOT_IN, values: ['x'] }] }))
      .toBe('r=eu, !c, t notin (x)');
  });

  test('bad selectors are errors naming the part', () => {
    expect(validationErrorOf(() => checkSelector('t', 's', { matchLabels: { 'a b': 'x' } })).prop).toBe('s.matchLabels key');
    expect(validationErrorOf(() => checkSelector('t', 's', { matchExpressions: [{ key: '-x', operator: EXISTS }] })).prop).toBe('s.matchExpressions[0].key');
    expect(validationErrorOf(() => checkSelector('t', 's', { matchExpressions: [{ key: 'x', operator: 'Gt' as any }] })).prop).toBe('s.matchExpressions[0].operator');
    expect(validationErrorOf(() => checkSelector('t', 's', { matchExpressions: [{ key: 'x', operator: EXISTS, values: ['a'] }] })).prop).toBe('s.matchExpressions[0].values');
    expect(validationErrorOf(() => checkSelector('t', 's', { matchExpressions: [{ key: 'x', operator: IN, values: ['a b'] }] })).prop).toBe('s.matchExpressions[0].values');
    expect(validationErrorOf(() => checkSelector('t', 's', null as any)).prop).toBe('s');
  });
});
