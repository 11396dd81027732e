import type { Finding, Span } from '../findings/finding.js';
import { codePointPosition, lineStartsOf } from '../positions/lines.js';

/**
 * The printed positions of a stored result: `check` prints 1-based lines
 * and code point columns, computed from offsets into the file's text. A
 * result stored with them (`[offset, line, column, …]`, each offset its
 * output needs: findings' ranges, their paths' steps in the file, the
 * syntax error, the hygiene findings) is printed by the warm path
 * (check/warm.ts) without reading or decoding the file at all.
 */

export type Position = { line: number; column: number };

/** Every offset `check`'s output of a result needs a position for. */
export function printedOffsets(findings: readonly Finding[], syntaxErrorAt: number | undefined, hygiene: readonly { range: Span }[] = []): number[] {
  const out = new Set<number>();
  for (const f of findings) {
    out.add(f.range.start);
    out.add(f.range.end);
    for (const s of f.flow ?? []) if (s.file === null) out.add(s.span.start);
  }
  for (const h of hygiene) {
    out.add(h.range.start);
    out.add(h.range.end);
  }
  if (syntaxErrorAt !== undefined) out.add(syntaxErrorAt);
  return [...out];
}

/** The positions of `offsets` in `text`, flat: `[offset, line, column, …]`. */
export function positionTable(text: string, offsets: readonly number[]): number[] {
  if (!offsets.length) return [];
  const starts = lineStartsOf(text);
  const out: number[] = [];
  for (const o of offsets) {
    const p = codePointPosition(text, o, starts);
    out.push(o, p.line, p.column);
  }
  return out;
}

/** A stored table as a lookup, or undefined when it is not one (a foreign entry: the text is read instead). */
export function positionLookup(table: unknown): Map<number, Position> | undefined {
  if (!Array.isArray(table) || table.length % 3 !== 0) return undefined;
  const out = new Map<number, Position>();
  for (let i = 0; i < table.length; i += 3) {
    const [o, line, column] = [table[i], table[i + 1], table[i + 2]];
    if (!Number.isInteger(o) || !Number.isInteger(line) || !Number.isInteger(column)) return undefined;
    out.set(o as number, { line: line as number, column: column as number });
  }
  return out;
}
