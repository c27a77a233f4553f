import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { EdgeOfflineNode, nodeLabelsVersion } from './edge-offline-node';
import { IWasmPlacement, NodeTaint, placementTolerations } from '../core/placement';
import { WASM_EDGE_LABEL_PREFIX, WasmRuntime } from '../core/runtime';
import { checkDns1123Label, propError } from '../private/errors';

/** Props of an EdgeNodeGroup. */
export interface EdgeNodeGroupProps {
  /**
   * The nodes of the group (more can be added with `addNode`).
   *
   * @default - none
   */
  readonly nodes?: EdgeOfflineNode[];

  /**
   * The group name, used in the label `cdk8s-wasm-edge.io/group.<name>: "true"` that every node of
   * the group carries, so workloads placed on the group land only on its nodes.
   *
   * @default - the construct id
   */
  readonly groupName?: string;
}

/**
 * A set of EdgeOfflineNodes used as one placement: workloads select the labels all nodes share
 * (including the group label), tolerate the taints of any of them, and use only runtimes every node
 * offers. The offline window is the longest of the nodes'.
 */
export class EdgeNodeGroup extends Construct implements IWasmPlacement {
  /** The group name. */
  public readonly groupName: string;
  /** The label every node of the group carries. */
  public readonly groupLabel: string;
  private readonly members: EdgeOfflineNode[] = [];
  private readonly cache = new Map<string, { readonly version: string; readonly value: unknown }>();

  constructor(scope: Construct, id: string, props: EdgeNodeGroupProps = {}) {
    super(scope, id);
    this.groupName = props.groupName ?? id;
    if (typeof this.groupName !== 'string') {
      throw propError(this, 'groupName', this.groupName, 'is not a string', 'use a DNS-1123 label such as "mec-pool"');
    }
    checkDns1123Label(this, 'groupName', this.groupName);
    this.groupLabel = `${WASM_EDGE_LABEL_PREFIX}group.${this.groupName}`;
    if (`group.${this.groupName}`.length > 63) {
      throw propError(this, 'groupName', this.groupName, 'makes the group label name longer than 63 characters', 'use a name of at most 57 characters');
    }
    if (props.nodes !== undefined && !Array.isArray(props.nodes)) {
      throw propError(this, 'nodes', props.nodes, 'is not a list of EdgeOfflineNodes', 'pass a list such as [edge1, edge2]');
    }
    for (const n of props.nodes ?? []) this.addNode(n);
    this.node.addValidation({
      validate: () => this.members.length === 0 ? [propError(this, 'nodes', [], 'is empty: the group has no nodes', 'add some with addNode()').message] : [],
    });
  }

  /** Adds a node; it gets the group label. */
  public addNode(node: EdgeOfflineNode): void {
    if (!(node instanceof EdgeOfflineNode)) {
      throw propError(this, 'nodes', node, 'is not an EdgeOfflineNode', 'add EdgeOfflineNode constructs');
    }
    if (this.members.includes(node)) {
      throw propError(this, 'nodes', node.node.path, 'is already in the group', 'add each node once');
    }
    node.addLabel(this.groupLabel, 'true');
    this.members.push(node);
  }

  /** The nodes of the group. */
  public get nodes(): EdgeOfflineNode[] {
    return [...this.members];
  }

  /** Name used in messages (the construct path). */
  public get placementName(): string {
    return this.node.path;
  }

  /** Labels every node of the group carries (with the same value). */
  public get nodeLabels(): { [key: string]: string } {
    const nodes = this.nonEmpty('nodeLabels');
    const common = this.cached('nodeLabels', () => {
      const labelsOf = nodes.map(n => n.nodeLabels);
      const first = labelsOf[0];
      const out: { [key: string]: string } = {};
      for (const key of Object.keys(first).sort()) {
        if (labelsOf.every(l => l[key] === first[key])) out[key] = first[key];
      }
      return out;
    }, nodeLabelsVersion());
    return { ...common };
  }

  /** Taints of any node of the group: pods tolerate all of them to run anywhere in it. */
  public get taints(): NodeTaint[] {
    const nodes = this.nonEmpty('taints');
    return this.cached('taints', () => {
      const out = new Map<string, NodeTaint>();
      for (const n of nodes) {
        for (const t of n.taints) out.set(`${t.key}|${t.value ?? ''}|${t.effect}`, t);
      }
      return [...out.keys()].sort().map(k => out.get(k)!);
    }).map(t => ({ ...t }));
  }

  /** Runtimes every node of the group offers. */
  public get runtimes(): WasmRuntime[] {
    const nodes = this.nonEmpty('runtimes');
    return [...this.cached('runtimes', () => nodes[0].runtimes.filter(r => nodes.every(n => n.runtimes.some(x => x.handler === r.handler))))];
  }

  /** The longest offline window of the nodes. */
  public get offlineAutonomy(): Duration | undefined {
    const nodes = this.nonEmpty('offlineAutonomy');
    return this.cached('offlineAutonomy', () => {
      const windows = nodes.map(n => n.offlineAutonomy).filter((d): d is Duration => d !== undefined);
      if (windows.length === 0) return undefined;
      return windows.reduce((a, b) => (b.toSeconds() > a.toSeconds() ? b : a));
    });
  }

  /** Tolerations a pod needs to run on any node of the group. */
  public tolerations(): kplus.k8s.Toleration[] {
    return placementTolerations(this);
  }

  // Every workload placed on the group reads these at construction and twice per synth: compute
  // each once per set of members (taints, runtimes and offline windows are fixed per node; labels
  // only grow, counted by nodeLabelsVersion).
  private cached<T>(key: string, compute: () => T, labelsVersion?: number): T {
    const version = `${this.members.length}:${labelsVersion ?? ''}`;
    let entry = this.cache.get(key);
    if (entry?.version !== version) {
      entry = { version, value: compute() };
      this.cache.set(key, entry);
    }
    return entry.value as T;
  }

  private nonEmpty(what: string): EdgeOfflineNode[] {
    if (this.members.length === 0) {
      throw propError(this, 'nodes', [], `is empty, so the group has no ${what}`, 'add nodes with addNode() before placing workloads on the group');
    }
    return this.members;
  }
}
