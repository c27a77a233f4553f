import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propMessage } from './errors';
import { appConstructs, groupBy, perValidationPass } from '../root-registry';

/**
 * Names that two constructs of one app must not both claim: the objects they emit (kind, namespace,
 * name: the second `kubectl apply` silently replaces the first), and names a platform creates from
 * them (the Service every backend creates under the function's name, a Knative domain). Checked at
 * synth from one index per validation pass, so synthesis stays linear in the number of constructs.
 *
 * @internal
 */

/** Kinds without a namespace: their names are global to the cluster. */
const CLUSTER_SCOPED = new Set([
  'ClusterDomainClaim', 'RuntimeClass', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'IngressClass', 'GatewayClass', 'ClusterTriggerAuthentication', 'ClusterCloudEventSource',
  'Shim', 'Node', 'PersistentVolume', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ClusterPolicy', 'APIService',
]);

interface Claim {
  readonly key: string;
  /** What is claimed, for messages (e.g. `Service apps/hello`). */
  readonly what: string;
  readonly owner: IConstruct;
}

const VIRTUAL = new WeakMap<IConstruct, Claim[]>();

/**
 * Records that `owner` claims a name no object of the app carries (e.g. the Service a platform
 * creates for a function, a Knative domain).
 *
 * @internal
 */
export function claimName(owner: IConstruct, key: string, what: string): void {
  let list = VIRTUAL.get(owner);
  if (!list) {
    list = [];
    VIRTUAL.set(owner, list);
  }
  list.push({ key, what, owner });
}

/** The name an object takes in the cluster: API group, kind, namespace (none if cluster-scoped), name. */
export function objectClaim(o: ApiObject): Claim {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? '');
  const name = o.metadata.name ?? '';
  return { key: `object ${group}/${o.kind} ${ns}/${name}`, what: `${o.kind} ${ns ? `${ns}/` : ''}${name}`, owner: o };
}

/** Every claim of the app, by key: one walk per validation pass, shared by every check. */
function claimIndex(scope: IConstruct): Map<string, Claim[]> {
  return perValidationPass(scope, 'function-name-claims', () => {
    const claims: Claim[] = [];
    for (const c of appConstructs(scope)) {
      if (c instanceof ApiObject) claims.push(objectClaim(c));
      const v = VIRTUAL.get(c);
      if (v) claims.push(...v);
    }
    return groupBy(claims, c => [c.key]);
  });
}

/**
 * Messages for the claims of `scope` (its own objects, given, and its recorded names) that another
 * construct of the app claims too.
 *
 * @internal
 */
export function claimConflicts(scope: IConstruct, objects: ApiObject[], fix: string): string[] {
  const mine = [...objects.map(objectClaim), ...(VIRTUAL.get(scope) ?? [])];
  const index = claimIndex(scope);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const claim of mine) {
    if (seen.has(claim.key)) continue;
    seen.add(claim.key);
    const others = (index.get(claim.key) ?? []).filter(c => c.owner !== claim.owner && !isWithin(c.owner, scope));
    if (others.length === 0) continue;
    const names = [...new Set(others.map(c => c.owner.node.path))].slice(0, 3);
    out.push(propMessage(scope, 'name', claim.what,
      `${names.join(', ')} claims the same name (${others[0].what}); applying both makes one silently replace the other`, fix));
  }
  return out;
}

function isWithin(c: IConstruct, scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (s === scope) return true;
  }
  return false;
}
