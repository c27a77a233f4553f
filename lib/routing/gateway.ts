import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { InterceptorAccess } from './route-backend';
import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { checkString } from '../private/function-checks';
import { lazyModule } from '../private/lazy';
import { warn } from '../private/warnings';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const gw = lazyModule((): typeof import('../imports/gateway-api') => require('../imports/gateway-api'));
const traefik = lazyModule((): typeof import('../imports/traefik') => require('../imports/traefik'));

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

/** What a FunctionRoute hands its gateway to render: the route's matches and target, checked. */
export interface GatewayRouteOptions {
  /** Host names to match (empty: every host). */
  readonly hosts: string[];
  /** Path prefixes to match (at least one). */
  readonly pathPrefixes: string[];
  /** `metadata.name` of the route object. */
  readonly name: string;
  /** `metadata.namespace` of the route object. @default - the chart's */
  readonly namespace?: string;
  /** The chart's namespace. @default - none */
  readonly chartNamespace?: string;
  /** Annotations of the route object. @default - none */
  readonly annotations?: { [key: string]: string };
  /** Traefik Middlewares to apply, as given (checked). */
  readonly middlewares: TraefikMiddlewareRef[];
  /** The Service the route sends traffic to. */
  readonly serviceName: string;
  /** That Service's namespace, when it is not the route's (a cross-namespace reference). @default - the route's */
  readonly serviceNamespace?: string;
  /** That Service's port. */
  readonly servicePort: number;
  /** When `serviceName` is an ExternalName Service: the DNS name it points at. @default - a plain Service */
  readonly externalName?: string;
}

/** What a gateway rendered for a route, and what the route claims on it. */
export interface GatewayRouteConfig {
  /** The route object (e.g. an IngressRoute). */
  readonly apiObject: ApiObject;
  /**
   * What the route's hosts and path prefixes must be unique within: the routes of the app with the
   * same scope, host and path prefix on a common lane are refused (e.g. `traefik`, `ingress class nginx`).
   */
  readonly claimScope: string;
  /** The lanes of that scope the route binds to (Traefik entry points, a Gateway listener); `*` for every lane. */
  readonly lanes: string[];
  /** How messages name a lane, e.g. `Traefik entry point`. */
  readonly laneDescription: string;
}

/**
 * A Traefik entry point (a listening port in Traefik's static configuration).
 *
 * @see https://doc.traefik.io/traefik/reference/install-configuration/entrypoints/
 */
export class TraefikEntryPoint {
  /** `web`: plain HTTP on port 80 in K3s's bundled Traefik. */
  public static readonly WEB = new TraefikEntryPoint('web');
  /** `websecure`: HTTPS on port 443 in K3s's bundled Traefik. */
  public static readonly WEBSECURE = new TraefikEntryPoint('websecure');

  /** An entry point defined in your own Traefik static configuration. */
  public static of(name: string): TraefikEntryPoint {
    // Entry point names are free-form in Traefik, but they end up in YAML lists and log lines.
    if (typeof name !== 'string' || name.length > 253 || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      throw propError('TraefikEntryPoint.of', 'name', name, 'is not an entry point name',
        'use letters, digits, "-" and "_" (e.g. "web", "websecure", "metrics")');
    }
    return new TraefikEntryPoint(name);
  }

  private constructor(
    /** The entry point name. */
    public readonly name: string) {}
}

/** Options of `Gateway.traefik()`. */
export interface TraefikGatewayOptions {
  /**
   * Entry points the route binds to.
   *
   * @default - `[TraefikEntryPoint.WEBSECURE]` when `tlsSecretName` is set, else `[TraefikEntryPoint.WEB]`
   */
  readonly entryPoints?: TraefikEntryPoint[];

  /**
   * A `kubernetes.io/tls` Secret (in the route's namespace) with the certificate to serve.
   *
   * @default - no TLS section (plain HTTP, or the entry point's own TLS settings)
   */
  readonly tlsSecretName?: string;
}

/** Options of `Gateway.ingress()`. */
export interface IngressGatewayOptions {
  /**
   * `spec.ingressClassName`: which controller serves the Ingress. On K3s, `traefik`.
   *
   * @default - no class: the cluster's default IngressClass
   */
  readonly ingressClassName?: string;

  /**
   * A `kubernetes.io/tls` Secret (in the Ingress's namespace) with the certificate for the host.
   * Needs a `host`.
   *
   * @default - no TLS
   */
  readonly tlsSecretName?: string;
}

/** Options of `Gateway.gatewayApi()`. */
export interface GatewayApiOptions {
  /** Name of the `Gateway` the HTTPRoute attaches to (`parentRefs[].name`). */
  readonly gatewayName: string;

  /**
   * Namespace of that Gateway. Its listeners' `allowedRoutes.namespaces` must admit the route's
   * namespace (the Gateway API default, `Same`, admits only routes in the Gateway's own namespace).
   *
   * @default - the route's own namespace
   */
  readonly gatewayNamespace?: string;

  /**
   * A listener of the Gateway to attach to (`parentRefs[].sectionName`).
   *
   * @default - every listener that admits the route
   */
  readonly sectionName?: string;
}

/**
 * Which gateway exposes a function: Traefik's IngressRoute (K3s's bundled ingress), a Kubernetes
 * Ingress, or a Gateway API HTTPRoute. Pass one to `ServerlessFunction` or `FunctionRoute`.
 *
 * The built-in gateways come from the static factories. A new gateway is a subclass that implements
 * `routeKind` and `bind()`, which renders the route object for a route (`GatewayRouteOptions`) and
 * says what the route claims on the gateway (`GatewayRouteConfig`).
 */
export abstract class Gateway {
  /**
   * Traefik `IngressRoute` (traefik.io/v1alpha1), the CRD of K3s's bundled Traefik.
   *
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
   */
  public static traefik(options: TraefikGatewayOptions = {}): Gateway {
    if (options.entryPoints !== undefined && options.entryPoints.length === 0) {
      throw propError('Gateway.traefik', 'entryPoints', [], 'an IngressRoute with no entry point would bind to every entry point',
        'leave entryPoints out for the default, or list e.g. [TraefikEntryPoint.WEB]');
    }
    checkString('Gateway.traefik', 'tlsSecretName', options.tlsSecretName, 'hello-tls');
    if (options.tlsSecretName !== undefined) checkDns1123Subdomain('Gateway.traefik', 'tlsSecretName', options.tlsSecretName);
    (options.entryPoints ?? []).forEach((e, i) => {
      if (!(e instanceof TraefikEntryPoint)) {
        throw propError('Gateway.traefik', `entryPoints[${i}]`, e, 'is not a TraefikEntryPoint', 'use TraefikEntryPoint.WEB, WEBSECURE or TraefikEntryPoint.of("name")');
      }
    });
    const entryPoints = options.entryPoints ?? [options.tlsSecretName ? TraefikEntryPoint.WEBSECURE : TraefikEntryPoint.WEB];
    return new TraefikGateway(entryPoints.map(e => e.name), options.tlsSecretName);
  }

  /**
   * A Kubernetes `Ingress` (networking.k8s.io/v1) with a `Prefix` path.
   *
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  public static ingress(options: IngressGatewayOptions = {}): Gateway {
    checkString('Gateway.ingress', 'ingressClassName', options.ingressClassName, 'traefik');
    checkString('Gateway.ingress', 'tlsSecretName', options.tlsSecretName, 'hello-tls');
    if (options.ingressClassName !== undefined) checkDns1123Subdomain('Gateway.ingress', 'ingressClassName', options.ingressClassName);
    if (options.tlsSecretName !== undefined) checkDns1123Subdomain('Gateway.ingress', 'tlsSecretName', options.tlsSecretName);
    return new IngressGateway(options.ingressClassName, options.tlsSecretName);
  }

  /**
   * A Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) attached to an existing Gateway. TLS is
   * configured on the Gateway's listeners, not on the route.
   *
   * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
   */
  public static gatewayApi(options: GatewayApiOptions): Gateway {
    checkString('Gateway.gatewayApi', 'gatewayName', options?.gatewayName ?? 0, 'edge');
    checkString('Gateway.gatewayApi', 'gatewayNamespace', options.gatewayNamespace, 'infra');
    checkString('Gateway.gatewayApi', 'sectionName', options.sectionName, 'https');
    checkDns1123Subdomain('Gateway.gatewayApi', 'gatewayName', options?.gatewayName ?? '');
    if (options.gatewayNamespace !== undefined) checkDns1123Label('Gateway.gatewayApi', 'gatewayNamespace', options.gatewayNamespace);
    if (options.sectionName !== undefined) checkDns1123Label('Gateway.gatewayApi', 'sectionName', options.sectionName);
    return new GatewayApiGateway(options.gatewayName, options.gatewayNamespace, options.sectionName);
  }

  /** The kind of the route object this gateway emits, e.g. `IngressRoute`. */
  public abstract readonly routeKind: string;

  /**
   * Refuses a host this gateway cannot match, beyond the DNS-name rules every route applies. The
   * default accepts every host.
   *
   * @param where the construct path (or API entry point), for the error
   * @param prop the prop that holds the host, for the error
   */
  public checkHost(where: string, prop: string, host: string): void {
    void where; void prop; void host;
  }

  /**
   * Renders the route object under `scope` (the FunctionRoute) and says what the route claims on the
   * gateway. Refuses (throws) or warns about what the gateway cannot do with the route.
   */
  public abstract bind(scope: Construct, route: GatewayRouteOptions): GatewayRouteConfig;
}

/** The metadata of a route object. */
function routeMetadata(route: GatewayRouteOptions) {
  return { name: route.name, namespace: route.namespace, annotations: route.annotations };
}

/** Refuses Middlewares on a gateway whose route object cannot reference them. */
function refuseMiddlewares(scope: Construct, route: GatewayRouteOptions, emits: string, fix: string): void {
  if (route.middlewares.length > 0) {
    throw propError(scope, 'middlewares', route.middlewares.map(m => m?.name), `Traefik Middlewares are referenced from an IngressRoute, and this gateway emits ${emits}`, fix);
  }
}

/** What Traefik (as IngressRoute or Ingress controller) needs for an ExternalName Service. */
function warnTraefikExternalName(scope: Construct, route: GatewayRouteOptions): void {
  if (route.externalName === undefined) return;
  warn(scope, 'backend.access', InterceptorAccess.EXTERNAL_NAME_SERVICE,
    `the route names the ExternalName Service "${route.serviceName}" (→ ${route.externalName}); Traefik refuses ExternalName Services unless allowExternalNameServices `
      + 'is true for its kubernetesCRD/kubernetesIngress provider (false by default, also in K3s)',
    'enable it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE');
}

/** IngressRoute in a namespace, or "default" for messages. */
function namespaceOf(route: GatewayRouteOptions): string {
  return route.namespace ?? route.chartNamespace ?? '';
}

const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/**
 * kubernetes/kubernetes pkg/apis/networking/validation/validation.go validateIngressRules: "must be a
 * DNS name, not an IP address"; Gateway API HTTPRoute hostnames: "IPs are not allowed".
 */
function refuseIpHost(where: string, prop: string, host: string, what: string): void {
  if (IPV4.test(host)) {
    throw propError(where, prop, host, `is an IP address; ${what} must be a DNS name`, 'leave host out to match every host, or use a DNS name');
  }
}

/** Traefik's IngressRoute. */
class TraefikGateway extends Gateway {
  public readonly routeKind = 'IngressRoute';

  constructor(private readonly entryPoints: string[], private readonly tlsSecretName?: string) {
    super();
  }

  public checkHost(where: string, prop: string, host: string): void {
    if (host.startsWith('*.')) {
      throw propError(where, prop, host, 'Traefik\'s Host() matcher takes no wildcard',
        'use an exact host, or Gateway.ingress()/Gateway.gatewayApi() which accept "*.example.com"');
    }
  }

  public bind(scope: Construct, route: GatewayRouteOptions): GatewayRouteConfig {
    warnTraefikExternalName(scope, route);
    if (route.serviceNamespace !== undefined) {
      warn(scope, 'backend.access', InterceptorAccess.CROSS_NAMESPACE_REFERENCE,
        `the IngressRoute names Service ${route.serviceNamespace}/${route.serviceName} in another namespace; Traefik ignores it unless `
          + 'providers.kubernetesCRD.allowCrossNamespace is true (false by default, also in K3s)',
        'enable it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE');
    }
    // traefik pkg/provider/kubernetes/crd/kubernetes_http.go makeMiddlewareKeys: a Middleware
    // without a namespace is looked up in the IngressRoute's namespace; another namespace without
    // allowCrossNamespace fails the route ("Failed to create middleware keys", route skipped).
    // Name the function's namespace when the route moved to the interceptor's.
    const movedFrom = route.namespace !== undefined ? route.chartNamespace : undefined;
    const refs = route.middlewares.map(m => ({ name: m.name, namespace: m.namespace ?? movedFrom }));
    const namespace = namespaceOf(route);
    const foreign = refs.filter(m => m.namespace !== undefined && m.namespace !== namespace);
    if (foreign.length > 0) {
      warn(scope, 'middlewares', foreign.map(m => `${m.namespace}/${m.name}`),
        `the IngressRoute (namespace "${namespace || 'default'}") references Middleware ${foreign.map(m => `${m.namespace}/${m.name}`).join(', ')} in another namespace; `
          + 'unless providers.kubernetesCRD.allowCrossNamespace is true (false by default, also in K3s), Traefik refuses the reference and drops the whole route',
        'enable it, or create the Middleware in the route\'s namespace');
    }
    const apiObject = new traefik.IngressRoute(scope, 'Resource', {
      metadata: routeMetadata(route),
      spec: {
        entryPoints: this.entryPoints,
        routes: [{
          kind: traefik.IngressRouteSpecRoutesKind.RULE,
          match: traefikRule(route.hosts, route.pathPrefixes),
          middlewares: refs.length > 0 ? refs : undefined,
          services: [{
            kind: traefik.IngressRouteSpecRoutesServicesKind.SERVICE,
            name: route.serviceName,
            namespace: route.serviceNamespace,
            port: traefik.IngressRouteSpecRoutesServicesPort.fromNumber(route.servicePort),
          }],
        }],
        tls: this.tlsSecretName ? { secretName: this.tlsSecretName } : undefined,
      },
    });
    // Traefik matches rules per entry point, whatever namespace the IngressRoute lives in.
    return { apiObject, claimScope: 'traefik', lanes: this.entryPoints, laneDescription: 'Traefik entry point' };
  }
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

/** A Kubernetes Ingress. */
class IngressGateway extends Gateway {
  public readonly routeKind = 'Ingress';

  constructor(private readonly ingressClassName?: string, private readonly tlsSecretName?: string) {
    super();
  }

  public checkHost(where: string, prop: string, host: string): void {
    refuseIpHost(where, prop, host, 'an Ingress host');
  }

  public bind(scope: Construct, route: GatewayRouteOptions): GatewayRouteConfig {
    // k8s.io/kubernetes pkg/apis/networking/validation ValidateIngressCreate: the legacy class
    // annotation must match spec.ingressClassName when both are set.
    const legacyClass = route.annotations?.['kubernetes.io/ingress.class'];
    if (legacyClass !== undefined && this.ingressClassName !== undefined && legacyClass !== this.ingressClassName) {
      throw propError(scope, 'annotations["kubernetes.io/ingress.class"]', legacyClass,
        `differs from the gateway's ingressClassName "${this.ingressClassName}", and the API server refuses an Ingress whose two classes disagree`,
        'drop the annotation (ingressClassName is the current field), or make them equal');
    }
    refuseMiddlewares(scope, route, 'an Ingress',
      'use Gateway.traefik(), or, for an Ingress served by Traefik, set annotations { "traefik.ingress.kubernetes.io/router.middlewares": "<namespace>-<name>@kubernetescrd" }');
    if (route.serviceNamespace !== undefined) {
      throw propError(scope, 'backend.access', InterceptorAccess.CROSS_NAMESPACE_REFERENCE,
        'a Kubernetes Ingress can only name Services in its own namespace',
        'use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE (the default) or InterceptorAccess.EXTERNAL_NAME_SERVICE');
    }
    warnTraefikExternalName(scope, route);
    if (this.tlsSecretName && route.hosts.length === 0) {
      throw propError(scope, 'host', undefined, 'an Ingress TLS section needs the host its certificate is for',
        'set host (e.g. "hello.example.com"), or drop tlsSecretName from Gateway.ingress()');
    }
    const paths = route.pathPrefixes.map(path => ({
      path,
      pathType: 'Prefix',
      backend: { service: { name: route.serviceName, port: { number: route.servicePort } } },
    }));
    const rules = (route.hosts.length > 0 ? route.hosts : [undefined]).map(host => ({ host, http: { paths } }));
    const apiObject = new kplus.k8s.KubeIngress(scope, 'Resource', {
      metadata: routeMetadata(route),
      spec: {
        ingressClassName: this.ingressClassName,
        rules,
        tls: this.tlsSecretName ? [{ hosts: [...route.hosts], secretName: this.tlsSecretName }] : undefined,
      },
    });
    // One controller serves one class, merging the Ingresses of every namespace.
    const claimScope = `ingress class ${this.ingressClassName ?? '(cluster default)'}`;
    return { apiObject, claimScope, lanes: ['*'], laneDescription: claimScope };
  }
}

/** A Gateway API HTTPRoute. */
class GatewayApiGateway extends Gateway {
  public readonly routeKind = 'HTTPRoute';

  constructor(private readonly gatewayName: string, private readonly gatewayNamespace?: string, private readonly sectionName?: string) {
    super();
  }

  public checkHost(where: string, prop: string, host: string): void {
    refuseIpHost(where, prop, host, 'an HTTPRoute hostname');
  }

  public bind(scope: Construct, route: GatewayRouteOptions): GatewayRouteConfig {
    refuseMiddlewares(scope, route, 'an HTTPRoute', 'use Gateway.traefik(), or a filter of your Gateway implementation');
    if (route.externalName !== undefined) {
      warn(scope, 'backend.access', InterceptorAccess.EXTERNAL_NAME_SERVICE,
        `the HTTPRoute names the ExternalName Service "${route.serviceName}" (→ ${route.externalName}); Gateway API leaves ExternalName backends implementation-specific `
          + '(the spec says implementations SHOULD NOT support them)',
        'check your Gateway implementation, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE');
    }
    if (route.serviceNamespace !== undefined) {
      warn(scope, 'backend.access', InterceptorAccess.CROSS_NAMESPACE_REFERENCE,
        `the HTTPRoute names Service ${route.serviceNamespace}/${route.serviceName} in another namespace; it is accepted only with a ReferenceGrant `
          + `(gateway.networking.k8s.io/v1beta1) in namespace "${route.serviceNamespace}" that allows HTTPRoutes from this namespace to reference Services`,
        'create it, or use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE');
    }
    const apiObject = new gw.HttpRoute(scope, 'Resource', {
      metadata: routeMetadata(route),
      spec: {
        parentRefs: [{ name: this.gatewayName, namespace: this.gatewayNamespace, sectionName: this.sectionName }],
        hostnames: route.hosts.length > 0 ? [...route.hosts] : undefined,
        rules: [{
          matches: route.pathPrefixes.map(value => ({ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } })),
          backendRefs: [{ name: route.serviceName, namespace: route.serviceNamespace, port: route.servicePort }],
        }],
      },
    });
    const claimScope = `Gateway ${this.gatewayNamespace ?? namespaceOf(route)}/${this.gatewayName}`;
    return { apiObject, claimScope, lanes: [this.sectionName ?? '*'], laneDescription: `${claimScope} listener` };
  }
}
