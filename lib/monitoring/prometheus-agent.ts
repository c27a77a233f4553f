import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_SCRAPE_INTERVAL, FLEET_METRIC_LABEL, SITE_METRIC_LABEL } from './monitoring-labels';
import { checkExternalLabels, durationMs, literalRegex, prometheusDuration, scrapeTiming } from './prometheus-duration';
import { PrometheusScrapeConfig, ScrapeJobOptions } from './prometheus-scrape-config';
import { defaultFleetName, placementOf } from './targets';
import { MonitorTarget } from './workload-monitor';
import { EdgeFleet, ISiteWorkload } from '../fleet/edge-fleet';
import { EdgeSite } from '../fleet/edge-site';
import { checkImage } from '../private/containers';
import { checkDns1123Label, checkDns1123Subdomain, checkInt, propError } from '../private/errors';
import { cpuToMillis, sizeToQuantity } from '../private/quantity';
import { checkResources } from '../private/resources';
import { checkLabels } from '../private/validate';

/**
 * Bytes the agent's WAL takes per sample, the figure the volume is sized with: a WAL sample record
 * holds, per sample, a varint ref delta, a varint timestamp delta and the 8-byte float value
 * (prometheus/prometheus v3.14.0 tsdb/record/record.go:949-956), i.e. 10-14 bytes for the deltas of
 * one scrape; 16 rounds that up before compression (snappy, on by default: cmd/prometheus/main.go:557),
 * so a compressed WAL needs less. Series records and checkpoints are covered by `WAL_HEADROOM`.
 */
export const WAL_BYTES_PER_SAMPLE = 16;

/** Headroom on the samples' bytes for series records, checkpoints and the segment being written. */
const WAL_HEADROOM = 1.25;
/** WAL segments are 128 MiB (tsdb/wlog/wlog.go:41 DefaultSegmentSize): two more for the open segment and a checkpoint. */
const WAL_SEGMENT_BYTES = 128 * 1024 * 1024;
/** How often the agent truncates its WAL, and the least retention it keeps (tsdb/agent/db.go:56, :406-407). */
const WAL_TRUNCATE_MS = 2 * 3600 * 1000;

/** K3s's bundled local-path provisioner's StorageClass (docs.k3s.io storage: "local-path"). */
export const K3S_LOCAL_PATH_STORAGE_CLASS = 'local-path';

/** The uid/gid the agent runs as: `nobody`, the Prometheus image's USER (prometheus/prometheus v3.14.0 Dockerfile:26). */
const AGENT_UID = 65534;

/** Where a pod's service-account files are mounted. */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How the site agent is deployed. */
export enum SiteAgentMode {
  /** A Prometheus Operator `PrometheusAgent` (the site needs the operator); picks up the site's monitors. */
  PROMETHEUS_AGENT = 'PrometheusAgent',
  /**
   * A plain StatefulSet running `prometheus --agent` with a generated prometheus.yml (no operator
   * needed); workloads are added with `addWorkload()`.
   */
  STATEFUL_SET = 'StatefulSet',
}

/** The Prometheus image of the StatefulSet mode: the release whose code this library was checked against. */
export const PROMETHEUS_AGENT_IMAGE = 'quay.io/prometheus/prometheus:v3.14.0';

/** The pod annotation of the StatefulSet mode that holds the prometheus.yml's SHA-256. */
const CONFIG_HASH_ANNOTATION = 'cdk8s-wasm-edge.io/config-sha256';

/** Where the StatefulSet mode mounts the Secrets remote write authenticates with. */
const SECRETS_DIR = '/etc/prometheus/secrets';

/** A key of a Secret in the agent's namespace. */
export interface PrometheusSecretKey {
  /** The Secret's name. */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/**
 * How the agent authenticates to the hub's remote-write endpoint: credentials only from Secrets,
 * never in the URL or the manifest.
 */
export class RemoteWriteAuth {
  /** No authentication (e.g. mTLS terminated elsewhere, or a private link). */
  public static readonly NONE = new RemoteWriteAuth('none');

  /** HTTP basic auth, username and password from Secret keys (`remoteWrite[].basicAuth`). */
  public static basicAuth(username: PrometheusSecretKey, password: PrometheusSecretKey): RemoteWriteAuth {
    return new RemoteWriteAuth('basic', username, password);
  }

  /** A bearer token from a Secret key (`remoteWrite[].authorization`, type Bearer). */
  public static bearerToken(token: PrometheusSecretKey): RemoteWriteAuth {
    return new RemoteWriteAuth('bearer', token);
  }

  private constructor(private readonly mode: string, private readonly first?: PrometheusSecretKey, private readonly second?: PrometheusSecretKey) {}

  /** @internal */
  public _render(scope: IConstruct): { [key: string]: unknown } {
    const ref = (prop: string, s?: PrometheusSecretKey) => {
      if (!s || typeof s !== 'object') throw propError(scope, prop, s, 'is not a Secret key', 'use { secretName: "hub-remote-write", key: "password" }');
      checkDns1123Subdomain(scope, `${prop}.secretName`, s.secretName);
      if (typeof s.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(s.key) || s.key.length > 253) {
        throw propError(scope, `${prop}.key`, s.key, 'is not a Secret key (letters, digits, "-", "_" and ".")', 'use e.g. "password"');
      }
      return { name: s.secretName, key: s.key };
    };
    if (this.mode === 'basic') return { basicAuth: { username: ref('remoteWrite.auth.username', this.first), password: ref('remoteWrite.auth.password', this.second) } };
    if (this.mode === 'bearer') return { authorization: { type: 'Bearer', credentials: ref('remoteWrite.auth.token', this.first) } };
    return {};
  }

  /**
   * The prometheus.yml form: the Secret keys as files of mounted Secrets (prometheus/common
   * HTTPClientConfig: basic_auth.username_file / password_file, authorization.credentials_file;
   * prometheus docs/configuration/configuration.md:684-702), and the Secrets to mount.
   *
   * @internal
   */
  public _renderFiles(scope: IConstruct): { config: { [key: string]: unknown }; secrets: string[] } {
    const rendered = this._render(scope) as any;
    const file = (r: { name: string; key: string }) => `${SECRETS_DIR}/${r.name}/${r.key}`;
    if (rendered.basicAuth) {
      const { username, password } = rendered.basicAuth;
      return {
        config: { basic_auth: { username_file: file(username), password_file: file(password) } },
        secrets: [...new Set<string>([username.name, password.name])].sort(),
      };
    }
    if (rendered.authorization) {
      const c = rendered.authorization.credentials;
      return { config: { authorization: { type: 'Bearer', credentials_file: file(c) } }, secrets: [c.name] };
    }
    return { config: {}, secrets: [] };
  }
}

/** The hub endpoint the agent sends to. */
export interface RemoteWriteEndpoint {
  /**
   * The remote-write URL, e.g. `https://metrics.hub.example.com/api/v1/write`. Credentials inside
   * it (`user:pass@`) are refused: use `auth`.
   */
  readonly url: string;

  /**
   * Authentication.
   *
   * @default RemoteWriteAuth.NONE
   */
  readonly auth?: RemoteWriteAuth;
}

/** Props of a SitePrometheusAgent. */
export interface SitePrometheusAgentProps {
  /** Where the agent sends the samples. */
  readonly remoteWrite: RemoteWriteEndpoint;

  /**
   * The `site` external label.
   *
   * @default - the siteName of the EdgeSite the agent is in (required outside a site)
   */
  readonly siteName?: string;

  /**
   * The `fleet` external label. The alert rules match the site's EdgeFleet by this label, so a
   * value that differs from it is refused.
   *
   * @default - the name of the EdgeFleet of the agent's site (or the app's only EdgeFleet); none outside a fleet
   */
  readonly fleetName?: string;

  /**
   * The hub outage the WAL buffers: samples stay until sent, up to this age
   * (`--storage.agent.retention.max-time`; the agent's default is only 4 h, tsdb/agent/db.go:58, and
   * it deletes older samples even when unsent: db.go:708-716). At most the site's offline window
   * (the shortest `offlineAutonomy` of its nodes).
   *
   * @default - 24 hours, or the offline window when shorter
   */
  readonly outage?: Duration;

  /**
   * Samples per second the site produces (roughly active series / scrape interval); sizes the WAL
   * volume with `WAL_BYTES_PER_SAMPLE`.
   *
   * @default 500
   */
  readonly samplesPerSecond?: number;

  /**
   * The scrape interval.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Namespaces whose PodMonitors and ServiceMonitors the agent picks up (and whose pods, Services
   * and endpoints it may list).
   *
   * @default - the agent's namespace
   */
  readonly monitorNamespaces?: string[];

  /**
   * Labels the monitors must carry to be picked up.
   *
   * @default - none: every monitor in monitorNamespaces
   */
  readonly monitorLabels?: { [key: string]: string };

  /**
   * Scrape the kubelet and cAdvisor of every node of the site (a ScrapeConfig with node discovery,
   * over HTTPS with the agent's service-account token).
   *
   * @default true
   */
  readonly kubelet?: boolean;

  /**
   * Scrape kube-state-metrics, installed as upstream's standard manifests do (Service
   * `kube-state-metrics` in `kube-system`, labels `app.kubernetes.io/name: kube-state-metrics`, port
   * `http-metrics`: kubernetes/kube-state-metrics v2.20.0 examples/standard/service.yaml:4-15).
   * K3s does not ship it.
   *
   * @default true
   */
  readonly kubeStateMetrics?: boolean;

  /**
   * The namespace kube-state-metrics runs in.
   *
   * @default 'kube-system'
   */
  readonly kubeStateMetricsNamespace?: string;

  /**
   * The StorageClass of the WAL volume.
   *
   * @default 'local-path' (K3s's local-path provisioner)
   */
  readonly storageClassName?: string;

  /**
   * Resources of the Prometheus container.
   *
   * @default - requests 100m CPU / 256Mi, limit 512Mi memory (no CPU limit): fits a small edge node
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * The namespace of the agent's objects.
   *
   * @default - the chart's namespace (required: RBAC Roles and the monitors' selectors name it)
   */
  readonly namespace?: string;

  /**
   * Name of the PrometheusAgent and its ServiceAccount.
   *
   * @default 'prometheus-agent'
   */
  readonly name?: string;

  /**
   * How the agent is deployed.
   *
   * @default SiteAgentMode.PROMETHEUS_AGENT
   */
  readonly mode?: SiteAgentMode;

  /**
   * The Prometheus image (StatefulSet mode only; the operator picks its own otherwise).
   *
   * @default PROMETHEUS_AGENT_IMAGE
   */
  readonly image?: string;
}

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};

/**
 * A Prometheus in agent mode at one site (Prometheus Operator `PrometheusAgent`,
 * monitoring.coreos.com/v1alpha1): scrapes the site's monitors, the kubelets and cAdvisor, and
 * kube-state-metrics, and remote-writes to the hub with the external labels `site` (and `fleet`).
 * Its WAL on a local-path volume buffers a hub outage up to the site's offline window; on reconnect
 * remote write resumes from the WAL and retries recoverable errors with backoff (30 ms to 5 s by
 * default: config/config.go:250-251; storage/remote/queue_manager.go:2025 sendWriteRequestWithBackoff).
 * The pod runs as uid 65534, non-root, RuntimeDefault seccomp; the operator makes its containers'
 * root filesystems read-only without privilege escalation (prometheus-operator v0.93.0
 * pkg/prometheus/agent/statefulset.go:252-253). It mounts its service-account token: service
 * discovery lists pods, endpoints and nodes through the API, so RBAC grants only that, in the
 * namespaces it scrapes.
 *
 * @see https://github.com/prometheus/prometheus/blob/v3.14.0/tsdb/agent/db.go
 */
export class SitePrometheusAgent extends Construct {
  /** The PrometheusAgent. */
  public readonly apiObject: ApiObject;
  /** Every object: PrometheusAgent, ServiceAccount, RBAC, ScrapeConfig, ServiceMonitor. */
  public readonly apiObjects: ApiObject[] = [];
  /** The external labels (`site`, and `fleet` in a fleet). */
  public readonly externalLabels: { [key: string]: string };
  /** The outage the WAL buffers, in Prometheus syntax. */
  public readonly outage: string;
  /**
   * The out-of-order window the hub's Prometheus needs to accept what the agent sends after an
   * outage (the outage itself): a remote-write receiver refuses samples older than about an hour
   * behind its head (prometheus v3.14.0 tsdb/head_append.go:202-210; write_handler.go:226-231
   * answers 400, which the agent does not retry) unless `storage.tsdb.out_of_order_time_window`
   * covers them (kube-prometheus-stack: `prometheus.prometheusSpec.tsdb.outOfOrderTimeWindow`).
   */
  public readonly hubOutOfOrderTimeWindow: string;
  /** The WAL volume size. */
  public readonly walVolumeSize: Size;
  /** The agent's namespace. */
  public readonly namespace: string;
  /** How the agent is deployed. */
  public readonly mode: SiteAgentMode;
  /** The namespaces whose workloads the agent scrapes. */
  public readonly monitorNamespaces: string[];
  /** The prometheus.yml (StatefulSet mode only). */
  public readonly scrapeConfig?: PrometheusScrapeConfig;

  constructor(scope: Construct, id: string, props: SitePrometheusAgentProps) {
    super(scope, id);
    if (!props || typeof props !== 'object') throw propError(this, 'props', props, 'are required', 'pass at least { remoteWrite: { url } }');
    const site = EdgeSite.siteOf(this);
    const siteName = props.siteName ?? site?.siteName;
    if (siteName === undefined) {
      throw propError(this, 'siteName', undefined, 'is required outside an EdgeSite (it becomes the "site" label of every sample)', 'set siteName, or add the agent to an EdgeSite');
    }
    checkDns1123Label(this, 'siteName', siteName);
    // The alert rules match `fleet` to the site's EdgeFleet (lib/monitoring/targets.ts placementMatchers).
    const siteFleet = placementOf(this).fleet;
    const impliedFleet = siteFleet ?? (site ? defaultFleetName(this) : undefined);
    if (props.fleetName !== undefined) checkDns1123Label(this, 'fleetName', props.fleetName);
    if (props.fleetName !== undefined && siteFleet !== undefined && props.fleetName !== siteFleet) {
      throw propError(this, 'fleetName', props.fleetName, `differs from the site's EdgeFleet "${siteFleet}", whose alert rules match fleet="${siteFleet}"`,
        'leave fleetName out (the fleet\'s name is the default)');
    }
    const fleetName = props.fleetName ?? impliedFleet;
    const labels: { [key: string]: string } = { [SITE_METRIC_LABEL]: siteName };
    if (fleetName !== undefined) labels[FLEET_METRIC_LABEL] = fleetName;
    this.externalLabels = checkExternalLabels(this, 'externalLabels', labels);

    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw propError(this, 'namespace', undefined, 'is required: the agent\'s RBAC Roles and monitor selectors name it', 'set namespace (e.g. "monitoring"), or give the chart a namespace');
    }
    checkDns1123Label(this, 'namespace', namespace);
    this.namespace = namespace;
    const name = props.name ?? 'prometheus-agent';
    checkDns1123Label(this, 'name', name);

    const url = checkRemoteWriteUrl(this, props.remoteWrite);
    const auth = props.remoteWrite.auth ?? RemoteWriteAuth.NONE;
    if (!(auth instanceof RemoteWriteAuth)) throw propError(this, 'remoteWrite.auth', auth, 'is not a RemoteWriteAuth', 'use RemoteWriteAuth.basicAuth(...) or bearerToken(...)');

    // The outage the WAL buffers, bounded by the offline window of the site's nodes.
    const window = offlineWindow(site);
    let outage = props.outage ?? Duration.hours(24);
    if (props.outage === undefined && window && durationMs(window.window) < durationMs(outage)) outage = window.window;
    this.outage = prometheusDuration(this, 'outage', outage, 60_000);
    this.hubOutOfOrderTimeWindow = this.outage;
    if (window && durationMs(outage) > durationMs(window.window)) {
      throw propError(this, 'outage', this.outage, `is longer than the site's offline window ${prometheusDuration(this, 'offlineAutonomy', window.window)} (offlineAutonomy of ${window.node}): `
        + 'the site\'s workloads stop before the WAL would run out', `set outage to at most the offline window, or raise offlineAutonomy on ${window.node}`);
    }
    const sps = props.samplesPerSecond ?? 500;
    checkInt(this, 'samplesPerSecond', sps, 1, 10_000_000);
    this.walVolumeSize = walVolumeSize(sps, durationMs(outage));

    const timing = scrapeTiming(this, props.interval ?? DEFAULT_SCRAPE_INTERVAL);
    const monitorNamespaces = [...new Set(props.monitorNamespaces ?? [namespace])].sort();
    if (!Array.isArray(props.monitorNamespaces ?? []) || monitorNamespaces.length === 0) {
      throw propError(this, 'monitorNamespaces', props.monitorNamespaces, 'is not a non-empty list of namespaces', 'list the namespaces of the site\'s workloads');
    }
    monitorNamespaces.forEach((ns, i) => checkDns1123Label(this, `monitorNamespaces[${i}]`, ns));
    this.monitorNamespaces = monitorNamespaces;
    checkLabels(this, 'monitorLabels', props.monitorLabels);
    const resources = props.resources ?? DEFAULT_RESOURCES;
    checkResources(this, resources);
    const storageClassName = props.storageClassName ?? K3S_LOCAL_PATH_STORAGE_CLASS;
    checkDns1123Subdomain(this, 'storageClassName', storageClassName);
    const ksm = props.kubeStateMetrics ?? true;
    const ksmNamespace = props.kubeStateMetricsNamespace ?? 'kube-system';
    checkDns1123Label(this, 'kubeStateMetricsNamespace', ksmNamespace);
    const kubelet = props.kubelet ?? true;

    const mode = props.mode ?? SiteAgentMode.PROMETHEUS_AGENT;
    if (!Object.values(SiteAgentMode).includes(mode)) throw propError(this, 'mode', mode, 'is not a SiteAgentMode', 'use SiteAgentMode.PROMETHEUS_AGENT or STATEFUL_SET');
    this.mode = mode;
    if (props.image !== undefined && mode !== SiteAgentMode.STATEFUL_SET) {
      throw propError(this, 'image', props.image, 'only applies to the StatefulSet mode (the operator chooses the PrometheusAgent\'s image)',
        'drop image, or set mode: SiteAgentMode.STATEFUL_SET');
    }
    const selectLabels = { matchLabels: Object.assign({}, props.monitorLabels) };
    const agentLabel = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'site-agent' };

    const sa = this.add(new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace },
      // Prometheus service discovery calls the API server: the token is needed (mounted by the pod spec).
    }));
    const rbacNamespaces = [...new Set([...monitorNamespaces, namespace, ...(ksm ? [ksmNamespace] : [])])].sort();
    for (const ns of rbacNamespaces) {
      const role = this.add(new ApiObject(this, `Role-${ns}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name, namespace: ns },
        rules: [
          { apiGroups: [''], resources: ['endpoints', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        ],
      } as any));
      this.add(new ApiObject(this, `RoleBinding-${ns}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace }],
      } as any));
    }
    if (kubelet) {
      // Nodes are cluster-scoped; nodes/metrics is what the kubelet authorizes /metrics and /metrics/cadvisor with.
      this.addNodeRbac(name, namespace, sa);
    }
    if (mode === SiteAgentMode.STATEFUL_SET) {
      if (props.monitorLabels !== undefined) {
        throw propError(this, 'monitorLabels', props.monitorLabels, 'only apply to the PrometheusAgent mode (the StatefulSet mode reads no monitors)',
          'drop monitorLabels and add the workloads with addWorkload()');
      }
      this.scrapeConfig = new PrometheusScrapeConfig(this, 'Config', { interval: props.interval ?? DEFAULT_SCRAPE_INTERVAL, externalLabels: this.externalLabels, name });
      this.add(this.scrapeConfig.apiObject);
      if (kubelet) this.scrapeConfig.addEdgeNodes();
      if (ksm) this.scrapeConfig._addJob('kubeStateMetrics', 'kube-state-metrics', () => kubeStateMetricsJob(ksmNamespace));
      const files = auth._renderFiles(this);
      this.scrapeConfig._addRemoteWrite(Object.assign({ url }, files.config));
      const image = props.image ?? PROMETHEUS_AGENT_IMAGE;
      checkImage(this, image);
      this.apiObject = this.add(this.statefulSet(name, namespace, sa, image, files.secrets, resources, storageClassName));
      return;
    }
    if (kubelet) {
      for (const [suffix, path] of [['kubelet', '/metrics'], ['cadvisor', '/metrics/cadvisor']] as const) {
        this.add(new ApiObject(this, `ScrapeConfig-${suffix}`, {
          apiVersion: 'monitoring.coreos.com/v1alpha1',
          kind: 'ScrapeConfig',
          metadata: { name: `${name}-${suffix}`, namespace, labels: agentLabel },
          spec: {
            jobName: suffix,
            scrapeClass: 'kubelet',
            scheme: 'HTTPS',
            metricsPath: path,
            kubernetesSDConfigs: [{ role: 'Node' }],
            relabelings: [{ sourceLabels: ['__meta_kubernetes_node_name'], targetLabel: 'node' }],
          },
        } as any));
      }
    }
    if (ksm) {
      this.add(new ApiObject(this, 'KubeStateMetrics', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: `${name}-kube-state-metrics`, namespace, labels: Object.assign({}, props.monitorLabels) },
        spec: {
          namespaceSelector: { matchNames: [ksmNamespace] },
          selector: { matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' } },
          // kube-state-metrics' own namespace/pod labels describe the objects it reports on: keep them.
          endpoints: [{ port: 'http-metrics', honorLabels: true, interval: timing.interval }],
        },
      } as any));
    }
    // Namespaces by the kubernetes.io/metadata.name label the API server sets on every namespace (Kubernetes 1.21+).
    const monitorNs = [...new Set([...monitorNamespaces, ...(ksm ? [namespace] : [])])].sort();
    const monitorNsSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: monitorNs }] };

    this.apiObject = this.add(new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'PrometheusAgent',
      metadata: { name, namespace },
      spec: {
        replicas: 1,
        serviceAccountName: sa.name,
        automountServiceAccountToken: true,
        scrapeInterval: timing.interval,
        externalLabels: this.externalLabels,
        remoteWrite: [Object.assign({ url }, auth._render(this))],
        podMonitorSelector: selectLabels,
        podMonitorNamespaceSelector: monitorNsSelector,
        serviceMonitorSelector: selectLabels,
        serviceMonitorNamespaceSelector: monitorNsSelector,
        // No namespace selector: ScrapeConfigs from the agent's own namespace only. The kubelet scrape class's
        // TLS and authorization apply to them (prometheus-operator v0.93.0 pkg/prometheus/promcfg.go:3523-3527).
        scrapeConfigSelector: kubelet ? { matchLabels: agentLabel } : undefined,
        scrapeClasses: kubelet ? [{
          name: 'kubelet',
          tlsConfig: { caFile: `${SA_DIR}/ca.crt` },
          authorization: { type: 'Bearer', credentialsFile: `${SA_DIR}/token` },
        }] : undefined,
        // Unsent samples are kept up to the outage (the agent's default max-time is 4h: tsdb/agent/db.go:58).
        additionalArgs: [{ name: 'storage.agent.retention.max-time', value: this.outage }],
        storage: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName,
              resources: { requests: { storage: sizeToQuantity(this.walVolumeSize) } },
            },
          },
        },
        resources: renderResources(resources),
        securityContext: {
          runAsNonRoot: true,
          runAsUser: AGENT_UID,
          runAsGroup: AGENT_UID,
          fsGroup: AGENT_UID,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    } as any));
  }

  /**
   * Adds a scrape job for a workload of the site (StatefulSet mode: the PrometheusAgent mode picks up
   * WorkloadMonitors instead). The workload's namespace must be one of monitorNamespaces.
   *
   * @returns the job name
   */
  public addWorkload(id: string, target: MonitorTarget, options: ScrapeJobOptions): string {
    if (!this.scrapeConfig) {
      throw propError(this, 'mode', this.mode, 'picks up the site\'s PodMonitors and ServiceMonitors, not jobs', 'add a WorkloadMonitor for the workload in one of monitorNamespaces');
    }
    const ns = target instanceof MonitorTarget ? target._resolve().namespace : undefined;
    if (ns !== undefined && !this.monitorNamespaces.includes(ns)) {
      throw propError(this, `${id}.target`, ns, `is not one of the namespaces the agent may read (${this.monitorNamespaces.join(', ')})`, `add "${ns}" to monitorNamespaces`);
    }
    return this.scrapeConfig.addWorkload(id, target, options);
  }

  private addNodeRbac(name: string, namespace: string, sa: ApiObject): void {
    const clusterName = `${name}-${namespace}`;
    const cr = this.add(new ApiObject(this, 'ClusterRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: clusterName },
      rules: [{ apiGroups: [''], resources: ['nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'] }],
    } as any));
    this.add(new ApiObject(this, 'ClusterRoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: clusterName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: cr.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace }],
    } as any));
  }

  /** `prometheus --agent` as a StatefulSet: WAL on a local-path claim, config and Secrets mounted read-only, hardened. */
  private statefulSet(name: string, namespace: string, sa: ApiObject, image: string, secrets: string[], resources: kplus.ContainerResources,
    storageClassName: string): ApiObject {
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'site-agent' };
    // A StatefulSet names a governing headless Service (apps/v1 StatefulSetSpec.serviceName).
    const svc = this.add(new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'web', port: 9090, targetPort: 'web' }] },
    } as any));
    const config = this.scrapeConfig!;
    const volumes: any[] = [{ name: 'config', configMap: { name: config.apiObject.name } }];
    const mounts: any[] = [{ name: 'config', mountPath: '/etc/prometheus', readOnly: true }, { name: 'wal', mountPath: '/prometheus' }];
    for (const [i, secret] of secrets.entries()) {
      volumes.push({ name: `secret-${i}`, secret: { secretName: secret } });
      mounts.push({ name: `secret-${i}`, mountPath: `${SECRETS_DIR}/${secret}`, readOnly: true });
    }
    const probe = (path: string, failureThreshold: number) => ({ httpGet: { path, port: 'web' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold });
    return new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        serviceName: svc.name,
        selector: { matchLabels: labels },
        template: {
          // Prometheus reads its config at start (no reloader here): a changed config rolls the pod.
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => createHash('sha256').update(config.text).digest('hex') }) } },
          spec: {
            serviceAccountName: sa.name,
            // Service discovery (pods, endpoints, nodes) calls the API server with this token.
            automountServiceAccountToken: true,
            securityContext: { runAsNonRoot: true, runAsUser: AGENT_UID, runAsGroup: AGENT_UID, fsGroup: AGENT_UID, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'prometheus',
              image,
              imagePullPolicy: 'IfNotPresent',
              // prometheus v3.14.0 cmd/prometheus/main.go:415 config.file, :546-577 the agent's storage flags.
              args: [
                '--agent',
                `--config.file=/etc/prometheus/${config.fileName}`,
                '--storage.agent.path=/prometheus',
                `--storage.agent.retention.max-time=${this.outage}`,
                '--web.listen-address=:9090',
              ],
              ports: [{ name: 'web', containerPort: 9090 }],
              readinessProbe: probe('/-/ready', 3),
              livenessProbe: probe('/-/healthy', 6),
              resources: renderResources(resources),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
                runAsNonRoot: true,
                runAsUser: AGENT_UID,
                runAsGroup: AGENT_UID,
              },
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'wal' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: sizeToQuantity(this.walVolumeSize) } } },
        }],
      },
    } as any);
  }

  private add(o: ApiObject): ApiObject {
    this.apiObjects.push(o);
    return o;
  }
}

/** Props of a SiteAgentWorkload. */
export interface SiteAgentWorkloadProps extends SitePrometheusAgentProps {
  /**
   * The construct id of the agent in each site.
   *
   * @default 'MetricsAgent'
   */
  readonly id?: string;
}

/**
 * A SitePrometheusAgent on every site of an EdgeFleet (`fleet.deploy(SiteAgentWorkload.forFleet(fleet, props))`):
 * each gets its site's name as `site` and the fleet's as `fleet`, and its site's offline window bounds its outage.
 */
export class SiteAgentWorkload implements ISiteWorkload {
  /** An agent workload labelled with a fleet's name. */
  public static forFleet(fleet: EdgeFleet, props: SiteAgentWorkloadProps): SiteAgentWorkload {
    if (!(fleet instanceof EdgeFleet)) throw propError('SiteAgentWorkload', 'fleet', typeof fleet, 'is not an EdgeFleet', 'pass the EdgeFleet');
    return new SiteAgentWorkload(Object.assign({}, props, { fleetName: props.fleetName ?? fleet.fleetName }));
  }

  /** The agents added so far, one per site. */
  public readonly agents: SitePrometheusAgent[] = [];

  constructor(private readonly props: SiteAgentWorkloadProps) {
    if (!props || typeof props !== 'object') throw propError('SiteAgentWorkload', 'props', props, 'are required', 'pass at least { remoteWrite: { url } }');
    checkRemoteWriteUrl('SiteAgentWorkload', props.remoteWrite);
    if (props.siteName !== undefined) {
      throw propError('SiteAgentWorkload', 'siteName', props.siteName, 'is set per site', 'leave siteName out: each agent gets its site\'s name');
    }
  }

  public addToSite(site: EdgeSite): void {
    this.agents.push(new SitePrometheusAgent(site, this.props.id ?? 'MetricsAgent', this.props));
  }
}

/**
 * The remote-write URL: http(s), a host, no credentials inline (they would land in Git and in the
 * operator-generated config Secret's neighbours: use `auth` with Secrets).
 *
 * @internal
 */
export function checkRemoteWriteUrl(scope: IConstruct | string, rw: RemoteWriteEndpoint | undefined): string {
  if (!rw || typeof rw !== 'object') throw propError(scope, 'remoteWrite', rw, 'is required', 'pass { url: "https://metrics.hub.example.com/api/v1/write" }');
  const url = rw.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw propError(scope, 'remoteWrite.url', url, 'is not a URL', 'use e.g. "https://metrics.hub.example.com/api/v1/write"');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw propError(scope, 'remoteWrite.url', `${parsed.protocol}//***@${parsed.host}${parsed.pathname}`, 'carries credentials inline (user:pass@), which would be written into the manifest',
      'drop them from the URL and use auth: RemoteWriteAuth.basicAuth({ secretName, key: "username" }, { secretName, key: "password" }) or RemoteWriteAuth.bearerToken(...)');
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '' || /\s/.test(url)) {
    throw propError(scope, 'remoteWrite.url', url, 'is not an http(s) URL with a host', 'use e.g. "https://metrics.hub.example.com/api/v1/write"');
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw propError(scope, 'remoteWrite.url', url, 'has a query or fragment (tokens in query strings end up in logs)', 'drop it; pass tokens with RemoteWriteAuth.bearerToken(...)');
  }
  return url;
}

/**
 * WAL volume: samples/s x (retention + one truncation period) x bytes per sample x headroom, plus two
 * segments, in whole GiB. The agent truncates the WAL only every 2 h (prometheus v3.14.0
 * tsdb/agent/db.go:56 DefaultTruncateFrequency, :697-720), and raises a retention below 2 h to 2 h
 * (db.go:406-407), so the disk holds max(outage, 2 h) + 2 h of samples.
 *
 * @internal
 */
export function walVolumeSize(samplesPerSecond: number, outageMs: number): Size {
  const retainedMs = Math.max(outageMs, WAL_TRUNCATE_MS) + WAL_TRUNCATE_MS;
  const bytes = samplesPerSecond * (retainedMs / 1000) * WAL_BYTES_PER_SAMPLE * WAL_HEADROOM + 2 * WAL_SEGMENT_BYTES;
  return Size.gibibytes(Math.max(1, Math.ceil(bytes / 1024 ** 3)));
}

/** kube-state-metrics through its Service's endpoints (examples/standard/service.yaml:4-15), its own labels kept. */
function kubeStateMetricsJob(namespace: string): { [key: string]: unknown } {
  return {
    job_name: 'kube-state-metrics',
    honor_labels: true,
    kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: [namespace] } }],
    relabel_configs: [
      {
        action: 'keep',
        source_labels: ['__meta_kubernetes_service_label_app_kubernetes_io_name', '__meta_kubernetes_service_labelpresent_app_kubernetes_io_name'],
        regex: `(${literalRegex('kube-state-metrics')});true`,
      },
      { action: 'keep', source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: 'http-metrics' },
    ],
  };
}

/** The shortest offline window of a site's nodes, if it has nodes. */
function offlineWindow(site: EdgeSite | undefined): { window: Duration; node: string } | undefined {
  let best: { window: Duration; node: string } | undefined;
  for (const n of site?.nodes ?? []) {
    const w = n.offlineAutonomy;
    if (w && (!best || durationMs(w) < durationMs(best.window))) best = { window: w, node: n.nodeName };
  }
  return best;
}

function renderResources(r: kplus.ContainerResources): { [key: string]: { [key: string]: string } } {
  const requests: { [key: string]: string } = {};
  const limits: { [key: string]: string } = {};
  if (r.cpu?.request) requests.cpu = `${cpuToMillis(r.cpu.request)}m`;
  if (r.cpu?.limit) limits.cpu = `${cpuToMillis(r.cpu.limit)}m`;
  if (r.memory?.request) requests.memory = sizeToQuantity(r.memory.request);
  if (r.memory?.limit) limits.memory = sizeToQuantity(r.memory.limit);
  const out: { [key: string]: { [key: string]: string } } = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out;
}
