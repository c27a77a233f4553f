import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { FunctionBackend, FunctionBackendConfig, ResolvedFunction } from '../../lib';

/**
 * A backend written outside lib/ with the public API only (the extension point of issue #11): it
 * records what it is bound with.
 */
export /** A plain Deployment and Service (no KEDA), the platform Service on port 80. */
class PlainBackend extends FunctionBackend {
  public readonly displayName = 'Plain';
  public readonly bound: ResolvedFunction[] = [];

  public bind(scope: Construct, fn: ResolvedFunction): FunctionBackendConfig {
    this.bound.push(fn);
    const labels = { app: fn.name };
    const deployment = new kplus.k8s.KubeDeployment(scope, 'Deployment', {
      metadata: { name: fn.name },
      spec: {
        replicas: fn.warmReplicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            runtimeClassName: fn.runtimeClassName,
            containers: [{
              name: 'function',
              image: fn.image,
              ports: [{ containerPort: fn.port }],
              env: Object.keys(fn.env).sort().map(name => ({ name, value: fn.env[name] })),
            }],
          },
        },
      },
    });
    new kplus.k8s.KubeService(scope, 'Service', {
      metadata: { name: fn.name },
      spec: { selector: labels, ports: [{ port: 80, targetPort: kplus.k8s.IntOrString.fromNumber(fn.port) }] },
    });
    return { serviceName: fn.name, servicePort: 80, resource: deployment };
  }
}
