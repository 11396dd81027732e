import type { Span } from './finding.js';

/** One text edit in UTF-16 offsets: `[start, oldEnd)` became `[start, newEnd)`. */
export interface OffsetEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Shifts a span through an edit. Spans before the edit stay, spans after it
 * move, spans that enclose it stretch; a span the edit cuts into is gone
 * (null): whatever replaces it touches the edit and is recomputed.
 */
export function shiftSpan(s: Span, e: OffsetEdit): Span | null {
  const delta = e.newEnd - e.oldEnd;
  if (s.end <= e.start) return s;
  if (s.start >= e.oldEnd) return delta === 0 ? s : { start: s.start + delta, end: s.end + delta };
  if (s.start <= e.start && s.end >= e.oldEnd) return { start: s.start, end: s.end + delta };
  return null;
}


/**
 * Carries a finding from an earlier version of the text through an edit.
 * The anchor covers whole lines (bandit's `line_range`): an edit that
 * touches any of them drops the finding, which waits for the next run.
 */
export function carryThroughEdit<F extends { range: Span; anchor: Span; root: Span }>(f: F, e: OffsetEdit): F | null {
  if (e.start <= f.anchor.end && e.oldEnd >= f.anchor.start) return null;
  const range = shiftSpan(f.range, e);
  const anchor = shiftSpan(f.anchor, e);
  const root = shiftSpan(f.root, e);
  if (!range || !anchor || !root) return null;
  return range === f.range && anchor === f.anchor && root === f.root ? f : { ...f, range, anchor, root };
}
