import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { IntegrationRoute } from '../core/runtime';

/**
 * A Wasm workload that the library's autoscalers can scale (a `WasmDeployment` is one): the
 * autoscalers default their floor to its warm replicas, name `warmReplicas` (not `replicas`) in
 * their fix, and warn about CPU scaling on the runwasi route, whose pods report flat CPU metrics.
 */
export interface IWasmScalable extends kplus.IScalable, IConstruct {
  /** The replicas kept warm: the floor an autoscaler keeps by default. */
  readonly warmReplicas: number;
  /** How the Wasm module runs (a runwasi shim, crun, WasmEdge in the image). */
  readonly route: IntegrationRoute;
}
