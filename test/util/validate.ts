/**
 * Schema validation of synthesized manifests, for tests.
 *
 * The goal is to reject what a real API server rejects under
 * `kubectl apply --dry-run=server --validate=strict`, so that a test which
 * passes here produces manifests a cluster will actually accept:
 *
 * - Built-in kinds (v1, apps/v1, node.k8s.io/v1, ...):
 *   - types, required fields and enums come from `kubernetes-models` (its
 *     JSON schemas are generated from the upstream OpenAPI spec);
 *   - unknown fields are found by walking the object against the runtime type
 *     maps of `@kubernetes/client-node` (kubernetes-models' schemas do not set
 *     `additionalProperties: false`, so they accept any extra key);
 *   - a few semantic checks that the API server does in Go code rather than in
 *     the OpenAPI schema (names, labels, port names, quantities), see
 *     SEMANTIC_CHECKS below.
 * - Custom resources: the openAPIV3Schema of the CRDs under ../shared/crds,
 *   made strict the way the API server's pruning + strict decoding is, and
 *   compiled with ajv. Their metadata is checked like a built-in ObjectMeta.
 * - Gatekeeper Constraints (constraints.gatekeeper.sh): the schema Gatekeeper generates from the
 *   ConstraintTemplate of their kind found in the same object list (see constraintKinds below).
 * - Anything else is an error ("no schema for ..."): tests must not emit
 *   kinds that no cluster could accept.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as clientNodeModels from '@kubernetes/client-node/dist/gen/model/models';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { App, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { goPatternToJs } from './go-regex';

/** CRDs shared by all the repositories of the project (repo root is two levels up). */
const CRD_DIR = path.join(__dirname, '../../../shared/crds');

type Segment = string | number;
type Report = (segments: Segment[], message: string) => void;

interface Problem {
  readonly segments: Segment[];
  readonly message: string;
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Every problem found in `objects`, one line each:
 * `[doc <i>] <apiVersion>/<kind> "<name>": <path>: <message>`.
 */
export function validationErrors(objects: any[]): string[] {
  const lines: string[] = [];
  const constraints = constraintKinds(objects);
  objects.forEach((obj, index) => {
    const who = describe(obj);
    for (const p of validateObject(obj, constraints)) {
      lines.push(`[doc ${index}] ${who}: ${formatPath(p.segments)}: ${p.message}`);
    }
  });
  return lines;
}

/** Throws an Error listing every problem if any object is invalid. */
export function validateObjects(objects: any[]): void {
  const errors = validationErrors(objects);
  if (errors.length > 0) {
    throw new Error(
      `${errors.length} Kubernetes validation error(s) in synthesized manifests:\n  ${errors.join('\n  ')}`,
    );
  }
}

/** `Testing.synth(chart)`, validated. Returns the synthesized objects. */
export function synthAndValidate(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  validateObjects(objects);
  return objects;
}

/** Synthesizes every chart of `app` (as YAML, like `cdk8s synth`), validated. */
export function synthAppAndValidate(app: App): any[] {
  const objects = yaml.loadAll(app.synthYaml()).filter((doc) => doc !== null && doc !== undefined);
  validateObjects(objects);
  return objects;
}

// ---------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------

function validateObject(obj: any, constraints: ConstraintKinds = new Map()): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (segments, message) => problems.push({ segments, message });

  if (!isPlainObject(obj)) {
    report([], `expected a Kubernetes object, got ${JSON.stringify(obj)}`);
    return problems;
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') report(['apiVersion'], 'required field missing');
  if (typeof kind !== 'string' || kind === '') report(['kind'], 'required field missing');
  if (problems.length > 0) return problems;

  const core = coreModel(apiVersion, kind);
  if (typeof core === 'string') {
    report([], core);
    return problems;
  } else if (core) {
    validateCore(obj, core, report);
  } else if (apiVersion.startsWith(`${CONSTRAINT_GROUP}/`) && constraints.has(kind)) {
    validateConstraint(obj, constraints.get(kind)!, report);
  } else {
    const crd = crdValidator(apiVersion, kind);
    if (crd) {
      validateCustomResource(obj, crd, report);
    } else {
      report([], `no schema for ${apiVersion}/${kind}`);
      return problems;
    }
  }
  checkObjectName(obj, report);
  return problems;
}

// ---------------------------------------------------------------------------
// Built-in kinds
// ---------------------------------------------------------------------------

interface CoreModel {
  /** kubernetes-models class: `new Model(obj).validate()` throws on schema errors. */
  readonly model: new (data: any) => { validate(): void };
  /** @kubernetes/client-node class name, e.g. `V1Deployment`. */
  readonly typeName: string;
}

// @kubernetes/client-node's model classes, looked up by name (V1Deployment, ...).
const CLIENT_MODELS: Record<string, any> = clientNodeModels;

/**
 * kubernetes-models' own ObjectMeta class lives in its dependency
 * @kubernetes-models/apimachinery; resolve it from kubernetes-models so we do
 * not depend on how npm hoisted it.
 */
// The module path is resolved at run time relative to kubernetes-models, so this cannot be a static import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ObjectMetaModel: new (data: any) => { validate(): void } = require(require.resolve(
  '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta',
  { paths: [path.dirname(require.resolve('kubernetes-models'))] },
)).ObjectMeta;

/** A built-in model, an error message (built-in group, but not servable), or undefined (not built in). */
type CoreLookup = CoreModel | string | undefined;

const coreModelCache = new Map<string, CoreLookup>();

function coreModel(apiVersion: string, kind: string): CoreLookup {
  const key = `${apiVersion}/${kind}`;
  if (!coreModelCache.has(key)) coreModelCache.set(key, loadCoreModel(apiVersion, kind));
  return coreModelCache.get(key);
}

function loadCoreModel(apiVersion: string, kind: string): CoreLookup {
  let groupVersionModule: Record<string, any>;
  try {
    // The core group is `kubernetes-models/v1`, others `kubernetes-models/<group>/<version>`.
    // Lazy, computed module path (one module per group/version): a static import is not possible.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    groupVersionModule = require(`kubernetes-models/${apiVersion}`);
  } catch {
    return undefined; // not a built-in group/version: maybe a CRD
  }
  // Top-level kinds have static apiVersion/kind; nested types (Container, ...) do not.
  const model = groupVersionModule[kind];
  if (typeof model !== 'function' || model.kind !== kind || model.apiVersion !== apiVersion) {
    return `no schema for ${apiVersion}/${kind}`;
  }

  // client-node names classes <Version><Kind> (V1Deployment, V2HorizontalPodAutoscaler,
  // V1beta1...), except where two groups share a kind name at one version, where it
  // prefixes the group: CoreV1Event (v1) vs EventsV1Event (events.k8s.io/v1).
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupPrefix = group === '' ? 'Core' : capitalize(group.split('.')[0]);
  const candidates = [`${groupPrefix}${capitalize(version)}${kind}`, `${capitalize(version)}${kind}`];
  const typeName = candidates.find((name) => typeof CLIENT_MODELS[name]?.getAttributeTypeMap === 'function');
  if (!typeName) {
    // kubernetes-models also knows APIs that a Kubernetes 1.30 API server (the version of
    // @kubernetes/client-node and cdk8s-plus-30) does not serve: removed betas
    // (extensions/v1beta1, policy/v1beta1 PodSecurityPolicy...) or newer GA kinds.
    return `no schema for ${apiVersion}/${kind}: not served by Kubernetes 1.30`;
  }
  return { model, typeName };
}

function validateCore(obj: any, core: CoreModel, report: Report): void {
  runModelValidation(obj, () => new core.model(obj).validate(), report);
  checkKnownFields(obj, core.typeName, [], report);
}

/** Runs a kubernetes-models validate() and converts its ajv errors to problems. */
function runModelValidation(data: any, validate: () => void, report: Report, prefix: Segment[] = []): void {
  try {
    validate();
  } catch (e: any) {
    if (Array.isArray(e?.errors)) {
      reportAjvErrors(data, e.errors, report, prefix);
    } else {
      report(prefix, `validation failed: ${e?.message ?? e}`);
    }
  }
}

// --- unknown fields ----------------------------------------------------------

/**
 * client-node types that are leaves for the walk (their values are type-checked by
 * kubernetes-models). V1MicroTime (Event/Lease timestamps) is a Date subclass
 * declared outside the model map.
 */
const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'V1MicroTime', 'IntOrString', 'object', 'any']);

const attributeCache = new Map<string, Map<string, string>>();

/** baseName (the JSON key) → type, for a client-node class. */
function attributesOf(typeName: string): Map<string, string> {
  let attrs = attributeCache.get(typeName);
  if (!attrs) {
    const list: Array<{ baseName: string; type: string }> = CLIENT_MODELS[typeName].getAttributeTypeMap();
    attrs = new Map(list.map((a) => [a.baseName, a.type]));
    attributeCache.set(typeName, attrs);
  }
  return attrs;
}

/**
 * Reports every key that is not a field of the expected client-node type,
 * recursing into nested classes, arrays (`Array<T>`) and maps
 * (`{ [key: string]: T; }`). `object`/`any` fields (RawExtension, JSON) accept
 * anything, as on the API server. Values of the wrong shape are skipped:
 * kubernetes-models already reports the type error. Also runs the semantic
 * checks registered for each type.
 */
function checkKnownFields(value: unknown, type: string, segments: Segment[], report: Report): void {
  if (value === null || value === undefined) return;

  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => checkKnownFields(item, array[1], [...segments, i], report));
    return;
  }
  const map = /^\{ \[key: string\]: (.+?);? \}$/.exec(type);
  if (map) {
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) checkKnownFields(v, map[1], [...segments, k], report);
    }
    return;
  }
  if (LEAF_TYPES.has(type)) return;
  if (typeof CLIENT_MODELS[type]?.getAttributeTypeMap !== 'function') {
    throw new Error(`validate.ts: unexpected @kubernetes/client-node type "${type}" at ${formatPath(segments)}`);
  }
  if (!isPlainObject(value)) return;

  SEMANTIC_CHECKS[type]?.(value, segments, report);
  const attrs = attributesOf(type);
  for (const [k, v] of Object.entries(value)) {
    const fieldType = attrs.get(k);
    if (fieldType === undefined) {
      report([...segments, k], `unknown field "${k}"`);
    } else {
      checkKnownFields(v, fieldType, [...segments, k], report);
    }
  }
}

// ---------------------------------------------------------------------------
// Semantic checks the API server does in code (not expressible in OpenAPI)
// ---------------------------------------------------------------------------

// k8s.io/apimachinery/pkg/util/validation
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IANA_SVC_NAME_HAS_LETTER = /[a-z]/;
// k8s.io/apimachinery/pkg/api/resource/quantity.go:
//   <signedNumber><suffix>; number = digits | digits.digits | digits. | .digits;
//   suffix = Ki|Mi|Gi|Ti|Pi|Ei | m|""|k|M|G|T|P|E | (e|E)<signed integer>
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;
/** apimachinery TotalAnnotationSizeLimitB */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function dns1123Label(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(value)) return 'must be a DNS-1123 label (lowercase alphanumerics and "-", starting and ending with an alphanumeric)';
  return undefined;
}

function dns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(value)) return 'must be a DNS-1123 subdomain (lowercase alphanumerics, "-" and ".", starting and ending with an alphanumeric)';
  return undefined;
}

/** IsQualifiedName: label and annotation keys, `[prefix/]name`. */
function qualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const prefixError = parts[0] === '' ? 'prefix part must be non-empty' : dns1123Subdomain(parts[0]);
    if (prefixError) return `prefix part ${prefixError}`;
    name = parts[1];
  } else if (parts.length > 2) {
    return 'must be a qualified name: an optional DNS subdomain prefix and "/", then a name';
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME_PART.test(name)) return 'name part must consist of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  return undefined;
}

function labelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) return 'must be empty or alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  return undefined;
}

/** IsValidPortName (IANA_SVC_NAME, RFC 6335). */
function ianaSvcName(value: string): string | undefined {
  if (value.length > 15) return 'must be no more than 15 characters (IANA_SVC_NAME)';
  if (!IANA_SVC_NAME.test(value)) return 'must be an IANA_SVC_NAME (lowercase alphanumerics and "-", starting and ending with an alphanumeric)';
  if (value.includes('--')) return 'must not contain consecutive hyphens (IANA_SVC_NAME)';
  if (!IANA_SVC_NAME_HAS_LETTER.test(value)) return 'must contain at least one letter (IANA_SVC_NAME)';
  return undefined;
}

/** resource.ParseQuantity + ValidateNonnegativeQuantity (numbers are valid JSON for a Quantity). */
function quantity(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : 'must be a non-negative quantity';
  if (typeof value !== 'string') return undefined; // type error, reported by the schema
  if (!QUANTITY.test(value)) return `"${value}" is not a valid quantity (e.g. "500m", "128Mi", "1.5")`;
  if (value.startsWith('-') && /[1-9]/.test(value.replace(/[eE].*$/, ''))) return 'must be greater than or equal to 0';
  return undefined;
}

function checkEach(map: unknown, segments: Segment[], report: Report, checkKey?: (k: string) => string | undefined,
  checkValue?: (v: unknown) => string | undefined): void {
  if (!isPlainObject(map)) return;
  for (const [k, v] of Object.entries(map)) {
    const keyError = checkKey?.(k);
    if (keyError) report([...segments, k], `invalid key: ${keyError}`);
    const valueError = checkValue?.(v);
    if (valueError) report([...segments, k], `invalid value ${JSON.stringify(v)}: ${valueError}`);
  }
}

const asLabelValue = (v: unknown) => (typeof v === 'string' ? labelValue(v) : undefined);

/**
 * Checks run on every object of the given client-node type, wherever it is
 * nested. Each mirrors a check of k8s.io/kubernetes/pkg/apis/core/validation
 * (or apimachinery's ObjectMeta/LabelSelector validation).
 */
const SEMANTIC_CHECKS: Record<string, (value: any, segments: Segment[], report: Report) => void> = {
  // ValidateObjectMeta: label keys are qualified names, values label values; annotation
  // keys are qualified names (checked lowercased) and all annotations total ≤ 256 KiB;
  // namespace is a DNS-1123 label. (The name rule depends on the kind: checkObjectName.)
  V1ObjectMeta: (meta, segments, report) => {
    checkEach(meta.labels, [...segments, 'labels'], report, qualifiedName, asLabelValue);
    checkEach(meta.annotations, [...segments, 'annotations'], report, (k) => qualifiedName(k.toLowerCase()));
    if (isPlainObject(meta.annotations)) {
      const size = Object.entries(meta.annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
      if (size > TOTAL_ANNOTATION_SIZE_LIMIT) report([...segments, 'annotations'], `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`);
    }
    if (typeof meta.namespace === 'string') {
      const error = dns1123Label(meta.namespace);
      if (error) report([...segments, 'namespace'], error);
    }
  },
  // ValidateLabelSelector: matchLabels are labels; matchExpressions keys are qualified names.
  V1LabelSelector: (selector, segments, report) => {
    checkEach(selector.matchLabels, [...segments, 'matchLabels'], report, qualifiedName, asLabelValue);
    if (Array.isArray(selector.matchExpressions)) {
      selector.matchExpressions.forEach((expr: any, i: number) => {
        const error = typeof expr?.key === 'string' ? qualifiedName(expr.key) : undefined;
        if (error) report([...segments, 'matchExpressions', i, 'key'], error);
      });
    }
  },
  // validateContainers: container names are DNS-1123 labels; image is required in a
  // pod (the OpenAPI schema marks it optional for higher-level config management)
  // and may not have leading/trailing whitespace.
  V1Container: (container, segments, report) => {
    const error = typeof container.name === 'string' ? dns1123Label(container.name) : undefined;
    if (error) report([...segments, 'name'], error);
    if (container.image === undefined || container.image === '') {
      report([...segments, 'image'], 'required field missing');
    } else if (typeof container.image === 'string' && container.image.trim() !== container.image) {
      report([...segments, 'image'], 'must not have leading or trailing whitespace');
    }
  },
  // validateContainerPorts: port names are IANA_SVC_NAMEs.
  V1ContainerPort: (port, segments, report) => {
    const error = typeof port.name === 'string' ? ianaSvcName(port.name) : undefined;
    if (error) report([...segments, 'name'], error);
  },
  // validateServicePort: names are DNS-1123 labels (not IANA_SVC_NAME!), required and
  // unique when there is more than one port; a string targetPort is an IANA_SVC_NAME.
  V1ServiceSpec: (spec, segments, report) => {
    if (!Array.isArray(spec.ports)) return;
    const seen = new Set<string>();
    spec.ports.forEach((port: any, i: number) => {
      if (!isPlainObject(port)) return;
      const at = [...segments, 'ports', i];
      if (port.name === undefined || port.name === '') {
        if (spec.ports.length > 1) report([...at, 'name'], 'required field missing (a Service with several ports must name them)');
      } else if (typeof port.name === 'string') {
        const error = dns1123Label(port.name);
        if (error) report([...at, 'name'], error);
        if (seen.has(port.name)) report([...at, 'name'], `duplicate port name "${port.name}"`);
        seen.add(port.name);
      }
      if (typeof port.targetPort === 'string') {
        const error = ianaSvcName(port.targetPort);
        if (error) report([...at, 'targetPort'], error);
      }
    });
  },
  // ValidateResourceRequirements: quantities parse and are non-negative.
  V1ResourceRequirements: (resources, segments, report) => {
    checkEach(resources.limits, [...segments, 'limits'], report, undefined, quantity);
    checkEach(resources.requests, [...segments, 'requests'], report, undefined, quantity);
  },
  // RuntimeClass overhead (validateOverhead): same quantity rules.
  V1Overhead: (overhead, segments, report) => {
    checkEach(overhead.podFixed, [...segments, 'podFixed'], report, undefined, quantity);
  },
};

/**
 * metadata.name: required (unless generateName), and a DNS-1123 subdomain except
 * where the API server uses another rule: RBAC objects take path-segment names
 * (e.g. "system:auth-delegator"), Services DNS-1035 labels, Namespaces DNS-1123 labels.
 */
function checkObjectName(obj: any, report: Report): void {
  const meta = obj.metadata;
  if (!isPlainObject(meta)) {
    report(['metadata'], 'required field missing');
    return;
  }
  const name = meta.name;
  if (name === undefined || name === '') {
    if (!meta.generateName) report(['metadata', 'name'], 'required field missing');
    return;
  }
  if (typeof name !== 'string') return; // type error, reported by the schema

  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  let error: string | undefined;
  if (group === 'rbac.authorization.k8s.io') {
    if (name === '.' || name === '..' || /[/%]/.test(name)) error = 'must be a valid path segment name (no "/" or "%", not "." or "..")';
  } else if (group === '' && obj.kind === 'Service') {
    if (name.length > 63) error = 'must be no more than 63 characters';
    else if (!DNS1035_LABEL.test(name)) error = 'must be a DNS-1035 label (lowercase alphanumerics and "-", starting with a letter)';
  } else if (group === '' && obj.kind === 'Namespace') {
    error = dns1123Label(name);
  } else {
    error = dns1123Subdomain(name);
  }
  if (error) report(['metadata', 'name'], error);
}

// ---------------------------------------------------------------------------
// Custom resources
// ---------------------------------------------------------------------------

interface CrdVersion {
  readonly file: string;
  readonly schema: any;
}

let crdIndex: Map<string, CrdVersion> | undefined;
const crdValidators = new Map<string, ValidateFunction>();

/** `<group>/<version>/<kind>` → schema of every served version of every CRD under CRD_DIR. */
function loadCrdIndex(): Map<string, CrdVersion> {
  if (crdIndex) return crdIndex;
  const index = new Map<string, CrdVersion>();
  for (const file of listYamlFiles(CRD_DIR)) {
    for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8')) as any[]) {
      if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec) continue;
      const { group, names, versions } = doc.spec;
      for (const version of versions ?? []) {
        if (!version.served) continue;
        const key = `${group}/${version.name}/${names.kind}`;
        // A version without a schema keeps everything (preserveUnknownFields).
        const schema = version.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true };
        if (!index.has(key)) index.set(key, { file, schema });
      }
    }
  }
  crdIndex = index;
  return index;
}

function listYamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`validate.ts: CRD directory ${dir} not found`);
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listYamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    });
}

/**
 * Formats the API server checks for CRDs and that appear in our CRDs. Others
 * (int32, int64, int-or-string, ...) are not validated by the API server
 * either, so they are dropped from the schemas.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv, ['date-time', 'date', 'ipv4', 'ipv6', 'uuid']);
ajv.addFormat('byte', BASE64);
const CHECKED_FORMATS = new Set(['date-time', 'date', 'ipv4', 'ipv6', 'uuid', 'byte']);

/** The compiled validator of a custom resource kind, or undefined if no CRD defines it. */
function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  let validate = crdValidators.get(key);
  if (!validate) {
    const crd = loadCrdIndex().get(key);
    if (!crd) return undefined;
    try {
      validate = ajv.compile(strictRootSchema(crd.schema));
    } catch (e: any) {
      throw new Error(`validate.ts: cannot compile schema of ${key} from ${crd.file}: ${e.message}`);
    }
    crdValidators.set(key, validate);
  }
  return validate;
}

function validateCustomResource(obj: any, validate: ValidateFunction, report: Report): void {
  if (!validate(obj)) reportAjvErrors(obj, validate.errors ?? [], report);
  // The API server validates CR metadata as ObjectMeta, whatever the CRD schema says.
  if (obj.metadata !== undefined) {
    runModelValidation(obj.metadata, () => new ObjectMetaModel(obj.metadata).validate(), report, ['metadata']);
    checkKnownFields(obj.metadata, 'V1ObjectMeta', ['metadata'], report);
  }
}

/**
 * The root of a CR: apiVersion, kind and metadata are always allowed (CRD schemas
 * may only restrict metadata.name/generateName, and often omit them); metadata is
 * checked separately as ObjectMeta.
 */
function strictRootSchema(schema: any): any {
  const root = toStrictSchema(schema, true);
  if (root.additionalProperties === false || root.properties) {
    root.properties = {
      ...root.properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
    };
  }
  return root;
}

/**
 * Converts a structural CRD schema (OpenAPI v3 + x-kubernetes-* extensions) to
 * a JSON schema ajv can check, with the API server's semantics:
 *
 * - pruning + strict decoding: an object node without
 *   `x-kubernetes-preserve-unknown-fields: true` or `additionalProperties`
 *   rejects every field not in `properties` → `additionalProperties: false`.
 *   Only for nodes of the structural skeleton (properties/items/
 *   additionalProperties): inside allOf/anyOf/oneOf/not, `properties` are pure
 *   value validations and must not reject other fields;
 * - `x-kubernetes-int-or-string: true` → integer or string;
 * - `x-kubernetes-embedded-resource: true` → apiVersion/kind/metadata allowed;
 * - `nullable: true` → null allowed. (Without it the API server silently prunes
 *   nulls; we reject them, as a null in our output is a construct bug.)
 * - OpenAPI v3.0 boolean `exclusiveMinimum/Maximum` → draft-07 numbers;
 * - other x-kubernetes-* keywords (list types, CEL validations) and unchecked
 *   formats are dropped; description/default/example are irrelevant.
 */
function toStrictSchema(node: any, structural: boolean): any {
  if (!isPlainObject(node)) return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'default' || k === 'example' || k === 'nullable') continue;
    if (k === 'format' && !CHECKED_FORMATS.has(v as string)) continue;
    out[k] = k === 'pattern' && typeof v === 'string' ? goPatternToJs(v) : v;
  }

  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, toStrictSchema(v, structural)]),
    );
  }
  if (node.items) {
    out.items = Array.isArray(node.items)
      ? node.items.map((item: any) => toStrictSchema(item, structural))
      : toStrictSchema(node.items, structural);
  }
  if (isPlainObject(node.additionalProperties)) {
    out.additionalProperties = toStrictSchema(node.additionalProperties, structural);
  }
  for (const junctor of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(node[junctor])) out[junctor] = node[junctor].map((s: any) => toStrictSchema(s, false));
  }
  if (node.not) out.not = toStrictSchema(node.not, false);

  for (const bound of ['Minimum', 'Maximum'] as const) {
    if (node[`exclusive${bound}`] === true) {
      out[`exclusive${bound}`] = node[bound.toLowerCase()];
      delete out[bound.toLowerCase()];
    } else if (node[`exclusive${bound}`] === false) {
      delete out[`exclusive${bound}`];
    }
  }

  if (node['x-kubernetes-int-or-string'] === true && out.type === undefined && out.anyOf === undefined) {
    out.type = ['integer', 'string'];
  }

  if (node['x-kubernetes-embedded-resource'] === true && out.properties) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...out.properties,
    };
  }

  const isObject = out.type === 'object' || out.properties !== undefined;
  if (structural && isObject && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }

  if (node.nullable === true) return allowNull(out);
  return out;
}

function allowNull(schema: any): any {
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    const types = new Set([schema.type].flat());
    if (schema.anyOf || schema.oneOf) return { anyOf: [{ type: 'null' }, schema] };
    types.add('null');
    const out = { ...schema, type: [...types] };
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return schema.anyOf || schema.oneOf || schema.enum ? { anyOf: [{ type: 'null' }, schema] } : schema;
}

// ---------------------------------------------------------------------------
// Gatekeeper Constraints (kinds that a ConstraintTemplate creates)
// ---------------------------------------------------------------------------

/**
 * Gatekeeper creates one CRD per ConstraintTemplate, in this group (frameworks
 * constraint/pkg/apis/constraints). Its kinds are not in ../shared/crds: a Constraint is validated
 * against the CRD that Gatekeeper would generate from the template found in the same object list.
 */
const CONSTRAINT_GROUP = 'constraints.gatekeeper.sh';
/** Served versions of a generated Constraint CRD (frameworks constraint/pkg/client/crds/crds.go:52-63, Gatekeeper v3.23.0's pin e1eaa1bf6d62). */
const CONSTRAINT_VERSIONS = new Set(['v1beta1', 'v1alpha1']);
const TEMPLATE_API_VERSIONS = new Set(['templates.gatekeeper.sh/v1', 'templates.gatekeeper.sh/v1beta1', 'templates.gatekeeper.sh/v1alpha1']);

/**
 * The schema of a Constraint's spec.match: `embeddedMatch` of the match CRD generated from
 * pkg/mutation/match/match_types.go (open-policy-agent/gatekeeper v3.23.0 pkg/target/matchcrd_constant.go,
 * read by pkg/target/match_schema.go:36), descriptions dropped.
 */
const GATEKEEPER_MATCH_SCHEMA: any = (() => {
  const glob = { type: 'string', pattern: '^\\*?[-:a-z0-9]*\\*?$' };
  const selector = {
    'type': 'object',
    'x-kubernetes-map-type': 'atomic',
    'properties': {
      matchExpressions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'operator'],
          properties: { key: { type: 'string' }, operator: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } },
        },
      },
      matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };
  return {
    type: 'object',
    properties: {
      excludedNamespaces: { type: 'array', items: glob },
      kinds: {
        type: 'array',
        items: {
          type: 'object',
          properties: { apiGroups: { type: 'array', items: { type: 'string' } }, kinds: { type: 'array', items: { type: 'string' } } },
        },
      },
      labelSelector: selector,
      name: glob,
      namespaceSelector: selector,
      namespaces: { type: 'array', items: glob },
      scope: { type: 'string' },
      source: { type: 'string', enum: ['All', 'Generated', 'Original'] },
    },
  };
})();

/** Kind → the compiled schema of its Constraints, or why Gatekeeper makes no CRD for it. */
type ConstraintKinds = Map<string, ValidateFunction | string>;
/** Compiled Constraint schemas by their JSON (tests validate the same templates many times). */
const constraintValidators = new Map<string, ValidateFunction>();

/**
 * The Constraint kinds the ConstraintTemplates among `objects` create. Gatekeeper refuses a template
 * whose name is not its kind in lowercase (frameworks constraint/pkg/client/client.go:928-941,
 * validateTemplateMetadata), and the API server a CRD whose lowercase kind (the plural) is not a
 * DNS-1035 label (apiextensions ValidateCustomResourceDefinitionNames).
 */
function constraintKinds(objects: any[]): ConstraintKinds {
  const out: ConstraintKinds = new Map();
  for (const obj of objects) {
    if (!isPlainObject(obj) || obj.kind !== 'ConstraintTemplate' || !TEMPLATE_API_VERSIONS.has(obj.apiVersion)) continue;
    const kind = obj.spec?.crd?.spec?.names?.kind;
    if (typeof kind !== 'string' || kind === '') continue;
    const name = obj.metadata?.name;
    if (typeof name !== 'string' || name.toLowerCase() !== kind.toLowerCase()) {
      out.set(kind, `ConstraintTemplate "${name}" is not named after its kind: Gatekeeper requires the name "${kind.toLowerCase()}" and creates no CRD`);
      continue;
    }
    const plural = kind.toLowerCase();
    if (plural.length > 63 || !DNS1035_LABEL.test(plural)) {
      out.set(kind, `kind "${kind}" lowercased must be a DNS-1035 label of at most 63 characters (the plural of Gatekeeper's CRD): no CRD is created`);
      continue;
    }
    const root = constraintRootSchema(obj);
    const key = JSON.stringify(root);
    let validate = constraintValidators.get(key);
    if (!validate) {
      validate = ajv.compile(root);
      constraintValidators.set(key, validate);
    }
    out.set(kind, validate);
  }
  return out;
}

/**
 * The schema Gatekeeper generates for a template's Constraints (frameworks
 * constraint/pkg/client/crds/schema.go:11-65, CreateSchema): spec.match, enforcementAction,
 * scopedEnforcementActions, and spec.parameters from the template's openAPIV3Schema. With
 * `legacySchema` (the default of v1beta1 and v1alpha1 templates, false for v1: the template CRD's
 * defaults), every object and array of the parameters keeps unknown fields
 * (constraint/pkg/apis/templates/v1/conversion.go:30-45, schema/transform.go AddPreserveUnknownFields).
 */
function constraintRootSchema(template: any): any {
  const validation = template.spec?.crd?.spec?.validation;
  const legacy = validation?.legacySchema ?? template.apiVersion !== 'templates.gatekeeper.sh/v1';
  let parameters = validation?.openAPIV3Schema;
  if (legacy && parameters === undefined) parameters = {};
  if (legacy) parameters = preserveUnknownFields(JSON.parse(JSON.stringify(parameters)));
  const spec: any = {
    type: 'object',
    properties: {
      match: GATEKEEPER_MATCH_SCHEMA,
      enforcementAction: { type: 'string' },
      scopedEnforcementActions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            action: { type: 'string' },
            enforcementPoints: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
          },
        },
      },
    },
  };
  if (parameters !== undefined) spec.properties.parameters = parameters;
  const root = toStrictSchema({ type: 'object', properties: { spec, status: { 'x-kubernetes-preserve-unknown-fields': true } } }, true);
  root.properties.apiVersion = { type: 'string' };
  root.properties.kind = { type: 'string' };
  // The generated CRD limits metadata.name to 63 characters; the rest of metadata is ObjectMeta.
  root.properties.metadata = { type: 'object', properties: { name: { type: 'string', maxLength: 63 } } };
  return root;
}

function preserveUnknownFields(node: any): any {
  if (!isPlainObject(node)) return node;
  if (node.type === undefined || node.type === '' || node.type === 'object') node['x-kubernetes-preserve-unknown-fields'] = true;
  if (node.type === 'array' && node.items === undefined) node.items = { 'x-kubernetes-preserve-unknown-fields': true };
  for (const v of Object.values(node.properties ?? {})) preserveUnknownFields(v);
  if (isPlainObject(node.items)) preserveUnknownFields(node.items);
  if (isPlainObject(node.additionalProperties)) preserveUnknownFields(node.additionalProperties);
  return node;
}

/**
 * Gatekeeper's admission webhook for Constraints refuses an enforcementAction other than deny,
 * dryrun, warn or scoped, and scoped actions with unknown actions or enforcement points
 * (gatekeeper v3.23.0 pkg/webhook/policy.go:445-469, pkg/util/enforcement_action.go:15-105).
 */
const ENFORCEMENT_ACTIONS = new Set(['deny', 'dryrun', 'warn', 'scoped']);
const SCOPED_ACTIONS = new Set(['deny', 'dryrun', 'warn']);
const ENFORCEMENT_POINTS = new Set(['validation.gatekeeper.sh', 'audit.gatekeeper.sh', 'gator.gatekeeper.sh', 'vap.k8s.io', '*']);

/**
 * Gatekeeper's webhook also refuses a Constraint whose match selectors do not pass apimachinery's
 * ValidateLabelSelector (gatekeeper v3.23.0 pkg/target/target.go:185-219): qualified keys and label
 * values, and operators In/NotIn with values, Exists/DoesNotExist without (ValidateLabelSelectorRequirement).
 */
function checkConstraintSelector(selector: any, segments: Segment[], report: Report): void {
  if (!isPlainObject(selector)) return;
  SEMANTIC_CHECKS.V1LabelSelector(selector, segments, report);
  if (!Array.isArray(selector.matchExpressions)) return;
  selector.matchExpressions.forEach((expr: any, i: number) => {
    if (!isPlainObject(expr)) return;
    const at = [...segments, 'matchExpressions', i];
    const values = Array.isArray(expr.values) ? expr.values : [];
    if (expr.operator === 'In' || expr.operator === 'NotIn') {
      if (values.length === 0) report([...at, 'values'], `must be specified when operator is ${expr.operator}`);
    } else if (expr.operator === 'Exists' || expr.operator === 'DoesNotExist') {
      if (values.length > 0) report([...at, 'values'], `may not be specified when operator is ${expr.operator}`);
    } else if (typeof expr.operator === 'string') {
      report([...at, 'operator'], `not a valid selector operator: ${JSON.stringify(expr.operator)} (In, NotIn, Exists, DoesNotExist)`);
    }
    values.forEach((v: unknown, j: number) => {
      const error = typeof v === 'string' ? labelValue(v) : undefined;
      if (error) report([...at, 'values', j], error);
    });
  });
}

function validateConstraint(obj: any, schema: ValidateFunction | string, report: Report): void {
  const version = String(obj.apiVersion).split('/')[1];
  if (!CONSTRAINT_VERSIONS.has(version)) {
    report(['apiVersion'], `Gatekeeper serves Constraints as ${[...CONSTRAINT_VERSIONS].map(v => `${CONSTRAINT_GROUP}/${v}`).join(' and ')}`);
    return;
  }
  if (typeof schema === 'string') {
    report([], schema);
    return;
  }
  validateCustomResource(obj, schema, report);
  for (const selector of ['labelSelector', 'namespaceSelector']) checkConstraintSelector(obj.spec?.match?.[selector], ['spec', 'match', selector], report);
  const action = obj.spec?.enforcementAction;
  if (typeof action === 'string' && action !== '' && !ENFORCEMENT_ACTIONS.has(action)) {
    report(['spec', 'enforcementAction'], `unsupported value ${JSON.stringify(action)}: Gatekeeper takes one of ${[...ENFORCEMENT_ACTIONS].join(', ')}`);
  }
  if (action === 'scoped') {
    const scoped = obj.spec?.scopedEnforcementActions;
    if (!Array.isArray(scoped)) {
      report(['spec', 'scopedEnforcementActions'], 'required field missing (enforcementAction is scoped)');
      return;
    }
    scoped.forEach((s: any, i: number) => {
      if (!SCOPED_ACTIONS.has(s?.action)) report(['spec', 'scopedEnforcementActions', i, 'action'], `must be one of ${[...SCOPED_ACTIONS].join(', ')}`);
      const points = Array.isArray(s?.enforcementPoints) ? s.enforcementPoints : [];
      if (points.length === 0) report(['spec', 'scopedEnforcementActions', i, 'enforcementPoints'], 'names no enforcement point');
      points.forEach((p: any, j: number) => {
        if (!ENFORCEMENT_POINTS.has(p?.name)) {
          report(['spec', 'scopedEnforcementActions', i, 'enforcementPoints', j, 'name'], `must be one of ${[...ENFORCEMENT_POINTS].join(', ')}`);
        }
      });
    });
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const JUNCTORS = new Set(['oneOf', 'anyOf']);
/** Errors that name a field of their own (a child path), never folded into a junctor. */
const FIELD_KEYWORDS = new Set(['required', 'additionalProperties']);

/**
 * Reports ajv errors with paths resolved against `data` (to tell array indices
 * from keys). A failed oneOf/anyOf (e.g. Quantity: number | string with
 * format) comes with one error per failed branch at the same path; those are
 * folded into a single message instead of three unrelated-looking lines.
 */
function reportAjvErrors(data: any, errors: ErrorObject[], report: Report, prefix: Segment[] = []): void {
  const junctorPaths = new Set(errors.filter((e) => JUNCTORS.has(e.keyword)).map((e) => e.instancePath));
  const branchMessages = new Map<string, string[]>();
  const isBranchError = (e: ErrorObject) =>
    junctorPaths.has(e.instancePath) && !JUNCTORS.has(e.keyword) && !FIELD_KEYWORDS.has(e.keyword);
  for (const err of errors.filter(isBranchError)) {
    branchMessages.set(err.instancePath, [...branchMessages.get(err.instancePath) ?? [], err.message ?? err.keyword]);
  }

  for (const err of errors) {
    if (isBranchError(err)) continue;
    const segments = [...prefix, ...pointerToSegments(data, err.instancePath)];
    switch (err.keyword) {
      case 'oneOf':
      case 'anyOf': {
        const branches = branchMessages.get(err.instancePath);
        report(segments, branches ? `${err.message} (${[...new Set(branches)].join('; ')})` : err.message ?? err.keyword);
        break;
      }
      case 'required':
        report([...segments, err.params.missingProperty], 'required field missing');
        break;
      case 'additionalProperties':
        report([...segments, err.params.additionalProperty], `unknown field "${err.params.additionalProperty}"`);
        break;
      case 'enum':
        report(segments, `unsupported value ${JSON.stringify(valueAt(data, err.instancePath))}: must be one of ${JSON.stringify(err.params.allowedValues)}`);
        break;
      default:
        report(segments, err.message ?? err.keyword);
    }
  }
}

function pointerToSegments(data: any, pointer: string): Segment[] {
  if (pointer === '') return [];
  const segments: Segment[] = [];
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: Segment = Array.isArray(current) ? Number(key) : key;
    segments.push(segment);
    current = current?.[segment];
  }
  return segments;
}

function valueAt(data: any, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce((cur, raw) => cur?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')], data);
}

/** `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
function formatPath(segments: Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(root)' : out;
}

function describe(obj: any): string {
  const name = obj?.metadata?.name;
  return `${obj?.apiVersion ?? '?'}/${obj?.kind ?? '?'}${typeof name === 'string' ? ` "${name}"` : ''}`;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
