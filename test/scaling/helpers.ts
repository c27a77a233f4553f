import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { KedaScaledObject, KedaTrigger, KedaTriggerAuthentication } from '../../lib/scaling';
import { STRICT_CONTEXT_KEY } from '../../lib/warnings';
import { WasmDeployment, WasmDeploymentProps } from '../../lib/wasm-deployment';
import { synthAndValidate } from '../util/validate';

/** A fresh chart in a fresh app (strict mode on request). */
export function chart(strict = false): Chart {
  const app = Testing.app();
  // cdk8s's App has no `context` prop: set it on the node before any construct reads it.
  if (strict) app.node.setContext(STRICT_CONTEXT_KEY, true);
  return new Chart(app, 'test');
}

/** A WasmDeployment with one Wasm container listening on 8080. */
export function wasm(scope: Chart, id = 'Hello', props: WasmDeploymentProps = {}): WasmDeployment {
  return new WasmDeployment(scope, id, {
    wasiNetworking: true,
    ...props,
    wasmContainers: [{ image: 'ghcr.io/acme/hello-wasm:1.0.0', command: ['/hello.wasm'], portNumber: 8080 }],
  });
}

/** A WasmDeployment and its Service on port 8080. */
export function wasmWithService(scope: Chart, id = 'Hello', props: WasmDeploymentProps = {}): { deployment: WasmDeployment; service: kplus.Service } {
  const deployment = wasm(scope, id, props);
  const service = deployment.exposeViaService({ ports: [{ port: 8080 }] });
  return { deployment, service };
}

/** The synthesized objects of a kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter(o => o.kind === kind);
}

/** Runs the app's validations (`app.synth()`) and returns the error text, or '' if none. */
export function validationText(scope: Chart): string {
  try {
    (scope.node.root as App).synth();
    return '';
  } catch (e: any) {
    return String(e.message);
  }
}

/** The message of the error `fn` throws (fails the test if it throws none). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e: any) {
    return String(e.message);
  }
  throw new Error('expected an error');
}

/** The synthesized trigger entries of a ScaledObject built from `triggers`. */
export function triggersOf(build: (c: Chart) => KedaTrigger[]): any[] {
  const c = chart();
  new KedaScaledObject(c, 'So', { target: wasm(c), triggers: build(c) });
  return ofKind(synthAndValidate(c), 'ScaledObject')[0].spec.triggers;
}

/** A TriggerAuthentication giving each parameter from the key of that name in one Secret. */
export function auth(c: Chart, secretName: string, ...params: string[]): KedaTriggerAuthentication {
  const secret = kplus.Secret.fromSecretName(c, `Secret-${params.join('-')}`, secretName);
  return new KedaTriggerAuthentication(c, `Auth-${params.join('-')}`, { secretTargetRefs: params.map(p => ({ parameter: p, secret, key: p })) });
}
