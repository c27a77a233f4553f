import { ApiObject, App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { chart, errorOf, fn, IMAGE, kinds, ofKind, one, validationText } from './helpers';
import {
  FunctionBackend, HttpAddOnApi, KnativeAutoscalerClass, KnativeDomainClaims, OpenFaasEdition,
} from '../../lib/backends/function-backend';
import { Gateway, InterceptorAccess, RouteBackend, TraefikEntryPoint } from '../../lib/routing';
import { FunctionRoute } from '../../lib/routing/function-route';
import { KedaTrigger } from '../../lib/scaling';
import { ServerlessFunction, ServerlessFunctionProps } from '../../lib/serverless-function';
import { Warnings } from '../../lib/warnings';
import { synthAndValidate, synthAppAndValidate } from '../util/validate';
import { rootWalks } from '../util/walks';

const E = (props: Partial<ServerlessFunctionProps>) => errorOf(() => fn(props));

const BACKENDS: Array<[string, () => FunctionBackend]> = [
  ['Kubernetes', () => FunctionBackend.KUBERNETES],
  ['Knative', () => FunctionBackend.knative()],
  ['SpinKube', () => FunctionBackend.spinKube()],
  ['OpenFaaS', () => FunctionBackend.openFaas()],
];
const GATEWAYS: Array<[string, () => Gateway]> = [
  ['Traefik', () => Gateway.traefik()],
  ['Ingress', () => Gateway.ingress()],
  ['Gateway API', () => Gateway.gatewayApi({ gatewayName: 'edge' })],
];

describe('A3: one credential detector for env (and args), on every backend', () => {
  // env reaches the Deployment's env, the Knative container env, the SpinApp variables and the
  // OpenFaaS Function environment: all readable with kubectl get -o yaml.
  test.each(BACKENDS)('%s: a credential name without separators (DBPASSWORD) is refused', (_, backend) => {
    const name = backend().displayName === 'SpinKube' ? 'dbpassword' : 'DBPASSWORD';
    const m = E({ backend: backend(), env: { [name]: 'hunter2' } });
    expect(m).toMatch(new RegExp(`env\\["${name}"\\]="<redacted>": "${name}" names a credential.*Fix: put it in a Secret and reference it: secretEnv`));
    expect(m).not.toMatch(/hunter2/);
  });

  test.each(BACKENDS)('%s: a URL with a password under an innocent name (DB_URL) is refused, without echoing it', (_, backend) => {
    const name = backend().displayName === 'SpinKube' ? 'db_url' : 'DB_URL';
    const m = E({ backend: backend(), env: { [name]: 'postgres://app:s3cret@db.apps.svc:5432/app' } });
    expect(m).toMatch(/="<redacted>": the URL carries a user name and password/);
    expect(m).not.toMatch(/s3cret/);
  });

  test.each(BACKENDS)('%s: a token value is refused; a switch under a credential-looking name is not', (_, backend) => {
    const spin = backend().displayName === 'SpinKube';
    expect(E({ backend: backend(), env: { [spin ? 'github' : 'GITHUB']: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } })).toMatch(/it holds a GitHub token/);
    // A mode is not a secret: PASSWORD_REQUIRED=true says how, not with what.
    const { objs } = fn({ backend: backend(), env: { [spin ? 'password_required' : 'PASSWORD_REQUIRED']: 'true' } });
    expect(() => objs()).not.toThrow();
  });

  test('a credential on the command line is refused', () => {
    expect(E({ args: ['--db', 'postgres://app:s3cret@db:5432/app'] })).toMatch(/args\[1\]="<redacted>": the URL carries a user name and password.*Fix: pass the credential through secretEnv/);
  });

  test('secretEnv stays the way: a Secret reference per backend', () => {
    const o = fn({ backend: FunctionBackend.knative(), secretEnv: { DB_PASSWORD: { secretName: 'db', key: 'password' } } }).objs();
    expect(one(o, 'Service').spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]);
  });
});

describe('A4: names, ports and numbers', () => {
  // kubernetes pkg/apis/core/validation/validation.go ValidateServiceName (DNS-1035): each backend
  // creates a Service named after the function (ours; Knative's, spin-operator's and faas-netes').
  test.each(BACKENDS)('%s: name "1abc" is refused (a Service name starts with a letter)', (_, backend) => {
    expect(E({ backend: backend(), name: '1abc' })).toMatch(/name="1abc": is not a DNS-1035 label.*Kubernetes refuses it as a Service name. Fix: use a name such as "fn-1abc"/);
  });

  test('a generated name from a path starting with a digit gets a letter first', () => {
    const app = Testing.app();
    const c = new Chart(app, '1edge', { namespace: 'apps' });
    const f = new ServerlessFunction(c, '2fn', { image: IMAGE });
    expect(f.functionName).toMatch(/^fn-1edge-2fn-[0-9a-f]+$/);
    expect(one(synthAndValidate(c), 'Service').metadata.name).toBe(f.functionName);
  });

  test.each([0, -1, 1.5, 65536, NaN, Infinity])('port %p is refused with the library error', port => {
    expect(E({ port })).toMatch(/^\[cdk8s-wasm-edge\] test\/hello: port=.*is not a port \(a whole number from 1 to 65535\)/);
  });

  test('replica counts: whole, finite, int32 (KEDA ScaledObject maxReplicaCount and HPA maxReplicas are int32)', () => {
    // kedacore/keda apis/keda/v1alpha1/scaledobject_types.go MaxReplicaCount *int32 (CRD format int32);
    // kubernetes autoscaling/v2 HorizontalPodAutoscalerSpec.MaxReplicas int32.
    expect(E({ maxReplicas: 2 ** 31 })).toMatch(/maxReplicas=2147483648: must be a whole number >= 1 and <= 2147483647/);
    expect(E({ maxReplicas: NaN })).toMatch(/maxReplicas=null: must be a whole number/);
    expect(E({ warmReplicas: Infinity })).toMatch(/warmReplicas=null: must be a whole number/);
    expect(E({ concurrency: NaN })).toMatch(/concurrency=null: must be a whole number from 1 to 1000000/);
    expect(E({ coldStartBudget: Duration.millis(NaN) })).toMatch(/coldStartBudget="NaNms": must be more than 0 and at most 1 hour/);
  });

  test('Knative: containerConcurrency above config-defaults container-concurrency-max-limit (1000) is refused', () => {
    // knative/serving pkg/apis/serving/k8s_validation.go ValidateContainerConcurrency; knative/docs
    // docs/serving/configuration/config-defaults.md: container-concurrency-max-limit "1000".
    expect(E({ backend: FunctionBackend.knative(), concurrency: 1001 })).toMatch(/concurrency=1001: Knative refuses a containerConcurrency above config-defaults container-concurrency-max-limit \(1000 by default\)/);
    expect(one(fn({ backend: FunctionBackend.knative(), concurrency: 1000 }).objs(), 'Service').spec.template.spec.containerConcurrency).toBe(1000);
  });

  test('env, secretEnv, command and args of the wrong type end in the library error', () => {
    expect(E({ env: 'X=1' as any })).toMatch(/env="X=1": is not a map of variable names to values/);
    expect(E({ secretEnv: [] as any })).toMatch(/secretEnv=\[\]: is not a map/);
    expect(E({ command: 'app.wasm' as any })).toMatch(/command="app.wasm": is not a list of strings/);
    expect(E({ secretEnv: { A: { secretName: 'db', key: 5 as any } } })).toMatch(/secretEnv\["A"\].key=5: is not a Secret key/);
  });

  test('resources: whole millicores, whole MiB of memory (cdk8s-plus container.js toMebibytes), finite and bounded', () => {
    // cdk8s-plus-30 lib/container.js writes limits.memory as toMebibytes() + "Mi", which throws for a
    // fraction: the library refuses first, on every backend.
    for (const backend of BACKENDS.map(([, b]) => b)) {
      expect(E({ backend: backend(), resources: { memory: { limit: Size.kibibytes(1536) } } })).toMatch(/resources.memory.limit="1536Ki": must be a whole number of MiB \(cdk8s-plus renders container memory in Mi\) from 1Mi/);
      expect(E({ backend: backend(), resources: { memory: { limit: Size.mebibytes(1e21) } } })).toMatch(/resources.memory.limit=.*: must be a whole number of MiB .* \(no node has more memory\)/);
      expect(E({ backend: backend(), resources: { cpu: { limit: kplus.Cpu.millis(NaN) } } })).toMatch(/resources.cpu.limit=.*NaN.*: must be/);
    }
    expect(E({ resources: { cpu: { limit: kplus.Cpu.millis(0.5) } } })).toMatch(/resources.cpu.limit="0.5m": must be a whole number of millicores/);
    expect(E({ resources: { ephemeralStorage: { limit: Size.mebibytes(512) } } })).toMatch(/resources.ephemeralStorage.limit="524288Ki": must be a whole number of GiB/);
  });

  test('objects of the wrong type end in the library error, not a TypeError', () => {
    expect(E({ triggers: KedaTrigger.cpu({ utilization: 50 }) as any })).toMatch(/triggers=.*is not a list of KedaTriggers/);
    expect(E({ runtimeClass: 'wasmedge' as any })).toMatch(/runtimeClass="wasmedge": is not a RuntimeClass/);
    expect(E({ coldStartBudget: 5 as any })).toMatch(/coldStartBudget=5: is not a Duration/);
    expect(E({ gateway: 'traefik' as any })).toMatch(/gateway="traefik": is not a Gateway/);
    expect(errorOf(() => RouteBackend.kedaHttpInterceptor({ access: 'other' as any }))).toMatch(/RouteBackend.kedaHttpInterceptor: access="other": is not an InterceptorAccess/);
    expect(errorOf(() => Gateway.traefik({ entryPoints: ['web' as any] }))).toMatch(/Gateway.traefik: entryPoints\[0\]="web": is not a TraefikEntryPoint/);
    expect(errorOf(() => RouteBackend.service('hello', NaN))).toMatch(/port=null: is not a port/);
  });

  // From JavaScript (or a jsii language without a type checker), a number passes a name regex
  // (/^[a-z0-9]+$/.test(5) is true) and would reach the output as a number.
  const WRONG_TYPES: Array<[string, () => unknown]> = [
    ['image', () => fn({ image: 5 as any })],
    ['name', () => fn({ name: 5 as any })],
    ['host', () => fn({ host: 5 as any })],
    ['hosts', () => fn({ hosts: 'a.example.com' as any })],
    ['paths', () => fn({ paths: [5 as any] })],
    ['env', () => fn({ env: { A: 5 as any } })],
    ['placement', () => fn({ placement: 'edge' as any })],
    ['backend', () => fn({ backend: 'knative' as any })],
    ['warmReplicas', () => fn({ warmReplicas: '2' as any })],
    ['routeAnnotations', () => fn({ gateway: Gateway.traefik(), routeAnnotations: 'x' as any })],
    ['middlewares', () => fn({ gateway: Gateway.traefik(), middlewares: 'strip' as any })],
    ['middlewares[0].name', () => fn({ gateway: Gateway.traefik(), middlewares: [{ name: 5 as any }] })],
    ['resources', () => fn({ resources: 'small' as any })],
    ['props', () => new ServerlessFunction(chart(), 'f', undefined as any)],
    ['window', () => fn({ backend: FunctionBackend.knative({ window: 5 as any }) })],
    ['executor.name', () => FunctionBackend.spinKube({ executor: { name: 5 as any } })],
    ['gatewayName', () => Gateway.gatewayApi({ gatewayName: 5 as any })],
    ['entry point name', () => TraefikEntryPoint.of(5 as any)],
    ['route name', () => new FunctionRoute(chart(), 'r', { gateway: Gateway.traefik(), backend: RouteBackend.service('a', 80), name: 5 as any })],
  ];
  test.each(WRONG_TYPES)('a wrong type for %s ends in the library error', (_, make) => {
    expect(errorOf(make)).toMatch(/^\[cdk8s-wasm-edge\] /);
  });

  test('the ExternalName Service of a route is a Service: its name must start with a letter', () => {
    const c = chart();
    expect(errorOf(() => new FunctionRoute(c, 'r', {
      gateway: Gateway.traefik(), backend: RouteBackend.kedaHttpInterceptor({ access: InterceptorAccess.EXTERNAL_NAME_SERVICE }), name: '1abc', host: 'a.example.com',
    }))).toMatch(/name="1abc-interceptor": is not a DNS-1035 label/);
  });
});

describe('A4: route paths and hosts the consumers refuse', () => {
  // gateway-api config/crd/standard/gateway.networking.k8s.io_httproutes.yaml, rules[].matches[].path
  // x-kubernetes-validations: no "//", "/./", "/../", "%2f", "%2F", "#", no trailing "/." or "/..",
  // characters ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$. kubernetes
  // pkg/apis/networking/validation/validation.go validateIngressHTTPIngressPath refuses the same
  // sequences for Prefix paths (invalidPathSequences, invalidPathSuffixes).
  const BAD_PATHS = ['/../admin', '/./x', '/a%2Fb', '/a%2fb', '//x', '/a#b', '/a?b', '/x/..', '/x/.', '/%zz', '/a b', '/a`b', 'api', ''];
  test.each(GATEWAYS)('%s: every path the HTTPRoute CRD or Ingress validation refuses is refused with the library error', (_, gateway) => {
    for (const path of BAD_PATHS) {
      expect(E({ gateway: gateway(), path })).toMatch(/^\[cdk8s-wasm-edge\] test\/hello: path=.*is not an absolute URL path prefix: it /);
    }
  });

  test.each(GATEWAYS)('%s: escapes, dots inside segments and sub-delims pass and validate', (_, gateway) => {
    const o = fn({ gateway: gateway(), paths: ['/a%20b', '/v1.2/x..y', "/x;y=1,z!$&'()*+:@~"] }).objs();
    expect(o.length).toBeGreaterThan(0);
  });

  test.each(GATEWAYS)('%s: host labels of at most 63 characters, no empty labels', (_, gateway) => {
    expect(E({ gateway: gateway(), host: `${'a'.repeat(64)}.example.com` })).toMatch(/is not a DNS host name \(labels of at most 63/);
    expect(E({ gateway: gateway(), host: 'a..example.com' })).toMatch(/is not a DNS host name/);
    expect(E({ gateway: gateway(), host: '-a.example.com' })).toMatch(/is not a DNS host name/);
    expect(E({ gateway: gateway(), host: 'a.example.com.' })).toMatch(/is not a DNS host name/);
  });

  test('wildcards: Ingress and Gateway API take "*.example.com", Traefik Host() does not', () => {
    expect(() => fn({ gateway: Gateway.ingress(), host: '*.example.com' }).objs()).not.toThrow();
    expect(() => fn({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), host: '*.example.com' }).objs()).not.toThrow();
    expect(E({ gateway: Gateway.traefik(), host: '*.example.com' })).toMatch(/Traefik's Host\(\) matcher takes no wildcard/);
  });

  test('an IP address is refused as an Ingress host and an HTTPRoute hostname, kept on Traefik', () => {
    // kubernetes pkg/apis/networking/validation/validation.go validateIngressRules: "must be a DNS
    // name, not an IP address"; Gateway API HTTPRoute spec.hostnames: "IPs are not allowed".
    expect(E({ gateway: Gateway.ingress(), host: '10.0.0.1' })).toMatch(/host="10.0.0.1": is an IP address; an Ingress host must be a DNS name/);
    expect(E({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), host: '10.0.0.1' })).toMatch(/an HTTPRoute hostname must be a DNS name/);
    expect(one(fn({ gateway: Gateway.traefik(), host: '10.0.0.1' }).objs(), 'IngressRoute').spec.routes[0].match).toBe('Host(`10.0.0.1`)');
  });

  test('route annotations are checked like metadata annotations (key syntax, no credential)', () => {
    expect(E({ gateway: Gateway.ingress(), routeAnnotations: { 'bad key': 'x' } })).toMatch(/routeAnnotations key="bad key": is not an annotation key/);
    expect(E({ gateway: Gateway.ingress(), routeAnnotations: { 'example.com/auth': 'Bearer abcdefghijklmnop' } })).toMatch(/it is an Authorization header value/);
  });
});

describe('A5: no silent duplicates', () => {
  const traefikFn = (c: Chart, id: string, props: Partial<ServerlessFunctionProps>) =>
    new ServerlessFunction(c, id, Object.assign({ image: IMAGE, gateway: Gateway.traefik(), host: 'api.example.com' }, props));

  test('two functions claiming one host and path ("/v1" and "/v1/") in one chart: refused, naming both', () => {
    const c = chart();
    traefikFn(c, 'a', { name: 'a', path: '/v1' });
    traefikFn(c, 'b', { name: 'b', path: '/v1/' });
    const text = validationText(c);
    expect(text).toMatch(/test\/a\/Route: hosts\/pathPrefixes="Traefik entry point web, host api.example.com, path \/v1": test\/b\/Route claims the same host and path prefix on the same gateway/);
    expect(text).toMatch(/test\/b\/Route: .*test\/a\/Route claims the same host and path prefix/);
  });

  test('across charts and namespaces: refused (Traefik matches rules per entry point, whatever the namespace)', () => {
    const app = Testing.app();
    traefikFn(new Chart(app, 'one', { namespace: 'team-a' }), 'a', { name: 'a' });
    traefikFn(new Chart(app, 'two', { namespace: 'team-b' }), 'b', { name: 'b' });
    expect(() => app.synth()).toThrow(/one\/a\/Route: .*two\/b\/Route claims the same host and path prefix/);
  });

  test('not a clash: other paths, other hosts, a wildcard beside an exact host, other entry points', () => {
    const c = chart();
    traefikFn(c, 'a', { name: 'a', path: '/v1' });
    traefikFn(c, 'b', { name: 'b', path: '/v2' });
    traefikFn(c, 'c', { name: 'c', host: 'other.example.com', path: '/v1' });
    traefikFn(c, 'd', { name: 'd', path: '/v1', gateway: Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] }) });
    new ServerlessFunction(c, 'e', { image: IMAGE, name: 'e', gateway: Gateway.ingress(), host: '*.example.com', path: '/v1' });
    new ServerlessFunction(c, 'f', { image: IMAGE, name: 'f', gateway: Gateway.ingress(), host: 'api.example.com', path: '/v1' });
    expect(validationText(c)).toBe('');
  });

  test('Traefik: overlapping entry point sets clash on the shared one', () => {
    const c = chart();
    traefikFn(c, 'a', { name: 'a', gateway: Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEB, TraefikEntryPoint.WEBSECURE] }) });
    traefikFn(c, 'b', { name: 'b', gateway: Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] }) });
    const text = validationText(c);
    expect(text).toMatch(/entry point websecure, host api.example.com, path \/": test\/[ab]\/Route claims/);
    expect(text).not.toMatch(/entry point web,/);
  });

  test('Ingress: one ingress class clashes, two classes do not', () => {
    const two = (a: Gateway, b: Gateway) => {
      const c = chart();
      new ServerlessFunction(c, 'a', { image: IMAGE, name: 'a', gateway: a, host: 'api.example.com' });
      new ServerlessFunction(c, 'b', { image: IMAGE, name: 'b', gateway: b, host: 'api.example.com' });
      return validationText(c);
    };
    expect(two(Gateway.ingress({ ingressClassName: 'traefik' }), Gateway.ingress({ ingressClassName: 'traefik' }))).toMatch(/ingress class traefik .*claims the same host and path prefix/);
    expect(two(Gateway.ingress({ ingressClassName: 'traefik' }), Gateway.ingress({ ingressClassName: 'nginx' }))).toBe('');
  });

  test('Gateway API: one Gateway clashes (a listener-less route overlaps every listener), two Gateways or two listeners do not', () => {
    const two = (a: Gateway, b: Gateway, nsB = 'apps') => {
      const app = Testing.app();
      new ServerlessFunction(new Chart(app, 'x', { namespace: 'apps' }), 'a', { image: IMAGE, name: 'a', gateway: a, host: 'api.example.com' });
      new ServerlessFunction(new Chart(app, 'y', { namespace: nsB }), 'b', { image: IMAGE, name: 'b', gateway: b, host: 'api.example.com' });
      try {
        app.synth();
        return '';
      } catch (e: any) {
        return e.message;
      }
    };
    const g = (o: { gatewayName?: string; gatewayNamespace?: string; sectionName?: string } = {}) => Gateway.gatewayApi(Object.assign({ gatewayName: 'edge', gatewayNamespace: 'infra' }, o));
    expect(two(g(), g())).toMatch(/Gateway infra\/edge listener \*.*claims the same host and path prefix/);
    expect(two(g({ sectionName: 'https' }), g())).toMatch(/claims the same host and path prefix/);
    expect(two(g({ sectionName: 'https' }), g({ sectionName: 'https' }))).toMatch(/claims the same host and path prefix/);
    expect(two(g({ sectionName: 'https' }), g({ sectionName: 'http' }))).toBe('');
    expect(two(g(), g({ gatewayName: 'internal' }))).toBe('');
    // Without gatewayNamespace the Gateway is in the route's namespace: two namespaces, two Gateways.
    expect(two(Gateway.gatewayApi({ gatewayName: 'edge' }), Gateway.gatewayApi({ gatewayName: 'edge' }), 'other')).toBe('');
  });

  test('two functions with one name in one namespace, on any two backends: refused, naming both', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same' });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same', backend: FunctionBackend.knative() });
    const text = validationText(c);
    expect(text).toMatch(/test\/a: name="Service apps\/same": test\/b claims the same name/);
    expect(text).toMatch(/test\/b: name=.*test\/a.* claims the same name/);
  });

  test('one name in two namespaces is fine', () => {
    const app = Testing.app();
    new ServerlessFunction(new Chart(app, 'x', { namespace: 'a' }), 'f', { image: IMAGE, name: 'same' });
    new ServerlessFunction(new Chart(app, 'y', { namespace: 'b' }), 'f', { image: IMAGE, name: 'same', backend: FunctionBackend.knative() });
    expect(() => synthAppAndValidate(app)).not.toThrow();
  });

  test('names a backend makes global: OpenFaaS Profiles share the openfaas namespace', () => {
    const app = Testing.app();
    new ServerlessFunction(new Chart(app, 'x', { namespace: 'a-b' }), 'f', { image: IMAGE, name: 'c', backend: FunctionBackend.openFaas() });
    new ServerlessFunction(new Chart(app, 'y', { namespace: 'a' }), 'f', { image: IMAGE, name: 'b-c', backend: FunctionBackend.openFaas() });
    expect(() => app.synth()).toThrow(/x\/f: name="Profile openfaas\/a-b-c-wasm": y\/f.* claims the same name/);
  });

  test('one Knative host in two namespaces: refused, with or without emitted ClusterDomainClaims', () => {
    for (const domainClaims of [KnativeDomainClaims.EMIT, KnativeDomainClaims.CLUSTER_AUTOCREATES]) {
      const app = Testing.app();
      const backend = FunctionBackend.knative({ domainClaims });
      new ServerlessFunction(new Chart(app, 'x', { namespace: 'a' }), 'f', { image: IMAGE, name: 'f', backend, host: 'hello.example.com' });
      new ServerlessFunction(new Chart(app, 'y', { namespace: 'b' }), 'f', { image: IMAGE, name: 'f', backend, host: 'hello.example.com' });
      expect(() => app.synth()).toThrow(/x\/f: name="Knative domain hello.example.com": y\/f claims the same name/);
    }
  });

  test('route objects moved into the interceptor namespace cannot collide silently', () => {
    const app = Testing.app();
    const props = { image: IMAGE, scaleToZero: true, gateway: Gateway.traefik() };
    new ServerlessFunction(new Chart(app, 'x', { namespace: 'a-b' }), 'f', Object.assign({ name: 'c', host: 'one.example.com' }, props));
    new ServerlessFunction(new Chart(app, 'y', { namespace: 'a' }), 'f', Object.assign({ name: 'b-c', host: 'two.example.com' }, props));
    expect(() => app.synth()).toThrow(/x\/f\/Route: name="IngressRoute keda\/a-b-c": y\/f\/Route\/Resource claims the same name/);
  });

  test('the checks stay linear: 1 or 30 functions, the same number of walks of the tree', () => {
    const walks = (k: number) => {
      const app = Testing.app();
      const c = new Chart(app, 'c', { namespace: 'apps' });
      for (let i = 0; i < k; i++) {
        new ServerlessFunction(c, `f${i}`, { image: IMAGE, name: `f${i}`, gateway: Gateway.traefik(), host: `f${i}.example.com`, scaleToZero: i % 2 === 0 });
        new ServerlessFunction(c, `k${i}`, { image: IMAGE, name: `k${i}`, backend: FunctionBackend.knative(), host: `k${i}.example.com` });
      }
      return rootWalks(app);
    };
    expect(walks(30)).toBe(walks(1));
  });
});

describe('B13: SpinKube executor and scaling', () => {
  test('functions of one namespace share one SpinAppExecutor; another namespace gets its own', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'apps' });
    const a2 = new Chart(app, 'a2', { namespace: 'apps' });
    const b = new Chart(app, 'b', { namespace: 'other' });
    for (const [c, id] of [[a, 'one'], [a, 'two'], [a2, 'three'], [b, 'four']] as Array<[Chart, string]>) {
      new ServerlessFunction(c, id, { image: IMAGE, name: id, backend: FunctionBackend.spinKube() });
    }
    const o = synthAppAndValidate(app);
    expect(ofKind(o, 'SpinAppExecutor').map(e => `${e.metadata.namespace}/${e.metadata.name}`)).toEqual(['apps/containerd-shim-spin', 'other/containerd-shim-spin']);
    expect(ofKind(o, 'SpinApp').map(s => s.spec.executor)).toEqual(Array(4).fill('containerd-shim-spin'));
  });

  test('conflicting settings under one executor name are refused; another name gives another executor', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'a', backend: FunctionBackend.spinKube() });
    expect(errorOf(() => new ServerlessFunction(c, 'b', { image: IMAGE, name: 'b', backend: FunctionBackend.spinKube({ executor: { installDefaultCaCerts: false } }) })))
      .toMatch(/test\/b: backend.executor=.*SpinAppExecutor "containerd-shim-spin" in namespace "apps" is already emitted for test\/a with .*one executor has one set of settings/);
    new ServerlessFunction(c, 'c', { image: IMAGE, name: 'c', backend: FunctionBackend.spinKube({ executor: { name: 'spin-no-ca', installDefaultCaCerts: false } }) });
    const e = ofKind(synthAndValidate(c), 'SpinAppExecutor');
    expect(e.map(x => [x.metadata.name, x.spec.deploymentConfig.installDefaultCACerts])).toEqual([['containerd-shim-spin', true], ['spin-no-ca', false]]);
  });

  test('installDefaultCACerts (spin-operator internal/controller/spinapp_controller.go: creates Secret spin-ca, mounted at /etc/ssl/certs)', () => {
    // spin-operator api/v1alpha1/spinappexecutor_types.go: InstallDefaultCACerts bool `json:"installDefaultCACerts,omitempty"`
    // (false unless set); config/samples/spin-shim-executor.yaml sets it true, as this library does.
    const e = one(fn({ backend: FunctionBackend.spinKube({ executor: { installDefaultCaCerts: false } }) }).objs(), 'SpinAppExecutor');
    expect(e.spec.deploymentConfig).toEqual({ runtimeClassName: 'wasmtime-spin-v2', installDefaultCACerts: false });
  });

  test('executorName (an existing executor) and executor (one to emit) exclude each other', () => {
    expect(errorOf(() => FunctionBackend.spinKube({ executorName: 'x', executor: {} }))).toMatch(/FunctionBackend.spinKube: executor=\{\}: executorName names an existing executor/);
  });

  test('the emitted executor is checked against the app\'s other objects (a hand-made executor of the same name)', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'a', backend: FunctionBackend.spinKube() });
    new ApiObject(c, 'mine', { apiVersion: 'core.spinkube.dev/v1alpha1', kind: 'SpinAppExecutor', metadata: { name: 'containerd-shim-spin' } });
    expect(validationText(c)).toMatch(/test\/a: name="SpinAppExecutor apps\/containerd-shim-spin": test\/mine claims the same name/);
  });

  test('Knative HPA class on a runwasi shim warns: CPU metrics stay flat without SystemdCgroup', () => {
    const { f } = fn({ backend: FunctionBackend.knative({ autoscalerClass: KnativeAutoscalerClass.HPA }) });
    expect(Warnings.of(f).messages.join('\n')).toMatch(/KnativeAutoscalerClass.HPA scales on CPU.*containerd-shim-spin #180, runwasi #821/);
  });

  test('the executor is applied before the SpinApps that use it', () => {
    expect(kinds(fn({ backend: FunctionBackend.spinKube() }).objs())).toEqual(['SpinAppExecutor', 'SpinApp']);
  });

  test('CPU scaling of a SpinKube function warns: Spin pod CPU metrics stay flat without SystemdCgroup', () => {
    // containerd-shim-spin #180 (the Spin shim is a runwasi shim: runwasi #821).
    const { f } = fn({ backend: FunctionBackend.spinKube(), triggers: [KedaTrigger.cpu({ utilization: 70 })] });
    expect(Warnings.of(f).messages.join('\n')).toMatch(/cpu-based scaling of SpinApp hello: the CPU and memory metrics of Spin pods stay flat unless containerd-shim-spin runs with SystemdCgroup = true \(containerd-shim-spin #180/);
    expect(Warnings.of(fn({ backend: FunctionBackend.spinKube(), triggers: [KedaTrigger.cron({ timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 9 * * *', desiredReplicas: 2 })] }).f).messages).toEqual([]);
  });
});

describe('B14: Knative custom domains get a ClusterDomainClaim', () => {
  // knative/serving pkg/reconciler/domainmapping/reconciler.go: a DomainMapping is refused unless a
  // ClusterDomainClaim named after the domain has spec.namespace = the mapping's namespace; the
  // reconciler creates the claim only with config-network autocreate-cluster-domain-claims: "true".
  test('default: a cluster-scoped ClusterDomainClaim per host, naming the function namespace', () => {
    const o = fn({ backend: FunctionBackend.knative(), hosts: ['hello.example.com', 'hi.example.org'] }).objs();
    const claims = ofKind(o, 'ClusterDomainClaim');
    expect(claims).toEqual([
      { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ClusterDomainClaim', metadata: { name: 'hello.example.com' }, spec: { namespace: 'apps' } },
      { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ClusterDomainClaim', metadata: { name: 'hi.example.org' }, spec: { namespace: 'apps' } },
    ]);
    expect(ofKind(o, 'DomainMapping').map(d => [d.metadata.namespace, d.metadata.name])).toEqual([['apps', 'hello.example.com'], ['apps', 'hi.example.org']]);
  });

  test('CLUSTER_AUTOCREATES: no claim', () => {
    const o = fn({ backend: FunctionBackend.knative({ domainClaims: KnativeDomainClaims.CLUSTER_AUTOCREATES }), host: 'hello.example.com' }).objs();
    expect(ofKind(o, 'ClusterDomainClaim')).toEqual([]);
    expect(ofKind(o, 'DomainMapping')).toHaveLength(1);
  });

  test('a chart without namespace: the claim names "default", with a warning', () => {
    const c = new Chart(Testing.app(), 'test');
    const f = new ServerlessFunction(c, 'hello', { image: IMAGE, name: 'hello', backend: FunctionBackend.knative(), host: 'hello.example.com' });
    expect(one(synthAndValidate(c), 'ClusterDomainClaim').spec.namespace).toBe('default');
    expect(Warnings.of(f).messages.join('\n')).toMatch(/the chart has no namespace, so the ClusterDomainClaim for hello.example.com names namespace "default"/);
  });
});

describe('B15: OpenFaaS editions', () => {
  const CE = FunctionBackend.openFaas({ edition: OpenFaasEdition.COMMUNITY });
  // openfaas/faas-netes pkg/handlers/validate.go validateScalingLabels and replica_reader.go MaxReplicas = 5;
  // main.go: "-operator ... (not available in CE)", operator := false.
  test('default STANDARD (the Function CRD and Profiles need operator mode): the output runs as before', () => {
    const o = fn({ backend: FunctionBackend.openFaas(), scaleToZero: true, concurrency: 5, maxReplicas: 20 }).objs();
    expect(one(o, 'Function').spec.labels).toMatchObject({ 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.type': 'capacity', 'com.openfaas.scale.max': '20' });
    expect(() => fn({ backend: FunctionBackend.openFaas({ edition: OpenFaasEdition.ENTERPRISE }), maxReplicas: 20 }).objs()).not.toThrow();
  });
  test('COMMUNITY refuses scale to zero, scale.type/target, more than 5 replicas, with the reason', () => {
    expect(E({ backend: CE, scaleToZero: true })).toMatch(/scaleToZero=true: OpenFaaS Community Edition refuses com.openfaas.scale.zero/);
    expect(E({ backend: CE, concurrency: 5 })).toMatch(/concurrency=5: OpenFaaS Community Edition refuses com.openfaas.scale.type and com.openfaas.scale.target/);
    expect(E({ backend: CE, maxReplicas: 6 })).toMatch(/maxReplicas=6: OpenFaaS Community Edition runs at most 5 replicas/);
    expect(E({ backend: CE, warmReplicas: 6 })).toMatch(/warmReplicas=6: OpenFaaS Community Edition runs at most 5 replicas/);
  });
  test('COMMUNITY refuses the Function and Profile objects themselves: CE has no operator mode', () => {
    expect(E({ backend: CE, maxReplicas: 5 })).toMatch(/backend.edition="community": OpenFaaS Community Edition has no operator mode, so it reads neither the Function objects nor the Profiles.*Fix: run OpenFaaS Standard or Enterprise/);
  });
  test('an unknown edition', () => {
    expect(errorOf(() => FunctionBackend.openFaas({ edition: 'pro' as any }))).toMatch(/edition="pro": is not an OpenFaaS edition/);
  });
});

describe('B18: several hosts and paths, route annotations and middlewares', () => {
  const multi = { hosts: ['a.example.com', 'b.example.com'], paths: ['/v1', '/v2'] };
  test('Traefik: one rule with Host() || Host() and PathPrefix() || PathPrefix() (v3 matchers take one value)', () => {
    // traefik pkg/muxer/http/matcher.go host(tree, hosts...): only hosts[0] is matched (v3 matchers take one value).
    const ir = one(fn(Object.assign({ gateway: Gateway.traefik() }, multi)).objs(), 'IngressRoute');
    expect(ir.spec.routes[0].match).toBe('(Host(`a.example.com`) || Host(`b.example.com`)) && (PathPrefix(`/v1`) || PathPrefix(`/v2`))');
  });
  test('Ingress: a rule per host, each with every path', () => {
    const spec = one(fn(Object.assign({ gateway: Gateway.ingress({ tlsSecretName: 'tls' }) }, multi)).objs(), 'Ingress').spec;
    expect(spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => p.path)])).toEqual([['a.example.com', ['/v1', '/v2']], ['b.example.com', ['/v1', '/v2']]]);
    expect(spec.tls).toEqual([{ hosts: ['a.example.com', 'b.example.com'], secretName: 'tls' }]);
  });
  test('Gateway API: hostnames and one PathPrefix match per path', () => {
    const spec = one(fn(Object.assign({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }) }, multi)).objs(), 'HTTPRoute').spec;
    expect(spec.hostnames).toEqual(['a.example.com', 'b.example.com']);
    expect(spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/v1' } }, { path: { type: 'PathPrefix', value: '/v2' } }]);
  });
  test('the HTTP add-on objects carry every host and path (InterceptorRoute and HTTPScaledObject)', () => {
    const ir = one(fn(Object.assign({ gateway: Gateway.traefik(), scaleToZero: true }, multi)).objs(), 'InterceptorRoute');
    expect(ir.spec.rules).toEqual([{ hosts: ['a.example.com', 'b.example.com'], paths: [{ value: '/v1' }, { value: '/v2' }] }]);
    const hso = one(fn(Object.assign({ backend: FunctionBackend.kubernetes({ httpAddOnApi: HttpAddOnApi.HTTP_SCALED_OBJECT }), scaleToZero: true }, multi)).objs(), 'HTTPScaledObject');
    expect([hso.spec.hosts, hso.spec.pathPrefixes]).toEqual([['a.example.com', 'b.example.com'], ['/v1', '/v2']]);
  });
  test('host and hosts (path and paths) exclude each other; duplicates are refused', () => {
    expect(E({ host: 'a.example.com', hosts: ['b.example.com'] })).toMatch(/hosts=\["b.example.com"\]: give host or hosts, not both/);
    expect(E({ path: '/a', paths: ['/b'] })).toMatch(/give path or paths, not both/);
    expect(E({ gateway: Gateway.traefik(), paths: ['/v1', '/v1/'] })).toMatch(/paths\[1\]="\/v1\/": claims the same prefix as "\/v1"/);
    expect(E({ gateway: Gateway.traefik(), hosts: ['a.example.com', 'a.example.com'] })).toMatch(/hosts\[1\]="a.example.com": repeats host/);
    expect(E({ paths: [] })).toMatch(/paths=\[\]: is not a non-empty list of path prefixes/);
    // gateway-api httproutes.yaml: spec.hostnames maxItems 16 (rules[].matches maxItems 64).
    expect(E({ gateway: Gateway.gatewayApi({ gatewayName: 'edge' }), hosts: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) }))
      .toMatch(/hosts="17 hosts": a route takes at most 16 host names/);
  });
  test.each(GATEWAYS)('%s: routeAnnotations land on the route object', (_, gateway) => {
    const o = fn({ gateway: gateway(), host: 'a.example.com', routeAnnotations: { 'example.com/team': 'edge' } }).objs();
    const route = o.find(x => ['IngressRoute', 'Ingress', 'HTTPRoute'].includes(x.kind));
    expect(route.metadata.annotations).toEqual({ 'example.com/team': 'edge' });
  });
  test('Traefik middlewares: routes[].middlewares; the function namespace is named when the route moves to the interceptor namespace', () => {
    const direct = one(fn({ gateway: Gateway.traefik(), host: 'a.example.com', middlewares: [{ name: 'strip' }, { name: 'auth', namespace: 'apps' }] }).objs(), 'IngressRoute');
    expect(direct.spec.routes[0].middlewares).toEqual([{ name: 'strip' }, { name: 'auth', namespace: 'apps' }]);
    // traefik pkg/provider/kubernetes/crd/kubernetes_http.go makeMiddlewareKeys(ctx, ingressRoute.Namespace, ...): a
    // MiddlewareRef without namespace resolves in the IngressRoute's namespace; a foreign one without
    // allowCrossNamespace is an error and the route is skipped.
    const { f, objs } = fn({ gateway: Gateway.traefik(), host: 'a.example.com', scaleToZero: true, middlewares: [{ name: 'strip' }] });
    const moved = one(objs(), 'IngressRoute');
    expect(moved.metadata.namespace).toBe('keda');
    expect(moved.spec.routes[0].middlewares).toEqual([{ name: 'strip', namespace: 'apps' }]);
    expect(Warnings.of(f.route!).messages.join('\n')).toMatch(/references Middleware apps\/strip in another namespace; unless providers.kubernetesCRD.allowCrossNamespace is true .*drops the whole route/);
  });
  test('middlewares need a Traefik gateway; route props need a gateway', () => {
    expect(E({ gateway: Gateway.ingress(), middlewares: [{ name: 'strip' }] })).toMatch(/middlewares=\["strip"\]: Traefik Middlewares are referenced from an IngressRoute.*traefik.ingress.kubernetes.io\/router.middlewares/);
    expect(E({ gateway: Gateway.traefik(), middlewares: [{ name: 'Bad_Name' }] })).toMatch(/middlewares\[0\].name="Bad_Name": is not a DNS-1123 subdomain/);
    expect(E({ routeAnnotations: { a: 'b' } })).toMatch(/routeAnnotations=\{"a":"b"\}: without a gateway the function has no route to carry them/);
  });
  test('Knative: one DomainMapping per host; paths other than "/" are refused', () => {
    expect(ofKind(fn({ backend: FunctionBackend.knative(), hosts: ['a.example.com', 'b.example.com'] }).objs(), 'DomainMapping')).toHaveLength(2);
    expect(E({ backend: FunctionBackend.knative(), paths: ['/', '/v2'] })).toMatch(/the Knative backend cannot express path/);
  });
  test('the single-value props keep working: host and path', () => {
    const { f } = fn({ gateway: Gateway.traefik(), host: 'a.example.com', path: '/x' });
    expect([f.hosts, f.paths, f.route?.host, f.route?.pathPrefix]).toEqual([['a.example.com'], ['/x'], 'a.example.com', '/x']);
  });
});

test('helpers: the App is the root', () => {
  expect(chart().node.root).toBeInstanceOf(App);
});

describe('hosts and paths that nothing routes by', () => {
  test('without a gateway or the HTTP interceptor a host or path is an error, not dropped output', () => {
    expect(E({ host: 'h.example.com' })).toMatch(/hello: host=\["h.example.com"\]: nothing routes by it.*Fix: set gateway/);
    expect(E({ path: '/v1' })).toMatch(/hello: path=.*nothing routes by it/);
    expect(E({ host: 'h.example.com', backend: FunctionBackend.openFaas() })).toMatch(/nothing routes by it/);
  });

  test('a gateway, scale to zero or a Knative DomainMapping use them', () => {
    expect(() => fn({ host: 'h.example.com', gateway: Gateway.traefik() }).objs()).not.toThrow();
    expect(() => fn({ host: 'h.example.com', scaleToZero: true }).objs()).not.toThrow();
    expect(kinds(fn({ host: 'h.example.com', backend: FunctionBackend.knative() }).objs())).toContain('DomainMapping');
  });
});

// knative/serving pkg/apis/serving/v1beta1/domainmapping_validation.go: a fully qualified domain
// outside the cluster-local domain.
test.each(['localhost', 'fn', 'foo.cluster.local', 'a.b.svc.cluster.local'])('Knative refuses the DomainMapping host %s', host => {
  expect(E({ host, backend: FunctionBackend.knative() })).toMatch(/needs a fully qualified domain outside the cluster-local domain/);
});

// k8s.io/kubernetes pkg/apis/networking/validation ValidateIngressCreate: "must match
// `ingressClassName` when both are specified".
test('an Ingress class annotation that disagrees with ingressClassName is refused; an equal one is kept', () => {
  expect(E({ host: 'h.example.com', gateway: Gateway.ingress({ ingressClassName: 'traefik' }), routeAnnotations: { 'kubernetes.io/ingress.class': 'nginx' } }))
    .toMatch(/annotations\["kubernetes.io\/ingress.class"\]="nginx": differs from the gateway's ingressClassName "traefik"/);
  const objs = fn({ host: 'h.example.com', gateway: Gateway.ingress({ ingressClassName: 'traefik' }), routeAnnotations: { 'kubernetes.io/ingress.class': 'traefik' } }).objs();
  expect(one(objs, 'Ingress').metadata.annotations['kubernetes.io/ingress.class']).toBe('traefik');
});
