/**
 * Grafana dashboards for Wasm edge apps, built with Grafana's own typed builders
 * (@grafana/grafana-foundation-sdk) and shipped as ConfigMaps the Grafana dashboard sidecar loads.
 */
import { ApiObject, ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  allOf, allSites, defaultFleetName, durationSeconds, FLEET_LABEL, functionTarget, matchers, NodeTarget, nodeTarget, POD_JOIN, promDuration,
  regexLiteral, SITE_LABEL,
} from './targets';
import { EdgeSite } from '../fleet/edge-site';
import { EdgeOfflineNode } from '../node/edge-offline-node';
import { checkDns1123Label, propError } from '../private/errors';
import { lazyModule } from '../private/lazy';
import { checkLabels, checkMetadata, isLabelValue } from '../private/validate';
import { warn } from '../private/warnings';
import { ServerlessFunction } from '../serverless-function';

// The SDK (a bundled dependency) is loaded at synth, by the constructs that build dashboards.
const dashboardSdk = lazyModule((): typeof import('@grafana/grafana-foundation-sdk/dashboard') => require('@grafana/grafana-foundation-sdk/dashboard'));
const timeseriesSdk = lazyModule((): typeof import('@grafana/grafana-foundation-sdk/timeseries') => require('@grafana/grafana-foundation-sdk/timeseries'));
const statSdk = lazyModule((): typeof import('@grafana/grafana-foundation-sdk/stat') => require('@grafana/grafana-foundation-sdk/stat'));
const commonSdk = lazyModule((): typeof import('@grafana/grafana-foundation-sdk/common') => require('@grafana/grafana-foundation-sdk/common'));
const prometheusSdk = lazyModule((): typeof import('@grafana/grafana-foundation-sdk/prometheus') => require('@grafana/grafana-foundation-sdk/prometheus'));

/**
 * The Grafana dashboard sidecar that loads the ConfigMaps: the label it watches and the value it
 * wants (k8s-sidecar `LABEL` / `LABEL_VALUE`; the grafana chart's `sidecar.dashboards.label` and
 * `labelValue`).
 */
export class GrafanaDashboardSidecar {
  /**
   * kube-prometheus-stack's Grafana: label `grafana_dashboard` with value "1"
   * (its values.yaml `grafana.sidecar.dashboards.labelValue: "1"`).
   */
  public static readonly KUBE_PROMETHEUS_STACK = new GrafanaDashboardSidecar('kube-prometheus-stack', 'grafana_dashboard', '1');
  /** The grafana chart's own default: label `grafana_dashboard`, any value. */
  public static readonly GRAFANA_CHART = new GrafanaDashboardSidecar('the grafana chart', 'grafana_dashboard', undefined);

  /**
   * Another sidecar configuration.
   *
   * @param label the label it watches
   * @param value the value it wants; undefined for any value
   */
  public static custom(label: string, value?: string): GrafanaDashboardSidecar {
    return new GrafanaDashboardSidecar(`a sidecar watching ${label}`, label, value);
  }

  private constructor(
    /** Who configures it so, for messages. */
    public readonly displayName: string,
    /** The label key. */
    public readonly label: string,
    /** The label value it selects (undefined: any). */
    public readonly value?: string,
  ) {}
}

/** Props of WasmDashboards. */
export interface WasmDashboardsProps {
  /**
   * Metadata of the ConfigMaps (namespace, more labels). The sidecar must search that namespace.
   *
   * @default - names generated from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The Grafana sidecar that loads the dashboards.
   *
   * @default GrafanaDashboardSidecar.KUBE_PROMETHEUS_STACK
   */
  readonly sidecar?: GrafanaDashboardSidecar;
  /**
   * The value of the sidecar label. A value the sidecar does not select is a warning: no Grafana
   * would load the dashboards.
   *
   * @default - the sidecar's value ("1" for kube-prometheus-stack; "1" when it takes any value)
   */
  readonly labelValue?: string;
  /**
   * The functions of the per-function dashboard (its `function` variable).
   *
   * @default - every ServerlessFunction of the app, at synth
   */
  readonly functions?: ServerlessFunction[];
  /**
   * The nodes of the density dashboard (their max pods and pod CIDR from the density plan).
   *
   * @default - every EdgeOfflineNode of the app, at synth
   */
  readonly nodes?: EdgeOfflineNode[];
  /**
   * The sites of the fleet overview.
   *
   * @default - every EdgeSite of the app, at synth
   */
  readonly sites?: EdgeSite[];
  /**
   * The `fleet` external label of the per-site agents.
   *
   * @default - the name of the app's EdgeFleet when it has exactly one; otherwise only `site` is matched
   */
  readonly fleetName?: string;
  /**
   * The prefix of the dashboards' uids (`<prefix>-fleet`, `<prefix>-functions`, `<prefix>-nodes`):
   * letters, digits, "-" and "_", the uids at most 40 characters (Grafana pkg/util MaxUIDLength).
   *
   * @default "wasm-edge"
   */
  readonly uidPrefix?: string;
  /**
   * A site counts as online while it sent samples this recently (as `EdgeSiteOffline` in WasmAlertRules).
   *
   * @default Duration.minutes(10)
   */
  readonly siteOfflineAfter?: Duration;
}

/** A dashboard's file in its ConfigMap. */
const DASHBOARDS = ['fleet', 'functions', 'nodes'] as const;
type DashboardKind = typeof DASHBOARDS[number];

/** Grafana dashboard uids: pkg/util/shortid_generator.go (MaxUIDLength 40, letters, digits, "-", "_"). */
const MAX_UID_LENGTH = 40;

/**
 * Three Grafana dashboards, built with the Grafana Foundation SDK from the app's sites, nodes and
 * functions, each in a ConfigMap labelled for the Grafana dashboard sidecar:
 *
 * - fleet overview: sites online, per-site pods and Ready nodes, how long each site has been
 *   offline, pod start latency;
 * - per function: requests, replicas against maxReplicas, cold starts and their latency, scale
 *   events, requests waiting in the KEDA HTTP interceptor, scaler errors;
 * - per node: pods against max-pods and against the pod IPs of the node's CIDR (density plan).
 *
 * Queries match the `site` and `fleet` external labels of the per-site agents. The JSON is
 * deterministic (sorted keys, numbered panels).
 */
export class WasmDashboards extends Construct {
  /** The ConfigMaps, one per dashboard (fleet, functions, nodes). */
  public readonly apiObjects: ApiObject[];
  /** The sidecar label and value on the ConfigMaps. */
  public readonly sidecarLabels: { [key: string]: string };

  private readonly props: WasmDashboardsProps;
  private readonly uidPrefix: string;

  constructor(scope: Construct, id: string, props: WasmDashboardsProps = {}) {
    super(scope, id);
    this.props = props;
    checkMetadata(this, 'metadata', props.metadata);
    const sidecar = props.sidecar ?? GrafanaDashboardSidecar.KUBE_PROMETHEUS_STACK;
    if (!(sidecar instanceof GrafanaDashboardSidecar)) {
      throw propError(this, 'sidecar', sidecar, 'is not a GrafanaDashboardSidecar', 'use GrafanaDashboardSidecar.KUBE_PROMETHEUS_STACK, GRAFANA_CHART or custom(label, value)');
    }
    const value = props.labelValue ?? sidecar.value ?? '1';
    if (typeof value !== 'string' || !isLabelValue(value)) {
      throw propError(this, 'labelValue', value, 'is not a Kubernetes label value', 'use e.g. "1"');
    }
    this.sidecarLabels = { [sidecar.label]: value };
    checkLabels(this, 'sidecar', this.sidecarLabels);
    if (sidecar.value !== undefined && value !== sidecar.value) {
      warn(this, 'labelValue', value, `${sidecar.displayName} loads only ConfigMaps labelled ${sidecar.label}: "${sidecar.value}", so no Grafana would load these dashboards`,
        `use labelValue "${sidecar.value}", or pass the sidecar your Grafana runs (GrafanaDashboardSidecar.custom(label, value))`);
    }
    this.uidPrefix = props.uidPrefix ?? 'wasm-edge';
    if (typeof this.uidPrefix !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(this.uidPrefix) || this.uidPrefix.length + '-functions'.length > MAX_UID_LENGTH) {
      throw propError(this, 'uidPrefix', this.uidPrefix, `is not a Grafana uid prefix (letters, digits, "-" and "_"; the uids are at most ${MAX_UID_LENGTH} characters)`,
        'use e.g. "wasm-edge"');
    }
    if (props.fleetName !== undefined) checkDns1123Label(this, 'fleetName', props.fleetName);
    if (props.siteOfflineAfter !== undefined) durationSeconds(this, 'siteOfflineAfter', props.siteOfflineAfter);

    const labels = Object.assign({}, props.metadata?.labels, this.sidecarLabels);
    this.apiObjects = DASHBOARDS.map(kind => new kplus.k8s.KubeConfigMap(this, kind, {
      // A key left undefined would stop cdk8s from generating the name.
      metadata: Object.assign({}, props.metadata, props.metadata?.name ? { name: `${props.metadata.name}-${kind}` } : {}, { labels }),
      data: Lazy.any({ produce: () => ({ [`${this.uidPrefix}-${kind}.json`]: stableJson(this.dashboard(kind)) }) }) as any,
    }));
  }

  /** The dashboards' JSON models by file name (`<uidPrefix>-fleet.json`, ...), as written into the ConfigMaps. */
  public get dashboards(): { [fileName: string]: any } {
    return Object.fromEntries(DASHBOARDS.map(kind => [`${this.uidPrefix}-${kind}.json`, JSON.parse(stableJson(this.dashboard(kind)))]));
  }

  private dashboard(kind: DashboardKind): any {
    const fleetName = this.props.fleetName ?? defaultFleetName(this);
    switch (kind) {
      case 'fleet': return this.fleetDashboard(fleetName);
      case 'functions': return this.functionDashboard(fleetName);
      case 'nodes': return this.nodeDashboard(fleetName);
    }
  }

  private base(kind: DashboardKind, title: string): any {
    const { DashboardBuilder, DatasourceVariableBuilder } = dashboardSdk;
    return new DashboardBuilder(title)
      .uid(`${this.uidPrefix}-${kind}`)
      .tags(['wasm-edge'])
      .editable()
      .refresh('1m')
      .time({ from: 'now-6h', to: 'now' })
      .timezone('browser')
      .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  }

  private fleetDashboard(fleetName?: string): any {
    const sites = (this.props.sites ?? allSites(this)).map(s => s.siteName).sort();
    const siteSel: Array<[string, string | undefined] | [string, string | undefined, '=~']> = [
      [FLEET_LABEL, fleetName], [SITE_LABEL, sites.length > 0 ? sites.map(regexLiteral).join('|') : undefined, '=~'],
    ];
    const up = `up${matchers(siteSel)}`;
    const range = promDuration(this, 'siteOfflineAfter', this.props.siteOfflineAfter ?? Duration.minutes(10));
    const panels = new Panels();
    panels.stat(`Sites online (of ${sites.length})`, `count(count by (${FLEET_LABEL}, ${SITE_LABEL}) (present_over_time(${up}[${range}])))`, 'short');
    // Aggregated per site inside the subquery, at a 5 m step: 288 evaluations of one series per site,
    // not 1440 of every up series (a fleet of sites would time the panel out).
    panels.timeseries('Offline for', `time() - max_over_time((max by (${FLEET_LABEL}, ${SITE_LABEL}) (timestamp(${up})))[24h:5m])`, 's', `{{${SITE_LABEL}}}`);
    panels.timeseries('Pods per site', `count by (${FLEET_LABEL}, ${SITE_LABEL}) (kube_pod_info${matchers(siteSel)})`, 'short', `{{${SITE_LABEL}}}`);
    panels.timeseries('Ready nodes per site',
      `sum by (${FLEET_LABEL}, ${SITE_LABEL}) (kube_node_status_condition${matchers([...siteSel, ['condition', 'Ready'], ['status', 'true']])})`, 'short', `{{${SITE_LABEL}}}`);
    panels.timeseries('Pod start latency p95 (kubelet SLI)',
      `histogram_quantile(0.95, sum by (${FLEET_LABEL}, ${SITE_LABEL}, le) (rate(kubelet_pod_start_sli_duration_seconds_bucket${matchers(siteSel)}[5m])))`, 's', `{{${SITE_LABEL}}}`);
    return panels.addTo(this.base('fleet', fleetName ? `Wasm edge fleet ${fleetName}` : 'Wasm edge fleet')).build();
  }

  private functionDashboard(fleetName?: string): any {
    const { CustomVariableBuilder } = dashboardSdk;
    const fns = (this.props.functions ?? allOf(this, ServerlessFunction)).map(functionTarget);
    const names = [...new Set(fns.map(f => f.name))].sort();
    const namespaces = [...new Set(fns.map(f => f.namespace ?? 'default'))].sort();
    const fleet: Array<[string, string | undefined]> = [[FLEET_LABEL, fleetName]];
    const ns = '$namespace';
    const fn = '$function';
    const owner = `kube_pod_owner${matchers([...fleet, ['namespace', ns], ['owner_kind', 'ReplicaSet'], ['owner_name', `${fn}-[a-z0-9]+`, '=~']])}`;
    const pod = matchers([...fleet, ['namespace', ns]]);
    const hpa = matchers([...fleet, ['namespace', ns], ['horizontalpodautoscaler', `keda-hpa-${fn}`]]);
    const route = matchers([...fleet, ['route_namespace', ns], ['route_name', fn]]);
    const panels = new Panels();
    panels.timeseries('Requests per second (KEDA HTTP interceptor)',
      `sum by (${SITE_LABEL}, code) (rate(interceptor_request_count_total${route}[5m]))`, 'reqps', `{{${SITE_LABEL}}} {{code}}`);
    panels.timeseries('Available replicas',
      `sum by (${SITE_LABEL}) (kube_deployment_status_replicas_available${matchers([...fleet, ['namespace', ns], ['deployment', fn]])})`, 'short', `{{${SITE_LABEL}}}`,
      [['Desired (HPA)', `sum by (${SITE_LABEL}) (kube_horizontalpodautoscaler_status_desired_replicas${hpa})`],
        ['maxReplicas', `max by (${SITE_LABEL}) (kube_horizontalpodautoscaler_spec_max_replicas${hpa})`]]);
    panels.timeseries('Cold starts (pods created in the last 5 minutes)',
      `count by (${SITE_LABEL}) (((time() - kube_pod_created${pod}) < 300) * ${POD_JOIN} group_left () ${owner})`, 'short', `{{${SITE_LABEL}}}`);
    panels.timeseries('Cold-start latency (creation to Ready)',
      `max by (${SITE_LABEL}, pod) ((min_over_time(kube_pod_status_ready_time${pod}[1h]) - kube_pod_created${pod}) * ${POD_JOIN} group_left () ${owner})`, 's', '{{pod}}');
    panels.timeseries('Scale events (HPA desired replicas changes)',
      `sum by (${SITE_LABEL}) (changes(kube_horizontalpodautoscaler_status_desired_replicas${hpa}[5m]))`, 'short', `{{${SITE_LABEL}}}`);
    panels.timeseries('Requests waiting in the interceptor', `sum by (${SITE_LABEL}) (interceptor_request_concurrency${route})`, 'short', `{{${SITE_LABEL}}}`);
    panels.timeseries('KEDA scaler errors per second',
      `sum by (${SITE_LABEL}, scaler) (rate(keda_scaler_detail_errors_total${matchers([...fleet, ['namespace', ns], ['scaledObject', fn]])}[5m]))`, 'short',
      `{{${SITE_LABEL}}} {{scaler}}`);
    const builder = this.base('functions', 'Wasm functions')
      .withVariable(customVariable(CustomVariableBuilder, 'namespace', 'Namespace', namespaces))
      .withVariable(customVariable(CustomVariableBuilder, 'function', 'Function', names));
    return panels.addTo(builder).build();
  }

  private nodeDashboard(fleetName?: string): any {
    const { CustomVariableBuilder } = dashboardSdk;
    const nodes = (this.props.nodes ?? allOf(this, EdgeOfflineNode)).map(nodeTarget);
    const sites = [...new Set(nodes.map(n => n.site).filter((s): s is string => s !== undefined))].sort();
    const fleet: Array<[string, string | undefined]> = [[FLEET_LABEL, fleetName]];
    const site: Array<[string, string, '=~']> = sites.length > 0 ? [[SITE_LABEL, '$site', '=~']] : [];
    // Pods that hold a pod IP of the node: scheduled, not host-network, Pending or Running.
    const pods = (extra: Array<[string, string | undefined, '=~']>) => `count by (${FLEET_LABEL}, ${SITE_LABEL}, node) (kube_pod_info${matchers([...fleet, ...site, ...extra,
      ['host_network', 'false']])} * ${POD_JOIN} group_left () (kube_pod_status_phase${matchers([...fleet, ...site, ['phase', 'Pending|Running', '=~']])} == 1))`;
    const panels = new Panels();
    // The density plan's max-pods (the smallest, when nodes differ) as the panel's limit line.
    const maxPods = [...new Set(nodes.map(n => n.maxPods))].sort((a, b) => a - b);
    panels.timeseries(maxPods.length > 0 ? `Pods per node (planned max-pods ${maxPods.join(', ')})` : 'Pods per node', pods([['node', '.+', '=~']]), 'short', '{{node}}',
      [['max-pods (kubelet) {{node}}', `max by (${FLEET_LABEL}, ${SITE_LABEL}, node) (kube_node_status_capacity${matchers([...fleet, ...site, ['resource', 'pods'], ['unit', 'integer']])})`]],
      maxPods[0]);
    // Pod CIDR use against the density plan of each node (grouped by the node's pod IPs).
    const byIps = new Map<number, NodeTarget[]>();
    for (const n of nodes) byIps.set(n.podIps, [...(byIps.get(n.podIps) ?? []), n]);
    const cidr = [...byIps.entries()].sort(([a], [b]) => a - b)
      .map(([ips, group]) => `${pods([['node', [...new Set(group.map(n => regexLiteral(n.nodeName)))].sort().join('|'), '=~']])} / ${ips}`);
    if (cidr.length > 0) panels.timeseries('Pod CIDR use (pods / pod IPs of the node CIDR)', cidr.join(' or '), 'percentunit', '{{node}}', [], 1);
    let builder = this.base('nodes', 'Wasm edge node density');
    if (sites.length > 0) builder = builder.withVariable(customVariable(CustomVariableBuilder, 'site', 'Site', sites, true));
    return panels.addTo(builder).build();
  }
}

/** A custom variable of the given values (the first selected). */
function customVariable(Builder: typeof import('@grafana/grafana-foundation-sdk/dashboard').CustomVariableBuilder, name: string, label: string,
  values: string[], multi = false): any {
  // Grafana custom variables: comma-separated values (escape "," and "\").
  const query = values.map(v => v.replace(/\\/g, '\\\\').replace(/,/g, '\\,')).join(',');
  const b = new Builder(name).label(label).values(query);
  if (values.length > 0) b.current({ selected: true, text: multi ? [values[0]] : values[0], value: multi ? [values[0]] : values[0] });
  return multi ? b.multi(true).includeAll(true) : b;
}

/** Panels laid out two per row, numbered in order. */
class Panels {
  private readonly panels: any[] = [];

  public stat(title: string, expr: string, unit: string): void {
    const { PanelBuilder } = statSdk;
    this.panels.push(new PanelBuilder().title(title).unit(unit).datasource(datasource()).withTarget(target('A', expr, undefined)));
  }

  /** A time series panel; `limit` draws a red threshold line (e.g. max-pods, or 1 for a ratio). */
  public timeseries(title: string, expr: string, unit: string, legend: string, more: Array<[string, string]> = [], limit?: number): void {
    const { PanelBuilder } = timeseriesSdk;
    const { VizLegendOptionsBuilder, GraphThresholdsStyleConfigBuilder, LegendDisplayMode, LegendPlacement, GraphThresholdsStyleMode } = commonSdk;
    const { ThresholdsConfigBuilder, ThresholdsMode } = dashboardSdk;
    const p = new PanelBuilder().title(title).unit(unit).datasource(datasource()).withTarget(target('A', expr, legend))
      .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]));
    more.forEach(([name, e], i) => p.withTarget(target(String.fromCharCode(66 + i), e, name)));
    if (limit !== undefined) {
      p.thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null as any, color: 'green' }, { value: limit, color: 'red' }]))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Line));
    }
    this.panels.push(p);
  }

  public addTo(builder: any): any {
    this.panels.forEach((p, i) => builder.withPanel(p.id(i + 1).gridPos({ h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 })));
    return builder;
  }
}

function datasource(): { type: string; uid: string } {
  return { type: 'prometheus', uid: '${datasource}' };
}

function target(refId: string, expr: string, legend: string | undefined): any {
  const { DataqueryBuilder } = prometheusSdk;
  const q = new DataqueryBuilder().refId(refId).expr(expr).datasource(datasource());
  return legend === undefined ? q : q.legendFormat(legend);
}

/** JSON with object keys sorted (arrays keep their order): the same app gives the same bytes. */
function stableJson(value: any): string {
  const sort = (v: any): any => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])]));
  };
  return JSON.stringify(sort(value), null, 2);
}
