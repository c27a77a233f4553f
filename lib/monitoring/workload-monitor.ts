import { ApiObject, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_METRICS_PATH, DEFAULT_SCRAPE_INTERVAL, KUBE_PROMETHEUS_STACK_RELEASE_LABEL, MONITORED_SERVICE_LABEL } from './monitoring-labels';
import { scrapeTiming } from './prometheus-duration';
import { checkDns1123Label, checkDns1123Subdomain, propError, propMessage } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { checkLabels, checkSingleLine } from '../private/validate';
import { ServerlessFunction } from '../serverless-function';
import { WasmDeployment } from '../wasm-deployment';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const prom = lazyExports((): typeof import('../imports/prometheus-operator') => require('../imports/prometheus-operator'));

/**
 * The pod labels spin-operator puts on a SpinApp's pods, and the one container port it declares
 * (spinframework/spin-operator v0.6.1 pkg/spinapp/spinapp.go:12 HTTPPortName "http-app", :16 port
 * 80, :24 NameLabelKey "core.spinkube.dev/app-name"; internal/controller/spinapp_controller.go:414-423
 * the pod template carries it, :460 the container port). Its Service port has no name
 * (internal/controller/service.go:36-44), so only a PodMonitor can select it by port name.
 */
const SPINKUBE_APP_LABEL = 'core.spinkube.dev/app-name';
const SPINKUBE_PORT_NAME = 'http-app';
const SPINKUBE_PORT = 80;

/**
 * The pods Knative Serving makes for a Service's revisions carry `serving.knative.dev/service:
 * <name>` (knative/serving knative-v1.23.0: pkg/reconciler/service/resources/configuration.go:42 on the
 * Configuration, copied to each Revision by pkg/reconciler/configuration/resources/revision.go:61-70,
 * onto the pod template by pkg/reconciler/revision/resources/meta.go:55-60 and deploy.go:381). Their
 * queue-proxy sidecar declares the metrics ports (pkg/reconciler/revision/resources/queue.go:67-73):
 * `http-autometric` 9090 (the autoscaler's) and `http-usermetric` 9091 (request metrics per
 * revision), pkg/networking/constants.go:38-42.
 */
const KNATIVE_SERVICE_LABEL = 'serving.knative.dev/service';
const KNATIVE_METRICS_PORTS: MonitorTargetPort[] = [{ name: 'http-autometric', number: 9090 }, { name: 'http-usermetric', number: 9091 }];

/** What a monitor scrapes: PodMonitor (pods) or ServiceMonitor (a Service's endpoints). */
export enum MonitorKind {
  /** A `PodMonitor`: the pods by their labels, a container port by name. */
  POD_MONITOR = 'PodMonitor',
  /** A `ServiceMonitor`: the endpoints of a Service selected by its labels, a Service port by name. */
  SERVICE_MONITOR = 'ServiceMonitor',
}

/** A named port a target exposes. */
export interface MonitorTargetPort {
  /** The port's name (the container port's name for pods, the Service port's name for Services). */
  readonly name?: string;
  /** The port number. */
  readonly number: number;
}

/**
 * What a target looks like to Prometheus service discovery.
 *
 * @internal
 */
export interface ResolvedTarget {
  readonly kind: MonitorKind;
  /** The construct the target came from (messages, chart namespace). */
  readonly scope: IConstruct;
  /** How messages call it. */
  readonly description: string;
  /** The namespace its pods or Service live in (undefined: whatever namespace kubectl applies to). */
  readonly namespace?: string;
  /** Labels that select its pods (PodMonitor) or its Service (ServiceMonitor). */
  readonly labels: { [key: string]: string };
  /** Container port names are IANA_SVC_NAMEs (at most 15 characters), Service port names DNS-1123 labels. */
  readonly portKind: string;
  /** The ports it exposes (read at synth: containers may be added after the monitor). */
  ports(): MonitorTargetPort[];
}

/**
 * A workload to scrape, derived from the library's own constructs so that the monitor selects
 * exactly the workload's pods or Service (their labels, namespace and named ports).
 */
export class MonitorTarget {
  /**
   * The pods of a WasmDeployment (a `PodMonitor` on the Deployment's own pod selector; the port is
   * a named container port of its containers).
   */
  public static wasmDeployment(deployment: WasmDeployment): MonitorTarget {
    if (!(deployment instanceof WasmDeployment)) {
      throw propError('MonitorTarget', 'deployment', typeof deployment, 'is not a WasmDeployment', 'pass a WasmDeployment, or use MonitorTarget.service() for a Service');
    }
    return MonitorTarget.pods(deployment, `WasmDeployment ${deployment.node.path}`, deployment.matchLabels, namespaceOf(deployment, deployment.metadata.namespace),
      () => containerPorts(deployment));
  }

  /**
   * The endpoints of a Service (an EdgeService or any cdk8s-plus Service): a `ServiceMonitor`. A
   * Service without labels gets one (`MONITORED_SERVICE_LABEL`: its name) to be selected by.
   */
  public static service(service: kplus.Service): MonitorTarget {
    if (!(service instanceof kplus.Service)) {
      throw propError('MonitorTarget', 'service', typeof service, 'is not a cdk8s-plus Service', 'pass an EdgeService or kplus.Service');
    }
    return new MonitorTarget(() => {
      const labels = Object.assign({}, service.metadata.toJson().labels) as { [key: string]: string };
      if (Object.keys(labels).length === 0) {
        service.metadata.addLabel(MONITORED_SERVICE_LABEL, service.name);
        labels[MONITORED_SERVICE_LABEL] = service.name;
      }
      return {
        kind: MonitorKind.SERVICE_MONITOR,
        scope: service,
        description: `Service ${service.name} (${service.node.path})`,
        namespace: namespaceOf(service, service.metadata.namespace),
        labels,
        ports: () => service.ports.map(p => ({ name: p.name, number: p.port })),
        portKind: 'Service port',
      };
    });
  }

  /**
   * A ServerlessFunction: on the Kubernetes backend its Service (a `ServiceMonitor`, port `http`);
   * on SpinKube the pods spin-operator creates (a `PodMonitor` on `core.spinkube.dev/app-name`,
   * port `http-app`); on Knative the revision pods (a `PodMonitor` on `serving.knative.dev/service`,
   * the queue-proxy's ports `http-usermetric` or `http-autometric`). OpenFaaS is refused: its
   * gateway, not the function pods, serves the function metrics.
   */
  public static serverlessFunction(fn: ServerlessFunction): MonitorTarget {
    if (!(fn instanceof ServerlessFunction)) {
      throw propError('MonitorTarget', 'fn', typeof fn, 'is not a ServerlessFunction', 'pass a ServerlessFunction');
    }
    if (fn.service) return MonitorTarget.service(fn.service);
    const resource = fn.resource;
    if (resource?.kind === 'SpinApp') {
      return MonitorTarget.pods(fn, `SpinApp ${fn.functionName} (${fn.node.path})`, { [SPINKUBE_APP_LABEL]: fn.functionName },
        namespaceOf(fn, resource.metadata.namespace), () => [{ name: SPINKUBE_PORT_NAME, number: SPINKUBE_PORT }]);
    }
    if (resource?.kind === 'Service' && resource.apiVersion.startsWith('serving.knative.dev/')) {
      return MonitorTarget.pods(fn, `Knative Service ${fn.functionName} (${fn.node.path})`, { [KNATIVE_SERVICE_LABEL]: fn.functionName },
        namespaceOf(fn, resource.metadata.namespace), () => KNATIVE_METRICS_PORTS);
    }
    throw propError(fn, 'backend', fn.backend.displayName,
      `monitors are derived for the Kubernetes, SpinKube and Knative backends only: on ${fn.backend.displayName} the platform builds the pods and serves their metrics itself`,
      'scrape the OpenFaaS gateway\'s metrics (the faas-netes chart ships them), or use FunctionBackend.KUBERNETES');
  }

  private static pods(scope: IConstruct, description: string, labels: { [key: string]: string }, namespace: string | undefined,
    ports: () => MonitorTargetPort[]): MonitorTarget {
    return new MonitorTarget(() => ({
      kind: MonitorKind.POD_MONITOR, scope, description, namespace, labels: Object.assign({}, labels), ports, portKind: 'container port',
    }));
  }

  private resolved?: ResolvedTarget;

  private constructor(private readonly resolver: () => ResolvedTarget) {}

  /** @internal */
  public _resolve(): ResolvedTarget {
    if (!this.resolved) this.resolved = this.resolver();
    return this.resolved;
  }
}

/** Props of a WorkloadMonitor. */
export interface WorkloadMonitorProps {
  /** What to scrape. */
  readonly target: MonitorTarget;

  /**
   * The name of the port to scrape: a named container port of the pods (PodMonitor) or a named
   * port of the Service (ServiceMonitor). The operator keeps only targets whose
   * `__meta_kubernetes_pod_container_port_name` (pods) or `__meta_kubernetes_endpoint_port_name`
   * (Service endpoints) equals it (prometheus-operator v0.93.0 pkg/prometheus/promcfg.go:1570-1575
   * and :2087-2096). A port the workload does not expose is an error at synth.
   */
  readonly port: string;

  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * How often to scrape: whole milliseconds, at least 1 s.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * How long a scrape may take; at most `interval`.
   *
   * @default - not set: Prometheus uses min(its global scrape_timeout (10 s by default), interval) (config/config.go:914)
   */
  readonly scrapeTimeout?: Duration;

  /**
   * Labels of the monitor object: what a Prometheus's `podMonitorSelector` / `serviceMonitorSelector`
   * selects it by.
   *
   * @default - none (plus `release` when given)
   */
  readonly labels?: { [key: string]: string };

  /**
   * The kube-prometheus-stack Helm release whose Prometheus should pick the monitor up: adds the
   * label `release: <release>`, which that chart's Prometheus selects monitors by unless
   * `prometheus.prometheusSpec.*SelectorNilUsesHelmValues` is false
   * (prometheus-community/helm-charts kube-prometheus-stack 88.5.3 templates/prometheus/prometheus.yaml:193-218).
   *
   * @default - no release label
   */
  readonly release?: string;

  /**
   * The namespace of the monitor object. When it differs from the workload's, the monitor's
   * `namespaceSelector` names the workload's namespace (without one the operator looks only in the
   * monitor's own namespace: promcfg.go:2437-2446 getNamespacesFromNamespaceSelector).
   *
   * @default - the workload's namespace
   */
  readonly namespace?: string;

  /**
   * The name of the monitor object.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/**
 * A Prometheus Operator `PodMonitor` or `ServiceMonitor` (monitoring.coreos.com/v1) derived from a
 * workload of the app: it selects the workload's own pod or Service labels, in its namespace, on a
 * port the workload really exposes, every 30 s by default.
 *
 * @see https://github.com/prometheus-operator/prometheus-operator/blob/v0.93.0/pkg/prometheus/promcfg.go
 */
export class WorkloadMonitor extends Construct {
  /** The PodMonitor or ServiceMonitor. */
  public readonly apiObject: ApiObject;
  /** Which kind of monitor it is. */
  public readonly kind: MonitorKind;
  /** The port it scrapes. */
  public readonly port: string;
  /** The labels it selects pods or the Service by. */
  public readonly selector: { [key: string]: string };
  /** The namespace of the workload. */
  public readonly targetNamespace?: string;
  /** The scrape interval in Prometheus syntax (e.g. `30s`). */
  public readonly interval: string;

  private readonly target: ResolvedTarget;

  constructor(scope: Construct, id: string, props: WorkloadMonitorProps) {
    super(scope, id);
    if (!props || typeof props !== 'object') throw propError(this, 'props', props, 'are required', 'pass at least { target, port }');
    if (!(props.target instanceof MonitorTarget)) {
      throw propError(this, 'target', typeof props.target, 'is not a MonitorTarget', 'use MonitorTarget.wasmDeployment(d), .service(s) or .serverlessFunction(fn)');
    }
    const target = props.target._resolve();
    this.target = target;
    this.kind = target.kind;
    checkPortName(this, target, props.port);
    this.port = props.port;
    const path = props.path ?? DEFAULT_METRICS_PATH;
    checkMetricsPath(this, 'path', path);
    const timing = scrapeTiming(this, props.interval ?? DEFAULT_SCRAPE_INTERVAL, props.scrapeTimeout);
    this.interval = timing.interval;
    const labels = Object.assign({}, props.labels);
    if (props.release !== undefined) {
      checkDns1123Label(this, 'release', props.release);
      labels[KUBE_PROMETHEUS_STACK_RELEASE_LABEL] = props.release;
    }
    checkLabels(this, 'labels', labels);
    if (props.name !== undefined) checkDns1123Subdomain(this, 'name', props.name);
    this.selector = target.labels;
    this.targetNamespace = target.namespace;

    const namespace = props.namespace ?? target.namespace;
    if (props.namespace !== undefined) checkDns1123Label(this, 'namespace', props.namespace);
    const ownNamespace = namespace ?? Chart.of(this).namespace;
    let namespaceSelector: { matchNames: string[] } | undefined;
    if (ownNamespace !== target.namespace) {
      if (target.namespace === undefined) {
        throw propError(this, 'namespace', props.namespace, `the ${target.description} has no namespace, so a monitor in another namespace cannot name it`,
          'give the workload\'s chart a namespace, or leave namespace out so the monitor lives beside the workload');
      }
      namespaceSelector = { matchNames: [target.namespace] };
    }
    // Only keys with values: an undefined name would replace the name cdk8s generates.
    const metadata: { name?: string; namespace?: string; labels?: { [key: string]: string } } = {};
    if (props.name !== undefined) metadata.name = props.name;
    if (namespace !== undefined) metadata.namespace = namespace;
    if (Object.keys(labels).length > 0) metadata.labels = sortedLabels(labels);
    const endpoint = { port: props.port, path, interval: timing.interval, scrapeTimeout: timing.timeout };
    if (target.kind === MonitorKind.POD_MONITOR) {
      this.apiObject = new prom.PodMonitor(this, 'Resource', {
        metadata,
        spec: { selector: { matchLabels: target.labels }, namespaceSelector, podMetricsEndpoints: [endpoint] },
      });
    } else {
      this.apiObject = new prom.ServiceMonitor(this, 'Resource', {
        metadata,
        spec: { selector: { matchLabels: target.labels }, namespaceSelector, endpoints: [endpoint] },
      });
    }
    this.node.addValidation({ validate: () => this.validatePort() });
  }

  /** The port must be one the workload exposes by that name (read at synth: ports may be added later). */
  private validatePort(): string[] {
    const ports = this.target.ports();
    if (ports.some(p => p.name === this.port)) return [];
    return [propMessage(this, 'port', this.port, `the ${this.target.description} exposes no ${this.target.portKind} named "${this.port}" `
      + `(it has ${describePorts(ports)}), so the monitor would scrape nothing`,
    `name a port it has, or add a named port (e.g. ports: [{ number: 9090, name: "${this.port}" }])`)];
  }
}

/**
 * Named container ports of a workload's containers (init containers serve no metrics).
 *
 * @internal
 */
export function containerPorts(workload: kplus.Deployment): MonitorTargetPort[] {
  const out: MonitorTargetPort[] = [];
  for (const c of workload.containers) for (const p of c.ports) out.push({ name: p.name, number: p.number });
  return out;
}

/** @internal */
export function describePorts(ports: MonitorTargetPort[]): string {
  if (ports.length === 0) return 'no ports';
  return ports.map(p => (p.name === undefined ? `an unnamed port ${p.number}` : `"${p.name}" (${p.number})`)).join(', ');
}

/** The namespace of a construct's object: its own, else its chart's. @internal */
export function namespaceOf(scope: IConstruct, own?: string): string | undefined {
  return own ?? Chart.of(scope).namespace;
}

/** A container port name is an IANA_SVC_NAME (core/v1 ValidatePorts), a Service port name a DNS-1123 label. */
function checkPortName(scope: IConstruct, target: ResolvedTarget, port: string): void {
  if (typeof port !== 'string' || port.length === 0) {
    throw propError(scope, 'port', port, 'is not a port name', 'name the port to scrape, e.g. "metrics" (add a named port to the workload if it has none)');
  }
  const pod = target.kind === MonitorKind.POD_MONITOR;
  const max = pod ? 15 : 63;
  // IsValidPortName: at most 15, letters, digits and single "-", at least one letter; a Service port name is a DNS-1123 label.
  if (port.length > max || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(port) || (pod && (port.includes('--') || !/[a-z]/.test(port)))) {
    throw propError(scope, 'port', port, `is not a ${target.portKind} name (lower-case letters, digits and "-"${pod ? ' (not doubled), at least one letter' : ''}, at most ${max} characters)`,
      'use the name the workload gives the port, e.g. "metrics" or "http"');
  }
}

/**
 * A metrics path: absolute, one line, no query (Prometheus appends the `params` as the query) and
 * no fragment. @internal
 */
export function checkMetricsPath(scope: IConstruct | string, prop: string, path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw propError(scope, prop, path, 'is not an absolute URL path without query, fragment or whitespace', 'use e.g. "/metrics"');
  }
  checkSingleLine(scope, prop, path, 1024);
}

function sortedLabels(labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}
