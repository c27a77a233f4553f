/**
 * The app-level check pass: constructs register plain facts about themselves with their app (one
 * `AppIndex` per construct root), and every rule that spans constructs runs once per validation
 * pass over one view of the app. cdk8s validates the whole app in `synth()` and again in each
 * `Chart.toJson()`, walking from the root first, so a validation on the root is the start of a pass:
 * no per-construct pass tracking, and every rule costs one pass over what it reads (linear in the
 * app; test/complexity.test.ts counts the walks).
 */
import { IConstruct } from 'constructs';
import { ValidationError } from '../validation-error';
import { addWarning, WarningFields } from '../warnings';

/** A typed kind of facts that constructs register with their app (the type is the key: no casts at use). */
export class Kind<T> {
  /** Never set: carries T so that `members(kind)` is typed. */
  public readonly _type?: T;
  constructor(public readonly description: string) {}
}

/** A per-app value shared by the constructs of one app (e.g. one object per namespace). */
export class Slot<T> {
  constructor(public readonly description: string, public readonly create: () => T) {}
}

/** A value derived from the registered facts (e.g. the nodes by label), computed once per change of the app. */
export class Derived<T> {
  constructor(public readonly description: string, public readonly compute: (index: AppIndexReader) => T) {}
}

/** What a rule or a derived value may read of the app. */
export interface AppIndexReader {
  /** The facts registered under `kind`, in registration (construction) order. */
  members<T>(kind: Kind<T>): readonly T[];
  /** A derived value: cached until the next registration or validation pass. */
  derived<T>(d: Derived<T>): T;
}

/** Where a rule reports what it finds. */
export interface Report {
  /** A validation error: fails synth, reported under the construct path the error names. */
  error(e: ValidationError): void;
  /** A warning on a construct (printed once; an error in strict mode). */
  warn(scope: IConstruct, fields: WarningFields): void;
}

/** One pass's view of the app: the facts, plus one walk of the tree (made only if a rule asks). */
export interface AppView extends AppIndexReader {
  /** Every construct of the app, from one walk of the tree per pass. */
  constructs(): readonly IConstruct[];
  /** The constructs of the app that are instances of `type` (one filter of the walk per type per pass). */
  ofType<T>(type: abstract new (...args: any[]) => T): readonly T[];
}

/** A check that spans constructs. Rules are listed once, in rules.ts. */
export interface AppRule {
  /** What the rule keeps true, e.g. "one autoscaler per workload". */
  readonly name: string;
  check(view: AppView, report: Report): void;
}

/**
 * The facts of one app, and its check pass. Created for a construct root by `AppIndex.of()` in
 * index.ts, which adds the pass to the root.
 */
export class AppIndex implements AppIndexReader {
  private readonly kinds = new Map<Kind<unknown>, unknown[]>();
  private readonly slots = new Map<Slot<unknown>, unknown>();
  private readonly cache = new Map<Derived<unknown>, { readonly generation: number; readonly value: unknown }>();
  private generation = 0;

  constructor(public readonly root: IConstruct) {}

  /** Registers facts under `kind`. Returns the facts. */
  public add<T>(kind: Kind<T>, facts: T): T {
    let list = this.kinds.get(kind);
    if (!list) {
      list = [];
      this.kinds.set(kind, list);
    }
    list.push(facts);
    this.generation++;
    return facts;
  }

  public members<T>(kind: Kind<T>): readonly T[] {
    return (this.kinds.get(kind) ?? []) as T[];
  }

  /** The app's value for `slot`, created on first use. */
  public slot<T>(slot: Slot<T>): T {
    if (!this.slots.has(slot)) this.slots.set(slot, slot.create());
    return this.slots.get(slot) as T;
  }

  public derived<T>(d: Derived<T>): T {
    const hit = this.cache.get(d);
    if (hit && hit.generation === this.generation) return hit.value as T;
    const value = d.compute(this);
    this.cache.set(d, { generation: this.generation, value });
    return value;
  }

  /**
   * Runs every rule once over a fresh view of the app. Returns the errors as cdk8s validation
   * messages (each names its construct path).
   */
  public runPass(rules: readonly AppRule[]): string[] {
    // A pass sees the app as it is now: derived values are computed afresh.
    this.generation++;
    const view = new PassView(this);
    const errors: string[] = [];
    const report: Report = {
      error: e => { errors.push(e.message); },
      warn: (scope, fields) => addWarning(scope, fields),
    };
    for (const rule of rules) rule.check(view, report);
    return errors;
  }
}

class PassView implements AppView {
  private walk?: readonly IConstruct[];
  private readonly byType = new Map<Function, readonly unknown[]>();

  constructor(private readonly index: AppIndex) {}

  public members<T>(kind: Kind<T>): readonly T[] {
    return this.index.members(kind);
  }

  public derived<T>(d: Derived<T>): T {
    return this.index.derived(d);
  }

  public constructs(): readonly IConstruct[] {
    if (!this.walk) this.walk = this.index.root.node.findAll();
    return this.walk;
  }

  public ofType<T>(type: abstract new (...args: any[]) => T): readonly T[] {
    let list = this.byType.get(type);
    if (!list) {
      list = this.constructs().filter(c => c instanceof type);
      this.byType.set(type, list);
    }
    return list as T[];
  }
}

/**
 * Items by key (an item may have several keys, e.g. a server's names and addresses), in order.
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
