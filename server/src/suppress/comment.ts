import { BANDIT_ID_BY_NAME, BANDIT_IDS } from './bandit-tests.js';
import { parseNosec, parsePysecIgnore, type Nosec, type PysecIgnore } from './nosec.js';

/**
 * One comment token, taken apart into what a suppression rewrite needs, and
 * put back together in the one form every bandit version reads correctly:
 *
 *   <lead>  # nosec B602, B608  # pysec: ignore[PS501]  # <justification>
 *
 * `lead` is whatever comment text came before the first marker (a
 * `# type: ignore`, a `# noqa`, a note): it stays first, where mypy, pyright
 * and flake8 look for theirs. bandit stops reading the ids at the second
 * `#`; pysec's own marker sits between the ids and the justification so
 * that each tool reads exactly its own part.
 */

/** Python's `\w`-ish token bandit's NOSEC_COMMENT_TESTS matches, as written. */
const WORD = /[A-Za-z0-9_]+/g;

export interface WrittenWord {
  text: string;
  /** Offset within the comment. */
  start: number;
  /** The bandit id it resolves to (an id, or a test name), or null. */
  id: string | null;
  /** Whether bandit 1.9 keeps it (`B101,B602` keeps only `B602`). */
  effective: boolean;
}

export interface CommentParts {
  text: string;
  /** Comment text before the first marker, trimmed (may be empty). */
  lead: string;
  nosec: Nosec | null;
  ignore: PysecIgnore | null;
  /** The words of the `# nosec` id list, with what bandit makes of each. */
  words: WrittenWord[];
  /** The ids bandit 1.9 reads from the `# nosec`, in written order, as written (ids or test names), no duplicates. */
  nosecIds: string[];
  /** Words of the id list that bandit does not resolve, in order. */
  strayWords: string[];
  /** Ids that resolve but that bandit drops because a comma without a space joins them to the next. */
  lostIds: string[];
  /** The ids of `# pysec: ignore[...]`, as written. */
  ignoreIds: string[];
  /** The justification (text after the markers' closing `#`), or null. */
  justification: string | null;
  /** Comment text between or after the markers that is neither (kept, folded into the justification). */
  rest: string;
}

/** Bandit's resolution of one word of a nosec list: an id (case-sensitive) or a test name. */
export function resolveBanditWord(word: string): string | null {
  if (BANDIT_IDS.has(word)) return word;
  return BANDIT_ID_BY_NAME.get(word) ?? null;
}

/** Splits a comment token (starting with `#`). */
export function parseComment(text: string): CommentParts {
  const nosec = parseNosec(text);
  const ignore = parsePysecIgnore(text);
  const spans: [number, number][] = [];
  const words: WrittenWord[] = [];
  if (nosec) {
    spans.push([nosec.at, nosec.end]);
    const testsStart = nosec.end - (nosec.tests?.length ?? 0);
    const effective = new Set(nosec.tokens);
    // bandit's finditer: a run of words joined by commas without spaces is one match whose
    // group keeps the last word only.
    const groups = (nosec.tests ?? '').matchAll(/(?:(B\d+|[a-z\d_]+),?)+/gi);
    const kept = new Set<number>();
    for (const g of groups) {
      const last = g[1];
      kept.add(testsStart + g.index + g[0].lastIndexOf(last));
    }
    for (const w of (nosec.tests ?? '').matchAll(WORD)) {
      const start = testsStart + w.index;
      const id = resolveBanditWord(w[0]);
      words.push({ text: w[0], start, id, effective: kept.has(start) && effective.has(w[0]) });
    }
  }
  if (ignore) spans.push([ignore.at, ignore.end]);
  spans.sort((a, b) => a[0] - b[0]);

  const nosecIds: string[] = [];
  const seen = new Set<string>();
  const strayWords: string[] = [];
  const lostIds: string[] = [];
  for (const w of words) {
    if (w.id && w.effective) {
      if (!seen.has(w.id)) {
        seen.add(w.id);
        nosecIds.push(w.text);
      }
    } else if (w.id && !w.effective) lostIds.push(w.text);
    else strayWords.push(w.text);
  }
  const ignoreIds = ignore ? splitIds(ignore.list) : [];

  let lead = text.trimEnd();
  let rest = '';
  let justification: string | null = null;
  if (spans.length) {
    lead = text.slice(0, spans[0][0]).trimEnd();
    // What is left once the markers are cut out: the justification, after the closing `#`.
    let tail = '';
    for (let i = 0; i < spans.length; i++) tail += text.slice(spans[i][1], i + 1 < spans.length ? spans[i + 1][0] : text.length);
    tail = tail.trim();
    if (tail.startsWith('#')) justification = tail.replace(/^#+\s*/, '').trim() || null;
    else rest = tail;
    // A `# nosec` without a closing `#` swallowed everything after it: no justification.
    if (nosec && !nosec.closed && (!ignore || ignore.at < nosec.at)) justification = null;
  }
  return { text, lead, nosec, ignore, words, nosecIds, strayWords, lostIds, ignoreIds, justification, rest };
}

export function splitIds(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface CommentSpec {
  lead: string;
  nosec: readonly string[];
  ignore: readonly string[];
  /** null: no justification part at all. */
  justification: string | null;
}

export interface BuiltComment {
  /** The comment text; empty when nothing is left of it. */
  text: string;
  /** Where the justification sits in `text` (for a snippet's tab stop). */
  justification: [number, number] | null;
}

/** The canonical comment: `<lead>  # nosec A, B  # pysec: ignore[C]  # <justification>`. */
export function buildComment(spec: CommentSpec): BuiltComment {
  const parts: string[] = [];
  if (spec.lead) parts.push(spec.lead);
  if (spec.nosec.length) parts.push(`# nosec ${spec.nosec.join(', ')}`);
  if (spec.ignore.length) parts.push(`# pysec: ignore[${spec.ignore.join(', ')}]`);
  const hasMarker = spec.nosec.length > 0 || spec.ignore.length > 0;
  let span: [number, number] | null = null;
  if (hasMarker && spec.justification !== null) {
    const head = parts.join('  ') + '  # ';
    span = [head.length, head.length + spec.justification.length];
    return { text: head + spec.justification, justification: span };
  }
  return { text: parts.join('  '), justification: null };
}

/** Ids in a stable order: bandit's first (B101 < B602), then ours, each group as first seen. */
export function dedupe(ids: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const key = resolveBanditWord(id) ?? id;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(id);
  }
  return out;
}

/** A justification that is one line of text: no line breaks, trimmed. */
export function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
}

/** Is `id` a bandit test id (B101 … B704, B001)? Everything else goes into `# pysec: ignore[...]`. */
export function isBanditId(id: string): boolean {
  return BANDIT_IDS.has(id);
}
