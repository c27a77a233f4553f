import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { checkString } from '../private/function-checks';

/** The kind of object a `Gateway` emits for a route. */
export enum GatewayKind {
  /**
   * A Traefik `IngressRoute` (traefik.io/v1alpha1): K3s's bundled ingress controller.
   *
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
   */
  TRAEFIK_INGRESS_ROUTE = 'traefik-ingress-route',

  /**
   * A Kubernetes `Ingress` (networking.k8s.io/v1), served by whatever controller owns its class.
   *
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  INGRESS = 'ingress',

  /**
   * A Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) attached to an existing `Gateway`.
   *
   * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
   */
  GATEWAY_API = 'gateway-api',
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
 */
export class Gateway {
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
    return new Gateway(GatewayKind.TRAEFIK_INGRESS_ROUTE, {
      entryPoints: entryPoints.map(e => e.name),
      tlsSecretName: options.tlsSecretName,
    });
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
    return new Gateway(GatewayKind.INGRESS, Object.assign({ entryPoints: [] }, options));
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
    return new Gateway(GatewayKind.GATEWAY_API, Object.assign({ entryPoints: [] }, options));
  }

  /** The kind of route object this gateway takes. */
  public readonly kind: GatewayKind;
  /** Traefik entry point names (Traefik only; empty otherwise). */
  public readonly entryPoints: string[];
  /** TLS Secret name (Traefik and Ingress). */
  public readonly tlsSecretName?: string;
  /** IngressClass name (Ingress only). */
  public readonly ingressClassName?: string;
  /** Gateway name (Gateway API only). */
  public readonly gatewayName?: string;
  /** Gateway namespace (Gateway API only). */
  public readonly gatewayNamespace?: string;
  /** Listener name (Gateway API only). */
  public readonly sectionName?: string;

  private constructor(kind: GatewayKind, fields: {
    entryPoints: string[];
    tlsSecretName?: string;
    ingressClassName?: string;
    gatewayName?: string;
    gatewayNamespace?: string;
    sectionName?: string;
  }) {
    this.kind = kind;
    this.entryPoints = fields.entryPoints;
    this.tlsSecretName = fields.tlsSecretName;
    this.ingressClassName = fields.ingressClassName;
    this.gatewayName = fields.gatewayName;
    this.gatewayNamespace = fields.gatewayNamespace;
    this.sectionName = fields.sectionName;
  }
}
