import { ApiObject, ApiObjectMetadata, Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { checkReplicaRange, registerAutoscaler, warmFloor, wholeSeconds } from './guardrails';
import { KedaScaledObject, KedaScaledObjectOptions } from './keda';
import { KedaTrigger, KedaTriggerBaseOptions } from './keda-trigger';
import { appIndex } from '../private/app-checks';
import { namespaceOf } from '../private/app-checks/autoscalers';
import { HTTP_ROUTE } from '../private/app-checks/http-routes';
import { checkNoCredential } from '../private/credentials';
import { checkDns1123Label, checkInt, checkInt32, isWholeNumber, propError } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { normalizeHost, routeClaimKey } from '../private/route-claim';
import { definedMetadata } from '../private/scaling-metadata';
import { checkMetadata, checkPort, GO_MAX_DURATION_MS } from '../private/validate';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const { HttpScaledObject, InterceptorRoute } = lazyExports((): typeof import('../imports/keda-http') => require('../imports/keda-http'));

/** Scale on requests per second per replica, averaged over a sliding window. */
export interface KedaHttpRequestRate {
  /** Target requests per second per replica. */
  readonly targetValue: number;
  /**
   * The sliding window.
   *
   * @default Duration.minutes(1)
   */
  readonly window?: Duration;
  /**
   * The bucket size within the window.
   *
   * @default Duration.seconds(1)
   */
  readonly granularity?: Duration;
}

/** Scaling metric options shared by the HTTP add-on objects. Give at most one of the two for HTTPScaledObject. */
export interface KedaHttpScalingOptions {
  /**
   * Target concurrent requests per replica.
   *
   * @default - 100 when targetRequestRate is not set
   */
  readonly targetConcurrency?: number;

  /**
   * Target request rate per replica.
   *
   * @default - none (concurrency)
   */
  readonly targetRequestRate?: KedaHttpRequestRate;
}

/** A header a request must carry. */
export interface KedaHttpHeaderMatch {
  /** The header name. */
  readonly name: string;
  /**
   * The exact value.
   *
   * @default - any value
   */
  readonly value?: string;
}

/** One routing rule of an InterceptorRoute; a request must match every listed kind of criterion. */
export interface KedaInterceptorRouteRule {
  /**
   * Host names (`*.example.com` wildcards and a single `*` catch-all work).
   *
   * @default - any host
   */
  readonly hosts?: string[];
  /**
   * Path prefixes (the longest match wins).
   *
   * @default - any path
   */
  readonly pathPrefixes?: string[];
  /**
   * Headers that must all be present.
   *
   * @default - no header condition
   */
  readonly headers?: KedaHttpHeaderMatch[];
}

/** A Service to send requests to while the workload does not start in time. */
export interface KedaHttpColdStartFallback {
  /** The fallback Service. */
  readonly service: kplus.Service;
  /**
   * Its port.
   *
   * @default - the Service's first port
   */
  readonly port?: number;
}

/** A static response the interceptor serves while the workload has no ready pod. */
export interface KedaHttpPlaceholderResponse {
  /**
   * The response body (at most 32768 characters).
   *
   * @default - empty
   */
  readonly body?: string;
  /**
   * The status code.
   *
   * @default 503
   */
  readonly statusCode?: number;
  /**
   * Response headers.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Per-route interceptor timeouts. */
export interface KedaInterceptorRouteTimeouts {
  /**
   * How long to wait for a ready pod (scale from zero).
   *
   * @default - the interceptor's global KEDA_HTTP_READINESS_TIMEOUT
   */
  readonly readiness?: Duration;
  /**
   * Total time for the whole request.
   *
   * @default - the interceptor's global KEDA_HTTP_REQUEST_TIMEOUT
   */
  readonly request?: Duration;
  /**
   * How long to wait for response headers once the request is sent.
   *
   * @default - the interceptor's global KEDA_HTTP_RESPONSE_HEADER_TIMEOUT (300s)
   */
  readonly responseHeader?: Duration;
}

/** Props of a KedaInterceptorRoute. */
export interface KedaInterceptorRouteProps extends KedaHttpScalingOptions {
  /**
   * The Service of the workload (same namespace as the route).
   *
   * @default - give serviceName instead
   */
  readonly service?: kplus.Service;
  /**
   * The name of a Service this app does not define (one a platform creates, such as SpinKube's
   * per-app Service), in the route's namespace. Needs `port`.
   *
   * @default - give service instead
   */
  readonly serviceName?: string;
  /**
   * The Service port.
   *
   * @default - the Service's first port (required with serviceName)
   */
  readonly port?: number;
  /**
   * Host names of a single rule (shortcut for `rules: [{ hosts, pathPrefixes }]`).
   *
   * @default - none; give hosts, pathPrefixes or rules
   */
  readonly hosts?: string[];
  /**
   * Path prefixes of a single rule (shortcut, see `hosts`).
   *
   * @default - none
   */
  readonly pathPrefixes?: string[];
  /**
   * Routing rules (instead of `hosts`/`pathPrefixes`).
   *
   * @default - one rule from hosts and pathPrefixes
   */
  readonly rules?: KedaInterceptorRouteRule[];
  /**
   * Where to send requests when no pod becomes ready within the readiness timeout.
   *
   * @default - none: requests wait, then fail
   */
  readonly coldStartFallback?: KedaHttpColdStartFallback;
  /**
   * A static response while no pod is ready.
   *
   * @default - none: requests wait for a pod
   */
  readonly placeholderResponse?: KedaHttpPlaceholderResponse;
  /**
   * Per-route timeouts.
   *
   * @default - the interceptor's global timeouts
   */
  readonly timeouts?: KedaInterceptorRouteTimeouts;
  /**
   * Metadata of the InterceptorRoute.
   *
   * @default - a generated name, in the Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * A KEDA HTTP add-on InterceptorRoute (http.keda.sh/v1beta1, add-on >= 0.14): how the interceptor
 * routes requests to a Service and which request metric drives scaling. Scaling itself is a
 * KedaScaledObject with this route's trigger: call `autoscale()`, or pass `route.trigger()` to your
 * own ScaledObject. Traffic must reach the interceptor proxy (`KedaHttpAddOn.INTERCEPTOR_PROXY_*`)
 * for scale from zero to work.
 *
 * @see https://keda.sh/http-add-on/0.16/reference/interceptorroute/
 */
export class KedaInterceptorRoute extends Construct {
  /** The InterceptorRoute object. */
  public readonly apiObject: ApiObject;
  /** The name of the routed Service. */
  public readonly serviceName: string;
  /** Every host the route's rules name, in order (empty: any host). */
  public readonly hosts: string[];
  /** Every path prefix the route's rules name, in order (empty: any path). */
  public readonly pathPrefixes: string[];

  constructor(scope: Construct, id: string, props: KedaInterceptorRouteProps) {
    super(scope, id);
    checkMetadata(this, 'metadata', props.metadata);
    const service = serviceRef(this, props);
    this.serviceName = service.name;
    const scalingMetric = scalingMetricOf(this, props, true);
    const rules = rulesOf(this, props);
    this.hosts = [...new Set(rules.flatMap(r => r.hosts ?? []))];
    this.pathPrefixes = [...new Set(rules.flatMap(r => (r.paths ?? []).map((x: { value: string }) => x.value)))];
    const claims = [...new Set(rules.flatMap(r => claimKeysOf(r.hosts, (r.paths ?? []).map((x: { value: string }) => x.value), r.headers)))];
    const port = props.port;
    checkPort(this, 'port', port);
    checkPort(this, 'coldStartFallback.port', props.coldStartFallback?.port);
    const placeholder = props.placeholderResponse;
    if (placeholder) {
      const status = placeholder.statusCode;
      checkInt(this, 'placeholderResponse.statusCode', status, 100, 599, { problem: 'must be an HTTP status code from 100 to 599', fix: 'use e.g. 503' });
      if (placeholder.body !== undefined && (typeof placeholder.body !== 'string' || placeholder.body.length > 32768)) {
        throw propError(this, 'placeholderResponse.body', typeof placeholder.body === 'string' ? `${placeholder.body.length} characters` : placeholder.body,
          'must be a string of at most 32768 characters', 'shorten the body');
      }
      if (placeholder.body !== undefined) {
        checkNoCredential(this, 'placeholderResponse.body', undefined, placeholder.body, 'a placeholder page is public: remove the credential');
      }
      for (const [name, value] of Object.entries(placeholder.headers ?? {})) {
        checkHeaderName(this, 'placeholderResponse.headers key', name);
        checkHeaderValue(this, `placeholderResponse.headers.${name}`, name, value);
      }
    }
    const timeouts = props.timeouts ? {
      readiness: goDuration(this, 'timeouts.readiness', props.timeouts.readiness),
      request: goDuration(this, 'timeouts.request', props.timeouts.request),
      responseHeader: goDuration(this, 'timeouts.responseHeader', props.timeouts.responseHeader),
    } : undefined;

    const fallback = props.coldStartFallback;
    this.apiObject = new InterceptorRoute(this, 'Resource', {
      metadata: definedMetadata(props.metadata, { namespace: props.metadata?.namespace ?? service.namespace }) ?? {},
      spec: Lazy.any({
        produce: () => ({
          target: { service: service.name, port: service.port() },
          rules,
          scalingMetric,
          coldStart: fallback || placeholder ? {
            fallback: fallback
              ? { service: { name: fallback.service.name, port: servicePort(this, 'coldStartFallback.port', fallback.service, fallback.port) } }
              : undefined,
            placeholder: placeholder
              ? { response: { body: placeholder.body, statusCode: placeholder.statusCode, headers: placeholder.headers } }
              : undefined,
          } : undefined,
          timeouts: timeouts && Object.values(timeouts).some(v => v !== undefined) ? timeouts : undefined,
        }),
      }),
    });
    appIndex(this).add(HTTP_ROUTE, { scope: this, kind: 'KedaInterceptorRoute', claims });
  }

  /** The InterceptorRoute's name. */
  public get name(): string {
    return this.apiObject.name;
  }

  /** The trigger that scales a workload on this route's traffic (an external-push trigger on the add-on's scaler). */
  public trigger(options: KedaTriggerBaseOptions = {}): KedaTrigger {
    return KedaTrigger.httpAddOn(Object.assign({}, options, { interceptorRouteName: this.name }));
  }

  /**
   * Scales `target` on this route's traffic with a KedaScaledObject (created after the route, as the
   * add-on requires: a ScaledObject created first falls back to a CPU metric).
   *
   * @returns the ScaledObject
   */
  public autoscale(target: kplus.IScalable, options: KedaScaledObjectOptions = {}): KedaScaledObject {
    const id = `ScaledObject${this.node.children.filter(c => c instanceof KedaScaledObject).length || ''}`;
    const so = new KedaScaledObject(this, id, Object.assign({}, options, { target, triggers: [this.trigger()] }));
    so.node.addDependency(this.apiObject);
    return so;
  }
}

/** Options of a cold-start failover of an HTTPScaledObject. */
export interface KedaHttpColdStartFailover extends KedaHttpColdStartFallback {
  /**
   * How long to wait for a pod before failing over.
   *
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
}

/** Props of a KedaHttpScaledObject. */
export interface KedaHttpScaledObjectProps extends KedaHttpScalingOptions {
  /** The workload to scale; its fixed replica count is dropped. */
  readonly target: kplus.IScalable;
  /**
   * The workload's Service.
   *
   * @default - give serviceName instead
   */
  readonly service?: kplus.Service;
  /**
   * The name of a Service this app does not define (one a platform creates), in the target's
   * namespace. Needs `port`.
   *
   * @default - give service instead
   */
  readonly serviceName?: string;
  /**
   * The Service port.
   *
   * @default - the Service's first port (required with serviceName)
   */
  readonly port?: number;
  /**
   * Host names routed to the workload.
   *
   * @default - none; give hosts or pathPrefixes
   */
  readonly hosts?: string[];
  /**
   * Path prefixes routed to the workload.
   *
   * @default - none
   */
  readonly pathPrefixes?: string[];
  /**
   * The fewest replicas (0 = scale to zero; requests wait in the interceptor for the first pod).
   *
   * @default - the target's `warmReplicas` for a Wasm workload (`IWasmScalable`, e.g. a WasmDeployment), else 0
   */
  readonly minReplicas?: number;
  /**
   * The most replicas.
   *
   * @default 100
   */
  readonly maxReplicas?: number;
  /**
   * How long without traffic before scaling to zero (whole seconds).
   *
   * @see https://github.com/kedacore/http-add-on/blob/main/operator/apis/http/v1alpha1/httpscaledobject_types.go (CooldownPeriod)
   * @default - not rendered: the add-on passes no cooldownPeriod to the ScaledObject it creates, so
   * KEDA's default of 300 seconds applies
   */
  readonly scaledownPeriod?: Duration;
  /**
   * Delay after creation before the scale-down period starts.
   *
   * @default Duration.seconds(0)
   */
  readonly initialCooldownPeriod?: Duration;
  /**
   * Where to send requests when no pod starts within the timeout.
   *
   * @default - none
   */
  readonly coldStartFailover?: KedaHttpColdStartFailover;
  /**
   * Metadata of the HTTPScaledObject.
   *
   * @default - a generated name, in the target's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * A KEDA HTTP add-on HTTPScaledObject (http.keda.sh/v1alpha1): HTTP scale to zero in one object for
 * add-on versions before 0.14. Since 0.14 the add-on prefers `KedaInterceptorRoute` plus a
 * `KedaScaledObject` (which also lets HTTP traffic combine with other triggers); use this only for
 * older installs.
 *
 * @see https://github.com/kedacore/http-add-on/blob/main/docs/ref/v0.13.0/http_scaled_object.md
 */
export class KedaHttpScaledObject extends Construct {
  /** The HTTPScaledObject object. */
  public readonly apiObject: ApiObject;
  /** The scaled workload. */
  public readonly target: kplus.IScalable;
  /** The fewest replicas. */
  public readonly minReplicas: number;
  /** The most replicas. */
  public readonly maxReplicas: number;
  /** The hosts routed to the workload (empty: any host). */
  public readonly hosts: string[];
  /** The path prefixes routed to the workload (empty: any path). */
  public readonly pathPrefixes: string[];

  constructor(scope: Construct, id: string, props: KedaHttpScaledObjectProps) {
    super(scope, id);
    checkMetadata(this, 'metadata', props.metadata);
    this.target = props.target;
    this.minReplicas = props.minReplicas ?? warmFloor(props.target, 0);
    this.maxReplicas = props.maxReplicas ?? 100;
    checkReplicaRange(this, 'minReplicas', this.minReplicas, 'maxReplicas', this.maxReplicas);
    const scalingMetric = scalingMetricOf(this, props, false);
    const hosts = [...new Set(checkList(this, 'hosts', props.hosts))];
    const pathPrefixes = [...new Set(checkList(this, 'pathPrefixes', props.pathPrefixes))];
    hosts.forEach((h, i) => checkHost(this, `hosts[${i}]`, h));
    pathPrefixes.forEach((p, i) => checkPath(this, `pathPrefixes[${i}]`, p));
    if (hosts.length === 0 && pathPrefixes.length === 0) {
      throw propError(this, 'hosts', [], 'without hosts or pathPrefixes the interceptor routes nothing to the workload',
        'set hosts, e.g. ["hello.example.com"] (in-cluster callers send the Service name as Host), or pathPrefixes');
    }
    this.hosts = hosts;
    this.pathPrefixes = pathPrefixes;
    // pkg/routing/table.go refreshMemory converts an HTTPScaledObject into one rule of its hosts and path prefixes.
    const claims = claimKeysOf(hosts, pathPrefixes, undefined);
    checkPort(this, 'port', props.port);
    const scaledown = wholeSeconds(this, 'scaledownPeriod', props.scaledownPeriod, 0);
    const initialCooldown = wholeSeconds(this, 'initialCooldownPeriod', props.initialCooldownPeriod, 0);
    const failover = props.coldStartFailover;
    const failoverTimeout = wholeSeconds(this, 'coldStartFailover.timeout', failover?.timeout, 1);
    checkPort(this, 'coldStartFailover.port', failover?.port);

    registerAutoscaler(this, 'KEDA HTTPScaledObject', this.target);
    const service = serviceRef(this, props);

    this.apiObject = new HttpScaledObject(this, 'Resource', {
      metadata: definedMetadata(props.metadata, { namespace: props.metadata?.namespace ?? namespaceOf(this.target) }),
      spec: Lazy.any({
        produce: () => {
          const t = this.target.toScalingTarget();
          return {
            hosts: hosts.length > 0 ? hosts : undefined,
            pathPrefixes: pathPrefixes.length > 0 ? pathPrefixes : undefined,
            scaleTargetRef: {
              apiVersion: t.apiVersion,
              kind: t.kind,
              name: t.name,
              service: service.name,
              port: service.port(),
            },
            replicas: { min: this.minReplicas, max: this.maxReplicas },
            scalingMetric,
            scaledownPeriod: scaledown,
            initialCooldownPeriod: initialCooldown,
            coldStartTimeoutFailoverRef: failover ? {
              service: failover.service.name,
              port: servicePort(this, 'coldStartFailover.port', failover.service, failover.port),
              timeoutSeconds: failoverTimeout,
            } : undefined,
          };
        },
      }),
    });
    appIndex(this).add(HTTP_ROUTE, { scope: this, kind: 'KedaHttpScaledObject', claims });
  }

  /** The HTTPScaledObject's name. */
  public get name(): string {
    return this.apiObject.name;
  }
}

/**
 * The keys a route claims in the interceptor's routing table: every host (none: the catch-all
 * `*`) by every path prefix (none: `/`), with `/v1` and `/v1/` alike, plus the header match.
 * kedacore/http-add-on pkg/routing/key.go newKeysFromRoutingRule: "Nil hosts default to catch-all,
 * nil paths default to root", NewKey trims "/" from both ends of the path. Two entries with one
 * key and the same headers are not told apart: pkg/routing/tablememory.go remember() sorts them
 * by header count, then creation time, and Route() returns the first, so the other never gets a
 * request.
 */
function claimKeysOf(hosts: string[] | undefined, paths: string[] | undefined,
  headers: Array<{ name: string; value?: string }> | undefined): string[] {
  const hs = hosts?.length ? hosts.map(h => (h === '*' ? '*' : normalizeHost(h))) : ['*'];
  const ps = paths?.length ? paths : ['/'];
  const hdr = (headers ?? []).map(h => `${h.name.toLowerCase()}=${h.value ?? '*'}`).sort().join('&');
  return hs.flatMap(h => ps.map(p => `${routeClaimKey(h, p)}${hdr ? ` [${hdr}]` : ''}`));
}

function scalingMetricOf(scope: IConstruct, props: KedaHttpScalingOptions, allowBoth: boolean): any {
  // targetValue is an int32 with minimum 1 (InterceptorRoute/HTTPScaledObject CRDs).
  if (props.targetConcurrency !== undefined) checkInt32(scope, 'targetConcurrency', props.targetConcurrency, 1, 'set targetConcurrency, e.g. 100');
  const rate = props.targetRequestRate;
  if (rate) checkInt32(scope, 'targetRequestRate.targetValue', rate.targetValue, 1, 'set targetRequestRate.targetValue, e.g. 100');
  if (!allowBoth && rate && props.targetConcurrency !== undefined) {
    throw propError(scope, 'targetRequestRate', rate.targetValue, 'an HTTPScaledObject scales on concurrency or request rate, not both',
      'drop one of them, or use a KedaInterceptorRoute, which takes both');
  }
  if (rate) {
    // kedacore/http-add-on pkg/queue/bucketing.go:47-50 NewRequestsBuckets makes ceil(window / granularity) buckets, so
    // a zero window or granularity (or a granularity above the window) breaks the interceptor's
    // request-rate counting. Omitted, the add-on uses 1m and 1s.
    const windowMs = rate.window instanceof Duration ? rate.window.toMilliseconds({ integral: false }) : 60000;
    const granularityMs = rate.granularity instanceof Duration ? rate.granularity.toMilliseconds({ integral: false }) : 1000;
    if (!(windowMs > 0) || !(granularityMs > 0) || granularityMs > windowMs) {
      throw propError(scope, 'targetRequestRate', `window ${windowMs}ms, granularity ${granularityMs}ms`,
        'needs a window and a granularity above zero, the granularity at most the window (the add-on counts requests in window/granularity buckets)',
        'use e.g. window Duration.minutes(1) and granularity Duration.seconds(1) (the add-on\'s defaults)');
    }
  }
  return {
    concurrency: props.targetConcurrency !== undefined || !rate ? { targetValue: props.targetConcurrency ?? 100 } : undefined,
    requestRate: rate ? {
      targetValue: rate.targetValue,
      window: goDuration(scope, 'targetRequestRate.window', rate.window),
      granularity: goDuration(scope, 'targetRequestRate.granularity', rate.granularity),
    } : undefined,
  };
}

function checkHeaderName(scope: IConstruct, prop: string, name: string): void {
  if (typeof name !== 'string' || name.length > 256 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw propError(scope, prop, name, 'is not an HTTP header name', 'use e.g. "X-Tenant"');
  }
}

/**
 * A header value (RFC 9110 field-value: no control characters but tab) that carries no credential:
 * an InterceptorRoute matching `Authorization: Bearer ...` or `X-Api-Key: ...` would put the
 * secret into a plain object.
 */
function checkHeaderValue(scope: IConstruct, prop: string, name: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length > 4096 || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw propError(scope, prop, value, 'is not an HTTP header value (at most 4096 characters, no control characters)', 'use a single-line value');
  }
  checkNoCredential(scope, prop, name, value,
    'InterceptorRoutes are not Secrets: match on a non-secret header (e.g. X-Tenant), and let the workload or a gateway check credentials');
}

function checkList(scope: IConstruct, prop: string, list: string[] | undefined): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw propError(scope, prop, list, 'must be a list', `pass ${prop} as a list`);
  return list;
}

function rulesOf(scope: IConstruct, props: KedaInterceptorRouteProps): any[] {
  const shortcut = (props.hosts?.length ?? 0) > 0 || (props.pathPrefixes?.length ?? 0) > 0;
  if (shortcut && props.rules) {
    throw propError(scope, 'rules', props.rules, 'give either rules or the hosts/pathPrefixes shortcut, not both',
      'move hosts and pathPrefixes into a rule');
  }
  if (props.rules !== undefined && !Array.isArray(props.rules)) {
    throw propError(scope, 'rules', props.rules, 'must be a list of rules', 'pass rules: [{ hosts: [...], pathPrefixes: [...] }]');
  }
  const rules: KedaInterceptorRouteRule[] = props.rules ?? (shortcut ? [{ hosts: props.hosts, pathPrefixes: props.pathPrefixes }] : []);
  if (rules.length === 0) {
    throw propError(scope, 'hosts', props.hosts ?? [], 'without hosts, pathPrefixes or rules the interceptor routes nothing to the Service',
      'set hosts, e.g. ["hello.example.com"] (in-cluster callers send the proxy Service name as Host), or pathPrefixes');
  }
  return rules.map((r, i) => {
    const where = props.rules ? `rules[${i}]` : '';
    const p = (s: string) => where ? `${where}.${s}` : s;
    checkList(scope, p('hosts'), r.hosts);
    checkList(scope, p('pathPrefixes'), r.pathPrefixes);
    if (r.headers !== undefined && !Array.isArray(r.headers)) throw propError(scope, p('headers'), r.headers, 'must be a list', 'pass headers as a list');
    (r.hosts ?? []).forEach((h, j) => checkHost(scope, p(`hosts[${j}]`), h));
    (r.pathPrefixes ?? []).forEach((x, j) => checkPath(scope, p(`pathPrefixes[${j}]`), x));
    (r.headers ?? []).forEach((h, j) => {
      checkHeaderName(scope, p(`headers[${j}].name`), h.name);
      if (h.value !== undefined) checkHeaderValue(scope, p(`headers[${j}].value`), h.name, h.value);
    });
    if (!r.hosts?.length && !r.pathPrefixes?.length && !r.headers?.length) {
      throw propError(scope, where || 'rules', r, 'an empty rule matches nothing', 'give the rule hosts, pathPrefixes or headers');
    }
    return {
      hosts: r.hosts?.length ? [...new Set(r.hosts)] : undefined,
      paths: r.pathPrefixes?.length ? [...new Set(r.pathPrefixes)].map(value => ({ value })) : undefined,
      headers: r.headers?.length ? r.headers.map(h => ({ name: h.name, value: h.value })) : undefined,
    };
  });
}

const HOST = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

function checkHost(scope: IConstruct, prop: string, host: string): void {
  if (typeof host !== 'string' || host.length > 253 || !HOST.test(host)) {
    throw propError(scope, prop, host, 'is not a host name (lower-case DNS name, "*.example.com" or "*")', 'use e.g. "hello.example.com"');
  }
}

function checkPath(scope: IConstruct, prop: string, path: string): void {
  // eslint-disable-next-line no-control-regex
  if (typeof path !== 'string' || path.length > 1024 || !/^\/[^\s?#\u0000-\u001f\u007f]*$/.test(path) || path.split('/').some(x => x === '.' || x === '..')) {
    throw propError(scope, prop, path, 'is not a path prefix (starts with "/", at most 1024 characters, no spaces, control characters, query, fragment or "."/".." segments)',
      'use e.g. "/api"');
  }
  checkNoCredential(scope, prop, undefined, path, 'paths are public: remove the credential');
}

/** The Service a route or HTTPScaledObject sends to: a construct, or a name and port. */
function serviceRef(
  scope: Construct,
  props: { readonly service?: kplus.Service; readonly serviceName?: string; readonly port?: number },
): { name: string; namespace?: string; port: () => number } {
  if (props.service && props.serviceName !== undefined) {
    throw propError(scope, 'serviceName', props.serviceName, 'is given together with service', 'give either service (a Service of this app) or serviceName with port');
  }
  if (props.service) {
    const service = props.service;
    return { name: service.name, namespace: service.metadata.namespace, port: () => servicePort(scope, 'port', service, props.port) };
  }
  if (props.serviceName === undefined) {
    throw propError(scope, 'service', undefined, 'no Service to send requests to', 'give service (a Service of this app) or serviceName with port');
  }
  checkDns1123Label(scope, 'serviceName', props.serviceName);
  if (props.port === undefined) {
    throw propError(scope, 'port', undefined, `is required with serviceName "${props.serviceName}"`, 'set port to the Service port');
  }
  const port = props.port;
  return { name: props.serviceName, namespace: Chart.of(scope).namespace, port: () => port };
}

/** The port to use on a Service: `port` if given (and the Service has it), else its first port. */
function servicePort(scope: IConstruct, prop: string, service: kplus.Service, port?: number): number {
  const ports = service.ports.map(p => p.port);
  if (port !== undefined) {
    if (ports.length > 0 && !ports.includes(port)) {
      throw propError(scope, prop, port, `Service ${service.name} has no such port (it has ${ports.join(', ')})`, `use one of ${ports.join(', ')}`);
    }
    return port;
  }
  if (ports.length === 0) {
    throw propError(scope, prop, undefined, `Service ${service.name} has no ports`, 'give the Service a port (service.bind(8080)) or set the port');
  }
  return ports[0];
}

/** A Duration as a Go duration string ("1m", "30s", "500ms"). */
function goDuration(scope: IConstruct, prop: string, d?: Duration): string | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Duration)) throw propError(scope, prop, d, 'is not a Duration', 'use e.g. Duration.seconds(30)');
  const ms = d.toMilliseconds({ integral: false });
  // Go's time.ParseDuration stops at int64 nanoseconds (about 292 years).
  if (!isWholeNumber(ms, 0, GO_MAX_DURATION_MS)) {
    throw propError(scope, prop, `${ms}ms`, 'must be whole milliseconds >= 0 (and below 292 years)', 'use e.g. Duration.seconds(30)');
  }
  if (ms === 0) return '0s';
  if (ms % 3600000 === 0) return `${ms / 3600000}h`;
  if (ms % 60000 === 0) return `${ms / 60000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
