import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { runRule } from './helpers';
import { appIndex, AppRule, AppView } from '../../../lib/private/app-checks';
import { RULES } from '../../../lib/private/app-checks/rules';

const DIR = path.join(__dirname, '../../../lib/private/app-checks');

function isAppRule(x: unknown): x is AppRule {
  return typeof x === 'object' && x !== null && typeof (x as any).name === 'string' && typeof (x as any).check === 'function';
}

/** Every AppRule exported by a file of the folder, with where it comes from (by identity: re-exports count once). */
function exportedRules(): Map<AppRule, string[]> {
  const found = new Map<AppRule, string[]>();
  const files = fs.readdirSync(DIR).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  expect(files).toEqual(expect.arrayContaining(['rules.ts', 'engine.ts', 'functions.ts', 'routes.ts']));
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(DIR, file));
    for (const [exported, value] of Object.entries(mod)) {
      if (!isAppRule(value)) continue;
      const list = found.get(value) ?? [];
      list.push(`${file}:${exported}`);
      found.set(value, list);
    }
  }
  return found;
}

describe('RULES', () => {
  test('lists every rule exported from the folder, each once', () => {
    const exported = exportedRules();
    // The folder has rules, and the discovery finds those we know of.
    expect(exported.size).toBeGreaterThanOrEqual(9);
    for (const rule of RULES) expect(exported.has(rule)).toBe(true);
    const missing = [...exported.entries()].filter(([rule]) => !RULES.includes(rule)).map(([, where]) => where.join(', '));
    expect(missing).toEqual([]);
    expect(new Set(RULES).size).toBe(RULES.length);
    expect(RULES.length).toBe(exported.size);
  });

  test('every rule has a distinct, non-empty name', () => {
    const names = RULES.map(r => r.name);
    for (const name of names) {
      expect(typeof name).toBe('string');
      expect(name.trim()).not.toBe('');
    }
    expect(new Set(names).size).toBe(names.length);
  });

  test('every rule is an AppRule', () => {
    for (const rule of RULES) expect(isAppRule(rule)).toBe(true);
  });

  test.each(RULES.map(r => [r.name, r] as const))('"%s" reports nothing on an empty app and never walks the tree', (_name, rule) => {
    const app = Testing.app();
    const { errors, walks } = runRule(rule, app);
    expect(errors).toEqual([]);
    expect(walks).toBe(0);
  });

  test('all rules on an empty app: no error, no warning, no walk', () => {
    const app = Testing.app();
    const index = appIndex(app);
    const reported: string[] = [];
    let walks = 0;
    const view: AppView = {
      members: kind => index.members(kind),
      derived: d => index.derived(d),
      constructs: (): readonly IConstruct[] => {
        walks++;
        return app.node.findAll();
      },
      ofType: <T>(type: abstract new (...args: any[]) => T): readonly T[] => {
        walks++;
        return app.node.findAll().filter((c): c is IConstruct & T => c instanceof type);
      },
    };
    for (const rule of RULES) {
      rule.check(view, {
        error: e => reported.push(`${rule.name}: error ${e.message}`),
        warn: (scope, fields) => reported.push(`${rule.name}: warning on ${scope.node.path}: ${fields.problem}`),
      });
    }
    expect(reported).toEqual([]);
    expect(walks).toBe(0);
    // And the pass the app runs itself finds nothing either.
    expect(index.runPass(RULES)).toEqual([]);
  });
});
