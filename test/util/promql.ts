/**
 * PromQL checks for tests: an expression must parse with the Prometheus project's own grammar
 * (@prometheus-io/lezer-promql, the parser of the Prometheus UI) without an error node (Prometheus
 * itself refuses a rule whose expression does not parse: prometheus@v3.14.0
 * model/rulefmt/rulefmt.go:202,218-228 Rule.Validate), and every
 * metric it names must be in UPSTREAM_METRICS below, with every label it matches on one that
 * metric has (or an external label of the per-site agents).
 */
import { parser } from '@prometheus-io/lezer-promql';

/** A metric as its exporter defines it. */
export interface UpstreamMetric {
  /** Labels the exporter (or the scrape) puts on it. */
  readonly labels: readonly string[];
  /** Where upstream defines the name and labels (repository@tag path:line). */
  readonly source: string;
}

/** Labels every series reaching the hub has: the agents' external labels and the scrape target's. */
export const COMMON_LABELS = ['site', 'fleet', 'job', 'instance'];

const KSM = 'kubernetes/kube-state-metrics@v2.20.0';
const KEDA = 'kedacore/keda@v2.20.2';
const HTTP = 'kedacore/http-add-on@v0.15.0';
const KUBELET = 'kubernetes/kubernetes@94341df30b4aef29676b997d0e2320534d05bfab';
// Pod series: descPodLabelsDefaultLabels = namespace, pod, uid (internal/store/pod.go:41).
const POD = ['namespace', 'pod', 'uid'];
const KEDA_SCALER = ['namespace', 'metric', 'scaledObject', 'scaler', 'triggerIndex', 'type'];

/**
 * The metric names the library's alerts and dashboards may use, with their upstream definitions.
 * Histogram names list their series suffixes explicitly.
 */
export const UPSTREAM_METRICS: { [name: string]: UpstreamMetric } = {
  // Prometheus' own per-target health series, kept by remote_write like any other.
  up: { labels: [], source: 'prometheus/prometheus@v3.14.0 scrape/scrape.go:2037-2038 (scrapeHealthMetric, name "up")' },
  // kube-state-metrics: nodes (descNodeLabelsDefaultLabels = node, internal/store/node.go:42).
  kube_node_status_condition: {
    labels: ['node', 'condition', 'status'],
    source: `${KSM} internal/store/node.go:509 (labels condition, status :524; status values true/false/unknown, internal/store/utils.go:40,73)`,
  },
  kube_node_status_capacity: {
    labels: ['node', 'resource', 'unit'],
    source: `${KSM} internal/store/node.go:422 (labels resource, unit :492; pods are unit "integer" :453-457)`,
  },
  kube_node_info: {
    labels: ['node', 'kernel_version', 'os_image', 'container_runtime_version', 'kubelet_version', 'kubeproxy_version', 'provider_id', 'pod_cidr', 'system_uuid', 'internal_ip'],
    source: `${KSM} internal/store/node.go:135 (labels :142-149, internal_ip :169)`,
  },
  // kube-state-metrics: pods.
  kube_pod_info: {
    labels: [...POD, 'host_ip', 'pod_ip', 'node', 'created_by_kind', 'created_by_name', 'priority_class', 'host_network'],
    source: `${KSM} internal/store/pod.go:642 (labels :661)`,
  },
  kube_pod_owner: {
    labels: [...POD, 'owner_kind', 'owner_name', 'owner_is_controller'],
    source: `${KSM} internal/store/pod.go:1320 (labels :1326)`,
  },
  kube_pod_container_status_restarts_total: {
    labels: [...POD, 'container'],
    source: `${KSM} internal/store/pod.go:441 (label container :450)`,
  },
  kube_pod_created: { labels: POD, source: `${KSM} internal/store/pod.go:592` },
  kube_pod_status_ready_time: { labels: POD, source: `${KSM} internal/store/pod.go:1602 (Ready condition lastTransitionTime, :1612)` },
  kube_pod_status_phase: { labels: [...POD, 'phase'], source: `${KSM} internal/store/pod.go:1504` },
  // kube-state-metrics: HPAs (descHorizontalPodAutoscalerLabelsDefaultLabels = namespace, horizontalpodautoscaler, :51).
  kube_horizontalpodautoscaler_status_current_replicas: {
    labels: ['namespace', 'horizontalpodautoscaler'],
    source: `${KSM} internal/store/horizontalpodautoscaler.go:335`,
  },
  kube_horizontalpodautoscaler_status_desired_replicas: {
    labels: ['namespace', 'horizontalpodautoscaler'],
    source: `${KSM} internal/store/horizontalpodautoscaler.go:354`,
  },
  kube_horizontalpodautoscaler_spec_max_replicas: {
    labels: ['namespace', 'horizontalpodautoscaler'],
    source: `${KSM} internal/store/horizontalpodautoscaler.go:151`,
  },
  // kube-state-metrics: Deployments (descDeploymentLabelsDefaultLabels = namespace, deployment, internal/store/deployment.go:41).
  kube_deployment_status_replicas_available: { labels: ['namespace', 'deployment'], source: `${KSM} internal/store/deployment.go:153` },
  // KEDA operator (namespace "keda", pkg/metricscollector/metricscollectors.go:33; metricLabels prommetrics.go:35).
  keda_scaler_detail_errors_total: { labels: KEDA_SCALER, source: `${KEDA} pkg/metricscollector/prommetrics.go:82-87 (type "scaledobject" :313-316)` },
  keda_scaled_object_errors_total: { labels: ['namespace', 'scaledObject'], source: `${KEDA} pkg/metricscollector/prommetrics.go:91-96` },
  keda_scaler_metrics_value: { labels: KEDA_SCALER, source: `${KEDA} pkg/metricscollector/prommetrics.go:46-51` },
  keda_scaler_active: { labels: KEDA_SCALER, source: `${KEDA} pkg/metricscollector/prommetrics.go:64-69` },
  // KEDA HTTP add-on interceptor (OpenTelemetry instruments, exported by the Prometheus exporter:
  // names as in interceptor/metrics/prometheus_test.go:56,122; attributes instruments.go:22-25).
  interceptor_request_concurrency: { labels: ['route_name', 'route_namespace'], source: `${HTTP} interceptor/metrics/instruments.go:18,88 (prometheus_test.go:122)` },
  interceptor_request_count_total: {
    labels: ['code', 'method', 'route_name', 'route_namespace'],
    source: `${HTTP} interceptor/metrics/instruments.go:19,67 (prometheus_test.go:56)`,
  },
  // kubelet (subsystem "kubelet", pkg/kubelet/metrics/metrics.go:34).
  kubelet_pod_start_sli_duration_seconds_bucket: { labels: ['le'], source: `${KUBELET} pkg/kubelet/metrics/metrics.go:44 (PodStartSLIDurationKey, histogram)` },
};

/** The problems of one PromQL expression: parse errors, unknown metrics, unknown matcher labels. */
export function promqlProblems(expr: string): string[] {
  const problems: string[] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter: node => {
      if (node.type.isError) problems.push(`parse error at ${node.from}: ...${expr.slice(Math.max(0, node.from - 20), node.from + 20)}...`);
    },
  });
  // Metric names are the Identifier of a VectorSelector; matcher labels the LabelName of its matchers
  // (not `by (...)` labels, and never text inside string literals).
  let metric: { name: string; def?: UpstreamMetric } | undefined;
  tree.iterate({
    enter: node => {
      const parent = node.node.parent?.name;
      if (node.name === 'VectorSelector') {
        metric = undefined;
        const id = node.node.getChild('Identifier');
        if (!id) {
          problems.push(`selector without a metric name: ${expr.slice(node.from, node.to)}`);
          return;
        }
        const name = expr.slice(id.from, id.to);
        metric = { name, def: UPSTREAM_METRICS[name] };
        if (!metric.def) problems.push(`metric ${name} is not in the table of upstream metrics (test/util/promql.ts)`);
      } else if (node.name === 'LabelName' && (parent === 'UnquotedLabelMatcher' || parent === 'QuotedLabelMatcher') && metric?.def) {
        const label = expr.slice(node.from, node.to);
        if (!metric.def.labels.includes(label) && !COMMON_LABELS.includes(label)) problems.push(`metric ${metric.name} has no label ${label} (${metric.def.source})`);
      }
    },
    leave: node => {
      if (node.name === 'VectorSelector') metric = undefined;
    },
  });
  problems.push(...argumentTypeProblems(tree.topNode, expr));
  return problems;
}

/**
 * The argument that must be a range vector, per function (the rest take instant vectors or
 * scalars): Prometheus refuses `rate(up)` or `sum(up[5m])` at parse time (promql/parser/functions.go
 * ArgTypes, parser.go checkAST), which the grammar alone accepts.
 */
const RANGE_ARGUMENT: { [fn: string]: number } = {
  rate: 0,
  irate: 0,
  increase: 0,
  delta: 0,
  idelta: 0,
  deriv: 0,
  changes: 0,
  resets: 0,
  predict_linear: 0,
  avg_over_time: 0,
  min_over_time: 0,
  max_over_time: 0,
  sum_over_time: 0,
  count_over_time: 0,
  stddev_over_time: 0,
  stdvar_over_time: 0,
  last_over_time: 0,
  present_over_time: 0,
  absent_over_time: 0,
  mad_over_time: 0,
  quantile_over_time: 1,
  holt_winters: 0,
  double_exponential_smoothing: 0,
};

type SyntaxNodeT = ReturnType<typeof parser.parse>['topNode'];

function childrenOf(n: SyntaxNodeT): SyntaxNodeT[] {
  const out: SyntaxNodeT[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Range vectors where an instant vector belongs and the reverse, over the whole tree. */
function argumentTypeProblems(root: SyntaxNodeT, expr: string): string[] {
  const problems: string[] = [];
  const isRange = (n: SyntaxNodeT) => n.name === 'MatrixSelector' || n.name === 'SubqueryExpr';
  const text = (n: SyntaxNodeT) => expr.slice(n.from, n.to);
  const visit = (n: SyntaxNodeT): void => {
    if (n.name === 'FunctionCall') {
      const id = n.getChild('FunctionIdentifier');
      const body = n.getChild('FunctionCallBody');
      const fn = id ? text(id) : '';
      (body ? childrenOf(body) : []).forEach((arg, i) => {
        const wantsRange = RANGE_ARGUMENT[fn] === i;
        if (wantsRange && !isRange(arg)) problems.push(`${fn}() needs a range vector as argument ${i + 1}, got ${text(arg)}`);
        if (!wantsRange && isRange(arg)) problems.push(`${fn}() takes no range vector as argument ${i + 1}: ${text(arg)}`);
      });
    } else if (n.name === 'AggregateExpr') {
      const body = n.getChild('FunctionCallBody');
      for (const arg of body ? childrenOf(body) : []) if (isRange(arg)) problems.push(`an aggregation takes no range vector: ${text(arg)}`);
    } else if (n.name === 'BinaryExpr') {
      for (const side of childrenOf(n)) if (isRange(side)) problems.push(`a binary operator takes no range vector: ${text(side)}`);
    }
    for (const c of childrenOf(n)) visit(c);
  };
  visit(root);
  return problems;
}

/** Throws unless every expression passes promqlProblems. */
export function expectValidPromql(exprs: string[]): void {
  const all = exprs.flatMap(e => promqlProblems(e).map(p => `${p}\n    in: ${e}`));
  if (all.length > 0) throw new Error(`PromQL problems:\n  ${all.join('\n  ')}`);
}
