import type { Node } from 'web-tree-sitter';
import { listElements } from '../../literal.js';
import { astArgs, keywordArg, keywordArgs, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/django_sql_injection.py: B610 django_extra_used and B611
 * django_rawsql_used.
 */

/** Python's `isinstance(n, ast.Constant) and isinstance(n.value, str)`. */
function isStrConstant(n: Node | null | undefined): boolean {
  return !!n && plainStr(n) !== null;
}

const EXTRA_POSITIONS = ['select', 'where', 'params', 'tables', 'order_by', 'select_params'];

/**
 * B610 django_extra_used: a call named `extra` whose `where` or `tables`
 * (by keyword or position) is anything but a list of constant strings, or
 * whose `select` is anything but a dict of constant strings.
 */
const djangoExtraUsed: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (shortName(ctx.qualname(call)) !== 'extra') return null;
  const kwargs = new Map<string, Node>(keywordArgs(call));
  astArgs(call)
    .slice(0, EXTRA_POSITIONS.length)
    .forEach((a, i) => kwargs.set(EXTRA_POSITIONS[i], a));
  let insecure = false;
  for (const key of ['where', 'tables']) {
    const v = kwargs.get(key);
    if (!v) continue;
    const n = unparen(v);
    if (n.type === 'list') {
      if (listElements(n).some((e) => !isStrConstant(e))) insecure = true;
    } else {
      insecure = true;
      break;
    }
  }
  const select = kwargs.get('select');
  if (!insecure && select) {
    const n = unparen(select);
    if (n.type === 'dictionary') {
      const items = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      // `**x` in a dict literal is a None key in Python's ast: not a constant str.
      if (items.some((p) => p.type !== 'pair' || !isStrConstant(p.childForFieldName('key')))) insecure = true;
      else if (items.some((p) => !isStrConstant(p.childForFieldName('value')))) insecure = true;
    } else insecure = true;
  }
  return insecure;
};

/**
 * B611 django_rawsql_used: `RawSQL(sql, ...)` (any call so named) in a file
 * that imports something named like django.db.models, with `sql` (first
 * argument, else the `sql=` keyword) not a constant string.
 */
const djangoRawsqlUsed: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (shortName(ctx.qualname(call)) !== 'RawSQL') return null;
  if (!ctx.isModuleImportedLike('django.db.models', call.startIndex)) return null;
  const args = astArgs(call);
  const sql = args.length > 0 ? args[0] : keywordArg(call, 'sql');
  if (!sql) return null; // bandit's plugin fails on the missing key: no issue
  return !isStrConstant(sql);
};

export const CHECKS: Record<string, Check> = {
  django_extra_used: djangoExtraUsed,
  django_rawsql_used: djangoRawsqlUsed,
};
