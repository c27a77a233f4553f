import * as fc from 'fast-check';
import { NAMESPACE_NAME_LABEL, PolicyNamespaces, SYSTEM_NAMESPACES } from '../../lib/policy/policy-namespaces';

describe('PolicyNamespaces', () => {
  test('all() leaves out the system namespaces (@default of except) and the ones named', () => {
    expect(PolicyNamespaces.all().toSelector()).toEqual({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: SYSTEM_NAMESPACES }] });
    const s = PolicyNamespaces.all({ except: ['monitoring', 'kube-system'] });
    expect(s.except).toEqual(['kube-node-lease', 'kube-public', 'kube-system', 'monitoring']);
    expect(s.selects('apps')).toBe(true);
    expect(s.selects('monitoring')).toBe(false);
    expect(s.selects('kube-system')).toBe(false);
  });

  test('named() selects exactly its namespaces, sorted and once each', () => {
    const s = PolicyNamespaces.named(['b', 'a', 'b']);
    expect(s.toSelector()).toEqual({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ['a', 'b'] }] });
    expect([s.selects('a'), s.selects('c')]).toEqual([true, false]);
  });

  test('labelled() selects by label; whether a namespace is selected needs its labels', () => {
    const s = PolicyNamespaces.labelled({ team: 'edge' });
    expect(s.toSelector()).toEqual({ matchLabels: { team: 'edge' } });
    expect(s.selects('x')).toBeUndefined();
    expect(s.selects('x', { team: 'edge' })).toBe(true);
    expect(s.selects('x', { team: 'core' })).toBe(false);
  });

  test('withLabels() narrows any selection', () => {
    const s = PolicyNamespaces.all({ except: ['m'] }).withLabels({ z: '1', a: '2' });
    expect(s.toSelector()).toEqual({
      matchLabels: { a: '2', z: '1' },
      matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['kube-node-lease', 'kube-public', 'kube-system', 'm'] }],
    });
    expect(Object.keys(s.toSelector().matchLabels!)).toEqual(['a', 'z']);
    expect(s.selects('m', { a: '2', z: '1' })).toBe(false);
    expect(s.selects('n', { a: '2', z: '1' })).toBe(true);
    expect(s.selects('n', { a: '2' })).toBe(false);
    expect(PolicyNamespaces.named(['x']).withLabels({ a: 'b' }).selects('y', { a: 'b' })).toBe(false);
  });

  test('a selection of no namespace, or of every namespace by an empty label set, is refused', () => {
    expect(() => PolicyNamespaces.named([])).toThrow(/names=\[\]: selects no namespace/);
    expect(() => PolicyNamespaces.labelled({})).toThrow(/selects every namespace/);
    expect(() => PolicyNamespaces.named(['Bad_Name'])).toThrow(/names\[0\]/);
    expect(() => PolicyNamespaces.all({ except: ['UPPER'] })).toThrow(/except\[0\]/);
    expect(() => PolicyNamespaces.labelled({ 'bad key!': 'x' })).toThrow(/labels/);
    expect(() => PolicyNamespaces.all({ except: 'x' as any })).toThrow(/is not a list/);
  });

  test('property: a named selection selects its names and nothing else', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), name, (names, other) => {
      const s = PolicyNamespaces.named(names);
      for (const n of names) expect(s.selects(n)).toBe(true);
      expect(s.selects(other)).toBe(names.includes(other));
      expect(PolicyNamespaces.all({ except: names }).selects(other)).toBe(!names.includes(other) && !SYSTEM_NAMESPACES.includes(other));
    }));
  });
});
