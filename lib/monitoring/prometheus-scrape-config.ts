import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_PATH, DEFAULT_SCRAPE_INTERVAL } from './monitoring-labels';
import { checkExternalLabels, durationMs, literalRegex, sanitizeLabelName, scrapeTiming } from './prometheus-duration';
import { checkMetricsPath, describePorts, MonitorKind, MonitorTarget, ResolvedTarget } from './workload-monitor';
import { EDGE_NODE_LABEL, EdgeOfflineNode } from '../node/edge-offline-node';
import { checkDns1123Subdomain, propError, propMessage } from '../private/errors';
import { yamlDocument } from '../private/yaml';

/** Where a pod's service-account files are mounted (what in-cluster Prometheus authenticates to kubelets with). */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Job names: Prometheus requires them unique and non-empty (config/config.go:444); kept to label-value syntax. */
const JOB_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_./]*[a-zA-Z0-9])?$/;

/** How one workload is scraped by the plain config. */
export interface ScrapeJobOptions {
  /** The name of the port to scrape (a named container port for pods, a named Service port for Services). */
  readonly port: string;

  /**
   * The job name (`job` label of every series).
   *
   * @default - `<namespace>/<construct id>`
   */
  readonly jobName?: string;

  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * How often to scrape this job.
   *
   * @default - the config's global interval (30 s unless set)
   */
  readonly interval?: Duration;

  /**
   * How long a scrape may take; at most the interval.
   *
   * @default - Prometheus's: min(the global scrape_timeout, the interval) (config/config.go:914)
   */
  readonly scrapeTimeout?: Duration;
}

/** Which edge nodes' kubelet and cAdvisor metrics to scrape. */
export interface EdgeNodeScrapeOptions {
  /**
   * Only these nodes (by node name). Every EdgeOfflineNode carries `EDGE_NODE_LABEL: "true"`, which
   * the job keeps in any case, so nodes the library did not build are never scraped.
   *
   * @default - every node labelled EDGE_NODE_LABEL=true
   */
  readonly nodes?: EdgeOfflineNode[];

  /**
   * Also scrape cAdvisor (`/metrics/cadvisor`: container CPU, memory, restarts of Wasm pods).
   *
   * @default true
   */
  readonly cadvisor?: boolean;
}

/** Props of a PrometheusScrapeConfig. */
export interface PrometheusScrapeConfigProps {
  /**
   * The global scrape interval (`global.scrape_interval`).
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * The global scrape timeout; at most the interval.
   *
   * @default - Prometheus's default, 10 s (config/config.go:175), capped at each job's interval
   */
  readonly scrapeTimeout?: Duration;

  /**
   * Labels added to every series this Prometheus sends elsewhere (`global.external_labels`).
   *
   * @default - none
   */
  readonly externalLabels?: { [key: string]: string };

  /**
   * Name of the ConfigMap.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;

  /**
   * The key of the file in the ConfigMap (mount it and pass `--config.file`).
   *
   * @default 'prometheus.yml'
   */
  readonly fileName?: string;
}

interface Job {
  readonly name: string;
  readonly build: () => { [key: string]: unknown };
  readonly validate?: () => string[];
}

/**
 * A plain `prometheus.yml` in a ConfigMap, for clusters without the Prometheus Operator: one job per
 * workload with Kubernetes service discovery (role `pod` or `endpoints`) limited to the workload's
 * namespace, kept to its own pod or Service labels and a named port, and kubelet/cAdvisor jobs
 * (role `node`) kept to the edge nodes. 30 s by default. Mount it into a Prometheus (`--config.file`)
 * whose service account may list pods, endpoints, services and nodes in those namespaces.
 *
 * @see https://github.com/prometheus/prometheus/blob/v3.14.0/config/config.go
 * @see https://github.com/prometheus/prometheus/blob/v3.14.0/discovery/kubernetes/kubernetes.go
 */
export class PrometheusScrapeConfig extends Construct {
  /** The ConfigMap. */
  public readonly apiObject: ApiObject;
  /** The key of the file in the ConfigMap. */
  public readonly fileName: string;
  /** The global scrape interval in Prometheus syntax. */
  public readonly interval: string;

  private readonly timeout?: string;
  private readonly intervalMs: number;
  private readonly externalLabels: { [key: string]: string };
  private readonly jobs: Job[] = [];
  private readonly remoteWrites: Array<{ [key: string]: unknown }> = [];

  constructor(scope: Construct, id: string, props: PrometheusScrapeConfigProps = {}) {
    super(scope, id);
    const timing = scrapeTiming(this, props.interval ?? DEFAULT_SCRAPE_INTERVAL, props.scrapeTimeout);
    this.interval = timing.interval;
    this.intervalMs = durationMs(props.interval ?? DEFAULT_SCRAPE_INTERVAL);
    this.timeout = timing.timeout;
    this.externalLabels = checkExternalLabels(this, 'externalLabels', props.externalLabels);
    this.fileName = props.fileName ?? 'prometheus.yml';
    if (!/^[-._a-zA-Z0-9]+$/.test(this.fileName) || this.fileName.length > 253) {
      throw propError(this, 'fileName', this.fileName, 'is not a ConfigMap key (letters, digits, "-", "_" and ".")', 'use e.g. "prometheus.yml"');
    }
    if (props.name !== undefined) checkDns1123Subdomain(this, 'name', props.name);
    const metadata: { name?: string } = {};
    if (props.name !== undefined) metadata.name = props.name;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      data: Lazy.any({ produce: () => ({ [this.fileName]: this.text }) }),
    } as any);
    this.node.addValidation({ validate: () => this.jobs.flatMap(j => j.validate?.() ?? []) });
  }

  /**
   * Adds a job that scrapes a workload (the pods of a WasmDeployment, a Service, a ServerlessFunction).
   *
   * @returns the job name
   */
  public addWorkload(id: string, target: MonitorTarget, options: ScrapeJobOptions): string {
    if (!(target instanceof MonitorTarget)) {
      throw propError(this, `${id}.target`, typeof target, 'is not a MonitorTarget', 'use MonitorTarget.wasmDeployment(d), .service(s) or .serverlessFunction(fn)');
    }
    const t = target._resolve();
    if (t.namespace === undefined) {
      throw propError(this, `${id}.target`, t.description, 'has no namespace, and the scrape config is limited to the app\'s namespaces',
        'give the workload\'s chart a namespace');
    }
    if (typeof options?.port !== 'string' || options.port.length === 0) throw propError(this, `${id}.port`, options?.port, 'is not a port name', 'name the port to scrape, e.g. "metrics"');
    const path = options.path ?? DEFAULT_METRICS_PATH;
    checkMetricsPath(this, `${id}.path`, path);
    const timing = options.interval || options.scrapeTimeout
      ? scrapeTiming(`${this.node.path}/${id}`, options.interval ?? Duration.millis(this.intervalMs), options.scrapeTimeout)
      : undefined;
    const name = this.claimJobName(id, options.jobName ?? `${t.namespace}/${id}`);
    this.jobs.push({
      name,
      build: () => workloadJob(name, t, options.port, path, options.interval ? timing?.interval : undefined, timing?.timeout),
      validate: () => (t.ports().some(p => p.name === options.port) ? [] : [propMessage(this, `${id}.port`, options.port,
        `the ${t.description} exposes no ${t.portKind} named "${options.port}" (it has ${describePorts(t.ports())}), so the job would scrape nothing`,
        'name a port it has, or add a named port to the workload')]),
    });
    return name;
  }

  /**
   * Adds jobs for the kubelet (`edge-kubelet`) and cAdvisor (`edge-cadvisor`) of the edge nodes,
   * through the API server's node discovery (`__address__` is the node's InternalIP and kubelet
   * port, discovery/kubernetes/node.go:197), over HTTPS with the pod's service-account token.
   *
   * @returns the job names
   */
  public addEdgeNodes(options: EdgeNodeScrapeOptions = {}): string[] {
    const nodes = options.nodes;
    if (nodes !== undefined) {
      if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some(n => !(n instanceof EdgeOfflineNode))) {
        throw propError(this, 'nodes', nodes, 'is not a non-empty list of EdgeOfflineNodes', 'pass the EdgeOfflineNodes to scrape, or leave nodes out for every edge node');
      }
    }
    const names = [this.claimJobName('nodes', 'edge-kubelet')];
    if (options.cadvisor ?? true) names.push(this.claimJobName('nodes', 'edge-cadvisor'));
    const nodeNames = nodes?.map(n => n.nodeName).sort();
    for (const name of names) {
      this.jobs.push({ name, build: () => nodeJob(name, name === 'edge-cadvisor' ? '/metrics/cadvisor' : DEFAULT_METRICS_PATH, nodeNames) });
    }
    return names;
  }

  /**
   * Adds a `remote_write` entry (config/config.go:302, RemoteWriteConfig :1482).
   *
   * @internal
   */
  public _addRemoteWrite(entry: { [key: string]: unknown }): void {
    this.remoteWrites.push(entry);
  }

  /**
   * Adds a job the library builds itself (a site agent's kube-state-metrics job).
   *
   * @internal
   */
  public _addJob(id: string, name: string, build: () => { [key: string]: unknown }): string {
    const claimed = this.claimJobName(id, name);
    this.jobs.push({ name: claimed, build });
    return claimed;
  }

  /** The job names, in order. */
  public get jobNames(): string[] {
    return this.jobs.map(j => j.name);
  }

  /** The `prometheus.yml` text. */
  public get text(): string {
    const global: { [key: string]: unknown } = { scrape_interval: this.interval };
    if (this.timeout) global.scrape_timeout = this.timeout;
    if (Object.keys(this.externalLabels).length > 0) global.external_labels = sorted(this.externalLabels);
    const doc: { [key: string]: unknown } = { global, scrape_configs: this.jobs.map(j => j.build()) };
    if (this.remoteWrites.length > 0) doc.remote_write = this.remoteWrites;
    return yamlDocument(doc);
  }

  private claimJobName(id: string, name: string): string {
    if (typeof name !== 'string' || !JOB_NAME.test(name) || name.length > 253) {
      throw propError(this, `${id}.jobName`, name, 'is not a job name (letters, digits, "-", "_", "." and "/")', 'use e.g. "edge-apps/v2x"');
    }
    if (this.jobs.some(j => j.name === name)) {
      throw propError(this, `${id}.jobName`, name, 'is already a job of this config (Prometheus refuses duplicate job names: config/config.go:444)', 'give each job its own name');
    }
    return name;
  }
}

/** A job for one workload, selecting what the operator's monitors select (promcfg.go), in plain relabel rules. */
function workloadJob(name: string, t: ResolvedTarget, port: string, path: string, interval?: string, timeout?: string): { [key: string]: unknown } {
  const pod = t.kind === MonitorKind.POD_MONITOR;
  const prefix = pod ? '__meta_kubernetes_pod' : '__meta_kubernetes_service';
  const relabel: Array<{ [key: string]: unknown }> = [];
  // Completed and failed pods keep their IPs for a while: drop them, as the operator's running filter does (promcfg.go generateRunningFilter).
  relabel.push({ action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
  for (const k of Object.keys(t.labels).sort()) {
    // discovery/kubernetes/kubernetes.go:970-971: <role>_label_<sanitized key> and <role>_labelpresent_<sanitized key>.
    const s = sanitizeLabelName(k);
    relabel.push({ action: 'keep', source_labels: [`${prefix}_label_${s}`, `${prefix}_labelpresent_${s}`], regex: `(${literalRegex(t.labels[k])});true` });
  }
  relabel.push({
    action: 'keep',
    // discovery/kubernetes/pod.go:265 and endpoints.go:341.
    source_labels: [pod ? '__meta_kubernetes_pod_container_port_name' : '__meta_kubernetes_endpoint_port_name'],
    regex: literalRegex(port),
  });
  relabel.push({ source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' });
  relabel.push({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' });
  relabel.push({ source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' });
  if (!pod) relabel.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' });
  const job: { [key: string]: unknown } = { job_name: name };
  if (interval) job.scrape_interval = interval;
  if (timeout) job.scrape_timeout = timeout;
  job.metrics_path = path;
  job.kubernetes_sd_configs = [{ role: pod ? 'pod' : 'endpoints', namespaces: { names: [t.namespace] } }];
  job.relabel_configs = relabel;
  return job;
}

/** A kubelet or cAdvisor job over the edge nodes. */
function nodeJob(name: string, path: string, nodeNames?: string[]): { [key: string]: unknown } {
  const edge = sanitizeLabelName(EDGE_NODE_LABEL);
  const relabel: Array<{ [key: string]: unknown }> = [
    { action: 'keep', source_labels: [`__meta_kubernetes_node_label_${edge}`, `__meta_kubernetes_node_labelpresent_${edge}`], regex: '(true);true' },
  ];
  if (nodeNames) relabel.push({ action: 'keep', source_labels: ['__meta_kubernetes_node_name'], regex: nodeNames.map(literalRegex).join('|') });
  relabel.push({ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' });
  return {
    job_name: name,
    scheme: 'https',
    metrics_path: path,
    // prometheus/common HTTPClientConfig (docs/configuration/configuration.md:698-702 authorization.credentials_file, :751 tls_config.ca_file).
    authorization: { credentials_file: `${SA_DIR}/token` },
    tls_config: { ca_file: `${SA_DIR}/ca.crt` },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: relabel,
  };
}

function sorted(m: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}
