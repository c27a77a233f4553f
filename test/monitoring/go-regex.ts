/**
 * Workaround for test/util/validate.ts (not this part's file): the PrometheusRule CRD (v0.93.0)
 * has a Go RE2 pattern with an inline flag, `^(?i)(abort|warn)?$` (partial_response_strategy), that
 * JavaScript cannot compile, so ajv refuses the whole schema. The API server compiles CRD patterns
 * with Go's regexp (apiextensions-apiserver), so `(?i)` is valid there. This spells the flag out
 * as character classes before ajv compiles, leaving every other pattern as it is.
 *
 * Use in a test file: `jest.mock('ajv', () => require('./go-regex').ajvWithGoPatterns());`
 */

/** `(?i)abc` as `[aA][bB][cC]` (outside character classes and escapes). */
export function goPatternToJs(pattern: string): string {
  if (!pattern.includes('(?i)')) return pattern;
  const [head, rest] = [pattern.slice(0, pattern.indexOf('(?i)')), pattern.slice(pattern.indexOf('(?i)') + 4)];
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '\\') {
      out += ch + (rest[i + 1] ?? '');
      i++;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (ch === ']') {
      inClass = false;
      out += ch;
    } else if (!inClass && /[a-zA-Z]/.test(ch)) {
      out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    } else {
      out += ch;
    }
  }
  return head + out;
}

function rewrite(schema: any): any {
  if (Array.isArray(schema)) return schema.map(rewrite);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'pattern' && typeof v === 'string' ? goPatternToJs(v) : rewrite(v);
  return out;
}

/** The ajv module, whose compile() rewrites Go inline flags first. */
export function ajvWithGoPatterns(): any {
  const actual = jest.requireActual('ajv');
  const Base = actual.default;
  class GoPatternAjv extends Base {
    public compile(schema: any, meta?: boolean): any {
      return super.compile(rewrite(schema), meta);
    }
  }
  return Object.assign({}, actual, { __esModule: true, default: GoPatternAjv });
}
