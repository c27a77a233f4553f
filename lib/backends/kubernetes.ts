/**
 * Renders a ServerlessFunction on plain Kubernetes: a WasmDeployment with WASI networking and a
 * ClusterIP Service, scaled by KEDA. Internal.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { kedaHttpScaling, renderKedaScaling } from './keda-scaling';
import { HttpAddOnApi } from './options';
import { FunctionBackendConfig, ResolvedFunction } from './resolved-function';

/** @internal */
export function renderKubernetes(scope: Construct, fn: ResolvedFunction, api: HttpAddOnApi): FunctionBackendConfig {
  const httpScaling = kedaHttpScaling(fn, api);
  const envVariables: { [k: string]: kplus.EnvValue } = {};
  for (const k of Object.keys(fn.env).sort()) envVariables[k] = kplus.EnvValue.fromValue(fn.env[k]);
  for (const k of Object.keys(fn.secretEnv).sort()) {
    const ref = fn.secretEnv[k];
    const secret = kplus.Secret.fromSecretName(scope, `Secret-${k}`, ref.secretName);
    envVariables[k] = kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
  }
  const p = fn.probes;
  const deployment = fn.workloads.addWasmDeployment(scope, 'Deployment', {
    name: 'function',
    image: fn.image,
    command: fn.command,
    args: fn.args,
    portNumber: fn.port,
    envVariables,
    resources: fn.resources,
    startup: kplus.Probe.fromTcpSocket({
      port: fn.port,
      initialDelaySeconds: Duration.seconds(0),
      periodSeconds: Duration.seconds(p.periodSeconds),
      failureThreshold: p.failureThreshold,
      timeoutSeconds: Duration.seconds(1),
    }),
  });
  const service = deployment.exposeViaService({
    name: fn.name,
    ports: [{ name: 'http', port: fn.port, targetPort: fn.port }],
  });
  const scaling = renderKedaScaling(scope, fn, httpScaling, api, { target: deployment, service, serviceName: service.name, port: fn.port });
  return Object.assign({ serviceName: service.name, servicePort: fn.port, service }, scaling);
}
