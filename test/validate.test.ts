import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { synthAndValidate, synthAppAndValidate, validateObjects, validationErrors } from './util/validate';

// Tests of the validation helper itself: it must accept what a cluster accepts
// and reject (with a useful path) what `kubectl apply --validate=strict` rejects.

function deployment(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          runtimeClassName: 'wasmedge',
          containers: [{
            name: 'app',
            image: 'ghcr.io/example/app:1.0',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.1 } },
            ...container,
          }],
        },
      },
      ...spec,
    },
  };
}

function scaledObject(spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web', namespace: 'apps' },
    spec: {
      scaleTargetRef: { name: 'web' },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      triggers: [{ type: 'prometheus', metadata: { serverAddress: 'http://prom:9090', query: 'up', threshold: '5' } }],
      ...spec,
    },
  };
}

function runtimeClass(rest: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: 'wasmedge' },
    handler: 'wasmedge',
    scheduling: {
      nodeSelector: { 'wasm.example.com/runtime': 'wasmedge' },
      tolerations: [{ key: 'wasm', operator: 'Exists', effect: 'NoSchedule' }],
    },
    overhead: { podFixed: { cpu: '10m', memory: '16Mi' } },
    ...rest,
  };
}

/** Asserts that some error is at `path` and mentions `text`. */
function expectError(obj: any, path: string, text: string | RegExp): void {
  const errors = validationErrors([obj]);
  const matching = errors.filter((e) => e.includes(` ${path}: `) && (typeof text === 'string' ? e.includes(text) : text.test(e)));
  if (matching.length === 0) {
    throw new Error(`expected an error at ${path} matching ${text}, got:\n  ${errors.join('\n  ') || '(no errors)'}`);
  }
}

describe('built-in kinds', () => {
  test('a valid Deployment passes', () => {
    expect(validationErrors([deployment()])).toEqual([]);
    expect(() => validateObjects([deployment()])).not.toThrow();
  });

  test('an unknown field in a container fails, naming the path', () => {
    const obj = deployment({ imagePullPolicyy: 'Always' });
    expectError(obj, 'spec.template.spec.containers[0].imagePullPolicyy', 'unknown field "imagePullPolicyy"');
    expect(() => validateObjects([obj])).toThrow(
      /\[doc 0\] apps\/v1\/Deployment "web": spec\.template\.spec\.containers\[0\]\.imagePullPolicyy: unknown field/,
    );
  });

  test('unknown fields are found at every depth', () => {
    expectError(deployment({}, { strategy: { rollingUpdate: { maxSurg: 1 } } }), 'spec.strategy.rollingUpdate.maxSurg', 'unknown field');
    expectError(deployment({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', keyy: 'k' } } }] }),
      'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.keyy', 'unknown field');
    const topLevel = { ...deployment(), status2: {} };
    expectError(topLevel, 'status2', 'unknown field');
  });

  test('a wrong type fails', () => {
    expectError(deployment({}, { replicas: '2' }), 'spec.replicas', 'must be integer');
    expectError(deployment({ ports: [{ containerPort: '8080' }] }), 'spec.template.spec.containers[0].ports[0].containerPort', 'must be integer');
  });

  test('a bad enum fails', () => {
    expectError(deployment({ imagePullPolicy: 'Sometimes' }), 'spec.template.spec.containers[0].imagePullPolicy', 'must be one of');
  });

  test('missing container name and image fail', () => {
    const noName = deployment();
    delete noName.spec.template.spec.containers[0].name;
    expectError(noName, 'spec.template.spec.containers[0].name', 'required field missing');

    const noImage = deployment();
    delete noImage.spec.template.spec.containers[0].image;
    expectError(noImage, 'spec.template.spec.containers[0].image', 'required field missing');
  });

  test('a missing required spec field fails', () => {
    const obj = deployment();
    delete obj.spec.selector;
    expectError(obj, 'spec.selector', 'required field missing');
  });

  test('RuntimeClass with scheduling.nodeSelector and overhead.podFixed passes', () => {
    expect(validationErrors([runtimeClass()])).toEqual([]);
  });

  test('RuntimeClass with a misspelled field fails', () => {
    expectError(runtimeClass({ overhead: { podfixed: { cpu: '10m' } } }), 'overhead.podfixed', 'unknown field "podfixed"');
    expectError(runtimeClass({ scheduling: { nodeSelectors: { a: 'b' } } }), 'scheduling.nodeSelectors', 'unknown field');
    expectError(runtimeClass({ handlr: 'wasmedge' }), 'handlr', 'unknown field');
  });

  test('quantities must parse and be non-negative', () => {
    expectError(runtimeClass({ overhead: { podFixed: { cpu: '10 m' } } }), 'overhead.podFixed.cpu', 'not a valid quantity');
    expectError(deployment({ resources: { limits: { memory: '128MB' } } }), 'spec.template.spec.containers[0].resources.limits.memory', 'not a valid quantity');
    expectError(deployment({ resources: { requests: { cpu: '-1' } } }), 'spec.template.spec.containers[0].resources.requests.cpu', 'greater than or equal to 0');
    for (const ok of ['1', '0.5', '.5', '1.', '100m', '1Ki', '2Gi', '1e3', '1E', '+2M']) {
      expect(validationErrors([runtimeClass({ overhead: { podFixed: { memory: ok } } })])).toEqual([]);
    }
  });

  test('a bad label value fails', () => {
    const obj = deployment();
    obj.metadata.labels.version = 'v1.0 beta';
    expectError(obj, 'metadata.labels.version', 'invalid value "v1.0 beta"');

    const tooLong = deployment();
    tooLong.spec.template.metadata.labels.app = 'x'.repeat(64);
    expectError(tooLong, 'spec.template.metadata.labels.app', 'no more than 63 characters');
  });

  test('bad label and annotation keys and selector labels fail', () => {
    const obj = deployment({}, { selector: { matchLabels: { 'Bad_Prefix/app': 'web' } } });
    obj.metadata.annotations = { 'example.com/ok': 'x', '-bad': 'y' };
    expectError(obj, 'spec.selector.matchLabels["Bad_Prefix/app"]', 'invalid key: prefix part');
    expectError(obj, 'metadata.annotations["-bad"]', 'invalid key');
  });

  test('object names must be DNS subdomains (Services: DNS-1035 labels; RBAC: path segments)', () => {
    const obj = deployment();
    obj.metadata.name = 'Web_App';
    expectError(obj, 'metadata.name', 'DNS-1123 subdomain');

    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } };
    expectError(svc, 'metadata.name', 'DNS-1035 label');

    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:wasm-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    };
    expect(validationErrors([role])).toEqual([]);
  });

  test('port names: IANA_SVC_NAME for containers, DNS-1123 label for Services', () => {
    expectError(deployment({ ports: [{ name: 'metrics-endpoint', containerPort: 9090 }] }),
      'spec.template.spec.containers[0].ports[0].name', 'no more than 15 characters');
    expectError(deployment({ ports: [{ name: '8080', containerPort: 8080 }] }),
      'spec.template.spec.containers[0].ports[0].name', 'at least one letter');

    const svc = (ports: any[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports } });
    expect(validationErrors([svc([{ name: 'metrics-endpoint', port: 9090, targetPort: 'metrics' }])])).toEqual([]);
    expectError(svc([{ port: 80 }, { name: 'https', port: 443 }]), 'spec.ports[0].name', 'required field missing');
    expectError(svc([{ name: 'Web', port: 80 }]), 'spec.ports[0].name', 'DNS-1123 label');
    expectError(svc([{ name: 'web', port: 80, targetPort: 'metrics-endpoint' }]), 'spec.ports[0].targetPort', 'IANA_SVC_NAME');
  });

  test('an unknown kind in a built-in group fails', () => {
    expectError({ apiVersion: 'apps/v1', kind: 'Deploymnt', metadata: { name: 'x' } }, '(root)', 'no schema for apps/v1/Deploymnt');
    // A nested type is not a kind.
    expectError({ apiVersion: 'v1', kind: 'Container', metadata: { name: 'x' } }, '(root)', 'no schema for v1/Container');
    // Known to kubernetes-models, but removed long before Kubernetes 1.30.
    expectError({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'x' } }, '(root)', 'not served by Kubernetes 1.30');
  });

  test('other built-in groups and versions validate (v1 Event, autoscaling/v2, policy/v1)', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    };
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } };
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, eventTime: '2024-01-01T00:00:00.000000Z' };
    expect(validationErrors([hpa, pdb, event])).toEqual([]);

    hpa.spec.behavior.scaleDown = { ...hpa.spec.behavior.scaleDown, selectPolicyy: 'Max' } as any;
    expectError(hpa, 'spec.behavior.scaleDown.selectPolicyy', 'unknown field');
    expectError({ ...event, reportingControler: 'x' }, 'reportingControler', 'unknown field');
  });
});

describe('custom resources', () => {
  test('a valid KEDA ScaledObject passes', () => {
    expect(validationErrors([scaledObject()])).toEqual([]);
  });

  test('a ScaledObject with an unknown spec field fails', () => {
    expectError(scaledObject({ pollingIntervall: 30 }), 'spec.pollingIntervall', 'unknown field "pollingIntervall"');
    expectError(scaledObject({ advanced: { horizontalPodAutoscalerConfig: { behaviour: {} } } }),
      'spec.advanced.horizontalPodAutoscalerConfig.behaviour', 'unknown field');
  });

  test('a ScaledObject with a wrong type or a missing required field fails', () => {
    expectError(scaledObject({ maxReplicaCount: 'ten' }), 'spec.maxReplicaCount', 'must be integer');
    expectError(scaledObject({ scaleTargetRef: {} }), 'spec.scaleTargetRef.name', 'required field missing');
  });

  test('custom resource metadata is validated as ObjectMeta', () => {
    const bad = scaledObject();
    bad.metadata.labelz = { a: 'b' };
    bad.metadata.labels = { app: 'not valid!' };
    expectError(bad, 'metadata.labelz', 'unknown field');
    expectError(bad, 'metadata.labels.app', 'invalid value');
  });

  test('structural-schema extensions: int-or-string, nullable, OpenAPI v3.0 exclusiveMinimum, formats', () => {
    // Agones' FleetAutoscaler CRD uses all of them.
    const fas = (policy: Record<string, unknown>, sync?: Record<string, unknown>) => ({
      apiVersion: 'autoscaling.agones.dev/v1',
      kind: 'FleetAutoscaler',
      metadata: { name: 'fas' },
      spec: { fleetName: 'fleet', policy: { type: 'Buffer', ...policy }, ...(sync ? { sync } : {}) },
    });
    expect(validationErrors([
      fas({ buffer: { maxReplicas: 10, bufferSize: '20%' }, webhook: null }, { type: 'FixedInterval', fixedInterval: { seconds: 30 } }),
      fas({ buffer: { maxReplicas: 10, bufferSize: 5 } }),
      fas({ type: 'Webhook', webhook: { url: 'https://example.com', caBundle: 'aGVsbG8=' } }),
    ])).toEqual([]);

    expectError(fas({ buffer: { maxReplicas: 10, bufferSize: true } }), 'spec.policy.buffer.bufferSize', 'must match a schema in anyOf');
    expectError(fas({}, { type: 'FixedInterval', fixedInterval: { seconds: 0 } }), 'spec.sync.fixedInterval.seconds', 'must be > 0');
    expectError(fas({ type: 'Webhook', webhook: { caBundle: 'not base64!' } }), 'spec.policy.webhook.caBundle', 'must match format "byte"');
    expectError(fas({ type: 'Bufer', buffer: { maxReplicas: 10 } }), 'spec.policy.type', 'must be one of');
    // Non-nullable fields reject null (the API server would silently prune it).
    expectError(fas({ type: null }), 'spec.policy.type', 'must be string');
  });

  test('a valid Knative Service passes', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', labels: { 'networking.knative.dev/visibility': 'cluster-local' } },
      spec: {
        template: {
          metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '0', 'autoscaling.knative.dev/target': '10' } },
          spec: {
            runtimeClassName: 'wasmedge',
            containerConcurrency: 0,
            timeoutSeconds: 300,
            containers: [{
              image: 'ghcr.io/example/hello-wasm:1.0',
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'RUST_LOG', value: 'info' }],
              resources: { limits: { cpu: '1', memory: '64Mi' } },
            }],
          },
        },
        traffic: [{ latestRevision: true, percent: 100 }],
      },
    };
    expect(validationErrors([ksvc])).toEqual([]);

    ksvc.spec.template.spec.containers[0] = { ...ksvc.spec.template.spec.containers[0], imagee: 'x' } as any;
    expectError(ksvc, 'spec.template.spec.containers[0].imagee', 'unknown field');
  });

  test('an unknown apiVersion/kind fails', () => {
    expectError({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, '(root)', 'no schema for example.com/v1/Widget');
    // The kind exists, but not at this version.
    expectError({ apiVersion: 'keda.sh/v1', kind: 'ScaledObject', metadata: { name: 'w' } }, '(root)', 'no schema for keda.sh/v1/ScaledObject');
  });
});

describe('synthesis helpers', () => {
  test('a cdk8s-plus-30 Deployment (with Service) synthesizes and validates', () => {
    const chart = Testing.chart();
    const dep = new kplus.Deployment(chart, 'web', {
      replicas: 2,
      containers: [{
        name: 'app',
        image: 'ghcr.io/example/app:1.0',
        portNumber: 8080,
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        },
      }],
    });
    dep.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });

    const objects = synthAndValidate(chart);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service']);
  });

  test('synthAndValidate throws on an invalid chart', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx', portNumber: 80 }] })
      .podMetadata.addLabel('bad', 'not ok');
    expect(() => synthAndValidate(chart)).toThrow(/labels.bad: invalid value "not ok"/);
  });

  test('synthAppAndValidate validates every chart of an App', () => {
    const app = Testing.app();
    new kplus.Deployment(new Chart(app, 'one'), 'web', { containers: [{ image: 'nginx', portNumber: 80 }] });
    const two = new Chart(app, 'two');
    new kplus.ConfigMap(two, 'config', { data: { key: 'value' } });

    const objects = synthAppAndValidate(app);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment']);

    new kplus.Deployment(two, 'broken', { containers: [{ image: 'nginx', portNumber: 80 }] }).podMetadata.addLabel('bad', 'a b');
    expect(() => synthAppAndValidate(app)).toThrow(/apps\/v1\/Deployment ".*broken.*": spec\.template\.metadata\.labels\.bad/);
  });
});

describe('CRD patterns in Go RE2 syntax', () => {
  test('an inline (?i) flag is read as the API server reads it', () => {
    const rule = (strategy: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r' },
      spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ alert: 'A', expr: 'up == 0' }] }] },
    });
    expect(validationErrors([rule('WARN'), rule('abort'), rule('')])).toEqual([]);
    expect(validationErrors([rule('nope')]).join('\n')).toMatch(/partial_response_strategy/);
  });
});
