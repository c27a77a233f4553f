/**
 * What alerts and dashboards observe, taken from the app's own constructs (sites, nodes, functions,
 * workloads, devices), and the PromQL pieces that select them. Internal to lib/monitoring.
 *
 * Label contract with the per-site agents: they remote_write with external labels
 * `site: <EdgeSite.siteName>` and `fleet: <EdgeFleet.fleetName>`, so a site's series carry both.
 */
import { Chart, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EdgeFleet } from '../fleet/edge-fleet';
import { EdgeSite } from '../fleet/edge-site';
import { KubeEdgeDevice } from '../kubeedge/device';
import { KUBELET_DEFAULT_MAX_PODS } from '../node/density';
import { EdgeOfflineNode } from '../node/edge-offline-node';
import { propError } from '../private/errors';
import { ServerlessFunction } from '../serverless-function';
import { WasmDeployment } from '../wasm-deployment';

/** The external label the per-site agents add (EdgeSite.siteName). */
export const SITE_LABEL = 'site';
/** The external label the per-site agents add (EdgeFleet.fleetName). */
export const FLEET_LABEL = 'fleet';

/** Where a construct runs: its site and fleet, when it is inside an EdgeSite. */
export interface Placement {
  readonly site?: string;
  readonly fleet?: string;
  /** The same construct on several sites of one fleet (see mergeSites): matched as `site=~"a|b"`. */
  readonly sites?: string[];
}

/** A label matcher: name, value (left out when undefined), and `=~` for a regex. */
export type Matcher = [string, string | undefined] | [string, string | undefined, '=~'];

/**
 * Targets that differ only by site, as one target per group with every site in `sites`: a workload
 * a fleet deploys to 500 sites is one rule matching `site=~"..."`, not 500 (alerts still carry the
 * site label of the series). Order: the first of each group.
 */
export function mergeSites<T extends Placement>(items: T[], key: (t: T) => string): T[] {
  const groups = new Map<string, { first: T; sites: string[] }>();
  for (const t of items) {
    const k = `${t.fleet ?? ''}\u0000${t.site === undefined ? 'nosite' : 'site'}\u0000${key(t)}`;
    const g = groups.get(k);
    if (g) {
      if (t.site !== undefined && !g.sites.includes(t.site)) g.sites.push(t.site);
    } else {
      groups.set(k, { first: t, sites: t.site === undefined ? [] : [t.site] });
    }
  }
  return [...groups.values()].map(g => (g.sites.length > 1 ? Object.assign({}, g.first, { sites: [...g.sites].sort() }) : g.first));
}

/** A node and its offline window. */
export interface NodeTarget extends Placement {
  readonly nodeName: string;
  readonly offlineWindowSeconds: number;
  readonly maxPods: number;
  readonly podIps: number;
}

/** A site and the shortest offline window of its nodes. */
export interface SiteTarget extends Placement {
  readonly site: string;
  readonly path: string;
  /** Undefined for a site without nodes of the library. */
  readonly offlineWindowSeconds?: number;
}

/** A Deployment of Wasm pods. */
export interface WorkloadTarget extends Placement {
  readonly name: string;
  readonly namespace?: string;
  readonly path: string;
  readonly coldStartBudgetSeconds: number;
}

/** A function's autoscaling objects. */
export interface FunctionTarget extends Placement {
  readonly name: string;
  readonly namespace?: string;
  readonly path: string;
  readonly maxReplicas: number;
  /** The ScaledObject KEDA reconciles (ours, or the one the HTTP add-on creates from an HTTPScaledObject). */
  readonly scaledObject?: string;
  /** The HPA KEDA creates for the ScaledObject. */
  readonly hpa?: string;
  /** The HTTP add-on route (InterceptorRoute or HTTPScaledObject) name, when traffic goes through the interceptor. */
  readonly route?: string;
  /** The interceptor's concurrency target per replica. */
  readonly targetConcurrency?: number;
}

/** A KubeEdge device and its edge node. */
export interface DeviceTarget extends Placement {
  readonly name: string;
  readonly namespace?: string;
  readonly nodeName: string;
}

/** The site and fleet of a construct (the EdgeSite chart above it, and that site's EdgeFleet). */
export function placementOf(c: IConstruct): Placement {
  // EdgeSite.isEdgeSite: cdk8s's Chart answers `instanceof` for every chart.
  const site = c.node.scopes.find((s): s is EdgeSite => EdgeSite.isEdgeSite(s));
  const fleet = c.node.scopes.find((s): s is EdgeFleet => s instanceof EdgeFleet);
  return { site: site?.siteName, fleet: site ? fleet?.fleetName : undefined };
}

/** The fleet name the app implies: its only EdgeFleet's. */
export function defaultFleetName(scope: IConstruct): string | undefined {
  const fleets = scope.node.root.node.findAll().filter((c): c is EdgeFleet => c instanceof EdgeFleet);
  return fleets.length === 1 ? fleets[0].fleetName : undefined;
}

/** Every EdgeSite of the app, in tree order. */
export function allSites(scope: IConstruct): EdgeSite[] {
  return scope.node.root.node.findAll().filter((c): c is EdgeSite => EdgeSite.isEdgeSite(c));
}

/** Every construct of a type in the app, in tree order (not for charts: use allSites). */
export function allOf<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: any[]) => T): T[] {
  return scope.node.root.node.findAll().filter((c): c is T => c instanceof type);
}

export function nodeTarget(n: EdgeOfflineNode): NodeTarget {
  const plan = n.densityPlan;
  return Object.assign(placementOf(n), {
    nodeName: n.nodeName,
    offlineWindowSeconds: (n.offlineAutonomy ?? Duration.days(30)).toSeconds(),
    maxPods: plan?.maxPods ?? KUBELET_DEFAULT_MAX_PODS,
    // K3s's default node-cidr-mask-size is 24: 256 addresses less network, broadcast and the cni0
    // gateway (lib/node/density.ts usableIps).
    podIps: plan?.podIpsPerNode ?? 2 ** (32 - 24) - 3,
  });
}

export function siteTarget(s: EdgeSite): SiteTarget {
  const windows = s.nodes.map(n => (n.offlineAutonomy ?? Duration.days(30)).toSeconds());
  return Object.assign(placementOf(s), {
    site: s.siteName,
    path: s.node.path,
    offlineWindowSeconds: windows.length > 0 ? Math.min(...windows) : undefined,
  });
}

/** The cold-start budget of a function in whole seconds (rounded up). */
export function coldStartBudgetSeconds(fn: ServerlessFunction): number {
  return Math.max(1, Math.ceil(fn.coldStartBudget.toMilliseconds({ integral: false }) / 1000));
}

export function functionTarget(fn: ServerlessFunction): FunctionTarget {
  const namespace = Chart.of(fn).namespace;
  // The HTTP add-on names the ScaledObject after the HTTPScaledObject (http-add-on v0.15.0
  // operator/controllers/http/scaled_object.go:37); KEDA names the HPA keda-hpa-<ScaledObject>
  // unless advanced.horizontalPodAutoscalerConfig.name is set, which the library never sets
  // (keda v2.20.2 controllers/keda/hpa.go:394-402).
  const scaledObject = fn.scaledObject?.name ?? fn.httpScaledObject?.name;
  // The interceptor labels its metrics with the route's name and namespace (http-add-on v0.15.0
  // interceptor/middleware/counting.go:43); it turns an HTTPScaledObject into an InterceptorRoute of
  // the same name (pkg/routing/table.go:88-91).
  const route = fn.interceptorRoute?.name ?? fn.httpScaledObject?.name;
  const routeSpec = (fn.interceptorRoute?.apiObject ?? fn.httpScaledObject?.apiObject)?.toJson().spec;
  const target = routeSpec?.scalingMetric?.concurrency?.targetValue;
  return Object.assign(placementOf(fn), {
    name: fn.functionName,
    namespace,
    path: fn.node.path,
    maxReplicas: fn.maxReplicas,
    scaledObject,
    hpa: scaledObject ? `keda-hpa-${scaledObject}` : undefined,
    route: fn.routesThroughInterceptor ? route : undefined,
    targetConcurrency: typeof target === 'number' ? target : undefined,
  });
}

/**
 * The Deployment spin-operator creates for a SpinKube function: named after the SpinApp, the
 * Deployment KEDA scales (lib/backends/spinkube.ts SpinAppDeployment). Undefined on other backends.
 */
export function spinAppWorkload(fn: ServerlessFunction): WorkloadTarget | undefined {
  if (fn.resource?.kind !== 'SpinApp') return undefined;
  return Object.assign(placementOf(fn), {
    name: fn.functionName, namespace: Chart.of(fn).namespace, path: fn.node.path, coldStartBudgetSeconds: coldStartBudgetSeconds(fn),
  });
}

export function workloadTarget(d: WasmDeployment, budgetSeconds: number): WorkloadTarget {
  const namespace = d.metadata.namespace ?? Chart.of(d).namespace;
  return Object.assign(placementOf(d), { name: d.name, namespace, path: d.node.path, coldStartBudgetSeconds: budgetSeconds });
}

export function deviceTarget(d: KubeEdgeDevice): DeviceTarget {
  return Object.assign(placementOf(d), { name: d.deviceName, namespace: Chart.of(d).namespace, nodeName: d.nodeName });
}

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A value as an RE2 literal (Kubernetes names: only "." is special). */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Label matchers, in the given order, `{a="x",b=~"y"}`; entries with an undefined value are left out. */
export function matchers(entries: Matcher[]): string {
  const parts = entries
    .filter(e => e[1] !== undefined)
    .map(e => `${e[0]}${e[2] ?? '='}${quote(e[1] as string)}`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** The site and fleet matchers of a placement. */
export function placementMatchers(p: Placement, fleetName?: string): Matcher[] {
  const fleet: Matcher = [FLEET_LABEL, p.fleet ?? (p.site ? fleetName : undefined)];
  if (p.sites && p.sites.length > 1) return [fleet, [SITE_LABEL, p.sites.map(regexLiteral).join('|'), '=~']];
  return [fleet, [SITE_LABEL, p.site]];
}

/**
 * The pods of a Deployment, as a kube-state-metrics `kube_pod_owner` series to join on: the
 * Deployment's ReplicaSets are named `<deployment>-<pod-template-hash>` (kubernetes
 * pkg/controller/deployment/sync.go getNewReplicaSet), the hash has no "-" (SafeEncodeString), and
 * pod names may be truncated (generateName), so the owner is the exact handle.
 */
export function podOwnerSelector(w: WorkloadTarget, fleetName?: string): string {
  return `kube_pod_owner${matchers([...placementMatchers(w, fleetName), ['namespace', w.namespace],
    ['owner_kind', 'ReplicaSet'], ['owner_name', `${regexLiteral(w.name)}-[a-z0-9]+`, '=~']])}`;
}

/** The labels a pod series is joined on (site first: two sites may share namespace and pod names). */
export const POD_JOIN = 'on (fleet, site, namespace, pod)';

/**
 * A Duration as a Prometheus duration (whole seconds, in h/m/s: `720h`, `1h30m`, `45s`), checked:
 * at least 1 second, whole seconds.
 */
export function promDuration(scope: IConstruct | string, prop: string, d: Duration): string {
  const seconds = durationSeconds(scope, prop, d);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Whole seconds of a Duration prop, at least 1, at most 100 years. */
export function durationSeconds(scope: IConstruct | string, prop: string, d: Duration): number {
  if (!(d instanceof Duration)) throw propError(scope, prop, d, 'is not a Duration', 'use e.g. Duration.minutes(10)');
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 1000 || ms % 1000 !== 0 || ms > 100 * 365 * 86400 * 1000) {
    throw propError(scope, prop, `${ms}ms`, 'must be a whole number of seconds from 1 second to 100 years (Prometheus durations)',
      'use e.g. Duration.minutes(10)');
  }
  return ms / 1000;
}

/** Seconds as a Prometheus duration (seconds >= 1, whole). */
export function secondsDuration(seconds: number): string {
  return promDuration('', '', Duration.seconds(seconds));
}
