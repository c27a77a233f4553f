import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import {
  CLIENT_SIDE_APPLY_BUNDLE_BYTES, MAX_CONFIGMAP_BYTES, OPA_BUNDLE_FILE_KEY, OPA_BUNDLE_POD_ANNOTATION_PREFIX, OPA_BUNDLE_SHA256_ANNOTATION,
  OPA_CONFIG_POD_ANNOTATION_PREFIX, OPA_CONFIG_SHA256_ANNOTATION, OPA_IMAGE, OpaBundle, OpaBundleReload, OpaBundleSource, OpaBundleSourceType,
  OpaRegistryCredentials, OpaReloadType,
} from '../../lib/policy/opa-bundle';
import { Warnings } from '../../lib/warnings';
import { WasmDeployment } from '../../lib/wasm-deployment';
import { validationErrorOf } from '../util/errors';
import { assertValidOrDocumentedError, fuzzParams, maybe, nastyNumber, nastyString } from '../util/fuzz';
import { opaWasmBundle, tar, tarGz } from '../util/tar';
import { synthAndValidate, validateObjects } from '../util/validate';

const DIGEST = 'sha256:' + 'c0ffee00'.repeat(8);
const REFERENCE = `registry.plant-sz.example.com/policies/line-alarms@${DIGEST}`;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'opa-bundle-test-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let fileCount = 0;
function writeBundle(bytes: Uint8Array): string {
  const file = path.join(TMP, `bundle-${fileCount++}.tar.gz`);
  fs.writeFileSync(file, bytes);
  return file;
}

// opaWasmBundle({ revision: '2026-12-01', data: { thresholds: { temperature_max_celsius: 85 } } }), frozen: the snapshots
// hold these bytes and their SHA-256, and another zlib build could compress the same tar differently.
const BUNDLE = Buffer.from('H4sIAAAAAAACA+2WzW6DMBAG3Tep9kxgTYBUfpUoilbgKK6wjbymLUK8e9X00B/1WhK1nstn+eLTaFx0FCl/ZO/Er4GI2FTVZRHx+yLW9cf5cr9rtijuUazAyJGCwFXeukFmiOeg'
  + '+ez7jkHNELUddKA4Bn209HJsdc9mZFAP9bKIxF+jGHxv2il/JrZX81/iV/8llrhN/q8Csb1LGvxf/3NLzpw0x+v1X/7U/yr5v07/g34ybLwDBSWWzUaWG5SQQfA+Mqg9wCGDtzyA2s+gXQzT4I2LoOBEbfRhKqinYPl9IAPru7HXoOBzXGA5'
  + 'pP9DIpFI3A6vmS725AAQAAA=', 'base64');
const BUNDLE_FILE = writeBundle(BUNDLE);

function workload(chart: Chart, id = 'processor', props: { wasiNetworking?: boolean } = {}): WasmDeployment {
  return new WasmDeployment(chart, id, {
    metadata: { name: id },
    wasiNetworking: props.wasiNetworking,
    wasmContainers: [{ name: 'processor', image: 'ghcr.io/acme/processor:2.3.0', command: ['/processor.wasm'] }],
  });
}

function kind(objs: any[], k: string, name?: string): any[] {
  return objs.filter(o => o.kind === k && (name === undefined || o.metadata.name === name));
}

function podSpec(objs: any[], name = 'processor'): any {
  return kind(objs, 'Deployment', name)[0].spec.template;
}

function opaConfigOf(objs: any[], bundleName: string): any {
  return yaml.load(kind(objs, 'ConfigMap', `${bundleName}-opa-config`)[0].data['config.yaml']);
}

const sha256 = (b: Uint8Array | string) => crypto.createHash('sha256').update(b).digest('hex');

describe('OpaBundleSource.fromFile', () => {
  test('reads the bytes now: checksum, size, files, revision and Wasm entrypoints', () => {
    const source = OpaBundleSource.fromFile(BUNDLE_FILE);
    expect(source.type).toBe(OpaBundleSourceType.FILE);
    expect(source.sha256).toBe(sha256(BUNDLE));
    expect(source.sizeBytes).toBe(BUNDLE.length);
    expect(source.files).toEqual(['/.manifest', '/data.json', '/policy.wasm']);
    expect(source.revision).toBe('2026-12-01');
    expect(source.wasmEntrypoints).toEqual(['factory/alarms/alarm']);
    expect(source.filePath).toBe(BUNDLE_FILE);
    // Read at construction: changing the file afterwards changes nothing.
    const file = writeBundle(BUNDLE);
    const early = OpaBundleSource.fromFile(file);
    fs.writeFileSync(file, opaWasmBundle({ revision: 'other' }));
    expect(early.sha256).toBe(sha256(BUNDLE));
  });

  test('a relative path resolves against the working directory', () => {
    const source = OpaBundleSource.fromFile(path.relative(process.cwd(), BUNDLE_FILE));
    expect(source.filePath).toBe(BUNDLE_FILE);
  });

  test('a missing file names the path, how to build it and how relative paths resolve', () => {
    const e = validationErrorOf(() => OpaBundleSource.fromFile(path.join(TMP, 'missing.tar.gz')));
    expect(e.prop).toBe('filePath');
    expect(e.problem).toMatch(/cannot be read .*missing.tar.gz: ENOENT/);
    expect(e.fix).toMatch(/opa build -t wasm -e <package\/rule> -o missing.tar.gz/);
    expect(e.fix).toContain('path.join(__dirname');
  });

  test('a directory is not a bundle file', () => {
    expect(validationErrorOf(() => OpaBundleSource.fromFile(TMP)).problem).toMatch(/is not a file/);
  });

  test.each([
    ['an empty path', ''],
    ['a number', 42 as unknown as string],
  ])('refuses %s', (_what, value) => {
    expect(validationErrorOf(() => OpaBundleSource.fromFile(value)).problem).toBe('is not a file path');
  });

  test('refuses a bundle that does not fit a ConfigMap (1 MiB), pointing at OCI', () => {
    const big = opaWasmBundle({ padding: MAX_CONFIGMAP_BYTES + 10 });
    expect(big.length).toBeGreaterThan(MAX_CONFIGMAP_BYTES);
    const e = validationErrorOf(() => OpaBundleSource.fromFile(writeBundle(big)));
    expect(e.problem).toMatch(new RegExp(`is ${big.length} bytes: a ConfigMap holds at most 1048576 bytes`));
    expect(e.fix).toMatch(/oras push .*application\/vnd.oci.image.layer.v1.tar\+gzip/);
    expect(e.fix).toContain('OpaBundleSource.fromOci(');
  });

  test('a bundle of exactly 1 MiB still fits', () => {
    let padding = MAX_CONFIGMAP_BYTES - 600;
    let bytes = opaWasmBundle({ padding });
    // Incompressible padding: adjust until the gzip is exactly the limit.
    for (let i = 0; i < 20 && bytes.length !== MAX_CONFIGMAP_BYTES; i++) {
      padding += MAX_CONFIGMAP_BYTES - bytes.length;
      bytes = opaWasmBundle({ padding });
    }
    expect(bytes.length).toBe(MAX_CONFIGMAP_BYTES);
    expect(OpaBundleSource.fromFile(writeBundle(bytes)).sizeBytes).toBe(MAX_CONFIGMAP_BYTES);
  });

  test.each([
    ['not a gzip (a plain tar)', tar([{ name: '/policy.wasm', data: 'x' }]), /is not an OPA bundle: it is not gzip data/],
    ['Rego source', Buffer.from('package a\n'), /it is not gzip data/],
    ['a gzip that is not a tar', zlib.gzipSync(Buffer.from('hello world '.repeat(100))), /it is not a tar archive/],
    ['a bundle without a policy', tarGz([{ name: '/data.json', data: '{}' }]), /it holds no policy/],
  ])('refuses %s', (_what, bytes, problem) => {
    const e = validationErrorOf(() => OpaBundleSource.fromFile(writeBundle(bytes)));
    expect(e.problem).toMatch(problem);
    expect(e.fix).toMatch(/opa build -t wasm/);
  });
});

describe('OpaBundleSource.fromOci', () => {
  test('a digest-pinned reference: the digest is the checksum', () => {
    const source = OpaBundleSource.fromOci(REFERENCE);
    expect(source.type).toBe(OpaBundleSourceType.OCI);
    expect(source.sha256).toBe('c0ffee00'.repeat(8));
    expect(source.registryHost).toBe('registry.plant-sz.example.com');
    expect(source.tag).toBeUndefined();
    expect(source.files).toEqual([]);
  });

  test.each([
    ['registry.example.com:5000/policies/alarms:1.2.0', 'registry.example.com:5000', '1.2.0'],
    ['localhost/alarms', 'localhost', 'latest'],
    ['ghcr.io/acme/policies/alarms:v1@' + DIGEST, 'ghcr.io', 'v1'],
  ])('%s: host %s, tag %s', (ref, host, tag) => {
    const source = OpaBundleSource.fromOci(ref);
    expect(source.registryHost).toBe(host);
    expect(source.tag).toBe(tag);
  });

  test.each([
    ['oci://ghcr.io/acme/alarms:1', /starts with a scheme \(oci:\/\/\)/, /pass "ghcr.io\/acme\/alarms:1"/],
    ['https://ghcr.io/acme/alarms:1', /starts with a scheme/, /ghcr.io\/acme\/alarms:1/],
    ['acme/alarms:1', /with a registry host/, /registry.example.com/],
    ['alarms', /with a registry host/, /@sha256/],
    ['ghcr.io/Acme/Alarms:1', /lower-case repository/, /registry.example.com/],
    ['ghcr.io/acme/alarms@sha256:abc', /registry host/, /oras push prints the digest/],
    ['', /is not an OCI reference/, /@sha256/],
  ])('refuses %s', (ref, problem, fix) => {
    const e = validationErrorOf(() => OpaBundleSource.fromOci(ref));
    expect(e.problem).toMatch(problem);
    expect(e.fix).toMatch(fix);
  });

  test.each([
    'robot:s3cr3tpassw0rd@ghcr.io/acme/alarms:1',
    'https://robot:s3cr3tpassw0rd@ghcr.io/acme/alarms:1',
    'robot@ghcr.io/acme/alarms:1',
  ])('refuses credentials inline (%s) without echoing them', ref => {
    const e = validationErrorOf(() => OpaBundleSource.fromOci(ref));
    expect(e.value).toBe('"<redacted>"');
    expect(e.message).not.toContain('s3cr3t');
    expect(e.fix).toContain('OpaRegistryCredentials.fromSecret');
  });
});

describe('OpaBundleSource.fromInline', () => {
  const REGO = 'package factory.alarms\n\nimport rego.v1\n\ndefault alarm := false\n';

  test('one key per file, data.json with sorted keys, .manifest with the revision', () => {
    const source = OpaBundleSource.fromInline({ modules: { 'policy.rego': REGO }, data: { z: 1, a: { y: 2, b: 3 } }, revision: 'r1' });
    expect(source._data).toEqual({
      'policy.rego': REGO,
      'data.json': '{\n  "a": {\n    "b": 3,\n    "y": 2\n  },\n  "z": 1\n}\n',
      '.manifest': '{"revision":"r1"}\n',
    });
    expect(source.files).toEqual(['/.manifest', '/data.json', '/policy.rego']);
    expect(source.revision).toBe('r1');
  });

  test('@default data: no data.json; @default revision: no .manifest', () => {
    const source = OpaBundleSource.fromInline({ modules: { 'policy.rego': REGO } });
    expect(Object.keys(source._data)).toEqual(['policy.rego']);
    expect(source.revision).toBeUndefined();
  });

  test('the checksum covers keys and values and does not depend on key order', () => {
    const a = OpaBundleSource.fromInline({ modules: { 'a.rego': REGO, 'b.rego': REGO }, data: { x: 1, y: 2 } });
    const b = OpaBundleSource.fromInline({ modules: { 'b.rego': REGO, 'a.rego': REGO }, data: { y: 2, x: 1 } });
    const c = OpaBundleSource.fromInline({ modules: { 'a.rego': REGO, 'c.rego': REGO }, data: { x: 1, y: 2 } });
    const d = OpaBundleSource.fromInline({ modules: { 'a.rego': REGO, 'b.rego': REGO }, data: { x: 1, y: 3 } });
    expect(a.sha256).toBe(b.sha256);
    expect(new Set([a.sha256, c.sha256, d.sha256]).size).toBe(3);
  });

  test.each([
    ['no modules', { modules: {} }, 'modules', /at least one Rego module/],
    ['modules not an object', { modules: 'package a' as any }, 'modules', /at least one Rego module/],
    ['a file name without .rego', { modules: { 'policy.txt': REGO } }, 'modules["policy.txt"]', /Rego file name/],
    ['a file name with a slash', { modules: { 'dir/policy.rego': REGO } }, 'modules["dir/policy.rego"]', /ConfigMap key/],
    ['a file name starting with ..', { modules: { '..policy.rego': REGO } }, 'modules["..policy.rego"]', /not starting with/],
    ['a module without package', { modules: { 'policy.rego': 'allow := true' } }, 'modules["policy.rego"]', /no package declaration/],
    ['data that is an array', { modules: { 'p.rego': REGO }, data: [1] as any }, 'data', /not a JSON object/],
    ['NaN in data', { modules: { 'p.rego': REGO }, data: { t: { max: NaN } } }, 'data.t.max', /not a JSON number/],
    ['a function in data', { modules: { 'p.rego': REGO }, data: { f: () => 1 } }, 'data.f', /not a JSON value/],
    ['a multi-line revision', { modules: { 'p.rego': REGO }, revision: 'a\nb' }, 'revision', /single-line/],
  ])('refuses %s', (_what, options, prop, problem) => {
    const e = validationErrorOf(() => OpaBundleSource.fromInline(options as any));
    expect(e.prop).toBe(prop);
    expect(e.problem).toMatch(problem);
  });

  test('refuses cyclic data', () => {
    const data: any = { a: {} };
    data.a.self = data;
    expect(validationErrorOf(() => OpaBundleSource.fromInline({ modules: { 'p.rego': REGO }, data })).problem).toBe('refers to itself');
  });

  test('refuses more than a ConfigMap holds, pointing at OCI', () => {
    const e = validationErrorOf(() => OpaBundleSource.fromInline({ modules: { 'p.rego': REGO + '#'.repeat(MAX_CONFIGMAP_BYTES) } }));
    expect(e.problem).toMatch(/at most 1048576 bytes/);
    expect(e.fix).toContain('OpaBundleSource.fromOci(');
  });
});

describe('OpaBundle with file watch', () => {
  test('snapshot: a ConfigMap with the bundle in binaryData, mounted read-only as a whole directory', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'line-policy', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    bundle.attachTo(workload(chart));
    expect(synthAndValidate(chart)).toMatchSnapshot();
  });

  test('the ConfigMap holds the file bytes and their SHA-256', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'line-policy', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    const [cm] = synthAndValidate(chart);
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toBe('line-policy');
    expect(Buffer.from(cm.binaryData[OPA_BUNDLE_FILE_KEY], 'base64').equals(BUNDLE)).toBe(true);
    expect(cm.data).toBeUndefined();
    expect(cm.metadata.annotations).toEqual({ [OPA_BUNDLE_SHA256_ANNOTATION]: sha256(BUNDLE) });
    expect(bundle.sha256).toBe(sha256(BUNDLE));
    expect(bundle.apiObjects.map(o => o.kind)).toEqual(['ConfigMap']);
  });

  test('attachTo returns what it added; the mount has no subPath (the kubelet updates only whole-directory mounts)', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'line-policy', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    const attachment = bundle.attachTo(workload(chart));
    expect(attachment.mountPath).toBe('/policy');
    expect(attachment.bundlePath).toBe('/policy/bundle.tar.gz');
    expect(attachment.podAnnotations).toEqual({});
    expect(attachment.sidecar).toBeUndefined();
    expect(attachment.volumes.map(v => v.name)).toEqual(['opa-line-policy']);
    const template = podSpec(synthAndValidate(chart));
    expect(template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/policy', name: 'opa-line-policy', readOnly: true }]);
    expect(template.spec.volumes).toEqual([{ name: 'opa-line-policy', configMap: { name: 'line-policy' } }]);
  });

  test('@default rolloutOnChange false: the checksum is only on the ConfigMap, so a new bundle reloads in place', () => {
    const chart = Testing.chart();
    new OpaBundle(chart, 'line-policy', { source: OpaBundleSource.fromFile(BUNDLE_FILE) }).attachTo(workload(chart));
    expect(podSpec(synthAndValidate(chart)).metadata.annotations).toBeUndefined();
  });

  test('rolloutOnChange: the checksum is on the pod template too, so a new bundle rolls the pods', () => {
    const checksumOf = (bytes: Uint8Array) => {
      const chart = Testing.chart();
      new OpaBundle(chart, 'line-policy', { source: OpaBundleSource.fromFile(writeBundle(bytes)), reload: OpaBundleReload.fileWatch({ rolloutOnChange: true }) })
        .attachTo(workload(chart));
      return podSpec(synthAndValidate(chart)).metadata.annotations;
    };
    expect(checksumOf(BUNDLE)).toEqual({ [`${OPA_BUNDLE_POD_ANNOTATION_PREFIX}/line-policy`]: sha256(BUNDLE) });
    const other = opaWasmBundle({ revision: 'next' });
    expect(checksumOf(other)).toEqual({ [`${OPA_BUNDLE_POD_ANNOTATION_PREFIX}/line-policy`]: sha256(other) });
  });

  test('an inline source is a directory bundle: the workload reads the mount directory', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'line-policy', {
      source: OpaBundleSource.fromInline({ modules: { 'policy.rego': 'package a\n' }, data: { t: 1 } }),
      labels: { 'app.kubernetes.io/part-of': 'iiot' },
    });
    const attachment = bundle.attachTo(workload(chart));
    expect(attachment.bundlePath).toBe('/policy');
    const objs = synthAndValidate(chart);
    const [cm] = kind(objs, 'ConfigMap');
    expect(cm.data).toEqual({ 'policy.rego': 'package a\n', 'data.json': '{\n  "t": 1\n}\n' });
    expect(cm.binaryData).toBeUndefined();
    expect(cm.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'iiot' });
    expect(cm.metadata.annotations[OPA_BUNDLE_SHA256_ANNOTATION]).toBe(bundle.sha256);
  });

  test('@default reload: file watch for file and inline sources', () => {
    const chart = Testing.chart();
    expect(new OpaBundle(chart, 'a', { source: OpaBundleSource.fromFile(BUNDLE_FILE) }).reload.type).toBe(OpaReloadType.FILE_WATCH);
    expect(new OpaBundle(chart, 'b', { source: OpaBundleSource.fromInline({ modules: { 'p.rego': 'package p' } }) }).reload.type).toBe(OpaReloadType.FILE_WATCH);
  });

  test('@default bundleName: the construct id; @default labels: none', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    expect(bundle.bundleName).toBe('alarms');
    const [cm] = synthAndValidate(chart);
    expect(cm.metadata.name).toBe('alarms');
    expect(cm.metadata.labels).toBeUndefined();
  });

  test('@default mountPath "/policy", and a mountPath of choice', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    expect(bundle.attachTo(workload(chart, 'a')).mountPath).toBe('/policy');
    expect(bundle.attachTo(workload(chart, 'b'), { mountPath: '/etc/alarms' }).bundlePath).toBe('/etc/alarms/bundle.tar.gz');
    const objs = synthAndValidate(chart);
    expect(podSpec(objs, 'b').spec.containers[0].volumeMounts[0].mountPath).toBe('/etc/alarms');
  });

  test('@default containers: every Wasm container (a Linux sidecar gets no mount); or the containers given', () => {
    const chart = Testing.chart();
    const wd = workload(chart);
    wd.addWasmContainer({ name: 'second', image: 'ghcr.io/acme/second:1.0.0', command: ['/second.wasm'] });
    const linux = wd.addContainer({ name: 'linux', image: 'busybox:1.36' });
    new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromFile(BUNDLE_FILE) }).attachTo(wd);
    new OpaBundle(chart, 'other', { source: OpaBundleSource.fromFile(BUNDLE_FILE) }).attachTo(wd, { containers: [linux], mountPath: '/other' });
    const containers = podSpec(synthAndValidate(chart)).spec.containers;
    expect(containers.map((c: any) => [c.name, (c.volumeMounts ?? []).map((m: any) => m.mountPath)])).toEqual([
      ['processor', ['/policy']], ['second', ['/policy']], ['linux', ['/other']],
    ]);
  });

  test('one bundle on several workloads shares its ConfigMap', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    bundle.attachTo(workload(chart, 'a'));
    bundle.attachTo(workload(chart, 'b'));
    expect(kind(synthAndValidate(chart), 'ConfigMap')).toHaveLength(1);
  });

  test('warns above the client-side apply limit, not below', () => {
    const chart = Testing.chart();
    const small = new OpaBundle(chart, 'small', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    const big = new OpaBundle(chart, 'big', { source: OpaBundleSource.fromFile(writeBundle(opaWasmBundle({ padding: CLIENT_SIDE_APPLY_BUNDLE_BYTES + 100 }))) });
    expect(Warnings.of(small).messages).toEqual([]);
    expect(Warnings.of(big).messages).toEqual([expect.stringMatching(/last-applied-configuration annotation.*kubectl apply --server-side/)]);
    validateObjects(Testing.synth(chart));
  });
});

describe('OpaBundle with the bundle service', () => {
  function ociChart(options: Parameters<typeof OpaBundleReload.bundleService>[0] = {}, wasiNetworking = false) {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'line-alarms', { source: OpaBundleSource.fromOci(REFERENCE), reload: OpaBundleReload.bundleService(options) });
    const attachment = bundle.attachTo(workload(chart, 'processor', { wasiNetworking }));
    return { chart, bundle, attachment, objs: synthAndValidate(chart) };
  }

  test('snapshot: OPA configuration ConfigMap, OPA sidecar, shared emptyDir, registry Secret, egress', () => {
    const chart = Testing.chart();
    const token = kplus.Secret.fromSecretName(chart, 'RegistryToken', 'opa-registry');
    new OpaBundle(chart, 'line-alarms', {
      source: OpaBundleSource.fromOci(REFERENCE),
      reload: OpaBundleReload.bundleService({
        credentials: OpaRegistryCredentials.fromSecret(token), minDelay: Duration.seconds(30), maxDelay: Duration.minutes(5),
      }),
    }).attachTo(workload(chart));
    expect(synthAndValidate(chart)).toMatchSnapshot();
  });

  test('the OPA configuration uses the names, units and defaults OPA reads', () => {
    const { objs, bundle } = ociChart();
    const config = opaConfigOf(objs, 'line-alarms');
    // v1/plugins/bundle/config.go Source{service, resource, persist} + download.Config.polling
    // (v1/download/config.go PollingConfig min_delay_seconds / max_delay_seconds, defaults 60 / 120);
    // v1/plugins/rest/rest.go Config{url, type}; for type oci the resource is the image reference
    // (v1/download/oci_download.go pull(ctx, d.path)).
    expect(config).toEqual({
      bundles: { 'line-alarms': { persist: true, polling: { max_delay_seconds: 120, min_delay_seconds: 60 }, resource: REFERENCE, service: 'registry' } },
      persistence_directory: '/var/opa',
      services: { registry: { type: 'oci', url: 'https://registry.plant-sz.example.com' } },
    });
    expect(bundle.opaConfig).toBe(kind(objs, 'ConfigMap', 'line-alarms-opa-config')[0].data['config.yaml']);
  });

  test('@default minDelay 60 s and maxDelay 120 s (OPA\'s own defaults); given delays in whole seconds', () => {
    expect(opaConfigOf(ociChart().objs, 'line-alarms').bundles['line-alarms'].polling).toEqual({ min_delay_seconds: 60, max_delay_seconds: 120 });
    const polling = opaConfigOf(ociChart({ minDelay: Duration.seconds(10), maxDelay: Duration.minutes(2) }).objs, 'line-alarms').bundles['line-alarms'].polling;
    expect(polling).toEqual({ min_delay_seconds: 10, max_delay_seconds: 120 });
  });

  test('@default persist true', () => {
    expect(opaConfigOf(ociChart().objs, 'line-alarms').bundles['line-alarms'].persist).toBe(true);
  });

  test('@default registryUrl: https:// and the reference\'s registry host; the site\'s registry when given', () => {
    expect(opaConfigOf(ociChart().objs, 'line-alarms').services.registry.url).toBe('https://registry.plant-sz.example.com');
    const mirror = opaConfigOf(ociChart({ registryUrl: 'http://10.0.0.5:5000' }).objs, 'line-alarms').services.registry.url;
    expect(mirror).toBe('http://10.0.0.5:5000');
  });

  test('@default credentials: anonymous (no credentials key, no Secret volume)', () => {
    const { objs, attachment } = ociChart();
    expect(opaConfigOf(objs, 'line-alarms').services.registry.credentials).toBeUndefined();
    expect(attachment.volumes.map(v => v.name)).toEqual(['opa-line-alarms-config', 'opa-line-alarms-data']);
  });

  test('credentials come from a Secret file (token_path), mounted into the sidecar only; @default key "token", scheme "Bearer"', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 'RegistryToken', 'opa-registry');
    const creds = OpaRegistryCredentials.fromSecret(secret);
    expect([creds.key, creds.scheme]).toEqual(['token', 'Bearer']);
    new OpaBundle(chart, 'line-alarms', { source: OpaBundleSource.fromOci(REFERENCE), reload: OpaBundleReload.bundleService({ credentials: creds }) })
      .attachTo(workload(chart));
    const basic = OpaRegistryCredentials.fromSecret(secret, { key: 'basic-auth', scheme: 'Basic' });
    new OpaBundle(chart, 'basic', { source: OpaBundleSource.fromOci(REFERENCE), reload: OpaBundleReload.bundleService({ credentials: basic }) })
      .attachTo(workload(chart, 'other'));
    const objs = synthAndValidate(chart);
    expect(opaConfigOf(objs, 'line-alarms').services.registry.credentials).toEqual({ bearer: { scheme: 'Bearer', token_path: '/var/run/secrets/opa-registry/token' } });
    expect(opaConfigOf(objs, 'basic').services.registry.credentials).toEqual({ bearer: { scheme: 'Basic', token_path: '/var/run/secrets/opa-registry/basic-auth' } });
    const containers = podSpec(objs).spec.containers;
    const mountsOf = (name: string) => containers.find((c: any) => c.name === name).volumeMounts;
    expect(mountsOf('opa-line-alarms')).toContainEqual({ mountPath: '/var/run/secrets/opa-registry', name: 'opa-line-alarms-registry', readOnly: true });
    expect(mountsOf('processor')).toEqual([{ mountPath: '/policy', name: 'opa-line-alarms-data', readOnly: true }]);
    expect(podSpec(objs).spec.volumes).toContainEqual({ name: 'opa-line-alarms-registry', secret: { secretName: 'opa-registry', defaultMode: 0o440 } });
    // Nothing of the token is anywhere but in the Secret reference.
    expect(JSON.stringify(objs)).not.toMatch(/"token":|password/i);
  });

  test('the sidecar: OPA on localhost, its configuration read-only, its data directory shared read-only with the workload', () => {
    const { objs, attachment } = ociChart();
    expect(attachment.bundlePath).toBe('/policy/bundles/line-alarms/bundle.tar.gz');
    expect(attachment.sidecar?.name).toBe('opa-line-alarms');
    const containers = podSpec(objs).spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual(['processor', 'opa-line-alarms']);
    const opa = containers[1];
    expect(opa.image).toBe(OPA_IMAGE);
    expect(opa.args).toEqual(['run', '--server', '--addr=localhost:8181', '--config-file=/etc/opa/config.yaml', '--disable-telemetry']);
    expect(opa.volumeMounts).toEqual([
      { mountPath: '/etc/opa', name: 'opa-line-alarms-config', readOnly: true },
      { mountPath: '/var/opa', name: 'opa-line-alarms-data' },
    ]);
    expect(opa.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(podSpec(objs).spec.volumes).toContainEqual({ name: 'opa-line-alarms-data', emptyDir: { sizeLimit: '256Mi' } });
  });

  test('two bundle services on one workload: two sidecars on their own localhost ports and data directories', () => {
    const chart = Testing.chart();
    const wd = workload(chart);
    const a = new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromOci(REFERENCE) }).attachTo(wd);
    const b = new OpaBundle(chart, 'limits', { source: OpaBundleSource.fromOci(REFERENCE) }).attachTo(wd, { mountPath: '/limits' });
    expect([a.opaUrl, b.opaUrl]).toEqual(['http://localhost:8181', 'http://localhost:8182']);
    expect([a.bundlePath, b.bundlePath]).toEqual(['/policy/bundles/alarms/bundle.tar.gz', '/limits/bundles/limits/bundle.tar.gz']);
    const containers = podSpec(synthAndValidate(chart)).spec.containers;
    expect(containers.map((c: any) => [c.name, c.args?.[2]])).toEqual([
      ['processor', undefined], ['opa-alarms', '--addr=localhost:8181'], ['opa-limits', '--addr=localhost:8182'],
    ]);
    // A file-watch bundle runs no sidecar and reports no OPA URL.
    expect(new OpaBundle(chart, 'file', { source: OpaBundleSource.fromFile(BUNDLE_FILE) }).attachTo(wd, { mountPath: '/file' }).opaUrl).toBeUndefined();
  });

  test('@default opaImage OPA_IMAGE and resources 50m/64Mi requests, 500m/256Mi limits; both overridable', () => {
    const defaults = podSpec(ociChart().objs).spec.containers[1];
    expect(defaults.image).toBe(OPA_IMAGE);
    expect(defaults.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    const own = podSpec(ociChart({
      opaImage: 'registry.plant-sz.example.com/mirror/opa:1.22.3-static',
      resources: { memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
    }).objs).spec.containers[1];
    expect(own.image).toBe('registry.plant-sz.example.com/mirror/opa:1.22.3-static');
    expect(own.resources).toEqual({ requests: { memory: '32Mi' }, limits: { memory: '128Mi' } });
  });

  test('the pod template carries the bundle digest and the configuration checksum: a new digest rolls the pods', () => {
    const { objs } = ociChart();
    const config = kind(objs, 'ConfigMap', 'line-alarms-opa-config')[0];
    expect(podSpec(objs).metadata.annotations).toEqual({
      [`${OPA_BUNDLE_POD_ANNOTATION_PREFIX}/line-alarms`]: 'c0ffee00'.repeat(8),
      [`${OPA_CONFIG_POD_ANNOTATION_PREFIX}/line-alarms`]: sha256(config.data['config.yaml']),
    });
    expect(config.metadata.annotations).toEqual({
      [OPA_BUNDLE_SHA256_ANNOTATION]: 'c0ffee00'.repeat(8),
      [OPA_CONFIG_SHA256_ANNOTATION]: sha256(config.data['config.yaml']),
    });
  });

  test('an isolated workload gets egress to the registry port and DNS; a networked one nothing more', () => {
    const isolated = ociChart().objs;
    const policies = kind(isolated, 'NetworkPolicy');
    const egress = policies.find(p => p.spec.egress);
    expect(egress.spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [{ port: 443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    const mirror = kind(ociChart({ registryUrl: 'http://10.0.0.5:5000' }).objs, 'NetworkPolicy').find(p => p.spec.egress);
    expect(mirror.spec.egress[0].ports[0]).toEqual({ port: 5000, protocol: 'TCP' });
    expect(kind(ociChart({}, true).objs, 'NetworkPolicy')).toEqual([]);
  });

  test('@default reload for an OCI source: the bundle service', () => {
    const chart = Testing.chart();
    expect(new OpaBundle(chart, 'a', { source: OpaBundleSource.fromOci(REFERENCE) }).reload.type).toBe(OpaReloadType.BUNDLE_SERVICE);
  });

  test('warns on a tag (a rollout without a commit), not on a digest', () => {
    const chart = Testing.chart();
    const tagged = new OpaBundle(chart, 'tagged', { source: OpaBundleSource.fromOci('ghcr.io/acme/alarms:1.2.0') });
    const pinned = new OpaBundle(chart, 'pinned', { source: OpaBundleSource.fromOci(REFERENCE) });
    expect(Warnings.of(tagged).messages).toEqual([expect.stringMatching(/is a tag \(1.2.0\).*GitOps diffs.*Fix: pin the digest/)]);
    expect(Warnings.of(pinned).messages).toEqual([]);
    const [cm] = Testing.synth(chart);
    expect(cm.metadata.annotations[OPA_BUNDLE_SHA256_ANNOTATION]).toBeUndefined();
  });

  test.each([
    ['minDelay 0 (a tight loop)', { minDelay: Duration.seconds(0) }, 'reload.minDelay', /whole seconds from 1/],
    ['a fractional minDelay', { minDelay: Duration.millis(1500) }, 'reload.minDelay', /whole seconds/],
    ['a maxDelay beyond a Go duration', { minDelay: Duration.seconds(1), maxDelay: Duration.days(200000) }, 'reload.maxDelay', /whole seconds from 1 to 9223372036/],
    ['maxDelay below minDelay', { minDelay: Duration.minutes(5), maxDelay: Duration.minutes(1) }, 'reload.maxDelay', /max polling delay must be >= min polling delay/],
    ['minDelay above the default maxDelay', { minDelay: Duration.minutes(5) }, 'reload.maxDelay', /shorter than minDelay \(300s\)/],
    ['minDelay not a Duration', { minDelay: 60 as any }, 'reload.minDelay', /whole seconds/],
    ['persist false', { persist: false }, 'reload.persist', /would never see one/],
    ['inline credentials', { credentials: { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } as any }, 'reload.credentials', /never written inline/],
    ['a registry URL with a password', { registryUrl: 'https://robot:hunter2hunter2@ghcr.io' }, 'reload.registryUrl', /user name and password/],
    ['a registry URL with a user', { registryUrl: 'https://robot@ghcr.io' }, 'reload.registryUrl', /carries a user name/],
    ['a registry URL with a token parameter', { registryUrl: 'https://ghcr.io/?token=abcdefgh' }, 'reload.registryUrl', /token or signature parameter/],
    ['a registry URL with a path', { registryUrl: 'https://ghcr.io/v2/' }, 'reload.registryUrl', /no path, query or fragment/],
    ['a registry URL without a scheme', { registryUrl: 'ghcr.io' }, 'reload.registryUrl', /not a registry URL/],
    ['an oci:// registry URL', { registryUrl: 'oci://ghcr.io' }, 'reload.registryUrl', /not a registry URL/],
  ])('refuses %s', (_what, options, prop, problem) => {
    const e = validationErrorOf(() => new OpaBundle(Testing.chart(), 'b', { source: OpaBundleSource.fromOci(REFERENCE), reload: OpaBundleReload.bundleService(options) }));
    expect(e.prop).toBe(prop);
    expect(e.problem).toMatch(problem);
    expect(e.message).not.toMatch(/hunter2|ghp_/);
  });
});

describe('OpaRegistryCredentials.fromSecret', () => {
  test.each([
    ['no secret', () => OpaRegistryCredentials.fromSecret(undefined as any), 'secret'],
    ['a bad key', () => OpaRegistryCredentials.fromSecret(kplus.Secret.fromSecretName(Testing.chart(), 's', 'x'), { key: 'a/b' }), 'key'],
    ['a bad scheme', () => OpaRegistryCredentials.fromSecret(kplus.Secret.fromSecretName(Testing.chart(), 's', 'x'), { scheme: 'Bearer x' }), 'scheme'],
  ])('refuses %s', (_what, fn, prop) => {
    expect(validationErrorOf(fn).prop).toBe(prop);
  });
});

describe('OpaBundle bad input', () => {
  test.each([
    ['no source', { source: undefined as any }, 'source', /not an OpaBundleSource/],
    ['a bundle name that is not a DNS label', { source: OpaBundleSource.fromFile(BUNDLE_FILE), bundleName: 'Line_Policy' }, 'bundleName', /DNS-1123 label/],
    ['a bundle name longer than 40', { source: OpaBundleSource.fromFile(BUNDLE_FILE), bundleName: 'a'.repeat(41) }, 'bundleName', /longer than 40/],
    ['an OCI bundle with file watch', { source: OpaBundleSource.fromOci(REFERENCE), reload: OpaBundleReload.fileWatch() }, 'reload', /not in the cluster/],
    ['a file bundle with the bundle service', { source: OpaBundleSource.fromFile(BUNDLE_FILE), reload: OpaBundleReload.bundleService() }, 'reload', /file:\/\/ resource is read once/],
    ['a label key that is not a qualified name', { source: OpaBundleSource.fromFile(BUNDLE_FILE), labels: { 'bad key': 'x' } }, 'labels key', /is not a label key/],
    ['a reload that is not an OpaBundleReload', { source: OpaBundleSource.fromFile(BUNDLE_FILE), reload: { type: 'file-watch' } as any }, 'reload', /not an OpaBundleReload/],
  ])('refuses %s', (_what, props, prop, problem) => {
    const e = validationErrorOf(() => new OpaBundle(Testing.chart(), 'b', props));
    expect(e.prop).toBe(prop);
    expect(e.problem).toMatch(problem);
  });

  test('two bundles of one name in a chart (one ConfigMap written twice); the same name in another chart is fine', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'a');
    new OpaBundle(chart, 'one', { source: OpaBundleSource.fromFile(BUNDLE_FILE), bundleName: 'alarms' });
    const e = validationErrorOf(() => new OpaBundle(chart, 'two', { source: OpaBundleSource.fromFile(BUNDLE_FILE), bundleName: 'alarms' }));
    expect(e.problem).toMatch(/already the name of another OpaBundle in chart a/);
    new OpaBundle(new Chart(app, 'b'), 'one', { source: OpaBundleSource.fromFile(BUNDLE_FILE), bundleName: 'alarms' });
  });

  test('attaching twice to one workload, a taken mount path, a foreign container, a workload without Wasm containers', () => {
    const chart = Testing.chart();
    const bundle = new OpaBundle(chart, 'alarms', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    const wd = workload(chart);
    bundle.attachTo(wd);
    expect(validationErrorOf(() => bundle.attachTo(wd)).problem).toBe('already has this bundle');
    const other = new OpaBundle(chart, 'other', { source: OpaBundleSource.fromFile(BUNDLE_FILE) });
    expect(validationErrorOf(() => other.attachTo(wd)).problem).toMatch(/already mounts a volume there/);
    const foreign = workload(chart, 'foreign').wasmContainers[0];
    expect(validationErrorOf(() => other.attachTo(wd, { containers: [foreign], mountPath: '/x' })).problem).toMatch(/is not a container of/);
    const empty = new WasmDeployment(chart, 'empty');
    expect(validationErrorOf(() => other.attachTo(empty)).fix).toMatch(/after adding the Wasm containers/);
    expect(validationErrorOf(() => other.attachTo(wd, { mountPath: 'relative' })).prop).toBe('attachTo.mountPath');
    expect(validationErrorOf(() => other.attachTo(new kplus.Deployment(chart, 'plain') as any)).problem).toBe('is not a WasmDeployment');
  });
});

describe('determinism and properties', () => {
  test('the same app synthesizes to the same bytes', () => {
    const build = () => {
      const chart = Testing.chart();
      new OpaBundle(chart, 'a', { source: OpaBundleSource.fromFile(BUNDLE_FILE), reload: OpaBundleReload.fileWatch({ rolloutOnChange: true }) }).attachTo(workload(chart, 'wa'));
      new OpaBundle(chart, 'b', { source: OpaBundleSource.fromOci(REFERENCE) }).attachTo(workload(chart, 'wb'));
      return JSON.stringify(Testing.synth(chart));
    };
    expect(build()).toBe(build());
  });

  test('property: any bundle service props end in valid output or a documented error', () => {
    // cdk8s refuses negative and non-finite Durations itself: only what a Duration can hold.
    const seconds = fc.oneof(nastyNumber([1, 10, 60, 120, 3600]), fc.integer({ min: 1, max: 86400 })).filter(n => Number.isFinite(n) && n >= 0);
    const arb = fc.record({
      bundleName: maybe(nastyString(['alarms', 'line-1', 'a'.repeat(40)])),
      minDelay: maybe(seconds),
      maxDelay: maybe(seconds),
      registryUrl: maybe(nastyString(['https://ghcr.io', 'http://10.0.0.5:5000', 'https://registry.example.com:8443'])),
      mountPath: maybe(nastyString(['/policy', '/etc/opa-bundle'])),
      reference: fc.constantFrom(REFERENCE, 'ghcr.io/acme/alarms:1.0.0', 'localhost:5000/alarms', 'ghcr.io/acme/alarms'),
      wasiNetworking: fc.boolean(),
      credentials: fc.boolean(),
    });
    assertValidOrDocumentedError(arb, (app, v) => {
      const chart = new Chart(app, 'fuzz');
      const secs = (n: number | undefined) => n === undefined ? undefined : Duration.millis(n * 1000);
      const bundle = new OpaBundle(chart, 'bundle', {
        source: OpaBundleSource.fromOci(v.reference),
        bundleName: v.bundleName,
        reload: OpaBundleReload.bundleService({
          minDelay: secs(v.minDelay),
          maxDelay: secs(v.maxDelay),
          registryUrl: v.registryUrl,
          credentials: v.credentials ? OpaRegistryCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'token', 'opa-registry')) : undefined,
        }),
      });
      bundle.attachTo(workload(chart, 'processor', { wasiNetworking: v.wasiNetworking }), { mountPath: v.mountPath });
      const config = yaml.load(bundle.opaConfig!) as any;
      const polling = config.bundles[bundle.bundleName].polling;
      // What OPA's ValidateAndInjectDefaults checks: both set, integers, max >= min.
      const { min_delay_seconds: min, max_delay_seconds: max } = polling;
      if (!(Number.isInteger(min) && Number.isInteger(max) && max >= min && min >= 1)) {
        throw new Error(`bad polling ${JSON.stringify(polling)}`);
      }
    }, { params: fuzzParams({ numRuns: Math.min(Number(process.env.FUZZ_RUNS ?? 300), 300) }) });
  });

  test('property: inline sources end in valid output or a documented error', () => {
    const arb = fc.record({
      names: fc.array(nastyString(['policy.rego', 'alarms.rego', 'a.rego']), { minLength: 0, maxLength: 3 }),
      text: nastyString(['package a\n', 'package factory.alarms\nimport rego.v1\n']),
      data: maybe(fc.jsonValue()),
      revision: maybe(nastyString(['r1', '2026-12-01'])),
      rollout: fc.boolean(),
    });
    assertValidOrDocumentedError(arb, (app, v) => {
      const chart = new Chart(app, 'fuzz');
      const modules: { [name: string]: string } = {};
      for (const n of v.names) modules[n] = v.text;
      new OpaBundle(chart, 'bundle', {
        source: OpaBundleSource.fromInline({ modules, data: v.data as any, revision: v.revision }),
        reload: OpaBundleReload.fileWatch({ rolloutOnChange: v.rollout }),
      }).attachTo(workload(chart));
    }, { params: fuzzParams({ numRuns: Math.min(Number(process.env.FUZZ_RUNS ?? 300), 300) }) });
  });
});
