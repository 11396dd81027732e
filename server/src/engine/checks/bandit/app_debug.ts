import { keywordValue } from '../../pyast.js';
import { keywordHit } from '../support/calls.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/app_debug.py: B201 flask_debug_true.
 */

/**
 * B201 flask_debug_true: `<anything>.run(..., debug=True)` in a file that
 * imports something whose name contains "flask". bandit reports the line
 * of the `debug` value.
 */
const flaskDebugTrue: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (!ctx.isModuleImportedLike('flask', call.startIndex)) return null;
  if (!ctx.qualname(call).endsWith('.run')) return null;
  if (keywordValue(call, 'debug') !== 'True') return null;
  return { node: keywordHit(call, 'debug') };
};

export const CHECKS: Record<string, Check> = {
  flask_debug_true: flaskDebugTrue,
};
