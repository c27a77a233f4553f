/** Pods for the policy tests: a Wasm pod every rule admits, and one mutation per way to break a rule. */
import { PolicyModel } from '../../lib/policy/policy-rule';

export const MODEL: PolicyModel = {
  wasmClasses: ['crun-wasm', 'wasmedge'],
  crunClasses: ['crun-wasm'],
  repositories: ['ghcr.io/acme/hello-wasm', 'registry.local:5000/wasm/'],
  wasmOnlyNodes: ['edge-1'],
};

/** A Wasm pod on the crun class that every rule admits. */
export function goodPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'hello', namespace: 'apps', labels: { 'cdk8s-wasm-edge.io/wasm': 'true' }, annotations: { 'module.wasm.image/variant': 'compat' } },
    spec: {
      runtimeClassName: 'crun-wasm',
      securityContext: { runAsUser: 1000, runAsNonRoot: true },
      tolerations: [{ key: 'cdk8s-wasm-edge.io/wasm-only', operator: 'Exists', effect: 'NoSchedule' }],
      containers: [{
        name: 'main',
        image: 'ghcr.io/acme/hello-wasm:1.0.0',
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
        resources: { limits: { cpu: '100m', memory: '64Mi' } },
      }],
    },
  };
}

/** A Linux pod no rule concerns. */
export function linuxPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'apps' },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
  };
}

/** The pod wrapped as a Deployment (POD_TEMPLATE shape) or a CronJob. */
export function asDeployment(pod: any): any {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: pod.metadata.name }, spec: { selector: {}, template: { metadata: pod.metadata, spec: pod.spec } } };
}
export function asCronJob(pod: any): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: pod.metadata.name },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: pod.metadata, spec: pod.spec } } } },
  };
}

/** One mutation per way to break a rule: [rule name, description, mutate]. */
export const MUTATIONS: [string, string, (p: any) => void][] = [
  ['wasm-runtime-class', 'no runtimeClassName', p => { delete p.spec.runtimeClassName; }],
  ['wasm-runtime-class', 'an unknown class', p => { p.spec.runtimeClassName = 'runc'; }],
  ['wasm-runtime-class', 'a Linux class on a marked pod with a Linux image', p => { p.spec.runtimeClassName = 'nvidia'; p.spec.containers[0].image = 'busybox'; }],
  ['wasm-only-nodes', 'a Linux pod that tolerates the wasm-only taint', p => { delete p.spec.runtimeClassName; delete p.metadata.labels; p.spec.containers[0].image = 'nginx:1.27'; }],
  ['wasm-only-nodes', 'a Linux pod that tolerates every taint', p => {
    delete p.spec.runtimeClassName; delete p.metadata.labels; p.spec.containers[0].image = 'nginx'; p.spec.tolerations = [{ operator: 'Exists' }];
  }],
  ['wasm-only-nodes', 'a Linux pod bound to a Wasm-only node', p => {
    delete p.spec.runtimeClassName; delete p.metadata.labels; delete p.spec.tolerations; p.spec.containers[0].image = 'nginx'; p.spec.nodeName = 'edge-1';
  }],
  ['wasm-pod-security', 'root uid', p => { p.spec.securityContext.runAsUser = 0; }],
  ['wasm-pod-security', 'no uid', p => { delete p.spec.securityContext; }],
  ['wasm-pod-security', 'a container that may escalate', p => { p.spec.containers[0].securityContext.allowPrivilegeEscalation = true; }],
  ['wasm-pod-security', 'a writable root filesystem', p => { delete p.spec.containers[0].securityContext.readOnlyRootFilesystem; }],
  ['wasm-pod-security', 'an init container without securityContext', p => { p.spec.initContainers = [{ name: 'init', image: 'ghcr.io/acme/hello-wasm:1' }]; }],
  ['wasm-pod-security', 'a container uid 0 over a pod uid', p => { p.spec.containers[0].securityContext.runAsUser = 0; }],
  ['crun-wasm-variant', 'no variant annotation', p => { delete p.metadata.annotations; }],
  ['crun-wasm-variant', 'an unknown variant', p => { p.metadata.annotations['module.wasm.image/variant'] = 'wasm'; }],
  ['tenant-resource-limits', 'no limits', p => { delete p.spec.containers[0].resources; }],
  ['tenant-resource-limits', 'no memory limit', p => { delete p.spec.containers[0].resources.limits.memory; }],
];
