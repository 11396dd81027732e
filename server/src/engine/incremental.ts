import type { Tree } from 'web-tree-sitter';
import { compareFindings, type Finding, type Span } from '../findings/finding.js';
import { collectImports, runRules, touches, type RuleErrorSink } from './analyzer.js';
import { FileContext } from './context.js';
import { sameImports, type ImportFact } from './imports.js';
import type { Rule } from './rule.js';
import type { RuleSet } from './ruleset.js';
import { mergeSpans, widen } from './widen.js';

/** One text edit in UTF-16 offsets: `[start, oldEnd)` became `[start, newEnd)`. */
export interface OffsetEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Shifts a span through an edit. Spans before the edit stay, spans after it
 * move, spans that enclose it stretch; a span the edit cuts into is gone
 * (null): whatever replaces it touches the edit and is recomputed.
 */
export function shiftSpan(s: Span, e: OffsetEdit): Span | null {
  const delta = e.newEnd - e.oldEnd;
  if (s.end <= e.start) return s;
  if (s.start >= e.oldEnd) return delta === 0 ? s : { start: s.start + delta, end: s.end + delta };
  if (s.start <= e.start && s.end >= e.oldEnd) return { start: s.start, end: s.end + delta };
  return null;
}

function shiftFinding(f: Finding, e: OffsetEdit): Finding | null {
  const root = shiftSpan(f.root, e);
  const range = shiftSpan(f.range, e);
  const anchor = shiftSpan(f.anchor, e);
  if (!root || !range || !anchor) return null;
  return root === f.root && range === f.range && anchor === f.anchor ? f : { ...f, root, range, anchor };
}

function shiftImport(i: ImportFact, e: OffsetEdit): ImportFact | null {
  const s = shiftSpan(i, e);
  if (!s) return null;
  return s === i ? i : { ...i, start: s.start, end: s.end };
}

/**
 * The tree-sitter findings of one document, kept current through edits by
 * re-running the rules only where the text changed (widened to the
 * enclosing statements) and shifting the rest. Equal, after any sequence of
 * edits, to a run from scratch on the same text.
 */
export class DocumentAnalysis {
  findings: Finding[] = [];
  imports: ImportFact[] = [];
  /** How many statements' worth of text the last update re-ran (for the bench). */
  lastRun: { full: boolean; chars: number } = { full: true, chars: 0 };

  constructor(
    private readonly ruleset: RuleSet,
    private readonly filename: string,
    private readonly enabled: (rule: Rule) => boolean = () => true,
    private readonly onError?: RuleErrorSink,
  ) {}

  full(tree: Tree): void {
    this.imports = collectImports(this.ruleset, tree.rootNode, null);
    this.findings = runRules(this.ruleset, tree, this.context(), null, this.enabled, this.onError);
    this.lastRun = { full: true, chars: tree.rootNode.endIndex };
  }

  /**
   * `edits` in the order they were applied; `changed` is the new tree's
   * `getChangedRanges` against the old one (structural changes the edits
   * caused elsewhere, such as a string quote opened above).
   */
  update(tree: Tree, edits: readonly OffsetEdit[], changed: readonly Span[]): void {
    // Each edit's new text, carried to the final coordinates by the edits after it.
    const dirty: Span[] = [];
    let findings = this.findings;
    let imports = this.imports;
    for (const e of edits) {
      for (let i = 0; i < dirty.length; i++) {
        const d = dirty[i];
        dirty[i] = shiftSpan(d, e) ?? { start: Math.min(d.start, e.start), end: Math.max(e.newEnd, d.end + e.newEnd - e.oldEnd) };
      }
      findings = findings.map((f) => shiftFinding(f, e)).filter((f): f is Finding => f !== null);
      imports = imports.map((i) => shiftImport(i, e)).filter((i): i is ImportFact => i !== null);
      dirty.push({ start: e.start, end: e.newEnd });
    }
    // `changed` is already in the new tree's coordinates.
    dirty.push(...changed);
    const ranges = mergeSpans(dirty.map((r) => widen(tree, r)));

    const keptImports = imports.filter((i) => !ranges.some((r) => touches(i, r)));
    const newImports = collectImports(this.ruleset, tree.rootNode, ranges);
    const allImports = [...keptImports, ...newImports].sort((a, b) => a.start - b.start);
    if (!sameImports(allImports, this.imports)) {
      // Aliases changed: any call anywhere may resolve differently.
      this.full(tree);
      return;
    }
    this.imports = allImports;
    const kept = findings.filter((f) => !ranges.some((r) => touches(f.root, r)));
    const fresh = runRules(this.ruleset, tree, this.context(), ranges, this.enabled, this.onError);
    this.findings = [...kept, ...fresh].sort(compareFindings);
    this.lastRun = { full: false, chars: ranges.reduce((n, r) => n + r.end - r.start, 0) };
  }

  private context(): FileContext {
    return new FileContext(this.imports, this.filename);
  }
}
