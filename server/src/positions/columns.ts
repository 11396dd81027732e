/**
 * Column conversions on long lines in time independent of the column: a
 * line of 100,000 findings (`eval(x); ` repeated) converts each finding's
 * columns, and walking the line from its start each time is quadratic.
 * A long line gets, once, a checkpoint every BLOCK code units: its offset
 * (a code point boundary) and the units of an encoding before it; a
 * conversion bisects to the nearest checkpoint and walks less than a block.
 * Short lines are walked as they are.
 */

/** Units of one code point: UTF-8 bytes, UTF-16 code units or code points (utf-32). */
export type ColumnUnit = 'utf-8' | 'utf-16' | 'utf-32';

const BLOCK = 256;
/** Lines shorter than this are walked: no index. */
const INDEXED = 4 * BLOCK;

export function unitWidth(cp: number, enc: ColumnUnit): number {
  if (enc === 'utf-32') return 1;
  if (enc === 'utf-16') return cp > 0xffff ? 2 : 1;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Checkpoints of one line: `offsets[k]` (ascending code point boundaries) has `units[k]` units before it. */
interface LineIndex {
  offsets: number[];
  units: number[];
}

/**
 * The indexes of the last text asked about (one document is converted at a
 * time; a switch rebuilds only what is asked again). Strings compare by
 * identity first, so keeping the text costs no scan.
 */
let cachedText: string | undefined;
let cached = new Map<string, LineIndex>();

function indexOf(text: string, start: number, enc: ColumnUnit): LineIndex | undefined {
  if (text !== cachedText) {
    cachedText = text;
    cached = new Map();
  }
  const key = `${enc}:${start}`;
  let index = cached.get(key);
  if (index) return index;
  // Up to the line's end (a line break or the text's end).
  const offsets = [start];
  const units = [0];
  let u = 0;
  let i = start;
  let next = start + BLOCK;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0a || cp === 0x0d) break;
    u += unitWidth(cp, enc);
    i += cp > 0xffff ? 2 : 1;
    if (i >= next) {
      offsets.push(i);
      units.push(u);
      next = i + BLOCK;
    }
  }
  if (i - start < INDEXED) return undefined;
  index = { offsets, units };
  cached.set(key, index);
  return index;
}

/** The index of the last of sorted `keys` that is at most `value` (the first when none is). */
export function bisect(keys: number[], value: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keys[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The units of `enc` in `text` from `lineStart` (a line's start) to
 * `offset`: a code point that `offset` splits counts whole.
 */
export function unitsBefore(text: string, lineStart: number, offset: number, enc: ColumnUnit): number {
  let units = 0;
  let i = lineStart;
  if (offset - lineStart >= INDEXED) {
    const index = indexOf(text, lineStart, enc);
    if (index) {
      const k = bisect(index.offsets, offset);
      i = index.offsets[k];
      units = index.units[k];
    }
  }
  const end = Math.min(offset, text.length);
  while (i < end) {
    const cp = text.codePointAt(i)!;
    units += unitWidth(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return units;
}

/**
 * The offset `column` units of `enc` after `lineStart` in `text`: never
 * past `end` nor past a line break (a column beyond its line is clamped).
 */
export function offsetAfterUnits(text: string, lineStart: number, end: number, column: number, enc: ColumnUnit): number {
  let units = 0;
  let i = lineStart;
  if (column >= INDEXED && end - lineStart >= INDEXED) {
    const index = indexOf(text, lineStart, enc);
    if (index) {
      const k = bisect(index.units, column);
      if (index.offsets[k] <= end) {
        i = index.offsets[k];
        units = index.units[k];
      }
    }
  }
  while (i < end && units < column) {
    const cp = text.codePointAt(i)!;
    if (cp === 0x0a || cp === 0x0d) break;
    units += unitWidth(cp, enc);
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}
