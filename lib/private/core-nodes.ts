import { IConstruct } from 'constructs';
import { appConstructs, groupBy, perValidationPass } from '../root-registry';

/**
 * What RuntimeClass reads of the app's nodes (EdgeOfflineNode), without importing the node module
 * (which imports the runtime table, which RuntimeClass needs: a cycle). An EdgeNodeGroup is not a
 * node: its nodes are in the app themselves.
 *
 * @internal
 */
export interface AppNode extends IConstruct {
  readonly nodeName: string;
  readonly nodeLabels: { [key: string]: string };
  readonly runtimes: ReadonlyArray<{ readonly handler: string }>;
  readonly placementName: string;
}

/** @internal */
export function isAppNode(x: unknown): x is AppNode {
  const n = x as Partial<AppNode> | undefined;
  return n !== null && typeof n === 'object' && typeof n.nodeName === 'string' && typeof n.placementName === 'string'
    && Array.isArray(n.runtimes) && typeof (n as any).renderFiles === 'function';
}

/** The app's nodes, their labels by `key=value` and the handlers they offer: one index per pass. */
export interface AppNodeIndex {
  readonly nodes: AppNode[];
  readonly byLabel: Map<string, AppNode[]>;
  readonly labelsOf: Map<AppNode, { [key: string]: string }>;
  readonly handlers: Set<string>;
}

/**
 * The nodes of the app that holds `scope`, indexed once per validation pass (one shared walk of
 * the tree, `appConstructs`), so checks over every RuntimeClass stay linear.
 *
 * @internal
 */
export function appNodeIndex(scope: IConstruct): AppNodeIndex {
  return perValidationPass(scope, 'core-app-nodes', () => {
    const nodes = appConstructs(scope).filter(isAppNode);
    const labelsOf = new Map<AppNode, { [key: string]: string }>();
    for (const n of nodes) labelsOf.set(n, n.nodeLabels);
    const byLabel = groupBy(nodes, n => Object.entries(labelsOf.get(n)!).map(([k, v]) => `${k}=${v}`));
    const handlers = new Set(nodes.flatMap(n => n.runtimes.map(r => r.handler)));
    return { nodes, byLabel, labelsOf, handlers };
  });
}

/**
 * Whether some node of the index carries every label of `selector`.
 *
 * @internal
 */
export function someNodeCarries(index: AppNodeIndex, selector: { [key: string]: string }): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return index.nodes.length > 0;
  let smallest: AppNode[] | undefined;
  for (const [k, v] of entries) {
    const list = index.byLabel.get(`${k}=${v}`);
    if (!list) return false;
    if (!smallest || list.length < smallest.length) smallest = list;
  }
  return smallest!.some(n => entries.every(([k, v]) => index.labelsOf.get(n)![k] === v));
}

/**
 * Metadata without keys set to `undefined`: cdk8s spreads `metadata` over the generated name, so
 * `{ name: undefined }` (e.g. `name: config.name` with no name configured) would drop the object's
 * name and leave it without metadata.
 *
 * @internal
 */
export function definedMetadata<T extends object>(metadata: T | undefined): T | undefined {
  if (!metadata) return metadata;
  const out: any = {};
  for (const [k, v] of Object.entries(metadata)) if (v !== undefined) out[k] = v;
  return out;
}
