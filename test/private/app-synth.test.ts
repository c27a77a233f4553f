import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { chartObjects, isFleetApp, markFleetApp, resolveDependencies, validateConstructs } from '../../lib/private/app-synth';

function cm(scope: Construct, id: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap' });
}

describe('app-synth', () => {
  test('chartObjects: the order cdk8s gives, dependencies first; nested charts\' objects left out', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      const a = cm(chart, 'a');
      const b = cm(chart, 'b');
      const c = cm(chart, 'c');
      a.addDependency(c);
      b.addDependency(a);
      const inner = new Chart(chart, 'inner');
      cm(inner, 'x');
      return { app, chart };
    };
    const ours = build();
    resolveDependencies(ours.app.node.findAll());
    const names = chartObjects(ours.chart).map(o => o.name);
    const theirs = build();
    expect(names).toEqual(theirs.chart.toJson().map((o: any) => o.metadata.name));
    expect(names).toEqual(['c-c820772b', 'c-a-c85ca9af', 'c-b-c8a096bc']);
  });

  test('resolveDependencies: a dependency across charts makes every object of one depend on every object of the other', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one');
    const two = new Chart(app, 'two');
    const x = cm(one, 'x');
    const y = cm(two, 'y');
    const z = cm(two, 'z');
    x.addDependency(y);
    expect(resolveDependencies(app.node.findAll())).toBe(true);
    expect(one.node.dependencies).toContain(two);
    expect(x.node.dependencies).toEqual(expect.arrayContaining([y, z]));
  });

  test('resolveDependencies: false when no chart depends on another', () => {
    const app = Testing.app();
    cm(new Chart(app, 'one'), 'x');
    expect(resolveDependencies(app.node.findAll())).toBe(false);
  });

  test('validateConstructs: cdk8s\'s message, every error with its path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    chart.node.addValidation({ validate: () => ['first', 'second'] });
    let theirs = '';
    try {
      app.synth();
    } catch (e) {
      theirs = (e as Error).message;
    }
    expect(() => validateConstructs(app.node.findAll())).toThrow(theirs);
    expect(theirs).toBe('Validation failed with the following errors:\n  [c] first\n  [c] second');
  });

  test('markFleetApp', () => {
    const app = new App();
    expect(isFleetApp(app)).toBe(false);
    markFleetApp(app);
    expect(isFleetApp(app)).toBe(true);
  });
});
