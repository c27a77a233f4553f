import { Chart, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { WASM_EDGE_LABEL_PREFIX } from './core/runtime';
import { appIndex } from './private/app-checks';
import { TENANT } from './private/app-checks/tenants';
import { checkDns1123Label, checkInt, propError, ValidationError } from './private/errors';
import { checkLabelKey, checkLabelValue } from './private/labels';
import { cpuToMillis, exactBytes, exactCpuMillis, MAX_CPU_MILLIS, MAX_MEMORY_BYTES, sizeToBytes, sizeToQuantity } from './private/quantity';
import { checkLabels } from './private/validate';
import { WasmDeployment } from './wasm-deployment';

/**
 * A Pod Security Standard level, enforced on a namespace by the built-in Pod Security admission
 * (`pod-security.kubernetes.io/enforce`).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export enum PodSecurityLevel {
  /** No restrictions. */
  PRIVILEGED = 'privileged',
  /** Blocks known privilege escalations (host namespaces, privileged containers, hostPath). */
  BASELINE = 'baseline',
  /**
   * Hardened: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
   * Wasm pods of this library meet it.
   */
  RESTRICTED = 'restricted',
}

/**
 * The namespace's ResourceQuota (`spec.hard`): what all the tenant's pods together may request. The
 * defaults are the numbers of the design documents' function-tenant quota.
 */
export interface FunctionTenantQuota {
  /**
   * Total CPU requests (`requests.cpu`).
   *
   * @default Cpu.units(10)
   */
  readonly requestsCpu?: kplus.Cpu;

  /**
   * Total memory requests (`requests.memory`).
   *
   * @default Size.gibibytes(20)
   */
  readonly requestsMemory?: Size;

  /**
   * Total CPU limits (`limits.cpu`).
   *
   * @default Cpu.units(20)
   */
  readonly limitsCpu?: kplus.Cpu;

  /**
   * Total memory limits (`limits.memory`).
   *
   * @default Size.gibibytes(40)
   */
  readonly limitsMemory?: Size;

  /**
   * Pods (`pods`): running replicas of all the tenant's functions, warm or scaled out.
   *
   * @default 100
   */
  readonly pods?: number;

  /**
   * Services (`services`): one per function on the Kubernetes backend.
   *
   * @default 50
   */
  readonly services?: number;

  /**
   * LoadBalancer Services (`services.loadbalancers`). Functions are reached through the gateway, so
   * tenants open none by default (on K3s each one would take host ports on every node via ServiceLB).
   *
   * @default 0
   */
  readonly loadBalancers?: number;

  /**
   * NodePort Services (`services.nodeports`).
   *
   * @default 0
   */
  readonly nodePorts?: number;
}

/**
 * The namespace's LimitRange for containers: defaults for containers that set no resources, and the
 * range every container must stay in. The defaults are sized for Wasm functions (the design
 * documents' function pool: requests 50m / 16Mi, limits 100m / 32Mi).
 */
export interface FunctionTenantContainerLimits {
  /**
   * CPU request of containers that set none (`defaultRequest.cpu`).
   *
   * @default Cpu.millis(50)
   */
  readonly defaultCpuRequest?: kplus.Cpu;

  /**
   * Memory request of containers that set none (`defaultRequest.memory`).
   *
   * @default Size.mebibytes(16)
   */
  readonly defaultMemoryRequest?: Size;

  /**
   * CPU limit of containers that set none (`default.cpu`).
   *
   * @default Cpu.millis(100)
   */
  readonly defaultCpuLimit?: kplus.Cpu;

  /**
   * Memory limit of containers that set none (`default.memory`).
   *
   * @default Size.mebibytes(32)
   */
  readonly defaultMemoryLimit?: Size;

  /**
   * The largest CPU limit a container may have (`max.cpu`).
   *
   * @default Cpu.units(1)
   */
  readonly maxCpu?: kplus.Cpu;

  /**
   * The largest memory limit a container may have (`max.memory`).
   *
   * @default Size.mebibytes(256)
   */
  readonly maxMemory?: Size;

  /**
   * The smallest CPU request a container may have (`min.cpu`).
   *
   * @default - no minimum
   */
  readonly minCpu?: kplus.Cpu;

  /**
   * The smallest memory request a container may have (`min.memory`).
   *
   * @default - no minimum
   */
  readonly minMemory?: Size;
}

/** Props of a FunctionTenant. */
export interface FunctionTenantProps {
  /**
   * The tenant's namespace. Workloads belong to the tenant when their `metadata.namespace` is this
   * name: put them in a Chart whose `namespace` it is.
   *
   * @default - the chart's namespace; the construct id when the chart has none
   */
  readonly namespaceName?: string;

  /**
   * Whether to emit the Namespace object (false when it is created elsewhere, e.g. by a platform
   * team's repository).
   *
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * The Pod Security Standard enforced on the namespace (`pod-security.kubernetes.io/enforce`, also
   * used for `warn` and `audit`). Ignored without `createNamespace`.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;

  /**
   * More labels of the Namespace. Ignored without `createNamespace`.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * The ResourceQuota.
   *
   * @default - the defaults of FunctionTenantQuota: requests 10 CPU / 20Gi, limits 20 CPU / 40Gi,
   *   100 pods, 50 Services, no LoadBalancer or NodePort Services
   */
  readonly quota?: FunctionTenantQuota;

  /**
   * The container LimitRange.
   *
   * @default - the defaults of FunctionTenantContainerLimits: default requests 50m / 16Mi, default
   *   limits 100m / 32Mi, at most 1 CPU / 256Mi per container
   */
  readonly containerLimits?: FunctionTenantContainerLimits;
}

/** Label every namespace made by a FunctionTenant carries. */
export const FUNCTION_TENANT_LABEL = `${WASM_EDGE_LABEL_PREFIX}function-tenant`;

/** Millicores and bytes. */
interface Resolved {
  readonly cpu: number;
  readonly memory: number;
}

/** A container's requests and limits after LimitRange defaulting. */
interface Effective {
  readonly requests: Resolved;
  readonly limits: Resolved;
  /** Whether the limit comes from the LimitRange's default. */
  readonly defaultedLimit: { readonly cpu: boolean; readonly memory: boolean };
}

/**
 * A namespace for one tenant of a function platform: the Namespace (with a Pod Security level), a
 * ResourceQuota capping what all its functions together may use, and a LimitRange that gives
 * containers without resources Wasm-sized defaults and bounds every container. Impossible settings
 * (a default above the maximum, a quota below one pod) fail at construction; at synth, the workloads
 * placed in the namespace are checked against the limits and their warm replicas against the quota.
 *
 * Create the tenant before the functions in its chart, so the Namespace, quota and LimitRange come
 * first in the output (pods created before the LimitRange get no defaults).
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export class FunctionTenant extends Construct {
  /** The object name of the ResourceQuota and the LimitRange. */
  public static readonly OBJECT_NAME = 'function-tenant';

  /** Whether a construct is a FunctionTenant. */
  public static isFunctionTenant(x: any): x is FunctionTenant {
    return x instanceof FunctionTenant;
  }

  /** The tenant's namespace. */
  public readonly namespaceName: string;
  /** The Pod Security level enforced (undefined when the Namespace is not emitted). */
  public readonly podSecurity?: PodSecurityLevel;
  /** The Namespace object, unless `createNamespace` is false. */
  public readonly namespaceObject?: kplus.k8s.KubeNamespace;
  /** The ResourceQuota object. */
  public readonly resourceQuota: kplus.k8s.KubeResourceQuota;
  /** The LimitRange object. */
  public readonly limitRange: kplus.k8s.KubeLimitRange;
  /** Most pods the tenant may run at once. */
  public readonly maxPods: number;

  private readonly quotaRequests: Resolved;
  private readonly quotaLimits: Resolved;
  private readonly defaultRequest: Resolved;
  private readonly defaultLimit: Resolved;
  private readonly max: Resolved;
  private readonly min: Resolved;

  constructor(scope: Construct, id: string, props: FunctionTenantProps = {}) {
    super(scope, id);
    const chart = Chart.of(this);
    this.namespaceName = props.namespaceName ?? chart.namespace ?? id;
    if (typeof this.namespaceName !== 'string') throw propError(this, 'namespaceName', this.namespaceName, 'is not a string', 'use a DNS-1123 label such as "team-a"');
    checkDns1123Label(this, 'namespaceName', this.namespaceName);
    // kube-system, kube-public, kube-node-lease: Kubernetes' own namespaces; a tenant quota and a
    // restricted Pod Security level there would break the cluster's own pods.
    if (this.namespaceName.startsWith('kube-')) {
      throw propError(this, 'namespaceName', this.namespaceName, 'is a namespace Kubernetes reserves for itself ("kube-" prefix)', 'use a namespace of the tenant, e.g. "team-a"');
    }
    if (props.podSecurity !== undefined && !Object.values(PodSecurityLevel).includes(props.podSecurity)) {
      throw propError(this, 'podSecurity', props.podSecurity, 'is not a Pod Security level', `use one of ${Object.values(PodSecurityLevel).join(', ')}`);
    }
    if (props.createNamespace !== undefined && typeof props.createNamespace !== 'boolean') {
      throw propError(this, 'createNamespace', props.createNamespace, 'is not a boolean', 'set createNamespace to true or false');
    }

    const q = props.quota ?? {};
    const l = props.containerLimits ?? {};
    const quota = {
      requestsCpu: q.requestsCpu ?? kplus.Cpu.units(10),
      requestsMemory: q.requestsMemory ?? Size.gibibytes(20),
      limitsCpu: q.limitsCpu ?? kplus.Cpu.units(20),
      limitsMemory: q.limitsMemory ?? Size.gibibytes(40),
      pods: q.pods ?? 100,
      services: q.services ?? 50,
      loadBalancers: q.loadBalancers ?? 0,
      nodePorts: q.nodePorts ?? 0,
    };
    const limits = {
      defaultCpuRequest: l.defaultCpuRequest ?? kplus.Cpu.millis(50),
      defaultMemoryRequest: l.defaultMemoryRequest ?? Size.mebibytes(16),
      defaultCpuLimit: l.defaultCpuLimit ?? kplus.Cpu.millis(100),
      defaultMemoryLimit: l.defaultMemoryLimit ?? Size.mebibytes(32),
      maxCpu: l.maxCpu ?? kplus.Cpu.units(1),
      maxMemory: l.maxMemory ?? Size.mebibytes(256),
      minCpu: l.minCpu,
      minMemory: l.minMemory,
    };

    // Every amount must be a positive quantity (min may be zero).
    // Per container: no more than a node has; per namespace: no more than the largest cluster
    // (5,000 nodes, kubernetes.io/docs/setup/best-practices/cluster-large).
    for (const [prop, cpu, max] of [['quota.requestsCpu', quota.requestsCpu, MAX_QUOTA_CPU], ['quota.limitsCpu', quota.limitsCpu, MAX_QUOTA_CPU],
      ['containerLimits.defaultCpuRequest', limits.defaultCpuRequest, MAX_CPU_MILLIS], ['containerLimits.defaultCpuLimit', limits.defaultCpuLimit, MAX_CPU_MILLIS],
      ['containerLimits.maxCpu', limits.maxCpu, MAX_CPU_MILLIS]] as const) {
      checkCpu(this, prop, cpu, 1, max);
    }
    if (limits.minCpu) checkCpu(this, 'containerLimits.minCpu', limits.minCpu, 0, MAX_CPU_MILLIS);
    for (const [prop, size, max] of [['quota.requestsMemory', quota.requestsMemory, MAX_QUOTA_MEMORY], ['quota.limitsMemory', quota.limitsMemory, MAX_QUOTA_MEMORY],
      ['containerLimits.defaultMemoryRequest', limits.defaultMemoryRequest, MAX_MEMORY_BYTES], ['containerLimits.defaultMemoryLimit', limits.defaultMemoryLimit, MAX_MEMORY_BYTES],
      ['containerLimits.maxMemory', limits.maxMemory, MAX_MEMORY_BYTES]] as const) {
      checkMemory(this, prop, size, 1, max);
    }
    if (limits.minMemory) checkMemory(this, 'containerLimits.minMemory', limits.minMemory, 0, MAX_MEMORY_BYTES);
    // 150,000 pods is the most one cluster supports; 1,048,576 Services is a /12 service CIDR, the
    // largest kube-apiserver accepts for IPv4 (--service-cluster-ip-range).
    checkInt(this, 'quota.pods', quota.pods, 1, 150000);
    checkInt(this, 'quota.services', quota.services, 0, MAX_SERVICES);
    checkInt(this, 'quota.loadBalancers', quota.loadBalancers, 0, MAX_SERVICES);
    checkInt(this, 'quota.nodePorts', quota.nodePorts, 0, MAX_SERVICES);
    if (quota.loadBalancers > quota.services || quota.nodePorts > quota.services) {
      const prop = quota.loadBalancers > quota.services ? 'quota.loadBalancers' : 'quota.nodePorts';
      throw propError(this, prop, Math.max(quota.loadBalancers, quota.nodePorts), `is above quota.services (${quota.services}), which counts them too`,
        `raise quota.services to at least ${Math.max(quota.loadBalancers, quota.nodePorts)}, or lower ${prop}`);
    }

    this.maxPods = quota.pods;
    this.quotaRequests = { cpu: cpuToMillis(quota.requestsCpu), memory: sizeToBytes(quota.requestsMemory) };
    this.quotaLimits = { cpu: cpuToMillis(quota.limitsCpu), memory: sizeToBytes(quota.limitsMemory) };
    this.defaultRequest = { cpu: cpuToMillis(limits.defaultCpuRequest), memory: sizeToBytes(limits.defaultMemoryRequest) };
    this.defaultLimit = { cpu: cpuToMillis(limits.defaultCpuLimit), memory: sizeToBytes(limits.defaultMemoryLimit) };
    this.max = { cpu: cpuToMillis(limits.maxCpu), memory: sizeToBytes(limits.maxMemory) };
    this.min = { cpu: limits.minCpu ? cpuToMillis(limits.minCpu) : 0, memory: limits.minMemory ? sizeToBytes(limits.minMemory) : 0 };

    // The API server refuses a LimitRange unless min <= defaultRequest <= default <= max.
    this.checkOrder('cpu', [
      ['containerLimits.minCpu', this.min.cpu, limits.minCpu?.amount],
      ['containerLimits.defaultCpuRequest', this.defaultRequest.cpu, limits.defaultCpuRequest.amount],
      ['containerLimits.defaultCpuLimit', this.defaultLimit.cpu, limits.defaultCpuLimit.amount],
      ['containerLimits.maxCpu', this.max.cpu, limits.maxCpu.amount],
    ]);
    this.checkOrder('memory', [
      ['containerLimits.minMemory', this.min.memory, limits.minMemory ? sizeToQuantity(limits.minMemory) : undefined],
      ['containerLimits.defaultMemoryRequest', this.defaultRequest.memory, sizeToQuantity(limits.defaultMemoryRequest)],
      ['containerLimits.defaultMemoryLimit', this.defaultLimit.memory, sizeToQuantity(limits.defaultMemoryLimit)],
      ['containerLimits.maxMemory', this.max.memory, sizeToQuantity(limits.maxMemory)],
    ]);

    // The quota must admit at least one pod of one default-sized container.
    const onePod: [string, number, number, string, string][] = [
      ['quota.requestsCpu', this.quotaRequests.cpu, this.defaultRequest.cpu, quota.requestsCpu.amount, `containerLimits.defaultCpuRequest (${limits.defaultCpuRequest.amount})`],
      ['quota.requestsMemory', this.quotaRequests.memory, this.defaultRequest.memory, sizeToQuantity(quota.requestsMemory), `containerLimits.defaultMemoryRequest (${sizeToQuantity(limits.defaultMemoryRequest)})`],
      ['quota.limitsCpu', this.quotaLimits.cpu, this.defaultLimit.cpu, quota.limitsCpu.amount, `containerLimits.defaultCpuLimit (${limits.defaultCpuLimit.amount})`],
      ['quota.limitsMemory', this.quotaLimits.memory, this.defaultLimit.memory, sizeToQuantity(quota.limitsMemory), `containerLimits.defaultMemoryLimit (${sizeToQuantity(limits.defaultMemoryLimit)})`],
    ];
    for (const [prop, total, perPod, shown, what] of onePod) {
      if (total < perPod) {
        throw propError(this, prop, shown, `is below one pod: a single container with the default ${what} would exceed it`,
          `raise ${prop} to at least the per-container default, or lower the default`);
      }
    }
    if (this.quotaLimits.cpu < this.quotaRequests.cpu || this.quotaLimits.memory < this.quotaRequests.memory) {
      const cpu = this.quotaLimits.cpu < this.quotaRequests.cpu;
      throw propError(this, cpu ? 'quota.limitsCpu' : 'quota.limitsMemory', cpu ? quota.limitsCpu.amount : sizeToQuantity(quota.limitsMemory),
        `is below ${cpu ? 'quota.requestsCpu' : 'quota.requestsMemory'}: every container's limit is at least its request, so the requests quota could never be used`,
        'make the limits quota at least the requests quota');
    }

    // Objects: the Namespace (cluster-scoped), then the quota and the LimitRange in it.
    const createNamespace = props.createNamespace ?? true;
    if (createNamespace) {
      this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
      const labels: { [key: string]: string } = {};
      for (const [key, value] of Object.entries(props.labels ?? {})) {
        checkLabelKey(this.node.path, 'labels', key, false);
        checkLabelValue(this.node.path, `labels[${key}]`, value);
        // The shared kit too, which also refuses a credential inline.
        checkLabels(this, 'labels', { [key]: value });
        if (key === FUNCTION_TENANT_LABEL || key.startsWith('pod-security.kubernetes.io/')) {
          throw propError(this, 'labels', key, 'is set by the tenant', 'use podSecurity for the Pod Security labels, and drop the key');
        }
        labels[key] = value;
      }
      labels[FUNCTION_TENANT_LABEL] = 'true';
      for (const mode of ['enforce', 'audit', 'warn']) labels[`pod-security.kubernetes.io/${mode}`] = this.podSecurity;
      this.namespaceObject = new kplus.k8s.KubeNamespace(this, 'Namespace', { metadata: { name: this.namespaceName, labels } });
      // A Namespace has no namespace; the chart's would be dropped by the API server but shows in diffs.
      if (chart.namespace !== undefined) this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    } else if (props.podSecurity !== undefined || props.labels !== undefined) {
      throw propError(this, props.podSecurity !== undefined ? 'podSecurity' : 'labels', props.podSecurity ?? props.labels,
        'is a setting of the Namespace, which createNamespace: false does not emit', 'set it on the Namespace where it is created, or drop createNamespace: false');
    }

    const q8s = (s: string) => kplus.k8s.Quantity.fromString(s);
    this.resourceQuota = new kplus.k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: FunctionTenant.OBJECT_NAME, namespace: this.namespaceName },
      spec: {
        hard: {
          'requests.cpu': q8s(quota.requestsCpu.amount),
          'requests.memory': q8s(sizeToQuantity(quota.requestsMemory)),
          'limits.cpu': q8s(quota.limitsCpu.amount),
          'limits.memory': q8s(sizeToQuantity(quota.limitsMemory)),
          'pods': q8s(String(quota.pods)),
          'services': q8s(String(quota.services)),
          'services.loadbalancers': q8s(String(quota.loadBalancers)),
          'services.nodeports': q8s(String(quota.nodePorts)),
        },
      },
    });
    const min: { [key: string]: kplus.k8s.Quantity } = {};
    if (limits.minCpu) min.cpu = q8s(limits.minCpu.amount);
    if (limits.minMemory) min.memory = q8s(sizeToQuantity(limits.minMemory));
    this.limitRange = new kplus.k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: FunctionTenant.OBJECT_NAME, namespace: this.namespaceName },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: q8s(limits.defaultCpuRequest.amount), memory: q8s(sizeToQuantity(limits.defaultMemoryRequest)) },
          default: { cpu: q8s(limits.defaultCpuLimit.amount), memory: q8s(sizeToQuantity(limits.defaultMemoryLimit)) },
          max: { cpu: q8s(limits.maxCpu.amount), memory: q8s(sizeToQuantity(limits.maxMemory)) },
          min: Object.keys(min).length > 0 ? min : undefined,
        }],
      },
    });
    if (this.namespaceObject) {
      this.resourceQuota.addDependency(this.namespaceObject);
      this.limitRange.addDependency(this.namespaceObject);
    }

    // Checked across the app (one tenant per namespace, the namespace's workloads): app-checks/tenants.ts.
    appIndex(this).add(TENANT, {
      scope: this,
      namespace: this.namespaceName,
      checkWorkloads: (workloads, floors) => this.checkWorkloads(workloads, floors),
    });
  }

  /**
   * How many pods of one container with these resources the quota admits (containers without a
   * request or limit get the LimitRange defaults; a request left out while the limit is set equals
   * the limit, as in Kubernetes).
   *
   * @param resources the container's resources
   * @returns the number of such pods that fit, at most `maxPods`
   */
  public podsThatFit(resources: kplus.ContainerResources): number {
    const c = this.effective(resources);
    const fit = (total: number, each: number) => (each > 0 ? Math.floor(total / each) : Number.MAX_SAFE_INTEGER);
    return Math.min(this.maxPods, fit(this.quotaRequests.cpu, c.requests.cpu), fit(this.quotaRequests.memory, c.requests.memory),
      fit(this.quotaLimits.cpu, c.limits.cpu), fit(this.quotaLimits.memory, c.limits.memory));
  }

  private checkOrder(what: string, chain: [string, number, string | undefined][]): void {
    const present = chain.filter(([, , shown]) => shown !== undefined);
    for (let i = 1; i < present.length; i++) {
      const [lowProp, low, lowShown] = present[i - 1];
      const [highProp, high, highShown] = present[i];
      if (low > high) {
        throw propError(this, lowProp, lowShown, `is above ${highProp} (${highShown}): the API server refuses a LimitRange unless ${what} min <= defaultRequest <= default <= max`,
          `lower ${lowProp} to at most ${highShown}, or raise ${highProp}`);
      }
    }
  }

  /** The requests and limits a container ends up with in this namespace. */
  private effective(r?: kplus.ContainerResources): Effective {
    const limitCpu = r?.cpu?.limit ? cpuToMillis(r.cpu.limit) : undefined;
    const limitMem = r?.memory?.limit ? sizeToBytes(r.memory.limit) : undefined;
    const reqCpu = r?.cpu?.request ? cpuToMillis(r.cpu.request) : (limitCpu ?? this.defaultRequest.cpu);
    const reqMem = r?.memory?.request ? sizeToBytes(r.memory.request) : (limitMem ?? this.defaultRequest.memory);
    return {
      requests: { cpu: reqCpu, memory: reqMem },
      limits: { cpu: limitCpu ?? this.defaultLimit.cpu, memory: limitMem ?? this.defaultLimit.memory },
      defaultedLimit: { cpu: limitCpu === undefined, memory: limitMem === undefined },
    };
  }

  /**
   * Every container of the namespace's workloads within the LimitRange, the warm floor within the
   * quota (the floors: the minimum of every autoscaler by target).
   */
  private checkWorkloads(workloads: readonly kplus.AbstractPod[], minimums: ReadonlyMap<unknown, number>): ValidationError[] {
    const errors: ValidationError[] = [];
    let floorPods = 0;
    const floor = { cpu: 0, memory: 0 };
    const limitFloor = { cpu: 0, memory: 0 };
    for (const w of workloads) {
      const pod = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
      for (const [i, c] of w.containers.entries()) {
        const e = this.effective(c.resources);
        this.checkContainer(errors, w, `containers[${i}]`, c.name, e);
        pod.requests.cpu += e.requests.cpu; pod.requests.memory += e.requests.memory;
        pod.limits.cpu += e.limits.cpu; pod.limits.memory += e.limits.memory;
      }
      for (const [i, c] of w.initContainers.entries()) {
        const e = this.effective(c.resources);
        this.checkContainer(errors, w, `initContainers[${i}]`, c.name, e);
        pod.requests.cpu = Math.max(pod.requests.cpu, e.requests.cpu); pod.requests.memory = Math.max(pod.requests.memory, e.requests.memory);
        pod.limits.cpu = Math.max(pod.limits.cpu, e.limits.cpu); pod.limits.memory = Math.max(pod.limits.memory, e.limits.memory);
      }
      const n = minimums.get(w) ?? fixedReplicas(w);
      floorPods += n;
      floor.cpu += n * pod.requests.cpu; floor.memory += n * pod.requests.memory;
      limitFloor.cpu += n * pod.limits.cpu; limitFloor.memory += n * pod.limits.memory;
    }
    const over: string[] = [];
    if (floorPods > this.maxPods) over.push(`${floorPods} pods (quota ${this.maxPods})`);
    if (floor.cpu > this.quotaRequests.cpu) over.push(`${floor.cpu}m CPU requested (quota ${this.quotaRequests.cpu}m)`);
    if (floor.memory > this.quotaRequests.memory) over.push(`${mib(floor.memory)} memory requested (quota ${mib(this.quotaRequests.memory)})`);
    if (limitFloor.cpu > this.quotaLimits.cpu) over.push(`${limitFloor.cpu}m CPU limits (quota ${this.quotaLimits.cpu}m)`);
    if (limitFloor.memory > this.quotaLimits.memory) over.push(`${mib(limitFloor.memory)} memory limits (quota ${mib(this.quotaLimits.memory)})`);
    if (over.length > 0) {
      errors.push(propError(this, 'quota', this.namespaceName, `the warm (minimum) replicas of the namespace's workloads need ${over.join(', ')}, so some could never start`,
        'raise the quota, or lower warmReplicas / minReplicas or the resources of the workloads'));
    }
    return errors;
  }

  private checkContainer(errors: ValidationError[], w: IConstruct, where: string, name: string | undefined,
    e: Effective): void {
    const who = `${w.node.path}: ${where}${name ? ` ("${name}")` : ''}`;
    if (e.limits.cpu > this.max.cpu || e.limits.memory > this.max.memory) {
      errors.push(propError(this, 'containerLimits', { maxCpu: `${this.max.cpu}m`, maxMemory: mib(this.max.memory) },
        `${who} has limits ${e.limits.cpu}m CPU / ${mib(e.limits.memory)}, above the namespace's maximum, so the API server would refuse its pods`,
        'lower the container\'s resources, or raise containerLimits.maxCpu / maxMemory'));
    }
    if ((e.defaultedLimit.cpu && e.requests.cpu > e.limits.cpu) || (e.defaultedLimit.memory && e.requests.memory > e.limits.memory)) {
      errors.push(propError(this, 'containerLimits', { defaultCpuLimit: `${this.defaultLimit.cpu}m`, defaultMemoryLimit: mib(this.defaultLimit.memory) },
        `${who} requests ${e.requests.cpu}m CPU / ${mib(e.requests.memory)} but sets no limit, and the namespace's default limit is lower, so the API server would refuse its pods`,
        'set the container\'s limits, or raise containerLimits.defaultCpuLimit / defaultMemoryLimit'));
    }
    if (e.requests.cpu < this.min.cpu || e.requests.memory < this.min.memory) {
      errors.push(propError(this, 'containerLimits', { minCpu: `${this.min.cpu}m`, minMemory: mib(this.min.memory) },
        `${who} requests ${e.requests.cpu}m CPU / ${mib(e.requests.memory)}, below the namespace's minimum, so the API server would refuse its pods`,
        'raise the container\'s requests, or lower containerLimits.minCpu / minMemory'));
    }
  }
}

/** Namespace totals: the per-node bounds times the 5,000 nodes of the largest supported cluster. */
const MAX_QUOTA_CPU = MAX_CPU_MILLIS * 5000;
const MAX_QUOTA_MEMORY = MAX_MEMORY_BYTES * 5000;
const MAX_SERVICES = 1048576;

function checkCpu(scope: IConstruct, prop: string, cpu: kplus.Cpu, min: number, max: number): void {
  const m = exactCpuMillis(cpu);
  if (!Number.isFinite(m) || m < min || !Number.isInteger(m) || m > max) {
    throw propError(scope, prop, cpu?.amount, `must be a whole number of millicores${min > 0 ? ' above 0' : ''}, at most ${max / 1000} cores`, 'use e.g. Cpu.millis(500) or Cpu.units(2)');
  }
}

function checkMemory(scope: IConstruct, prop: string, size: Size, min: number, max: number): void {
  const b = exactBytes(size);
  if (!Number.isFinite(b) || b < min || b % 1024 !== 0 || b > max) {
    throw propError(scope, prop, Number.isFinite(b) ? sizeToQuantity(size) : String(b), `must be whole KiB, at least ${min > 0 ? '1Ki' : '0'} and at most ${max / 1024 ** 4}Ti`,
      'use e.g. Size.mebibytes(64) or Size.gibibytes(2)');
  }
}

function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return Number.isInteger(m) ? `${m}Mi` : `${Math.round(bytes / 1024)}Ki`;
}

/** Replicas a workload without an autoscaler runs: its fixed or warm replica count. */
function fixedReplicas(w: kplus.AbstractPod): number {
  if (w instanceof WasmDeployment) return w.replicas ?? w.warmReplicas;
  if (w instanceof kplus.Deployment || w instanceof kplus.StatefulSet) return w.replicas ?? (w.hasAutoscaler ? 1 : 2);
  return 1;
}
