import {
  DEFAULT_METRICS_PATH, DEFAULT_SCRAPE_INTERVAL, FLEET_METRIC_LABEL, KUBE_PROMETHEUS_STACK_RELEASE_LABEL, MONITORED_SERVICE_LABEL, SITE_METRIC_LABEL,
} from '../../lib/monitoring/monitoring-labels';
import { isQualifiedName } from '../../lib/private/validate';

// The label contract the alert rules and dashboards share: exactly `site` and `fleet`.
test('site and fleet external labels', () => {
  expect(SITE_METRIC_LABEL).toBe('site');
  expect(FLEET_METRIC_LABEL).toBe('fleet');
});

test('defaults: 30 s scrape interval (the design documents\' edge setting), /metrics', () => {
  expect(DEFAULT_SCRAPE_INTERVAL.toSeconds()).toBe(30);
  expect(DEFAULT_METRICS_PATH).toBe('/metrics');
});

test('label keys are qualified names', () => {
  for (const k of [MONITORED_SERVICE_LABEL, KUBE_PROMETHEUS_STACK_RELEASE_LABEL]) expect(isQualifiedName(k)).toBe(true);
});
