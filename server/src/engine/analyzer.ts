import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import { compareFindings, type Finding, type RelatedLocation, type Span } from '../findings/finding.js';
import { CHECKS, GATES } from './checks/index.js';
import { FileContext } from './context.js';
import { unparen } from './pyast.js';
import { settingFact, type SettingFact } from './facts.js';
import { importFact, type ImportFact } from './imports.js';
import { forgetMemo, seedParent } from './memo.js';
import { ALL_RULES, type CheckGate, type Hit, type Rule, type RuleMatch, type RuleSelection } from './rule.js';
import type { RuleSet } from './ruleset.js';

/** Inclusive overlap: a node that merely touches a changed range is re-run too. */
export function touches(a: Span, w: Span): boolean {
  return a.start <= w.end && a.end >= w.start;
}

export function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** A hit's node or offsets as a span. */
function hitSpan(x: Node | Span): Span {
  return 'startIndex' in x ? spanOf(x) : { start: x.start, end: x.end };
}

/**
 * Query windows closer than this many characters are run as one: a query
 * call costs a walk down from the root and a cursor's setup, more than the
 * few nodes of a short gap (the pieces carry.ts leaves are often a line
 * apart). The callers keep only matches that touch a range, so a wider
 * window changes nothing but the cost.
 */
const WINDOW_GAP = 256;

/**
 * A window longer than this is queried in pieces of this size: a query's
 * matches come as one array, and those of a 10 MB statement (a one-line
 * dict) held at once, with what the rules memoised about their nodes, took
 * over a gigabyte. Between pieces the per-tree memo is let go (it is a
 * cache), so a run holds one piece's matches and memo at a time.
 */
export const MAX_WINDOW = 1 << 18;

/** The windows `ranges` are queried in: close ranges joined, long ones cut into MAX_WINDOW pieces. */
function windowsOf(ranges: Span[]): Span[] {
  const joined: Span[] = [];
  for (const r of ranges) {
    const last = joined[joined.length - 1];
    if (last && r.start - last.end <= WINDOW_GAP) last.end = Math.max(last.end, r.end);
    else joined.push({ start: r.start, end: r.end });
  }
  const windows: Span[] = [];
  for (const w of joined) {
    for (let at = w.start; ; at += MAX_WINDOW) {
      windows.push({ start: at, end: Math.min(w.end, at + MAX_WINDOW) });
      if (at + MAX_WINDOW >= w.end) break;
    }
  }
  return windows;
}

/** Queries over the whole tree (`ranges` null) or confined to `ranges`. */
function* matchesIn(query: RuleSet['query'], root: Node, ranges: Span[] | null, scale: number): Generator<QueryMatch> {
  if (!ranges) {
    yield* query.matches(root);
    return;
  }
  const windows = windowsOf(ranges);
  if (windows.length === 1) {
    const r = windows[0];
    yield* query.matches(root, { startIndex: Math.max(0, r.start - 1) * scale, endIndex: (r.end + 1) * scale });
    return;
  }
  // Several windows (the pieces carry.ts leaves) meet the same enclosing
  // nodes (the module, a class): each match once, or a scope-wide rule
  // would run its check once per piece.
  const seen = new Set<string>();
  let piece = 0;
  for (const r of windows) {
    if (piece++ > 0 && r.end - r.start >= MAX_WINDOW) forgetMemo(root.tree);
    for (const m of query.matches(root, { startIndex: Math.max(0, r.start - 1) * scale, endIndex: (r.end + 1) * scale })) {
      // A match whose nodes all lie inside this window, clear of its edges, is met in no other window: not kept.
      if (m.captures.every((c) => c.node.startIndex > r.start + 1 && c.node.endIndex < r.end - 1)) {
        yield m;
        continue;
      }
      let key = String(m.patternIndex);
      for (const c of m.captures) key += `:${c.name}=${c.node.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      yield m;
    }
  }
}

/**
 * The combined query's matches (rules and facts) over the whole tree or
 * over `ranges` (sorted, not overlapping): one walk for `collectFacts` and
 * `runRules` both.
 */
export function combinedMatches(ruleset: RuleSet, root: Node, ranges: Span[] | null): QueryMatch[] {
  return ranges ? [...matchesIn(ruleset.query, root, ranges, ruleset.rangeScale)] : ruleset.query.matches(root);
}

/** The file-wide facts: imports (bandit's aliases) and settings assignments (`facts.ts`). */
export interface FileFacts {
  imports: ImportFact[];
  settings: SettingFact[];
}

/**
 * The file-wide facts of the whole tree (`ranges` null) or of the statements
 * in `ranges`, in text order. `whole`: the combined query's matches over the
 * same tree or ranges (`combinedMatches`), when the caller has them, to read
 * the facts from instead of walking the tree again.
 */
export function collectFacts(ruleset: RuleSet, root: Node, ranges: Span[] | null, whole?: readonly QueryMatch[]): FileFacts {
  const seen = new Set<number>();
  const imports: ImportFact[] = [];
  const settings: SettingFact[] = [];
  const matches = whole ? whole.filter((m) => m.patternIndex >= ruleset.factsStart) : matchesIn(ruleset.factQuery, root, ranges, ruleset.rangeScale);
  for (const m of matches) {
    const capture = m.captures.find((c) => c.name === 'import' || c.name === 'setting');
    const node = capture?.node;
    if (!node || seen.has(node.id)) continue;
    if (ranges && !ranges.some((r) => touches(spanOf(node), r))) continue;
    seen.add(node.id);
    if (capture.name === 'import') imports.push(importFact(node));
    else {
      const fact = settingFact(node);
      if (fact) settings.push(fact);
    }
  }
  const byStart = (a: { start: number }, b: { start: number }) => a.start - b.start;
  return { imports: imports.sort(byStart), settings: settings.sort(byStart) };
}

export type RuleErrorSink = (rule: Rule, error: unknown) => void;

/**
 * Runs every rule over the tree, or only over matches whose `@node` touches
 * one of `ranges` (`whole`: the combined query's matches over the same tree
 * or ranges, already there). Matches a predicate rejected come back without captures:
 * they are skipped.
 *
 * A PS rule that declares `params.silentWhen: ["B201"]` is dropped where one
 * of those bandit rules reports the same thing: a finding of it on the same
 * line whose matched node overlaps the PS rule's (`silence`). A silencer
 * that is turned off still runs, unseen, for that purpose: the PS rule never
 * repeats a bandit finding, shown or not.
 *
 * `selection` must answer the same for a rule as long as it lives (a new
 * selection is a new object): which rules run is kept per selection.
 */
export function runRules(
  ruleset: RuleSet,
  tree: Tree,
  ctx: FileContext,
  ranges: Span[] | null,
  selection: RuleSelection = ALL_RULES,
  onError?: RuleErrorSink,
  whole?: readonly QueryMatch[],
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  /** Lines of the findings `silence` compares (silencers and silenceable only). */
  const lines = new Map<Finding, number>();
  let shadow: Finding[] | undefined;
  // Which rules of a pattern run, asked once per pattern rather than once
  // per match (`(call) @node` alone has some eighty rules), and kept for the
  // next run with the same selection (a keystroke's).
  const plans = plansFor(ruleset, selection);
  const planOf = (pattern: number): Plan => (plans[pattern] ??= makePlan(ruleset.rulesByPattern[pattern] ?? [], ruleset, selection));
  const run = (match: RuleMatch, { rule, on, silencer, check }: PlannedRule): void => {
    let hits: Hit[];
    try {
      hits = toHits(check ? check(match, rule, ctx) : true);
    } catch (e) {
      onError?.(rule, e);
      return;
    }
    for (const hit of hits) {
      const f = toFinding(rule, match.node, hit, ctx);
      const key = `${f.rule}:${f.range.start}:${f.range.end}:${f.root.start}:${hit.occurrence ?? 0}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (silencer || ruleset.silencedBy.has(rule.id)) lines.set(f, rowOf(tree, hit.node ?? match.node));
      if (on) out.push(f);
      else (shadow ??= []).push(f);
    }
  };
  // The facts' patterns (`factsStart` on) own no rules: their matches are skipped here.
  for (const m of whole ?? matchesIn(ruleset.query, tree.rootNode, ranges, ruleset.rangeScale)) {
    if (m.captures.length === 0) continue;
    const plan = planOf(m.patternIndex);
    if (plan.size === 0) continue;
    const match = toRuleMatch(m);
    if (!match) continue;
    if (ranges) {
      const root = spanOf(match.node);
      if (!ranges.some((r) => touches(root, r))) continue;
    }
    // The order rules run in on one match does not show: findings are
    // sorted, and two of one rule never come from one match.
    for (const p of plan.always) run(match, p);
    for (const group of plan.gated) {
      let key: string | null | undefined;
      try {
        key = group.gate.key(match, ctx);
      } catch {
        key = null; // every check runs, and reports its own error
      }
      if (key === undefined) continue;
      for (const p of key === null ? group.all : (group.byKey.get(key) ?? [])) run(match, p);
    }
  }
  return silence(ruleset, out, shadow, lines).sort(compareFindings);
}

interface PlannedRule {
  rule: Rule;
  /** Shown (enabled); a silencer that is not still runs, unseen. */
  on: boolean;
  silencer: boolean;
  check: (typeof CHECKS)[string] | undefined;
}

/**
 * The plans of runs by rule set and rule selection. A selection is a pure
 * function of the rule (a document's settings replace it, not change it),
 * so its plans hold for as long as it lives.
 */
const PLANS = new WeakMap<RuleSet, WeakMap<RuleSelection, (Plan | undefined)[]>>();

function plansFor(ruleset: RuleSet, selection: RuleSelection): (Plan | undefined)[] {
  let bySelection = PLANS.get(ruleset);
  if (!bySelection) PLANS.set(ruleset, (bySelection = new WeakMap()));
  let plans = bySelection.get(selection);
  if (!plans) bySelection.set(selection, (plans = []));
  return plans;
}

/** A pattern's rules to run: those without a gate on every match, the others by their gate's key. */
interface Plan {
  size: number;
  always: PlannedRule[];
  gated: { gate: CheckGate; all: PlannedRule[]; byKey: Map<string, PlannedRule[]> }[];
}

function makePlan(rules: readonly Rule[], ruleset: RuleSet, selection: RuleSelection): Plan {
  const plan: Plan = { size: 0, always: [], gated: [] };
  for (const rule of rules) {
    const on = selection.accepts(rule);
    const silencer = ruleset.silencers.has(rule.id);
    if (!on && !silencer) continue;
    // The project's bandit plugin settings (plugin-config.ts) ride on the
    // selection, so the plans, kept per selection, are made with its rule copies.
    const own = selection.variant(rule);
    const p: PlannedRule = { rule: own, on, silencer, check: rule.check ? CHECKS[rule.check] : undefined };
    plan.size++;
    const gate = rule.check ? GATES[rule.check] : undefined;
    let keys: ReadonlySet<string> | undefined;
    try {
      keys = gate?.keys(own);
    } catch {
      keys = undefined; // broken params: the check runs on every match and reports them
    }
    if (!gate || !keys) {
      plan.always.push(p);
      continue;
    }
    let group = plan.gated.find((g) => g.gate === gate);
    if (!group) plan.gated.push((group = { gate, all: [], byKey: new Map() }));
    group.all.push(p);
    for (const k of keys) {
      const list = group.byKey.get(k);
      if (list) list.push(p);
      else group.byKey.set(k, [p]);
    }
  }
  return plan;
}

/** The 0-based line a hit's node (or offsets) starts on. */
function rowOf(tree: Tree, x: Node | Span): number {
  return 'startIndex' in x ? x.startPosition.row : (tree.rootNode.descendantForIndex(x.start, x.start)?.startPosition.row ?? -1);
}

/**
 * Drops each PS finding whose rule lists, in `silentWhen`, the rule of
 * another finding on the same line whose matched node overlaps its own.
 * Overlapping nodes lie in one statement, which an incremental run always
 * re-runs whole, so that both findings are always computed together.
 * Costs nothing unless a silenceable finding exists (rare).
 */
export function silence(ruleset: RuleSet, findings: Finding[], shadow: readonly Finding[] | undefined, lines: ReadonlyMap<Finding, number>): Finding[] {
  if (ruleset.silencedBy.size === 0 || !findings.some((f) => ruleset.silencedBy.has(f.rule))) return findings;
  const silencers = [...findings, ...(shadow ?? [])].filter((g) => ruleset.silencers.has(g.rule));
  if (silencers.length === 0) return findings;
  return findings.filter((f) => {
    const by = ruleset.silencedBy.get(f.rule);
    if (!by) return true;
    const line = lines.get(f);
    return !silencers.some((g) => by.has(g.rule) && lines.get(g) === line && touches(g.root, f.root));
  });
}

function toRuleMatch(m: QueryMatch): RuleMatch | null {
  const captures = new Map<string, Node[]>();
  let node: Node | undefined;
  let parent: Node | undefined;
  for (const c of m.captures) {
    if (c.name === 'node') node ??= c.node;
    else if (c.name === 'parent') parent ??= c.node;
    const list = captures.get(c.name);
    if (list) list.push(c.node);
    else captures.set(c.name, [c.node]);
  }
  if (!node) return null;
  // Some eighty rules ask the matched node its type, each a call into wasm:
  // read once, it is the node's own property from then on (a node's type
  // never changes).
  Object.defineProperty(node, 'type', { value: node.type });
  // A pattern may capture the matched node's parent as `@parent`
  // (`(_ (string) @node) @parent`): `parentOf` then has it for nothing.
  if (parent) seedParent(node, parent);
  return { node, captures };
}

function toHits(r: ReturnType<(typeof CHECKS)[string]>): Hit[] {
  if (!r) return [];
  if (r === true) return [{}];
  return Array.isArray(r) ? r : [r];
}

/**
 * For a call whose name resolves through an import alias (`sp.run(...)`
 * after `import subprocess as sp`, `system(...)` after `from os import
 * system`): that import statement, as the finding's related location.
 */
function relatedImport(node: Node, ctx: FileContext): RelatedLocation[] | undefined {
  if (node.type !== 'call') return undefined;
  let base = node.childForFieldName('function');
  while (base) {
    base = unparen(base);
    if (base.type !== 'attribute') break;
    base = base.childForFieldName('object');
  }
  if (!base || base.type !== 'identifier') return undefined;
  const binding = ctx.importBinding(base.text, node.startIndex);
  if (!binding) return undefined;
  return [{ span: { start: binding.fact.start, end: binding.fact.end }, message: `${base.text} is ${binding.qualified}, imported here` }];
}

function toFinding(rule: Rule, node: Node, hit: Hit, ctx: FileContext): Finding {
  const related = relatedImport(hit.call ?? node, ctx);
  return {
    rule: rule.id,
    name: rule.name,
    severity: hit.severity ?? rule.severity,
    confidence: hit.confidence ?? rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    risk: hit.risk ?? rule.risk,
    message: hit.message ?? rule.message,
    range: hitSpan(hit.node ?? node),
    anchor: hitSpan(hit.anchor ?? node),
    root: spanOf(node),
    engine: 'tree-sitter',
    docs: rule.docs,
    suppressed: null,
    ...(related ? { related } : {}),
    ...(hit.flow ? { flow: hit.flow } : {}),
  };
}
