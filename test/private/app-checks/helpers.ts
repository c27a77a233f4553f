import { Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { appIndex, AppIndex, AppRule, AppView } from '../../../lib/private/app-checks';
import { ValidationError } from '../../../lib/private/validation-error';

/** Runs one rule over the app of `scope`: the errors it reports, and how often it walked the tree. */
export function runRule(rule: AppRule, scope: IConstruct): { errors: ValidationError[]; walks: number } {
  const index = appIndex(scope);
  const errors: ValidationError[] = [];
  let walks = 0;
  let walk: readonly IConstruct[] | undefined;
  const constructs = () => {
    if (!walk) {
      walks++;
      walk = scope.node.root.node.findAll();
    }
    return walk;
  };
  const view: AppView = {
    members: kind => index.members(kind),
    derived: d => index.derived(d),
    constructs,
    ofType: <T>(type: abstract new (...args: any[]) => T) => constructs().filter((c): c is IConstruct & T => c instanceof type),
  };
  rule.check(view, { error: e => errors.push(e), warn: () => undefined });
  return { errors, walks };
}

/** A fresh app with an index of its own (no pass on the root): rules run by hand. */
export function testIndex(): { root: IConstruct; index: AppIndex; scope: (id: string) => Construct } {
  const root = Testing.app();
  return { root, index: new AppIndex(root), scope: (id: string) => new Construct(root, id) };
}

/** Runs one rule once; returns its errors (messages). */
export function run(index: AppIndex, rule: AppRule): string[] {
  return index.runPass([rule]);
}
