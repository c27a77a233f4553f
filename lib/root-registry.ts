import { IConstruct } from 'constructs';

const REGISTRY = new WeakMap<IConstruct, Map<string, unknown[]>>();

/**
 * The constructs of one kind registered in the app that holds `scope` (its construct root). Checks
 * across constructs read this list instead of walking the whole tree from every construct, which
 * would make synthesis quadratic in the number of workloads.
 *
 * @internal
 */
export function rootMembers<T>(scope: IConstruct, kind: string): T[] {
  const root = scope.node.root;
  let kinds = REGISTRY.get(root);
  if (!kinds) {
    kinds = new Map();
    REGISTRY.set(root, kinds);
  }
  let list = kinds.get(kind);
  if (!list) {
    list = [];
    kinds.set(kind, list);
  }
  return list as T[];
}

interface ValidationPass {
  id: number;
  live: boolean;
  readonly values: Map<string, { readonly pass: number; readonly value: unknown }>;
}
const PASSES = new WeakMap<IConstruct, ValidationPass>();

/**
 * Makes the app that holds `scope` mark the start of each validation pass (see
 * `perValidationPass`). Call it at construction, before synthesis begins.
 *
 * @internal
 */
export function trackValidationPasses(scope: IConstruct): void {
  passOf(scope.node.root);
}

function passOf(root: IConstruct): ValidationPass {
  let pass = PASSES.get(root);
  if (!pass) {
    const created: ValidationPass = { id: 0, live: false, values: new Map() };
    pass = created;
    PASSES.set(root, created);
    root.node.addValidation({
      validate: () => {
        created.id++;
        created.live = true;
        // A pass is one synchronous walk: once control returns to the event loop it is over.
        queueMicrotask(() => { created.live = false; });
        return [];
      },
    });
  }
  return pass;
}

/**
 * A value derived from the whole app (e.g. every workload by namespace), computed once per
 * validation pass instead of once per construct that needs it. cdk8s validates the whole app in
 * `synth()` and again in every `Chart.toJson()`, so with many charts a per-construct walk of the
 * tree would be cubic. A validation on the root, which runs first in every pass (cdk8s walks the
 * tree from the root), starts a pass; the value is reused until the next one. Outside a pass (a
 * direct `node.validate()` after synthesis) it is computed afresh.
 *
 * @internal
 */
export function perValidationPass<T>(scope: IConstruct, key: string, compute: () => T): T {
  const pass = passOf(scope.node.root);
  if (!pass.live) return compute();
  const cached = pass.values.get(key);
  if (cached && cached.pass === pass.id) return cached.value as T;
  const value = compute();
  pass.values.set(key, { pass: pass.id, value });
  return value;
}

/**
 * Every construct of the app that holds `scope`, from one walk of the tree per validation pass
 * shared by all the checks that need the whole app.
 *
 * @internal
 */
export function appConstructs(scope: IConstruct): IConstruct[] {
  return perValidationPass(scope, 'app-constructs', () => scope.node.root.node.findAll());
}

/**
 * Items by key (an item may have several keys, e.g. a server's names and addresses), in order.
 *
 * @internal
 */
export function groupBy<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    for (const key of new Set(keysOf(item))) {
      const list = out.get(key);
      if (list) list.push(item);
      else out.set(key, [item]);
    }
  }
  return out;
}
