import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { chart, EDGE_SITE, errorOf, fn, IMAGE, ofKind, one, validationText } from './serverless/helpers';
import { FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeDomainClaims, KnativeFeatureFlags } from '../lib/backends/function-backend';
import { WasmRuntime } from '../lib/core/runtime';
import { Gateway } from '../lib/routing';
import { RuntimeClass } from '../lib/runtime-class';
import { KedaTrigger } from '../lib/scaling';
import { ServerlessFunction, ServerlessFunctionProps } from '../lib/serverless-function';
import { Warnings } from '../lib/warnings';

const kafka = () => KedaTrigger.kafka({ bootstrapServers: ['kafka.kafka.svc:9092'], consumerGroup: 'wasm', topic: 'events' });
const cron = () => KedaTrigger.cron({ timezone: 'Asia/Shanghai', start: '0 8 * * 1-5', end: '0 20 * * 1-5', desiredReplicas: 2 });

describe('ServerlessFunction defaults (@default)', () => {
  // cdk8s lib/names.js:147 (normalizeToDnsName, used by toDnsLabel) keeps [-_.]: "_" survives it.
  test('name: an id with "_" still gives a DNS label (cdk8s Names.toDnsLabel keeps "_")', () => {
    const f = new ServerlessFunction(chart(), 'Hello_World', { image: IMAGE });
    expect(f.functionName).toMatch(/^test-hello-world-[0-9a-f]{8}$/);
  });

  test('name: generated from the construct path', () => {
    const c = chart();
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE });
    expect(f.functionName).toMatch(/^test-hello-[0-9a-f]{8}$/);
  });
  test('backend: FunctionBackend.KUBERNETES', () => {
    const f = fn().f;
    expect(f.backend).toBe(FunctionBackend.KUBERNETES);
    expect(f.backend.displayName).toBe('Kubernetes + KEDA');
  });
  test('runtimeClass: K3s wasmedge; on SpinKube the existing wasmtime-spin-v2', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.runtimeClassName).toBe('wasmedge');
    expect(one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinAppExecutor').spec.deploymentConfig.runtimeClassName).toBe('wasmtime-spin-v2');
  });
  test('port: 8080 (80 on SpinKube)', () => {
    expect(fn().f.servicePort).toBe(8080);
    expect(fn({ backend: FunctionBackend.spinKube() }).f.servicePort).toBe(80);
  });
  test('command and args: the image\'s', () => {
    const c = one(fn().objs(), 'Deployment').spec.template.spec.containers[0];
    expect(c.command).toBeUndefined();
    expect(c.args).toBeUndefined();
  });
  test('gateway: no route', () => {
    expect(fn().f.route).toBeUndefined();
  });
  test('host: every host; path: "/"', () => {
    const { f, objs } = fn({ gateway: Gateway.ingress() });
    const rule = one(objs(), 'Ingress').spec.rules[0];
    expect(rule.host).toBeUndefined();
    expect(rule.http.paths[0].path).toBe('/');
    expect(f.route?.pathPrefix).toBe('/');
  });
  test('interceptorAccess: ROUTE_IN_INTERCEPTOR_NAMESPACE', () => {
    const { f } = fn({ gateway: Gateway.traefik(), scaleToZero: true, host: 'a.example.com' });
    expect(f.route?.routeNamespace).toBe('keda');
  });
  test('warmReplicas: 1 (0 with scaleToZero)', () => {
    expect(fn().f.warmReplicas).toBe(1);
    expect(fn({ scaleToZero: true, host: 'a.example.com' }).f.warmReplicas).toBe(0);
  });
  test('scaleToZero: false', () => {
    expect(fn().f.scalesToZero).toBe(false);
  });
  test('maxReplicas: the larger of 10 and warmReplicas when autoscaling, else the fixed warm pool', () => {
    expect(fn({ triggers: [cron()] }).f.maxReplicas).toBe(10);
    expect(fn({ triggers: [cron()], warmReplicas: 15 }).f.maxReplicas).toBe(15);
    expect(fn({ warmReplicas: 3 }).f.maxReplicas).toBe(3);
  });
  test('concurrency: the HTTP add-on\'s 100; Knative sets no containerConcurrency', () => {
    expect(one(fn({ scaleToZero: true, host: 'a.example.com' }).objs(), 'InterceptorRoute').spec.scalingMetric).toEqual({ concurrency: { targetValue: 100 } });
    expect(one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.spec.containerConcurrency).toBeUndefined();
  });
  test('coldStartBudget: 30s (startup probe every 1s, 30 failures)', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].startupProbe).toMatchObject({ periodSeconds: 1, failureThreshold: 30 });
  });
  test('triggers: none (no ScaledObject)', () => {
    expect(ofKind(fn().objs(), 'ScaledObject')).toEqual([]);
  });
  test('resources: requests 50m/10Mi, limits 200m/50Mi on every backend', () => {
    const wasmSized = { requests: { cpu: '50m', memory: '10Mi' }, limits: { cpu: '200m', memory: '50Mi' } };
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].resources).toEqual(wasmSized);
    expect(one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.spec.containers[0].resources).toEqual(wasmSized);
    expect(one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinApp').spec.resources).toEqual(wasmSized);
  });
  test('env and secretEnv: none', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.containers[0].env).toBeUndefined();
  });
  test('placement: none (no nodeSelector)', () => {
    expect(one(fn().objs(), 'Deployment').spec.template.spec.nodeSelector).toBeUndefined();
  });
  test('FunctionBackend.kubernetes httpAddOnApi: INTERCEPTOR_ROUTE', () => {
    const f = fn({ backend: FunctionBackend.kubernetes(), scaleToZero: true, host: 'hello.example.com' });
    expect(f.f.interceptorRoute).toBeDefined();
    expect(f.f.httpScaledObject).toBeUndefined();
  });
  test('FunctionBackend.knative: featureFlags WARN, class KPA, no window or scale-down-delay', () => {
    const ann = one(fn({ backend: FunctionBackend.knative() }).objs(), 'Service').spec.template.metadata.annotations;
    expect(ann['autoscaling.knative.dev/class']).toBe(KnativeAutoscalerClass.KPA);
    expect(ann['autoscaling.knative.dev/window']).toBeUndefined();
    expect(ann['autoscaling.knative.dev/scale-down-delay']).toBeUndefined();
    expect(Warnings.of(fn({ backend: FunctionBackend.knative() }).f).messages).toHaveLength(1);
  });
  test('FunctionBackend.spinKube executorName/executor: an emitted containerd-shim-spin executor with installDefaultCACerts', () => {
    const e = one(fn({ backend: FunctionBackend.spinKube() }).objs(), 'SpinAppExecutor');
    expect(e.metadata.name).toBe('containerd-shim-spin');
    expect(e.spec.deploymentConfig.installDefaultCACerts).toBe(true);
  });
  test('FunctionBackend.openFaas profileNamespace: openfaas', () => {
    expect(one(fn({ backend: FunctionBackend.openFaas() }).objs(), 'Profile').metadata.namespace).toBe('openfaas');
  });
});

describe('ServerlessFunction errors name the construct, prop, value and fix', () => {
  const E = (props: Partial<ServerlessFunctionProps>) => errorOf(() => fn(props));

  test('pre-warm and scale to zero exclude each other', () => {
    expect(E({ scaleToZero: true, warmReplicas: 2 })).toBe('[cdk8s-wasm-edge] test/hello: warmReplicas=2: pre-warmed replicas and scaleToZero exclude each other. '
      + 'Fix: drop warmReplicas to scale to zero when idle, or drop scaleToZero to keep replicas warm');
  });
  test('zero warm replicas needs scaleToZero', () => {
    expect(E({ warmReplicas: 0 })).toMatch(/warmReplicas=0: zero warm replicas means scaling to zero. Fix: set scaleToZero: true/);
  });
  test('maxReplicas below warmReplicas', () => {
    expect(E({ warmReplicas: 4, maxReplicas: 2 })).toMatch(/maxReplicas=2: is below warmReplicas=4. Fix: raise maxReplicas to at least 4/);
  });
  test('HTTP scaling needs a host', () => {
    expect(E({ scaleToZero: true })).toMatch(/^\[cdk8s-wasm-edge\] test\/hello: host=undefined: the KEDA HTTP interceptor routes requests by Host header/);
  });
  test('HTTPScaledObject cannot take event triggers', () => {
    expect(E({ backend: FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }), scaleToZero: true, host: 'a.example.com', gateway: Gateway.traefik(), triggers: [kafka()] }))
      .toMatch(/triggers=\["kafka"\]: an HTTPScaledObject creates its own ScaledObject.*Fix: use HttpAddOnApi.INTERCEPTOR_ROUTE/);
  });
  test('MQTT has no KEDA scaler', () => {
    expect(errorOf(() => fn({ triggers: [KedaTrigger.mqtt()] }))).toMatch(/^\[cdk8s-wasm-edge\] KedaTrigger.mqtt: type="mqtt": KEDA has no MQTT scaler.*KedaTrigger.external/);
  });
  test('scale to zero on CPU alone is refused by the ScaledObject', () => {
    expect(E({ scaleToZero: true, triggers: [KedaTrigger.cpu({ utilization: 70 })] })).toMatch(/minReplicas=0: KEDA cannot scale to zero on cpu triggers alone/);
  });
  test('credentials inline in env', () => {
    expect(E({ env: { DB_PASSWORD: 'hunter2' } })).toBe('[cdk8s-wasm-edge] test/hello: env["DB_PASSWORD"]="<redacted>": "DB_PASSWORD" names a credential; '
      + 'generated files are not Secrets (they land in Git, in cloud-init user-data and in kubectl output). '
      + 'Fix: put it in a Secret and reference it: secretEnv: { DB_PASSWORD: { secretName: "my-secret", key: "db_password" } }');
  });
  test('secretEnv checks', () => {
    expect(E({ env: { A: '1' }, secretEnv: { A: { secretName: 's', key: 'k' } } })).toMatch(/secretEnv\["A"\]="A": is also set in env/);
    expect(E({ secretEnv: { A: { secretName: 'S', key: 'k' } } })).toMatch(/secretEnv\["A"\].secretName="S": is not a DNS-1123 subdomain/);
    expect(E({ secretEnv: { A: { secretName: 's', key: 'a b' } } })).toMatch(/secretEnv\["A"\].key="a b": is not a Secret key/);
    expect(E({ env: { '1X': 'v' } })).toMatch(/env\["1X"\]="1X": is not an environment variable name/);
  });
  test('coldStartBudget range', () => {
    expect(E({ coldStartBudget: Duration.seconds(0) })).toMatch(/coldStartBudget="0ms": must be more than 0 and at most 1 hour/);
    expect(E({ coldStartBudget: Duration.hours(2) })).toMatch(/coldStartBudget="7200000ms"/);
  });
  test('image, name, port, concurrency', () => {
    expect(E({ image: 'Not An Image' })).toMatch(/test\/hello: image="Not An Image": is not a valid OCI image reference/);
    expect(E({ name: 'Hello' })).toMatch(/test\/hello: name="Hello": is not a DNS-1035 label/);
    expect(E({ port: 70000 })).toMatch(/port=70000: is not a port \(a whole number from 1 to 65535\)/);
    expect(E({ concurrency: 0 })).toMatch(/concurrency=0: must be a whole number from 1 to 1000000/);
  });
  test('runwasi needs an absolute entrypoint', () => {
    expect(E({ command: ['app.wasm'] })).toMatch(/command=\["app.wasm"\]: runwasi shims start the entrypoint as a path.*Fix: use "\/app.wasm"/);
  });
  test('resources: limit below request', () => {
    expect(E({ backend: FunctionBackend.knative(), resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(100) } } }))
      .toMatch(/resources.cpu=\{"request":"500m","limit":"100m"\}: the CPU limit is below the request/);
  });
  test('bad host and path', () => {
    expect(E({ host: 'Bad Host' })).toMatch(/host="Bad Host": is not a DNS host name/);
    expect(E({ path: 'no-slash' })).toMatch(/path="no-slash": is not an absolute URL path prefix/);
  });

  describe('Knative cannot express', () => {
    const K = (props: Partial<ServerlessFunctionProps>, options = {}) => E({ backend: FunctionBackend.knative(options), ...props });
    test('KEDA triggers', () => {
      expect(K({ triggers: [kafka()] })).toMatch(/triggers=\["kafka"\]: the Knative backend cannot express triggers: Knative scales a Service on its own HTTP metrics.*Fix: deliver events over HTTP with Knative Eventing/);
    });
    test('a gateway', () => {
      expect(K({ gateway: Gateway.traefik() })).toMatch(/gateway="IngressRoute": the Knative backend cannot express gateway.*Fix: drop gateway; set host to map a custom domain/);
    });
    test('a path', () => {
      expect(K({ path: '/api' })).toMatch(/path="\/api": the Knative backend cannot express path: a Knative Service is addressed by host name only/);
    });
    test('a wildcard host', () => {
      expect(K({ host: '*.example.com' })).toMatch(/host="\*.example.com": the Knative backend cannot express host: a DomainMapping maps one exact domain/);
    });
    test('queue-proxy ports', () => {
      expect(K({ port: 8012 })).toMatch(/port=8012: Knative's queue-proxy sidecar uses ports 8012, 8013, 8022, 9090, 9091/);
    });
    test('HPA class with scale to zero or concurrency', () => {
      expect(K({ scaleToZero: true }, { autoscalerClass: KnativeAutoscalerClass.HPA })).toMatch(/scaleToZero=true: the Knative HPA autoscaler class cannot scale to zero/);
      expect(K({ concurrency: 5 }, { autoscalerClass: KnativeAutoscalerClass.HPA })).toMatch(/concurrency=5: the Knative HPA autoscaler class scales on CPU or memory/);
    });
    test('window out of range', () => {
      expect(K({}, { window: Duration.seconds(2) })).toMatch(/window="2s": must be whole seconds from 6 to 3600/);
    });
  });

  describe('SpinKube cannot express', () => {
    const S = (props: Partial<ServerlessFunctionProps>) => E({ backend: FunctionBackend.spinKube(), ...props });
    test('placement', () => {
      expect(S({ placement: EDGE_SITE })).toBe('[cdk8s-wasm-edge] test/hello: placement="edge-site-a": the SpinKube backend cannot express placement: SpinApp has no nodeSelector or tolerations (spin-operator builds the pods). '
        + 'Fix: drop placement and steer pods with the RuntimeClass\'s scheduling (RuntimeClass.wasmtimeSpinV2 with nodeSelector/tolerations), or use FunctionBackend.KUBERNETES');
    });
    test('another port', () => {
      expect(S({ port: 8080 })).toMatch(/port=8080: the SpinKube backend cannot express port: spin-operator always serves Spin apps on port 80/);
    });
    test('command', () => {
      expect(S({ command: ['/app.wasm'] })).toMatch(/command=\["\/app.wasm"\]: the SpinKube backend cannot express command/);
    });
    test('a non-Spin RuntimeClass', () => {
      const c = chart();
      expect(errorOf(() => new ServerlessFunction(c, 'hello', { image: IMAGE, backend: FunctionBackend.spinKube(), runtimeClass: RuntimeClass.fromK3s(c, 'W', WasmRuntime.WASMEDGE) })))
        .toMatch(/runtimeClass="wasmedge": the SpinKube backend cannot express runtimeClass: SpinApps need the Spin shim.*RuntimeClass.wasmtimeSpinV2/);
    });
    test('env names that are not Spin variable names', () => {
      expect(S({ env: { LOG_LEVEL: 'debug' } })).toMatch(/env\["LOG_LEVEL"\]="LOG_LEVEL": the SpinKube backend cannot express env\["LOG_LEVEL"\].*Fix: rename it to "log_level"/);
    });
    test('executor name', () => {
      expect(errorOf(() => FunctionBackend.spinKube({ executorName: 'Bad' }))).toMatch(/FunctionBackend.spinKube: executorName="Bad"/);
    });
  });

  describe('OpenFaaS cannot express', () => {
    const O = (props: Partial<ServerlessFunctionProps>) => E({ backend: FunctionBackend.openFaas(), ...props });
    test('KEDA triggers', () => {
      expect(O({ triggers: [cron()] })).toMatch(/triggers=\["cron"\]: the OpenFaaS backend cannot express triggers.*cron-connector/);
    });
    test('another port', () => {
      expect(O({ port: 3000 })).toMatch(/port=3000: the OpenFaaS backend cannot express port: faas-netes routes to the watchdog port 8080/);
    });
    test('secrets as environment variables', () => {
      expect(O({ secretEnv: { TOKEN: { secretName: 's', key: 'k' } } })).toMatch(/secretEnv=\["TOKEN"\]: the OpenFaaS backend cannot express secretEnv: OpenFaaS mounts secrets as files/);
    });
    test('command', () => {
      expect(O({ args: ['--x'] })).toMatch(/args=\["--x"\]: the OpenFaaS backend cannot express args/);
    });
    test('a direct route to a function that scales to zero', () => {
      expect(O({ scaleToZero: true, gateway: Gateway.ingress() })).toMatch(/the OpenFaaS backend cannot express gateway: a scaled-to-zero OpenFaaS function is woken only by requests through the OpenFaaS gateway/);
    });
  });
});

describe('cross-checks at synth', () => {
  test('two autoscalers on one SpinApp Deployment are refused (one ScaledObject per workload)', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same', backend: FunctionBackend.spinKube(), triggers: [kafka()] });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same', backend: FunctionBackend.spinKube({ executorName: 'x' }), triggers: [cron()] });
    expect(validationText(c)).toMatch(/two autoscalers on one workload fight over its replica count/);
  });
  test('the gateway and its route object are recorded on the route', () => {
    const route = fn({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }) }).f.route!;
    expect(route.gateway.routeKind).toBe('HTTPRoute');
    expect(route.apiObject.kind).toBe('HTTPRoute');
    expect(route.resource).toBe(route.apiObject);
  });
});

describe('the app-level name check (one pass from the app root)', () => {
  test('two functions of one name in a namespace: each names the objects the other claims, under the app root', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same' });
    const backend = FunctionBackend.knative({ featureFlags: KnativeFeatureFlags.ASSUME_ENABLED });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same', backend });
    const text = validationText(c);
    expect(text).toMatch(/\[\] \[cdk8s-wasm-edge\] test\/a: name="Service apps\/same": test\/b claims the same name \(Service apps\/same \(created by Knative\)\)/);
    expect(text).toMatch(/\[\] \[cdk8s-wasm-edge\] test\/b: name="Service apps\/same \(created by Knative\)": test\/a\/Deployment\/sameService\/Resource claims/);
  });

  test('functions of one name in two namespaces, and a function\'s own route, do not clash', () => {
    const app = chart('one').node.root as Construct;
    new ServerlessFunction(new Chart(app, 'c1', { namespace: 'one' }), 'f', { image: IMAGE, name: 'same', gateway: Gateway.traefik(), host: 'a.example.com' });
    new ServerlessFunction(new Chart(app, 'c2', { namespace: 'two' }), 'f', { image: IMAGE, name: 'same', gateway: Gateway.traefik(), host: 'b.example.com' });
    expect(() => (app as App).synth()).not.toThrow();
  });

  test('Knative domains are claimed app-wide, also when the cluster creates the ClusterDomainClaims', () => {
    const c = chart();
    const knative = () => FunctionBackend.knative({
      featureFlags: KnativeFeatureFlags.ASSUME_ENABLED, domainClaims: KnativeDomainClaims.CLUSTER_AUTOCREATES,
    });
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'a', backend: knative(), host: 'hello.example.com' });
    new ServerlessFunction(new Chart(c.node.root as Construct, 'other', { namespace: 'other' }), 'b', { image: IMAGE, name: 'b', backend: knative(), host: 'hello.example.com' });
    expect(validationText(c)).toMatch(/test\/a: name="Knative domain hello.example.com": other\/b claims the same name/);
  });
});
