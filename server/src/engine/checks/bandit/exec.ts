import type { Check } from '../../rule.js';

/**
 * bandit/plugins/exec.py: B102 exec_used.
 */

/** B102 exec_used: a call whose qualified name is `exec`. */
const execUsed: Check = (m, _rule, ctx) => ctx.qualname(m.node) === 'exec';

export const CHECKS: Record<string, Check> = {
  exec_used: execUsed,
};
