import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { checkList, checkPlacementShape, checkString, checkStringMap } from '../../lib/private/function-checks';
import { validationErrorOf } from '../util/errors';

const PLACEMENT = { placementName: 'site-a', nodeLabels: { zone: 'a' }, taints: [], runtimes: [] };

describe('checkString', () => {
  test('undefined and strings pass', () => {
    for (const ok of [undefined, '', 'hello']) expect(() => checkString('fn', 'name', ok, 'hello')).not.toThrow();
  });

  test('anything else is refused, with the example in the fix', () => {
    for (const bad of [5, null, true, {}, ['a']]) {
      const e = validationErrorOf(() => checkString('fn', 'name', bad, 'hello'));
      expect(e.constructPath).toBe('fn');
      expect(e.prop).toBe('name');
      expect(e.problem).toBe('is not a string');
      expect(e.fix).toBe('use e.g. "hello"');
    }
    expect(validationErrorOf(() => checkString('fn', 'name', 5, 'x')).value).toBe('5');
  });

  test('a construct scope reports its path', () => {
    const app = Testing.app();
    const scope = new Construct(new Construct(app, 'chart'), 'fn');
    expect(validationErrorOf(() => checkString(scope, 'image', 1, 'img')).constructPath).toBe('chart/fn');
  });
});

describe('checkStringMap', () => {
  test('undefined, empty and string maps pass', () => {
    for (const ok of [undefined, {}, { A: 'x', B: '' }]) expect(() => checkStringMap('fn', 'env', ok, '{ A: "x" }')).not.toThrow();
  });

  test('a value that is not an object map is refused as a whole', () => {
    for (const bad of [null, 'A=x', 5, ['x'], true]) {
      const e = validationErrorOf(() => checkStringMap('fn', 'env', bad, '{ A: "x" }'));
      expect(e.prop).toBe('env');
      expect(e.problem).toBe('is not a map of strings');
      expect(e.fix).toBe('use e.g. { A: "x" }');
    }
  });

  test('a non-string entry is refused under its own key', () => {
    const e = validationErrorOf(() => checkStringMap('fn', 'env', { OK: 'x', PORT: 8080 }, '{}'));
    expect(e.prop).toBe('env.PORT');
    expect(e.value).toBe('8080');
    expect(e.problem).toBe('is not a string');
    expect(e.fix).toBe('write it as "8080"');
    const n = validationErrorOf(() => checkStringMap('fn', 'env', { FLAG: null }, '{}'));
    expect(n.prop).toBe('env.FLAG');
    expect(n.fix).toBe('write it as "null"');
  });
});

describe('checkList', () => {
  test('undefined and arrays pass', () => {
    for (const ok of [undefined, [], ['a', 1]]) expect(() => checkList('fn', 'hosts', ok, '["a.example.com"]')).not.toThrow();
  });

  test('anything else is refused', () => {
    for (const bad of ['a.example.com', null, {}, 3]) {
      const e = validationErrorOf(() => checkList('fn', 'hosts', bad, '["a.example.com"]'));
      expect(e.prop).toBe('hosts');
      expect(e.problem).toBe('is not a list');
      expect(e.fix).toBe('use e.g. ["a.example.com"]');
    }
  });
});

describe('checkPlacementShape', () => {
  test('undefined and a placement pass', () => {
    expect(() => checkPlacementShape('fn', 'placement', undefined)).not.toThrow();
    expect(() => checkPlacementShape('fn', 'placement', PLACEMENT)).not.toThrow();
  });

  test('an object missing a field or of the wrong type is refused', () => {
    const bads: unknown[] = [
      null, 'site-a', 5,
      { ...PLACEMENT, placementName: 1 },
      { ...PLACEMENT, nodeLabels: null },
      { ...PLACEMENT, nodeLabels: 'zone=a' },
      { ...PLACEMENT, taints: undefined },
      { ...PLACEMENT, taints: {} },
      { ...PLACEMENT, runtimes: 'wasmedge' },
      { placementName: 'x' },
    ];
    for (const bad of bads) {
      const e = validationErrorOf(() => checkPlacementShape('fn', 'placement', bad));
      expect(e.prop).toBe('placement');
      expect(e.problem).toBe('is not a placement (placementName, nodeLabels, taints, runtimes)');
      expect(e.fix).toMatch(/EdgeOfflineNode or an EdgeNodeGroup/);
    }
  });

  test('the node labels are checked under prop.nodeLabels', () => {
    const e = validationErrorOf(() => checkPlacementShape('fn', 'placement', { ...PLACEMENT, nodeLabels: { 'bad key!': 'a' } }));
    expect(e.prop.startsWith('placement.nodeLabels')).toBe(true);
    expect(e.constructPath).toBe('fn');
  });
});
