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
 * bandit does not know (bandit would read `# nosec PS301` as blanket).
 */
const PYSEC_IGNORE = /#\s*pysec:\s*ignore\[([^\]]*)\]\s*(?:#\s*(.*))?$/;

export interface PysecIgnore {
  ids: Set<string>;
  justification: string | null;
  at: number;
  /** The ids as written between the brackets. */
  list: string;
  /** Offset within the comment just after the `]` and the spaces that follow it. */
  end: number;
}

export function parsePysecIgnore(comment: string): PysecIgnore | null {
  const m = PYSEC_IGNORE.exec(comment);
  if (!m) return null;
  const ids = new Set(
    m[1]
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
  const end = m.index + /^#\s*pysec:\s*ignore\[[^\]]*\]\s*/.exec(m[0])![0].length;
  return { ids, justification: m[2]?.trim() || null, at: m.index, list: m[1], end };
}
