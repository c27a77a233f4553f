import { IConstruct } from 'constructs';
import { propError } from './errors';
import { checkLabels } from './validate';

/**
 * Type checks for props that reach the function constructs from JavaScript or another jsii
 * language without a type checker: a number where a name belongs would pass a name regex
 * (`/^[a-z0-9]+$/.test(5)` is true) and reach the output as a number.
 */

/** @internal */
export function checkString(scope: IConstruct | string, prop: string, value: unknown, example: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw propError(scope, prop, value, 'is not a string', `use e.g. "${example}"`);
  }
}

/** @internal */
export function checkStringMap(scope: IConstruct | string, prop: string, value: unknown, example: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw propError(scope, prop, value, 'is not a map of strings', `use e.g. ${example}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw propError(scope, `${prop}.${k}`, v, 'is not a string', `write it as "${String(v)}"`);
  }
}

/** @internal */
export function checkList(scope: IConstruct | string, prop: string, value: unknown, example: string): void {
  if (value !== undefined && !Array.isArray(value)) {
    throw propError(scope, prop, value, 'is not a list', `use e.g. ${example}`);
  }
}

/**
 * The shape of an IWasmPlacement (placementName, nodeLabels, taints, runtimes), so a wrong object
 * ends in the library error instead of a TypeError in WasmDeployment's validation.
 *
 * @internal
 */
export function checkPlacementShape(scope: IConstruct | string, prop: string, p: any): void {
  if (p === undefined) return;
  const ok = p !== null && typeof p === 'object' && typeof p.placementName === 'string'
    && p.nodeLabels !== null && typeof p.nodeLabels === 'object' && Array.isArray(p.taints) && Array.isArray(p.runtimes);
  if (!ok) {
    throw propError(scope, prop, p, 'is not a placement (placementName, nodeLabels, taints, runtimes)',
      'pass an EdgeOfflineNode or an EdgeNodeGroup (or another IWasmPlacement)');
  }
  checkLabels(scope, `${prop}.nodeLabels`, p.nodeLabels);
}
