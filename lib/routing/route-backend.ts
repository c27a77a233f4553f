import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { checkString } from '../private/function-checks';
import { checkPort } from '../private/validate';
import { KedaHttpAddOn } from '../scaling/keda-http-add-on';

/**
 * How a route reaches the KEDA HTTP add-on's interceptor, which lives in another namespace (`keda`)
 * than the function. Kubernetes Ingress can only name Services of its own namespace; Traefik refuses
 * cross-namespace Services unless `providers.kubernetesCRD.allowCrossNamespace` is on and refuses
 * ExternalName Services unless `allowExternalNameServices` is on (both off by default, also in K3s's
 * bundled Traefik); Gateway API needs a ReferenceGrant for cross-namespace backends, and says
 * implementations SHOULD NOT support ExternalName Services.
 *
 * @see https://keda.sh/http-add-on/0.15/user-guide/configure-ingress/
 * @see https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-crd/
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs
 */
export enum InterceptorAccess {
  /**
   * The route object (IngressRoute, Ingress or HTTPRoute) is emitted in the interceptor's namespace
   * and names the interceptor Service there: a same-namespace reference that every gateway accepts
   * with its default settings. The interceptor then routes by Host header to the function's Service.
   * A TLS Secret of the route must live in that namespace too; a Gateway API Gateway must admit
   * routes from it (`allowedRoutes.namespaces`).
   */
  ROUTE_IN_INTERCEPTOR_NAMESPACE = 'route-in-interceptor-namespace',

  /**
   * An `ExternalName` Service in the function's namespace points at the interceptor's cluster DNS
   * name, and the route (in the function's namespace) names it. Needs Traefik's
   * `allowExternalNameServices: true` (kubernetesCRD and kubernetesIngress providers); Gateway API
   * support is implementation-specific.
   */
  EXTERNAL_NAME_SERVICE = 'external-name-service',

  /**
   * The route (in the function's namespace) names the interceptor Service in its own namespace.
   * Traefik needs `allowCrossNamespace: true`; Gateway API needs a ReferenceGrant in the interceptor's
   * namespace (not emitted: the ReferenceGrant CRD is not part of this library's schema set). A
   * Kubernetes Ingress cannot do this at all.
   */
  CROSS_NAMESPACE_REFERENCE = 'cross-namespace-reference',
}

/** Options of `RouteBackend.kedaHttpInterceptor()`. */
export interface InterceptorBackendOptions {
  /**
   * How the route reaches the interceptor across namespaces.
   *
   * @default InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE
   */
  readonly access?: InterceptorAccess;

  /**
   * The interceptor proxy Service name.
   *
   * @default 'keda-add-ons-http-interceptor-proxy'
   */
  readonly serviceName?: string;

  /**
   * The namespace the HTTP add-on is installed in.
   *
   * @default 'keda'
   */
  readonly interceptorNamespace?: string;

  /**
   * The interceptor proxy port.
   *
   * @default 8080
   */
  readonly port?: number;

  /**
   * The cluster DNS domain (for the ExternalName Service).
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** Where a route sends its traffic. */
export class RouteBackend {
  /** A Service in the route's namespace. */
  public static service(serviceName: string, port: number): RouteBackend {
    checkString('RouteBackend.service', 'serviceName', serviceName ?? 0, 'hello');
    checkDns1123Label('RouteBackend.service', 'serviceName', serviceName);
    checkPort('RouteBackend.service', 'port', port);
    return new RouteBackend(serviceName, port);
  }

  /**
   * The KEDA HTTP add-on's interceptor proxy, which holds requests while a scaled-to-zero function
   * starts and counts them for scaling.
   *
   * @see https://keda.sh/http-add-on/0.15/user-guide/configure-ingress/
   */
  public static kedaHttpInterceptor(options: InterceptorBackendOptions = {}): RouteBackend {
    const where = 'RouteBackend.kedaHttpInterceptor';
    const serviceName = options.serviceName ?? KedaHttpAddOn.INTERCEPTOR_PROXY_SERVICE;
    const namespace = options.interceptorNamespace ?? KedaHttpAddOn.NAMESPACE;
    const port = options.port ?? KedaHttpAddOn.INTERCEPTOR_PROXY_PORT;
    const clusterDomain = options.clusterDomain ?? 'cluster.local';
    checkString(where, 'serviceName', serviceName, KedaHttpAddOn.INTERCEPTOR_PROXY_SERVICE);
    checkString(where, 'interceptorNamespace', namespace, KedaHttpAddOn.NAMESPACE);
    checkString(where, 'clusterDomain', clusterDomain, 'cluster.local');
    checkDns1123Label(where, 'serviceName', serviceName);
    checkDns1123Label(where, 'interceptorNamespace', namespace);
    checkPort(where, 'port', port);
    checkDns1123Subdomain(where, 'clusterDomain', clusterDomain);
    if (options.access !== undefined && !Object.values(InterceptorAccess).includes(options.access)) {
      throw propError(where, 'access', options.access, 'is not an InterceptorAccess', 'use InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE, EXTERNAL_NAME_SERVICE or CROSS_NAMESPACE_REFERENCE');
    }
    return new RouteBackend(serviceName, port, {
      access: options.access ?? InterceptorAccess.ROUTE_IN_INTERCEPTOR_NAMESPACE,
      namespace,
      clusterDomain,
    });
  }

  /** The Service the route names (before any ExternalName indirection). */
  public readonly serviceName: string;
  /** The Service port. */
  public readonly port: number;
  /** How the interceptor is reached; undefined for a plain Service backend. */
  public readonly interceptorAccess?: InterceptorAccess;
  /** The interceptor's namespace; undefined for a plain Service backend. */
  public readonly interceptorNamespace?: string;
  /** The cluster DNS domain (interceptor backends only). */
  public readonly clusterDomain?: string;

  private constructor(serviceName: string, port: number, interceptor?: { access: InterceptorAccess; namespace: string; clusterDomain: string }) {
    this.serviceName = serviceName;
    this.port = port;
    this.interceptorAccess = interceptor?.access;
    this.interceptorNamespace = interceptor?.namespace;
    this.clusterDomain = interceptor?.clusterDomain;
  }

  /** Whether this is the KEDA HTTP interceptor. */
  public get isInterceptor(): boolean {
    return this.interceptorAccess !== undefined;
  }

  /** The interceptor Service's cluster DNS name (interceptor backends only). */
  public get clusterDnsName(): string | undefined {
    return this.isInterceptor ? `${this.serviceName}.${this.interceptorNamespace}.svc.${this.clusterDomain}` : undefined;
  }
}
