import type { Tree } from 'web-tree-sitter';
import { compareFindings, type Finding, type Span } from '../findings/finding.js';
import { shiftSpan, type OffsetEdit } from '../findings/span.js';

export type { OffsetEdit };
export { shiftSpan };
import { collectFacts, combinedMatches, MAX_WINDOW, runRules, touches, type RuleErrorSink } from './analyzer.js';
import { FileContext } from './context.js';
import { carryScan, importHeads, requestOwners, type CodeScan } from './flow/request-gate.js';
import { sameSettings, type SettingFact } from './facts.js';
import { sameImports, type ImportFact } from './imports.js';
import { ALL_RULES, type RuleSelection } from './rule.js';
import type { RuleSet } from './ruleset.js';
import { NARROW_ABOVE, narrow } from './carry.js';
import { forgetMemo } from './memo.js';
import { mergeSpans, widen } from './widen.js';

/** Thrown away when an edit cuts into a related location (an import): the caller re-runs everything. */
const RELATED_CUT = Symbol('related location cut');

function shiftFinding(f: Finding, e: OffsetEdit): Finding | null | typeof RELATED_CUT {
  const root = shiftSpan(f.root, e);
  const range = shiftSpan(f.range, e);
  const anchor = shiftSpan(f.anchor, e);
  if (!root || !range || !anchor) return null;
  let related = f.related;
  if (related) {
    const moved = related.map((r) => {
      const span = shiftSpan(r.span, e);
      return span === r.span ? r : span && { ...r, span };
    });
    if (moved.some((r) => r === null)) return RELATED_CUT;
    if (moved.some((r, i) => r !== related![i])) related = moved as NonNullable<Finding['related']>;
  }
  // The attack path's steps in this document move with it (a step in
  // another file does not); a step the edit cuts into is re-traced by a
  // full run, like a related import. Their line and column are the trace's:
  // a consumer with the document places a step by its span.
  let flow = f.flow;
  if (flow) {
    const moved = flow.map((step) => {
      if (step.file !== null) return step;
      const span = shiftSpan(step.span, e);
      return span === step.span ? step : span && { ...step, span };
    });
    if (moved.some((step) => step === null)) return RELATED_CUT;
    if (moved.some((step, i) => step !== flow![i])) flow = moved as NonNullable<Finding['flow']>;
  }
  if (root === f.root && range === f.range && anchor === f.anchor && related === f.related && flow === f.flow) return f;
  return { ...f, root, range, anchor, ...(related ? { related } : {}), ...(flow ? { flow } : {}) };
}

function shiftImport(i: ImportFact, e: OffsetEdit): ImportFact | null {
  const s = shiftSpan(i, e);
  if (!s) return null;
  return s === i ? i : { ...i, start: s.start, end: s.end };
}

function shiftFact<T extends { start: number; end: number }>(i: T, e: OffsetEdit): T | null {
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
  /** Settings assignments other statements' rules depend on (`facts.ts`): kept like the imports. */
  settings: SettingFact[] = [];
  /** How many statements' worth of text the last update re-ran (for the bench). */
  lastRun: { full: boolean; chars: number } = { full: true, chars: 0 };
  /** The flow layer's request gate's reading of the file, carried from edit to edit (flow/request-gate.ts `carryScan`). */
  private gateScan: CodeScan | undefined;
  /** Re-run ranges longer than this are narrowed to the statements that changed (carry.ts); tests set 0 to narrow every range. */
  narrowAbove = NARROW_ABOVE;

  constructor(
    readonly ruleset: RuleSet,
    private readonly filename: string,
    private selection: RuleSelection = ALL_RULES,
    private readonly onError?: RuleErrorSink,
  ) {}

  /** Runs from scratch with another rule selection (the settings changed). */
  reset(tree: Tree, selection: RuleSelection): void {
    this.selection = selection;
    this.full(tree);
  }

  full(tree: Tree): void {
    try {
      const root = tree.rootNode;
      if (root.endIndex > MAX_WINDOW) {
        // A large text: the facts, then the rules, each walking the tree in
        // windows (analyzer.ts `MAX_WINDOW`): memory bounded by a window's matches, not the file's.
        const all = [{ start: 0, end: root.endIndex }];
        ({ imports: this.imports, settings: this.settings } = collectFacts(this.ruleset, root, all));
        const ctx = this.context();
        this.findings = runRules(this.ruleset, tree, ctx, all, this.selection, this.onError);
        this.gateScan = ctx.gateScan;
        this.lastRun = { full: true, chars: root.endIndex };
        return;
      }
      // One walk of the tree for the facts and the rules.
      const whole = combinedMatches(this.ruleset, root, null);
      ({ imports: this.imports, settings: this.settings } = collectFacts(this.ruleset, root, null, whole));
      const ctx = this.context();
      this.findings = runRules(this.ruleset, tree, ctx, null, this.selection, this.onError, whole);
      this.gateScan = ctx.gateScan;
      this.lastRun = { full: true, chars: tree.rootNode.endIndex };
    } finally {
      forgetMemo(tree);
    }
  }

  /**
   * `edits` in the order they were applied; `changed` is the new tree's
   * `getChangedRanges` against the old one (structural changes the edits
   * caused elsewhere, such as a string quote opened above). `old`, the
   * previous tree after the edits (not yet deleted), lets a large changed
   * range keep the statements in it that did not change (carry.ts).
   */
  update(tree: Tree, edits: readonly OffsetEdit[], changed: readonly Span[], old?: Tree): void {
    try {
      this.rerun(tree, edits, changed, old);
    } finally {
      forgetMemo(tree);
    }
  }

  private rerun(tree: Tree, edits: readonly OffsetEdit[], changed: readonly Span[], old?: Tree): void {
    // Each edit's new text, carried to the final coordinates by the edits after it.
    const dirty: Span[] = [];
    let findings = this.findings;
    let imports = this.imports;
    let settings = this.settings;
    for (const e of edits) {
      for (let i = 0; i < dirty.length; i++) {
        const d = dirty[i];
        dirty[i] = shiftSpan(d, e) ?? { start: Math.min(d.start, e.start), end: Math.max(e.newEnd, d.end + e.newEnd - e.oldEnd) };
      }
      const shifted = findings.map((f) => shiftFinding(f, e));
      if (shifted.includes(RELATED_CUT)) {
        // An edit inside an import that a kept finding points at: rare, and
        // a full run is always right.
        this.full(tree);
        return;
      }
      findings = shifted.filter((f): f is Finding => f !== null && f !== RELATED_CUT);
      imports = imports.map((i) => shiftImport(i, e)).filter((i): i is ImportFact => i !== null);
      settings = settings.map((i) => shiftFact(i, e)).filter((i): i is SettingFact => i !== null);
      dirty.push({ start: e.start, end: e.newEnd });
    }
    // `changed` is already in the new tree's coordinates.
    const edited = dirty.slice();
    dirty.push(...changed);
    let ranges = mergeSpans(dirty.map((r) => widen(tree, r)));
    if (old && ranges.some((r) => r.end - r.start > this.narrowAbove)) {
      ranges = ranges.flatMap((r) => (r.end - r.start > this.narrowAbove ? narrow(tree, old, r, edited) : [r]));
    }

    const keptImports = imports.filter((i) => !ranges.some((r) => touches(i, r)));
    // One query run over the ranges for the facts and the rules.
    const matches = combinedMatches(this.ruleset, tree.rootNode, ranges);
    const facts = collectFacts(this.ruleset, tree.rootNode, ranges, matches);
    const allImports = [...keptImports, ...facts.imports].sort((a, b) => a.start - b.start);
    const allSettings = [...settings.filter((i) => !ranges.some((r) => touches(i, r))), ...facts.settings].sort((a, b) => a.start - b.start);
    if (!sameImports(allImports, this.imports) || !sameSettings(allSettings, this.settings)) {
      // Aliases changed: any call anywhere may resolve differently. Or a
      // settings fact changed (a settings module, CORS credentials): the
      // rules that read it may decide differently anywhere.
      this.full(tree);
      return;
    }
    this.imports = allImports;
    this.settings = allSettings;
    const kept = findings.filter((f) => !ranges.some((r) => touches(f.root, r)));
    if (kept.some((f) => f.related?.some((rel) => ranges.some((r) => touches(rel.span, r))) || f.flow?.some((step) => step.file === null && ranges.some((r) => touches(step.span, r))))) {
      // A kept finding points at an import statement that was re-read: its
      // span may have changed shape. Or a step of its attack path (in another
      // def) was edited: the path may be gone. Re-run everything rather than guess.
      this.full(tree);
      return;
    }
    const ctx = this.context();
    // The request gate's reading of the file: only the re-run statements read again (a keystroke reads no whole file).
    if (this.gateScan) ctx.gateScan = carryScan(this.gateScan, tree.rootNode, ranges, importHeads(ctx), requestOwners(ctx));
    const fresh = runRules(this.ruleset, tree, ctx, ranges, this.selection, this.onError, matches);
    this.gateScan = ctx.gateScan;
    this.findings = [...kept, ...fresh].sort(compareFindings);
    this.lastRun = { full: false, chars: ranges.reduce((n, r) => n + r.end - r.start, 0) };
  }

  private context(): FileContext {
    return new FileContext(this.imports, this.filename, this.settings);
  }
}
