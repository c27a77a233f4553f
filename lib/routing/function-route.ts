import { ApiObject, Chart, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { Gateway, GatewayRouteConfig, TraefikMiddlewareRef } from './gateway';
import { InterceptorAccess, RouteBackend } from './route-backend';
import { appIndex } from '../private/app-checks';
import { NAME_CLAIMER, objectsUnder } from '../private/app-checks/functions';
import { ROUTE_CLAIMS, RouteClaim } from '../private/app-checks/routes';
import { checkDns1123Label, checkDns1123Subdomain, pathOf, propError } from '../private/errors';
import { checkList, checkString, checkStringMap } from '../private/function-checks';
import { normalizeHost, normalizePathPrefix, routeClaimKey } from '../private/route-claim';
import { checkAnnotations, checkDns1035Label } from '../private/validate';

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
  /** The route object (IngressRoute, Ingress or HTTPRoute). */
  public readonly apiObject: ApiObject;

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
    const middlewares = props.middlewares ?? [];
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
    let externalName: string | undefined;
    if (backend.interceptorAccess === InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE) {
      namespace = backend.interceptorNamespace;
    } else if (backend.interceptorAccess === InterceptorAccess.EXTERNAL_NAME_SERVICE) {
      // Not baseName: the function's own Service may already carry it.
      serviceName = suffixed(baseName, '-interceptor');
      // A Service name is a DNS-1035 label (it must start with a letter).
      checkDns1035Label(this, 'name', serviceName);
      externalName = backend.clusterDnsName;
      new kplus.k8s.KubeService(this, 'InterceptorAlias', {
        metadata: { name: serviceName },
        spec: {
          type: 'ExternalName',
          externalName,
          ports: [{ name: 'http', port: backend.port, targetPort: kplus.k8s.IntOrString.fromNumber(backend.port) }],
        },
      });
    } else if (backend.interceptorAccess === InterceptorAccess.CROSS_NAMESPACE_REFERENCE) {
      serviceNamespace = backend.interceptorNamespace;
    }

    // In the shared interceptor namespace, qualify the name with the chart's namespace.
    this.routeName = namespace !== undefined && namespace !== chartNamespace && chartNamespace
      ? qualify(chartNamespace, baseName) : baseName;
    this.routeNamespace = namespace !== chartNamespace ? namespace : undefined;
    this.serviceName = serviceName;
    this.routeKind = gateway.routeKind;

    const config = gateway.bind(this, {
      hosts: this.hosts,
      pathPrefixes: this.pathPrefixes,
      name: this.routeName,
      namespace: this.routeNamespace,
      chartNamespace,
      annotations: props.annotations,
      middlewares,
      serviceName,
      serviceNamespace,
      servicePort: backend.port,
      externalName,
    });
    this.apiObject = config.apiObject;

    const index = appIndex(this);
    index.add(ROUTE_CLAIMS, { route: this, claims: routeClaims(this, config) });
    index.add(NAME_CLAIMER, { scope: this, objects: () => objectsUnder(this), names: [], fix: 'give one of them another name' });
  }

  /**
   * The route object (IngressRoute, Ingress or HTTPRoute).
   *
   * @deprecated use `apiObject`
   */
  public get resource(): ApiObject {
    return this.apiObject;
  }
}

/** What a route claims on its gateway: one entry per host, path prefix and lane (entry point, listener). */
function routeClaims(route: FunctionRoute, config: GatewayRouteConfig): RouteClaim[] {
  const out: RouteClaim[] = [];
  const hosts = route.hosts.length > 0 ? route.hosts : [undefined];
  for (const host of hosts) {
    for (const path of route.pathPrefixes) {
      for (const lane of config.lanes) {
        out.push({ key: `${config.claimScope} ${routeClaimKey(host, path)}`, lane, where: `${config.laneDescription} ${lane}, host ${host ?? '*'}, path ${path}` });
      }
    }
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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
  gateway?.checkHost(pathOf(scope), prop, host);
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
