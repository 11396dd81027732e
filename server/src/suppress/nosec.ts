import { BANDIT_ID_BY_NAME, BANDIT_IDS } from './bandit-tests.js';

/**
 * bandit 1.9's reading of a comment token, to the letter
 * (bandit/core/manager.py `_parse_nosec_comment`):
 *
 *   NOSEC_COMMENT       = #\s*nosec:?\s*(?P<tests>[^#]+)?#?
 *   NOSEC_COMMENT_TESTS = (?:(B\d+|[a-z\d_]+),?)+   (IGNORECASE, finditer, group 1)
 *
 * Group 1 of a repeated group keeps only its last repetition, which is why
 * `# nosec B101,B602` silences B602 alone. Each token is kept if it is a
 * known id (case-sensitive) or a known test name; an empty result means a
 * blanket `# nosec`.
 */
const NOSEC_COMMENT = /#\s*nosec:?\s*([^#]+)?#?/;
const NOSEC_COMMENT_TESTS = /(?:(B\d+|[a-z\d_]+),?)+/gi;

export interface Nosec {
  /** Resolved test ids; empty = silences every test on the line. */
  ids: Set<string>;
  /** Every token as written, resolved or not (for hygiene checks). */
  tokens: string[];
  /** Text after the `#` that ends the id list, trimmed; null when absent. */
  justification: string | null;
  /** Offset of `# nosec` within the comment. */
  at: number;
  /** The id list as written (bandit's `tests` group), or null when there is none. */
  tests: string | null;
  /** Offset within the comment where the id list ends (the `#` that closes it, or the comment's end). */
  end: number;
  /** Whether a second `#` closes the id list. */
  closed: boolean;
}

export function parseNosec(comment: string): Nosec | null {
  const m = NOSEC_COMMENT.exec(comment);
  if (!m) return null;
  const ids = new Set<string>();
  const tokens: string[] = [];
  if (m[1]) {
    for (const t of m[1].matchAll(NOSEC_COMMENT_TESTS)) {
      const token = t[1];
      tokens.push(token);
      if (BANDIT_IDS.has(token)) ids.add(token);
      else {
        const byName = BANDIT_ID_BY_NAME.get(token);
        if (byName) ids.add(byName);
      }
    }
  }
  const hashClosed = m[0].endsWith('#');
  const end = m.index + m[0].length - (hashClosed ? 1 : 0);
  // The reason follows the second `#`; a `# pysec: ignore[...]` written between them (the form the
  // code actions write for a line with both kinds of ids) is not part of it.
  let after = comment.slice(m.index + m[0].length);
  const ignore = hashClosed ? PYSEC_MARKER.exec(after) : null;
  if (ignore) after = after.slice(ignore[0].length);
  const justification = hashClosed ? after.replace(/^[#\s]+/, '').trim() || null : null;
  return { ids, tokens, justification, at: m.index, tests: m[1] ?? null, end, closed: hashClosed };
}

/** `pysec: ignore[...]` right after a `#` (the `#` itself already consumed). */
const PYSEC_MARKER = /^\s*pysec:\s*ignore\[[^\]]*\]\s*(?=#|$)/;

/**
 * `# pysec: ignore[PS301, B602]  # reason` — our own comment, for rules
 * bandit does not know (bandit would read `# nosec PS301` as blanket). Read
 * as the regular expression `#\s*pysec:\s*ignore\[([^\]]*)\]\s*(?:#\s*(.*))?$`
 * would (its leftmost match, its groups), by a scan in time linear in the
 * comment: that regex, tried at every `#` of a comment repeating
 * `# pysec: ignore[` with no `]`, rescanned the rest of it from each one.
 */
export interface PysecIgnore {
  ids: Set<string>;
  justification: string | null;
  at: number;
  /** The ids as written between the brackets. */
  list: string;
  /** Offset within the comment just after the `]` and the spaces that follow it. */
  end: number;
}

/** JavaScript's `\s`, which the comment's reading has always used. */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** What `.` does not match. */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

export function parsePysecIgnore(comment: string): PysecIgnore | null {
  let lastTerminator = -1;
  for (let i = comment.length - 1; i >= 0; i--) {
    if (isLineTerminator(comment.charCodeAt(i))) {
      lastTerminator = i;
      break;
    }
  }
  /** The `]` the previous try stopped at: a later `#` before it finds the same one, and fails the same way. */
  let failedClose = -1;
  for (let at = comment.indexOf('#'); at >= 0; at = comment.indexOf('#', at + 1)) {
    let i = skipSpaces(comment, at + 1);
    if (!comment.startsWith('pysec:', i)) continue;
    i = skipSpaces(comment, i + 6);
    if (!comment.startsWith('ignore[', i)) continue;
    const open = i + 7;
    if (open <= failedClose) continue;
    const close = comment.indexOf(']', open);
    if (close < 0) return null; // no `]` after this `#`: none after any later one either
    const end = skipSpaces(comment, close + 1);
    let justification: string | null | undefined;
    if (end === comment.length) justification = null;
    else if (comment.charCodeAt(end) === 0x23 /* # */) {
      // `#\s*(.*)$`: the spaces go to `\s*`, and `.` takes the rest only if no line ends in it.
      const reason = skipSpaces(comment, end + 1);
      if (lastTerminator < reason) justification = comment.slice(reason).trim() || null;
    }
    if (justification === undefined) {
      failedClose = close;
      continue;
    }
    const list = comment.slice(open, close);
    const ids = new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    );
    return { ids, justification, at, list, end };
  }
  return null;
}
