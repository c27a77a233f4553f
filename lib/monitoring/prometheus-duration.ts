/**
 * Prometheus value syntax shared by the monitors, the plain scrape config and the site agent:
 * durations, label names of service-discovery meta labels, and anchored regexes. Internal.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from '../private/errors';
import { checkSingleLine } from '../private/validate';

const UNITS: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * The most a duration prop may hold here: 100 years, far above any scrape interval or outage and
 * well inside Go's int64-nanosecond time.Duration that Prometheus parses into.
 */
const MAX_MS = 100 * 365 * 24 * 3_600_000;

/**
 * A Duration in Prometheus duration syntax (prometheus/common model.ParseDuration: units y w d h m
 * s ms in that order, each a whole number; the Prometheus Operator CRDs check the same pattern
 * `^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`).
 * Written with h, m, s and ms only: `y` is 365 days and `w` 7 days to the parser, which reads back
 * the same, but hours are what people compare. 90 s is `1m30s`, 1.5 s `1s500ms`.
 *
 * @see https://github.com/prometheus/common/blob/main/model/time.go (ParseDuration)
 * @internal
 */
export function prometheusDuration(scope: IConstruct | string, prop: string, d: Duration, minMs = 1): string {
  if (!(d instanceof Duration)) throw propError(scope, prop, d, 'is not a Duration', 'use e.g. Duration.seconds(30)');
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < minMs || ms > MAX_MS) {
    throw propError(scope, prop, `${ms}ms`, `must be a whole number of milliseconds from ${minMs}ms to 100 years (Prometheus durations have millisecond resolution)`,
      'use e.g. Duration.seconds(30)');
  }
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/** Milliseconds of a checked Duration. @internal */
export function durationMs(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

/**
 * A scrape interval and optional timeout: the timeout may not exceed the interval. Prometheus
 * refuses such a job (config/config.go:910 "scrape timeout greater than scrape interval"), and the
 * operator drops the monitor (pkg/prometheus/promcfg.go:977-990 CompareScrapeTimeoutToScrapeInterval).
 *
 * @internal
 */
export function scrapeTiming(scope: IConstruct | string, interval: Duration, timeout?: Duration): { interval: string; timeout?: string } {
  const i = prometheusDuration(scope, 'interval', interval, 1000);
  if (timeout === undefined) return { interval: i };
  const t = prometheusDuration(scope, 'scrapeTimeout', timeout);
  if (durationMs(timeout) > durationMs(interval)) {
    throw propError(scope, 'scrapeTimeout', t, `is longer than the scrape interval ${i} (Prometheus refuses the job: config/config.go "scrape timeout greater than scrape interval")`,
      `set scrapeTimeout to at most ${i}, or leave it out (Prometheus then uses min(10s, interval))`);
  }
  return { interval: i, timeout: t };
}

/**
 * A Kubernetes label key as the suffix of a service-discovery meta label
 * (`__meta_kubernetes_pod_label_<name>`): every character outside `[a-zA-Z0-9_]` becomes `_`
 * (prometheus util/strutil SanitizeLabelName, which discovery/kubernetes applies; the operator does
 * the same, pkg/prometheus/promcfg.go sanitizeLabelName).
 *
 * @internal
 */
export function sanitizeLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * A literal string as a relabel regex. Prometheus anchors every relabel regex itself
 * (model/relabel/relabel.go:202, `^(?s:` + regex + `)$`), so only RE2 metacharacters are escaped.
 *
 * @internal
 */
export function literalRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * A Prometheus label name (external labels): `[a-zA-Z_][a-zA-Z0-9_]*`, and not starting with `__`,
 * which Prometheus reserves for internal labels (prometheus/common model LabelName, legacy scheme).
 *
 * @internal
 */
export function checkMetricLabelName(scope: IConstruct | string, prop: string, name: string): void {
  if (typeof name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) {
    throw propError(scope, prop, name, 'is not a Prometheus label name (letters, digits and "_", not starting with a digit or "__")',
      `use e.g. "${sanitizeLabelName(String(name)).replace(/^[0-9_]+/, '') || 'site'}"`);
  }
}

/**
 * External labels: Prometheus label names, values any one-line string (an empty value would drop
 * the label: Prometheus removes empty external labels). Returned sorted by name.
 *
 * @internal
 */
export function checkExternalLabels(scope: IConstruct | string, prop: string,
  labels: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  if (labels === undefined) return out;
  if (labels === null || typeof labels !== 'object') throw propError(scope, prop, labels, 'is not a map of label names to values', 'use e.g. { region: "eu" }');
  for (const k of Object.keys(labels).sort()) {
    checkMetricLabelName(scope, `${prop}.${k}`, k);
    const v = labels[k];
    if (typeof v !== 'string' || v.length === 0) throw propError(scope, `${prop}.${k}`, v, 'is not a non-empty string', 'give the label a value, or leave it out');
    checkSingleLine(scope, `${prop}.${k}`, v, 1024);
    out[k] = v;
  }
  return out;
}
