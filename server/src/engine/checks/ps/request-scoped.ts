import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { calledName, shortName } from '../../pyast.js';
import type { Check, CheckResult, Hit, Rule, RuleMatch } from '../../rule.js';
import { COMMON_SANITISERS, type RequestInput, requestInput } from './request-input.js';
import { ownCalls, ownerFunction, taintedInput } from './taint.js';
import { quote } from '../support/settings.js';

/**
 * The request-input rules (PS001, PS101, PS102, PS301): `requestScoped`
 * judges a call on its own statement outside a def, and with the def's
 * match inside one, following request input across the def's statements
 * (taint.ts); a def is read only when its text calls one of the rules'
 * sinks.
 */

export const sanitisers = (...xs: string[]) => new Set([...COMMON_SANITISERS, ...xs]);


/** A request input for a message: `request.args.get("url")`; `target`, from `request.args["url"]`; the FastAPI route parameter `url`. */
export const said = (src: RequestInput): string => {
  if (src.from === undefined) return quote(src.text);
  if (!src.from.startsWith('the ')) return `${quote(src.text)}, from ${quote(src.from)}`;
  return src.from.endsWith(quote(src.text)) ? src.from : `${quote(src.text)}, from ${src.from}`;
};

/** Where a judge looks for request input in an expression, with the rule's sanitisers (`key` names them for the memo). */
export type FindInput = (expr: Node, sanitisers: ReadonlySet<string>, key: string) => RequestInput | null;
/** A request-input rule's verdict on one call. */
export type Judge = (call: Node, ctx: FileContext, find: FindInput) => Hit | null;

/** Every request-input rule's sink names (`requestScoped`'s `sinks`, added as the rules are made). */
const ALL_SINKS = new Set<string>();

/** Compiled gates by the aliases they add to the sink names (a file's imports vary them): kept across runs, a few at most in use at once. */
const GATE_REGEXES = new Map<string, RegExp>();

/**
 * The words the def-level gate looks for, per run: every rule's sink names
 * and the import aliases bound to one of them, as one regex; and per local
 * alias, the sink name it stands for.
 */
interface SinkWords {
  regex: RegExp;
  aliases: Map<string, string[]>;
}

const SINK_WORDS = new WeakMap<FileContext, SinkWords>();

function sinkWords(ctx: FileContext): SinkWords {
  let words = SINK_WORDS.get(ctx);
  if (!words) {
    const aliases = new Map<string, string[]>();
    for (const fact of ctx.imports) {
      for (const [local, target] of fact.aliases) {
        const short = shortName(target);
        if (ALL_SINKS.has(short)) aliases.set(local, [...(aliases.get(local) ?? []), short]);
      }
    }
    const key = [...aliases.keys()].join(' ');
    let regex = GATE_REGEXES.get(key);
    if (!regex) {
      const names = new Set([...ALL_SINKS, ...aliases.keys()]);
      // A name as a whole word, then what may stand between a call's callee
      // and its `(`: closing parentheses (`(requests.get)(u)`), blanks, a line
      // continuation, comments (each to its line's end: no backtracking in one).
      const source = String.raw`\b(?:${[...names].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\b(?=(?:[\s)\\]|#[^\n]*\n)*\()`;
      if (GATE_REGEXES.size >= 64) GATE_REGEXES.clear();
      GATE_REGEXES.set(key, (regex = new RegExp(source, 'g')));
    }
    words = { regex, aliases };
    SINK_WORDS.set(ctx, words);
  }
  return words;
}

/**
 * The sink names (of any request-input rule) a def's text calls, or seems
 * to: a sink's name, or an import alias bound to one, followed by `(`.
 * Read once per def and run for the four rules. An alias counts as the
 * sink names it stands for as well as itself.
 */
function calledSinks(fn: Node, ctx: FileContext): ReadonlySet<string> {
  return ctx.memo(fn, 'calledSinks', () => {
    const { regex, aliases } = sinkWords(ctx);
    const found = new Set<string>();
    regex.lastIndex = 0;
    const text = fn.text;
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      found.add(m[0]);
      for (const short of aliases.get(m[0]) ?? []) found.add(short);
    }
    return found;
  });
}

/**
 * A request-input rule: its query matches every call and every def. A call
 * outside any def is judged on its own statement; a call inside a def is
 * judged with the def's match, which follows request input through the
 * def's earlier assignments and a FastAPI route's parameters (taint.ts).
 * The def being the match, an edit anywhere in it re-runs the rule on it;
 * an edit to its decorators too: widen.ts widens it to the decorators,
 * which end where the def starts, and a node touching a re-run range is
 * re-run (`touches` is inclusive).
 */
export function requestScoped(judge: Judge, sinks: ReadonlySet<string>): Check {
  for (const s of sinks) ALL_SINKS.add(s);
  return (m: RuleMatch, _rule: Rule, ctx: FileContext): CheckResult => {
    const node = m.node;
    if (node.type === 'call') {
      // Every judge wants one of `sinks` as the resolved name's last part:
      // asking that first spares the walk up to the owner def on most calls.
      if (!sinks.has(shortName(ctx.qualname(node))) || ownerFunction(node)) return null;
      return judge(node, ctx, (e, s, k) => requestInput(e, ctx, s, k));
    }
    const fn = node;
    if (fn.type !== 'function_definition') return null;
    const hits: Hit[] = [];
    // A keystroke in a def re-runs this on the whole def: first, whether its
    // text calls one of this rule's sinks at all (or an alias of one).
    const called = calledSinks(fn, ctx);
    if (called.size === 0 || ![...called].some((w) => sinks.has(w))) return hits;
    for (const call of ownCalls(fn)) {
      // Then each call's last name (or an import alias) before resolving it.
      const last = calledName(call);
      if (!sinks.has(last) && !ctx.aliasesAt(call.startIndex).has(last)) continue;
      const hit = judge(call, ctx, (e, s, k) => taintedInput(e, fn, ctx, s, k));
      if (hit) hits.push({ ...hit, node: hit.node ?? call, anchor: call, call });
    }
    return hits;
  };
}
