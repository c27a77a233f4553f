import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { appIndex, REGISTERED_CHECK } from '../../../lib/private/app-checks';
import { REGISTERED_CHECKS } from '../../../lib/private/app-checks/registered';
import { RULES } from '../../../lib/private/app-checks/rules';
import { propError } from '../../../lib/private/errors';

test('registered checks run once per pass, in order, after the other rules, and report errors', () => {
  expect(RULES[RULES.length - 1]).toBe(REGISTERED_CHECKS);
  const chart = new Chart(Testing.app(), 'c');
  const a = new Construct(chart, 'a');
  const seen: string[] = [];
  appIndex(chart).add(REGISTERED_CHECK, { scope: a, name: 'first', check: () => { seen.push('first'); } });
  appIndex(chart).add(REGISTERED_CHECK, {
    scope: a, name: 'second', check: (_view, report) => { seen.push('second'); report.error(propError(a, 'x', 1, 'is wrong', 'fix it')); },
  });
  const errors = appIndex(chart).runPass(RULES);
  expect(seen).toEqual(['first', 'second']);
  expect(errors).toEqual(['[cdk8s-wasm-edge] c/a: x=1: is wrong. Fix: fix it']);
});
