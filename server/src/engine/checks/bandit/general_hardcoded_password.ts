import { memo, parentOf } from '../../memo.js';
import { fnmatch } from '../../fnmatch.js';
import type { Node } from 'web-tree-sitter';
import {
  argValue,
  assignTargets,
  assignValue,
  astArgs,
  banditParent,
  isExprStatement,
  isPlainAssign,
  keywordArg,
  keywordArgs,
  shortName,
  unparenTarget,
  type FileContext,
} from '../../context.js';
import { firstStringPartId, parseBigInteger, plainStr, pyConstantStr, pyLiteralRepr, strConstants, unparen } from '../../literal.js';
import type { Check, Hit } from '../../rule.js';

/**
 * bandit's general plugins: assert (B101), exec (B102), chmod (B103), the
 * string tests (B104, B105, B108), password keyword arguments (B106) and
 * yaml.load (B506).
 */

// ---------------------------------------------------------------- helpers

/**
 * Where a keyword argument's issue goes: bandit reports the value's line
 * (`get_lineno_for_call_arg`); the whole `name=value` is highlighted when
 * it starts on that line.
 */
export function keywordHit(call: Node, name: string): Node | undefined {
  const arg = keywordArg(call, name);
  if (!arg) return undefined;
  const value = unparen(arg);
  const kw = parentOf(arg);
  return kw?.type === 'keyword_argument' && kw.startPosition.row === value.startPosition.row ? kw : value;
}

/** One `str` constant bandit's `visit_Str` runs the string tests on. */
interface StrVisit {
  value: string;
  /** The constant (an f-string's literal parts: the f-string), bandit's issue line. */
  node: Node;
  /** The node whose lines are the context's `linerange` (the ast parent's). */
  anchor: Node;
  /** The ast parent of a whole constant; null for a part of an f-string. */
  parent: Node | null;
}

/**
 * The str constants of a matched `string` that bandit tests. An implicit
 * concatenation is one constant (or one JoinedStr), handled from its first
 * part; a string that is a statement of its own (a docstring) is skipped,
 * as bandit skips constants whose parent is `Expr`.
 */
/** Memoised: B104, B105 and B108 visit the same strings. */
function strVisits(matched: Node): StrVisit[] {
  return memo(matched, 'strVisits', strVisitsUncached);
}

function strVisitsUncached(matched: Node): StrVisit[] {
  let node = matched;
  const outer = parentOf(matched);
  if (outer?.type === 'concatenated_string') {
    // The concatenation is one constant: seen once, from its first part.
    if (firstStringPartId(outer) !== matched.id) return [];
    node = outer;
  }
  const consts = strConstants(node);
  if (consts.length === 0) return [];
  if (consts[0].joined) return consts.map((c) => ({ value: c.value, node, anchor: node, parent: null }));
  const parent = banditParent(node);
  if (!parent) return [];
  if (isExprStatement(parent)) return [];
  return [{ value: consts[0].value, node, anchor: anchorOf(parent), parent }];
}

/** A nested expression's ast parent inside an f-string is its `FormattedValue`, on the f-string's lines. */
function anchorOf(parent: Node): Node {
  if (parent.type !== 'interpolation') return parent;
  let n: Node | null = parent;
  while (n && n.type !== 'string') n = parentOf(n);
  if (n && parentOf(n)?.type === 'concatenated_string') n = parentOf(n);
  return n ?? parent;
}

// ---------------------------------------------------------------- B101

/** B101 assert_used: every `assert`, unless the file matches a `skips` pattern. */
const assertUsed: Check = (_m, rule, ctx) => {
  const skips = Array.isArray(rule.params.skips) ? (rule.params.skips as string[]) : [];
  return !skips.some((s) => fnmatch(ctx.filename, s));
};

// ---------------------------------------------------------------- B102

/** B102 exec_used: a call whose qualified name is `exec`. */
const execUsed: Check = (m, _rule, ctx) => ctx.qualname(m.node) === 'exec';

// ---------------------------------------------------------------- B103

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

// ---------------------------------------------------------------- B104

/** B104 hardcoded_bind_all_interfaces: the string "0.0.0.0". */
const hardcodedBindAllInterfaces: Check = (m) =>
  strVisits(m.node)
    .filter((v) => v.value === '0.0.0.0')
    .map((v): Hit => ({ node: v.node, anchor: v.anchor }));

// ---------------------------------------------------------------- B105, B106

const RE_WORDS = '(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)';
// Python's `$` also matches before a final newline.
const END = '(?=\\n?$)';
const RE_CANDIDATES = new RegExp(`(^${RE_WORDS}${END}|_${RE_WORDS}_|^${RE_WORDS}_|_${RE_WORDS}${END})`, 'iu');

export function looksLikePassword(name: string): boolean {
  return RE_CANDIDATES.test(name);
}

function passwordHit(value: string, node: Node, anchor: Node): Hit {
  return { node, anchor, message: `Possible hardcoded password: '${value}'` };
}

/** The name a target binds, for B105: a name's id or an attribute's attr. */
function targetName(target: Node): string | null {
  const t = unparenTarget(target);
  if (t.type === 'identifier') return t.text;
  if (t.type === 'attribute') return t.childForFieldName('attribute')?.text ?? null;
  return null;
}

/**
 * B105 hardcoded_password_string, for a constant string whose ast parent is
 * an assignment to a password-like name or attribute, a password-like dict
 * key (any constant value), a password-like subscript assigned a string, or
 * a comparison of a password-like name with a string.
 */
const hardcodedPasswordString: Check = (m) => {
  const out: Hit[] = [];
  for (const v of strVisits(m.node)) {
    const parent = v.parent;
    if (!parent) continue;
    const self = unparen(v.node);
    if (parent.type === 'assignment') {
      if (!isPlainAssign(parent)) continue;
      if (assignTargets(parent).some((t) => {
        const name = targetName(t);
        return name !== null && looksLikePassword(name);
      })) out.push(passwordHit(v.value, v.node, v.anchor));
    } else if (parent.type === 'dictionary') {
      if (!looksLikePassword(v.value)) continue;
      for (const pair of parent.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = pair.childForFieldName('key');
        if (!key || unparen(key).id !== self.id) continue;
        const value = pyConstantStr(pair.childForFieldName('value'));
        if (value !== undefined) out.push(passwordHit(value, v.node, v.anchor));
      }
    } else if (parent.type === 'subscript') {
      // Python's Subscript is the parent only with one index (several make a Tuple).
      const indexes = parent.childrenForFieldName('subscript');
      const isValue = parent.childForFieldName('value') && unparen(parent.childForFieldName('value')!).id === self.id;
      if (!isValue && indexes.length !== 1) continue;
      if (!looksLikePassword(v.value)) continue;
      const assign = banditParent(parent);
      if (!isPlainAssign(assign)) continue;
      const value = plainStr(assignValue(assign));
      if (value !== null) out.push(passwordHit(value, v.node, v.anchor));
    } else if (parent.type === 'comparison_operator') {
      const operands = parent.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (operands.length < 2) continue;
      const left = unparen(operands[0]);
      let name: string | null = null;
      if (left.type === 'identifier') name = left.text;
      else if (left.type === 'attribute') name = left.childForFieldName('attribute')?.text ?? null;
      if (name === null || !looksLikePassword(name)) continue;
      const value = plainStr(operands[1]);
      if (value !== null) out.push(passwordHit(value, v.node, v.anchor));
    }
  }
  return out;
};

/**
 * B106 hardcoded_password_funcarg: the first keyword argument with a
 * password-like name and a constant string value. bandit reports the
 * value's line; the context is the whole call.
 */
const hardcodedPasswordFuncarg: Check = (m) => {
  const call = m.node;
  // The call's keyword names (memoised, other rules read them): most calls have no password-like one.
  let named = false;
  for (const name of keywordArgs(call).keys()) if (looksLikePassword(name)) named = true;
  if (!named) return null;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return null;
  for (const kw of args.namedChildren) {
    if (kw?.type !== 'keyword_argument') continue;
    const name = kw.childForFieldName('name')?.text;
    const value = kw.childForFieldName('value');
    if (!name || !value) continue;
    const s = plainStr(value);
    if (s === null || !looksLikePassword(name)) continue;
    const node = kw.startPosition.row === unparen(value).startPosition.row ? kw : unparen(value);
    return { node, message: `Possible hardcoded password: '${s}'` };
  }
  return null;
};

// ---------------------------------------------------------------- B108

/** B108 hardcoded_tmp_directory: a string starting with one of `params.tmp_dirs`. */
const hardcodedTmpDirectory: Check = (m, rule) => {
  const dirs = Array.isArray(rule.params.tmp_dirs) ? (rule.params.tmp_dirs as string[]) : ['/tmp', '/var/tmp', '/dev/shm'];
  return strVisits(m.node)
    .filter((v) => dirs.some((d) => v.value.startsWith(d)))
    .map((v): Hit => ({ node: v.node, anchor: v.anchor }));
};

// ---------------------------------------------------------------- B506

/** bandit's `get_call_arg_at_position`. */
function argAt(call: Node, i: number) {
  const args = astArgs(call);
  return i < args.length ? argValue(args[i]) : undefined;
}

const SAFE_LOADERS = ['SafeLoader', 'CSafeLoader'];

/**
 * B506 yaml_load: `yaml.load` (any qualified name with a `yaml` part and
 * `load` last) in a file that has done `import yaml`, unless the loader,
 * by keyword or second argument, is SafeLoader or CSafeLoader.
 */
const yamlLoad: Check = (m, _rule, ctx: FileContext) => {
  const call = m.node;
  if (!ctx.isModuleImportedExact('yaml', call.startIndex)) return null;
  const parts = ctx.qualname(call).split('.');
  if (!parts.includes('yaml') || parts[parts.length - 1] !== 'load') return null;
  const loader = keywordArg(call, 'Loader');
  if (loader) {
    const v = argValue(loader);
    if (typeof v === 'string' && SAFE_LOADERS.includes(v)) return null;
  }
  const second = argAt(call, 1);
  if (typeof second === 'string' && SAFE_LOADERS.includes(second)) return null;
  return true;
};

export const CHECKS_GENERAL: Record<string, Check> = {
  assert_used: assertUsed,
  exec_used: execUsed,
  set_bad_file_permissions: setBadFilePermissions,
  hardcoded_bind_all_interfaces: hardcodedBindAllInterfaces,
  hardcoded_password_string: hardcodedPasswordString,
  hardcoded_password_funcarg: hardcodedPasswordFuncarg,
  hardcoded_tmp_directory: hardcodedTmpDirectory,
  yaml_load: yamlLoad,
};
