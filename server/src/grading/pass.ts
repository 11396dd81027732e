import type { Node, Tree } from 'web-tree-sitter';
import type { FileContext } from '../engine/context.js';
import type { ProjectIndex } from '../engine/flow/state.js';
import type { Reach, SinkKind } from '../engine/flow/types.js';
import { unparen } from '../engine/pyast.js';
import type { RuleMeta, Sink } from '../engine/rule.js';
import type { Finding, Span } from '../findings/finding.js';
import { programReach } from './argv.js';
import { constantsOnly, type ReachOf } from './reach.js';
import { gradeRisk, isPlaceholderSecret, isTestPath, namesSecret } from './risk.js';

/**
 * The pass that grades findings by attack path: for each finding of either
 * engine, the sink its rule names (`sink` in queries/*.json), the argument
 * at that sink found in the tree by the finding's range, what reaches it
 * (the flow layer's `reachOf`), and from that its `risk` (grading/risk.ts)
 * and `flow`. Only `risk`, `flow` and `reach` change: a bandit-mirroring
 * rule fires exactly as before. Runs over findings only, never the tree.
 */
export interface GradingContext {
  tree: Tree;
  ctx: FileContext;
  /** The file's path, relative to its project or workspace folder where known (test code is judged on it). */
  path: string;
  rules: ReadonlyMap<string, Pick<RuleMeta, 'sink' | 'credential'>>;
  /** The flow layer; default: constants only (`constantsOnly`). */
  reachOf?: ReachOf;
  /** The project's other modules (the document store's or `check`'s index): paths through them cross files. */
  project?: ProjectIndex;
}

/**
 * Findings per file the flow layer is asked about. Past them (100,000
 * `eval(x)` on one line asked it 100,000 times: 2.7 GB), a finding at a sink
 * is not traced: it keeps its rule's default risk (at most High) and says
 * that what reaches it could not be traced, as any untraced finding does.
 */
export const TRACED_PER_FILE = 2_000;

const NOT_TRACED: ReachOf = () => ({ kind: 'unknown' });

/** Every finding graded (new objects; the input is not changed): the flow layer asked for the first TRACED_PER_FILE at a sink. */
export function gradeFindings(findings: readonly Finding[], g: GradingContext, limit = TRACED_PER_FILE): Finding[] {
  const testCode = isTestPath(g.path);
  const untraced: GradingContext = { ...g, reachOf: NOT_TRACED };
  let asked = 0;
  return findings.map((f) => {
    const kind = g.rules.get(f.rule)?.sink?.kind;
    const asks = kind !== undefined && kind !== 'crypto';
    return gradeFinding(f, asks && ++asked > limit ? untraced : g, testCode);
  });
}

export function gradeFinding(f: Finding, g: GradingContext, testCode = isTestPath(g.path)): Finding {
  const rule = g.rules.get(f.rule);
  const sink = rule?.sink ?? null;
  let reach: Reach | null = null;
  let secretUse: boolean | undefined;
  let program: Reach | null | undefined;
  if (sink?.kind === 'crypto') {
    const call = callAt(g.tree, f.range);
    secretUse = call ? usedAsSecret(call) : false;
  } else if (sink) {
    reach = reachAtSink(f, sink, g);
    if (sink.kind === 'argv' && reach?.kind === 'untrusted') {
      // Untrusted argv: whether the program itself is (argv.ts); its path is the one shown then.
      const call = callAt(g.tree, f.range);
      program = call ? programReach(call, g.ctx) : null;
      if (program?.kind === 'untrusted') reach = program;
    }
  }
  const quoted = rule?.credential ? quotedCredential(f.message) : undefined;
  const credential = rule?.credential ? { placeholder: quoted !== undefined && isPlaceholderSecret(quoted) } : undefined;
  const risk = gradeRisk({ base: f.risk, sink: sink?.kind ?? null, reach, testCode, ...(credential ? { credential } : {}), ...(secretUse !== undefined ? { secretUse } : {}), ...(program !== undefined ? { program } : {}) });
  const out: Finding = { ...f, risk, flow: reach?.kind === 'untrusted' ? reach.path : null };
  if (reach) out.reach = reach.kind;
  else delete out.reach;
  return out;
}

// ------------------------------------------------------------- the sink's argument

/** What reaches the sink's argument; null when the argument is not in the tree (a call with none). */
function reachAtSink(f: Finding, sink: Sink, g: GradingContext): Reach | null {
  const ask = g.reachOf ?? constantsOnly;
  const kind: SinkKind = sink.kind;
  if (sink.arg === undefined && sink.keyword === undefined) {
    const expr = exprAt(g.tree, f.range);
    return expr ? ask(builtFrom(expr), kind, g.ctx, g.project) : null;
  }
  const call = callAt(g.tree, f.range);
  if (!call) return null;
  const args = sinkArguments(call, sink);
  if (args.length === 0) return null;
  return worst(args.map((a) => ask(a, kind, g.ctx, g.project)));
}

/**
 * The whole string a highlighted literal is built into: bandit's B608
 * highlights the query's literal of `"... %s" % x`, `"..." + x` and
 * `"... {}".format(x)`, whose values are what reaches the sink.
 */
function builtFrom(expr: Node): Node {
  let n = expr;
  for (let i = 0; i < 16 && (n.type === 'string' || n.type === 'binary_operator' || n.type === 'concatenated_string'); i++) {
    const p = n.parent;
    if (p?.type === 'binary_operator' || p?.type === 'parenthesized_expression') n = p;
    else if (p?.type === 'attribute' && p.parent?.type === 'call' && p.childForFieldName('attribute')?.text === 'format') n = p.parent;
    else break;
  }
  return n;
}

/** The worst of several answers: a traced path, then unknown, then sanitised, then constant. */
export function worst(reaches: readonly Reach[]): Reach {
  const order: Reach['kind'][] = ['untrusted', 'unknown', 'sanitised', 'constant'];
  let best = reaches[0];
  for (const r of reaches) if (order.indexOf(r.kind) < order.indexOf(best.kind)) best = r;
  return best;
}

/** The argument nodes a sink names in a call: its position (or keyword), or all of them for "*". */
export function sinkArguments(call: Node, sink: Sink): Node[] {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return [];
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  for (const c of list.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'keyword_argument') {
      const name = c.childForFieldName('name')?.text;
      const value = c.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else if (c.type === 'list_splat' || c.type === 'dictionary_splat') {
      // `f(*args)`: the values are the splatted expression's.
      const inner = c.namedChildren.find((x) => x && x.type !== 'comment');
      if (inner) positional.push(inner);
    } else positional.push(c);
  }
  if (sink.arg === '*') return [...positional, ...keywords.values()];
  const at = sink.arg !== undefined ? positional[sink.arg] : undefined;
  if (at) return [at];
  const kw = sink.keyword !== undefined ? keywords.get(sink.keyword) : undefined;
  return kw ? [kw] : [];
}

/** The smallest node covering `span` (what a finding highlights), as an expression: never the statement around it. */
export function exprAt(tree: Tree, span: Span): Node | null {
  let n = tree.rootNode.descendantForIndex(span.start, Math.max(span.start, span.end - 1));
  if (!n) return null;
  while (!n.isNamed && n.parent) n = n.parent;
  if (n.type.endsWith('_statement') || n.type === 'module' || n.type === 'block') {
    // A range of whole lines (bandit without end columns): the statement's first expression.
    const first = n.namedChildren.find((c) => c && c.type !== 'comment' && c.startIndex >= span.start);
    return first ?? null;
  }
  return n;
}

/**
 * The call a finding is about: the one its range is in (a highlighted
 * `shell=True` is in its call), else the first call that starts in the
 * range (bandit's ranges of whole lines).
 */
export function callAt(tree: Tree, span: Span): Node | null {
  const at = tree.rootNode.descendantForIndex(span.start, Math.max(span.start, span.end - 1));
  if (!at) return null;
  for (let n: Node | null = at; n; n = n.parent) if (n.type === 'call') return n;
  for (const c of at.descendantsOfType('call')) if (c && c.startIndex >= span.start && c.startIndex < Math.max(span.end, span.start + 1)) return c;
  return null;
}

// ------------------------------------------------------------- crypto values as secrets

/** Expression nodes a hash or random value passes through unchanged in meaning (`md5(x).hexdigest()`, `str(random.random())`). */
const CARRIERS = new Set(['attribute', 'call', 'argument_list', 'parenthesized_expression', 'binary_operator', 'subscript', 'string', 'interpolation', 'concatenated_string', 'conditional_expression', 'await']);
/** How far up the carriers are followed: a value stays itself for a few expressions, not a whole statement tree. */
const CARRIER_DEPTH = 8;

/**
 * Whether a weak hash's or `random`'s value is a password, token, key,
 * session id or cookie: what it is assigned to, passed as, stored under or
 * returned from names one (`reset_token = md5(...).hexdigest()`,
 * `set_cookie("session", ...)`), or what it hashes names a password
 * (`md5(password)`).
 */
export function usedAsSecret(call: Node): boolean {
  const list = call.childForFieldName('arguments');
  if (list) for (const a of list.namedChildren) if (a && a.text.length <= 200 && namesSecret(identifiersOf(a))) return true;
  let n: Node = call;
  for (let i = 0; i < CARRIER_DEPTH && n.parent && CARRIERS.has(n.parent.type); i++) {
    n = n.parent;
    // A call the value is an argument of: `set_cookie("session_id", value)`, `hmac.new(key, ...)`.
    if (n.type === 'call') {
      const fn = n.childForFieldName('function')?.text ?? '';
      if (fn.length <= 100 && namesSecret(fn)) return true;
      const args = n.childForFieldName('arguments');
      const first = args?.namedChildren.find((c) => c && c.type !== 'comment');
      if (first && first.type === 'string' && first.text.length <= 100 && namesSecret(first.text)) return true;
    }
  }
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'assignment':
    case 'augmented_assignment': {
      const left = p.childForFieldName('left');
      return !!left && left.id !== n.id && left.text.length <= 200 && namesSecret(left.text);
    }
    case 'keyword_argument':
      return namesSecret(p.childForFieldName('name')?.text ?? '');
    case 'pair': {
      const key = p.childForFieldName('key');
      return !!key && key.id !== n.id && key.text.length <= 100 && namesSecret(key.text);
    }
    case 'return_statement': {
      for (let d: Node | null = p.parent; d; d = d.parent) {
        if (d.type === 'function_definition') return namesSecret(d.childForFieldName('name')?.text ?? '');
      }
      return false;
    }
    default:
      return false;
  }
}

/** The identifiers an argument names, joined (not its string contents: `md5(b"password")` hashes no password). */
function identifiersOf(arg: Node): string {
  const n = unparen(arg);
  if (n.type === 'identifier' || n.type === 'attribute') return n.text;
  return n.descendantsOfType(['identifier']).map((x) => x?.text ?? '').join(' ');
}

// ------------------------------------------------------------- hardcoded credentials

/**
 * The value a hardcoded-password finding quotes (`Possible hardcoded
 * password: 'dev'`, bandit's wording and ours); undefined when the message
 * quotes none (then it is not taken for a placeholder).
 */
export function quotedCredential(message: string): string | undefined {
  const at = message.indexOf(": '");
  if (at < 0 || !message.endsWith("'") || message.length < at + 4) return undefined;
  return message.slice(at + 3, -1);
}
