import { IConstruct } from 'constructs';
import { WasmRuntime } from './runtime';

// The reference a workload takes, in the building blocks' layer: RuntimeClass (lib/runtime-class.ts)
// and the classes other constructs create (runtime-class-manager's, lib/fleet/shim.ts) implement it.

/** A RuntimeClass that pods can name in `runtimeClassName`. */
export interface IRuntimeClass extends IConstruct {
  /** The RuntimeClass name (`metadata.name`). */
  readonly runtimeClassName: string;

  /** The runtime (handler) behind the class. */
  readonly runtime: WasmRuntime;

  /**
   * Node labels the class's `scheduling.nodeSelector` requires; Kubernetes merges them into the pod's
   * nodeSelector at admission. Empty for classes without scheduling (such as the ones K3s creates).
   */
  readonly nodeSelector: { [key: string]: string };

  /** Whether this library emits the RuntimeClass object (false for classes that already exist). */
  readonly managed: boolean;
}
