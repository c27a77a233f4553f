import { Construct } from 'constructs';
import { DEFAULT_FUNCTION_PORT } from './common';
import { renderKnative } from './knative';
import { renderKubernetes } from './kubernetes';
import { renderOpenFaas } from './openfaas';
import {
  HttpAddOnApi, KnativeBackendOptions, KnativeDomainClaims, KubernetesBackendOptions, OpenFaasBackendOptions, OpenFaasEdition, SpinKubeBackendOptions,
} from './options';
import { FunctionBackendConfig, ResolvedFunction } from './resolved-function';
import { renderSpinKube, SPINKUBE_HTTP_PORT, SPINKUBE_RUNTIME_CLASS_NAME } from './spinkube';
import { WasmRuntime } from '../core/runtime';
import { checkDns1123Label, checkDns1123Subdomain, propError } from '../private/errors';
import { checkString } from '../private/function-checks';

export * from './options';
export * from './resolved-function';

/** The built-in backend classes, once made (declared before FunctionBackend, whose static KUBERNETES makes them). */
const BUILT_INS: { classes?: BuiltInBackends } = {};

interface BuiltInBackends {
  readonly Kubernetes: new (httpAddOnApi: HttpAddOnApi) => FunctionBackend;
  readonly Knative: new (options: KnativeBackendOptions) => FunctionBackend;
  readonly SpinKube: new (options: SpinKubeBackendOptions) => FunctionBackend;
  readonly OpenFaas: new (options: OpenFaasBackendOptions) => FunctionBackend;
}

/**
 * The platform that runs a ServerlessFunction: it renders the function's objects in `bind()`. Props
 * a platform cannot express are refused with an error naming the prop and the platform.
 *
 * The built-in backends come from the static factories. A new backend is a subclass that implements
 * `displayName` and `bind()` (and overrides the defaults it needs); `bind()` receives the function's
 * props checked and defaulted (`ResolvedFunction`) and returns what ServerlessFunction routes,
 * scales and claims (`FunctionBackendConfig`).
 */
export abstract class FunctionBackend {
  /** Plain Kubernetes: WasmDeployment + Service + KEDA. */
  public static readonly KUBERNETES: FunctionBackend = FunctionBackend.kubernetes();

  /**
   * Plain Kubernetes with options.
   */
  public static kubernetes(options: KubernetesBackendOptions = {}): FunctionBackend {
    return new (builtIns(FunctionBackend).Kubernetes)(options.httpAddOnApi ?? HttpAddOnApi.INTERCEPTOR_ROUTE);
  }

  /**
   * A Knative Service. Needs the `config-features` flag `kubernetes.podspec-runtimeclassname` for
   * the RuntimeClass (and `-nodeselector`/`-tolerations` for placement). Knative's queue-proxy is a
   * Linux sidecar, so the runtime must run Linux containers beside the Wasm one (crun with
   * `compat-smart`, which this library sets, or a runwasi shim that runs both).
   *
   * @see https://knative.dev/docs/serving/autoscaling/
   * @see https://knative.dev/docs/serving/configuration/feature-flags/
   */
  public static knative(options: KnativeBackendOptions = {}): FunctionBackend {
    if (options.domainClaims !== undefined && !Object.values(KnativeDomainClaims).includes(options.domainClaims)) {
      throw propError('FunctionBackend.knative', 'domainClaims', options.domainClaims, 'is not a KnativeDomainClaims value', 'use KnativeDomainClaims.EMIT or CLUSTER_AUTOCREATES');
    }
    return new (builtIns(FunctionBackend).Knative)(options);
  }

  /**
   * SpinKube: a SpinApp run by spin-operator with a SpinAppExecutor. spin-operator builds the pods
   * itself: SpinApp has no nodeSelector, tolerations or securityContext (the pod's hardening is
   * spin-operator's), and serves on port 80 through a Service named after the app. Autoscalers target
   * the Deployment of the same name. `env` entries become Spin application variables.
   *
   * @see https://www.spinkube.dev/docs/reference/spin-app/
   * @see https://www.spinkube.dev/docs/reference/spin-app-executor/
   */
  public static spinKube(options: SpinKubeBackendOptions = {}): FunctionBackend {
    const where = 'FunctionBackend.spinKube';
    checkString(where, 'executorName', options.executorName, 'containerd-shim-spin');
    checkString(where, 'executor.name', options.executor?.name, 'containerd-shim-spin');
    if (options.executorName !== undefined) checkDns1123Subdomain(where, 'executorName', options.executorName);
    if (options.executorName !== undefined && options.executor !== undefined) {
      throw propError(where, 'executor', options.executor, 'executorName names an existing executor, executor describes one to emit: give one of them',
        'drop executor to use the existing executor, or drop executorName to emit one');
    }
    if (options.executor?.name !== undefined) checkDns1123Subdomain(where, 'executor.name', options.executor.name);
    const ca = options.executor?.installDefaultCaCerts;
    if (ca !== undefined && typeof ca !== 'boolean') throw propError(where, 'executor.installDefaultCaCerts', ca, 'is not a boolean', 'use true or false');
    return new (builtIns(FunctionBackend).SpinKube)(options);
  }

  /**
   * OpenFaaS (faas-netes operator): a Function, and a Profile (namespace `openfaas`) that carries the
   * runtimeClassName, tolerations and pod security context. OpenFaaS scales functions itself
   * (`com.openfaas.scale.*` labels; scale to zero is an OpenFaaS Pro feature, woken by the OpenFaaS
   * gateway). The function serves on the watchdog port 8080. The Function CRD has no container
   * securityContext: `readOnlyRootFilesystem` is set on the Function, the non-root uid and seccomp
   * profile on the Profile's pod security context.
   *
   * @see https://docs.openfaas.com/reference/profiles/
   * @see https://docs.openfaas.com/architecture/autoscaling/
   */
  public static openFaas(options: OpenFaasBackendOptions = {}): FunctionBackend {
    checkString('FunctionBackend.openFaas', 'profileNamespace', options.profileNamespace, 'openfaas');
    if (options.profileNamespace !== undefined) checkDns1123Label('FunctionBackend.openFaas', 'profileNamespace', options.profileNamespace);
    if (options.edition !== undefined && !Object.values(OpenFaasEdition).includes(options.edition)) {
      throw propError('FunctionBackend.openFaas', 'edition', options.edition, 'is not an OpenFaaS edition', 'use OpenFaasEdition.STANDARD, ENTERPRISE or COMMUNITY');
    }
    return new (builtIns(FunctionBackend).OpenFaas)(options);
  }

  /** A readable name for messages, e.g. "Knative". */
  public abstract readonly displayName: string;

  /** The port a function listens on unless it says otherwise. */
  public get defaultPort(): number {
    return DEFAULT_FUNCTION_PORT;
  }

  /** The runtime of the function's RuntimeClass unless it names one. */
  public get defaultRuntime(): WasmRuntime {
    return WasmRuntime.WASMEDGE;
  }

  /**
   * The existing RuntimeClass a function uses unless it names one.
   *
   * @default - the class K3s creates for `defaultRuntime`
   */
  public get defaultRuntimeClassName(): string | undefined {
    return undefined;
  }

  /**
   * Renders the function's objects under `scope` (the ServerlessFunction) and says what it rendered.
   * Called once, from the ServerlessFunction's constructor.
   */
  public abstract bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig;
}

/**
 * The built-in backends: subclasses of FunctionBackend, made on first use (the base class's own
 * static KUBERNETES needs one while the class is still being defined, so they take it as `base`).
 */
function builtIns(base: typeof FunctionBackend): BuiltInBackends {
  if (BUILT_INS.classes) return BUILT_INS.classes;
  class Kubernetes extends base {
    public readonly displayName = 'Kubernetes + KEDA';
    constructor(private readonly httpAddOnApi: HttpAddOnApi) {
      super();
    }
    public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
      return renderKubernetes(scope, fn, this.httpAddOnApi);
    }
  }

  class Knative extends base {
    public readonly displayName = 'Knative';
    constructor(private readonly options: KnativeBackendOptions) {
      super();
    }
    public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
      return renderKnative(scope, fn, this.options, this.displayName);
    }
  }

  class SpinKube extends base {
    public readonly displayName = 'SpinKube';
    constructor(private readonly options: SpinKubeBackendOptions) {
      super();
    }
    /** spin-operator fixes the port. */
    public get defaultPort(): number {
      return SPINKUBE_HTTP_PORT;
    }
    public get defaultRuntime(): WasmRuntime {
      return WasmRuntime.SPIN;
    }
    /** The class SpinAppExecutors expect (RuntimeClass.SPINKUBE_CLASS_NAME). */
    public get defaultRuntimeClassName(): string | undefined {
      return SPINKUBE_RUNTIME_CLASS_NAME;
    }
    public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
      return renderSpinKube(scope, fn, this.options, this.displayName);
    }
  }

  class OpenFaas extends base {
    public readonly displayName = 'OpenFaaS';
    constructor(private readonly options: OpenFaasBackendOptions) {
      super();
    }
    public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
      return renderOpenFaas(scope, fn, this.options, this.displayName);
    }
  }

  BUILT_INS.classes = { Kubernetes, Knative, SpinKube, OpenFaas };
  return BUILT_INS.classes;
}
