/**
 * CEL evaluation for the policy layer's self-check (an app's workloads against its own admission
 * rules) and its tests, with @bufbuild/cel. Loaded on first use: apps without policies never load
 * the evaluator.
 *
 * Objects are passed as Kubernetes passes them to CEL: JSON integers are CEL `int` (the API
 * server's int64 fields), other numbers `double`; a variable is evaluated once, in order, and read
 * as `variables.<name>` by later variables and by the validation.
 */
import { lazyModule } from './lazy';

const celModule = lazyModule((): typeof import('@bufbuild/cel') => require('@bufbuild/cel'));
const cel = () => celModule;

/** One named CEL expression. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

type Program = (ctx?: Record<string, unknown>) => unknown;
const PROGRAMS = new Map<string, Program>();

/** The parsed and planned program of an expression (cached: an app evaluates few distinct expressions many times). */
function program(expression: string): Program {
  let p = PROGRAMS.get(expression);
  if (!p) {
    const c = cel();
    p = c.plan(c.celEnv(), c.parse(expression)) as Program;
    PROGRAMS.set(expression, p);
  }
  return p;
}

/** The syntax error of an expression, or undefined when it parses. */
export function celSyntaxError(expression: string): string | undefined {
  try {
    cel().parse(expression);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** JSON as Kubernetes hands it to CEL: whole numbers become int (bigint). */
export function celInput(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(celInput);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = celInput(v);
    }
    return out;
  }
  return value;
}

/** The outcome of a validation: its value, or the evaluation error (an admission failure under failurePolicy Fail). */
export type CelOutcome = { readonly value: unknown; readonly error?: undefined } | { readonly value?: undefined; readonly error: string };

/**
 * Evaluates `expression` with `object` bound (and `variables` from `vars`, in order). `bindings`
 * adds further top-level names (e.g. `namespaceObject`).
 */
export function evaluate(vars: readonly CelVariable[], expression: string, object: unknown, bindings: Record<string, unknown> = {}): CelOutcome {
  const c = cel();
  const ctx: Record<string, unknown> = Object.assign({}, bindings, { object: celInput(object) });
  const variables: Record<string, unknown> = {};
  ctx.variables = variables;
  try {
    for (const v of vars) {
      const value = program(v.expression)(ctx);
      if (c.isCelError(value)) return { error: `variables.${v.name}: ${value.message}` };
      variables[v.name] = value;
    }
    const value = program(expression)(ctx);
    if (c.isCelError(value)) return { error: value.message };
    return { value };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
