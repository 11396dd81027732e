import { shortName } from '../../pyast.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/injection_paramiko.py: B601 paramiko_calls.
 */

/** B601 paramiko_calls: a call named `exec_command` in a file that imports something named like paramiko. */
const paramikoCalls: Check = (m, _rule, ctx) =>
  shortName(ctx.qualname(m.node)) === 'exec_command' && ctx.isModuleImportedLike('paramiko', m.node.startIndex);

export const CHECKS: Record<string, Check> = {
  paramiko_calls: paramikoCalls,
};
