/**
 * A glob, compiled to a Thompson automaton and run over a path one
 * character at a time with the set of states it may be in: time is the
 * path's length times the pattern's, whatever either holds. A regular
 * expression built from a glob (`*` as `.*`) backtracks: `*a*a*a*a*Q`
 * against a name of forty `a`s took minutes.
 *
 * Both glob dialects compile to these items: Python's `fnmatch` (bandit's
 * excludes and skips, fnmatch.ts) and `pysec.exclude` (config/glob.ts).
 */
export type CharTest = (c: string) => boolean;

export type GlobItem =
  /** One character that passes `test`. */
  | { kind: 'char'; test: CharTest }
  /** Any run (maybe empty) of characters that pass `test`. */
  | { kind: 'star'; test: CharTest }
  /** Zero or more times `body` (which consumes at least one character). */
  | { kind: 'repeat'; body: GlobItem[] }
  /** One of `options`. */
  | { kind: 'alt'; options: GlobItem[][] };

type State = { kind: 'char'; test: CharTest; next: number } | { kind: 'split'; out: number[] } | { kind: 'match' };

export class Glob {
  private readonly states: State[] = [];
  private readonly start: number;

  constructor(items: readonly GlobItem[]) {
    this.states.push({ kind: 'match' });
    this.start = this.sequence(items, 0);
  }

  /** The state that matches `items` and then continues at `next`. */
  private sequence(items: readonly GlobItem[], next: number): number {
    for (let i = items.length - 1; i >= 0; i--) next = this.item(items[i], next);
    return next;
  }

  private item(item: GlobItem, next: number): number {
    const s = this.states;
    switch (item.kind) {
      case 'char':
        return s.push({ kind: 'char', test: item.test, next }) - 1;
      case 'star': {
        const loop = s.push({ kind: 'split', out: [] }) - 1;
        const one = s.push({ kind: 'char', test: item.test, next: loop }) - 1;
        (s[loop] as { out: number[] }).out.push(one, next);
        return loop;
      }
      case 'repeat': {
        const loop = s.push({ kind: 'split', out: [] }) - 1;
        (s[loop] as { out: number[] }).out.push(this.sequence(item.body, loop), next);
        return loop;
      }
      case 'alt':
        return s.push({ kind: 'split', out: item.options.map((o) => this.sequence(o, next)) }) - 1;
    }
  }

  /** Adds `state` and every state reachable from it without a character. */
  private close(state: number, into: number[], seen: Uint32Array, mark: number): void {
    const stack = [state];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen[k] === mark) continue;
      seen[k] = mark;
      const st = this.states[k];
      if (st.kind === 'split') for (let j = st.out.length - 1; j >= 0; j--) stack.push(st.out[j]);
      else into.push(k);
    }
  }

  /** Whether the whole of `text` matches (characters are code points). */
  matches(text: string): boolean {
    const seen = new Uint32Array(this.states.length);
    let mark = 1;
    let current: number[] = [];
    this.close(this.start, current, seen, mark);
    for (const c of text) {
      if (current.length === 0) return false;
      const next: number[] = [];
      mark++;
      for (const k of current) {
        const st = this.states[k];
        if (st.kind === 'char' && st.test(c)) this.close(st.next, next, seen, mark);
      }
      current = next;
    }
    return current.some((k) => this.states[k].kind === 'match');
  }
}

/** A bounded cache: cleared when full (the inputs are a project's few patterns and paths). */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit = 10_000) {}

  get(key: string, compute: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined || this.map.has(key)) return hit as V;
    const v = compute();
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, v);
    return v;
  }
}
