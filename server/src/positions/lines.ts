import { bisect, unitsBefore } from './columns.js';

/**
 * Lines of a text, on UTF-16 offsets (JS string indexes): where they start,
 * where typing moves the cursor, and the 1-based code point columns that
 * the CLI's JSON and the report print.
 */

/** A position as LSP spells it: 0-based line, column in UTF-16 code units. */
export interface LinePosition {
  line: number;
  character: number;
}

/**
 * What the suppression code reads of a text: the shape of
 * vscode-languageserver-textdocument's `TextDocument`, which the server and
 * the CLI hand in, without tying the pure code to that package.
 */
export interface TextLines {
  /** The whole text, or a range of it (a line: the server's documents then do not join their whole text, documents/text.ts). */
  getText(range?: { start: LinePosition; end: LinePosition }): string;
  positionAt(offset: number): LinePosition;
  offsetAt(position: LinePosition): number;
  readonly lineCount: number;
}

/** Offsets where each line starts; `\n`, `\r\n` and a lone `\r` end a line, as in LSP. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) starts.push(i + 1);
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) starts.push(i + 1);
  }
  return starts;
}

/** Where the cursor ends after typing `text` at `start` (UTF-16 columns). */
export function advance(start: LinePosition, text: string): LinePosition {
  let line = start.line;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lastBreak = i;
    }
  }
  return lastBreak < 0 ? { line, character: start.character + text.length } : { line, character: text.length - lastBreak - 1 };
}

/** 1-based line and column in Unicode code points, as the JSON contract and ruff's text output use. */
export function codePointPosition(text: string, offset: number, lineStarts: number[]): { line: number; column: number } {
  const lo = bisect(lineStarts, offset);
  // Code points from the line's start (a surrogate pair is one; one the offset splits counts whole),
  // bisected on a long line (columns.ts): a line of 100,000 findings is not walked once per finding.
  return { line: lo + 1, column: 1 + unitsBefore(text, lineStarts[lo], offset, 'utf-32') };
}
