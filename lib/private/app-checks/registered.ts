/**
 * Checks that constructs above the named ones register with the app (the policy layer's self-check,
 * monitors against the pods they select): they run in the one check pass, over its one view of the
 * app, after the rules listed in rules.ts.
 */
import { IConstruct } from 'constructs';
import { AppRule, AppView, Kind, Report } from './engine';

/** A check a construct registers. */
export interface RegisteredCheck {
  readonly scope: IConstruct;
  /** What it keeps true, for messages and tests. */
  readonly name: string;
  check(view: AppView, report: Report): void;
}

export const REGISTERED_CHECK = new Kind<RegisteredCheck>('check registered by a construct');

/** Runs every registered check, in registration order. */
export const REGISTERED_CHECKS: AppRule = {
  name: 'checks registered by constructs',
  check(view: AppView, report: Report): void {
    for (const c of view.members(REGISTERED_CHECK)) c.check(view, report);
  },
};
