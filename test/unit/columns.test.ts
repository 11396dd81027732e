/**
 * Column conversions on long lines (positions/columns.ts: checkpoints
 * bisected, issue 16) give what walking the line from its start gives, in
 * every encoding, on lines of mixed widths with surrogate pairs split or
 * not, offsets past the line's end and columns past it (clamped).
 */
import { describe, expect, it } from 'vitest';
import { offsetAfterUnits, unitsBefore, unitWidth, type ColumnUnit } from '../../server/src/positions/columns.js';
import { codePointPosition, lineStartsOf } from '../../server/src/positions/lines.js';
import { mulberry32 } from '../support/random.js';

function naiveUnits(text: string, start: number, offset: number, enc: ColumnUnit): number {
  let u = 0;
  for (let i = start; i < Math.min(offset, text.length); ) {
    const cp = text.codePointAt(i)!;
    u += unitWidth(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return u;
}

function naiveOffset(text: string, start: number, end: number, column: number, enc: ColumnUnit): number {
  let u = 0;
  let i = start;
  while (i < end && u < column) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0a || cp === 0x0d) break;
    u += unitWidth(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

describe('columns on long lines', () => {
  const rng = mulberry32(7);
  const pieces = ['a', 'é', '€', '😀', 'eval(x); ', '\ud800', '\udc00'];
  let line = '';
  while (line.length < 20_000) line += pieces[Math.floor(rng() * pieces.length)];
  const text = `x = 1\n${line}\nshort\n`;
  const start = 6;
  const end = start + line.length + 1;
  for (const enc of ['utf-8', 'utf-16', 'utf-32'] as const) {
    it(`${enc}: units before an offset and the offset after a column, as the walk`, () => {
      for (let k = 0; k < 400; k++) {
        const offset = start + Math.floor(rng() * (line.length + 3));
        expect(unitsBefore(text, start, offset, enc)).toBe(naiveUnits(text, start, offset, enc));
        const column = Math.floor(rng() * (line.length * 2 + 10));
        expect(offsetAfterUnits(text, start, end, column, enc)).toBe(naiveOffset(text, start, end, column, enc));
      }
    });
  }
  it('code point positions of 1-based columns, as counting code points', () => {
    const starts = lineStartsOf(text);
    for (let k = 0; k < 400; k++) {
      const offset = start + Math.floor(rng() * line.length);
      expect(codePointPosition(text, offset, starts)).toEqual({ line: 2, column: 1 + naiveUnits(text, start, offset, 'utf-32') });
    }
  });
});
