/**
 * K3s upgrades with rancher/system-upgrade-controller `Plan`s (upgrade.cattle.io/v1), the way K3s
 * documents them: a server plan on the control-plane nodes, then an agent plan whose `prepare` step
 * waits for it.
 *
 * Field meanings and units were read in rancher/system-upgrade-controller v0.20.1 (f1362a3), the
 * k3s-upgrade image's scripts/upgrade.sh (k3s-io/k3s-upgrade e45db20) and kured 1.13.1's timewindow
 * (the controller's window parser); paths and lines below are of those revisions.
 *
 * @see https://docs.k3s.io/upgrades/automated
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkFetchUrl } from './shim';
import { NodeTaint } from '../core/placement';
import { WASM_ONLY_TAINT_KEY } from '../core/runtime';
import type { PlanSpec, PlanSpecDrain, PlanSpecTolerations, PlanSpecWindowDays } from '../imports/system-upgrade-controller';
import { K3sVersion } from '../node/k3s-version';
import { checkImage } from '../private/containers';
import { checkDns1123Label, checkDns1123Subdomain, checkInt, INT32_MAX, propError } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { tolerationOf } from '../private/tolerations';
import { isLabelValue, isQualifiedName } from '../private/validate';
import { warn } from '../private/warnings';

const { Plan, PlanSpecDrainTimeout } = lazyExports((): typeof import('../imports/system-upgrade-controller') => require('../imports/system-upgrade-controller'));

/** The image K3s documents for both plans; the controller adds the version as its tag. */
export const K3S_UPGRADE_IMAGE = 'rancher/k3s-upgrade';

/** The namespace and service account system-upgrade-controller's manifest creates (manifests/system-upgrade-controller.yaml:1-12). */
export const SYSTEM_UPGRADE_NAMESPACE = 'system-upgrade';

/** The server plan's name; the agent plan's prepare step waits for the plan of this name. */
export const K3S_SERVER_PLAN_NAME = 'server-plan';

/** The agent plan's name. */
export const K3S_AGENT_PLAN_NAME = 'agent-plan';

/** Label on both Plans saying whether the site runs the canary version (`canary`) or the stable one (`stable`). */
export const UPGRADE_TRACK_LABEL = 'cdk8s-wasm-edge.io/upgrade-track';

/** The controller's Job deadline when the Plan sets none (pkg/upgrade/job/job.go:28,479-481): 600 s. */
const CONTROLLER_JOB_DEADLINE_SECONDS = 600;

/** Days of a maintenance window, as kured's timewindow parses them (pkg/timewindow/days.go:15-37). */
export enum UpgradeWindowDay {
  /** Sunday (`su`). */
  SUNDAY = 'su',
  /** Monday (`mo`). */
  MONDAY = 'mo',
  /** Tuesday (`tu`). */
  TUESDAY = 'tu',
  /** Wednesday (`we`). */
  WEDNESDAY = 'we',
  /** Thursday (`th`). */
  THURSDAY = 'th',
  /** Friday (`fr`). */
  FRIDAY = 'fr',
  /** Saturday (`sa`). */
  SATURDAY = 'sa',
}

/**
 * When the controller may start upgrade Jobs (`window`). It creates no Job outside the window, but a
 * Job started inside it runs to its end (pkg/apis/upgrade.cattle.io/v1/types.go:69-71). A window
 * whose end is before its start spans midnight (kured pkg/timewindow/timewindow.go:50-61).
 */
export interface UpgradeWindow {
  /** The days the window opens on (at least one). */
  readonly days: UpgradeWindowDay[];

  /** Start, 24-hour `HH:MM` or `HH:MM:SS` (kured pkg/timewindow/timewindow.go:71-81). */
  readonly startTime: string;

  /** End, 24-hour `HH:MM` or `HH:MM:SS`; the window includes the whole end second. */
  readonly endTime: string;

  /**
   * IANA time zone, e.g. `Europe/Berlin` (Go's `time.LoadLocation`; the controller image ships the
   * zoneinfo database: package/Dockerfile `COPY --from=zoneinfo`).
   *
   * @default "UTC"
   */
  readonly timeZone?: string;
}

/**
 * `kubectl drain` settings for the agent plan (`drain`): the controller runs `kubectl drain` in an
 * init container before the upgrade (pkg/upgrade/job/job.go:350-418).
 */
export interface K3sDrainOptions {
  /**
   * How long `kubectl drain` waits before giving up (`--timeout`). Written as a Go duration string:
   * an integer here would be read as nanoseconds of an int32, at most 2.1 s (job.go:379-386). Must
   * be shorter than the Job deadline, or the Job is killed first and the Plan stops
   * (job.go:507-517; types.go:49-51).
   *
   * @default Duration.minutes(5): half the controller's 600 s Job deadline
   */
  readonly timeout?: Duration;

  /**
   * Stop waiting for a pod whose deletion started longer ago than this
   * (`--skip-wait-for-delete-timeout`, whole seconds: job.go:395-398). Pods on a node whose workloads
   * cannot reach the API while the link is down would otherwise hold the drain until its timeout.
   *
   * @default Duration.seconds(60), as in the controller's examples/k3s-upgrade.yaml:46-48
   */
  readonly skipWaitForDeleteTimeout?: Duration;

  /**
   * Grace period given to each pod (`--grace-period`, whole seconds: job.go:388-390).
   *
   * @default - each pod's own terminationGracePeriodSeconds
   */
  readonly gracePeriod?: Duration;

  /**
   * Delete pods no controller manages (`--force`); they are lost. Off by default: a bare pod then
   * stops the drain instead.
   *
   * @default false
   */
  readonly force?: boolean;

  /**
   * Delete pods with emptyDir volumes, losing that data (`--delete-emptydir-data`). The controller
   * passes the flag unless told not to (job.go:371-375).
   *
   * @default true
   */
  readonly deleteEmptydirData?: boolean;

  /**
   * Skip DaemonSet pods (`--ignore-daemonsets`; job.go:368-370). Without it, a DaemonSet stops the drain.
   *
   * @default true
   */
  readonly ignoreDaemonSets?: boolean;

  /**
   * Delete pods instead of evicting them (`--disable-eviction`), bypassing PodDisruptionBudgets.
   *
   * @default false: evict, honouring PodDisruptionBudgets
   */
  readonly disableEviction?: boolean;
}

/**
 * A fleet's K3s upgrade settings: what `EdgeFleet` takes once and `K3sUpgradePlan.forSite` applies per
 * site.
 *
 * Canary flow: set `canaryVersion`; canary sites (`forSite(..., { canary: true })`) upgrade to it,
 * the others stay on `version`. Watch the canary sites (`kubectl -n system-upgrade get plans`: the
 * `Complete` condition, and the nodes' `plan.upgrade.cattle.io/<plan>` labels). When they are healthy,
 * set `version` to the canary version and remove `canaryVersion`: every site then upgrades. To stop
 * a canary, remove `canaryVersion` (K3s cannot be downgraded by a Plan: nodes already upgraded stay).
 */
export interface K3sUpgradeOptions {
  /**
   * The K3s release every (non-canary) site runs, e.g. `K3sVersion.parse("v1.33.5+k3s1")`. The
   * controller munges `+` to `-` for the image tag (pkg/upgrade/plan/plan.go:97-99). Set `version` or
   * `channel`, not both: a version stops channel polling (types.go:59-60).
   *
   * @default - none; `channel` must be set
   */
  readonly version?: K3sVersion;

  /**
   * A channel URL the controller polls every 15 minutes (plan.go:29-31,106-141), e.g.
   * `https://update.k3s.io/v1-release/channels/stable`, or the site's own mirror of it. It needs the
   * URL reachable from the controller: for offline sites, pin `version` instead.
   *
   * @default - none; `version` must be set
   */
  readonly channel?: string;

  /**
   * The version canary sites upgrade to first (see the canary flow above). Must be newer than
   * `version`.
   *
   * @default - no canary: every site runs `version` (or follows `channel`)
   */
  readonly canaryVersion?: K3sVersion;

  /**
   * How many agent nodes upgrade at once (`concurrency`). The server plan always upgrades one server
   * at a time, as K3s documents it (an HA datastore keeps its quorum). The controller selects no node
   * at all with 0 (plan.go:189-206).
   *
   * @default 1: one node of a small edge site out of service at a time
   */
  readonly concurrency?: number;

  /**
   * Cordon each node before its upgrade (`cordon`). With `drain`, nodes are cordoned anyway
   * (types.go:76-79).
   *
   * @default true
   */
  readonly cordon?: boolean;

  /**
   * Drain agent nodes before their upgrade. Off by default at the edge: "the K3s containers continue
   * running when the K3s service is stopped" (docs.k3s.io/upgrades/killall), so the k3s-upgrade
   * restart does not stop the workloads and a cordon is enough, while a drain on a small site evicts
   * pods that have nowhere else to run, and that cannot be rescheduled while the site is offline.
   *
   * @default - no drain (cordon only)
   */
  readonly drain?: K3sDrainOptions;

  /**
   * The k3s-upgrade image without a tag, e.g. the site's registry mirror
   * `registry.site.local:5000/rancher/k3s-upgrade`. The controller adds the resolved version as its
   * tag only to an image without one (pkg/upgrade/container/container.go:46-61).
   *
   * @default "rancher/k3s-upgrade"
   */
  readonly image?: string;

  /**
   * When upgrades may start, e.g. the site's maintenance window.
   *
   * @default - any time
   */
  readonly window?: UpgradeWindow;

  /**
   * The service account of the upgrade Jobs; it needs the controller's RBAC (the prepare step reads
   * Plans and nodes: k3s-upgrade scripts/upgrade.sh:130-160).
   *
   * @default "system-upgrade"
   */
  readonly serviceAccountName?: string;

  /**
   * The namespace of the Plans: the controller's. Both plans must share it: the prepare step looks
   * up the server plan in its own namespace (scripts/upgrade.sh:139-148).
   *
   * @default "system-upgrade"
   */
  readonly namespace?: string;

  /**
   * Deadline of each upgrade Job (`jobActiveDeadlineSecs`, whole seconds). A Job that misses it
   * fails, and the Plan stops until it is changed (types.go:49-52). Raise it for sites that pull the
   * image over a slow link.
   *
   * @default - the controller's, 600 s unless its SYSTEM_UPGRADE_JOB_ACTIVE_DEADLINE_SECONDS says
   * otherwise (job.go:47-57,479-493)
   */
  readonly jobActiveDeadline?: Duration;

  /**
   * Wait this long after one node's Job completes before the next node starts (`postCompleteDelay`,
   * a Go duration: types.go:84-85), to see the node healthy first.
   *
   * @default - no delay
   */
  readonly postCompleteDelay?: Duration;

  /**
   * Further taints the upgrade Jobs tolerate, beside the defaults: `node.kubernetes.io/unschedulable`
   * (the controller's own, job.go:234-238), the library's `cdk8s-wasm-edge.io/wasm-only` taint on both
   * plans, and `CriticalAddonsOnly` and `node-role.kubernetes.io/control-plane` on the server plan
   * (the taints dedicated K3s servers carry, e.g. `--node-taint CriticalAddonsOnly=true:NoExecute`),
   * so that no node is left out of the upgrade by its taints.
   *
   * @default - none
   */
  readonly tolerations?: NodeTaint[];

  /**
   * Skip nodes labelled `node-role.kubernetes.io/edge` (KubeEdge's edgecore sets it: those nodes run
   * no K3s). K3s agents you labelled so by hand are skipped too unless this is false.
   *
   * @default true
   */
  readonly excludeKubeEdgeNodes?: boolean;
}

/** Props of a K3sUpgradePlan: the fleet options, and whether this site is a canary. */
export interface K3sUpgradePlanProps extends K3sUpgradeOptions {
  /**
   * Whether this site is a canary: it runs `canaryVersion` when one is set.
   *
   * @default false
   */
  readonly canary?: boolean;
}

/** Per-site input of `K3sUpgradePlan.forSite`. */
export interface K3sUpgradeSiteOptions {
  /** Whether the site is a canary site (runs `canaryVersion` when set). */
  readonly canary: boolean;
}

/**
 * The two system-upgrade-controller Plans that upgrade one K3s cluster: `server-plan` on the
 * control-plane nodes (one at a time, cordoned), then `agent-plan` on the others, whose `prepare`
 * step (`k3s-upgrade prepare server-plan`) waits until no server is still upgrading and the servers
 * run the new version (k3s-upgrade scripts/upgrade.sh:130-160). Needs system-upgrade-controller
 * installed in the cluster.
 *
 * Exclude a node with the controller's own label `plan.upgrade.cattle.io/<plan name>=disabled`
 * (pkg/upgrade/plan/plan.go:164). See `K3sUpgradeOptions` for the canary flow.
 *
 * @see https://docs.k3s.io/upgrades/automated
 * @see https://github.com/rancher/system-upgrade-controller/tree/v0.20.1
 */
export class K3sUpgradePlan extends Construct {
  /**
   * The Plans of one site of a fleet: the canary version on canary sites (when `canaryVersion` is
   * set), the stable `version` (or `channel`) on the others.
   */
  public static forSite(scope: Construct, id: string, options: K3sUpgradeOptions, site: K3sUpgradeSiteOptions): K3sUpgradePlan {
    if (typeof site?.canary !== 'boolean') {
      throw propError(`${scope.node.path}/${id}`, 'canary', site?.canary, 'is not a boolean', 'pass { canary: true } for a canary site, { canary: false } for the others');
    }
    return new K3sUpgradePlan(scope, id, Object.assign({}, options, { canary: site.canary }));
  }

  /** The version this cluster upgrades to (undefined when it follows `channel`). */
  public readonly version?: K3sVersion;
  /** The channel the cluster follows (undefined when a version is pinned). */
  public readonly channel?: string;
  /** Whether this cluster runs the canary version. */
  public readonly isCanary: boolean;
  /** The server Plan (upgrade.cattle.io/v1). */
  public readonly serverPlan: ApiObject;
  /** The agent Plan (upgrade.cattle.io/v1). */
  public readonly agentPlan: ApiObject;
  /** Both Plans, server first. */
  public readonly apiObjects: ApiObject[];

  constructor(scope: Construct, id: string, props: K3sUpgradePlanProps = {}) {
    super(scope, id);
    const p = props ?? {};
    for (const prop of ['version', 'canaryVersion'] as const) {
      if (p[prop] !== undefined && !(p[prop] instanceof K3sVersion)) {
        throw propError(this, prop, p[prop], 'is not a K3sVersion', 'use K3sVersion.parse("v1.33.5+k3s1")');
      }
    }
    for (const prop of ['canary', 'cordon', 'excludeKubeEdgeNodes'] as const) {
      if (p[prop] !== undefined && typeof p[prop] !== 'boolean') {
        throw propError(this, prop, p[prop], 'is not a boolean', `set ${prop} to true or false`);
      }
    }
    if (p.version && p.channel !== undefined) {
      throw propError(this, 'channel', p.channel, 'is set together with version; the controller ignores the channel when a version is set (types.go:59-60)',
        'set either version (a pinned release) or channel (followed release)');
    }
    if (!p.version && p.channel === undefined) {
      // The controller refuses such a Plan (pkg/upgrade/handle_upgrade.go:59-65).
      throw propError(this, 'version', undefined, 'is not set, and neither is channel', 'set version: K3sVersion.parse("v1.33.5+k3s1"), or channel');
    }
    if (p.channel !== undefined) {
      checkFetchUrl(this, 'channel', p.channel, 'https://update.k3s.io/v1-release/channels/stable');
    }
    if (p.canaryVersion && p.version && compareVersions(p.canaryVersion, p.version) <= 0) {
      throw propError(this, 'canaryVersion', p.canaryVersion.toString(), `is not newer than version ${p.version.toString()}: a canary tries the next release, and a Plan cannot downgrade K3s`,
        `set canaryVersion to a release after ${p.version.toString()}, or remove it`);
    }

    this.isCanary = (p.canary ?? false) && p.canaryVersion !== undefined;
    this.version = this.isCanary ? p.canaryVersion : p.version;
    this.channel = this.version ? undefined : p.channel;

    checkInt(this, 'concurrency', p.concurrency, 1, INT32_MAX, {
      problem: 'must be a whole number from 1 to 2147483647: with 0 the controller selects no node (pkg/upgrade/plan/plan.go:189-206)',
      fix: 'use 1 (the default) on small sites',
    });
    const image = p.image ?? K3S_UPGRADE_IMAGE;
    checkUntaggedImage(this, image);
    const namespace = p.namespace ?? SYSTEM_UPGRADE_NAMESPACE;
    if (typeof namespace !== 'string') throw propError(this, 'namespace', namespace, 'is not a string', `use "${SYSTEM_UPGRADE_NAMESPACE}"`);
    checkDns1123Label(this, 'namespace', namespace);
    const serviceAccountName = p.serviceAccountName ?? SYSTEM_UPGRADE_NAMESPACE;
    if (typeof serviceAccountName !== 'string') throw propError(this, 'serviceAccountName', serviceAccountName, 'is not a string', `use "${SYSTEM_UPGRADE_NAMESPACE}"`);
    checkDns1123Subdomain(this, 'serviceAccountName', serviceAccountName);

    const deadline = p.jobActiveDeadline === undefined ? undefined : wholeSeconds(this, 'jobActiveDeadline', p.jobActiveDeadline, 1);
    const drain = p.drain === undefined ? undefined : renderDrain(this, p.drain, deadline ?? CONTROLLER_JOB_DEADLINE_SECONDS, deadline === undefined);
    const postCompleteDelay = p.postCompleteDelay === undefined ? undefined : `${wholeSeconds(this, 'postCompleteDelay', p.postCompleteDelay, 1)}s`;
    const window = p.window === undefined ? undefined : renderWindow(this, p.window);
    if (!Array.isArray(p.tolerations ?? [])) throw propError(this, 'tolerations', p.tolerations, 'is not a list', 'use [{ key, effect }]');
    const extra = (p.tolerations ?? []).map((t, i) => checkTaint(this, `tolerations[${i}]`, t));

    const common: Omit<PlanSpec, 'upgrade'> = {
      version: this.version ? this.version.toString() : undefined,
      channel: this.channel,
      serviceAccountName,
      cordon: p.cordon ?? true,
      window,
      jobActiveDeadlineSecs: deadline,
      postCompleteDelay,
    };
    const exclude = p.excludeKubeEdgeNodes ?? true;
    const baseExpressions = [
      // k3s-upgrade is a Linux image, and K3s runs on Linux only.
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      ...(exclude ? [{ key: 'node-role.kubernetes.io/edge', operator: 'DoesNotExist' }] : []),
    ];
    const wasmOnly = { key: WASM_ONLY_TAINT_KEY, operator: 'Exists' };
    const labels = { [UPGRADE_TRACK_LABEL]: this.isCanary ? 'canary' : 'stable' };

    this.serverPlan = new Plan(this, 'ServerPlan', {
      metadata: { name: K3S_SERVER_PLAN_NAME, namespace, labels },
      spec: Object.assign({}, common, {
        concurrency: 1,
        nodeSelector: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'In', values: ['true'] }, ...baseExpressions] },
        tolerations: sortTolerations([
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
          wasmOnly, ...extra,
        ]),
        upgrade: { image },
      }),
    });
    this.agentPlan = new Plan(this, 'AgentPlan', {
      metadata: { name: K3S_AGENT_PLAN_NAME, namespace, labels },
      spec: Object.assign({}, common, {
        concurrency: p.concurrency ?? 1,
        nodeSelector: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }, ...baseExpressions] },
        tolerations: sortTolerations([wasmOnly, ...extra]),
        // The prepare image takes the same resolved tag as the upgrade image (job.go:328-336).
        prepare: { image, args: ['prepare', K3S_SERVER_PLAN_NAME] },
        drain,
        upgrade: { image },
      }),
    });
    this.apiObjects = [this.serverPlan, this.agentPlan];

    if (this.channel !== undefined && !this.channel.startsWith('https://')) {
      warn(this, 'channel', this.channel, 'is plain http: anything on the path can choose the K3s version every node installs',
        'serve the channel over https, or pin version');
    }
  }
}

/** Orders K3s versions: minor, patch, release after its candidates, then the k3s build. */
function compareVersions(a: K3sVersion, b: K3sVersion): number {
  const rc = (v: K3sVersion) => (v.rc === undefined ? Infinity : Number(v.rc.slice(2)));
  const byRc = rc(a) === rc(b) ? 0 : rc(a) < rc(b) ? -1 : 1;
  return (a.major - b.major) || (a.minor - b.minor) || (a.patch - b.patch) || byRc || (a.k3sBuild - b.k3sBuild);
}

/** A Duration as a whole number of seconds from `min`, or the library's error. */
function wholeSeconds(scope: IConstruct, prop: string, d: Duration, min: number): number {
  let seconds: number;
  try {
    seconds = d.toSeconds({ integral: false });
  } catch {
    seconds = NaN;
  }
  checkInt(scope, prop, seconds, min, INT32_MAX, {
    shown: Number.isFinite(seconds) ? `${seconds}s` : String(seconds),
    problem: `must be whole seconds from ${min} to ${INT32_MAX} (the controller and kubectl count seconds)`,
    fix: 'use e.g. Duration.minutes(5)',
  });
  return seconds;
}

function renderDrain(scope: IConstruct, d: K3sDrainOptions, deadline: number, controllerDefault: boolean): PlanSpecDrain {
  if (d === null || typeof d !== 'object') throw propError(scope, 'drain', d, 'is not drain options', 'use {} for the defaults, e.g. drain: { timeout: Duration.minutes(5) }');
  for (const prop of ['force', 'deleteEmptydirData', 'ignoreDaemonSets', 'disableEviction'] as const) {
    if (d[prop] !== undefined && typeof d[prop] !== 'boolean') {
      throw propError(scope, `drain.${prop}`, d[prop], 'is not a boolean', `set drain.${prop} to true or false`);
    }
  }
  const timeout = wholeSeconds(scope, 'drain.timeout', d.timeout ?? Duration.minutes(5), 1);
  if (timeout >= deadline) {
    throw propError(scope, 'drain.timeout', `${timeout}s`,
      `is not shorter than the Job deadline of ${deadline} s${controllerDefault ? ' (the controller\'s default)' : ''}: the Job would be killed while kubectl drain still waits, and the Plan stops (job.go:507-517)`,
      `use a drain timeout below ${deadline} s, or raise jobActiveDeadline`);
  }
  const skip = wholeSeconds(scope, 'drain.skipWaitForDeleteTimeout', d.skipWaitForDeleteTimeout ?? Duration.seconds(60), 1);
  const grace = d.gracePeriod === undefined ? undefined : wholeSeconds(scope, 'drain.gracePeriod', d.gracePeriod, 1);
  return {
    // A string: an integer would be nanoseconds (job.go:380-386).
    timeout: PlanSpecDrainTimeout.fromString(`${timeout}s`),
    skipWaitForDeleteTimeout: skip,
    gracePeriod: grace,
    force: d.force ?? false,
    deleteEmptydirData: d.deleteEmptydirData ?? true,
    ignoreDaemonSets: d.ignoreDaemonSets ?? true,
    disableEviction: d.disableEviction ?? false,
  };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

function renderWindow(scope: IConstruct, w: UpgradeWindow): PlanSpec['window'] {
  if (w === null || typeof w !== 'object') throw propError(scope, 'window', w, 'is not a window', 'use { days: [UpgradeWindowDay.SUNDAY], startTime: "01:00", endTime: "04:00" }');
  const days = Object.values(UpgradeWindowDay) as string[];
  if (!Array.isArray(w.days) || w.days.length === 0) {
    throw propError(scope, 'window.days', w.days, 'is empty (the CRD needs at least one day)', 'list the days, e.g. [UpgradeWindowDay.SATURDAY, UpgradeWindowDay.SUNDAY]');
  }
  w.days.forEach((d, i) => {
    if (!days.includes(d)) throw propError(scope, `window.days[${i}]`, d, 'is not a day', 'use UpgradeWindowDay.MONDAY, ...');
    if (w.days.indexOf(d) !== i) throw propError(scope, `window.days[${i}]`, d, 'is listed twice', 'give each day once');
  });
  for (const prop of ['startTime', 'endTime'] as const) {
    if (typeof w[prop] !== 'string' || !TIME.test(w[prop])) {
      throw propError(scope, `window.${prop}`, w[prop], 'is not a 24-hour time HH:MM or HH:MM:SS', 'use e.g. "01:30"');
    }
  }
  if (normalTime(w.startTime) === normalTime(w.endTime)) {
    throw propError(scope, 'window.endTime', w.endTime, 'equals startTime: the window would last one second (kured pkg/timewindow/timewindow.go:47-63)',
      'give the window a length, e.g. startTime "01:00", endTime "04:00"');
  }
  const timeZone = w.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) {
    throw propError(scope, 'window.timeZone', timeZone, 'is not an IANA time zone', 'use e.g. "UTC" or "Europe/Berlin"');
  }
  // Days in week order: the order has no meaning to the controller.
  const sorted = days.filter(d => w.days.includes(d as UpgradeWindowDay));
  return { days: sorted as unknown as PlanSpecWindowDays[], startTime: w.startTime, endTime: w.endTime, timeZone };
}

function normalTime(t: string): string {
  return t.length === 5 ? `${t}:00` : t;
}

function isTimeZone(tz: unknown): boolean {
  if (typeof tz !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function checkTaint(scope: IConstruct, prop: string, t: NodeTaint): PlanSpecTolerations {
  const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
  if (typeof t?.key !== 'string' || !isQualifiedName(t.key) || (t.value !== undefined && (typeof t.value !== 'string' || !isLabelValue(t.value)))
    || !effects.includes(t.effect as string)) {
    throw propError(scope, prop, t, 'is not a taint (a label key, an optional label value, and NoSchedule, PreferNoSchedule or NoExecute)',
      'use { key: "example.com/edge", effect: TaintEffect.NO_SCHEDULE }');
  }
  return tolerationOf(t) as PlanSpecTolerations;
}

function sortTolerations(list: PlanSpecTolerations[]): PlanSpecTolerations[] {
  const key = (t: PlanSpecTolerations) => `${t.key}|${t.effect ?? ''}|${t.value ?? ''}`;
  const seen = new Set<string>();
  return list.filter(t => !seen.has(key(t)) && seen.add(key(t))).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** An image reference without tag or digest: the controller adds the version as the tag. */
function checkUntaggedImage(scope: IConstruct, image: string): void {
  checkImage(scope, image);
  const last = image.slice(image.lastIndexOf('/') + 1);
  if (last.includes(':') || image.includes('@')) {
    throw propError(scope, 'image', image, 'has a tag or digest: the controller then uses it as is and ignores version (pkg/upgrade/container/container.go:46-61)',
      `drop the tag, e.g. "${image.replace(/@.*$/, '').replace(/:[^/:]*$/, '')}"`);
  }
}
