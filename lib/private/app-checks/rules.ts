/**
 * Every app-level rule, listed once: the pass runs them in this order (so errors come out in a
 * stable order). A new rule is a file in this folder and a line here.
 */
import { AppRule } from './engine';
// functions and routes
import { UNIQUE_NAMES } from './functions';
// scaling
import { ONE_HTTP_ROUTE_PER_HOST_AND_PATH } from './http-routes';
import { UNIQUE_ROUTES } from './routes';
import { ONE_AUTOSCALER_PER_WORKLOAD } from './scaling';

export const RULES: readonly AppRule[] = [
  // scaling
  ONE_AUTOSCALER_PER_WORKLOAD,
  ONE_HTTP_ROUTE_PER_HOST_AND_PATH,
  // functions and routes
  UNIQUE_ROUTES,
  UNIQUE_NAMES,
];
