import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/**
 * An object of a cluster-scoped kind: rendered without the chart's namespace (cdk8s gives every
 * object of a namespaced chart one; the API server would drop it, and a reader of the YAML would
 * take the object for a namespaced one).
 */
export class ClusterScopedObject extends ApiObject {
  public toJson(): any {
    const json = super.toJson();
    if (json.metadata && 'namespace' in json.metadata) {
      const metadata = Object.assign({}, json.metadata);
      delete metadata.namespace;
      return Object.assign({}, json, { metadata });
    }
    return json;
  }
}

/**
 * Leaves the chart's namespace out of an object of a cluster-scoped kind made by a generated class
 * (which cannot extend ClusterScopedObject). Returns the object.
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
