/**
 * Fixtures for the engine renderers' tests: a policy model, the rules built on it, workloads that
 * every rule admits and mutations that one rule must refuse, in every pod shape.
 */
import * as fc from 'fast-check';
import { PolicyRule } from '../../lib/policy/policy-engine';
import { PolicyNamespaces } from '../../lib/policy/policy-namespaces';
import { PolicyAction, PolicyModel, WasmPolicyRule } from '../../lib/policy/policy-rule';

export const WASM_LABEL = 'cdk8s-wasm-edge.io/wasm';
export const WASM_ONLY_TAINT = 'cdk8s-wasm-edge.io/wasm-only';
export const TENANT_LABEL = 'cdk8s-wasm-edge.io/function-tenant';

export const MODEL: PolicyModel = {
  wasmClasses: ['crun-wasm', 'spin', 'wasmedge'],
  crunClasses: ['crun-wasm'],
  repositories: ['ghcr.io/acme/wasm/', 'registry.local:5000/fn/hello'],
  wasmOnlyNodes: ['edge-wasm-1'],
};

export interface RuleOptions {
  readonly model?: PolicyModel;
  readonly action?: PolicyAction;
  readonly actions?: { [rule: string]: PolicyAction };
  readonly namespaces?: PolicyNamespaces;
  readonly prefix?: string;
}

/** The rules of the rule base as WasmPolicies builds them (tenant limits only in tenant namespaces). */
export function rulesFor(options: RuleOptions = {}): PolicyRule[] {
  const model = options.model ?? MODEL;
  const prefix = options.prefix ?? 'wasm-edge';
  return WasmPolicyRule.all().map(rule => PolicyRule._create(rule, {
    objectName: `${prefix}.${rule.ruleName}`,
    action: options.actions?.[rule.ruleName] ?? options.action ?? PolicyAction.DENY,
    namespaces: rule === WasmPolicyRule.TENANT_LIMITS
      ? PolicyNamespaces.labelled({ [TENANT_LABEL]: 'true' })
      : options.namespaces ?? PolicyNamespaces.all(),
    model: () => model,
  }));
}

/** A pod's metadata and spec, before they are put into a kind. */
export interface PodParts {
  metadata: any;
  spec: any;
}

/** A Wasm pod as WasmDeployment makes it: Wasm class, secure context, limits, marker label. */
export function wasmPod(runtimeClassName = 'wasmedge', image = 'ghcr.io/acme/wasm/hello:1.0'): PodParts {
  return {
    metadata: { labels: { app: 'hello', [WASM_LABEL]: 'true' }, annotations: runtimeClassName === 'crun-wasm' ? { 'module.wasm.image/variant': 'compat' } : {} },
    spec: {
      runtimeClassName,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65532 },
      tolerations: [{ key: WASM_ONLY_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
      containers: [{
        name: 'hello',
        image,
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '10m', memory: '16Mi' } },
      }],
    },
  };
}

/** A Linux pod that stays off Wasm nodes: every rule admits it. */
export function linuxPod(): PodParts {
  return {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'docker.io/library/nginx:1.27', resources: { limits: { cpu: '1', memory: '128Mi' } } }] },
  };
}

const clone = (p: PodParts): PodParts => JSON.parse(JSON.stringify(p));

/** Mutations of a good pod that one rule must refuse: [what, rule, mutated pod]. */
export function mutations(): [string, WasmPolicyRule, PodParts][] {
  const noClass = clone(wasmPod());
  delete noClass.spec.runtimeClassName;
  noClass.spec.tolerations = [];
  const markedOnly = clone(linuxPod());
  markedOnly.metadata.labels[WASM_LABEL] = 'true';
  const unknownClass = clone(wasmPod());
  unknownClass.spec.runtimeClassName = 'runc-special';
  unknownClass.spec.tolerations = [];
  const rootUid = clone(wasmPod());
  rootUid.spec.securityContext.runAsUser = 0;
  const containerRoot = clone(wasmPod());
  containerRoot.spec.containers[0].securityContext.runAsUser = 0;
  const noUid = clone(wasmPod());
  delete noUid.spec.securityContext.runAsUser;
  const writableRoot = clone(wasmPod());
  writableRoot.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
  const escalation = clone(wasmPod());
  delete escalation.spec.containers[0].securityContext.allowPrivilegeEscalation;
  const rootInit = clone(wasmPod());
  rootInit.spec.initContainers = [{ name: 'init', image: 'ghcr.io/acme/wasm/init:1', securityContext: { runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } }];
  const crunNoVariant = clone(wasmPod('crun-wasm'));
  crunNoVariant.metadata.annotations = {};
  const crunBadVariant = clone(wasmPod('crun-wasm'));
  crunBadVariant.metadata.annotations['module.wasm.image/variant'] = 'linux';
  const linuxTolerating = clone(linuxPod());
  linuxTolerating.spec.tolerations = [{ key: WASM_ONLY_TAINT, operator: 'Exists', effect: 'NoSchedule' }];
  const linuxToleratingAll = clone(linuxPod());
  linuxToleratingAll.spec.tolerations = [{ operator: 'Exists' }];
  const linuxOnWasmNode = clone(linuxPod());
  linuxOnWasmNode.spec.nodeName = 'edge-wasm-1';
  const noLimits = clone(wasmPod());
  delete noLimits.spec.containers[0].resources.limits;
  const noMemoryLimit = clone(linuxPod());
  delete noMemoryLimit.spec.containers[0].resources.limits.memory;
  return [
    ['a Wasm image without runtimeClassName', WasmPolicyRule.RUNTIME_CLASS, noClass],
    ['a marked pod without runtimeClassName', WasmPolicyRule.RUNTIME_CLASS, markedOnly],
    ['a Wasm image on an unknown class', WasmPolicyRule.RUNTIME_CLASS, unknownClass],
    ['a Wasm pod with root uid', WasmPolicyRule.POD_SECURITY, rootUid],
    ['a Wasm container with root uid', WasmPolicyRule.POD_SECURITY, containerRoot],
    ['a Wasm pod without runAsUser', WasmPolicyRule.POD_SECURITY, noUid],
    ['a Wasm container with a writable root', WasmPolicyRule.POD_SECURITY, writableRoot],
    ['a Wasm container that may escalate', WasmPolicyRule.POD_SECURITY, escalation],
    ['a Wasm init container with root uid', WasmPolicyRule.POD_SECURITY, rootInit],
    ['a crun pod without the variant annotation', WasmPolicyRule.CRUN_VARIANT, crunNoVariant],
    ['a crun pod with another variant', WasmPolicyRule.CRUN_VARIANT, crunBadVariant],
    ['a Linux pod tolerating the wasm-only taint', WasmPolicyRule.WASM_ONLY_NODES, linuxTolerating],
    ['a Linux pod tolerating every taint', WasmPolicyRule.WASM_ONLY_NODES, linuxToleratingAll],
    ['a Linux pod on a Wasm-only node', WasmPolicyRule.WASM_ONLY_NODES, linuxOnWasmNode],
    ['a tenant pod without limits', WasmPolicyRule.TENANT_LIMITS, noLimits],
    ['a tenant pod without a memory limit', WasmPolicyRule.TENANT_LIMITS, noMemoryLimit],
  ];
}

/** The good pods: every rule admits them. */
export function goodPods(): [string, PodParts][] {
  return [
    ['a wasmedge pod', wasmPod()],
    ['a spin pod from a listed repository', wasmPod('spin', 'registry.local:5000/fn/hello@sha256:' + 'a'.repeat(64))],
    ['a crun pod with its variant', wasmPod('crun-wasm')],
    ['a Linux pod', linuxPod()],
  ];
}

/** A pod in every kind of every shape (Pod, the pod-template kinds, CronJob), named `name`. */
export function inEveryKind(name: string, pod: PodParts, namespace = 'apps'): any[] {
  const meta = { name, namespace };
  const selector = { matchLabels: { app: pod.metadata.labels?.app ?? 'x' } };
  const template = { metadata: pod.metadata, spec: pod.spec };
  const jobTemplate = { metadata: pod.metadata, spec: Object.assign({ restartPolicy: 'Never' }, pod.spec) };
  return [
    { apiVersion: 'v1', kind: 'Pod', metadata: Object.assign({}, meta, pod.metadata), spec: pod.spec },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { selector, template } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta, spec: { selector, template } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { selector, serviceName: name, template } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: { selector, template } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { template: jobTemplate } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta, spec: { selector: selector.matchLabels, template } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: jobTemplate } } } },
  ];
}

/** Random policy models: DNS-label classes (some on crun), repositories (names, prefixes, any printable string), nodes; lists sorted as WasmPolicies sorts them. */
export function policyModels(): fc.Arbitrary<PolicyModel> {
  const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);
  const repository = fc.oneof(
    fc.tuple(dnsLabel, dnsLabel).map(([h, p]) => `${h}.example.com/${p}`),
    fc.tuple(dnsLabel, dnsLabel).map(([h, p]) => `${h}.io:5000/${p}/`),
    fc.string({ maxLength: 30 }),
  );
  return fc.record({
    wasmClasses: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 5 }),
    repositories: fc.uniqueArray(repository, { maxLength: 4 }),
    wasmOnlyNodes: fc.uniqueArray(dnsLabel, { maxLength: 4 }),
  }).chain(m => fc.subarray(m.wasmClasses).map(crun => ({
    wasmClasses: [...m.wasmClasses].sort(),
    crunClasses: [...crun].sort(),
    repositories: [...m.repositories].sort(),
    wasmOnlyNodes: [...m.wasmOnlyNodes].sort(),
  })));
}
