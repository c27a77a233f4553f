import { Duration } from 'cdk8s';
import { WASM_EDGE_LABEL_PREFIX } from '../core/runtime';

/**
 * The external label every site agent adds to the samples it sends to the hub: the EdgeSite's
 * `siteName`. Alert rules and dashboards group by it; keep it exactly `site`.
 */
export const SITE_METRIC_LABEL = 'site';

/**
 * The external label a site agent of an EdgeFleet adds: the fleet's `fleetName`. Keep it exactly `fleet`.
 */
export const FLEET_METRIC_LABEL = 'fleet';

/**
 * The scrape interval the design documents choose for edge clusters (30 s instead of Prometheus's
 * 1 m global default, prometheus/prometheus v3.14.0 config/config.go:174), used by every monitor, scrape config and agent here
 * unless a prop says otherwise.
 */
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(30);

/** The metrics path Prometheus scrapes when none is given (prometheus/prometheus v3.14.0 config/config.go:205, DefaultScrapeConfig). */
export const DEFAULT_METRICS_PATH = '/metrics';

/**
 * The label a monitor puts on a Service it selects, when the Service has no labels a ServiceMonitor
 * could select it by (cdk8s-plus gives Services none): the Service's name.
 */
export const MONITORED_SERVICE_LABEL = `${WASM_EDGE_LABEL_PREFIX}monitored-service`;

/**
 * The label kube-prometheus-stack's Prometheus selects monitors and rules by: its
 * `prometheus.prometheusSpec.serviceMonitorSelector` (and pod monitor, rule selectors) default to
 * `release: <Helm release name>` unless `*SelectorNilUsesHelmValues` is false
 * (prometheus-community/helm-charts kube-prometheus-stack 88.5.3 templates/prometheus/prometheus.yaml:193-218).
 */
export const KUBE_PROMETHEUS_STACK_RELEASE_LABEL = 'release';
