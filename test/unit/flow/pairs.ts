/**
 * Minimal pairs for the flow layer: two snippets that differ only in the
 * data flow, one where untrusted data reaches the sink (its path asserted:
 * the source's note first, the given notes in order, the sink's argument
 * last, each step placed where its span is) and one where it does not (its
 * reach asserted).
 */
import { expect, it } from 'vitest';
import type { ProjectIndex, Reach, SinkKind } from '../../../server/src/engine/flow/index.js';
import { gateOpen, reach } from './support.js';

export interface Pair {
  name: string;
  sink: SinkKind;
  /** The sink call's callee as written (`os.system`), or `=target` for an assignment's value. */
  at: string;
  arg?: number | string;
  bad: string;
  good: string;
  /** Substrings of the path's notes, in order (the first is the source's). */
  path?: string[];
  /** The good snippet's reach kind (default: constant), and `by` for a sanitised one (a substring). */
  want?: Reach['kind'];
  by?: string;
  trust?: 'request' | 'local';
  project?: () => ProjectIndex;
  filename?: string;
}

/** A line and UTF-16 column of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, column: before[before.length - 1].length };
}

export function checkPairs(pairs: Pair[]): void {
  for (const p of pairs) {
    it(`${p.name}: untrusted`, () => {
      const r = reach(p.bad, p.sink, p.at, p.arg, p.project?.(), p.filename);
      expect(r.kind, JSON.stringify(r)).toBe('untrusted');
      if (r.kind !== 'untrusted') return;
      expect(r.trust).toBe(p.trust ?? 'request');
      // The request gate never closes where request data reaches a sink (the flow rules skip what it closes).
      if (r.trust === 'request') expect(gateOpen(p.bad, p.project?.(), p.filename)).toBe(true);
      expect(r.path.length).toBeGreaterThanOrEqual(2);
      expect(r.path[r.path.length - 1].note).toMatch(/^(?:reaches|is stored in|is returned)/);
      const notes = r.path.map((s) => s.note);
      let from = 0;
      for (const want of p.path ?? []) {
        const i = notes.findIndex((n, j) => j >= from && n.includes(want));
        expect(i, `"${want}" in ${JSON.stringify(notes)}`).toBeGreaterThanOrEqual(0);
        from = i + 1;
      }
      for (const s of r.path) {
        if (s.file !== null) continue;
        expect(s.span.end).toBeGreaterThan(s.span.start);
        expect(position(p.bad, s.span.start)).toEqual({ line: s.line, column: s.column });
      }
    });
    it(`${p.name}: ${p.want ?? 'constant'}`, () => {
      const r = reach(p.good, p.sink, p.at, p.arg, p.project?.(), p.filename);
      expect(r.kind, JSON.stringify(r)).toBe(p.want ?? 'constant');
      if (p.by && r.kind === 'sanitised') expect(r.by).toContain(p.by);
    });
  }
}
