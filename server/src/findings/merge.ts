import { compareFindings, type Finding } from './finding.js';

/**
 * One list from both engines: one finding per rule and line. Where bandit
 * reports a rule on a line, its finding stands for every tree-sitter
 * finding of that rule there (its wording, its severity); otherwise the
 * first tree-sitter finding on the line does. `lineOf` maps an offset to
 * its line.
 */
export function mergeFindings(treeSitter: readonly Finding[], bandit: readonly Finding[], lineOf: (offset: number) => number): Finding[] {
  const byKey = new Map<string, Finding>();
  const key = (f: Finding) => `${f.rule}:${lineOf(f.range.start)}`;
  for (const f of [...bandit].sort(compareFindings)) if (!byKey.has(key(f))) byKey.set(key(f), f);
  for (const f of treeSitter) {
    const k = key(f);
    const kept = byKey.get(k);
    // A suppressed tree-sitter finding stays listed unless bandit reports the rule there.
    if (!kept || (kept.engine === 'tree-sitter' && kept.suppressed && !f.suppressed)) byKey.set(k, f);
  }
  return [...byKey.values()].sort(compareFindings);
}
