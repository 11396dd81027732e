import { compareFindings, type Finding } from './finding.js';

/** A merged finding, and the tree-sitter finding it stands for when bandit's and ours were paired. */
export interface MergedFinding {
  finding: Finding;
  twin?: Finding;
}

/**
 * bandit's ids that older versions give where 1.9 and the tree-sitter rules
 * give another, on the same call: bandit 1.6 reports `hashlib.md5`/`sha1`
 * as the B303 blacklist entry, 1.7.3+ as B324 (`hashlib`).
 */
const RENAMED: Readonly<Record<string, readonly string[]>> = { B303: ['B324'] };

/**
 * One list from both engines, one finding per issue whichever bandit ran.
 * The findings are paired per (rule, line) one to one, in column order
 * (bandit before 1.7.1 gives no column: its findings on a line are taken
 * in the order it lists them): a paired bandit finding stands for its
 * tree-sitter twin (bandit's wording and severity); two findings of one
 * rule on one line stay two. A bandit finding with no twin on its own
 * line is first matched as an older bandit places it — an id it renamed
 * since (B303 → B324: then the tree-sitter finding, which is 1.9's view,
 * stands), or the same rule on the first line of the statement or node it
 * belongs to (bandit 1.6 puts an issue in a multi-line call on the call's
 * first line) — and kept alone only when nothing matches. A tree-sitter
 * finding bandit does not report stays, suppressed or not. `lineOf` maps
 * an offset to its line.
 */
export function pairFindings(treeSitter: readonly Finding[], bandit: readonly Finding[], lineOf: (offset: number) => number): MergedFinding[] {
  const key = (rule: string, line: number) => `${rule}:${line}`;
  const ours = [...treeSitter].sort(compareFindings);
  // Each tree-sitter finding's place in the pairing, and the ones still free per key, in column order.
  const free = new Map<string, Finding[]>();
  const byAnchorLine = new Map<string, Finding[]>();
  for (const f of ours) {
    const k = key(f.rule, lineOf(f.range.start));
    const list = free.get(k);
    if (list) list.push(f);
    else free.set(k, [f]);
    for (const at of new Set([lineOf(f.anchor.start), lineOf(f.root.start)])) {
      const a = key(f.rule, at);
      const l = byAnchorLine.get(a);
      if (l) l.push(f);
      else byAnchorLine.set(a, [f]);
    }
  }
  const taken = new Set<Finding>();
  const take = (k: string): Finding | undefined => {
    const list = free.get(k);
    while (list?.length) {
      const f = list.shift()!;
      if (!taken.has(f)) {
        taken.add(f);
        return f;
      }
    }
    return undefined;
  };
  const takeFrom = (list: Finding[] | undefined): Finding | undefined => {
    const f = list?.find((g) => !taken.has(g));
    if (f) taken.add(f);
    return f;
  };

  const out: MergedFinding[] = [];
  const moved: Finding[] = [];
  // First every bandit finding on its own line, so that a moved one never takes a twin another finding owns.
  for (const b of withoutRepeats(bandit, (rule, line) => free.get(key(rule, line))?.length ?? 0, lineOf)) {
    const twin = take(key(b.rule, lineOf(b.range.start)));
    if (twin) out.push({ finding: b, twin });
    else moved.push(b);
  }
  for (const b of moved) {
    const line = lineOf(b.range.start);
    const renamed = (RENAMED[b.rule] ?? []).map((r) => take(key(r, line))).find((f) => f !== undefined);
    if (renamed) {
      out.push({ finding: renamed });
      continue;
    }
    const twin = takeFrom(byAnchorLine.get(key(b.rule, line)));
    // Placed where the tree-sitter rule (and bandit 1.9) places it.
    if (twin) out.push({ finding: { ...b, range: twin.range, anchor: twin.anchor, root: twin.root }, twin });
    else out.push({ finding: b });
  }
  for (const f of ours) if (!taken.has(f)) out.push({ finding: f });
  return out.sort((a, b) => compareFindings(a.finding, b.finding));
}

/**
 * bandit's findings with exact repeats (same rule, place and message) kept
 * only as often as the tree-sitter rules find that rule on that line, and
 * at least once: bandit before 1.7.1 gives no column, so two issues of a
 * rule on one line are two identical records (the tree-sitter pair counts
 * them), while a report that repeats one record a thousand times is not a
 * thousand issues.
 */
function withoutRepeats(bandit: readonly Finding[], oursAt: (rule: string, line: number) => number, lineOf: (offset: number) => number): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  for (const b of [...bandit].sort(compareFindings)) {
    const k = `${b.rule}:${b.range.start}:${b.range.end}:${b.message}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n === 1 || n <= oursAt(b.rule, lineOf(b.range.start))) out.push(b);
  }
  return out;
}
