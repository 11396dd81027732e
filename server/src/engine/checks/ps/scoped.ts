import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import type { SinkKind } from '../../flow/types.js';
import { unparen } from '../../pyast.js';
import { memo } from '../../memo.js';
import { firstFrom, ofType } from '../../of-type.js';
import { nodeText } from '../../pystring.js';
import type { Level, Risk } from '../../../findings/finding.js';
import type { Check, Hit } from '../../rule.js';
import { reach, requestMayReach } from './reach.js';

/**
 * The flow rules (PS001 SSRF, PS101 open redirect, PS102 path traversal,
 * PS301 template injection, PS302 XSS, PS303 LDAP, PS304 XPath, PS305
 * headers, PS401 session, PS508 XXE, PS802 mass assignment): each matches a def, lists the
 * places in it where a value reaches its sink (`sites`), and asks the
 * data-flow layer what reaches each (`reach`). A site is reported only
 * where request data does (not the operator's own input), with the traced
 * path as the finding's `flow`.
 *
 * The def is the match so that an edit anywhere in it (where the value is
 * assigned, a guard, a sanitiser) re-runs the rule on it; a rule's `words`
 * (a regex of the sink names, tested on the def's text) spare the sites'
 * walk on the defs that cannot have one.
 */

/** One place in a def where a value reaches a rule's sink. */
export interface Site {
  /** The value at the sink: what reaches it decides. */
  value: Node;
  kind: SinkKind;
  /** The call or statement a suppression comment sits on. */
  at: Node;
  /** The sink's call, when it is one: its import alias becomes the related location. */
  call?: Node;
  message: string;
  /** The input's own characters must reach the sink (markup): a value only derived from it by a call the layer cannot follow (`opaque`) does not count. */
  characters?: true;
  severity?: Level;
  confidence?: Level;
  risk?: Risk;
  /** Also reported, so, when what reaches could not be traced (`unknown`): a template built by formatting (PS301). Without a path. */
  unknown?: { message: string; severity?: Level; confidence?: Level; risk?: Risk };
}

export type Sites = (fn: Node, ctx: FileContext) => Site[];

/** Whether a def may hold a rule's sites: its text names a sink (a regex), or a test that also knows the file's import aliases (`sinkGate`). */
export type Gate = RegExp | ((fn: Node, ctx: FileContext) => boolean);

/**
 * A flow rule. `unknownSites`: its sites may be reported when what reaches
 * them cannot be traced (`Site.unknown`), request data or not: those are
 * asked even in a file no request data can enter (`requestMayReach`).
 */
export function flowRule(words: Gate, sites: Sites, opts: { unknownSites?: true } = {}): Check {
  return (m, _rule, ctx) => {
    const fn = m.node;
    if (fn.type !== 'function_definition') return null;
    if (words instanceof RegExp) {
      words.lastIndex = 0;
      // The def's text read once for every flow rule (nodeText: memoised per tree).
      if (!words.test(nodeText(fn))) return null;
    } else if (!words(fn, ctx)) return null;
    // Only request data makes a hit (below): where none can enter the file, nothing to ask.
    const request = requestMayReach(fn, ctx);
    if (!request && !opts.unknownSites) return null;
    const hits: Hit[] = [];
    for (const s of sites(fn, ctx)) {
      if (!request && !s.unknown) continue;
      const r = reach(s.value, s.kind, ctx);
      if (r.kind === 'unknown' && s.unknown) {
        hits.push(hitAt(s, s.unknown));
        continue;
      }
      // Request rules: the operator's own input (`sys.argv`, `input()`, `os.environ`) choosing a
      // file or a URL is not an attack on the program (a CLI opening the file it is given).
      if (r.kind !== 'untrusted' || r.trust !== 'request' || (r.opaque && s.characters)) continue;
      hits.push({ ...hitAt(s, s), flow: r.path });
    }
    return hits;
  };
}

/** A site's hit, worded by `w`: the site's own words, or those it has for an input that could not be traced. */
function hitAt(s: Site, w: Pick<Site, 'message' | 'severity' | 'confidence' | 'risk'>): Hit {
  return {
    node: s.value,
    anchor: s.at,
    ...(s.call ? { call: s.call } : {}),
    message: w.message,
    ...(w.severity ? { severity: w.severity } : {}),
    ...(w.confidence ? { confidence: w.confidence } : {}),
    ...(w.risk ? { risk: w.risk } : {}),
  };
}

/**
 * A gate on a def's text for sinks called by name (`requests.get`,
 * `open`): one of `names` as a whole word, or a local name the file's
 * imports bind to one of them (`from requests import get as fetch`). A
 * pre-filter only: the sites resolve each call.
 */
export function sinkGate(names: ReadonlySet<string>): Gate {
  const words = new RegExp(String.raw`\b(?:${[...names].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\b`);
  const aliasesOf = new WeakMap<FileContext, RegExp | null>();
  const aliasWords = (ctx: FileContext): RegExp | null => {
    if (aliasesOf.has(ctx)) return aliasesOf.get(ctx)!;
    const locals = new Set<string>();
    for (const fact of ctx.imports) for (const [local, target] of fact.aliases) if (names.has(target.slice(target.lastIndexOf('.') + 1)) && !names.has(local)) locals.add(local);
    const re = locals.size ? new RegExp(String.raw`\b(?:${[...locals].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\b`) : null;
    aliasesOf.set(ctx, re);
    return re;
  };
  return (fn, ctx) => {
    const text = nodeText(fn);
    if (words.test(text)) return true;
    return aliasWords(ctx)?.test(text) ?? false;
  };
}

const SCOPE_TYPES = ['function_definition', 'lambda'];
/** `ownNodes` asked of one tree this many times walks each def; from then on it slices the file's lists. */
const WALKS_PER_TREE = 16;

/** `ownNodes` by walking the def: its nodes of `types`, less those in a nested def or lambda. */
function ownByWalk(f: Node, types: readonly string[]): Node[] {
  const found = f.descendantsOfType([...types]);
  const nested = f.descendantsOfType(SCOPE_TYPES).filter((d): d is Node => !!d && d.id !== f.id);
  const out: Node[] = [];
  for (const n of found) if (n && !nested.some((d) => n.startIndex >= d.startIndex && n.endIndex <= d.endIndex)) out.push(n);
  return out;
}

/** The nodes of `types` a def owns: in its body, not inside a nested def or lambda (those are matches of their own). In text order. */
export function ownNodes(fn: Node, ...types: string[]): Node[] {
  return memo(fn, `ownNodes:${types.join(',')}`, (f) => {
    // A keystroke's tree is asked for a def or two: the def's own walk, not the whole file's (a walk of
    // a large file's calls costs a keystroke milliseconds). A tree asked for many (a file's review):
    // slices of the file's nodes (engine/of-type.ts) by position, rather than a walk per def and type.
    const asked = memo(f.tree.rootNode, 'ownNodesAsked', () => ({ n: 0 }));
    if (++asked.n <= WALKS_PER_TREE) return ownByWalk(f, types);
    const start = f.startIndex;
    const end = f.endIndex;
    const scopes = ofType(f, SCOPE_TYPES);
    // The nested scopes' outermost ones, as disjoint spans in text order.
    const spans: [number, number][] = [];
    for (let i = firstFrom(scopes, start); i < scopes.nodes.length && scopes.starts[i] <= end; i++) {
      if (scopes.ends[i] > end || scopes.nodes[i].id === f.id) continue;
      const last = spans[spans.length - 1];
      if (last && scopes.starts[i] >= last[0] && scopes.ends[i] <= last[1]) continue;
      spans.push([scopes.starts[i], scopes.ends[i]]);
    }
    const found = ofType(f, types);
    const out: Node[] = [];
    let k = 0;
    for (let i = firstFrom(found, start); i < found.nodes.length && found.starts[i] <= end; i++) {
      const s = found.starts[i];
      const e = found.ends[i];
      if (e > end) continue;
      while (k + 1 < spans.length && spans[k + 1][0] <= s) k++;
      const span = spans[k];
      if (span && span[0] <= s && e <= span[1]) continue;
      out.push(found.nodes[i]);
    }
    return out;
  });
}

/**
 * The calls a def owns that may call one of `names`: by the last name as
 * written (`requests.get(...)`, `get(...)`) or through an import alias
 * (`fetch(...)` after `from requests import get as fetch`). Only these are
 * resolved (`ctx.qualname`) by the sites.
 */
export function sinkCalls(fn: Node, ctx: FileContext, names: ReadonlySet<string>): Node[] {
  return ownNodes(fn, 'call').filter((c) => {
    const last = methodName(c);
    return names.has(last) || ctx.aliasesAt(c.startIndex).has(last);
  });
}

/** A call's callee, unparenthesised: `requests.get` of `requests.get(...)`. */
export function callee(call: Node): Node | null {
  const f = call.childForFieldName('function');
  return f ? unparen(f) : null;
}

/** The receiver of a method call: `conn` of `conn.search(...)`; null for a plain function call. */
export function receiver(call: Node): Node | null {
  const f = callee(call);
  if (f?.type !== 'attribute') return null;
  const o = f.childForFieldName('object');
  return o ? unparen(o) : null;
}

/** The method or function name as written: `search` of `conn.search(...)`. */
export function methodName(call: Node): string {
  const f = callee(call);
  if (f?.type === 'identifier') return f.text;
  if (f?.type === 'attribute') return f.childForFieldName('attribute')?.text ?? '';
  return '';
}

/** Whether the file imports `module` or a submodule of it (or a name from one), before `offset`. */
export function imports(ctx: FileContext, module: string, offset: number): boolean {
  return ctx.importsUnder(module, offset);
}
