import type { Check, CheckGate } from '../../rule.js';
import { blacklistCallName, qualnameSet, withName } from '../support/blacklisting.js';

/**
 * bandit's built-in call blacklist (bandit/blacklists/calls.py, through
 * bandit/core/blacklisting.py), one rule per blacklist entry.
 * `params.qualnames` lists the names; the message may contain `{name}`,
 * replaced by the name found.
 */

export const blacklistCall: Check = (m, rule, ctx) => {
  const name = blacklistCallName(m.node, ctx);
  if (name === undefined) return null;
  if (!qualnameSet(rule).has(name)) return null;
  return { message: withName(rule.message, name) };
};

/**
 * The call blacklists' gate (both checks): on a call, the name they compare,
 * which must be one of the rule's qualnames; any other node (an import
 * statement) goes to every rule.
 */
export const BLACKLIST_GATE: CheckGate = {
  key: (m, ctx) => (m.node.type === 'call' ? blacklistCallName(m.node, ctx) : null),
  keys: qualnameSet,
};
