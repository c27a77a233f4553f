/**
 * RuntimeClasses of the app: one name each, and a nodeSelector some node can match.
 */
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { WarningFields } from '../warnings';
import { clusterKey } from './clusters';
import { AppRule, AppView, groupBy, Kind, Report } from './engine';

/** What a RuntimeClass emitted by the library registers. */
export interface RuntimeClassFacts {
  readonly scope: IConstruct;
  /** Its `metadata.name`. */
  readonly name: string;
  /**
   * Why no node may match its nodeSelector (read at check time, when every node exists), or
   * undefined when some node can.
   */
  readonly unselectable: () => WarningFields | undefined;
}

export const RUNTIME_CLASS = new Kind<RuntimeClassFacts>('RuntimeClass');

/** Two classes with one name would overwrite each other in the cluster. */
export const UNIQUE_RUNTIME_CLASS_NAMES: AppRule = {
  name: 'one RuntimeClass per name',
  check(view: AppView, report: Report): void {
    for (const classes of groupBy(view.members(RUNTIME_CLASS), c => [`${clusterKey(view, c.scope)}\n${c.name}`]).values()) {
      if (classes.length < 2) continue;
      for (const rc of classes) {
        const clashes = classes.filter(c => c !== rc);
        report.error(propError(rc.scope, 'name', rc.name, `is also the name of ${clashes.map(c => c.scope.node.path).join(', ')}`,
          'give each RuntimeClass a unique name'));
      }
    }
  },
};

/** A class whose nodeSelector no node matches leaves its pods Pending: a warning (an error in strict mode). */
export const SELECTABLE_RUNTIME_CLASSES: AppRule = {
  name: 'RuntimeClasses select some node',
  check(view: AppView, report: Report): void {
    for (const rc of view.members(RUNTIME_CLASS)) {
      const why = rc.unselectable();
      if (why) report.warn(rc.scope, why);
    }
  },
};
