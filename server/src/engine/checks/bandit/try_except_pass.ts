import type { Check } from '../../rule.js';
import { exceptBodyIs } from '../support/statements.js';

/**
 * bandit/plugins/try_except_pass.py: B110 try_except_pass.
 */



export const CHECKS: Record<string, Check> = {
  try_except_pass: exceptBodyIs('pass_statement'),
};
