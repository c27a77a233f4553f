import { ApiObject, Chart, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkDns1123Label, propError } from '../errors';
import * as gw from '../imports/gateway-api';
import * as traefik from '../imports/traefik';
import { Warnings } from '../warnings';
import { Gateway, GatewayKind } from './gateway';
import { InterceptorAccess, RouteBackend } from './route-backend';

/** Props of a FunctionRoute. */
export interface FunctionRouteProps {
  /** The gateway that serves the route. */
  readonly gateway: Gateway;

  /** Where the route sends traffic. */
  readonly backend: RouteBackend;

  /**
   * The host name to match (a DNS name; `*.example.com` wildcards work on Ingress and Gateway API).
   *
   * @default - every host
   */
  readonly host?: string;

  /**
   * The path prefix to match.
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * `metadata.name` of the route object (the ExternalName Service, if any, adds `-interceptor`). In the
   * interceptor's namespace the chart's namespace is prefixed so routes of several namespaces cannot
   * collide.
   *
   * @default - a name generated from the construct path
   */
  readonly name?: string;
}

/**
 * A route from a gateway (Traefik IngressRoute, Ingress or Gateway API HTTPRoute) to a function's
 * Service, or to the KEDA HTTP interceptor when the function scales on HTTP traffic or to zero.
 *
 * @see https://keda.sh/http-add-on/0.15/user-guide/configure-ingress/
 */
export class FunctionRoute extends Construct {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The host matched, if any. */
  public readonly host?: string;
  /** The path prefix matched. */
  public readonly pathPrefix: string;
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
    this.gateway = gateway;
    this.pathPrefix = props.pathPrefix ?? '/';
    this.host = props.host;
    checkHost(this, gateway, props.host);
    checkPath(this, 'pathPrefix', this.pathPrefix);

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
    const metadata = { name: this.routeName, namespace: this.routeNamespace };

    switch (gateway.kind) {
      case GatewayKind.TRAEFIK_INGRESS_ROUTE:
        this.routeKind = 'IngressRoute';
        new traefik.IngressRoute(this, 'Resource', {
          metadata,
          spec: {
            entryPoints: gateway.entryPoints,
            routes: [{
              kind: traefik.IngressRouteSpecRoutesKind.RULE,
              match: traefikRule(this.host, this.pathPrefix),
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
      case GatewayKind.INGRESS:
        this.routeKind = 'Ingress';
        if (gateway.tlsSecretName && !this.host) {
          throw propError(this, 'host', undefined, 'an Ingress TLS section needs the host its certificate is for',
            'set host (e.g. "hello.example.com"), or drop tlsSecretName from Gateway.ingress()');
        }
        new kplus.k8s.KubeIngress(this, 'Resource', {
          metadata,
          spec: {
            ingressClassName: gateway.ingressClassName,
            rules: [{
              host: this.host,
              http: {
                paths: [{
                  path: this.pathPrefix,
                  pathType: 'Prefix',
                  backend: { service: { name: serviceName, port: { number: backend.port } } },
                }],
              },
            }],
            tls: gateway.tlsSecretName ? [{ hosts: [this.host!], secretName: gateway.tlsSecretName }] : undefined,
          },
        });
        break;
      case GatewayKind.GATEWAY_API:
        this.routeKind = 'HTTPRoute';
        new gw.HttpRoute(this, 'Resource', {
          metadata,
          spec: {
            parentRefs: [{ name: gateway.gatewayName!, namespace: gateway.gatewayNamespace, sectionName: gateway.sectionName }],
            hostnames: this.host ? [this.host] : undefined,
            rules: [{
              matches: [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: this.pathPrefix } }],
              backendRefs: [{ name: serviceName, namespace: serviceNamespace, port: backend.port }],
            }],
          },
        });
        break;
      default:
        throw propError(this, 'gateway', gateway.kind, 'is not a known gateway kind', 'use Gateway.traefik(), Gateway.ingress() or Gateway.gatewayApi()');
    }
  }

  /** The route object (IngressRoute, Ingress or HTTPRoute). */
  public get resource(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }
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

/** A Traefik v3 rule; backticks delimit values, so values must not contain them (checked). */
function traefikRule(host: string | undefined, pathPrefix: string): string {
  const parts: string[] = [];
  if (host) parts.push(`Host(\`${host}\`)`);
  if (pathPrefix !== '/' || !host) parts.push(`PathPrefix(\`${pathPrefix}\`)`);
  return parts.join(' && ');
}

const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal */
export function checkHost(scope: Construct | string, gateway: Gateway | undefined, host: string | undefined): void {
  if (host === undefined) return;
  if (typeof host !== 'string' || host.length > 253 || !HOST.test(host)) {
    throw propError(scope, 'host', host, 'is not a DNS host name (lower-case letters, digits, "-" and ".", optionally starting with "*.")',
      'use a host such as "hello.example.com"');
  }
  if (host.startsWith('*.') && gateway?.kind === GatewayKind.TRAEFIK_INGRESS_ROUTE) {
    throw propError(scope, 'host', host, 'Traefik\'s Host() matcher takes no wildcard',
      'use an exact host, or Gateway.ingress()/Gateway.gatewayApi() which accept "*.example.com"');
  }
}

// RFC 3986 path characters, minus the backtick Traefik uses as a rule delimiter.
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/** @internal */
export function checkPath(scope: Construct | string, prop: string, path: string): void {
  if (typeof path !== 'string' || path.length > 1024 || !PATH.test(path) || path.includes('//')) {
    throw propError(scope, prop, path, 'is not an absolute URL path prefix',
      'use a path starting with "/", e.g. "/api/hello" (no spaces, backticks or "//")');
  }
}
