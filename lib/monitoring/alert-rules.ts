/**
 * Alerting rules for Wasm edge apps as a Prometheus Operator `PrometheusRule`, derived from the
 * app's own constructs so thresholds cannot disagree with the workloads.
 *
 * Metric and label names are the upstream ones (cited in test/util/promql.ts, which every
 * expression is checked against):
 * - kube-state-metrics v2.20.0 internal/store/{node,pod,horizontalpodautoscaler}.go;
 * - KEDA v2.20.2 pkg/metricscollector/prommetrics.go;
 * - KEDA HTTP add-on v0.15.0 interceptor/metrics/instruments.go;
 * - Prometheus' own `up` (prometheus/prometheus scrape/scrape.go scrapeHealthMetric).
 */
import { ApiObject, ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  allOf, allSites, coldStartBudgetSeconds, defaultFleetName, DeviceTarget, deviceTarget, durationSeconds, FLEET_LABEL, FunctionTarget, functionTarget,
  matchers, mergeSites, NodeTarget, nodeTarget, placementMatchers, POD_JOIN, podOwnerSelector, promDuration, quote, regexLiteral, secondsDuration,
  SITE_LABEL, SiteTarget, siteTarget, spinAppWorkload, WorkloadTarget, workloadTarget,
} from './targets';
import { EdgeSite } from '../fleet/edge-site';
import { KubeEdgeDevice } from '../kubeedge/device';
import { EdgeOfflineNode } from '../node/edge-offline-node';
import { checkDns1123Label, propError, ValidationError } from '../private/errors';
import { checkLabels, checkMetadata } from '../private/validate';
import { ServerlessFunction } from '../serverless-function';
import { WasmDeployment } from '../wasm-deployment';

/** The Prometheus Operator API of PrometheusRule (CRD v0.93.0). */
const PROMETHEUS_RULE = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' };

/**
 * The `severity` label of an alert: what Alertmanager routes on (kube-prometheus-stack's default
 * routes and inhibitions use critical, warning and info).
 */
export class AlertSeverity {
  /** Needs action now. */
  public static readonly CRITICAL = new AlertSeverity('critical');
  /** Needs action soon. */
  public static readonly WARNING = new AlertSeverity('warning');
  /** For information only. */
  public static readonly INFO = new AlertSeverity('info');

  /** Another severity name (a Prometheus label value: a single line). */
  public static of(name: string): AlertSeverity {
    if (typeof name !== 'string' || name.length === 0 || name.length > 63 || !/^[a-z][a-z0-9_-]*$/.test(name)) {
      throw propError('AlertSeverity', 'name', name, 'is not a severity name (lower-case letters, digits, "-" and "_", at most 63 characters)', 'use e.g. "page"');
    }
    return new AlertSeverity(name);
  }

  private constructor(public readonly name: string) {}
}

/** An alerting rule to add. */
export interface AlertRuleOptions {
  /** The alert name, CamelCase as in Prometheus' conventions (e.g. `EdgeSiteOffline`). */
  readonly alert: string;
  /** The PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;
  /**
   * How long the expression must return a series before the alert fires (Prometheus `for`).
   *
   * @default - fires on the first evaluation that returns it
   */
  readonly forDuration?: Duration;
  /**
   * The severity label.
   *
   * @default AlertSeverity.WARNING
   */
  readonly severity?: AlertSeverity;
  /** One-line summary annotation (may use `{{ $labels.x }}` and `{{ $value }}`). */
  readonly summary: string;
  /**
   * Longer description annotation.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * More labels on the alert.
   *
   * @default - the rule set's labels only
   */
  readonly labels?: { [key: string]: string };
  /**
   * The rule group (evaluated together, in order).
   *
   * @default "wasm-edge.custom"
   */
  readonly group?: string;
}

/** An alerting rule as written into the PrometheusRule. */
export interface AlertRule {
  /** The rule group. */
  readonly group: string;
  /** The alert name. */
  readonly alert: string;
  /** The PromQL expression. */
  readonly expr: string;
  /** The `for` duration (Prometheus syntax), if any (not named `for`: a reserved word in jsii's target languages). */
  readonly forDuration?: string;
  /** The labels, severity included. */
  readonly labels: { [key: string]: string };
  /** The annotations (summary, description). */
  readonly annotations: { [key: string]: string };
}

/** Props of WasmAlertRules. */
export interface WasmAlertRulesProps {
  /**
   * Metadata of the PrometheusRule.
   *
   * @default - a name generated from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Labels the Prometheus' `ruleSelector` selects on, put on the PrometheusRule. kube-prometheus-stack
   * only picks up rules labelled `release: <Helm release name>` unless
   * `ruleSelectorNilUsesHelmValues` is false.
   *
   * @default - none
   */
  readonly ruleSelectorLabels?: { [key: string]: string };
  /**
   * Labels added to every alert (e.g. a team for Alertmanager routing).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The functions to alert on (KEDA scaler errors, ScaledObject not ready, HPA at max replicas,
   * interceptor pending requests; their Deployments as workloads).
   *
   * @default - every ServerlessFunction of the app, at synth
   */
  readonly functions?: ServerlessFunction[];
  /**
   * The Deployments of Wasm pods to alert on (restarts, start latency over the cold-start budget).
   *
   * @default - every WasmDeployment of the app, at synth (functions' included), and the Deployments
   *   spin-operator creates for SpinKube functions
   */
  readonly workloads?: WasmDeployment[];
  /**
   * The nodes to alert on (NotReady approaching the offline window).
   *
   * @default - every EdgeOfflineNode of the app, at synth
   */
  readonly nodes?: EdgeOfflineNode[];
  /**
   * The sites to alert on (no samples from the site).
   *
   * @default - every EdgeSite of the app, at synth (sites added with EdgeFleet.addSite or new EdgeSite)
   */
  readonly sites?: EdgeSite[];
  /**
   * The KubeEdge devices to alert on (device unreachable: its edge node NotReady).
   *
   * @default - every KubeEdgeDevice of the app, at synth
   */
  readonly devices?: KubeEdgeDevice[];
  /**
   * The `fleet` external label the per-site agents write (EdgeFleet.fleetName).
   *
   * @default - the name of the app's EdgeFleet when it has exactly one; otherwise only `site` is matched
   */
  readonly fleetName?: string;
  /**
   * No samples from a site for this long makes it offline (`EdgeSiteOffline`). Must be shorter than
   * the site's offline window (the shortest `offlineAutonomy` of its nodes).
   *
   * @default Duration.minutes(10)
   */
  readonly siteOfflineAfter?: Duration;
  /**
   * `EdgeNodeOfflineWindowExpiring` fires when a node has been NotReady for this percentage of its
   * `offlineAutonomy` (after the whole window its pods' tolerations run out and they are evicted).
   * From 1 to 99.
   *
   * @default 75
   */
  readonly nodeNotReadyPercent?: number;
  /**
   * Container restarts within `restartWindow` that make a Wasm pod crash-looping.
   *
   * @default 3
   */
  readonly restartThreshold?: number;
  /**
   * The window restarts are counted in.
   *
   * @default Duration.minutes(15)
   */
  readonly restartWindow?: Duration;
  /**
   * The cold-start budget of WasmDeployments that are not a ServerlessFunction's (a function's own
   * budget is read from its probes).
   *
   * @default ServerlessFunction.DEFAULT_COLD_START_BUDGET (30 seconds)
   */
  readonly coldStartBudget?: Duration;
  /**
   * How long a function's HPA must sit at maxReplicas before `WasmFunctionAtMaxReplicas` fires.
   *
   * @default Duration.minutes(15)
   */
  readonly maxReplicasFor?: Duration;
  /**
   * How long KEDA must keep reporting errors before `KedaScalerErrors` / `KedaScaledObjectNotReady` fire.
   *
   * @default Duration.minutes(5)
   */
  readonly kedaErrorsFor?: Duration;
  /**
   * How long the interceptor must hold too many requests before `KedaHttpInterceptorPendingRequests` fires.
   *
   * @default Duration.minutes(5)
   */
  readonly interceptorPendingFor?: Duration;
  /**
   * How long a device's edge node must be NotReady before `KubeEdgeDeviceUnreachable` fires.
   *
   * @default Duration.minutes(5)
   */
  readonly deviceUnreachableFor?: Duration;
}

/** Groups of the derived rules, in this order. */
const GROUP_SITES = 'wasm-edge.sites';
const GROUP_WORKLOADS = 'wasm-edge.workloads';
const GROUP_AUTOSCALING = 'wasm-edge.autoscaling';
const GROUP_DEVICES = 'wasm-edge.devices';
const GROUP_CUSTOM = 'wasm-edge.custom';

/**
 * Alerting rules for the app's sites, nodes, Wasm workloads, autoscalers and KubeEdge devices, as
 * one Prometheus Operator `PrometheusRule` (monitoring.coreos.com/v1). Thresholds come from the
 * constructs: each site's offline window, each function's cold-start budget and maxReplicas, the
 * interceptor's concurrency target. Rules are computed at synth, so constructs added after this one
 * are covered.
 *
 * Site-level alerts group by the `site` (and `fleet`) external labels the per-site agents add.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class WasmAlertRules extends Construct {
  /** The PrometheusRule. */
  public readonly apiObject: ApiObject;

  private readonly props: WasmAlertRulesProps;
  private readonly custom: AlertRule[] = [];
  private readonly baseLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: WasmAlertRulesProps = {}) {
    super(scope, id);
    this.props = props;
    checkMetadata(this, 'metadata', props.metadata);
    checkLabels(this, 'ruleSelectorLabels', props.ruleSelectorLabels);
    checkAlertLabels(this, 'labels', props.labels);
    this.baseLabels = Object.assign({}, props.labels);
    if (props.fleetName !== undefined) checkDns1123Label(this, 'fleetName', props.fleetName);
    for (const p of ['siteOfflineAfter', 'restartWindow', 'coldStartBudget', 'maxReplicasFor', 'kedaErrorsFor', 'interceptorPendingFor', 'deviceUnreachableFor'] as const) {
      if (props[p] !== undefined) durationSeconds(this, p, props[p] as Duration);
    }
    checkInt(this, 'nodeNotReadyPercent', props.nodeNotReadyPercent, 1, 99,
      'a NotReady threshold at or above 100% of the offline window fires only after the pods are gone');
    checkInt(this, 'restartThreshold', props.restartThreshold, 0, 1000000, 'use a whole number of restarts');
    for (const p of ['functions', 'workloads', 'nodes', 'sites', 'devices'] as const) {
      const list = props[p];
      if (list !== undefined && !Array.isArray(list)) throw propError(this, p, list, 'is not a list', `pass a list of constructs, or leave ${p} out to take the app's`);
    }

    const labels = Object.assign({}, props.metadata?.labels, props.ruleSelectorLabels);
    this.apiObject = new ApiObject(this, 'Resource', Object.assign({}, PROMETHEUS_RULE, {
      metadata: Object.assign({}, props.metadata, { labels: Object.keys(labels).length > 0 ? labels : undefined }),
      spec: Lazy.any({ produce: () => ({ groups: this.groups() }) }),
    }));
    // Thresholds against the constructs' windows are known only once the app is built: report them
    // with the app's validation, before anything is written.
    this.node.addValidation({
      validate: () => {
        try {
          this.derive();
          return [];
        } catch (e) {
          if (e instanceof ValidationError) return [e.message];
          throw e;
        }
      },
    });
  }

  /** Adds an alerting rule (in its group, after the derived ones) and returns it as written. */
  public addRule(options: AlertRuleOptions): AlertRule {
    const where = `addRule(${typeof options?.alert === 'string' ? options.alert : '?'})`;
    if (!options || typeof options !== 'object') throw propError(this, 'addRule', options, 'needs options', 'pass { alert, expr, summary }');
    checkAlertName(this, `${where}.alert`, options.alert);
    if (typeof options.expr !== 'string' || options.expr.trim() === '') {
      throw propError(this, `${where}.expr`, options.expr, 'is not a PromQL expression', 'pass e.g. "up == 0"');
    }
    if (typeof options.summary !== 'string' || options.summary.trim() === '') {
      throw propError(this, `${where}.summary`, options.summary, 'is required', 'say in one line what is wrong, e.g. "{{ $labels.pod }} is down"');
    }
    if (options.severity !== undefined && !(options.severity instanceof AlertSeverity)) {
      throw propError(this, `${where}.severity`, options.severity, 'is not an AlertSeverity', 'use AlertSeverity.WARNING, CRITICAL, INFO or of(name)');
    }
    checkAlertLabels(this, `${where}.labels`, options.labels);
    const group = options.group ?? GROUP_CUSTOM;
    if (typeof group !== 'string' || group.trim() === '' || /[\n\r]/.test(group)) {
      throw propError(this, `${where}.group`, group, 'is not a rule group name', 'use e.g. "my-team.alerts"');
    }
    const rule = this.rule(group, {
      alert: options.alert,
      expr: options.expr,
      for: options.forDuration === undefined ? undefined : promDuration(this, `${where}.forDuration`, options.forDuration),
      severity: options.severity ?? AlertSeverity.WARNING,
      summary: options.summary,
      description: options.description,
      labels: options.labels,
    });
    this.custom.push(rule);
    return rule;
  }

  /** Every rule, derived and added, in group order (derived groups first, then the others by name). */
  public get rules(): AlertRule[] {
    return this.derive().concat(this.custom);
  }

  private groups(): Array<{ name: string; rules: any[] }> {
    const byGroup = new Map<string, AlertRule[]>();
    for (const r of this.rules) {
      const list = byGroup.get(r.group) ?? [];
      list.push(r);
      byGroup.set(r.group, list);
    }
    const order = [GROUP_SITES, GROUP_WORKLOADS, GROUP_AUTOSCALING, GROUP_DEVICES];
    const names = [...byGroup.keys()].sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
    return names.map(name => ({
      name,
      rules: byGroup.get(name)!.map(r => ({
        alert: r.alert, expr: r.expr, for: r.forDuration, labels: sorted(r.labels), annotations: sorted(r.annotations),
      })),
    }));
  }

  private rule(group: string, r: {
    alert: string;
    expr: string;
    for?: string;
    severity: AlertSeverity;
    summary: string;
    description?: string;
    labels?: { [key: string]: string };
  }): AlertRule {
    const annotations: { [key: string]: string } = { summary: r.summary };
    if (r.description !== undefined) annotations.description = r.description;
    return {
      group,
      alert: r.alert,
      expr: r.expr,
      forDuration: r.for,
      labels: Object.assign({}, this.baseLabels, r.labels, { severity: r.severity.name }),
      annotations,
    };
  }

  /** The rules derived from the app (or the props' lists), at synth. */
  private derive(): AlertRule[] {
    const p = this.props;
    const fleetName = p.fleetName ?? defaultFleetName(this);
    const sites = (p.sites ?? allSites(this)).map(siteTarget).sort(by(s => `${s.fleet ?? ''}/${s.site}`));
    const nodes = (p.nodes ?? allOf(this, EdgeOfflineNode)).map(nodeTarget).sort(by(n => `${n.fleet ?? ''}/${n.site ?? ''}/${n.nodeName}`));
    const fns = (p.functions ?? allOf(this, ServerlessFunction));
    const defaultBudget = durationSeconds(this, 'coldStartBudget', p.coldStartBudget ?? ServerlessFunction.DEFAULT_COLD_START_BUDGET);
    const budgets = new Map<WasmDeployment, number>();
    for (const f of fns) if (f.deployment) budgets.set(f.deployment, coldStartBudgetSeconds(f));
    const deployments = p.workloads ?? [...new Set([...allOf(this, WasmDeployment), ...budgets.keys()])];
    const spinApps = p.workloads ? [] : fns.map(spinAppWorkload).filter((w): w is WorkloadTarget => w !== undefined);
    const workloads = mergeSites([...deployments.map(d => workloadTarget(d, budgets.get(d) ?? defaultBudget)), ...spinApps]
      .sort(by(w => `${w.fleet ?? ''}/${w.site ?? ''}/${w.namespace ?? ''}/${w.name}`)), w => `${w.namespace ?? ''}/${w.name}/${w.coldStartBudgetSeconds}`).sort(by(w => `${w.fleet ?? ''}/${w.site ?? ''}/${w.namespace ?? ''}/${w.name}`));
    const functions = mergeSites(fns.map(functionTarget).sort(by(f => `${f.fleet ?? ''}/${f.site ?? ''}/${f.namespace ?? ''}/${f.name}`)),
      f => JSON.stringify([f.namespace, f.name, f.maxReplicas, f.scaledObject, f.hpa, f.route, f.targetConcurrency]));
    const devices = (p.devices ?? allOf(this, KubeEdgeDevice)).map(deviceTarget).sort(by(d => `${d.fleet ?? ''}/${d.site ?? ''}/${d.namespace ?? ''}/${d.name}`));
    return [
      ...this.siteRules(sites, fleetName),
      ...this.nodeRules(nodes, fleetName),
      ...this.workloadRules(workloads, fleetName),
      ...this.functionRules(functions, fleetName),
      ...this.deviceRules(devices, nodes, fleetName),
    ];
  }

  private siteRules(sites: SiteTarget[], fleetName?: string): AlertRule[] {
    if (sites.length === 0) return [];
    const after = this.props.siteOfflineAfter ?? Duration.minutes(10);
    const afterSeconds = durationSeconds(this, 'siteOfflineAfter', after);
    for (const s of sites) {
      if (s.offlineWindowSeconds !== undefined && afterSeconds >= s.offlineWindowSeconds) {
        throw propError(this, 'siteOfflineAfter', `${afterSeconds}s`,
          `is not below the offline window of site ${s.site} (${s.offlineWindowSeconds}s, the shortest offlineAutonomy of its nodes): the alert would fire only after its pods are evicted`,
          `use a siteOfflineAfter below ${s.offlineWindowSeconds} seconds, or raise the nodes' offlineAutonomy`);
      }
    }
    const range = promDuration(this, 'siteOfflineAfter', after);
    // absent_over_time returns one series with the selector's equality labels (site, fleet) when the
    // site sent no `up` sample in the range: the agent's scrapes stopped reaching the hub.
    const expr = sites.map(s => `absent_over_time(up${matchers(placementMatchers(s, fleetName))}[${range}])`).join(' or ');
    return [this.rule(GROUP_SITES, {
      alert: 'EdgeSiteOffline',
      expr,
      severity: AlertSeverity.CRITICAL,
      summary: `Edge site {{ $labels.${SITE_LABEL} }} sent no samples for ${range}`,
      description: `No \`up\` sample from site {{ $labels.${SITE_LABEL} }} (fleet {{ $labels.${FLEET_LABEL} }}) reached Prometheus for ${range}: `
        + 'its uplink or its Prometheus agent is down. The site runs on its own until its offline window ends.',
    })];
  }

  private nodeRules(nodes: NodeTarget[], fleetName?: string): AlertRule[] {
    const percent = this.props.nodeNotReadyPercent ?? 75;
    // One rule per site and window: `for` is per rule.
    const groups = new Map<string, NodeTarget[]>();
    for (const n of nodes) {
      // Node names are unique in a fleet (EdgeSiteNode.name): there, one rule per window.
      const key = n.fleet !== undefined ? `${n.fleet}//${n.offlineWindowSeconds}` : `/${n.site ?? ''}/${n.offlineWindowSeconds}`;
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    return [...groups.values()].map(group => {
      const first = group[0];
      const window = secondsDuration(first.offlineWindowSeconds);
      const forSeconds = Math.max(1, Math.floor(first.offlineWindowSeconds * percent / 100));
      const names = group.map(n => regexLiteral(n.nodeName)).join('|');
      // kube-state-metrics writes one series per condition status, value 1 for the current one.
      const sites = [...new Set(group.map(n => n.site).filter((x): x is string => x !== undefined))].sort();
      const where = Object.assign({}, first, sites.length > 1 ? { sites } : {});
      const sel = matchers([...placementMatchers(where, fleetName), ['node', names, '=~'], ['condition', 'Ready'], ['status', 'true']]);
      // Not Ready at any sample of the last <forSeconds>, rather than `== 0` with `for`: a pending
      // alert resets when the expression is empty once (a site uplink pausing longer than the 5 m
      // lookback, a hub restart beyond --rules.alert.for-outage-tolerance, 1 h), and edge uplinks
      // pause. The hub must keep that much history (its retention).
      return this.rule(GROUP_SITES, {
        alert: 'EdgeNodeOfflineWindowExpiring',
        expr: `max_over_time(kube_node_status_condition${sel}[${secondsDuration(forSeconds)}]) == 0`,
        for: '5m',
        severity: AlertSeverity.WARNING,
        summary: `Edge node {{ $labels.node }} has been NotReady for ${percent}% of its ${window} offline window`,
        description: `Node {{ $labels.node }} (site {{ $labels.${SITE_LABEL} }}) has not been Ready for ${secondsDuration(forSeconds)}. `
          + `Its Wasm pods tolerate NotReady/unreachable for ${window} (offlineAutonomy), then they are evicted.`,
      });
    });
  }

  private workloadRules(workloads: WorkloadTarget[], fleetName?: string): AlertRule[] {
    if (workloads.length === 0) return [];
    const threshold = this.props.restartThreshold ?? 3;
    const window = promDuration(this, 'restartWindow', this.props.restartWindow ?? Duration.minutes(15));
    const rules: AlertRule[] = [];
    for (const w of workloads) {
      const sel = matchers([...placementMatchers(w, fleetName), ['namespace', w.namespace]]);
      const owner = podOwnerSelector(w, fleetName);
      rules.push(this.rule(GROUP_WORKLOADS, {
        alert: 'WasmPodRestarting',
        expr: `increase(kube_pod_container_status_restarts_total${sel}[${window}]) * ${POD_JOIN} group_left () ${owner} > ${threshold}`,
        severity: AlertSeverity.WARNING,
        summary: `Wasm pod {{ $labels.namespace }}/{{ $labels.pod }} of ${w.name} restarted more than ${threshold} times in ${window}`,
        description: `Container {{ $labels.container }} restarted {{ $value }} times in ${window} (site {{ $labels.${SITE_LABEL} }}): `
          + 'a crash loop, a failing probe or an OOM kill.',
      }));
    }
    for (const w of workloads) {
      const sel = matchers([...placementMatchers(w, fleetName), ['namespace', w.namespace]]);
      const owner = podOwnerSelector(w, fleetName);
      const budget = secondsDuration(w.coldStartBudgetSeconds);
      // Creation to Ready, for pods created in the last hour (the gauges live as long as the pod).
      rules.push(this.rule(GROUP_WORKLOADS, {
        alert: 'WasmPodColdStartSlow',
        // The first Ready time seen in the hour: kube_pod_status_ready_time is the Ready condition's
        // lastTransitionTime (kube-state-metrics internal/store/pod.go:1611-1616), which a restart
        // or a readiness flap moves later.
        expr: `((min_over_time(kube_pod_status_ready_time${sel}[1h]) - kube_pod_created${sel}) * ${POD_JOIN} group_left () ${owner}) > ${w.coldStartBudgetSeconds}`
          + ` and ${POD_JOIN} (time() - kube_pod_created${sel} < 3600)`,
        severity: AlertSeverity.WARNING,
        summary: `Wasm pod {{ $labels.namespace }}/{{ $labels.pod }} of ${w.name} took {{ $value }}s to become Ready (budget ${budget})`,
        description: `From creation to Ready took longer than the cold-start budget of ${w.name} (${budget}) on site {{ $labels.${SITE_LABEL} }}: `
          + 'image pulls, a slow runtime or a busy node.',
      }));
    }
    return rules;
  }

  private functionRules(functions: FunctionTarget[], fleetName?: string): AlertRule[] {
    const p = this.props;
    const errorsFor = promDuration(this, 'kedaErrorsFor', p.kedaErrorsFor ?? Duration.minutes(5));
    const maxFor = promDuration(this, 'maxReplicasFor', p.maxReplicasFor ?? Duration.minutes(15));
    const pendingFor = promDuration(this, 'interceptorPendingFor', p.interceptorPendingFor ?? Duration.minutes(5));
    const rules: AlertRule[] = [];
    const scaled = functions.filter(f => f.scaledObject !== undefined);
    for (const f of scaled) {
      const sel = matchers([...placementMatchers(f, fleetName), ['namespace', f.namespace], ['scaledObject', f.scaledObject], ['type', 'scaledobject']]);
      rules.push(this.rule(GROUP_AUTOSCALING, {
        alert: 'KedaScalerErrors',
        expr: `sum by (${FLEET_LABEL}, ${SITE_LABEL}, namespace, scaledObject, scaler) (increase(keda_scaler_detail_errors_total${sel}[5m])) > 0`,
        for: errorsFor,
        severity: AlertSeverity.WARNING,
        summary: 'KEDA scaler {{ $labels.scaler }} of {{ $labels.namespace }}/{{ $labels.scaledObject }} is failing',
        description: `KEDA could not read the ${f.name} trigger {{ $labels.scaler }} for ${errorsFor} (site {{ $labels.${SITE_LABEL} }}): `
          + 'the function scales on stale values or its fallback.',
      }));
    }
    for (const f of scaled) {
      const sel = matchers([...placementMatchers(f, fleetName), ['namespace', f.namespace], ['scaledObject', f.scaledObject]]);
      // KEDA exports no readiness gauge. It counts ScaledObject errors when its scale loop cannot
      // read the scalers (keda v2.20.2 pkg/scaling/scale_handler.go:591,816,872): the failures for
      // which it sets Ready=False, reason TriggerError (pkg/scaling/executor/scale_scaledobjects.go:93-96).
      // A failed reconcile (Ready=False ScaledObjectCheckFailed, controllers/keda/scaledobject_controller.go:200)
      // has no metric.
      rules.push(this.rule(GROUP_AUTOSCALING, {
        alert: 'KedaScaledObjectNotReady',
        expr: `increase(keda_scaled_object_errors_total${sel}[5m]) > 0`,
        for: errorsFor,
        severity: AlertSeverity.CRITICAL,
        summary: 'KEDA ScaledObject {{ $labels.namespace }}/{{ $labels.scaledObject }} keeps failing',
        description: `KEDA has failed to read the triggers of the ScaledObject of ${f.name} for ${errorsFor} (site {{ $labels.${SITE_LABEL} }}): `
          + 'it turns not Ready (TriggerError) unless a fallback is set, and the function does not scale on its triggers.',
      }));
    }
    for (const f of scaled) {
      const sel = matchers([...placementMatchers(f, fleetName), ['namespace', f.namespace], ['horizontalpodautoscaler', f.hpa]]);
      rules.push(this.rule(GROUP_AUTOSCALING, {
        alert: 'WasmFunctionAtMaxReplicas',
        expr: `kube_horizontalpodautoscaler_status_current_replicas${sel} >= ${f.maxReplicas}`,
        for: maxFor,
        severity: AlertSeverity.WARNING,
        summary: `Function {{ $labels.namespace }}/${f.name} has run at maxReplicas (${f.maxReplicas}) for ${maxFor}`,
        description: `The HPA {{ $labels.horizontalpodautoscaler }} of ${f.name} (site {{ $labels.${SITE_LABEL} }}) cannot scale further: `
          + 'raise maxReplicas or add nodes.',
      }));
    }
    for (const f of functions.filter(x => x.route !== undefined)) {
      // The interceptor counts in-flight requests per route (http-add-on v0.15.0 interceptor/middleware/counting.go:43).
      const perReplica = f.targetConcurrency ?? 100;
      const threshold = perReplica * f.maxReplicas;
      const sel = matchers([...placementMatchers(f, fleetName), ['route_namespace', f.namespace], ['route_name', f.route]]);
      rules.push(this.rule(GROUP_AUTOSCALING, {
        alert: 'KedaHttpInterceptorPendingRequests',
        expr: `sum by (${FLEET_LABEL}, ${SITE_LABEL}, route_namespace, route_name) (interceptor_request_concurrency${sel}) > ${threshold}`,
        for: pendingFor,
        severity: AlertSeverity.WARNING,
        summary: `{{ $value }} requests wait in the KEDA HTTP interceptor for ${f.name}`,
        description: `More than ${threshold} requests (${perReplica} per replica at maxReplicas ${f.maxReplicas}) have been in flight for ${f.name} `
          + `for ${pendingFor} (site {{ $labels.${SITE_LABEL} }}): it is saturated or cannot start pods.`,
      }));
    }
    return rules;
  }

  private deviceRules(devices: DeviceTarget[], nodes: NodeTarget[], fleetName?: string): AlertRule[] {
    const after = this.props.deviceUnreachableFor ?? Duration.minutes(5);
    const forDuration = promDuration(this, 'deviceUnreachableFor', after);
    const afterSeconds = durationSeconds(this, 'deviceUnreachableFor', after);
    for (const d of devices) {
      // The device's node, when the app builds it: its pods (the mapper's) are evicted after its window.
      const node = nodes.find(n => n.nodeName === d.nodeName && n.site === d.site);
      if (node && afterSeconds >= node.offlineWindowSeconds) {
        throw propError(this, 'deviceUnreachableFor', `${afterSeconds}s`,
          `is not below the offline window of node ${node.nodeName} (${node.offlineWindowSeconds}s), where device ${d.name} is attached: the alert would fire only after its pods are evicted`,
          `use a deviceUnreachableFor below ${node.offlineWindowSeconds} seconds, or raise the node's offlineAutonomy`);
      }
    }
    // KubeEdge exports no per-device reporting metric: a device's mapper runs on its edge node, so
    // a NotReady node means the device cannot report.
    return devices.map(d => this.rule(GROUP_DEVICES, {
      alert: 'KubeEdgeDeviceUnreachable',
      expr: `label_replace(kube_node_status_condition${matchers([...placementMatchers(d, fleetName), ['node', d.nodeName], ['condition', 'Ready'], ['status', 'true']])}`
        + ` == 0, "device", ${quote(d.name)}, "", "")`,
      for: forDuration,
      severity: AlertSeverity.WARNING,
      summary: `KubeEdge device ${d.name} is not reporting: its node {{ $labels.node }} is NotReady`,
      description: `The mapper of device ${d.name} runs on node ${d.nodeName}, which has not been Ready for ${forDuration} (site {{ $labels.${SITE_LABEL} }}).`,
    }));
  }
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function by<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

function sorted(m: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkInt(scope: Construct, prop: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw propError(scope, prop, value, `must be a whole number from ${min} to ${max}`, fix);
  }
}

/** Prometheus alert names in the library's style: CamelCase, like the upstream mixins. */
function checkAlertName(scope: Construct, prop: string, name: unknown): void {
  if (typeof name !== 'string' || !/^[A-Z][A-Za-z0-9]{0,199}$/.test(name)) {
    throw propError(scope, prop, name, 'is not a CamelCase alert name', 'use e.g. "WasmQueueBacklog"');
  }
}

/**
 * Alert labels: Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`, not `__`-prefixed: reserved) and
 * single-line values, as Prometheus checks them when it loads the rule (prometheus v3.14.0
 * model/rulefmt/rulefmt.go:265-277); `severity` comes from the rule's severity.
 */
function checkAlertLabels(scope: Construct, prop: string, labels: { [key: string]: string } | undefined): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) throw propError(scope, prop, labels, 'is not a map of labels', 'pass e.g. { team: "edge" }');
  for (const [k, v] of Object.entries(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || k.startsWith('__')) {
      throw propError(scope, `${prop}.${k}`, k, 'is not a Prometheus label name', 'use letters, digits and "_", not starting with a digit or "__"');
    }
    if (k === 'severity') throw propError(scope, `${prop}.${k}`, v, 'is set from the rule\'s severity', 'use the severity option (AlertSeverity)');
    if (typeof v !== 'string' || /[\n\r]/.test(v)) throw propError(scope, `${prop}.${k}`, v, 'is not a single-line label value', 'use a string without line breaks');
  }
}
