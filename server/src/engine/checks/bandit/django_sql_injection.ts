import type { Node } from 'web-tree-sitter';
import { astArgs, keywordArg, keywordArgs, shortName } from '../../context.js';
import { listElements, plainStr, unparen } from '../../literal.js';
import { paramSet } from '../support/params.js';
import type { Check, Rule } from '../../rule.js';
import { callArgAt, checkCallArgValue, pyStr } from '../support/calls.js';
import { keywordHit } from '../bandit/general_hardcoded_password.js';

/**
 * bandit 1.9.4's remaining injection plugins: paramiko's exec_command
 * (B601), processes started without a shell (B606), wildcards in shell
 * commands (B609) and Django's `extra()` / `RawSQL` (B610, B611).
 */


/** B601 paramiko_calls: a call named `exec_command` in a file that imports something named like paramiko. */
const paramikoCalls: Check = (m, _rule, ctx) =>
  shortName(ctx.qualname(m.node)) === 'exec_command' && ctx.isModuleImportedLike('paramiko', m.node.startIndex);

/** B606 start_process_with_no_shell: a call of bandit's `no_shell` list (os.exec*, os.spawn*, os.startfile). */
const startProcessWithNoShell: Check = (m, rule, ctx) => paramSet(rule, 'no_shell').has(ctx.qualname(m.node));

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

export const CHECKS_BANDIT_INJECTION: Record<string, Check> = {
  paramiko_calls: paramikoCalls,
  start_process_with_no_shell: startProcessWithNoShell,
  linux_commands_wildcard_injection: linuxCommandsWildcardInjection,
  django_extra_used: djangoExtraUsed,
  django_rawsql_used: djangoRawsqlUsed,
};
