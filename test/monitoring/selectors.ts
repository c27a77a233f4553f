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
