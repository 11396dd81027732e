/**
 * What counts as a binary file's text (files/decode.ts `looksBinary`): a
 * NUL, or one character in 8 or more a control character Python refuses
 * outside strings (at least 64 of them). Such a text is neither parsed nor
 * analysed; source with a few control characters in its strings is source.
 */
import { describe, expect, it } from 'vitest';
import { decodeSource, looksBinary, whyBinary } from '../../server/src/files/decode.js';
import { mulberry32 } from '../support/random.js';

function randomText(size: number, low: number, high: number): string {
  const rng = mulberry32(7);
  let s = '';
  for (let i = 0; i < size; i++) s += String.fromCharCode(low + Math.floor(rng() * (high - low + 1)));
  return s;
}

describe('looksBinary', () => {
  it('a NUL anywhere: binary', () => {
    expect(looksBinary('x = 1\n\0')).toBe(true);
    expect(whyBinary('x = 1\n\0')).toBe('it holds NUL bytes');
  });

  it('random bytes without a NUL (U+0001–U+00FF): binary, for its control characters', () => {
    const text = randomText(100_000, 1, 255);
    expect(text.includes('\0')).toBe(false);
    expect(looksBinary(text)).toBe(true);
    expect(whyBinary(text)).toBe('one character in 8 or more is a control character');
  });

  it('source: none, or a few control characters in its strings, or whitespace controls (tab, form feed, CR, VT): not binary', () => {
    expect(looksBinary('import os\nos.system(cmd)\n'.repeat(1000))).toBe(false);
    // Literal escapes for a terminal, two per line (~8% of it).
    expect(looksBinary('print("\x1b[31mred\x1b[0m")\n'.repeat(1000))).toBe(false);
    expect(looksBinary('\tx = 1\f\r\n\v'.repeat(10_000))).toBe(false);
    // A short file dense with them: fewer than 64 is never enough.
    expect(looksBinary('s = "\x01\x02\x03"\n')).toBe(false);
    // Random printable text is not binary (it is parsed: its syntax errors are the parser's to report).
    expect(looksBinary(randomText(100_000, 0x20, 0x7e))).toBe(false);
  });

  it('the share decides: just under one in 8, source; one in 8, binary', () => {
    const under = ('\x01' + 'a'.repeat(8)).repeat(1000);
    const at = ('\x01' + 'a'.repeat(7)).repeat(1000);
    expect(looksBinary(under)).toBe(false);
    expect(looksBinary(at)).toBe(true);
    // The search is stateless between calls (a global regex's lastIndex is reset).
    expect(looksBinary(at)).toBe(true);
    expect(looksBinary(under)).toBe(false);
  });
});

describe('decodeSource', () => {
  it('a binary text is an error saying why; other text decodes', () => {
    expect(decodeSource(Buffer.from('x = 1\n\0'))).toEqual({ error: 'looks binary (it holds NUL bytes): not analysed' });
    expect(decodeSource(Buffer.from(randomText(10_000, 1, 255), 'utf8'))).toEqual({ error: 'looks binary (one character in 8 or more is a control character): not analysed' });
    expect(decodeSource(Buffer.from('print("\x1b[0m")\n'))).toEqual({ text: 'print("\x1b[0m")\n' });
  });
});
