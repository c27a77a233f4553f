import { ApiObject, Chart, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain, propError, propMessage } from '../private/errors';
import { Gateway, GatewayKind } from './gateway';
import { InterceptorAccess, RouteBackend } from './route-backend';
import * as gw from '../imports/gateway-api';
import * as traefik from '../imports/traefik';
import { checkList, checkString, checkStringMap } from '../private/function-checks';
import { claimConflicts } from '../private/function-claims';
import { normalizeHost, normalizePathPrefix, routeClaimKey } from '../private/route-claim';
import { checkAnnotations, checkDns1035Label } from '../private/validate';
import { appConstructs, groupBy, perValidationPass } from '../root-registry';
import { Warnings } from '../warnings';

/**
 * A reference to a Traefik `Middleware` (traefik.io/v1alpha1), applied to an IngressRoute's route.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/middleware/
 */
export interface TraefikMiddlewareRef {
  /** The Middleware's name. */
  readonly name: string;

  /**
   * The Middleware's namespace. Traefik resolves a reference without a namespace in the
   * IngressRoute's namespace; another namespace needs `providers.kubernetesCRD.allowCrossNamespace`.
   *
   * @default - the function's namespace (named explicitly when the route lives in the interceptor's namespace)
   */
  readonly namespace?: string;
}

/** Props of a FunctionRoute. */
export interface FunctionRouteProps {
  /** The gateway that serves the route. */
  readonly gateway: Gateway;

  /** Where the route sends traffic. */
  readonly backend: RouteBackend;

  /**
   * The host name to match (a DNS name; `*.example.com` wildcards work on Ingress and Gateway API).
   * Shortcut for `hosts: [host]`; give one or the other.
   *
   * @default - every host (unless `hosts` is given)
   */
  readonly host?: string;

  /**
   * The host names to match (any of them).
   *
   * @default - `[host]` when `host` is given, else every host
   */
  readonly hosts?: string[];

  /**
   * The path prefix to match. Shortcut for `pathPrefixes: [pathPrefix]`; give one or the other.
   *
   * @default '/' (unless `pathPrefixes` is given)
   */
  readonly pathPrefix?: string;

  /**
   * The path prefixes to match (any of them).
   *
   * @default - `[pathPrefix]`, i.e. `['/']` when neither is given
   */
  readonly pathPrefixes?: string[];

  /**
   * `metadata.name` of the route object (the ExternalName Service, if any, adds `-interceptor`). In the
   * interceptor's namespace the chart's namespace is prefixed so routes of several namespaces cannot
   * collide.
   *
   * @default - a name generated from the construct path
   */
  readonly name?: string;

  /**
   * Annotations of the route object (IngressRoute, Ingress or HTTPRoute), e.g. an ingress
   * controller's settings.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Traefik Middlewares applied to the route (`spec.routes[].middlewares` of the IngressRoute), in
   * order. Traefik gateway only: on an Ingress served by Traefik, use the
   * `traefik.ingress.kubernetes.io/router.middlewares` annotation.
   *
   * @default - none
   */
  readonly middlewares?: TraefikMiddlewareRef[];
}

/**
 * A route from a gateway (Traefik IngressRoute, Ingress or Gateway API HTTPRoute) to a function's
 * Service, or to the KEDA HTTP interceptor when the function scales on HTTP traffic or to zero.
 *
 * Two routes of an app that claim the same host and path prefix on the same gateway (Traefik entry
 * point, ingress class, Gateway API Gateway and listener) are refused at synth: the gateway sends
 * each request to one of them only.
 *
 * @see https://keda.sh/http-add-on/0.15/user-guide/configure-ingress/
 */
export class FunctionRoute extends Construct {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The first host matched, if any. */
  public readonly host?: string;
  /** Every host matched (empty: every host). */
  public readonly hosts: string[];
  /** The first path prefix matched. */
  public readonly pathPrefix: string;
  /** Every path prefix matched. */
  public readonly pathPrefixes: string[];
  /** `metadata.name` of the route object. */
  public readonly routeName: string;
  /** `metadata.namespace` of the route object, when it differs from the chart's. */
  public readonly routeNamespace?: string;
  /** The Service the route object names (the ExternalName Service's name when one is used). */
  public readonly serviceName: string;
  /** The kind of the route object (`IngressRoute`, `Ingress`, `HTTPRoute`). */
  public readonly routeKind: string;

  constructor(scope: Construct, id: string, props: FunctionRouteProps) {
    super(scope, id);
    const gateway = props.gateway;
    const backend = props.backend;
    if (!(gateway instanceof Gateway)) {
      throw propError(this, 'gateway', gateway, 'is not a Gateway', 'use Gateway.traefik(), Gateway.ingress() or Gateway.gatewayApi()');
    }
    if (!(backend instanceof RouteBackend)) {
      throw propError(this, 'backend', backend, 'is not a RouteBackend', 'use RouteBackend.service() or RouteBackend.kedaHttpInterceptor()');
    }
    this.gateway = gateway;
    checkString(this, 'name', props.name, 'hello');
    checkString(this, 'host', props.host, 'hello.example.com');
    checkString(this, 'pathPrefix', props.pathPrefix, '/api');
    checkList(this, 'middlewares', props.middlewares, '[{ name: "strip-prefix" }]');
    checkStringMap(this, 'annotations', props.annotations, '{ "example.com/team": "edge" }');
    this.hosts = routeHosts(this, gateway, 'host', props.host, 'hosts', props.hosts);
    this.pathPrefixes = routePaths(this, 'pathPrefix', props.pathPrefix, 'pathPrefixes', props.pathPrefixes);
    this.host = this.hosts[0];
    this.pathPrefix = this.pathPrefixes[0];
    checkAnnotations(this, 'annotations', props.annotations);
    // k8s.io/kubernetes pkg/apis/networking/validation ValidateIngressCreate: the legacy class
    // annotation must match spec.ingressClassName when both are set.
    const legacyClass = props.annotations?.['kubernetes.io/ingress.class'];
    if (gateway.kind === GatewayKind.INGRESS && legacyClass !== undefined && gateway.ingressClassName !== undefined
      && legacyClass !== gateway.ingressClassName) {
      throw propError(this, 'annotations["kubernetes.io/ingress.class"]', legacyClass,
        `differs from the gateway's ingressClassName "${gateway.ingressClassName}", and the API server refuses an Ingress whose two classes disagree`,
        'drop the annotation (ingressClassName is the current field), or make them equal');
    }
    const middlewares = props.middlewares ?? [];
    if (middlewares.length > 0 && gateway.kind !== GatewayKind.TRAEFIK_INGRESS_ROUTE) {
      throw propError(this, 'middlewares', middlewares.map(m => m?.name), `Traefik Middlewares are referenced from an IngressRoute, and this gateway emits ${gateway.kind === GatewayKind.INGRESS ? 'an Ingress' : 'an HTTPRoute'}`,
        gateway.kind === GatewayKind.INGRESS
          ? 'use Gateway.traefik(), or, for an Ingress served by Traefik, set annotations { "traefik.ingress.kubernetes.io/router.middlewares": "<namespace>-<name>@kubernetescrd" }'
          : 'use Gateway.traefik(), or a filter of your Gateway implementation');
    }
    middlewares.forEach((m, i) => {
      if (!m || typeof m !== 'object') throw propError(this, `middlewares[${i}]`, m, 'is not a Middleware reference', 'use { name: "strip-prefix" }');
      checkString(this, `middlewares[${i}].name`, m.name ?? 0, 'strip-prefix');
      checkString(this, `middlewares[${i}].namespace`, m.namespace, 'apps');
      checkDns1123Subdomain(this, `middlewares[${i}].name`, m.name);
      if (m.namespace !== undefined) checkDns1123Label(this, `middlewares[${i}].namespace`, m.namespace);
    });

    const chartNamespace = Chart.of(this).namespace;
    const baseName = props.name ?? Names.toDnsLabel(this);
    checkDns1123Label(this, 'name', baseName);

    let namespace: string | undefined;
    let serviceName = backend.serviceName;
    let serviceNamespace: string | undefined;
    switch (backend.interceptorAccess) {
      case undefined:
        break;
      case InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE:
        namespace = backend.interceptorNamespace;
        break;
      case InterceptorAccess.EXTERNAL_NAME_SERVICE:
        // Not baseName: the function's own Service may already carry it.
        serviceName = suffixed(baseName, '-interceptor');
        // A Service name is a DNS-1035 label (it must start with a letter).
        checkDns1035Label(this, 'name', serviceName);
        new kplus.k8s.KubeService(this, 'InterceptorAlias', {
          metadata: { name: serviceName },
          spec: {
            type: 'ExternalName',
            externalName: backend.clusterDnsName,
            ports: [{ name: 'http', port: backend.port, targetPort: kplus.k8s.IntOrString.fromNumber(backend.port) }],
          },
        });
        Warnings.of(this).add(gateway.kind === GatewayKind.GATEWAY_API
          ? `the HTTPRoute names the ExternalName Service "${serviceName}" (→ ${backend.clusterDnsName}); Gateway API leaves ExternalName backends implementation-specific (the spec says implementations SHOULD NOT support them). Check your Gateway implementation, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE`
          : `the route names the ExternalName Service "${serviceName}" (→ ${backend.clusterDnsName}); Traefik refuses ExternalName Services unless allowExternalNameServices is true for its kubernetesCRD/kubernetesIngress provider (false by default, also in K3s). Enable it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE`);
        break;
      case InterceptorAccess.CROSS_NAMESPACE_REFERENCE:
        if (gateway.kind === GatewayKind.INGRESS) {
          throw propError(this, 'backend.access', backend.interceptorAccess,
            'a Kubernetes Ingress can only name Services in its own namespace',
            'use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE (the default) or InterceptorAccess.EXTERNAL_NAME_SERVICE');
        }
        serviceNamespace = backend.interceptorNamespace;
        Warnings.of(this).add(gateway.kind === GatewayKind.GATEWAY_API
          ? `the HTTPRoute names Service ${backend.interceptorNamespace}/${backend.serviceName} in another namespace; it is accepted only with a ReferenceGrant (gateway.networking.k8s.io/v1beta1) in namespace "${backend.interceptorNamespace}" that allows HTTPRoutes from this namespace to reference Services. Create it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE`
          : `the IngressRoute names Service ${backend.interceptorNamespace}/${backend.serviceName} in another namespace; Traefik ignores it unless providers.kubernetesCRD.allowCrossNamespace is true (false by default, also in K3s). Enable it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE`);
        break;
    }

    // In the shared interceptor namespace, qualify the name with the chart's namespace.
    this.routeName = namespace !== undefined && namespace !== chartNamespace && chartNamespace
      ? qualify(chartNamespace, baseName) : baseName;
    this.routeNamespace = namespace !== chartNamespace ? namespace : undefined;
    this.serviceName = serviceName;
    const metadata = { name: this.routeName, namespace: this.routeNamespace, annotations: props.annotations };
    const effectiveNamespace = this.routeNamespace ?? chartNamespace ?? '';

    switch (gateway.kind) {
      case GatewayKind.TRAEFIK_INGRESS_ROUTE: {
        this.routeKind = 'IngressRoute';
        // traefik pkg/provider/kubernetes/crd/kubernetes_http.go makeMiddlewareKeys: a Middleware
        // without a namespace is looked up in the IngressRoute's namespace; another namespace without
        // allowCrossNamespace fails the route ("Failed to create middleware keys", route skipped).
        // Name the function's namespace when the route moved to the interceptor's.
        const movedFrom = this.routeNamespace !== undefined ? chartNamespace : undefined;
        const refs = middlewares.map(m => ({ name: m.name, namespace: m.namespace ?? movedFrom }));
        const foreign = refs.filter(m => m.namespace !== undefined && m.namespace !== effectiveNamespace);
        if (foreign.length > 0) {
          Warnings.of(this).add(`the IngressRoute (namespace "${effectiveNamespace || 'default'}") references Middleware ${foreign.map(m => `${m.namespace}/${m.name}`).join(', ')} in another namespace; `
            + 'unless providers.kubernetesCRD.allowCrossNamespace is true (false by default, also in K3s), Traefik refuses the reference and drops the whole route. Enable it, or create the Middleware in the route\'s namespace');
        }
        new traefik.IngressRoute(this, 'Resource', {
          metadata,
          spec: {
            entryPoints: gateway.entryPoints,
            routes: [{
              kind: traefik.IngressRouteSpecRoutesKind.RULE,
              match: traefikRule(this.hosts, this.pathPrefixes),
              middlewares: refs.length > 0 ? refs : undefined,
              services: [{
                kind: traefik.IngressRouteSpecRoutesServicesKind.SERVICE,
                name: serviceName,
                namespace: serviceNamespace,
                port: traefik.IngressRouteSpecRoutesServicesPort.fromNumber(backend.port),
              }],
            }],
            tls: gateway.tlsSecretName ? { secretName: gateway.tlsSecretName } : undefined,
          },
        });
        break;
      }
      case GatewayKind.INGRESS: {
        this.routeKind = 'Ingress';
        if (gateway.tlsSecretName && this.hosts.length === 0) {
          throw propError(this, 'host', undefined, 'an Ingress TLS section needs the host its certificate is for',
            'set host (e.g. "hello.example.com"), or drop tlsSecretName from Gateway.ingress()');
        }
        const paths = this.pathPrefixes.map(path => ({
          path,
          pathType: 'Prefix',
          backend: { service: { name: serviceName, port: { number: backend.port } } },
        }));
        const rules = (this.hosts.length > 0 ? this.hosts : [undefined]).map(host => ({ host, http: { paths } }));
        new kplus.k8s.KubeIngress(this, 'Resource', {
          metadata,
          spec: {
            ingressClassName: gateway.ingressClassName,
            rules,
            tls: gateway.tlsSecretName ? [{ hosts: [...this.hosts], secretName: gateway.tlsSecretName }] : undefined,
          },
        });
        break;
      }
      case GatewayKind.GATEWAY_API:
        this.routeKind = 'HTTPRoute';
        new gw.HttpRoute(this, 'Resource', {
          metadata,
          spec: {
            parentRefs: [{ name: gateway.gatewayName!, namespace: gateway.gatewayNamespace, sectionName: gateway.sectionName }],
            hostnames: this.hosts.length > 0 ? [...this.hosts] : undefined,
            rules: [{
              matches: this.pathPrefixes.map(value => ({ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } })),
              backendRefs: [{ name: serviceName, namespace: serviceNamespace, port: backend.port }],
            }],
          },
        });
        break;
      default:
        throw propError(this, 'gateway', gateway.kind, 'is not a known gateway kind', 'use Gateway.traefik(), Gateway.ingress() or Gateway.gatewayApi()');
    }

    ROUTE_CLAIMS.set(this, routeClaims(this, gateway, effectiveNamespace));
    this.node.addValidation({ validate: () => [...routeConflicts(this), ...claimConflicts(this, this.objects(), 'give one of them another name')] });
  }

  /** The route object (IngressRoute, Ingress or HTTPRoute). */
  public get resource(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }

  private objects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }
}

/** What a route claims on its gateway: one entry per host, path prefix and lane (entry point, listener). */
interface RouteClaim {
  /** Gateway, host and path prefix. */
  readonly key: string;
  /** The Traefik entry point or Gateway API listener; `*` claims every listener of the Gateway. */
  readonly lane: string;
  readonly route: FunctionRoute;
  /** For messages. */
  readonly where: string;
}

const ROUTE_CLAIMS = new WeakMap<FunctionRoute, RouteClaim[]>();

function routeClaims(route: FunctionRoute, gateway: Gateway, namespace: string): RouteClaim[] {
  let scope: string;
  let lanes: string[];
  let where: string;
  switch (gateway.kind) {
    case GatewayKind.TRAEFIK_INGRESS_ROUTE:
      // Traefik matches rules per entry point, whatever namespace the IngressRoute lives in.
      scope = 'traefik';
      lanes = gateway.entryPoints;
      where = 'Traefik entry point';
      break;
    case GatewayKind.INGRESS:
      // One controller serves one class, merging the Ingresses of every namespace.
      scope = `ingress class ${gateway.ingressClassName ?? '(cluster default)'}`;
      lanes = ['*'];
      where = scope;
      break;
    default:
      scope = `Gateway ${gateway.gatewayNamespace ?? namespace}/${gateway.gatewayName}`;
      lanes = [gateway.sectionName ?? '*'];
      where = `${scope} listener`;
  }
  const out: RouteClaim[] = [];
  const hosts = route.hosts.length > 0 ? route.hosts : [undefined];
  for (const host of hosts) {
    for (const path of route.pathPrefixes) {
      for (const lane of lanes) {
        out.push({ key: `${scope} ${routeClaimKey(host, path)}`, lane, route, where: `${where} ${lane}, host ${host ?? '*'}, path ${path}` });
      }
    }
  }
  return out;
}

/** Every route claim of the app by key: one walk per validation pass. */
function routeIndex(scope: IConstruct): Map<string, RouteClaim[]> {
  return perValidationPass(scope, 'function-route-claims', () => {
    const claims = appConstructs(scope).flatMap(c => c instanceof FunctionRoute ? ROUTE_CLAIMS.get(c) ?? [] : []);
    return groupBy(claims, c => [c.key]);
  });
}

function routeConflicts(route: FunctionRoute): string[] {
  const index = routeIndex(route);
  const out: string[] = [];
  for (const mine of ROUTE_CLAIMS.get(route) ?? []) {
    const others = (index.get(mine.key) ?? []).filter(o => o.route !== route && (o.lane === mine.lane || o.lane === '*' || mine.lane === '*'));
    if (others.length === 0) continue;
    const names = [...new Set(others.map(o => o.route.node.path))].slice(0, 3);
    out.push(propMessage(route, 'hosts/pathPrefixes', mine.where,
      `${names.join(', ')} claims the same host and path prefix on the same gateway (${others[0].where}); the gateway sends each request to one route only, so the other function is unreachable there`,
      'give each function its own host or path prefix (/v1 and /v1/ are the same prefix), or serve them through different entry points, ingress classes or Gateways'));
    // One message per route pair is enough.
    break;
  }
  return out;
}

/** The hosts of a route: `host` or `hosts`, checked for the gateway, without duplicates. @internal */
export function routeHosts(scope: IConstruct | string, gateway: Gateway | undefined, hostProp: string, host: string | undefined,
  hostsProp: string, hosts: string[] | undefined): string[] {
  if (host !== undefined && hosts !== undefined) {
    throw propError(scope, hostsProp, hosts, `give ${hostProp} or ${hostsProp}, not both`, `move ${hostProp} into ${hostsProp}`);
  }
  if (hosts !== undefined && !Array.isArray(hosts)) throw propError(scope, hostsProp, hosts, 'is not a list of host names', 'use e.g. ["hello.example.com"]');
  if (host !== undefined && typeof host !== 'string') throw propError(scope, hostProp, host, 'is not a string', 'use e.g. "hello.example.com"');
  const list = hosts ?? (host !== undefined ? [host] : []);
  if (list.length > 16) {
    // Gateway API HTTPRoute spec.hostnames: maxItems 16.
    throw propError(scope, hostsProp, `${list.length} hosts`, 'a route takes at most 16 host names (Gateway API HTTPRoute hostnames: maxItems 16)', 'split the hosts over several functions or use a wildcard host');
  }
  const seen = new Map<string, string>();
  list.forEach((h, i) => {
    const prop = hosts !== undefined ? `${hostsProp}[${i}]` : hostProp;
    checkHost(scope, gateway, h, prop);
    const k = normalizeHost(h);
    if (seen.has(k)) throw propError(scope, prop, h, `repeats host "${seen.get(k)}"`, 'list each host once');
    seen.set(k, h);
  });
  return list;
}

/** The path prefixes of a route: `path` or `paths`, checked, without duplicates (`/v1` and `/v1/` alike). @internal */
export function routePaths(scope: IConstruct | string, pathProp: string, path: string | undefined,
  pathsProp: string, paths: string[] | undefined): string[] {
  if (path !== undefined && paths !== undefined) {
    throw propError(scope, pathsProp, paths, `give ${pathProp} or ${pathsProp}, not both`, `move ${pathProp} into ${pathsProp}`);
  }
  if (paths !== undefined && (!Array.isArray(paths) || paths.length === 0)) {
    throw propError(scope, pathsProp, paths, 'is not a non-empty list of path prefixes', `use e.g. ["/api"], or leave ${pathsProp} out for "/"`);
  }
  if (path !== undefined && typeof path !== 'string') throw propError(scope, pathProp, path, 'is not a string', 'use e.g. "/api"');
  const list = paths ?? [path ?? '/'];
  if (list.length > 64) {
    // Gateway API HTTPRoute rules[].matches: maxItems 64.
    throw propError(scope, pathsProp, `${list.length} paths`, 'a route takes at most 64 path prefixes (Gateway API HTTPRoute rules[].matches: maxItems 64)', 'use fewer, broader prefixes');
  }
  const seen = new Map<string, string>();
  list.forEach((p, i) => {
    const prop = paths !== undefined ? `${pathsProp}[${i}]` : pathProp;
    checkPath(scope, prop, p);
    const k = normalizePathPrefix(p);
    if (seen.has(k)) throw propError(scope, prop, p, `claims the same prefix as "${seen.get(k)}" (/v1 and /v1/ match the same requests)`, 'list each prefix once');
    seen.set(k, p);
  });
  return list;
}

function suffixed(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

function qualify(namespace: string, name: string): string {
  const full = `${namespace}-${name}`;
  if (full.length <= 63) return full;
  // Keep it a DNS label: cut and add a short stable hash of the full name.
  let h = 0;
  for (const ch of full) h = (h * 31 + ch.charCodeAt(0)) % 2 ** 32;
  const suffix = h.toString(16).padStart(8, '0').slice(0, 8);
  return `${full.slice(0, 54).replace(/-+$/, '')}-${suffix}`;
}

/**
 * A Traefik v3 rule. v3's Host() and PathPrefix() take one value each, so several are joined with
 * `||`; backticks delimit values, so values must not contain them (checked).
 */
function traefikRule(hosts: string[], pathPrefixes: string[]): string {
  const any = (matcher: string, values: string[]) => {
    const parts = values.map(v => `${matcher}(\`${v}\`)`);
    return parts.length > 1 ? `(${parts.join(' || ')})` : parts[0];
  };
  const parts: string[] = [];
  if (hosts.length > 0) parts.push(any('Host', hosts));
  // PathPrefix(`/`) matches every request: leave it out when a host narrows the rule.
  if (hosts.length === 0 || pathPrefixes.some(p => p !== '/')) parts.push(any('PathPrefix', pathPrefixes.includes('/') ? ['/'] : pathPrefixes));
  return parts.join(' && ');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/**
 * Why a host name is not one a route can match, or undefined: a DNS name of labels of at most 63
 * characters (253 in all), optionally starting with the wildcard label `*.` (Gateway API HTTPRoute
 * `spec.hostnames` pattern; k8s.io/apimachinery IsDNS1123Subdomain / IsWildcardDNS1123Subdomain,
 * which Ingress validation applies to `rules[].host`).
 *
 * @internal
 */
export function hostProblem(host: unknown): string | undefined {
  if (typeof host !== 'string' || host === '') return 'is not a host name';
  if (host.length > 253) return 'is longer than 253 characters';
  const labels = (host.startsWith('*.') ? host.slice(2) : host).split('.');
  if (labels.some(l => l.length > 63 || !DNS_LABEL.test(l))) {
    return 'is not a DNS host name (labels of at most 63 lower-case letters, digits and "-", separated by ".", optionally starting with "*.")';
  }
  return undefined;
}

/** @internal */
export function checkHost(scope: IConstruct | string, gateway: Gateway | undefined, host: string | undefined, prop = 'host'): void {
  if (host === undefined) return;
  const problem = hostProblem(host);
  if (problem) throw propError(scope, prop, host, problem, 'use a host such as "hello.example.com"');
  if (host.startsWith('*.') && gateway?.kind === GatewayKind.TRAEFIK_INGRESS_ROUTE) {
    throw propError(scope, prop, host, 'Traefik\'s Host() matcher takes no wildcard',
      'use an exact host, or Gateway.ingress()/Gateway.gatewayApi() which accept "*.example.com"');
  }
  // kubernetes/kubernetes pkg/apis/networking/validation/validation.go validateIngressRules: "must be
  // a DNS name, not an IP address"; Gateway API HTTPRoute hostnames: "IPs are not allowed".
  if (IPV4.test(host) && gateway !== undefined && gateway.kind !== GatewayKind.TRAEFIK_INGRESS_ROUTE) {
    throw propError(scope, prop, host, `is an IP address; ${gateway.kind === GatewayKind.INGRESS ? 'an Ingress host' : 'an HTTPRoute hostname'} must be a DNS name`,
      'leave host out to match every host, or use a DNS name');
  }
}

// RFC 3986 path characters and %XX escapes: the set the Gateway API HTTPRoute CRD allows for
// PathPrefix values. No backtick (Traefik's rule delimiter), space, "?", "#", or lone "%".
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/**
 * Why a path prefix is refused, or undefined. The rules of the Gateway API HTTPRoute CRD for
 * PathPrefix matches (gateway-api config/crd .../httproutes.yaml `x-kubernetes-validations` of
 * `rules[].matches[].path`), which are also Kubernetes' Ingress rules for `Prefix` paths (kubernetes
 * pkg/apis/networking/validation/validation.go validateIngressHTTPIngressPath: must start with "/",
 * no "//", "/./", "/../", "%2f", "%2F", no trailing "/.." or "/."): a prefix one gateway refuses is
 * refused for all, so a function can move between gateways.
 *
 * @internal
 */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'must start with "/"';
  if (path.length > 1024) return 'is longer than 1024 characters';
  if (!PATH_CHARS.test(path)) return 'holds characters outside RFC 3986 path characters (no spaces, backticks, "?" or "#"; "%" only in %XX escapes)';
  for (const seq of ['//', '/./', '/../', '%2f', '%2F']) {
    if (path.includes(seq)) return `must not contain "${seq}"`;
  }
  if (path.endsWith('/..') || path.endsWith('/.')) return 'must not end with "/." or "/.."';
  return undefined;
}

/** @internal */
export function checkPath(scope: IConstruct | string, prop: string, path: string): void {
  const problem = pathProblem(path);
  if (problem) {
    throw propError(scope, prop, path, `is not an absolute URL path prefix: it ${problem}`,
      'use a path starting with "/", e.g. "/api/hello" (no "//", "." or ".." segments, encoded "/", spaces, backticks, "?" or "#")');
  }
}
