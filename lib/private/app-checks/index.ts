import { IConstruct } from 'constructs';
import { AppIndex } from './engine';
import { RULES } from './rules';

export { REGISTERED_CHECK, RegisteredCheck } from './registered';
export { AppIndex, AppIndexReader, AppRule, AppView, Derived, Kind, Report, Slot, groupBy } from './engine';

const INDEXES = new WeakMap<IConstruct, AppIndex>();

/**
 * The index of the app that holds `scope` (its construct root). The first call for an app adds the
 * check pass to the root, which cdk8s validates before any other construct in every pass.
 */
export function appIndex(scope: IConstruct): AppIndex {
  const root = scope.node.root;
  let index = INDEXES.get(root);
  if (!index) {
    const created = new AppIndex(root);
    index = created;
    INDEXES.set(root, created);
    root.node.addValidation({ validate: () => created.runPass(RULES) });
  }
  return index;
}
