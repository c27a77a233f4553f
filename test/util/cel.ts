/**
 * CEL checks for the policy tests: the functions and names an expression uses, so that a test can
 * hold every rule to the subset Kubernetes compiles for admission (its base environment: the CEL
 * standard definitions, no optional syntax, no extension library the rules do not need).
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.30.0/staging/src/k8s.io/apiserver/pkg/cel/environment/base.go
 * @see https://kubernetes.io/docs/reference/using-api/cel/#cel-options-language-features-and-libraries
 */
import { parse } from '@bufbuild/cel';

/** Operators and functions of the CEL standard definitions that the rules may use. */
export const KUBERNETES_CEL_FUNCTIONS = new Set([
  '_?_:_', '_&&_', '_||_', '!_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '@in', '_[_]', '@not_strictly_false',
  'size', 'startsWith', 'endsWith', 'contains', 'matches',
]);

/** The top-level names admission CEL binds (VAP: object, oldObject, request, params, namespaceObject, authorizer, variables). */
export const ADMISSION_NAMES = new Set(['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables']);

/** The call names and free identifiers of an expression (comprehension variables excluded). */
export function celUsage(expression: string): { functions: Set<string>; names: Set<string> } {
  const functions = new Set<string>();
  const names = new Set<string>();
  const walk = (e: any, bound: Set<string>): void => {
    const kind = e?.exprKind;
    if (!kind) return;
    const v = kind.value;
    switch (kind.case) {
      case 'callExpr':
        functions.add(v.function);
        if (v.target) walk(v.target, bound);
        for (const a of v.args) walk(a, bound);
        break;
      case 'selectExpr':
        walk(v.operand, bound);
        break;
      case 'identExpr':
        if (!bound.has(v.name)) names.add(v.name);
        break;
      case 'listExpr':
        for (const el of v.elements) walk(el, bound);
        break;
      case 'structExpr':
        for (const en of v.entries) { walk(en.keyKind?.value, bound); walk(en.value, bound); }
        break;
      case 'comprehensionExpr': {
        walk(v.iterRange, bound);
        walk(v.accuInit, bound);
        const inner = new Set([...bound, v.iterVar, v.accuVar, ...(v.iterVar2 ? [v.iterVar2] : [])]);
        walk(v.loopCondition, inner);
        walk(v.loopStep, inner);
        walk(v.result, inner);
        break;
      }
      default:
        break;
    }
  };
  walk((parse(expression) as any).expr, new Set());
  return { functions, names };
}

/** The problems of an expression against the Kubernetes admission subset (empty: fine). */
export function admissionCelProblems(expression: string): string[] {
  const { functions, names } = celUsage(expression);
  return [
    ...[...functions].filter(f => !KUBERNETES_CEL_FUNCTIONS.has(f)).map(f => `function ${f} is outside the subset`),
    ...[...names].filter(n => !ADMISSION_NAMES.has(n)).map(n => `name ${n} is not bound in admission CEL`),
  ];
}
