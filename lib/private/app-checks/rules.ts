/**
 * Every app-level rule, listed once: the pass runs them in this order (so errors come out in a
 * stable order). A new rule is a file in this folder and a line here.
 */
import { AppRule } from './engine';
import { UNIQUE_NAMES } from './functions';
import { ONE_HTTP_ROUTE_PER_HOST_AND_PATH } from './http-routes';
import { NODES_FIT_THEIR_SERVERS } from './nodes';
import { REGISTERED_CHECKS } from './registered';
import { UNIQUE_ROUTES } from './routes';
import { SELECTABLE_RUNTIME_CLASSES, UNIQUE_RUNTIME_CLASS_NAMES } from './runtime-classes';
import { ONE_AUTOSCALER_PER_WORKLOAD } from './scaling';
import { SITE_RUNTIMES_OFFERED, SITES_HAVE_A_SERVER, UNIQUE_SITE_NAMES, UNIQUE_SITE_NODES } from './sites';
import { ONE_TENANT_PER_NAMESPACE, TENANT_WORKLOADS_FIT } from './tenants';

export const RULES: readonly AppRule[] = [
  // core and nodes
  UNIQUE_RUNTIME_CLASS_NAMES,
  SELECTABLE_RUNTIME_CLASSES,
  NODES_FIT_THEIR_SERVERS,
  ONE_TENANT_PER_NAMESPACE,
  TENANT_WORKLOADS_FIT,
  // scaling
  ONE_AUTOSCALER_PER_WORKLOAD,
  ONE_HTTP_ROUTE_PER_HOST_AND_PATH,
  // functions and routes
  UNIQUE_ROUTES,
  UNIQUE_NAMES,
  // fleets
  UNIQUE_SITE_NAMES,
  SITES_HAVE_A_SERVER,
  UNIQUE_SITE_NODES,
  SITE_RUNTIMES_OFFERED,
  // app-wide constructs (policies, monitoring): after the rest, whose errors explain theirs
  REGISTERED_CHECKS,
];
