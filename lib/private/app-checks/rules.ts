/**
 * Every app-level rule, listed once: the pass runs them in this order (so errors come out in a
 * stable order). A new rule is a file in this folder and a line here.
 */
import { AppRule } from './engine';
import { UNIQUE_NAMES } from './functions';
import { UNIQUE_ROUTES } from './routes';

export const RULES: readonly AppRule[] = [
  // functions and routes
  UNIQUE_ROUTES,
  UNIQUE_NAMES,
];
