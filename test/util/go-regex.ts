/**
 * CRD patterns are Go RE2 (the API server compiles them with Go's regexp, apiextensions-apiserver):
 * the PrometheusRule CRD (v0.93.0) has an inline flag, `^(?i)(abort|warn)?$`
 * (partial_response_strategy), that JavaScript cannot compile. validate.ts spells the flag out as
 * character classes before ajv compiles, leaving every other pattern as it is.
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
