/**
 * Orders strings by UTF-16 code unit: the same on every machine. `localeCompare` follows the host's
 * locale (ICU collation), so the same program gave a different file order under da_DK than under C,
 * and GitOps diffs that meant nothing.
 *
 * @internal
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
