import { App } from 'cdk8s';
import { Node } from 'constructs';

/** How many times `app.synth()` walks the whole tree (findAll from the root): the structural complexity measure. */
export function rootWalks(app: App): number {
  const spy = jest.spyOn(Node.prototype, 'findAll');
  try {
    app.synth();
    return spy.mock.contexts.filter(ctx => ctx === app.node).length;
  } finally {
    spy.mockRestore();
  }
}
