import { isAstConstant } from '../../literal.js';
import { astArgs, qualifiedName, shortName, unparen } from '../../pyast.js';
import type { Check, Rule } from '../../rule.js';

/**
 * bandit/plugins/markupsafe_markup_xss.py: B704 markupsafe_markup_xss.
 */

function stringList(rule: Rule, key: string): string[] {
  const v = rule.params[key];
  return Array.isArray(v) ? (v as string[]) : [];
}

/**
 * B704 markupsafe_markup_xss: `markupsafe.Markup(x)` / `flask.Markup(x)`
 * (plus the names in `params.extend_markup_names`) whose first positional
 * argument is not a constant, unless it is a call of one of
 * `params.allowed_calls`.
 */
const markupsafeMarkupXss: Check = (m, rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (qual !== 'markupsafe.Markup' && qual !== 'flask.Markup' && !stringList(rule, 'extend_markup_names').includes(qual)) return null;
  const args = astArgs(call);
  if (args.length === 0 || isAstConstant(args[0])) return null;
  const allowed = stringList(rule, 'allowed_calls');
  const first = unparen(args[0]);
  if (allowed.length && first.type === 'call') {
    const fn = first.childForFieldName('function');
    const f = fn ? unparen(fn) : null;
    const name = f && (f.type === 'identifier' || f.type === 'attribute') ? qualifiedName(f, ctx.aliasesAt(call.startIndex)) : '';
    if (allowed.includes(name)) return null;
  }
  return { message: `Potential XSS with \`\`${qual}\`\` detected. Do not use \`\`${shortName(qual)}\`\` on untrusted data.` };
};

export const CHECKS: Record<string, Check> = {
  markupsafe_markup_xss: markupsafeMarkupXss,
};
