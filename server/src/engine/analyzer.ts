import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import { compareFindings, type Finding, type Span } from '../findings/finding.js';
import { CHECKS } from './checks/index.js';
import { FileContext } from './context.js';
import { importFact, type ImportFact } from './imports.js';
import type { Hit, Rule, RuleMatch } from './rule.js';
import type { RuleSet } from './ruleset.js';

/** Inclusive overlap: a node that merely touches a changed range is re-run too. */
export function touches(a: Span, w: Span): boolean {
  return a.start <= w.end && a.end >= w.start;
}

export function spanOf(node: Node): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** Queries over the whole tree (`ranges` null) or confined to `ranges`. */
function* matchesIn(query: RuleSet['query'], root: Node, ranges: Span[] | null, scale: number): Generator<QueryMatch> {
  if (!ranges) {
    yield* query.matches(root);
    return;
  }
  for (const r of ranges) {
    yield* query.matches(root, { startIndex: Math.max(0, r.start - 1) * scale, endIndex: (r.end + 1) * scale });
  }
}

export function collectImports(ruleset: RuleSet, root: Node, ranges: Span[] | null): ImportFact[] {
  const seen = new Set<number>();
  const out: ImportFact[] = [];
  for (const m of matchesIn(ruleset.importQuery, root, ranges, ruleset.rangeScale)) {
    const node = m.captures[0]?.node;
    if (!node || seen.has(node.startIndex)) continue;
    if (ranges && !ranges.some((r) => touches(spanOf(node), r))) continue;
    seen.add(node.startIndex);
    out.push(importFact(node));
  }
  return out.sort((a, b) => a.start - b.start);
}

export type RuleErrorSink = (rule: Rule, error: unknown) => void;

/**
 * Runs every rule over the tree, or only over matches whose `@node` touches
 * one of `ranges`. Matches a predicate rejected come back without captures:
 * they are skipped.
 */
export function runRules(
  ruleset: RuleSet,
  tree: Tree,
  ctx: FileContext,
  ranges: Span[] | null,
  enabled: (rule: Rule) => boolean = () => true,
  onError?: RuleErrorSink,
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const m of matchesIn(ruleset.query, tree.rootNode, ranges, ruleset.rangeScale)) {
    if (m.captures.length === 0) continue;
    const match = toRuleMatch(m);
    if (!match) continue;
    const root = spanOf(match.node);
    if (ranges && !ranges.some((r) => touches(root, r))) continue;
    for (const rule of ruleset.rulesByPattern[m.patternIndex] ?? []) {
      if (!enabled(rule)) continue;
      let hits: Hit[];
      try {
        hits = toHits(rule.check ? CHECKS[rule.check](match, rule, ctx) : true);
      } catch (e) {
        onError?.(rule, e);
        continue;
      }
      for (const hit of hits) {
        const f = toFinding(rule, match.node, hit);
        const key = `${f.rule}:${f.range.start}:${f.range.end}:${f.root.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(f);
      }
    }
  }
  return out.sort(compareFindings);
}

function toRuleMatch(m: QueryMatch): RuleMatch | null {
  const captures = new Map<string, Node[]>();
  let node: Node | undefined;
  for (const c of m.captures) {
    if (c.name === 'node') node ??= c.node;
    const list = captures.get(c.name);
    if (list) list.push(c.node);
    else captures.set(c.name, [c.node]);
  }
  return node ? { node, captures } : null;
}

function toHits(r: ReturnType<(typeof CHECKS)[string]>): Hit[] {
  if (!r) return [];
  if (r === true) return [{}];
  return Array.isArray(r) ? r : [r];
}

function toFinding(rule: Rule, node: Node, hit: Hit): Finding {
  return {
    rule: rule.id,
    name: rule.name,
    severity: hit.severity ?? rule.severity,
    confidence: hit.confidence ?? rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    risk: hit.risk ?? rule.risk,
    message: hit.message ?? rule.message,
    range: spanOf(hit.node ?? node),
    anchor: spanOf(hit.anchor ?? node),
    root: spanOf(node),
    engine: 'tree-sitter',
    docs: rule.docs,
    suppressed: null,
  };
}
