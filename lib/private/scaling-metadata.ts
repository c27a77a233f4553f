import { ApiObjectMetadata } from 'cdk8s';

/**
 * Metadata for an ApiObject without keys whose value is undefined: cdk8s spreads the given
 * metadata over its defaults, so `{ name: undefined }` (what `{ name: props.name }` builds when no
 * name is given) would erase the generated name, and `{ namespace: undefined }` the chart's.
 *
 * @internal
 */
export function definedMetadata(...parts: Array<ApiObjectMetadata | { [key: string]: unknown } | undefined>): ApiObjectMetadata | undefined {
  const out: { [key: string]: unknown } = {};
  let any = false;
  for (const part of parts) {
    for (const [k, v] of Object.entries(part ?? {})) {
      if (v === undefined) continue;
      out[k] = v;
      any = true;
    }
  }
  return any ? out as ApiObjectMetadata : undefined;
}
