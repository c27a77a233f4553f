/**
 * Names that two constructs of one app must not both claim: the objects they emit (kind, namespace,
 * name: the second `kubectl apply` silently replaces the first), and names a platform creates from
 * them (the Service every backend creates under the function's name, a Knative domain). One index of
 * the app's objects per pass, so the check stays linear in the number of constructs.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { clusterKey } from './clusters';
import { AppRule, AppView, groupBy, Kind, Report } from './engine';

/** A construct whose names must be its own (a ServerlessFunction, a FunctionRoute). */
export interface NameClaimerFacts {
  readonly scope: IConstruct;
  /** Its objects (read at check time: children may still be added after construction). */
  readonly objects: () => readonly ApiObject[];
  /** Names it claims that no object of the app carries (e.g. the Service a platform creates). */
  readonly names: readonly NameClaim[];
  /** How to fix a clash, for the message. */
  readonly fix: string;
}

/** A name a construct claims. */
export interface NameClaim {
  /** What two claims of the same name share, e.g. `object /Service apps/hello`. */
  readonly key: string;
  /** What is claimed, for messages (e.g. `Service apps/hello`). */
  readonly what: string;
}

export const NAME_CLAIMER = new Kind<NameClaimerFacts>('constructs whose object names must be their own');

/** Kinds without a namespace: their names are global to the cluster. */
const CLUSTER_SCOPED = new Set([
  'ClusterDomainClaim', 'RuntimeClass', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'IngressClass', 'GatewayClass', 'ClusterTriggerAuthentication', 'ClusterCloudEventSource',
  'Shim', 'Node', 'PersistentVolume', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ClusterPolicy', 'APIService',
]);

interface OwnedClaim extends NameClaim {
  readonly owner: IConstruct;
}

/** The key under which the Service named `name` in `namespace` is claimed (the same as an emitted Service's). */
export function serviceClaim(namespace: string, name: string, createdBy: string): NameClaim {
  return { key: `object /Service ${namespace}/${name}`, what: `Service ${namespace ? `${namespace}/` : ''}${name} (created by ${createdBy})` };
}

/** The name an object takes in the cluster: API group, kind, namespace (none if cluster-scoped), name. */
function objectClaim(o: ApiObject): OwnedClaim {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? '');
  const name = o.metadata.name ?? '';
  return { key: `object ${group}/${o.kind} ${ns}/${name}`, what: `${o.kind} ${ns ? `${ns}/` : ''}${name}`, owner: o };
}

/** The ApiObjects in the subtree of `scope`, leaving out the subtree of `except`. */
export function objectsUnder(scope: IConstruct, except?: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && !(except && isWithin(c, except)));
}

function isWithin(c: IConstruct, scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (s === scope) return true;
  }
  return false;
}

/** Every claimer's objects and names are its own in the app. */
export const UNIQUE_NAMES: AppRule = {
  name: 'object names are unique in the app',
  check(view: AppView, report: Report): void {
    const claimers = view.members(NAME_CLAIMER);
    if (claimers.length === 0) return;
    const claims: OwnedClaim[] = view.ofType(ApiObject).map(objectClaim);
    for (const c of claimers) for (const n of c.names) claims.push({ key: n.key, what: n.what, owner: c.scope });
    const key = (c: OwnedClaim) => `${clusterKey(view, c.owner)}\n${c.key}`;
    const index = groupBy(claims, c => [key(c)]);
    for (const c of claimers) {
      const mine: OwnedClaim[] = [...c.objects().map(objectClaim), ...c.names.map(n => ({ key: n.key, what: n.what, owner: c.scope }))];
      const seen = new Set<string>();
      for (const claim of mine) {
        if (seen.has(claim.key)) continue;
        seen.add(claim.key);
        const others = (index.get(key(claim)) ?? []).filter(o => o.owner !== claim.owner && !isWithin(o.owner, c.scope));
        if (others.length === 0) continue;
        const names = [...new Set(others.map(o => o.owner.node.path))].slice(0, 3);
        report.error(propError(c.scope, 'name', claim.what,
          `${names.join(', ')} claims the same name (${others[0].what}); applying both makes one silently replace the other`, c.fix));
      }
    }
  },
};
