/**
 * What a Prometheus Operator monitor would find in the synthesized app, computed the way the operator's
 * generated scrape config does (prometheus-operator v0.93.0 pkg/prometheus/promcfg.go): namespaces from
 * namespaceSelector (none: the monitor's own, :2437-2446), a keep per matchLabels entry on the pod or
 * Service labels (:1537-1543, :2044-2050), a keep on the port name (pods: container port name,
 * :1570-1575; ServiceMonitor: the endpoint port name, i.e. the Service port's name, :2087-2096).
 */

/** The pods a Deployment or SpinApp makes: labels and named container ports. */
interface PodShape {
  readonly source: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly portNames: string[];
}

function podsOf(objects: any[]): PodShape[] {
  const out: PodShape[] = [];
  for (const o of objects) {
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet') {
      const t = o.spec.template;
      out.push({
        source: `${o.kind} ${o.metadata.name}`,
        namespace: o.metadata.namespace,
        labels: t.metadata?.labels ?? {},
        portNames: (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name)).filter((n: any) => n !== undefined),
      });
    }
    if (o.kind === 'Service' && String(o.apiVersion).startsWith('serving.knative.dev/')) {
      // knative/serving knative-v1.23.0: revision pods carry serving.knative.dev/service (service/resources/configuration.go:42,
      // configuration/resources/revision.go:61-70, revision/resources/meta.go:55-60); queue-proxy's ports (revision/resources/queue.go:67-73).
      out.push({
        source: `Knative Service ${o.metadata.name}`,
        namespace: o.metadata.namespace,
        labels: { 'serving.knative.dev/service': o.metadata.name },
        portNames: ['http-autometric', 'http-usermetric'],
      });
    }
    if (o.kind === 'SpinApp') {
      // spin-operator v0.6.1 internal/controller/spinapp_controller.go:414-423, :460.
      out.push({ source: `SpinApp ${o.metadata.name}`, namespace: o.metadata.namespace, labels: { 'core.spinkube.dev/app-name': o.metadata.name }, portNames: ['http-app'] });
    }
  }
  return out;
}

function matches(labels: { [key: string]: string }, selector: { [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** For every monitor: the names of the pods' owners or Services it scrapes (empty: it scrapes nothing). */
export function monitorTargets(objects: any[]): Map<string, string[]> {
  const pods = podsOf(objects);
  const services = objects.filter(o => o.kind === 'Service' && o.apiVersion === 'v1');
  const out = new Map<string, string[]>();
  for (const m of objects) {
    if (m.kind !== 'PodMonitor' && m.kind !== 'ServiceMonitor') continue;
    const namespaces: (string | undefined)[] = m.spec.namespaceSelector?.any ? [] : m.spec.namespaceSelector?.matchNames ?? [m.metadata.namespace];
    const inNs = (ns?: string) => m.spec.namespaceSelector?.any === true || namespaces.includes(ns);
    const selector = m.spec.selector.matchLabels ?? {};
    const found: string[] = [];
    if (m.kind === 'PodMonitor') {
      for (const ep of m.spec.podMetricsEndpoints) {
        for (const p of pods) if (inNs(p.namespace) && matches(p.labels, selector) && p.portNames.includes(ep.port)) found.push(p.source);
      }
    } else {
      for (const ep of m.spec.endpoints) {
        for (const s of services) {
          // A Service's endpoints exist only if it selects pods; its port name is the endpoint port name.
          const hasPods = pods.some(p => p.namespace === s.metadata.namespace && s.spec.selector && matches(p.labels, s.spec.selector));
          const portNames = (s.spec.ports ?? []).map((p: any) => p.name);
          if (inNs(s.metadata.namespace) && matches(s.metadata.labels ?? {}, selector) && portNames.includes(ep.port) && hasPods) found.push(`Service ${s.metadata.name}`);
        }
      }
    }
    out.set(`${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`, found);
  }
  return out;
}

/**
 * The keys prometheus.yml may hold where this library writes them, from the yaml tags of the code
 * that reads the file (prometheus/prometheus v3.14.0): config/config.go:293-298 (global,
 * scrape_configs), :485-502 (GlobalConfig scrape_interval, scrape_timeout, external_labels), :766-850
 * (ScrapeConfig job_name, scrape_interval, scrape_timeout, metrics_path, scheme, relabel_configs; the
 * HTTP client config is inline: authorization, tls_config), discovery/kubernetes/kubernetes.go:109-115
 * and :242-243 (role, namespaces.names), model/relabel/relabel.go:89-102 (source_labels, separator,
 * regex, target_label, replacement, action). Prometheus refuses unknown keys (yaml.UnmarshalStrict).
 */
export const PROMETHEUS_KEYS = {
  top: ['global', 'scrape_configs', 'remote_write'],
  global: ['scrape_interval', 'scrape_timeout', 'external_labels'],
  job: ['job_name', 'honor_labels', 'scrape_interval', 'scrape_timeout', 'metrics_path', 'scheme', 'authorization', 'tls_config', 'kubernetes_sd_configs', 'relabel_configs'],
  sd: ['role', 'namespaces'],
  relabel: ['source_labels', 'separator', 'regex', 'target_label', 'replacement', 'action'],
  // config/config.go:1482-1500 RemoteWriteConfig (url, HTTP client config inline); prometheus
  // docs/configuration/configuration.md:684-702 basic_auth username_file/password_file, authorization credentials_file.
  remoteWrite: ['url', 'name', 'authorization', 'basic_auth', 'queue_config', 'remote_timeout'],
  basicAuth: ['username_file', 'password_file'],
  authorization: ['type', 'credentials_file'],
};
/** discovery/kubernetes/kubernetes.go:76-79 roles; model/relabel/relabel.go:48-64 actions used here. */
export const SD_ROLES = ['node', 'pod', 'endpoints', 'service', 'endpointslice', 'ingress'];
export const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'labeldrop', 'labelkeep', 'labelmap', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];

/** Problems of a prometheus.yml text against the keys and values above; empty when it is fine. */
export function prometheusConfigProblems(cfg: any): string[] {
  const out: string[] = [];
  const keys = (o: any, allowed: string[], where: string) => {
    for (const k of Object.keys(o ?? {})) if (!allowed.includes(k)) out.push(`${where}: unknown key ${k}`);
  };
  const duration = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
  keys(cfg, PROMETHEUS_KEYS.top, 'top');
  keys(cfg.global, PROMETHEUS_KEYS.global, 'global');
  for (const k of ['scrape_interval', 'scrape_timeout']) if (cfg.global?.[k] !== undefined && !duration.test(cfg.global[k])) out.push(`global.${k}: ${cfg.global[k]}`);
  for (const rw of cfg.remote_write ?? []) {
    keys(rw, PROMETHEUS_KEYS.remoteWrite, 'remote_write');
    keys(rw.basic_auth, PROMETHEUS_KEYS.basicAuth, 'remote_write.basic_auth');
    keys(rw.authorization, PROMETHEUS_KEYS.authorization, 'remote_write.authorization');
    if (!/^https?:\/\/[^/@\s]+/.test(rw.url)) out.push(`remote_write.url ${rw.url}`);
  }
  const names = new Set<string>();
  for (const job of cfg.scrape_configs ?? []) {
    keys(job, PROMETHEUS_KEYS.job, `job ${job.job_name}`);
    if (names.has(job.job_name)) out.push(`duplicate job ${job.job_name}`);
    names.add(job.job_name);
    for (const k of ['scrape_interval', 'scrape_timeout']) if (job[k] !== undefined && !duration.test(job[k])) out.push(`${job.job_name}.${k}: ${job[k]}`);
    for (const sd of job.kubernetes_sd_configs ?? []) {
      keys(sd, PROMETHEUS_KEYS.sd, `job ${job.job_name} sd`);
      if (!SD_ROLES.includes(sd.role)) out.push(`role ${sd.role}`);
      if (sd.namespaces) keys(sd.namespaces, ['names', 'own_namespace'], 'namespaces');
    }
    for (const r of job.relabel_configs ?? []) {
      keys(r, PROMETHEUS_KEYS.relabel, `job ${job.job_name} relabel`);
      if (r.action !== undefined && !RELABEL_ACTIONS.includes(r.action)) out.push(`action ${r.action}`);
      if (r.regex !== undefined) {
        try {
          new RegExp(r.regex);
        } catch (e) {
          out.push(`regex ${r.regex}: ${(e as Error).message}`);
        }
      }
      if ((r.action ?? 'replace') === 'replace' && !r.target_label) out.push(`replace without target_label in ${job.job_name}`);
    }
  }
  return out;
}

type LabelSet = { [name: string]: string };

/** Relabelling as model/relabel/relabel.go does it: keep, drop and replace; regex anchored (:202), separator ";". */
function relabel(ls: LabelSet, rules: any[]): LabelSet | undefined {
  const out = Object.assign({}, ls);
  for (const r of rules) {
    const value = (r.source_labels ?? []).map((l: string) => out[l] ?? '').join(r.separator ?? ';');
    const re = new RegExp(`^(?:${r.regex ?? '(.*)'})$`, 's');
    const action = r.action ?? 'replace';
    if (action === 'keep' && !re.test(value)) return undefined;
    if (action === 'drop' && re.test(value)) return undefined;
    if (action === 'replace') {
      const m = re.exec(value);
      if (m) out[r.target_label] = (r.replacement ?? '$1').replace(/\$\{?(\d)\}?/g, (_: string, i: string) => m[Number(i)] ?? '');
    }
  }
  return out;
}

function sdLabels(prefix: string, labels: { [key: string]: string }): LabelSet {
  const out: LabelSet = {};
  for (const [k, v] of Object.entries(labels)) {
    const s = k.replace(/[^a-zA-Z0-9_]/g, '_');
    out[`${prefix}_label_${s}`] = v;
    out[`${prefix}_labelpresent_${s}`] = 'true';
  }
  return out;
}

/**
 * The targets each job of a prometheus.yml keeps, discovering the synthesized objects the way
 * discovery/kubernetes does (one running pod per workload, a target per container port (pod.go);
 * a target per Service port of a Service that selects pods (endpoints.go); every node given, with
 * its labels (node.go)).
 */
type NodeShape = { name: string; labels: { [key: string]: string } };
export function scrapeTargets(cfg: any, objects: any[], nodes: NodeShape[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const deployments = objects.filter(o => o.kind === 'Deployment');
  for (const job of cfg.scrape_configs) {
    const found: string[] = [];
    for (const sd of job.kubernetes_sd_configs) {
      const namespaces: string[] | undefined = sd.namespaces?.names;
      const inNs = (ns: string) => namespaces === undefined || namespaces.includes(ns);
      const candidates: Array<{ id: string; ls: LabelSet }> = [];
      if (sd.role === 'pod') {
        for (const d of deployments) {
          const t = d.spec.template;
          for (const c of t.spec.containers) {
            for (const p of c.ports ?? []) {
              candidates.push({
                id: `Deployment ${d.metadata.name}:${p.name ?? p.containerPort}`,
                ls: Object.assign({
                  __meta_kubernetes_namespace: d.metadata.namespace,
                  __meta_kubernetes_pod_name: `${d.metadata.name}-0`,
                  __meta_kubernetes_pod_phase: 'Running',
                  __meta_kubernetes_pod_container_name: c.name,
                  __meta_kubernetes_pod_container_port_name: p.name ?? '',
                }, sdLabels('__meta_kubernetes_pod', t.metadata?.labels ?? {})),
              });
            }
          }
        }
      } else if (sd.role === 'endpoints') {
        for (const s of objects.filter(o => o.kind === 'Service')) {
          const pod = deployments.find(d => d.metadata.namespace === s.metadata.namespace && s.spec.selector
            && matches(d.spec.template.metadata?.labels ?? {}, s.spec.selector));
          if (!pod) continue;
          for (const p of s.spec.ports) {
            candidates.push({
              id: `Service ${s.metadata.name}:${p.name ?? p.port}`,
              ls: Object.assign({
                __meta_kubernetes_namespace: s.metadata.namespace,
                __meta_kubernetes_service_name: s.metadata.name,
                __meta_kubernetes_pod_phase: 'Running',
                __meta_kubernetes_pod_name: `${pod.metadata.name}-0`,
                __meta_kubernetes_endpoint_port_name: p.name ?? '',
              }, sdLabels('__meta_kubernetes_service', s.metadata.labels ?? {})),
            });
          }
        }
      } else if (sd.role === 'node') {
        for (const n of nodes) candidates.push({ id: `Node ${n.name}`, ls: Object.assign({ __meta_kubernetes_node_name: n.name }, sdLabels('__meta_kubernetes_node', n.labels)) });
      }
      for (const c of candidates) {
        if (!inNs(c.ls.__meta_kubernetes_namespace ?? '')) continue;
        if (relabel(c.ls, job.relabel_configs ?? [])) found.push(c.id);
      }
    }
    out.set(job.job_name, found);
  }
  return out;
}
