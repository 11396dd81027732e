import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { isZeroNumber, listElements } from '../../literal.js';
import { astArgs, keywordArg, unparen } from '../../pyast.js';
import { stringLiteral } from '../../pystring.js';
import { parentOf } from '../../memo.js';
import type { Check, Hit } from '../../rule.js';
import { paramSet } from '../support/params.js';

/**
 * bandit's process-spawning family (bandit/plugins/injection_shell.py):
 * B602, B603, B604, B605, B606 and B607. B609 (wildcards) is in
 * injection_wildcard.ts.
 *
 * The `shell_injection` config lists (`subprocess`, `shell`, `no_shell`)
 * are each rule's `params`, with bandit's defaults, so that a rule is data.
 * All of these tests are visited on every `Call` and compare the call's
 * resolved name (`get_call_name`) against the lists.
 */


/**
 * Five rules ask for the qualified name of every call, three for its
 * `shell=`: computed once per call, for one FileContext (its imports) and
 * one tree (a node's id is only unique within a live tree).
 */
interface CallFacts {
  qualname?: string;
  shell?: ShellKeyword;
}

const FACTS = new WeakMap<FileContext, { tree: Node['tree']; byNode: Map<number, CallFacts> }>();

function facts(call: Node, ctx: FileContext): CallFacts {
  let memo = FACTS.get(ctx);
  if (!memo || memo.tree !== call.tree) FACTS.set(ctx, (memo = { tree: call.tree, byNode: new Map() }));
  let f = memo.byNode.get(call.id);
  if (!f) memo.byNode.set(call.id, (f = {}));
  return f;
}

function qualname(call: Node, ctx: FileContext): string {
  const f = facts(call, ctx);
  return (f.qualname ??= ctx.qualname(call));
}

/**
 * bandit's `has_shell`: the truthiness of the `shell=` keyword's value as
 * bandit judges it from the source. Numbers (bool included), lists, dicts
 * and constants by their Python truth value; any other expression (a name,
 * a call, a tuple, an f-string, `not x`, `-1`) counts as true.
 */
function shellValueTruthy(value: Node): boolean {
  const v = unparen(value);
  switch (v.type) {
    case 'true':
      return true;
    case 'false':
    case 'none':
      return false;
    case 'integer':
    case 'float':
      return !isZeroNumber(v.text);
    case 'string':
    case 'concatenated_string': {
      // A constant str or bytes: its own truth value. An f-string is a
      // JoinedStr, which bandit counts as true whatever it contains.
      const s = stringLiteral(v);
      return s ? s.value.length > 0 : true;
    }
    case 'list':
      return listElements(v).length > 0;
    case 'dictionary':
      // `{**x}` has a key (None) in Python's ast: any pair or splat is one.
      return v.namedChildren.some((c) => c !== null && c.type !== 'comment');
    default:
      // ellipsis, tuples, sets, names, calls, attributes, operators, ...
      return true;
  }
}

interface ShellKeyword {
  truthy: boolean;
  value: Node | null;
  kw: Node | null;
}

/** `has_shell(context)`, plus the keyword's value node (null when there is no `shell=`). */
function shellKeyword(call: Node, ctx: FileContext): ShellKeyword {
  const f = facts(call, ctx);
  if (f.shell) return f.shell;
  const value = keywordArg(call, 'shell') ?? null;
  f.shell = value ? { truthy: shellValueTruthy(value), value, kw: parentOf(value) } : { truthy: false, value: null, kw: null };
  return f.shell;
}

/**
 * bandit reports B602/B603/B604 on `get_lineno_for_call_arg("shell")`: the
 * line of the keyword's value (Python's ast drops its parentheses). The hit
 * highlights `shell=...` when that starts on the same line, else the value.
 */
function shellLineNode(kw: Node | null, value: Node | null): Node | undefined {
  if (!kw || !value) return undefined;
  const v = unparen(value);
  return kw.startPosition.row === v.startPosition.row ? kw : v;
}

/**
 * `_evaluate_shell_call`: a constant `str` first argument is LOW (seems
 * safe), anything else (a name, formatting, concatenation, an f-string, a
 * bytes literal, `*args`) is HIGH.
 */
function firstArgIsConstantStr(call: Node): boolean {
  const args = astArgs(call);
  if (args.length === 0) return false;
  const s = stringLiteral(args[0]);
  return s !== null && !s.bytes;
}

/** B602: a `subprocess` call with a true `shell=` and at least one positional argument. */
const subprocessPopenWithShellEqualsTrue: Check = (m, rule, ctx) => {
  const call = m.node;
  if (!paramSet(rule, 'subprocess').has(qualname(call, ctx))) return null;
  const shell = shellKeyword(call, ctx);
  if (!shell.truthy || astArgs(call).length === 0) return null;
  const node = shellLineNode(shell.kw, shell.value);
  if (firstArgIsConstantStr(call)) {
    return {
      node,
      severity: 'LOW',
      confidence: 'HIGH',
      risk: 'Low',
      message:
        'subprocess call with shell=True seems safe, but may be changed in the future, consider rewriting without shell',
    };
  }
  return { node, severity: 'HIGH', confidence: 'HIGH', message: 'subprocess call with shell=True identified, security issue.' };
};

/** B603: a `subprocess` call without a true `shell=` (arguments or not). */
const subprocessWithoutShellEqualsTrue: Check = (m, rule, ctx) => {
  const call = m.node;
  if (!paramSet(rule, 'subprocess').has(qualname(call, ctx))) return null;
  const shell = shellKeyword(call, ctx);
  if (shell.truthy) return null;
  const hit: Hit = {};
  const node = shellLineNode(shell.kw, shell.value);
  if (node) hit.node = node;
  return hit;
};

/** B604: any call not in the `subprocess` list with a true `shell=`. */
const anyOtherFunctionWithShellEqualsTrue: Check = (m, rule, ctx) => {
  const call = m.node;
  const shell = shellKeyword(call, ctx);
  if (!shell.truthy) return null;
  if (paramSet(rule, 'subprocess').has(qualname(call, ctx))) return null;
  const hit: Hit = {};
  const node = shellLineNode(shell.kw, shell.value);
  if (node) hit.node = node;
  return hit;
};

/** B605: a `shell` list function with at least one positional argument. */
const startProcessWithAShell: Check = (m, rule, ctx) => {
  const call = m.node;
  if (!paramSet(rule, 'shell').has(qualname(call, ctx))) return null;
  if (astArgs(call).length === 0) return null;
  if (firstArgIsConstantStr(call)) {
    return {
      severity: 'LOW',
      confidence: 'HIGH',
      risk: 'Low',
      message: 'Starting a process with a shell: Seems safe, but may be changed in the future, consider rewriting without shell',
    };
  }
  return {
    severity: 'HIGH',
    confidence: 'HIGH',
    message: 'Starting a process with a shell, possible injection detected, security issue.',
  };
};

/** bandit's `full_path_match`: a drive letter before `:`, or a leading `\`, `/` or `.`. */
const FULL_PATH = /^(?:[A-Za-z](?=:)|[\\/.])/;

/**
 * B607: a call in any of the three lists whose first argument (or the first
 * element of a list literal there) is a constant str that is not a full path.
 */
const startProcessWithPartialPath: Check = (m, rule, ctx) => {
  const call = m.node;
  const name = qualname(call, ctx);
  if (!paramSet(rule, 'subprocess').has(name) && !paramSet(rule, 'shell').has(name) && !paramSet(rule, 'no_shell').has(name)) {
    return null;
  }
  const args = astArgs(call);
  if (args.length === 0) return null;
  let node = unparen(args[0]);
  if (node.type === 'list') {
    const elts = listElements(node);
    if (elts.length > 0) node = elts[0];
  }
  const s = stringLiteral(node);
  return s !== null && !s.bytes && !FULL_PATH.test(s.value);
};

/** B606 start_process_with_no_shell: a call of bandit's `no_shell` list (os.exec*, os.spawn*, os.startfile). */
const startProcessWithNoShell: Check = (m, rule, ctx) => paramSet(rule, 'no_shell').has(ctx.qualname(m.node));

export const CHECKS: Record<string, Check> = {
  start_process_with_no_shell: startProcessWithNoShell,
  subprocess_popen_with_shell_equals_true: subprocessPopenWithShellEqualsTrue,
  subprocess_without_shell_equals_true: subprocessWithoutShellEqualsTrue,
  any_other_function_with_shell_equals_true: anyOtherFunctionWithShellEqualsTrue,
  start_process_with_a_shell: startProcessWithAShell,
  start_process_with_partial_path: startProcessWithPartialPath,
};
