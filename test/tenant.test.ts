import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  FUNCTION_TENANT_LABEL, FunctionTenant, FunctionTenantProps, KedaScaledObject, KedaTrigger, PodSecurityLevel,
  ServerlessFunction, WasmDeployment,
} from '../lib';
import { validationErrorOf } from './util/errors';
import { synthAndValidate } from './util/validate';

/** A chart in namespace `team-a`, or in none with `null`. */
function chart(namespace: string | null = 'team-a'): Chart {
  return new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
}

function objects(props: FunctionTenantProps = {}, namespace: string | null = 'team-a'): any[] {
  const c = chart(namespace);
  new FunctionTenant(c, 'Tenant', props);
  return synthAndValidate(c);
}

const kind = (objs: any[], k: string) => objs.filter(o => o.kind === k);
const one = (objs: any[], k: string) => {
  const found = kind(objs, k);
  expect(found).toHaveLength(1);
  return found[0];
};
const hard = (props: FunctionTenantProps = {}) => one(objects(props), 'ResourceQuota').spec.hard;
const containerLimits = (props: FunctionTenantProps = {}) => one(objects(props), 'LimitRange').spec.limits[0];

/** The validation errors of a synth (empty when it succeeds). */
function synthErrors(c: Chart): string {
  try {
    Testing.synth(c);
    return '';
  } catch (e: any) {
    return String(e.message);
  }
}

const IMAGE = 'ghcr.io/acme/fn-wasm:1.0.0';

describe('FunctionTenant objects', () => {
  test('a Namespace, a ResourceQuota and a LimitRange, schema-valid, Namespace first', () => {
    const objs = objects();
    expect(objs.map(o => o.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange']);
    expect(objs[1].metadata).toEqual({ name: 'function-tenant', namespace: 'team-a' });
    expect(objs[2].metadata).toEqual({ name: 'function-tenant', namespace: 'team-a' });
    expect(objs).toMatchSnapshot();
  });

  test('the Namespace carries no namespace of its own, even in a namespaced chart', () => {
    const ns = one(objects(), 'Namespace');
    expect(ns.metadata.name).toBe('team-a');
    expect(ns.metadata.namespace).toBeUndefined();
    const ns2 = one(objects({ namespaceName: 'team-b' }, null), 'Namespace');
    expect(ns2.metadata).toEqual(expect.objectContaining({ name: 'team-b' }));
    expect(ns2.metadata.namespace).toBeUndefined();
  });

  test('the LimitRange gets min only when set', () => {
    const l = containerLimits({ containerLimits: { minCpu: kplus.Cpu.millis(10), minMemory: Size.mebibytes(4) } });
    expect(l.min).toEqual({ cpu: '10m', memory: '4Mi' });
  });

  test('everything can be set', () => {
    const objs = objects({
      namespaceName: 'shop',
      podSecurity: PodSecurityLevel.BASELINE,
      labels: { team: 'shop' },
      quota: {
        requestsCpu: kplus.Cpu.units(4),
        requestsMemory: Size.gibibytes(8),
        limitsCpu: kplus.Cpu.units(8),
        limitsMemory: Size.gibibytes(16),
        pods: 50,
        services: 10,
        loadBalancers: 1,
        nodePorts: 2,
      },
      containerLimits: {
        defaultCpuRequest: kplus.Cpu.millis(20),
        defaultMemoryRequest: Size.mebibytes(8),
        defaultCpuLimit: kplus.Cpu.millis(200),
        defaultMemoryLimit: Size.mebibytes(64),
        maxCpu: kplus.Cpu.millis(1500),
        maxMemory: Size.gibibytes(1),
      },
    });
    expect(one(objs, 'Namespace').metadata.labels).toEqual({
      [FUNCTION_TENANT_LABEL]: 'true',
      'pod-security.kubernetes.io/audit': 'baseline',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'baseline',
      'team': 'shop',
    });
    expect(one(objs, 'ResourceQuota').metadata.namespace).toBe('shop');
    expect(one(objs, 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      'pods': '50',
      'services': '10',
      'services.loadbalancers': '1',
      'services.nodeports': '2',
    });
    expect(one(objs, 'LimitRange').spec.limits[0]).toEqual({
      type: 'Container',
      defaultRequest: { cpu: '20m', memory: '8Mi' },
      default: { cpu: '200m', memory: '64Mi' },
      max: { cpu: '1500m', memory: '1Gi' },
    });
  });
});

describe('FunctionTenant defaults (one per @default)', () => {
  test('namespaceName: the chart\'s namespace', () => {
    const c = chart('payments');
    expect(new FunctionTenant(c, 'Tenant').namespaceName).toBe('payments');
  });

  test('namespaceName: the construct id when the chart has none', () => {
    const c = chart(null);
    const t = new FunctionTenant(c, 'analytics');
    expect(t.namespaceName).toBe('analytics');
    expect(one(synthAndValidate(c), 'Namespace').metadata.name).toBe('analytics');
  });

  test('createNamespace: true (and false emits only the quota and the LimitRange)', () => {
    expect(kind(objects(), 'Namespace')).toHaveLength(1);
    const objs = objects({ createNamespace: false });
    expect(objs.map(o => o.kind)).toEqual(['ResourceQuota', 'LimitRange']);
  });

  test('podSecurity: restricted, for enforce, audit and warn', () => {
    const c = chart();
    const t = new FunctionTenant(c, 'Tenant');
    expect(t.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    const labels = one(synthAndValidate(c), 'Namespace').metadata.labels;
    for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
  });

  test('labels: none beyond the managed ones', () => {
    expect(Object.keys(one(objects(), 'Namespace').metadata.labels).sort()).toEqual([
      FUNCTION_TENANT_LABEL, 'pod-security.kubernetes.io/audit', 'pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/warn',
    ]);
  });

  test.each([
    ['requestsCpu', 'requests.cpu', '10'],
    ['requestsMemory', 'requests.memory', '20Gi'],
    ['limitsCpu', 'limits.cpu', '20'],
    ['limitsMemory', 'limits.memory', '40Gi'],
    ['pods', 'pods', '100'],
    ['services', 'services', '50'],
    ['loadBalancers', 'services.loadbalancers', '0'],
    ['nodePorts', 'services.nodeports', '0'],
  ])('quota.%s: %s = %s', (_prop, key, value) => {
    expect(hard()[key]).toBe(value);
  });

  test('quota: only the eight keys', () => {
    expect(Object.keys(hard()).sort()).toEqual(['limits.cpu', 'limits.memory', 'pods', 'requests.cpu', 'requests.memory', 'services',
      'services.loadbalancers', 'services.nodeports']);
  });

  test.each([
    ['defaultCpuRequest', 'defaultRequest', 'cpu', '50m'],
    ['defaultMemoryRequest', 'defaultRequest', 'memory', '16Mi'],
    ['defaultCpuLimit', 'default', 'cpu', '100m'],
    ['defaultMemoryLimit', 'default', 'memory', '32Mi'],
    ['maxCpu', 'max', 'cpu', '1'],
    ['maxMemory', 'max', 'memory', '256Mi'],
  ])('containerLimits.%s: %s.%s = %s', (_prop, section, resource, value) => {
    expect(containerLimits()[section][resource]).toBe(value);
  });

  test('containerLimits.minCpu and minMemory: no minimum', () => {
    expect(containerLimits().min).toBeUndefined();
  });

  test('maxPods follows quota.pods', () => {
    expect(new FunctionTenant(chart(), 'T').maxPods).toBe(100);
    expect(new FunctionTenant(chart(), 'T', { quota: { pods: 7 } }).maxPods).toBe(7);
  });
});

describe('FunctionTenant in apps of many charts', () => {
  // cdk8s validates the whole app once per chart: the tenants share one walk of the tree per pass.
  test('each tenant checks the workloads of its own namespace, also after the app grew', () => {
    const app = Testing.app();
    for (const team of ['a', 'b', 'c']) {
      const c = new Chart(app, `team-${team}`, { namespace: `team-${team}` });
      new FunctionTenant(c, 'Tenant', { quota: { pods: 3 } });
      for (let i = 0; i < 3; i++) new WasmDeployment(c, `W${i}`, { wasmContainers: [{ image: IMAGE }] });
    }
    expect(() => app.synth()).not.toThrow();
    const b = app.node.findChild('team-b') as Chart;
    new WasmDeployment(b, 'W3', { wasmContainers: [{ image: IMAGE }] });
    const text = (() => {
      try {
        app.synth();
        return '';
      } catch (e: any) {
        return String(e.message);
      }
    })();
    expect(text).toContain('team-b/Tenant: quota="team-b": the warm (minimum) replicas of the namespace\'s workloads need 4 pods (quota 3)');
    expect(text).not.toContain('team-a/Tenant');
    expect(text).not.toContain('team-c/Tenant');
  });
});

describe('FunctionTenant errors', () => {
  const E = (props: FunctionTenantProps, namespace: string | null = 'team-a') => () => new FunctionTenant(chart(namespace), 'Tenant', props);

  test('namespaceName must be a DNS-1123 label', () => {
    const e = validationErrorOf(E({ namespaceName: 'Team_A' }));
    expect([e.constructPath, e.prop, e.value, e.fix]).toEqual(['test/Tenant', 'namespaceName', '"Team_A"', 'use a name such as "team-a"']);
    expect(E({}, null)).toThrow(/namespaceName="Tenant": is not a DNS-1123 label/);
  });

  test('a default limit above the maximum', () => {
    expect(E({ containerLimits: { defaultCpuLimit: kplus.Cpu.units(2) } }))
      .toThrow(/containerLimits.defaultCpuLimit="2": is above containerLimits.maxCpu \(1\): the API server refuses a LimitRange unless cpu min <= defaultRequest <= default <= max. Fix: lower containerLimits.defaultCpuLimit to at most 1/);
    expect(E({ containerLimits: { defaultMemoryLimit: Size.mebibytes(512) } }))
      .toThrow(/containerLimits.defaultMemoryLimit="512Mi": is above containerLimits.maxMemory \(256Mi\)/);
  });

  test('a default request above the default limit', () => {
    expect(E({ containerLimits: { defaultCpuRequest: kplus.Cpu.millis(150) } }))
      .toThrow(/containerLimits.defaultCpuRequest="150m": is above containerLimits.defaultCpuLimit \(100m\)/);
    expect(E({ containerLimits: { defaultMemoryRequest: Size.mebibytes(64) } }))
      .toThrow(/containerLimits.defaultMemoryRequest="64Mi": is above containerLimits.defaultMemoryLimit \(32Mi\)/);
  });

  test('a minimum above the default request', () => {
    expect(E({ containerLimits: { minCpu: kplus.Cpu.millis(60) } }))
      .toThrow(/containerLimits.minCpu="60m": is above containerLimits.defaultCpuRequest \(50m\)/);
    expect(E({ containerLimits: { minMemory: Size.mebibytes(17) } }))
      .toThrow(/containerLimits.minMemory="17Mi": is above containerLimits.defaultMemoryRequest \(16Mi\)/);
  });

  test('a quota below one pod', () => {
    expect(E({ quota: { requestsCpu: kplus.Cpu.millis(40) } }))
      .toThrow(/quota.requestsCpu="40m": is below one pod: a single container with the default containerLimits.defaultCpuRequest \(50m\) would exceed it/);
    expect(E({ quota: { requestsMemory: Size.mebibytes(8) } })).toThrow(/quota.requestsMemory="8Mi": is below one pod/);
    expect(E({ quota: { limitsCpu: kplus.Cpu.millis(90), requestsCpu: kplus.Cpu.millis(50) } })).toThrow(/quota.limitsCpu="90m": is below one pod/);
    expect(E({ quota: { limitsMemory: Size.mebibytes(16), requestsMemory: Size.mebibytes(16) } })).toThrow(/quota.limitsMemory="16Mi": is below one pod/);
    expect(E({ quota: { pods: 0 } })).toThrow(/quota.pods=0: must be a whole number from 1 to 150000/);
  });

  test('a limits quota below the requests quota', () => {
    expect(E({ quota: { limitsCpu: kplus.Cpu.units(5) } }))
      .toThrow(/quota.limitsCpu="5": is below quota.requestsCpu: every container's limit is at least its request/);
    expect(E({ quota: { limitsMemory: Size.gibibytes(10) } })).toThrow(/quota.limitsMemory="10Gi": is below quota.requestsMemory/);
  });

  test('counts must be whole numbers', () => {
    expect(E({ quota: { pods: 2.5 } })).toThrow(/quota.pods=2.5: must be a whole number from 1 to 150000/);
    expect(E({ quota: { services: -1 } })).toThrow(/quota.services=-1: must be a whole number from 0 to 1048576/);
    expect(E({ quota: { loadBalancers: -1 } })).toThrow(/quota.loadBalancers=-1/);
    expect(E({ quota: { nodePorts: 0.5 } })).toThrow(/quota.nodePorts=0.5/);
  });

  test('LoadBalancer or NodePort Services beyond the Services quota', () => {
    expect(E({ quota: { services: 2, loadBalancers: 3 } })).toThrow(/quota.loadBalancers=3: is above quota.services \(2\), which counts them too/);
    expect(E({ quota: { services: 2, nodePorts: 5 } })).toThrow(/quota.nodePorts=5: is above quota.services \(2\)/);
  });

  test('amounts must be positive whole millicores and at least 1Ki', () => {
    expect(E({ containerLimits: { maxCpu: kplus.Cpu.millis(0) } })).toThrow(/containerLimits.maxCpu="0m": must be a whole number of millicores above 0/);
    expect(E({ containerLimits: { minCpu: kplus.Cpu.millis(0.5) } })).toThrow(/containerLimits.minCpu="0.5m": must be a whole number of millicores/);
    expect(E({ quota: { requestsMemory: Size.kibibytes(0) } })).toThrow(/quota.requestsMemory="0Gi": must be whole KiB, at least 1Ki/);
  });

  test('Namespace labels must be valid, and not the managed ones', () => {
    expect(E({ labels: { 'bad key!': 'x' } })).toThrow(/labels="bad key!": is not a valid label key/);
    expect(E({ labels: { team: 'not valid!' } })).toThrow(/labels\[team\]="not valid!": is not a valid label value/);
    expect(E({ labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }))
      .toThrow(/labels="pod-security.kubernetes.io\/enforce": is set by the tenant. Fix: use podSecurity/);
    expect(E({ labels: { [FUNCTION_TENANT_LABEL]: 'false' } })).toThrow(/is set by the tenant/);
  });

  // NaN, Infinity and absurd amounts used to crash (cdk8s Size conversions) or reach the
  // ResourceQuota as "NaN"/"1e+21"; the bounds: a container no larger than a node, a namespace no
  // larger than the largest cluster Kubernetes supports (5,000 nodes, 150,000 pods:
  // kubernetes.io/docs/setup/best-practices/cluster-large).
  test.each<[string, FunctionTenantProps, RegExp]>([
    ['NaN CPU', { quota: { requestsCpu: kplus.Cpu.millis(NaN) } }, /quota.requestsCpu="NaNm": must be a whole number of millicores/],
    ['negative CPU', { containerLimits: { minCpu: kplus.Cpu.millis(-1) } }, /containerLimits.minCpu="-1m"/],
    ['Infinity CPU', { quota: { limitsCpu: kplus.Cpu.units(Infinity) } }, /quota.limitsCpu="Infinity"/],
    ['a container CPU beyond any node', { containerLimits: { maxCpu: kplus.Cpu.units(5000) } }, /containerLimits.maxCpu="5000": .*at most 4096 cores/],
    ['NaN memory', { quota: { requestsMemory: Size.mebibytes(NaN) } }, /quota.requestsMemory="NaN": must be whole KiB/],
    ['fractional KiB', { containerLimits: { minMemory: Size.kibibytes(0.5) } }, /containerLimits.minMemory=.*must be whole KiB/],
    ['a container memory beyond any node', { containerLimits: { maxMemory: Size.tebibytes(65) } }, /containerLimits.maxMemory="66560Gi": .*at most 64Ti/],
    ['pods beyond any cluster', { quota: { pods: 1e21 } }, /quota.pods=1e\+21: must be a whole number from 1 to 150000/],
    ['Services beyond a /12', { quota: { services: 2 ** 21 } }, /quota.services=2097152/],
    ['a kube- namespace', { namespaceName: 'kube-system' }, /namespaceName="kube-system": is a namespace Kubernetes reserves/],
    ['podSecurity', { podSecurity: 'open' as PodSecurityLevel }, /podSecurity="open": is not a Pod Security level/],
    ['a credential in a label', { labels: { token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } }, /labels.token="<redacted>"/],
  ])('%s', (_, props, message) => {
    expect(E(props)).toThrow(message);
  });

  test('Namespace settings without the Namespace', () => {
    expect(E({ createNamespace: false, podSecurity: PodSecurityLevel.BASELINE }))
      .toThrow(/podSecurity="baseline": is a setting of the Namespace, which createNamespace: false does not emit/);
    expect(E({ createNamespace: false, labels: { a: 'b' } })).toThrow(/labels=\{"a":"b"\}: is a setting of the Namespace/);
  });
});

describe('FunctionTenant checks the workloads of its namespace at synth', () => {
  test('functions within the limits and the quota synthesize, schema-valid', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant');
    new ServerlessFunction(c, 'hello', { image: IMAGE, warmReplicas: 3 });
    new ServerlessFunction(c, 'events', {
      image: IMAGE,
      scaleToZero: true,
      triggers: [KedaTrigger.kafka({ bootstrapServers: ['kafka:9092'], consumerGroup: 'g', topic: 't' })],
    });
    const objs = synthAndValidate(c);
    expect(objs.slice(0, 3).map(o => o.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange']);
  });

  test('a container above the maximum is an error', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant');
    new ServerlessFunction(c, 'big', {
      image: IMAGE,
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(2) },
        memory: { request: Size.mebibytes(10), limit: Size.mebibytes(50) },
      },
    });
    expect(synthErrors(c)).toMatch(/test\/Tenant: containerLimits=.*test\/big\/Deployment: containers\[0\] \("function"\) has limits 2000m CPU \/ 50Mi, above the namespace's maximum/);
  });

  test('a Linux container with cdk8s-plus defaults (1500m / 2Gi limits) is above the Wasm-sized maximum', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant');
    new kplus.Deployment(c, 'legacy', { containers: [{ image: 'nginx:1.27' }] });
    expect(synthErrors(c)).toMatch(/test\/legacy: containers\[0\] \("main"\) has limits 1500m CPU \/ 2048Mi/);
  });

  test('workloads of other namespaces are not checked', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform', { namespace: 'team-a' });
    new FunctionTenant(platform, 'Tenant');
    const other = new Chart(app, 'other', { namespace: 'other' });
    new kplus.Deployment(other, 'legacy', { containers: [{ image: 'nginx:1.27' }] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a request below the minimum is an error', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant', { containerLimits: { minMemory: Size.mebibytes(12) } });
    new ServerlessFunction(c, 'tiny', { image: IMAGE });
    expect(synthErrors(c)).toMatch(/test\/tiny\/Deployment: containers\[0\] \("function"\) requests 50m CPU \/ 10Mi, below the namespace's minimum/);
  });

  test('a request without a limit above the default limit is an error', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant');
    new kplus.Deployment(c, 'req', {
      replicas: 1,
      containers: [{ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(300) }, memory: { request: Size.mebibytes(10), limit: Size.mebibytes(20) } } }],
    });
    expect(synthErrors(c)).toMatch(/test\/req: containers\[0\] \("main"\) requests 300m CPU \/ 10Mi but sets no limit, and the namespace's default limit is lower/);
  });

  test('warm replicas beyond the quota are an error', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant', { quota: { pods: 5 } });
    new ServerlessFunction(c, 'a', { image: IMAGE, warmReplicas: 3 });
    new ServerlessFunction(c, 'b', { image: IMAGE, warmReplicas: 3 });
    expect(synthErrors(c)).toMatch(/test\/Tenant: quota="team-a": the warm \(minimum\) replicas of the namespace's workloads need 6 pods \(quota 5\), so some could never start/);
  });

  test('the floor is the autoscaler minimum: scale-to-zero functions need no quota at rest', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant', { quota: { pods: 2 } });
    new ServerlessFunction(c, 'warm', { image: IMAGE, warmReplicas: 2 });
    for (const n of [1, 2, 3]) new ServerlessFunction(c, `cold-${n}`, { image: IMAGE, scaleToZero: true, host: `x${n}.example.com` });
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test('CPU and memory of the warm floor are checked against the quota', () => {
    const c = chart();
    new FunctionTenant(c, 'Tenant', { quota: { requestsCpu: kplus.Cpu.millis(100), limitsCpu: kplus.Cpu.units(1), requestsMemory: Size.mebibytes(20) } });
    const d = new WasmDeployment(c, 'w', { wasmContainers: [{ image: IMAGE }] });
    new KedaScaledObject(c, 'so', { target: d, minReplicas: 3, triggers: [KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 4 })] });
    expect(synthErrors(c)).toMatch(/need 150m CPU requested \(quota 100m\), 30Mi memory requested \(quota 20Mi\)/);
  });

  test('two tenants of one namespace are an error', () => {
    const app = Testing.app();
    new FunctionTenant(new Chart(app, 'a'), 'shop');
    new FunctionTenant(new Chart(app, 'b'), 'Tenant', { namespaceName: 'shop', createNamespace: false });
    expect(() => app.synth()).toThrow(/a\/shop: namespaceName="shop": is also the namespace of b\/Tenant/);
  });
});

describe('FunctionTenant.podsThatFit', () => {
  const t = () => new FunctionTenant(chart(), 'Tenant');

  test('the Wasm default size: requests 50m / 10Mi, limits 200m / 50Mi', () => {
    // limits.cpu 20 / 200m = 100; pods quota 100.
    expect(t().podsThatFit(WasmDeployment.DEFAULT_RESOURCES)).toBe(100);
  });

  test('containers without resources get the LimitRange defaults', () => {
    expect(t().podsThatFit({})).toBe(100);
  });

  test('a large container is bounded by the tightest quota', () => {
    // requests.memory 20Gi / 1Gi = 20
    expect(t().podsThatFit({ memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } })).toBe(20);
    // a limit without a request requests the limit: requests.cpu 10 / 500m = 20
    expect(t().podsThatFit({ cpu: { limit: kplus.Cpu.millis(500) } })).toBe(20);
  });
});

describe('FunctionTenant in an app', () => {
  test('isFunctionTenant', () => {
    const c = chart();
    expect(FunctionTenant.isFunctionTenant(new FunctionTenant(c, 'T'))).toBe(true);
    expect(FunctionTenant.isFunctionTenant(c)).toBe(false);
  });
});
