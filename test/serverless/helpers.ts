import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IWasmPlacement } from '../../lib/core/placement';
import { WasmRuntime } from '../../lib/core/runtime';
import { ServerlessFunction, ServerlessFunctionProps } from '../../lib/serverless-function';
import { STRICT_CONTEXT_KEY } from '../../lib/warnings';
import { synthAndValidate } from '../util/validate';

export const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';

/** A fresh chart (namespace `apps` unless told otherwise) in a fresh app. */
export function chart(namespace: string | undefined = 'apps', strict = false): Chart {
  const app = Testing.app();
  if (strict) app.node.setContext(STRICT_CONTEXT_KEY, true);
  return new Chart(app, 'test', { namespace });
}

/** The synthesized objects of a kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter(o => o.kind === kind);
}

/** The one object of a kind. */
export function one(objects: any[], kind: string): any {
  const found = ofKind(objects, kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The kinds, in order. */
export function kinds(objects: any[]): string[] {
  return objects.map(o => o.kind);
}

/** Runs the app's validations and returns the error text, or '' if none. */
export function validationText(c: Chart): string {
  try {
    (c.node.root as App).synth();
    return '';
  } catch (e: any) {
    return String(e.message ?? e);
  }
}

/** An edge site: labelled, tainted nodes with wasmedge and spin, offline for 10 minutes. */
export const EDGE_SITE: IWasmPlacement = {
  placementName: 'edge-site-a',
  nodeLabels: { 'topology.kubernetes.io/zone': 'site-a' },
  taints: [{ key: 'edge', value: 'true', effect: kplus.TaintEffect.NO_SCHEDULE }],
  runtimes: [WasmRuntime.WASMEDGE, WasmRuntime.SPIN],
  offlineAutonomy: Duration.minutes(10),
};

/** A ServerlessFunction named hello in a fresh chart, and its validated objects on demand. */
export function fn(props: Partial<ServerlessFunctionProps> = {}, namespace?: string) {
  const c = chart(namespace);
  const f = new ServerlessFunction(c, 'hello', Object.assign({ image: IMAGE, name: 'hello' }, props));
  return { c, f, objs: () => synthAndValidate(c) };
}

/** The message of the error `make` throws (fails when it throws none). */
export function errorOf(make: () => unknown): string {
  try {
    make();
  } catch (e: any) {
    return e.message;
  }
  throw new Error('expected an error');
}
