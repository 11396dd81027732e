import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { offsetAfterUnits, unitsBefore } from './columns.js';

/**
 * LSP position encodings. Documents are kept as JS strings, whose indexes are
 * UTF-16 code units (LSP's default); utf-8 and utf-32 clients get their
 * columns converted on the way in and out, one line at a time. bandit's
 * columns are UTF-8 bytes (Python's `col_offset`): the same walk.
 */
export type PositionEncoding = 'utf-8' | 'utf-16' | 'utf-32';

export const SUPPORTED_ENCODINGS: readonly PositionEncoding[] = ['utf-8', 'utf-16', 'utf-32'];

/** The client's first preference we support; utf-16 when it states none. */
export function negotiateEncoding(offered: readonly string[] | undefined): PositionEncoding {
  for (const e of offered ?? []) if ((SUPPORTED_ENCODINGS as readonly string[]).includes(e)) return e as PositionEncoding;
  return 'utf-16';
}

/** Lines up to this long are copied out of the document (`lineBounds`). */
const COPIED_LINE = 4096;

/**
 * Where a line starts and where the next one does, in a text that holds it:
 * a short line's own copy (a server document, kept in pieces, then does
 * not join its whole text for a keystroke: documents/text.ts); a long
 * one's in the document's whole text, not copied, so that many findings on
 * one long line do not copy it once each.
 */
function lineBounds(doc: TextDocument, line: number): { text: string; start: number; end: number } {
  const start = doc.offsetAt({ line, character: 0 });
  const end = doc.offsetAt({ line: line + 1, character: 0 });
  if (end - start > COPIED_LINE) return { text: doc.getText(), start, end };
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return { text, start: 0, end: text.length };
}

/**
 * The offset `column` units of `enc` after `start` in `text`: never past
 * `end` nor past a line break (a column beyond its line is clamped to it).
 */
export function offsetAtColumn(text: string, start: number, end: number, column: number, enc: PositionEncoding): number {
  // Bisected on a long line (columns.ts): bandit's findings on one line convert in time independent of their column.
  return offsetAfterUnits(text, start, end, column, enc);
}

/** A column in `enc` on `text` → a UTF-16 column (clamped to the line). */
export function columnToUtf16(text: string, column: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return column;
  return offsetAtColumn(text, 0, text.length, column, enc);
}

/** A UTF-16 column on `text` → a column in `enc`. */
export function columnFromUtf16(text: string, column: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return column;
  return unitsBefore(text, 0, Math.min(column, text.length), enc);
}

export function positionToUtf16(doc: TextDocument, pos: Position, enc: PositionEncoding): Position {
  if (enc === 'utf-16' || pos.line < 0 || pos.line >= doc.lineCount) return pos;
  const { text, start, end } = lineBounds(doc, pos.line);
  return { line: pos.line, character: offsetAfterUnits(text, start, end, pos.character, enc) - start };
}

export function positionFromUtf16(doc: TextDocument, pos: Position, enc: PositionEncoding): Position {
  if (enc === 'utf-16') return pos;
  const { text, start, end } = lineBounds(doc, pos.line);
  return { line: pos.line, character: unitsBefore(text, start, Math.min(start + pos.character, end), enc) };
}

/** The client's range (in `enc`) of the UTF-16 offsets `start`..`end`. */
export function offsetRange(doc: TextDocument, start: number, end: number, enc: PositionEncoding): Range {
  return {
    start: positionFromUtf16(doc, doc.positionAt(start), enc),
    end: positionFromUtf16(doc, doc.positionAt(end), enc),
  };
}
