import { App, Chart, Testing } from 'cdk8s';
import { Construct, IConstruct, Node } from 'constructs';
import { appIndex, AppIndex, AppRule, Derived, groupBy, Kind, Slot } from '../../../lib/private/app-checks';
import { propError } from '../../../lib/private/errors';
import { STRICT_CONTEXT_KEY } from '../../../lib/private/warnings';

interface Thing { readonly scope: IConstruct; readonly name: () => string }
const THING = new Kind<Thing>('thing');

/** A construct that registers a fact whose value may change after construction. */
class Registered extends Construct {
  public name: string;
  constructor(scope: Construct, id: string, name: string, kind = THING) {
    super(scope, id);
    this.name = name;
    appIndex(this).add(kind, { scope: this, name: () => this.name });
  }
}

function uniqueNames(kind = THING): AppRule {
  return {
    name: 'unique names',
    check: (view, report) => {
      for (const [name, list] of groupBy(view.members(kind), t => [t.name()])) {
        if (list.length > 1) {
          report.error(propError(list[1].scope, 'name', name, `is also the name of ${list[0].scope.node.path}`, 'rename one'));
        }
      }
    },
  };
}

describe('AppIndex', () => {
  test('members are typed, per app, in registration order', () => {
    const a = Testing.app();
    const b = Testing.app();
    new Registered(new Chart(a, 'c'), 'x', 'one');
    new Registered(new Chart(a, 'd'), 'y', 'two');
    new Registered(new Chart(b, 'c'), 'z', 'three');
    expect(appIndex(a).members(THING).map(t => t.name())).toEqual(['one', 'two']);
    expect(appIndex(b).members(THING).map(t => t.name())).toEqual(['three']);
    // Any construct of the app reaches the same index.
    expect(appIndex(a.node.findChild('c'))).toBe(appIndex(a));
  });

  test('a slot is created once per app', () => {
    let created = 0;
    const slot = new Slot('counter', () => ({ n: ++created }));
    const a = Testing.app();
    const b = Testing.app();
    expect(appIndex(a).slot(slot)).toBe(appIndex(new Chart(a, 'c')).slot(slot));
    expect(appIndex(b).slot(slot)).not.toBe(appIndex(a).slot(slot));
    expect(created).toBe(2);
  });

  test('a derived value is cached until the next registration or pass', () => {
    let computed = 0;
    const count = new Derived('count', index => { computed++; return index.members(THING).length; });
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new Registered(c, 'a', 'a');
    const index = appIndex(app);
    expect(index.derived(count)).toBe(1);
    expect(index.derived(count)).toBe(1);
    expect(computed).toBe(1);
    new Registered(c, 'b', 'b');
    expect(index.derived(count)).toBe(2);
    expect(computed).toBe(2);
    index.runPass([]);
    expect(index.derived(count)).toBe(2);
    expect(computed).toBe(3);
  });
});

describe('the check pass', () => {
  test('every rule runs once per validation pass, from the app root', () => {
    const app = Testing.app();
    const charts = ['a', 'b'].map(id => new Chart(app, id));
    for (const c of charts) for (let i = 0; i < 3; i++) new Registered(c, `r${i}`, `${c.node.id}-${i}`);
    let runs = 0;
    const index = appIndex(app);
    app.node.addValidation({ validate: () => index.runPass([{ name: 'count', check: () => { runs++; } }]) });
    app.synth();
    // cdk8s validates the app in synth() and again in each Chart.toJson(): 3 passes.
    expect(runs).toBe(3);
  });

  test('an error names the construct and prop, and fails synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new Registered(c, 'first', 'same');
    new Registered(c, 'second', 'same');
    const index = appIndex(app);
    expect(index.runPass([uniqueNames()])).toEqual([
      '[cdk8s-wasm-edge] c/second: name="same": is also the name of c/first. Fix: rename one',
    ]);
    app.node.addValidation({ validate: () => index.runPass([uniqueNames()]) });
    expect(() => app.synth()).toThrow(/c\/second: name="same": is also the name of c\/first/);
  });

  test('a pass sees the app as it is then (facts are read at check time)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new Registered(c, 'first', 'one');
    const second = new Registered(c, 'second', 'two');
    const index = appIndex(app);
    expect(index.runPass([uniqueNames()])).toEqual([]);
    second.name = 'one';
    expect(index.runPass([uniqueNames()])).toHaveLength(1);
  });

  test('rules share one walk of the tree per pass, and only when one asks', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    for (let i = 0; i < 5; i++) new Registered(c, `r${i}`, `n${i}`);
    const index = appIndex(app);
    const spy = jest.spyOn(Node.prototype, 'findAll');
    try {
      index.runPass([uniqueNames()]);
      expect(spy.mock.contexts.filter(x => x === app.node)).toHaveLength(0);
      const sizes: number[] = [];
      const walker: AppRule = { name: 'walker', check: view => { sizes.push(view.constructs().length, view.ofType(Registered).length); } };
      index.runPass([walker, walker, walker]);
      expect(spy.mock.contexts.filter(x => x === app.node)).toHaveLength(1);
      expect(sizes).toEqual([7, 5, 7, 5, 7, 5]);
    } finally {
      spy.mockRestore();
    }
  });

  test('a warning is reported once on its construct; strict mode makes it an error', () => {
    const warnOnFirst: AppRule = {
      name: 'warn',
      check: (view, report) => {
        const first = view.members(THING)[0];
        if (first) report.warn(first.scope, { prop: 'name', value: first.name(), problem: 'is a test', fix: 'ignore it' });
      },
    };
    const build = (strict: boolean): App => {
      const app = Testing.app();
      if (strict) app.node.setContext(STRICT_CONTEXT_KEY, true);
      new Registered(new Chart(app, 'c'), 'x', 'n');
      const index = appIndex(app);
      app.node.addValidation({ validate: () => index.runPass([warnOnFirst]) });
      return app;
    };
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      build(false).synth();
      const lines = write.mock.calls.map(c => String(c[0])).filter(l => l.includes('c/x: name="n"'));
      expect(lines).toEqual(['[cdk8s-wasm-edge] warning: c/x: name="n": is a test. Fix: ignore it\n']);
    } finally {
      write.mockRestore();
    }
    expect(() => build(true).synth()).toThrow(/warning: c\/x: name="n": is a test\. Fix: ignore it \(strict mode: cdk8s-wasm-edge:strict\)/);
  });

  test('the library adds its pass to the root once, whatever registers', () => {
    const app = new App();
    const before = (app.node as any)._validations?.length ?? 0;
    appIndex(new Chart(app, 'a'));
    appIndex(new Chart(app, 'b'));
    expect((app.node as any)._validations.length).toBe(before + 1);
    expect(appIndex(app)).toBeInstanceOf(AppIndex);
  });
});
