import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { asPythonReadsIt } from '../engine/newlines.js';

/**
 * An open document's text, kept in pieces so that a keystroke never
 * builds the whole text again.
 *
 * A JS string cannot be edited: vscode-languageserver-textdocument's
 * `update` makes a new one, and its first read flattens it into a new
 * string of the whole text. Over 128 kB that string goes to V8's
 * large-object space, a fresh mapping of memory each time: on the bench's
 * 224 kB `_pydecimal.py` that cost 1.4 ms of CPU (57 page faults) a
 * keystroke, half of the median keystroke, when copying the bytes takes
 * 15 µs. Here an edit rebuilds one piece (at most 2 × PIECE code units, a
 * young-generation string), the line table is updated in place (as
 * `TextDocument.update` does), and the parser reads the pieces
 * (`reader`). The whole text is joined only when something asks for it
 * (`getText()`: bandit, the suppression hygiene of a file with `nosec`,
 * code actions), once per version.
 *
 * Positions behave as `TextDocument`'s: `\n`, `\r\n` and a lone `\r` end
 * a line; a position past a line's end clamps to it (before its line
 * break); offsets clamp to the text (test/unit/document-text.test.ts
 * holds it to `TextDocument` on random edits).
 */

/** A piece's usual size in UTF-16 code units; a piece is split beyond twice this (64 kB two-byte, under the large-object limit). */
export const PIECE = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;

const isEol = (c: number): boolean => c === LF || c === CR;

/** Offsets where a line starts after each line break of `text` (placed at `base`); with `atStart`, `base` itself first. */
function lineStartsIn(text: string, base: number, atStart: boolean): number[] {
  const out = atStart ? [base] : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isEol(c)) continue;
    if (c === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
    out.push(base + i + 1);
  }
  return out;
}

function cut(text: string): string[] {
  if (text.length <= 2 * PIECE) return [text];
  const out: string[] = [];
  for (let at = 0; at < text.length; at += PIECE) out.push(text.slice(at, at + PIECE));
  return out;
}

/** The pieces of one version of the text, never changed once made (a tree's source reads them after later edits). */
interface Pieces {
  readonly pieces: readonly string[];
  /** Where each piece starts. */
  readonly starts: readonly number[];
  /** Each piece as Python reads it (lone `\r` as `\n`), for the parser: the same string when it holds no `\r`. */
  readonly python: readonly string[];
  /**
   * The whole text as Python reads it, once joined (`reader`): then a
   * node's text is a slice of it, whatever its length, as when the tree
   * read one string. Known from the start for the text a document opens
   * with.
   */
  whole?: string;
  /** Reads of node text that went on into a next piece (`reader`). */
  crossings: number;
}

/**
 * Reads of node text across pieces after which a version's whole text is
 * joined (`reader`): a keystroke's rules read a few nodes across a piece
 * boundary (a def's text, once per rule that searches it) and join only
 * those; a run over the whole file (an import edited) reads the module and
 * large classes again and again, and each read would join them again.
 */
const JOIN_AFTER = 32;

/** Pieces with their starts and Python reading; `reuse`: the earlier version's readings by piece, where still right. */
function makePieces(pieces: string[], reuse?: (i: number) => string | undefined): Pieces {
  const starts: number[] = [];
  const python: string[] = [];
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    starts.push(at);
    at += pieces[i].length;
    python.push(reuse?.(i) ?? lonesAsLf(pieces[i], i + 1 < pieces.length ? pieces[i + 1].charCodeAt(0) : NaN));
  }
  return { pieces, starts, python, crossings: 0 };
}

/** The piece holding `offset` (the last one for the end of the text). */
function pieceAt(p: Pieces, offset: number): number {
  let lo = 0;
  let hi = p.pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function charAt(p: Pieces, offset: number): number {
  const i = pieceAt(p, offset);
  return p.pieces[i].charCodeAt(offset - p.starts[i]);
}

function sliceOf(p: Pieces, start: number, end: number): string {
  if (end <= start) return '';
  let i = pieceAt(p, start);
  let out = '';
  for (let at = start; at < end && i < p.pieces.length; i++) {
    const piece = p.pieces[i];
    const from = at - p.starts[i];
    const to = Math.min(piece.length, end - p.starts[i]);
    out += piece.slice(from, to);
    at = p.starts[i] + to;
  }
  return out;
}

/**
 * A lone `\r` read as `\n` (engine/newlines.ts `asPythonReadsIt`, which
 * the whole text would go through): `next` is the code unit after `s`.
 */
function lonesAsLf(s: string, next: number): string {
  if (s.indexOf('\r') < 0) return s;
  // The last `\r` is lone unless the code unit after the chunk is `\n`; the others, as the regex sees them.
  const tail = s.charCodeAt(s.length - 1) === CR ? (next === LF ? '\r' : '\n') : '';
  const body = tail ? s.slice(0, -1) : s;
  return (LONE_CR.test(body) ? body.replace(LONE_CR_ALL, '\n') : body) + tail;
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_ALL = /\r(?!\n)/g;

export class DocumentText implements TextDocument {
  private p: Pieces;
  private total: number;
  /** Where each line starts (the first is 0). */
  private lines: number[];
  /** `getText()`'s, for this version. */
  private whole: string | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private ver: number,
    content: string,
  ) {
    this.p = makePieces(cut(content));
    this.p.whole = asPythonReadsIt(content);
    this.total = content.length;
    this.lines = lineStartsIn(content, 0, true);
    this.whole = content;
  }

  get version(): number {
    return this.ver;
  }

  set version(v: number) {
    this.ver = v;
  }

  get length(): number {
    return this.total;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  getText(range?: Range): string {
    if (range) {
      // As `TextDocument`'s (`substring`): a range given end first reads the same text.
      const a = this.offsetAt(range.start);
      const b = this.offsetAt(range.end);
      return this.slice(Math.min(a, b), Math.max(a, b));
    }
    return (this.whole ??= this.p.pieces.join(''));
  }

  /** The text from `start` to `end` (UTF-16 offsets, clamped), without joining the whole. */
  slice(start: number, end: number): string {
    return sliceOf(this.p, Math.max(0, start), Math.min(end, this.total));
  }

  /** The code unit at `offset` (NaN outside the text, as `String.charCodeAt`). */
  charCodeAt(offset: number): number {
    if (offset < 0 || offset >= this.total) return NaN;
    return charAt(this.p, offset);
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.total), 0);
    const lines = this.lines;
    const line = this.positionAfter(offset) - 1;
    return { line, character: this.beforeEol(offset, lines[line]) - lines[line] };
  }

  offsetAt(position: Position): number {
    const lines = this.lines;
    if (position.line >= lines.length) return this.total;
    if (position.line < 0) return 0;
    const lineOffset = lines[position.line];
    if (position.character <= 0) return lineOffset;
    const next = position.line + 1 < lines.length ? lines[position.line + 1] : this.total;
    return this.beforeEol(Math.min(lineOffset + position.character, next), lineOffset);
  }

  getLineRange(line: number): Range {
    const lines = this.lines;
    if (line >= lines.length) {
      const last = lines.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.total - lines[last] } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const start = lines[line];
    const next = line + 1 < lines.length ? lines[line + 1] : this.total;
    return { start: { line, character: 0 }, end: { line, character: this.beforeEol(next, start) - start } };
  }

  getEOLCharacters(line: number): string {
    const lines = this.lines;
    if (line >= lines.length || line < 0) return '';
    const next = line + 1 < lines.length ? lines[line + 1] : this.total;
    return this.slice(this.beforeEol(next, lines[line]), next);
  }

  private beforeEol(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEol(this.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /** Whether a `\r\n` lies across `at` (a `\r` before it, a `\n` at it). */
  private crlfAcross(at: number): boolean {
    return at > 0 && this.charCodeAt(at - 1) === CR && this.charCodeAt(at) === LF;
  }

  /** Replaces the text from `start` to `end` (UTF-16 offsets, `start` ≤ `end`, within the text) with `text`. */
  replace(start: number, end: number, text: string): void {
    // A `\r\n` made or broken at either end moves a line start: the table is made again (rare).
    let again = this.crlfAcross(start) || this.crlfAcross(end);
    const old = this.p;
    const i = pieceAt(old, start);
    const j = pieceAt(old, end);
    const joined = old.pieces[i].slice(0, start - old.starts[i]) + text + old.pieces[j].slice(end - old.starts[j]);
    const middle = joined.length === 0 && old.pieces.length > 1 ? [] : cut(joined);
    const pieces = [...old.pieces.slice(0, i), ...middle, ...old.pieces.slice(j + 1)];
    if (pieces.length === 0) pieces.push('');
    // Pieces before the edit keep their reading but the last of them (it may end with a `\r`), those after all keep theirs.
    const after = pieces.length - (old.pieces.length - j - 1);
    this.p = makePieces(pieces, (k) => (k < i - 1 ? old.python[k] : k >= after ? old.python[k - after + j + 1] : undefined));
    this.total += text.length - (end - start);
    this.whole = undefined;
    const insertedEnd = start + text.length;
    again ||= this.crlfAcross(start) || this.crlfAcross(insertedEnd);
    if (again) {
      this.lines = lineStartsIn(this.getText(), 0, true);
      return;
    }
    // The lines whose break the edit removed go; those of the new text come in; those after move.
    const lines = this.lines;
    let first = this.positionAfter(start);
    let last = first;
    while (last < lines.length && lines[last] <= end) last++;
    const added = lineStartsIn(text, start, false);
    const diff = text.length - (end - start);
    if (last - first === added.length) for (let k = 0; k < added.length; k++) lines[first + k] = added[k];
    else if (added.length < 10000) lines.splice(first, last - first, ...added);
    else this.lines = [...lines.slice(0, first), ...added, ...lines.slice(last)];
    const moved = this.lines;
    first += added.length;
    if (diff !== 0) for (let k = first; k < moved.length; k++) moved[k] += diff;
  }

  /** The index of the first line starting after `offset`. */
  private positionAfter(offset: number): number {
    const lines = this.lines;
    let low = 0;
    let high = lines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (lines[mid] > offset) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /**
   * This version's text for tree-sitter, as Python reads it (a lone `\r`
   * is `\n`: engine/newlines.ts), read piece by piece. While `parsing()`,
   * at most `chunk` code units a read (see PythonDocument's `parse`);
   * afterwards, as the tree's source of node text, the rest of a piece (or
   * of the whole text, once joined: `JOIN_AFTER`). Still this version's
   * after later edits (the pieces are never changed).
   */
  reader(chunk: number, parsing: () => boolean): (index: number) => string {
    const p = this.p;
    const total = this.total;
    return (index) => {
      if (index >= total || index < 0) return '';
      const i = pieceAt(p, index);
      const piece = p.python[i];
      const from = index - p.starts[i];
      if (parsing()) return piece.slice(from, from + chunk);
      // Node text: a read at a piece's start goes on from the piece before.
      if (p.whole === undefined && from === 0 && i > 0 && ++p.crossings > JOIN_AFTER) p.whole = p.python.join('');
      return p.whole !== undefined ? p.whole.slice(index) : piece.slice(from);
    };
  }
}
