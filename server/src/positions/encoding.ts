import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

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

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
}

/** Width of one code point in the given encoding. */
function width(cp: number, enc: PositionEncoding): number {
  if (enc === 'utf-32') return 1;
  if (enc === 'utf-16') return cp > 0xffff ? 2 : 1;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * The offset `column` units of `enc` after `start` in `text`: never past
 * `end` nor past a line break (a column beyond its line is clamped to it).
 */
export function offsetAtColumn(text: string, start: number, end: number, column: number, enc: PositionEncoding): number {
  let units = 0;
  let i = start;
  while (i < end && units < column) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0a || cp === 0x0d) break;
    units += width(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** A column in `enc` on `text` → a UTF-16 column (clamped to the line). */
export function columnToUtf16(text: string, column: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return column;
  return offsetAtColumn(text, 0, text.length, column, enc);
}

/** A UTF-16 column on `text` → a column in `enc`. */
export function columnFromUtf16(text: string, column: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return column;
  let units = 0;
  let i = 0;
  while (i < column && i < text.length) {
    const cp = text.codePointAt(i)!;
    units += width(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return units;
}

export function positionToUtf16(doc: TextDocument, pos: Position, enc: PositionEncoding): Position {
  if (enc === 'utf-16' || pos.line < 0 || pos.line >= doc.lineCount) return pos;
  return { line: pos.line, character: columnToUtf16(lineText(doc, pos.line), pos.character, enc) };
}

export function positionFromUtf16(doc: TextDocument, pos: Position, enc: PositionEncoding): Position {
  if (enc === 'utf-16') return pos;
  return { line: pos.line, character: columnFromUtf16(lineText(doc, pos.line), pos.character, enc) };
}

/** The client's range (in `enc`) of the UTF-16 offsets `start`..`end`. */
export function offsetRange(doc: TextDocument, start: number, end: number, enc: PositionEncoding): Range {
  return {
    start: positionFromUtf16(doc, doc.positionAt(start), enc),
    end: positionFromUtf16(doc, doc.positionAt(end), enc),
  };
}
