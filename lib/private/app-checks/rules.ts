/**
 * Every app-level rule, listed once: the pass runs them in this order (so errors come out in a
 * stable order). A new rule is a file in this folder and a line here.
 */
import { AppRule } from './engine';

export const RULES: readonly AppRule[] = [
];
