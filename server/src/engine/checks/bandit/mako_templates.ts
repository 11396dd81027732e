import type { Check } from '../../rule.js';

/**
 * bandit/plugins/mako_templates.py: B702 use_of_mako_templates.
 */

/** B702 use_of_mako_templates: a call whose qualified name has a `mako` part and ends in `Template`. */
const useOfMakoTemplates: Check = (m, _rule, ctx) => {
  const qual = ctx.qualname(m.node);
  if (!qual.endsWith('Template')) return false;
  const parts = qual.split('.');
  return parts.includes('mako') && parts[parts.length - 1] === 'Template';
};

export const CHECKS: Record<string, Check> = {
  use_of_mako_templates: useOfMakoTemplates,
};
