import { Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppIndex, AppRule } from '../../../lib/private/app-checks';

/** A fresh app with an index of its own (no pass on the root): rules run by hand. */
export function testIndex(): { root: IConstruct; index: AppIndex; scope: (id: string) => Construct } {
  const root = Testing.app();
  return { root, index: new AppIndex(root), scope: (id: string) => new Construct(root, id) };
}

/** Runs one rule once; returns its errors (messages). */
export function run(index: AppIndex, rule: AppRule): string[] {
  return index.runPass([rule]);
}
