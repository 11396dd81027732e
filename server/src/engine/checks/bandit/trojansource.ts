import type { Check } from '../../rule.js';
import { somePieceOf } from '../../source.js';

/**
 * bandit/plugins/trojansource.py: B613 trojansource.
 */

/** bandit's BIDI_CHARACTERS, in its order. */
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f'];
const ANY_BIDI = /[\u202a-\u202e\u2066-\u2069\u200f]/;
/** Python's `str.splitlines` boundaries. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

function pyRepr(ch: string): string {
  return `'\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}'`;
}

/**
 * B613 trojansource (a File test in bandit): the first line of the file
 * (Python's `splitlines`) that holds a bidirectional control character; of
 * those on the line, the first in bandit's list. One issue per file; its
 * line range is that line alone. The rule's match is the module, so any
 * edit re-runs it.
 */
const trojansource: Check = (m) => {
  const mod = m.node;
  // Searched piece by piece first (engine/source.ts): a keystroke does not join the whole file for it.
  if (!somePieceOf(mod, (piece) => ANY_BIDI.test(piece))) return null;
  const text = mod.text;
  let start = 0;
  const lines: [number, number][] = [];
  LINE_BREAK.lastIndex = 0;
  for (let br = LINE_BREAK.exec(text); br; br = LINE_BREAK.exec(text)) {
    lines.push([start, br.index]);
    start = br.index + br[0].length;
  }
  lines.push([start, text.length]);
  for (const [a, b] of lines) {
    const line = text.slice(a, b);
    if (!ANY_BIDI.test(line)) continue;
    for (const ch of BIDI) {
      const i = line.indexOf(ch);
      if (i < 0) continue;
      const at = mod.startIndex + a + i;
      const span = { start: at, end: at + 1 };
      return { node: span, anchor: span, message: `A Python source file contains bidirectional control characters (${pyRepr(ch)}).` };
    }
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  trojansource,
};
