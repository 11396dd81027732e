/**
 * `DocumentText` (server/src/documents/text.ts), the open document's text
 * kept in pieces, answers as `TextDocument` made afresh from the same text
 * would, after any sequence of edits: text, lines, positions, offsets,
 * ranges, line ends; and its parser reader reads the text as
 * `asPythonReadsIt` does. Random edits over a text of several pieces, with
 * `\n`, `\r\n` and lone `\r` line ends (a `\r\n` made or broken by an edit
 * included), edits across pieces, large inserts and deleting everything.
 * A failure prints the base seed and the step; rerun with PYSEC_FUZZ_SEED=<base seed>.
 */
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentText, PIECE } from '../../server/src/documents/text.js';
import { asPythonReadsIt } from '../../server/src/engine/newlines.js';
import { baseSeed, int, mulberry32, pick, type Rng } from '../support/random.js';

const BITS = ['a', 'bc', 'def(x)', ' ', '    ', '\n', '\r\n', '\r', '\r\r\n', 'é', '😀', '#', 'x = 1\n'];

function randomText(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) s += pick(rng, BITS);
  return s;
}

function readAll(t: DocumentText, parsing: boolean, chunk: number): string {
  const read = t.reader(chunk, () => parsing);
  let out = '';
  for (;;) {
    const s = read(out.length);
    if (s === '') return out;
    out += s;
  }
}

/** What differs between `t` and a `TextDocument` made from `text` (sampled at random), as messages; [] when nothing. */
function differences(t: DocumentText, text: string, rng: Rng): string[] {
  const ref = TextDocument.create('file:///ref.py', 'python', 0, text);
  const out: string[] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${what}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`);
  };
  same('getText()', t.getText() === text, true);
  same('length', t.length, text.length);
  same('lineCount', t.lineCount, ref.lineCount);
  for (let k = 0; k < 40; k++) {
    const offset = int(rng, text.length + 3) - 1;
    same(`positionAt(${offset})`, t.positionAt(offset), ref.positionAt(offset));
    same(`charCodeAt(${offset})`, t.charCodeAt(offset), text.charCodeAt(offset));
    const line = int(rng, ref.lineCount + 2) - 1;
    const pos = { line, character: int(rng, 40) };
    same(`offsetAt(${JSON.stringify(pos)})`, t.offsetAt(pos), ref.offsetAt(pos));
    same(`getLineRange(${line})`, t.getLineRange(line), ref.getLineRange(line));
    same(`getEOLCharacters(${line})`, t.getEOLCharacters(line), ref.getEOLCharacters(line));
    const range = { start: pos, end: { line: line + int(rng, 3), character: int(rng, 40) } };
    same(`getText(${JSON.stringify(range)})`, t.getText(range), ref.getText(range));
  }
  for (let line = 0; line < ref.lineCount; line += 1 + int(rng, 50)) same(`line ${line} start`, t.offsetAt({ line, character: 0 }), ref.offsetAt({ line, character: 0 }));
  const python = asPythonReadsIt(text);
  same('reader while parsing', readAll(t, true, 256) === python, true);
  same('reader for node text', readAll(t, false, 256) === python, true);
  return out;
}

describe('DocumentText', () => {
  it('answers as TextDocument made afresh, after random edits over several pieces', () => {
    const base = baseSeed();
    for (let seq = 0; seq < 4; seq++) {
      const rng = mulberry32(base + seq);
      let text = randomText(rng, seq === 0 ? 10 : 3 * PIECE + int(rng, PIECE));
      const t = new DocumentText('file:///t.py', 'python', 1, text);
      const where = (step: number) => `seed ${base} sequence ${seq} step ${step}`;
      expect(differences(t, text, rng), where(0)).toEqual([]);
      for (let step = 1; step <= 60; step++) {
        const kind = int(rng, 10);
        let start = int(rng, text.length + 1);
        let end = Math.min(text.length, start + (kind < 5 ? 0 : int(rng, kind === 9 ? 3 * PIECE : 8)));
        // Edits next to a line end, to make and break `\r\n`.
        if (kind === 4) {
          const cr = text.indexOf('\r', start);
          if (cr >= 0) start = end = cr + int(rng, 2);
        }
        let insert = kind === 8 ? randomText(rng, 2 * PIECE + int(rng, PIECE)) : kind === 7 ? '' : randomText(rng, int(rng, 4));
        if (step === 30) [start, end, insert] = [0, text.length, ''];
        t.replace(start, end, insert);
        text = text.slice(0, start) + insert + text.slice(end);
        expect(differences(t, text, rng), where(step)).toEqual([]);
      }
    }
  });

  it('reads a lone `\\r` at the end of a parser chunk by the code unit after it', () => {
    const text = `${'a'.repeat(255)}\r\nb${'c'.repeat(254)}\rd`;
    const t = new DocumentText('file:///t.py', 'python', 1, text);
    expect(readAll(t, true, 256)).toBe(asPythonReadsIt(text));
    expect(readAll(t, true, 256)).toContain('\r\nb');
    expect(readAll(t, true, 256)).toContain('c\nd');
  });

  it('keeps a reader on the text of its version after later edits', () => {
    const t = new DocumentText('file:///t.py', 'python', 1, 'x'.repeat(3 * PIECE));
    const read = t.reader(256, () => false);
    t.replace(10, 20, 'yy');
    const edited = t.reader(256, () => false);
    t.replace(0, t.length, 'z');
    expect(read(0)).toBe('x'.repeat(3 * PIECE));
    expect(read(3 * PIECE - 1)).toBe('x');
    expect(read(3 * PIECE)).toBe('');
    expect(edited(0)).toBe(`${'x'.repeat(10)}yy${'x'.repeat(PIECE - 20)}`);
    expect(t.getText()).toBe('z');
  });

  it('reads node text across pieces the same before and after joining the whole text', () => {
    const text = Array.from({ length: 5 * PIECE }, (_, i) => 'ab\rc\r\nd'[i % 7]).join('');
    const t = new DocumentText('file:///t.py', 'python', 1, text);
    t.replace(7, 7, 'e');
    const after = text.slice(0, 7) + 'e' + text.slice(7);
    // Each whole read crosses four piece boundaries: past the threshold the version's whole text is joined.
    for (let k = 0; k < 20; k++) expect(readAll(t, false, 256)).toBe(asPythonReadsIt(after));
    const read = t.reader(256, () => false);
    expect(read(PIECE + 3)).toBe(asPythonReadsIt(after).slice(PIECE + 3));
  });
});
