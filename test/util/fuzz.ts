/**
 * The property-based harness every construct's fuzz suite uses: a run ends in schema-valid output
 * that also passes the semantic checks below, or in the library's documented error. Any other
 * exception, and any output that fails a check, is a failure.
 *
 * Runs are seeded (FUZZ_SEED, default 20261201) so a failure reproduces; FUZZ_RUNS sets the count
 * (default 2000 per construct, the floor CI keeps).
 */
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import * as YAML from 'yaml';
import { validationErrors } from './validate';
import { credentialInValue, isCredentialKey } from '../../lib/private/credentials';
import { ERROR_PREFIX } from '../../lib/private/errors';
import { isLabelValue, isQualifiedName } from '../../lib/private/validate';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** fast-check parameters: seeded, FUZZ_RUNS runs, failures shrunk and printed with the seed. */
export function fuzzParams<T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> {
  return Object.assign({ numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true }, overrides);
}

/** Strings that break things: edge lengths, unicode, case, control characters, YAML, shell, templates. */
export const NASTY_STRINGS: string[] = [
  '', ' ', 'a', 'A', 'Abc', 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(253), 'a'.repeat(254), 'a.'.repeat(130),
  'é', 'naïve', '日本', '\u200b', 'x\ny', 'x\r\ny', 'x\ty', '\u0000', 'a"b', "a'b", 'a\\b', 'a b',
  '{{ .Evil }}', '{{', '}}', '..', '../x', '/../admin', '/./x', '%2F', '/a%2Fb', '-a', 'a-', '1abc', '_x',
  '; reboot', '| cat', '&& rm -rf /', '> /etc/passwd', '$(id)', '`id`', '(x)', '*', '?', '#x', '!x',
  '---\nkind: Secret', 'key: value', '- item', '[a]', '{a: 1}', 'true', 'null', '~', '0', '-1', '1e3',
  'http://user:pass@host', 'password=hunter2', 'Bearer abcdefghijklmnop',
];

/** Numbers that break things. */
export const NASTY_NUMBERS: number[] = [0, -0, -1, 1, 0.5, -0.5, 1.5, 63, 64, 65535, 65536, 2 ** 31, 2 ** 53 + 2, 1e21, NaN, Infinity, -Infinity];

/** A nasty string, a plausible string, or a generated one. */
export function nastyString(good: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 3 },
    { arbitrary: good.length ? fc.constantFrom(...good) : fc.constant('ok'), weight: 4 },
    { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  );
}

/** A nasty number, a plausible one, or any double. */
export function nastyNumber(good: number[] = []): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...NASTY_NUMBERS), weight: 3 },
    { arbitrary: good.length ? fc.constantFrom(...good) : fc.integer({ min: 1, max: 100 }), weight: 4 },
    { arbitrary: fc.double(), weight: 1 },
  );
}

/** Usually left out, else `arb`. */
export function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 2 });
}

export type Outcome = 'ok' | 'error';

/**
 * Builds an app, synthesizes it and checks every object (schemas, then semantics). Returns 'error'
 * when the library threw its documented error (build or synth), 'ok' when the output is valid;
 * throws on anything else.
 */
export function validOrDocumentedError(build: (app: App) => void): Outcome {
  const app = Testing.app();
  let text: string;
  try {
    build(app);
    text = app.synthYaml();
  } catch (e) {
    if (!isDocumentedError(e)) throw e;
    return 'error';
  }
  const objects = yaml.loadAll(text).filter(d => d !== null && d !== undefined);
  const problems = [...validationErrors(objects), ...semanticProblems(objects, text)];
  if (problems.length > 0) throw new Error(`invalid output:\n  ${problems.join('\n  ')}\n${text}`);
  return 'ok';
}

/** Same for one chart built by `build`. */
export function chartValidOrDocumentedError(build: (chart: Chart) => void, chartProps: { namespace?: string } = {}): Outcome {
  return validOrDocumentedError(app => build(new Chart(app, 'fuzz', chartProps)));
}

/** Whether an exception is the library's documented error (its message starts with the prefix). */
export function isDocumentedError(e: unknown): boolean {
  return e instanceof Error && e.message.includes(ERROR_PREFIX);
}

/**
 * Asserts that a property over `arb` ends in valid output or a documented error on every run, and
 * that both outcomes occur (a suite that only ever errors proves nothing).
 */
export function assertValidOrDocumentedError<T>(arb: fc.Arbitrary<T>, build: (app: App, value: T) => void,
  options: { params?: fc.Parameters<[T]>; requireBoth?: boolean } = {}): Set<Outcome> {
  const outcomes = new Set<Outcome>();
  fc.assert(fc.property(arb, v => {
    outcomes.add(validOrDocumentedError(app => build(app, v)));
  }), fuzzParams(options.params));
  if (options.requireBoth ?? true) {
    if (!outcomes.has('ok') || !outcomes.has('error')) {
      throw new Error(`expected both valid output and documented errors, got only ${[...outcomes].join(', ')}`);
    }
  }
  return outcomes;
}

/**
 * What schemas do not catch: values that leaked from JavaScript (NaN, undefined, [object Object],
 * Infinity), label and annotation syntax, ports, min above max, a YAML round trip, a document or key
 * injected through a string, and credentials inline outside Secrets.
 */
export function semanticProblems(objects: any[], text?: string): string[] {
  const out: string[] = [];
  objects.forEach((o, i) => {
    const who = `[doc ${i}] ${o?.apiVersion}/${o?.kind} "${o?.metadata?.name}"`;
    walk(o, [], (p, v, key) => {
      const where = `${who}: ${p.join('.')}`;
      if (typeof v === 'number' && !Number.isFinite(v)) out.push(`${where}: non-finite number ${v}`);
      if (typeof v === 'string') {
        if (/(^|[^A-Za-z])(NaN|undefined|Infinity)([^A-Za-z]|$)|\[object Object\]/.test(v)) out.push(`${where}: leaked JavaScript value ${JSON.stringify(v)}`);
        if (o?.kind !== 'Secret' && o?.kind !== 'ConfigMap') {
          const why = credentialInValue(v);
          if (why) out.push(`${where}: credential inline (${why})`);
        }
      }
      if (v === undefined) out.push(`${where}: undefined`);
      if (key !== undefined && /^(port|containerPort|targetPort|servicePort|number)$/.test(key) && typeof v === 'number' && (v < 1 || v > 65535 || !Number.isInteger(v))) {
        if (!(key === 'number' && !p.includes('port'))) out.push(`${where}: port ${v} out of range`);
      }
    });
    checkMeta(o?.metadata, `${who}: metadata`, out);
    const template = o?.spec?.template?.metadata;
    if (template) checkMeta(template, `${who}: spec.template.metadata`, out);
    // env variables: no credential by name with an inline value.
    walk(o, [], (p, v) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && typeof v.value === 'string' && p[p.length - 2] === 'env' && v.value !== '' && isCredentialKey(v.name)) {
        out.push(`${who}: ${p.join('.')}: env ${v.name} holds an inline credential`);
      }
    });
    minMax(o?.spec, `${who}: spec`, out, [['minReplicaCount', 'maxReplicaCount'], ['minReplicas', 'maxReplicas']]);
    minMax(o?.spec?.replicas, `${who}: spec.replicas`, out, [['min', 'max']]);
    const ann = o?.spec?.template?.metadata?.annotations ?? {};
    const lo = ann['autoscaling.knative.dev/min-scale'];
    const hi = ann['autoscaling.knative.dev/max-scale'];
    if (lo !== undefined && hi !== undefined && Number(hi) !== 0 && Number(lo) > Number(hi)) out.push(`${who}: knative min-scale ${lo} > max-scale ${hi}`);
  });
  // Round trip: a string that injected a key or a document would change the parse.
  const dumped = objects.map(o => yaml.dump(o, { noRefs: true })).join('---\n');
  const back = yaml.loadAll(dumped).filter(d => d !== null && d !== undefined);
  if (JSON.stringify(back) !== JSON.stringify(objects)) out.push('YAML round trip changed the objects');
  if (text !== undefined) {
    const docs = YAML.parseAllDocuments(text, { version: '1.1' }).filter(d => d.contents !== null);
    if (docs.length !== objects.length) out.push(`YAML 1.1 reader sees ${docs.length} documents, not ${objects.length}`);
    docs.forEach((d, i) => {
      if (d.errors.length) out.push(`[doc ${i}] YAML 1.1: ${d.errors[0].message}`);
    });
  }
  return out;
}

function checkMeta(meta: any, where: string, out: string[]): void {
  if (!meta) return;
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!isQualifiedName(k)) out.push(`${where}.labels: bad key ${JSON.stringify(k)}`);
    if (typeof v !== 'string' || !isLabelValue(v)) out.push(`${where}.labels.${k}: bad value ${JSON.stringify(v)}`);
  }
  for (const k of Object.keys(meta.annotations ?? {})) {
    if (!isQualifiedName(k)) out.push(`${where}.annotations: bad key ${JSON.stringify(k)}`);
  }
}

function minMax(spec: any, where: string, out: string[], pairs: Array<[string, string]>): void {
  if (!spec || typeof spec !== 'object') return;
  for (const [a, b] of pairs) {
    if (typeof spec[a] === 'number' && typeof spec[b] === 'number' && spec[a] > spec[b]) out.push(`${where}: ${a} ${spec[a]} > ${b} ${spec[b]}`);
  }
}

function walk(v: any, p: Array<string | number>, visit: (p: Array<string | number>, v: any, key?: string) => void, key?: string): void {
  visit(p, v, key);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i], visit, key));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k], visit, k);
}

/**
 * Node files (K3s config, registries, containerd template, cloud-init): YAML parses under 1.1 and
 * 1.2 with the same result and one document, TOML parses (template actions stripped), no credential
 * inline, no leaked JavaScript value.
 */
export function nodeFileProblems(files: Array<{ path: string; content: string }>): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const toml = require('smol-toml');
  const out: string[] = [];
  for (const f of files) {
    if (/(^|[^A-Za-z])(NaN|undefined|Infinity)([^A-Za-z]|$)|\[object Object\]/.test(f.content)) out.push(`${f.path}: leaked JavaScript value`);
    if (/\.ya?ml$/.test(f.path)) {
      try {
        const a = yaml.loadAll(f.content);
        const docs = YAML.parseAllDocuments(f.content, { version: '1.1' });
        if (a.length > 1 || docs.length > 1) out.push(`${f.path}: more than one YAML document`);
        const b = docs[0]?.toJS();
        if (JSON.stringify(a[0]) !== JSON.stringify(b)) out.push(`${f.path}: YAML 1.1 and 1.2 readers disagree`);
        walk(a[0], [], (p, v, key) => {
          if (typeof v === 'string' && key !== undefined && !/^(content|path|encoding)$/.test(key)) {
            const why = credentialInValue(v);
            if (why) out.push(`${f.path}: ${p.join('.')}: credential inline (${why})`);
          }
        });
      } catch (e) {
        out.push(`${f.path}: YAML: ${(e as Error).message}`);
      }
    } else if (/\.toml(\.tmpl)?$/.test(f.path)) {
      // As K3s renders it: whole-line actions go, a value action (SystemdCgroup) becomes a boolean.
      const stripped = f.content.split('\n').map(l => /^\s*\{\{.*\}\}\s*$/.test(l) ? '' : l).join('\n')
        .replace(/\{\{\s*\.SystemdCgroup\s*\}\}/g, 'true');
      try {
        toml.parse(stripped);
      } catch (e) {
        out.push(`${f.path}: TOML: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  return out;
}
