import { run, testIndex } from './helpers';
import { RUNTIME_CLASS, SELECTABLE_RUNTIME_CLASSES, UNIQUE_RUNTIME_CLASS_NAMES } from '../../../lib/private/app-checks/runtime-classes';
import { warningsOf } from '../../../lib/private/warnings';

describe(UNIQUE_RUNTIME_CLASS_NAMES.name, () => {
  test('each class with a taken name is reported, naming the others', () => {
    const { index, scope } = testIndex();
    for (const [id, name] of [['a', 'wasm'], ['b', 'wasm'], ['c', 'other'], ['d', 'wasm']]) {
      index.add(RUNTIME_CLASS, { scope: scope(id), name, unselectable: () => undefined });
    }
    expect(run(index, UNIQUE_RUNTIME_CLASS_NAMES)).toEqual([
      '[cdk8s-wasm-edge] a: name="wasm": is also the name of b, d. Fix: give each RuntimeClass a unique name',
      '[cdk8s-wasm-edge] b: name="wasm": is also the name of a, d. Fix: give each RuntimeClass a unique name',
      '[cdk8s-wasm-edge] d: name="wasm": is also the name of a, b. Fix: give each RuntimeClass a unique name',
    ]);
  });

  test('unique names: nothing', () => {
    const { index, scope } = testIndex();
    index.add(RUNTIME_CLASS, { scope: scope('a'), name: 'x', unselectable: () => undefined });
    expect(run(index, UNIQUE_RUNTIME_CLASS_NAMES)).toEqual([]);
  });
});

describe(SELECTABLE_RUNTIME_CLASSES.name, () => {
  test('warns (not an error) with the fields the class gives, read at check time', () => {
    const { index, scope } = testIndex();
    let reason: { prop: string; value: string; problem: string; fix: string } | undefined;
    const a = scope('a');
    index.add(RUNTIME_CLASS, { scope: a, name: 'x', unselectable: () => reason });
    expect(run(index, SELECTABLE_RUNTIME_CLASSES)).toEqual([]);
    expect(warningsOf(a)).toEqual([]);
    reason = { prop: 'scheduling.nodeSelector', value: 'k=v', problem: 'matches no node', fix: 'label a node' };
    expect(run(index, SELECTABLE_RUNTIME_CLASSES)).toEqual([]);
    expect(warningsOf(a)).toEqual(['[cdk8s-wasm-edge] warning: a: scheduling.nodeSelector="k=v": matches no node. Fix: label a node']);
  });
});
