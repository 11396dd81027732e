import { astArgs, callArgAt, unparen } from '../../pyast.js';
import { checkCallArgValue, keywordHit, pyStr } from '../support/calls.js';
import type { Check } from '../../rule.js';
import { paramSet } from '../support/params.js';

/**
 * bandit/plugins/injection_wildcard.py: B609 linux_commands_wildcard_injection.
 */

const WILDCARD_COMMANDS = ['chown', 'chmod', 'tar', 'rsync'];

/**
 * B609 linux_commands_wildcard_injection: a `shell` list call, or a
 * `subprocess` list call with `shell=True`, whose first argument (a string,
 * or a list literal's elements joined) runs chown, chmod, tar or rsync with
 * a `*`. Reported on the line of `shell=`'s value when there is one.
 */
const linuxCommandsWildcardInjection: Check = (m, rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!(paramSet(rule, 'shell').has(qual) || (paramSet(rule, 'subprocess').has(qual) && checkCallArgValue(call, 'shell', 'True')))) return null;
  const args = astArgs(call);
  if (args.length === 0) return null;
  const first = unparen(args[0]);
  let text = '';
  if (first.type === 'list') {
    const v = callArgAt(call, 0);
    if (Array.isArray(v)) for (const x of v) text += ` ${pyStr(x)}`;
  } else {
    const v = callArgAt(call, 0);
    if (typeof v === 'string') text = v;
  }
  if (text === '' || !text.includes('*') || !WILDCARD_COMMANDS.some((c) => text.includes(c))) return null;
  return { node: keywordHit(call, 'shell'), message: `Possible wildcard injection in call: ${qual}` };
};

export const CHECKS: Record<string, Check> = {
  linux_commands_wildcard_injection: linuxCommandsWildcardInjection,
};
