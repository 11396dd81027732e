import type { Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * LSP position encodings. Documents are kept as JS strings, whose indexes are
 * UTF-16 code units (LSP's default); utf-8 and utf-32 clients get their
 * columns converted on the way in and out, one line at a time.
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

/** A column in `enc` on `text` → a UTF-16 column (clamped to the line). */
export function columnToUtf16(text: string, column: number, enc: PositionEncoding): number {
  if (enc === 'utf-16') return column;
  let units = 0;
  let i = 0;
  while (i < text.length && units < column) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0a || cp === 0x0d) break;
    units += width(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
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
