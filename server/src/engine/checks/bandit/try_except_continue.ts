import type { Check } from '../../rule.js';
import { exceptBodyIs } from '../support/statements.js';

/**
 * bandit/plugins/try_except_continue.py: B112 try_except_continue.
 */



export const CHECKS: Record<string, Check> = {
  try_except_continue: exceptBodyIs('continue_statement'),
};
