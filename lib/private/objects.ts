/**
 * Small helpers on plain objects, shared by the renderers.
 */

/** A map with `f` applied to every value; undefined when the map is empty (so the field is left out). */
export function mapValues<T>(m: { [k: string]: string }, f: (v: string) => T): { [k: string]: T } | undefined {
  const keys = Object.keys(m);
  if (keys.length === 0) return undefined;
  const out: { [k: string]: T } = {};
  for (const k of keys) out[k] = f(m[k]);
  return out;
}

/** A copy with the keys in code-unit order (deterministic output whatever order the user gave). */
export function sortedRecord<T>(m: { [k: string]: T }): { [k: string]: T } {
  const out: { [k: string]: T } = {};
  for (const k of Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = m[k];
  return out;
}
