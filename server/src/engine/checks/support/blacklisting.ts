import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { argValue, astArgs, keywordArg, unparen } from '../../pyast.js';
import { stringLiteral } from '../../pystring.js';
import type { Rule } from '../../rule.js';

/**
 * What bandit's blacklist test (bandit/core/blacklisting.py) does for calls
 * and imports alike: a rule's `params.qualnames`, the name a call is
 * compared by, and the message's `{name}`.
 */

export function qualnames(params: Record<string, unknown>): string[] {
  const q = params.qualnames;
  if (!Array.isArray(q)) throw new Error('params.qualnames must be a list');
  return q as string[];
}

const QUALNAME_SETS = new WeakMap<Rule, ReadonlySet<string>>();

/** A rule's qualnames as a set, built once per rule: some fifty blacklist rules ask of every call. */
export function qualnameSet(rule: Rule): ReadonlySet<string> {
  let s = QUALNAME_SETS.get(rule);
  if (!s) QUALNAME_SETS.set(rule, (s = new Set(qualnames(rule.params))));
  return s;
}

/** The name bandit's blacklist compares for a call (`__import__` and importlib resolve to their argument). */
export function blacklistCallName(call: Node, ctx: FileContext): string | undefined {
  // One map per run (a FileContext lives for one run over one tree), keyed by node id:
  // cheaper than ctx.memo's string keys, and every blacklist rule asks of every call.
  let names = CALL_NAMES.get(ctx);
  if (!names) CALL_NAMES.set(ctx, (names = new Map()));
  let name = names.get(call.id);
  if (name === undefined) {
    name = blacklistCallNameUncached(call, ctx) ?? NO_NAME;
    names.set(call.id, name);
  }
  return name === NO_NAME ? undefined : name;
}

const CALL_NAMES = new WeakMap<FileContext, Map<number, string | typeof NO_NAME>>();
const NO_NAME = Symbol('no name');

function blacklistCallNameUncached(call: Node, ctx: FileContext): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn && unparen(fn).type === 'identifier' && unparen(fn).text === '__import__') {
    const args = astArgs(call);
    if (args.length === 0) return '';
    const s = stringLiteral(args[0]);
    return s && !s.bytes ? s.value : 'UNKNOWN';
  }
  const name = ctx.qualname(call);
  if (name === 'importlib.import_module' || name === 'importlib.__import__') {
    const args = astArgs(call);
    const v = args.length > 0 ? argValue(args[0]) : (() => {
      const k = keywordArg(call, 'name');
      return k ? argValue(k) : undefined;
    })();
    return typeof v === 'string' ? v : undefined;
  }
  return name;
}

/** bandit's `check["message"].replace("{name}", name)`: every occurrence. */
export function withName(message: string, name: string): string {
  return message.split('{name}').join(name);
}
