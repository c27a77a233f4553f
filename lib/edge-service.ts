import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { propError } from './errors';

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
    super(scope, id, props);
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
