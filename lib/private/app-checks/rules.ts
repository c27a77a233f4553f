/**
 * Every app-level rule, listed once: the pass runs them in this order (so errors come out in a
 * stable order). A new rule is a file in this folder and a line here.
 */
import { AppRule } from './engine';
// core and nodes
import { NODES_FIT_THEIR_SERVERS } from './nodes';
import { SELECTABLE_RUNTIME_CLASSES, UNIQUE_RUNTIME_CLASS_NAMES } from './runtime-classes';
import { ONE_TENANT_PER_NAMESPACE, TENANT_WORKLOADS_FIT } from './tenants';

export const RULES: readonly AppRule[] = [
  // core and nodes
  UNIQUE_RUNTIME_CLASS_NAMES,
  SELECTABLE_RUNTIME_CLASSES,
  NODES_FIT_THEIR_SERVERS,
  ONE_TENANT_PER_NAMESPACE,
  TENANT_WORKLOADS_FIT,
];
