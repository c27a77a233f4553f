/**
 * Modules loaded on first use instead of at `require('cdk8s-wasm-edge')`: the generated CRD classes
 * in lib/imports (about half of the package's JavaScript) are needed only by the constructs that
 * emit those kinds, and most apps use few of them.
 *
 * A namespace import becomes lazy by changing its one line, with no change at the value uses:
 *
 * ```ts
 * import * as kn from '../imports/knative-serving';
 * // becomes
 * const kn = lazyModule((): typeof import('../imports/knative-serving') => require('../imports/knative-serving'));
 * ```
 *
 * `new kn.Service(...)`, `kn.Enum.VALUE`, `kn.X.fromString(...)` and `instanceof kn.Service` behave
 * as before (the values are the module's own). `kn` is now a value, not a namespace, so a type
 * position (`kn.ServiceSpecTemplateSpecContainers`) needs the types imported under another name:
 * `import type * as knT from '../imports/knative-serving'` and `knT.ServiceSpecTemplateSpecContainers`.
 *
 * Named imports (`import { ScaledObject } from '../imports/keda'`) become
 * `const { ScaledObject } = lazyExports((): typeof import('../imports/keda') => require('../imports/keda'));`:
 * each name is a stand-in that loads the module when it is first constructed, called or read from.
 * Names used only as types move to an `import type { ... }` line.
 */

/**
 * A module object that requires the module on the first property read.
 *
 * @param load requires the module (`() => require('../imports/x')`, so the path resolves from the
 * calling module); its declared return type gives the module's type
 */
export function lazyModule<T extends object>(load: () => T): T {
  let mod: T | undefined;
  const real = (): T => (mod ??= load());
  return new Proxy({} as T, {
    get: (_target, p) => Reflect.get(real(), p),
    has: (_target, p) => Reflect.has(real(), p),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, p) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), p);
      // The empty target does not hold the property, so it may only be reported as configurable.
      return d === undefined ? undefined : Object.assign({}, d, { configurable: true });
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * The exports of a module as lazy stand-ins, for destructuring at the top of a module: reading
 * `{ A, B }` loads nothing; the module is required when a stand-in is first constructed (`new A()`),
 * called, read from (`A.VALUE`, `A.fromString()`) or used on the right of `instanceof`. Only for
 * exports that are classes, functions or enums (objects), as the generated CRD modules' are.
 *
 * @param load requires the module, as for `lazyModule`
 */
export function lazyExports<T extends object>(load: () => T): T {
  const mod = lazyModule(load);
  const stubs = new Map<PropertyKey, unknown>();
  return new Proxy({} as T, {
    get: (_target, p) => {
      if (!stubs.has(p)) stubs.set(p, lazyValue(() => Reflect.get(mod, p) as object));
      return stubs.get(p);
    },
  });
}

/** A stand-in for a class, function or enum object that resolves it on first use. */
function lazyValue(resolve: () => object): unknown {
  let value: object | undefined;
  const real = (): object => (value ??= resolve());
  type Ctor = new (...a: unknown[]) => object;
  // A plain function target, so the proxy can be called and constructed.
  const stub: object = new Proxy(function lazyExport(): void {}, {
    get: (_t, p) => Reflect.get(real(), p),
    has: (_t, p) => Reflect.has(real(), p),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    apply: (_t, thisArg, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, thisArg, args),
    // `new Stub()` constructs the real class itself; a subclass of the stand-in keeps its own new.target.
    construct: (_t, args, newTarget) => Reflect.construct(real() as Ctor, args, newTarget === stub ? real() as Ctor : newTarget),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  return stub;
}
