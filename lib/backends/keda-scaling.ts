/**
 * KEDA scaling of a function whose backend leaves scaling to KEDA (Kubernetes, SpinKube): the KEDA
 * HTTP add-on for HTTP traffic and scale to zero, and KEDA event triggers. Internal.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { HttpAddOnApi } from './options';
import { ResolvedFunction } from './resolved-function';
import { propError } from '../private/errors';
import { KedaHttpScaledObject, KedaInterceptorRoute } from '../scaling/http';
import { KedaScaledObject } from '../scaling/keda';

/** The KEDA objects of a function. */
export interface KedaScaling {
  readonly routesThroughInterceptor: boolean;
  readonly scaledObject?: KedaScaledObject;
  readonly interceptorRoute?: KedaInterceptorRoute;
  readonly httpScaledObject?: KedaHttpScaledObject;
}

/**
 * Whether HTTP traffic drives scaling (through the KEDA HTTP interceptor): when asked for
 * (concurrency), when nothing else can wake a scaled-to-zero function that serves HTTP, or when
 * maxReplicas asks for autoscaling without triggers. Refuses what the add-on cannot route.
 */
export function kedaHttpScaling(fn: ResolvedFunction, api: HttpAddOnApi): boolean {
  const triggers = fn.triggers;
  const servesHttp = fn.gateway !== undefined || fn.hosts.length > 0;
  // Without triggers, autoscaling is scaleToZero, concurrency or maxReplicas: all HTTP-driven.
  const httpScaling = fn.concurrency !== undefined || (fn.scaleToZero && servesHttp) || (triggers.length === 0 && fn.autoscales);
  if (httpScaling && fn.hosts.length === 0) {
    throw propError(fn.where, 'host', undefined, 'the KEDA HTTP interceptor routes requests by Host header, so an HTTP-scaled function needs a host',
      'set host (e.g. "hello.example.com"; in-cluster callers can send the Service name as Host), or scale on triggers only');
  }
  if (httpScaling && triggers.length > 0 && api === HttpAddOnApi.HTTP_SCALED_OBJECT) {
    throw propError(fn.where, 'triggers', triggers.map(t => t.type), 'an HTTPScaledObject creates its own ScaledObject, so event triggers cannot be added to it',
      'use HttpAddOnApi.INTERCEPTOR_ROUTE (the default; KEDA HTTP add-on v0.14+), or drop the triggers');
  }
  return httpScaling;
}

/** What KEDA scales, and the Service the HTTP add-on forwards to. */
export interface KedaTarget {
  readonly target: kplus.IScalable;
  /** The function's Service, when this library emits it. */
  readonly service?: kplus.Service;
  /** The Service's name (when the platform creates it). */
  readonly serviceName: string;
  readonly port: number;
}

/** The KEDA objects (under `scope`) for a function, given `kedaHttpScaling()`. */
export function renderKedaScaling(scope: Construct, fn: ResolvedFunction, httpScaling: boolean, api: HttpAddOnApi, t: KedaTarget): KedaScaling {
  const triggers = fn.triggers;
  if (!httpScaling && triggers.length === 0) return { routesThroughInterceptor: false };
  // What the add-on routes: without a Service of ours (SpinKube creates its own), the platform's Service.
  const routing = {
    service: t.service,
    serviceName: t.service ? undefined : t.serviceName,
    port: t.port,
    hosts: [...fn.hosts],
    pathPrefixes: httpPathPrefixes(fn.paths),
    targetConcurrency: fn.concurrency,
  };
  if (httpScaling && api === HttpAddOnApi.HTTP_SCALED_OBJECT) {
    const httpScaledObject = new KedaHttpScaledObject(scope, 'HttpScaledObject', Object.assign({
      minReplicas: fn.warmReplicas,
      maxReplicas: fn.maxReplicas,
      target: t.target,
      metadata: { name: fn.name },
    }, routing));
    return { routesThroughInterceptor: true, httpScaledObject };
  }
  const all = [...triggers];
  let interceptorRoute: KedaInterceptorRoute | undefined;
  if (httpScaling) {
    interceptorRoute = new KedaInterceptorRoute(scope, 'InterceptorRoute', Object.assign({
      // The interceptor holds requests for the cold-start budget while a pod starts.
      timeouts: { readiness: Duration.seconds(fn.probes.budgetSeconds) },
      metadata: { name: fn.name },
    }, routing));
    all.unshift(interceptorRoute.trigger({ name: 'http' }));
  }
  const scaledObject = new KedaScaledObject(scope, 'ScaledObject', {
    minReplicas: fn.warmReplicas,
    maxReplicas: fn.maxReplicas,
    target: t.target,
    triggers: all,
    metadata: { name: fn.name },
  });
  // The add-on wants the InterceptorRoute first: a ScaledObject created before it falls back to CPU.
  if (interceptorRoute) scaledObject.node.addDependency(interceptorRoute.apiObject);
  return { routesThroughInterceptor: httpScaling, scaledObject, interceptorRoute };
}

/** The HTTP add-on's path prefixes: none when one of them is "/" (it routes every path then). */
function httpPathPrefixes(paths: string[]): string[] | undefined {
  return paths.includes('/') ? undefined : [...paths];
}
