/**
 * What a backend's `bind()` receives (the ServerlessFunction's props, checked and defaulted) and
 * what it hands back. Public: a new backend is a subclass of FunctionBackend that renders from these.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IWasmPlacement } from '../core/placement';
import { IntegrationRoute, WasmRuntime } from '../core/runtime';
import { Gateway } from '../routing/gateway';
import { KedaHttpScaledObject, KedaInterceptorRoute } from '../scaling/http';
import { KedaScaledObject } from '../scaling/keda';
import { KedaTrigger } from '../scaling/keda-trigger';

/** A key of a Secret, for an environment variable. */
export interface ResolvedSecretRef {
  /** The Secret's name (same namespace as the function). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/** Probe timing derived from the cold-start budget. */
export interface ProbeTiming {
  /** The budget in whole seconds (rounded up; at least 1). */
  readonly budgetSeconds: number;
  /** Probe period. */
  readonly periodSeconds: number;
  /** Failures allowed before the budget is spent. */
  readonly failureThreshold: number;
}

/**
 * What ServerlessFunction lends its backend to build with: the library's named constructs live above
 * the backends.
 */
export interface IFunctionWorkloads {
  /**
   * Adds the function's WasmDeployment: named after the function, with WASI networking, the
   * function's RuntimeClass, warm replicas and placement, and `container` as its one Wasm container.
   */
  addWasmDeployment(scope: Construct, id: string, container: kplus.ContainerProps): kplus.Deployment;
}

/** A ServerlessFunction as its backend renders it: the props, checked and defaulted. */
export interface ResolvedFunction {
  /** The construct path of the function, for messages. */
  readonly where: string;
  /** Resource name of the workload (Deployment / Knative Service / SpinApp / Function) and Service. */
  readonly name: string;
  /** The OCI image. */
  readonly image: string;
  /** The port the function listens on. */
  readonly port: number;
  /** Entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /** The RuntimeClass name for the pods. @default - none (WasmEdge inside a Linux image, without GPU) */
  readonly runtimeClassName?: string;
  /** The runtime behind the function's RuntimeClass (as given or defaulted). */
  readonly runtime: WasmRuntime;
  /** How the runtime runs the Wasm module. */
  readonly route: IntegrationRoute;
  /** The pod annotation that selects crun's Wasm variant (`module.wasm.image/variant`), for pods run through crun. */
  readonly crunVariantAnnotation: string;
  /** Whether the function scales to zero. */
  readonly scaleToZero: boolean;
  /** Replicas kept warm (0 with scaleToZero). */
  readonly warmReplicas: number;
  /** The autoscaler's ceiling, when the function autoscales. */
  readonly maxReplicas: number;
  /** Whether anything asks for autoscaling (scaleToZero, concurrency, triggers or maxReplicas). */
  readonly autoscales: boolean;
  /** Target concurrent requests per replica. @default - the platform's default */
  readonly concurrency?: number;
  /** Probe timing from the cold-start budget. */
  readonly probes: ProbeTiming;
  /** KEDA event triggers. */
  readonly triggers: KedaTrigger[];
  /** Container resources (the defaults merged in). */
  readonly resources: kplus.ContainerResources;
  /** Plain environment variables. */
  readonly env: { [key: string]: string };
  /** Environment variables read from Secrets. */
  readonly secretEnv: { [key: string]: ResolvedSecretRef };
  /** Nodes or node group to run on. @default - anywhere */
  readonly placement?: IWasmPlacement;
  /** Host names the function serves (empty: every host). */
  readonly hosts: string[];
  /** URL path prefixes of the route (at least one; `['/']` by default). */
  readonly paths: string[];
  /** The non-root uid (and gid) of the function's container. */
  readonly uid: number;
  /** The gateway that will route to the function (ServerlessFunction adds the route after `bind()`). @default - no route */
  readonly gateway?: Gateway;
  /** The library's constructs, to build the workload with. */
  readonly workloads: IFunctionWorkloads;
}

/** What a backend rendered for a function: ServerlessFunction routes, claims and exposes it. */
export interface FunctionBackendConfig {
  /** The Service in-cluster callers (and a gateway route) use. */
  readonly serviceName: string;
  /** That Service's port. */
  readonly servicePort: number;
  /**
   * The Service the backend emitted. When undefined the platform is taken to create a Service named
   * `serviceName` itself, which the function claims so no other object of the app takes its name.
   *
   * @default - the platform creates the Service
   */
  readonly service?: kplus.Service;
  /** The platform's main object (e.g. a Knative Service). @default - none */
  readonly resource?: ApiObject;
  /** Whether HTTP traffic goes through the KEDA HTTP interceptor (the route then targets it). @default false */
  readonly routesThroughInterceptor?: boolean;
  /** Whether the rendered objects route by the function's hosts themselves (e.g. Knative DomainMappings), so hosts need no gateway. @default false */
  readonly routesByHost?: boolean;
  /** The KEDA ScaledObject, if any. @default - none */
  readonly scaledObject?: KedaScaledObject;
  /** The KEDA HTTP add-on InterceptorRoute, if any. @default - none */
  readonly interceptorRoute?: KedaInterceptorRoute;
  /** The KEDA HTTP add-on HTTPScaledObject, if any. @default - none */
  readonly httpScaledObject?: KedaHttpScaledObject;
  /** Objects outside the function's construct (e.g. an executor shared per namespace) it answers for in name checks. @default - none */
  readonly sharedObjects?: ApiObject[];
  /** Names the function claims app-wide besides its objects (e.g. `Knative domain hello.example.com`). @default - none */
  readonly claimedNames?: string[];
}
