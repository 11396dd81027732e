import type { Node } from 'web-tree-sitter';
import { parseBigInteger } from '../../literal.js';
import { astArgs, shortName, unparen } from '../../pyast.js';
import { pyConstantStr, pyLiteralRepr } from '../../pyrepr.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/general_bad_file_permissions.py: B103 set_bad_file_permissions.
 */

const S_IWOTH = 0o2n;
const S_IXOTH = 0o1n;
const S_IWGRP = 0o20n;
const S_IXGRP = 0o10n;

/** bandit's `get_call_arg_at_position` as Python's `str()` would print it in B103's message. */
function argText(node: Node): string {
  const n = unparen(node);
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text ?? '';
  if (n.type === 'identifier') return n.text;
  const c = pyConstantStr(n);
  if (c !== undefined) return c;
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') return pyLiteralRepr(n) ?? n.text;
  if (n.type === 'dictionary') return n.text;
  return 'NOT PARSED';
}

/**
 * B103 set_bad_file_permissions: `*chmod*(path, mode)` with exactly two
 * arguments and a literal integer mode writable or executable by group or
 * others. HIGH when others may write, else MEDIUM.
 */
const setBadFilePermissions: Check = (m, rule, ctx) => {
  const call = m.node;
  if (!shortName(ctx.qualname(call)).includes('chmod')) return null;
  const args = astArgs(call);
  if (args.length !== 2) return null;
  const modeNode = unparen(args[1]);
  if (modeNode.type !== 'integer') return null;
  const mode = parseBigInteger(modeNode.text);
  if (mode === undefined) return null;
  if (!(mode & S_IWOTH || mode & S_IWGRP || mode & S_IXGRP || mode & S_IXOTH)) return null;
  const severity = mode & S_IWOTH ? 'HIGH' : 'MEDIUM';
  return {
    severity,
    message: `Chmod setting a permissive mask 0o${mode.toString(8)} on file (${argText(args[0])}).`,
  };
};

export const CHECKS: Record<string, Check> = {
  set_bad_file_permissions: setBadFilePermissions,
};
