import { compareFindings, type Finding } from './finding.js';

/**
 * One list from both engines. A bandit finding and a tree-sitter finding
 * with the same rule id on the same line are one finding, and bandit's
 * wins (its wording, its severity). `lineOf` maps an offset to its line.
 */
export function mergeFindings(treeSitter: readonly Finding[], bandit: readonly Finding[], lineOf: (offset: number) => number): Finding[] {
  if (bandit.length === 0) return [...treeSitter];
  const key = (f: Finding) => `${f.rule}:${lineOf(f.range.start)}`;
  const fromBandit = new Set(bandit.map(key));
  const out = treeSitter.filter((f) => !fromBandit.has(key(f)));
  const seen = new Set<string>();
  for (const f of bandit) {
    const k = `${key(f)}:${f.range.start}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort(compareFindings);
}
