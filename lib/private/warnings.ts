/**
 * Warnings: output that is valid but probably not what the user wants. One format, the fields of a
 * ValidationError: `[cdk8s-wasm-edge] warning: <path>: <prop>=<value>: <problem>. Fix: <fix>`. They
 * are printed once each when the app validates, and fail synth in strict mode. The public face is
 * `Warnings` (lib/warnings.ts).
 */
import { IConstruct } from 'constructs';
import { describe, ERROR_PREFIX } from './errors';

/**
 * The context key that turns every library warning into a synth error:
 * `app.node.setContext(STRICT_CONTEXT_KEY, true)` before adding constructs, or
 * `cdk8s synth -c cdk8s-wasm-edge:strict=true`.
 */
export const STRICT_CONTEXT_KEY = 'cdk8s-wasm-edge:strict';

/** What a warning says: the prop, its value, the problem and the fix. */
export interface WarningFields {
  readonly prop: string;
  readonly value?: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** Whether strict mode is on for `scope` (context `cdk8s-wasm-edge:strict`). */
export function isStrict(scope: IConstruct): boolean {
  const v = scope.node.tryGetContext(STRICT_CONTEXT_KEY);
  return v === true || v === 'true';
}

/** The text of a warning on `scope`. */
export function warningText(scope: IConstruct, fields: WarningFields): string {
  const value = 'value' in fields ? `=${describe(fields.value)}` : '';
  return `${ERROR_PREFIX} warning: ${scope.node.path}: ${fields.prop}${value}: ${fields.problem}. Fix: ${fields.fix}`;
}

/** Adds a warning to `scope` (once: the same warning added again is ignored). */
export function addWarning(scope: IConstruct, fields: WarningFields): void {
  addWarningText(scope, warningText(scope, fields));
}

/** The same as `addWarning`, with the fields as arguments. */
export function warn(scope: IConstruct, prop: string, value: unknown, problem: string, fix: string): void {
  addWarning(scope, { prop, value, problem, fix });
}

/**
 * Adds a warning whose text is already formatted (the public `Warnings.add` of user code).
 */
export function addWarningText(scope: IConstruct, text: string): void {
  let list = WARNINGS.get(scope);
  if (!list) {
    const created: string[] = [];
    list = created;
    WARNINGS.set(scope, created);
    scope.node.addValidation({
      validate: () => {
        if (isStrict(scope)) return created.map(w => `${w} (strict mode: ${STRICT_CONTEXT_KEY})`);
        for (const w of created) {
          if (!REPORTED.has(w)) {
            REPORTED.add(w);
            process.stderr.write(`${w}\n`);
          }
        }
        return [];
      },
    });
  }
  if (!list.includes(text)) list.push(text);
}

/** The warnings added to `scope` so far. */
export function warningsOf(scope: IConstruct): readonly string[] {
  return WARNINGS.get(scope) ?? [];
}

const WARNINGS = new WeakMap<IConstruct, string[]>();
const REPORTED = new Set<string>();
