import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkDns1123Label, propError, propMessage } from './private/errors';
import { definedMetadata } from './private/scaling-metadata';
import { checkDns1035Label, checkMetadata, checkPort } from './private/validate';

/** Which endpoints receive a Service's traffic (`externalTrafficPolicy` / `internalTrafficPolicy`). */
export enum TrafficPolicy {
  /** Any ready endpoint in the cluster (may add a node hop; hides the client IP for external traffic). */
  CLUSTER = 'Cluster',
  /**
   * Only endpoints on the node that received the traffic: no extra hop, and the client source IP is
   * kept. Nodes without a local endpoint drop the traffic (load balancers health-check them out).
   */
  LOCAL = 'Local',
}

/**
 * A routing preference for a Service's endpoints (`trafficDistribution`); kube-proxy falls back to
 * any endpoint when no preferred one is ready.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#traffic-distribution
 */
export enum TrafficDistribution {
  /** Prefer endpoints in the client's zone (Kubernetes 1.34 beta, 1.35 GA). */
  PREFER_SAME_ZONE = 'PreferSameZone',
  /** Prefer endpoints on the client's node, then its zone (Kubernetes 1.34 beta, 1.35 GA). */
  PREFER_SAME_NODE = 'PreferSameNode',
  /** The older name of PREFER_SAME_ZONE (Kubernetes 1.31+), deprecated by KEP-3015. */
  PREFER_CLOSE = 'PreferClose',
}

/** Props of an EdgeService. */
export interface EdgeServiceProps extends kplus.ServiceProps {
  /**
   * Where traffic from outside the cluster goes (NodePort and LoadBalancer Services only). `LOCAL`
   * keeps user-plane traffic on the node it arrived at, e.g. at an MEC site.
   *
   * @default - not set (Kubernetes' default, Cluster)
   */
  readonly externalTrafficPolicy?: TrafficPolicy;

  /**
   * Where traffic from inside the cluster goes (not for ExternalName Services).
   *
   * @default - not set (Kubernetes' default, Cluster)
   */
  readonly internalTrafficPolicy?: TrafficPolicy;

  /**
   * A routing preference for in-cluster traffic (not for ExternalName Services).
   *
   * @default - not set (no preference)
   */
  readonly trafficDistribution?: TrafficDistribution;
}

/**
 * A cdk8s-plus Service with the traffic settings that matter at the edge and that cdk8s-plus has no
 * props for: `externalTrafficPolicy`, `internalTrafficPolicy` and `trafficDistribution`. Everything
 * else (selector, ports, type, annotations through `metadata`) is the cdk8s-plus Service API.
 *
 * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-policies
 */
export class EdgeService extends kplus.Service {
  /** The external traffic policy, if set. */
  public readonly externalTrafficPolicy?: TrafficPolicy;
  /** The internal traffic policy, if set. */
  public readonly internalTrafficPolicy?: TrafficPolicy;
  /** The traffic distribution preference, if set. */
  public readonly trafficDistribution?: TrafficDistribution;

  constructor(scope: Construct, id: string, props: EdgeServiceProps = {}) {
    const where = `${scope.node.path ? scope.node.path + '/' : ''}${id}`;
    checkMetadata(where, 'metadata', props.metadata);
    // core/v1 ValidateService: a Service name is a DNS-1035 label (it becomes a DNS name).
    if (props.metadata?.name !== undefined) checkDns1035Label(where, 'metadata.name', props.metadata.name);
    for (const [i, p] of (props.ports ?? []).entries()) checkServicePort(where, `ports[${i}]`, p);
    for (const [prop, value, values] of [
      ['externalTrafficPolicy', props.externalTrafficPolicy, Object.values(TrafficPolicy)],
      ['internalTrafficPolicy', props.internalTrafficPolicy, Object.values(TrafficPolicy)],
      ['trafficDistribution', props.trafficDistribution, Object.values(TrafficDistribution)],
    ] as const) {
      if (value !== undefined && !(values as readonly string[]).includes(value)) {
        throw propError(where, prop, value, 'is not one of the allowed values', `use one of ${values.join(', ')}`);
      }
    }
    super(scope, id, Object.assign({}, props, { metadata: definedMetadata(props.metadata) }));
    if (props.externalTrafficPolicy !== undefined && this.type !== kplus.ServiceType.NODE_PORT && this.type !== kplus.ServiceType.LOAD_BALANCER) {
      throw propError(this, 'externalTrafficPolicy', props.externalTrafficPolicy, `only applies to NodePort and LoadBalancer Services, and this one is ${this.type} (the API server refuses it)`,
        'set type: ServiceType.LOAD_BALANCER (or NODE_PORT), or remove externalTrafficPolicy and use internalTrafficPolicy for in-cluster traffic');
    }
    if (this.type === kplus.ServiceType.EXTERNAL_NAME) {
      for (const [prop, value] of [['internalTrafficPolicy', props.internalTrafficPolicy], ['trafficDistribution', props.trafficDistribution]] as const) {
        if (value !== undefined) {
          throw propError(this, prop, value, 'does not apply to an ExternalName Service, which has no endpoints', `remove ${prop}, or use another Service type`);
        }
      }
    }
    this.externalTrafficPolicy = props.externalTrafficPolicy;
    this.internalTrafficPolicy = props.internalTrafficPolicy;
    this.trafficDistribution = props.trafficDistribution;
    // Each port is checked when it is bound; names and duplicates across ports at synth.
    this.node.addValidation({ validate: () => this.validatePorts() });
  }

  /** Binds a port (checked now: port numbers, name, protocol). */
  public bind(port: number, options: kplus.ServiceBindOptions = {}): void {
    // Also called by the base constructor for props.ports: touch no field of this class here.
    checkServicePort(this, `ports[${this.ports.length}]`, Object.assign({}, options, { port }));
    super.bind(port, options);
  }

  /** core/v1 ValidateService: several ports need distinct names; no port/protocol pair twice. */
  private validatePorts(): string[] {
    const ports = this.ports;
    const errors: string[] = [];
    if (ports.length === 0 && this.type !== kplus.ServiceType.EXTERNAL_NAME) {
      // cdk8s-plus cannot render it ("A service must be configured with a port").
      return [propMessage(this, 'ports', [], `a ${this.type} Service needs at least one port`, 'pass ports, or call bind(port) or a workload\'s exposeViaService()')];
    }
    const seen = new Set<string>();
    const names = new Set<string>();
    for (const [i, p] of ports.entries()) {
      const key = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (seen.has(key)) {
        errors.push(propMessage(this, `ports[${i}].port`, p.port, `is listed twice for ${p.protocol ?? 'TCP'} (the API server refuses duplicate ports)`, 'list each port once'));
      }
      seen.add(key);
      if (ports.length > 1) {
        if (p.name === undefined) {
          errors.push(propMessage(this, `ports[${i}].name`, undefined, 'is required when a Service has several ports', 'name every port, e.g. "http" and "metrics"'));
        } else if (names.has(p.name)) {
          errors.push(propMessage(this, `ports[${i}].name`, p.name, 'is the name of another port', 'give each port its own name'));
        }
        if (p.name !== undefined) names.add(p.name);
      }
    }
    return errors;
  }

  /**
   * @internal
   */
  public _toKube(): kplus.k8s.ServiceSpec {
    return Object.assign({}, super._toKube(), {
      externalTrafficPolicy: this.externalTrafficPolicy,
      internalTrafficPolicy: this.internalTrafficPolicy,
      trafficDistribution: this.trafficDistribution,
    });
  }
}

/** A Service port: port, targetPort and nodePort in 1-65535, a DNS-1123 label name. */
function checkServicePort(scope: Construct | string, prop: string, p: kplus.ServicePort): void {
  if (!p || typeof p !== 'object') throw propError(scope, prop, p, 'is not a Service port', 'use { port: 80, targetPort: 8080 }');
  checkPort(scope, `${prop}.port`, p.port ?? NaN);
  checkPort(scope, `${prop}.targetPort`, p.targetPort);
  checkPort(scope, `${prop}.nodePort`, p.nodePort);
  if (p.name !== undefined) {
    if (typeof p.name !== 'string') throw propError(scope, `${prop}.name`, p.name, 'is not a string', 'use a name such as "http"');
    checkDns1123Label(scope, `${prop}.name`, p.name);
  }
  if (p.protocol !== undefined && !(Object.values(kplus.Protocol) as string[]).includes(p.protocol)) {
    throw propError(scope, `${prop}.protocol`, p.protocol, 'is not a protocol', `use one of ${Object.values(kplus.Protocol).join(', ')}`);
  }
}
