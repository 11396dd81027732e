import type { Tree } from 'web-tree-sitter';
import type { TextLines } from '../positions/lines.js';
import type { Finding } from '../findings/finding.js';
import { commentOnLine, findingLines, lineCommentReader, readComment, suppressionAt, type FindingLines, type LineComments } from './apply.js';
import { ISSUE_LINE_MOVED_AFTER_16, nosec16, silencedOn16 } from './bandit16.js';
import { buildComment, dedupe, isBanditId, parseComment } from './comment.js';
import { commentEdit, lineSlot, type LineSlot, type OffsetTextEdit } from './lines.js';

/**
 * Where a suppression comment goes, and what it says.
 *
 * bandit 1.9 honours a `# nosec` on the issue's line (`line_number`) and
 * the FIRST `# nosec` on any line of the flagged node's range; bandit
 * 1.6–1.7.4 honour only the issue's line and the node's first line
 * (`lineno`). For the tests bandit runs on string constants (B104, B105,
 * B108, B608) that node is the string itself, so its first line is the
 * issue's line; bandit 1.6 on Python ≥ 3.8 never runs them at all.
 *
 * So the candidates are, in order: the issue's line, the node's first
 * line, then the other lines of the node's range (read by bandit ≥ 1.7.5
 * only). A candidate must be able to carry a comment (not ending inside a
 * string, no backslash continuation), must not hold a `# nosec` that a
 * merge would change the meaning of, and — simulated with bandit 1.9's
 * reading of every comment — must silence the target and change no other
 * finding. The first candidate that every version reads and that changes
 * nothing else wins; failing that, the first that only bandit ≥ 1.7.5
 * reads; failing that, one that also silences a finding bandit cannot tell
 * apart (same test, same line), which the caller names in its title.
 *
 * B106 is the exception to "every version reads the issue's line": 1.6
 * reports it on the call's first line (bandit16.ts), so in a multi-line
 * call only that line is read by every version. And since 1.6 reads any
 * `# nosec` as blanket, the placement also says which other findings 1.6
 * would silence with it (the caller's title warns).
 */

/** bandit tests that run on string constants: their "node" starts on the issue's line. */
export const STRING_TESTS: ReadonlySet<string> = new Set(['B104', 'B105', 'B108', 'B608']);

export type Justification = { kind: 'placeholder'; text: string } | { kind: 'reason'; text: string };

export interface Placement {
  line: number;
  edit: OffsetTextEdit;
  /** Read by every bandit version (1.6.2 on); false: bandit ≥ 1.7.5 only. */
  everyVersion: boolean;
  /** Other findings the comment silences too (same rule, lines bandit cannot tell apart). */
  collateral: Finding[];
  /**
   * bandit 1.6 reads any `# nosec` as blanket: the ids of the other findings
   * it would silence too (on the line, or under the statement that starts
   * there: `beyondLine`), which newer bandits keep reporting.
   */
  bandit16: { ids: string[]; beyondLine: boolean };
}

export type PlacementResult = { ok: true; placement: Placement } | { ok: false; reason: string };

export interface PlacementContext {
  doc: TextLines;
  tree: Tree;
  /** Every finding of the document, suppressed or not, from every engine. */
  findings: readonly Finding[];
}

/** The comment `existing` (or a new one) with `ids` added, or why it cannot take them. */
export function addToComment(
  existing: string | null,
  ids: readonly string[],
  justification: Justification,
  placeholder: string,
): { text: string; tabStop: [number, number] | null } | { refused: string } {
  const parts = existing !== null ? parseComment(existing) : null;
  const banditIds = ids.filter(isBanditId);
  const ourIds = ids.filter((id) => !isBanditId(id));
  if (parts?.nosec) {
    if (parts.nosecIds.length === 0) {
      return { refused: 'its `# nosec` names no test bandit knows, so it already silences every test there: fix that comment first' };
    }
    if (parts.lostIds.length) {
      return { refused: `its \`# nosec\` joins ids without a space (bandit reads only the last one): fix that comment first` };
    }
  }
  const nosec = dedupe([...(parts?.nosecIds ?? []), ...banditIds]);
  const ignore = dedupe([...(parts?.ignoreIds ?? []), ...ourIds]);
  const existingReason = [parts?.strayWords.join(' ') ?? '', parts?.justification ?? '']
    .filter((s) => s !== '' && s !== placeholder)
    .join('; ');
  let text: string;
  let isPlaceholder = false;
  if (existingReason === '') {
    text = justification.text;
    isPlaceholder = justification.kind === 'placeholder';
  } else if (justification.kind === 'placeholder') {
    text = existingReason;
  } else {
    text = `${existingReason}; ${ids.join(', ')}: ${justification.text}`;
  }
  const built = buildComment({ lead: parts?.lead ?? (existing ?? '').trim(), nosec, ignore, justification: text });
  return { text: built.text, tabStop: isPlaceholder ? built.justification : null };
}

interface Candidate {
  line: number;
  everyVersion: boolean;
}

/** Lines a finding may be suppressed on, in order of preference. */
export function candidateLines(rule: string, lines: FindingLines): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<number>();
  const bandit = isBanditId(rule);
  const every = (l: number) => !bandit || (l === lines.issue && (l === lines.first || !ISSUE_LINE_MOVED_AFTER_16.has(rule))) || (l === lines.first && !STRING_TESTS.has(rule));
  for (const l of [lines.issue, lines.first]) {
    if (seen.has(l)) continue;
    seen.add(l);
    out.push({ line: l, everyVersion: every(l) });
  }
  for (let l = lines.first; l <= lines.last; l++) {
    if (seen.has(l)) continue;
    seen.add(l);
    out.push({ line: l, everyVersion: every(l) });
  }
  return out;
}

/**
 * Places one comment that suppresses every finding of `targets` (one, or
 * all those sharing a line), with `justification`.
 */
export function placeSuppression(ctx: PlacementContext, targets: readonly Finding[], justification: Justification, placeholder: string): PlacementResult {
  if (targets.length === 0) return { ok: false, reason: 'there is nothing to suppress' };
  const { doc, tree } = ctx;
  const at0 = lineCommentReader(doc, tree);
  const ids = dedupe(targets.map((t) => t.rule));
  const targetLines = targets.map((t) => findingLines(t, doc));

  // Candidates of the first target, kept when every target can use them; then the others'.
  const order: number[] = [];
  for (const tl of targetLines.map((l, i) => candidateLines(targets[i].rule, l))) for (const c of tl) if (!order.includes(c.line)) order.push(c.line);
  const usable = order.filter((line) => targets.every((t, i) => line === targetLines[i].issue || (line >= targetLines[i].first && line <= targetLines[i].last)));

  const others = ctx.findings.filter((f) => !targets.includes(f)).map((f) => ({ f, lines: findingLines(f, doc) }));
  const reasons: string[] = [];
  let best: { score: number; placement: Placement } | null = null;
  for (const line of usable) {
    const slot: LineSlot = lineSlot(doc, tree, line);
    if (!slot.ok) {
      reasons.push(`line ${line + 1}: ${slot.reason}`);
      continue;
    }
    const added = addToComment(slot.comment?.text ?? null, ids, justification, placeholder);
    if ('refused' in added) {
      reasons.push(`line ${line + 1}: ${added.refused}`);
      continue;
    }
    const after = readComment(added.text);
    const at1 = (l: number): LineComments | null => (l === line ? after : at0(l));
    if (!targets.every((t, i) => suppressionAt(t.rule, targetLines[i], at1) !== null)) {
      reasons.push(`line ${line + 1}: bandit would read an earlier \`# nosec\` of the same statement instead`);
      continue;
    }
    const collateral: Finding[] = [];
    let changesOthers = false;
    for (const o of others) {
      if (o.lines.issue !== line && (line < o.lines.first || line > o.lines.last)) continue;
      const before = suppressionAt(o.f.rule, o.lines, at0) !== null;
      const now = suppressionAt(o.f.rule, o.lines, at1) !== null;
      if (before === now) continue;
      // Only a finding of a rule being suppressed, on a line it shares, is an unavoidable companion.
      if (ids.includes(o.f.rule) && !before) collateral.push(o.f);
      else changesOthers = true;
    }
    if (changesOthers) {
      reasons.push(`line ${line + 1}: it would change how bandit reads another finding's suppression`);
      continue;
    }
    const everyVersion = targets.every((t, i) => candidateLines(t.rule, targetLines[i]).some((c) => c.line === line && c.everyVersion));
    const score = (collateral.length ? 2 : 0) + (everyVersion ? 0 : 1);
    if (!best || score < best.score) {
      best = { score, placement: { line, edit: commentEdit(slot, added.text, added.tabStop), everyVersion, collateral, bandit16: { ids: [], beyondLine: false } } };
      if (score === 0) break;
    }
  }
  if (best) {
    const p = best.placement;
    const existing = (l: number) => commentOnLine(doc, tree, l)?.text ?? null;
    const addsNosec = targets.some((t) => isBanditId(t.rule)) && nosec16(p.edit.text);
    p.bandit16 = addsNosec ? silencedOn16(doc, tree, p.line, others, new Set([...targets, ...p.collateral]), existing) : { ids: [], beyondLine: false };
    return { ok: true, placement: p };
  }
  return {
    ok: false,
    reason: reasons.length ? `no line can carry the comment (${reasons.join('; ')})` : 'no line can carry the comment',
  };
}
