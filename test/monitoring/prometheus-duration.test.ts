import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { checkExternalLabels, checkMetricLabelName, literalRegex, prometheusDuration, sanitizeLabelName, scrapeTiming } from '../../lib/monitoring/prometheus-duration';
import { fuzzParams } from '../util/fuzz';

/**
 * prometheus/common model.ParseDuration (model/time.go): the units in order y w d h m s ms, each a
 * whole number; 0 alone is allowed. This is its regex (durationRE) and unit table.
 */
const DURATION_RE = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
function parsePrometheusDuration(s: string): number {
  const m = DURATION_RE.exec(s);
  if (!m || s === '') throw new Error(`not a valid duration string: "${s}"`);
  const units = [365 * 86400000, 7 * 86400000, 86400000, 3600000, 60000, 1000, 1];
  let ms = 0;
  units.forEach((u, i) => { if (m[2 * i + 2] !== undefined) ms += Number(m[2 * i + 2]) * u; });
  return ms;
}
// The CRDs' pattern for a monitoringv1.Duration (e.g. PodMonitor podMetricsEndpoints.interval).
const CRD_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

describe('prometheusDuration', () => {
  test.each([
    [Duration.seconds(30), '30s'],
    [Duration.seconds(90), '1m30s'],
    [Duration.millis(1500), '1s500ms'],
    [Duration.hours(72), '72h'],
    [Duration.days(30), '720h'],
  ])('%s is %s', (d, s) => expect(prometheusDuration('x', 'interval', d)).toBe(s));

  test('round-trips through Prometheus\'s parser and matches the CRD pattern', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 * 365 * 86400000 }), ms => {
      const s = prometheusDuration('x', 'd', Duration.millis(ms));
      expect(s).toMatch(CRD_DURATION);
      expect(parsePrometheusDuration(s)).toBe(ms);
    }), fuzzParams());
  });

  test('refuses fractions of a millisecond, zero, too long, and non-Durations', () => {
    expect(() => prometheusDuration('x', 'd', Duration.millis(0.5))).toThrow(/whole number of milliseconds/);
    expect(() => prometheusDuration('x', 'd', Duration.millis(0))).toThrow(/from 1ms/);
    expect(() => prometheusDuration('x', 'd', Duration.days(365 * 101))).toThrow(/100 years/);
    expect(() => prometheusDuration('x', 'd', 30 as any)).toThrow(/is not a Duration/);
  });
});

describe('scrapeTiming', () => {
  test('interval at least 1 s, timeout at most the interval', () => {
    expect(scrapeTiming('x', Duration.seconds(30))).toEqual({ interval: '30s' });
    expect(scrapeTiming('x', Duration.seconds(30), Duration.seconds(30))).toEqual({ interval: '30s', timeout: '30s' });
    expect(() => scrapeTiming('x', Duration.millis(999))).toThrow(/from 1000ms/);
    expect(() => scrapeTiming('x', Duration.seconds(5), Duration.seconds(6))).toThrow(/scrapeTimeout="6s".*longer than the scrape interval 5s/);
  });
});

describe('label names and regexes', () => {
  test('sanitizeLabelName: what Prometheus service discovery does to a Kubernetes label key', () => {
    expect(sanitizeLabelName('cdk8s.io/metadata.addr')).toBe('cdk8s_io_metadata_addr');
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('app_kubernetes_io_name');
  });
  test('literalRegex: RE2 matches exactly the literal (Prometheus anchors it)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      const re = new RegExp(`^(?:${literalRegex(a)})$`, 's');
      expect(re.test(a)).toBe(true);
      if (a !== b) expect(re.test(b)).toBe(false);
    }), fuzzParams());
  });
});

describe('external labels', () => {
  test('names in Prometheus syntax, values one-line non-empty strings, sorted', () => {
    expect(checkExternalLabels('x', 'l', { site: 'a', fleet: 'f' })).toEqual({ fleet: 'f', site: 'a' });
    expect(Object.keys(checkExternalLabels('x', 'l', { site: 'a', fleet: 'f' }))).toEqual(['fleet', 'site']);
    expect(checkExternalLabels('x', 'l', undefined)).toEqual({});
    expect(() => checkExternalLabels('x', 'l', { __x: 'a' })).toThrow(/Prometheus label name/);
    expect(() => checkExternalLabels('x', 'l', { 'a-b': 'a' })).toThrow(/Prometheus label name.*Fix: use e.g. "a_b"/);
    expect(() => checkExternalLabels('x', 'l', { a: '' })).toThrow(/non-empty/);
    expect(() => checkExternalLabels('x', 'l', { a: 'x\ny' })).toThrow();
    expect(() => checkMetricLabelName('x', 'l', '1a')).toThrow(/not starting with a digit/);
  });
});
