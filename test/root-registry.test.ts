import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { perValidationPass, rootMembers, trackValidationPasses } from '../lib/root-registry';

/** A construct whose validation reads an app-wide value through perValidationPass. */
class Reader extends Construct {
  constructor(scope: Construct, id: string, compute: () => number, seen: number[]) {
    super(scope, id);
    trackValidationPasses(this);
    this.node.addValidation({ validate: () => { seen.push(perValidationPass(this, 'value', compute)); return []; } });
  }
}

describe('perValidationPass', () => {
  test('computed once per validation pass, shared by every construct of the app', () => {
    const app = Testing.app();
    let computed = 0;
    const seen: number[] = [];
    const charts = ['a', 'b'].map(id => new Chart(app, id));
    for (const c of charts) for (let i = 0; i < 3; i++) new Reader(c, `r${i}`, () => ++computed, seen);
    app.synth();
    // cdk8s validates in synth() and again in each Chart.toJson(): 3 passes, 6 readers each.
    expect(seen).toHaveLength(18);
    expect(computed).toBe(3);
    expect(seen).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
  });

  test('a later synth sees the app as it is then', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const seen: number[] = [];
    new Reader(c, 'r', () => rootMembers<string>(c, 'things').length, seen);
    app.synth();
    rootMembers<string>(c, 'things').push('one more');
    app.synth();
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
  });

  test('outside a pass (a direct node.validate() before any synth) it is computed afresh', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    let computed = 0;
    const seen: number[] = [];
    const r = new Reader(c, 'r', () => ++computed, seen);
    r.node.validate();
    r.node.validate();
    expect(seen).toEqual([1, 2]);
  });
});
