/**
 * The scopes being analysed now, and recursion between them, so that an
 * analysis never depends on which def was asked about first.
 *
 * A call to a scope already being analysed (recursion) cannot be followed:
 * it is cut (the call is unresolved). Where the cut falls depends on where
 * the analysis entered the cycle, so an analysis that met a cut, directly
 * or through a callee, is not kept: it is a member of a recursive cycle
 * (a strongly connected component of the calls, found as Tarjan's algorithm
 * finds them: each frame's `low` is the lowest frame a cut reached from it).
 * When the cycle's first frame (its head) completes, every member is
 * analysed again in one fixed order (by key, not by which was asked first),
 * each seeing the members before it in that order through their new
 * analyses and the others (itself too) cut: that is what is kept. Each
 * member is analysed at most twice; the stack is the call depth, capped
 * (MAX_DEPTH) by the caller.
 */

/** A scope on the stack: its analysis key, and the lowest frame a cut from it or below it reached (Infinity: none). */
interface Frame {
  key: string;
  low: number;
}

const frames: Frame[] = [];

/** Members that completed while their cycle's head is still on the stack: their analysis is redone with the head's. */
export interface Member<T> {
  key: string;
  low: number;
  /** Analyses the scope again (in the cycle's fixed order). */
  redo: () => T;
  /** Keeps the settled analysis (caches it). */
  keep: (value: T) => void;
}
const pending = new Map<string, Member<unknown>>();

/** The cycle being settled: its members, and the ones already analysed in the fixed order. */
let settling: { members: ReadonlySet<string>; done: Map<string, unknown> } | null = null;

/** How many scopes are on the stack (the call depth). */
export function stackDepth(): number {
  return frames.length;
}

/**
 * Whether following `key` now must stop: 'cut' (it is being analysed, or a
 * member of an open cycle, or a later member of the cycle being settled),
 * else its settled analysis, or undefined (follow it as usual).
 */
export function cutOrSettled<T>(key: string): { cut: true } | { cut: false; settled: T | undefined } {
  if (settling?.members.has(key)) {
    const done = settling.done.get(key) as T | undefined;
    return done ? { cut: false, settled: done } : { cut: true };
  }
  let at = -1;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i].key === key) {
      at = i;
      break;
    }
  }
  if (at < 0) at = pending.get(key)?.low ?? -1;
  if (at < 0) return { cut: false, settled: undefined };
  const top = frames[frames.length - 1];
  if (top) top.low = Math.min(top.low, at);
  return { cut: true };
}

/**
 * Runs `work` as the frame of `key`. 'done': no cut reached below it (its
 * result holds whatever was asked first, or it heads a cycle whose members
 * are then `settle`d); 'member': it belongs to a cycle whose head is below
 * it on the stack (its result is provisional: not to be kept).
 */
export function inFrame<T>(key: string, work: () => T): { value: T; low: number; status: 'done' | 'member' | 'head'; members: Member<unknown>[] } {
  const index = frames.length;
  const frame: Frame = { key, low: Infinity };
  frames.push(frame);
  let value: T;
  let threw = true;
  try {
    value = work();
    threw = false;
  } finally {
    if (threw) for (const [k, m] of pending) if (m.low >= index) pending.delete(k);
    frames.pop();
    // A cut below this frame makes the frame below a member of the same cycle.
    if (frame.low < index && frames.length) {
      const below = frames[frames.length - 1];
      below.low = Math.min(below.low, frame.low);
    }
  }
  if (frame.low < index) return { value, low: frame.low, status: 'member', members: [] };
  if (frame.low === index) {
    const members: Member<unknown>[] = [];
    for (const [k, m] of pending) {
      if (m.low >= index) {
        members.push(m);
        pending.delete(k);
      }
    }
    return { value, low: index, status: 'head', members };
  }
  return { value, low: Infinity, status: 'done', members: [] };
}

/** A member that completed provisionally, to be redone when its head completes. */
export function deferMember<T>(m: Member<T>): void {
  pending.set(m.key, m as Member<unknown>);
}

/**
 * Analyses a cycle's members again in the fixed order (by key), each
 * seeing the ones before it and the rest cut, and keeps each result.
 * Returns the results by key.
 */
export function settle<T>(members: Member<T>[]): Map<string, T> {
  const sorted = [...members].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const done = new Map<string, T>();
  const before = settling;
  settling = { members: new Set(sorted.map((m) => m.key)), done };
  try {
    for (const m of sorted) {
      const { value } = inFrame(m.key, m.redo);
      done.set(m.key, value);
      m.keep(value);
    }
  } finally {
    settling = before;
  }
  return done;
}

/** Whether `key` is on the stack (a scope asking about its own module's names, say). */
export function onStack(key: string): boolean {
  return frames.some((f) => f.key === key);
}
