/**
 * The imports as of each statement (engine/history.ts), one persistent
 * structure, against the copy per statement it replaced (kept here as the
 * reference): equal answers after random import sequences.
 */
import { describe, expect, it } from 'vitest';
import { ImportHistory } from '../../server/src/engine/history.js';
import type { ImportFact } from '../../server/src/engine/imports.js';
import { int, mulberry32 } from '../support/random.js';

function reference(facts: readonly ImportFact[]) {
  const snapshots: { aliases: Map<string, string>; imports: Set<string> }[] = [];
  const aliases = new Map<string, string>();
  const imports = new Set<string>();
  for (const fact of facts) {
    for (const [k, v] of fact.aliases) aliases.set(k, v);
    for (const m of fact.modules) imports.add(m);
    snapshots.push({ aliases: new Map(aliases), imports: new Set(imports) });
  }
  return (i: number) => (i < 0 ? { aliases: new Map<string, string>(), imports: new Set<string>() } : snapshots[i]);
}

describe('ImportHistory', () => {
  it('answers as a copy of the aliases and modules per statement would', () => {
    const rng = mulberry32(7);
    const rnd = (n: number) => int(rng, n);
    const names = ['os', 'sp', 'subprocess', 'os.path', 'h', 'hashlib', 'x', 'yaml', 'pickle', 'p'];
    for (let round = 0; round < 50; round++) {
      const facts: ImportFact[] = Array.from({ length: 1 + rnd(30) }, (_, i) => ({
        start: i * 10,
        end: i * 10 + 5,
        modules: Array.from({ length: rnd(3) }, () => names[rnd(names.length)]),
        aliases: Array.from({ length: rnd(3) }, () => [names[rnd(names.length)], names[rnd(names.length)]] as [string, string]),
      })) as ImportFact[];
      const history = new ImportHistory(facts);
      const ref = reference(facts);
      for (let i = -1; i < facts.length; i++) {
        const want = ref(i);
        for (const n of names) {
          expect(history.aliasesAt(i).get(n)).toBe(want.aliases.get(n));
          expect(history.aliasesAt(i).has(n)).toBe(want.aliases.has(n));
          expect(history.importsAt(i).has(n)).toBe(want.imports.has(n));
          const like = [...want.imports].some((m) => m.includes(n.slice(0, 2)));
          expect(history.importedLikeBy(n.slice(0, 2)) <= i).toBe(like);
        }
      }
    }
  });

  it('20,000 statements: each answers as of its own statement', () => {
    const facts = Array.from({ length: 20_000 }, (_, i) => ({ start: i, end: i + 1, modules: [`m${i}`], aliases: [[`a${i}`, `m${i}`]] })) as ImportFact[];
    const history = new ImportHistory(facts);
    expect(history.aliasesAt(19_999).get('a0')).toBe('m0');
    expect(history.aliasesAt(5).get('a6')).toBeUndefined();
    expect(history.importsAt(10_000).has('m10000')).toBe(true);
    expect(history.importsAt(9_999).has('m10000')).toBe(false);
  });
});
