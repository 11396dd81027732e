import { astArgs, calledName, shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/ssh_no_host_key_verification.py: B507 ssh_no_host_key_verification.
 */

/**
 * B507 ssh_no_host_key_verification: `<x>.set_missing_host_key_policy(p)`
 * in a file that imports something named like paramiko, with `p` naming
 * AutoAddPolicy or WarningPolicy (the class or an instance of it).
 */
const sshNoHostKeyVerification: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (shortName(ctx.qualname(call)) !== 'set_missing_host_key_policy') return null;
  if (!ctx.isModuleImportedLike('paramiko', call.startIndex)) return null;
  const args = astArgs(call);
  if (args.length === 0) return null;
  let policy: string | undefined;
  const a = unparen(args[0]);
  if (a.type === 'attribute') policy = a.childForFieldName('attribute')?.text;
  else if (a.type === 'identifier') policy = a.text;
  else if (a.type === 'call') policy = calledName(a) || undefined;
  return policy === 'AutoAddPolicy' || policy === 'WarningPolicy';
};

export const CHECKS: Record<string, Check> = {
  ssh_no_host_key_verification: sshNoHostKeyVerification,
};
