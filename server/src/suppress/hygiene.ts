import type { Tree } from 'web-tree-sitter';
import type { TextLines } from '../positions/lines.js';
import type { Finding, Span } from '../findings/finding.js';
import { findingLines, lineCommentReader } from './apply.js';
import { BANDIT_IDS } from './bandit-tests.js';
import { buildComment, dedupe, isBanditId, parseComment, resolveBanditWord, type CommentParts, type CommentSpec } from './comment.js';
import { commentEdit, lineSlot, type OffsetTextEdit } from './lines.js';

/**
 * Suppression hygiene: what is wrong with the `# nosec` and
 * `# pysec: ignore[...]` comments of a document, each with its own id and,
 * where one makes sense, the fix. Pure: the findings (of every engine that
 * ran) come in, issues come out; nothing here knows LSP.
 *
 * Only lines that hold a suppression comment are looked at (a text search
 * for the two markers, then the tree to tell comments from strings), so
 * this runs on every keystroke.
 */

export const HYGIENE_RULES = {
  /** A bare `# nosec`: silences every bandit test on the line. */
  PSN001: 'bare-nosec',
  /** A `# nosec` naming ids or names bandit does not know (all unknown: bandit reads it as bare). */
  PSN002: 'unknown-suppression-id',
  /** Ids joined without a space (`# nosec B101,B602`): bandit 1.7–1.9 reads only the last. */
  PSN003: 'nosec-ids-without-space',
  /** Words between the ids and the second `#`: bandit reads them as test names. */
  PSN004: 'nosec-words-as-ids',
  /** No justification, or still the placeholder one. */
  PSN005: 'suppression-without-justification',
  /** A suppression (or an id of one) that silences nothing. */
  PSN006: 'unused-suppression',
  /** A bandit id in `# pysec: ignore[...]`: bandit does not read that comment. */
  PSN007: 'bandit-id-in-pysec-ignore',
  /**
   * Not a check of a comment: the editor's notice that a document has more
   * findings than it publishes (handlers/publish.ts MAX_PUBLISHED). Here so
   * that, like the others, its code and name take `severity.overrides` and
   * `rules.ignore` and the settings know them; it has no fix.
   */
  PSN008: 'findings-not-shown',
} as const;

export type HygieneCode = keyof typeof HYGIENE_RULES;

export interface HygieneOptions {
  /** The placeholder justification the code actions write (`pysec.suppress.placeholder`). */
  placeholder: string;
  /** Preset reasons offered as fixes for a missing justification (`pysec.suppress.reasons`). */
  reasons: readonly string[];
  /**
   * Whether the absence of a `rule` finding on `line` means there is none:
   * some engine that reports `rule` ran on that line (the tree-sitter rules
   * always; bandit's tests only when a current bandit run covers the line).
   */
  covers: (rule: string, line: number) => boolean;
  /** The ids of pysec's own rules (PS…), to tell a typo in `# pysec: ignore[...]`. */
  pysecRules: ReadonlySet<string>;
}

export interface HygieneFix {
  title: string;
  edit: OffsetTextEdit;
}

export interface HygieneIssue {
  code: HygieneCode;
  severity: 'warning' | 'information';
  line: number;
  range: Span;
  message: string;
  /** Shown faded by clients that support it (an unused suppression). */
  unnecessary?: boolean;
  fixes: HygieneFix[];
}

/** Where a `# nosec` (bandit's `#\s*nosec`) or a `# pysec: ignore` may start. */
const MARKERS = /#\s*(?:nosec|pysec:\s*ignore)/g;

/** Whether `text` holds a word every suppression comment has (`nosec`, `pysec`): a plain substring search. */
export function hasMarkerWord(text: string): boolean {
  return text.includes('nosec') || text.includes('pysec');
}

/** The marker words' length: an edit makes one appear only within this many characters less one of its new text. */
export const MARKER_WORD_LENGTH = 5;

/**
 * Whether `text` may hold a suppression comment at all (a text search: the
 * cheap first step). `words`: `hasMarkerWord(text)`, when the caller knows it.
 */
export function mayHaveSuppressions(text: string, words?: boolean): boolean {
  // A plain substring search first: an order of magnitude cheaper than the regex on a large file.
  if (!(words ?? hasMarkerWord(text))) return false;
  MARKERS.lastIndex = 0;
  const found = MARKERS.test(text);
  MARKERS.lastIndex = 0;
  return found;
}
/** Looks like a rule id (B602, PS501, S602, E501), as opposed to a word of prose. */
const ID_LIKE = /^[A-Za-z]{1,4}\d{2,4}$/;

interface Usage {
  /** Ids (and `*` for a blanket `# nosec`) of the line's comment that silence some finding. */
  used: Set<string>;
  /** The rules of the findings a blanket `# nosec` on the line silences. */
  blanketFor: string[];
}

export function suppressionHygiene(doc: TextLines, tree: Tree, findings: readonly Finding[], options: HygieneOptions): HygieneIssue[] {
  const text = doc.getText();
  const lines = new Set<number>();
  for (const m of text.matchAll(MARKERS)) lines.add(doc.positionAt(m.index).line);
  if (lines.size === 0) return [];

  // Only lines the text search found can hold one: every other line reads as "no comment" at once.
  const read = lineCommentReader(doc, tree);
  const at = (line: number) => (lines.has(line) ? read(line) : null);
  const usage = new Map<number, Usage>();
  const use = (line: number): Usage => {
    let u = usage.get(line);
    if (!u) usage.set(line, (u = { used: new Set(), blanketFor: [] }));
    return u;
  };
  // Which comment silences which finding, the way bandit 1.9 (and pysec for its own comment) reads them.
  for (const f of findings) {
    const fl = findingLines(f, doc);
    const own = at(fl.issue)?.nosec ?? null;
    let ctxLine = -1;
    for (let l = fl.first; l <= fl.last; l++) {
      if (at(l)?.nosec) {
        ctxLine = l;
        break;
      }
    }
    const ctx = ctxLine >= 0 ? at(ctxLine)!.nosec : null;
    if (own || ctx) {
      const union = new Set([...(own?.ids ?? []), ...(ctx?.ids ?? [])]);
      if (union.size === 0) {
        for (const l of new Set([own ? fl.issue : -1, ctxLine])) {
          if (l < 0) continue;
          use(l).used.add('*');
          use(l).blanketFor.push(f.rule);
        }
      } else if (union.has(f.rule)) {
        if (own?.ids.has(f.rule)) use(fl.issue).used.add(f.rule);
        if (ctx?.ids.has(f.rule)) use(ctxLine).used.add(f.rule);
      }
    }
    for (let l = Math.min(fl.issue, fl.first); l <= Math.max(fl.issue, fl.last); l++) {
      if (l !== fl.issue && (l < fl.first || l > fl.last)) continue;
      if (at(l)?.ignore?.ids.has(f.rule)) use(l).used.add(f.rule);
    }
  }

  const out: HygieneIssue[] = [];
  for (const line of [...lines].sort((a, b) => a - b)) {
    const slot = lineSlot(doc, tree, line);
    if (!slot.ok || !slot.comment) continue;
    const parts = parseComment(slot.comment.text);
    if (!parts.nosec && !parts.ignore) continue;
    out.push(...checkComment(line, slot, parts, usage.get(line) ?? { used: new Set(), blanketFor: [] }, options));
  }
  return out;
}

type Slot = Extract<ReturnType<typeof lineSlot>, { ok: true }>;

function quote(ids: readonly string[]): string {
  return ids.map((i) => `\`${i}\``).join(', ');
}

function checkComment(line: number, slot: Slot, parts: CommentParts, usage: Usage, options: HygieneOptions): HygieneIssue[] {
  const out: HygieneIssue[] = [];
  const base = slot.comment!.offset;
  const nosec = parts.nosec;
  const ignore = parts.ignore;
  const nosecRange: Span | null = nosec ? { start: base + nosec.at, end: base + nosec.end } : null;
  const ignoreRange: Span | null = ignore ? { start: base + ignore.at, end: base + ignore.end } : null;
  const whole: Span = { start: base, end: base + parts.text.length };

  const rewrite = (title: string, spec: Partial<CommentSpec>, tabStop = false): HygieneFix => {
    const s: CommentSpec = {
      lead: parts.lead,
      nosec: parts.nosecIds,
      ignore: parts.ignoreIds,
      justification: currentJustification(parts),
      ...spec,
    };
    if (s.nosec.length === 0 && s.ignore.length === 0) s.justification = null;
    const built = buildComment(s);
    return { title, edit: commentEdit(slot, built.text, tabStop ? built.justification : null) };
  };

  const words = parts.strayWords;
  const idWords = words.filter((w) => ID_LIKE.test(w));
  const prose = words.filter((w) => !ID_LIKE.test(w));
  const blanket = nosec !== null && parts.nosecIds.length === 0;

  if (nosec && blanket) {
    const found = dedupe(usage.blanketFor);
    const foundB = found.filter(isBanditId);
    const foundOurs = found.filter((id) => !isBanditId(id));
    const reason = [prose.join(' '), currentJustification(parts) ?? ''].filter((s) => s !== '').join('; ') || options.placeholder;
    const fixes: HygieneFix[] = [];
    if (found.length) {
      fixes.push(
        rewrite(
          `pysec: name the ids: ${[foundB.length ? `# nosec ${foundB.join(', ')}` : '', foundOurs.length ? `# pysec: ignore[${foundOurs.join(', ')}]` : ''].filter(Boolean).join('  ')}`,
          { nosec: foundB, ignore: dedupe([...parts.ignoreIds, ...foundOurs]), justification: reason },
          reason === options.placeholder,
        ),
      );
    }
    const here = found.length ? ` Here that is ${quote(found)}.` : '';
    if (words.length === 0) {
      out.push({
        code: 'PSN001',
        severity: 'warning',
        line,
        range: nosecRange!,
        message: `A bare \`# nosec\` silences every bandit test on this line, today's and any added later (bandit 1.6 even skips everything that starts on it): name the ids it is for, e.g. \`# nosec B602  # why\`.${here}`,
        fixes,
      });
    } else {
      const ours = idWords.filter((w) => !resolveBanditWord(w) && /^PS\d{3}$/.test(w));
      out.push({
        code: 'PSN002',
        severity: 'warning',
        line,
        range: nosecRange!,
        message:
          `bandit knows none of ${quote(words)}, so it reads this as a bare \`# nosec\` and silences every test on the line (it fails open).` +
          (ours.length ? ` pysec's own rules take \`# pysec: ignore[${ours.join(', ')}]\`, never \`# nosec\`.` : ' Name bandit test ids (B602) and put the reason after a second `#`.') +
          here,
        fixes,
      });
    }
  }

  if (nosec && parts.lostIds.length) {
    {
      const all = dedupe(parts.words.filter((w) => w.id).map((w) => w.text));
      out.push({
        code: 'PSN003',
        severity: 'warning',
        line,
        range: nosecRange!,
        message: `Ids joined by a comma without a space: bandit 1.7–1.9 reads only the last of each run, so ${quote(parts.lostIds)} ${parts.lostIds.length === 1 ? 'is' : 'are'} not suppressed. Write \`# nosec ${all.join(', ')}\`.`,
        fixes: [rewrite(`pysec: write the ids as ${all.join(', ')}`, { nosec: all, justification: joinReason(prose, parts) })],
      });
    }
  }

  if (nosec && !blanket) {
    const unknownIds = idWords.filter((w) => !resolveBanditWord(w));
    if (unknownIds.length) {
      const ours = unknownIds.filter((w) => options.pysecRules.has(w) || /^PS\d{3}$/.test(w));
      const moved = ours.length ? dedupe([...parts.ignoreIds, ...ours]) : parts.ignoreIds;
      out.push({
        code: 'PSN002',
        severity: 'information',
        line,
        range: nosecRange!,
        message:
          `bandit knows no test ${quote(unknownIds)} and ignores ${unknownIds.length === 1 ? 'it' : 'them'}.` +
          (ours.length ? ` pysec's own rules take \`# pysec: ignore[${ours.join(', ')}]\`.` : ''),
        fixes: [
          rewrite(ours.length ? `pysec: move ${ours.join(', ')} to # pysec: ignore[…]` : `pysec: remove ${unknownIds.join(', ')}`, {
            ignore: moved,
            justification: joinReason(prose, parts),
          }),
        ],
      });
    }
    if (prose.length) {
      out.push({
        code: 'PSN004',
        severity: 'information',
        line,
        range: nosecRange!,
        message: `bandit reads ${quote(prose)} as test names (and warns that it knows none of them): put the reason after a second \`#\`, as in \`# nosec ${parts.nosecIds.join(', ')}  # ${prose.join(' ')}\`.`,
        fixes: [rewrite('pysec: move the words after a second # (as the justification)', { justification: joinReason(prose, parts) })],
      });
    }
  }

  if (ignore) {
    const bandit = parts.ignoreIds.filter(isBanditId);
    if (bandit.length) {
      out.push({
        code: 'PSN007',
        severity: 'information',
        line,
        range: ignoreRange!,
        message: `bandit does not read \`# pysec: ignore\`: ${quote(bandit)} stay${bandit.length === 1 ? 's' : ''} reported by bandit (in CI, too). bandit's tests take \`# nosec ${bandit.join(', ')}\`.`,
        fixes: blanket
          ? []
          : [
              rewrite(`pysec: move ${bandit.join(', ')} to # nosec`, {
                nosec: dedupe([...parts.nosecIds, ...bandit]),
                ignore: parts.ignoreIds.filter((id) => !isBanditId(id)),
              }),
            ],
      });
    }
    const unknown = parts.ignoreIds.filter((id) => !isBanditId(id) && !options.pysecRules.has(id));
    if (unknown.length) {
      out.push({
        code: 'PSN002',
        severity: 'information',
        line,
        range: ignoreRange!,
        message: `pysec has no rule ${quote(unknown)}: \`# pysec: ignore[...]\` silences nothing with ${unknown.length === 1 ? 'that id' : 'those ids'}.`,
        fixes: [rewrite(`pysec: remove ${unknown.join(', ')}`, { ignore: parts.ignoreIds.filter((id) => !unknown.includes(id)) })],
      });
    }
  }

  // The justification: none, or still the placeholder. (Words stuck in the id list are PSN004's.)
  const just = currentJustification(parts);
  if (prose.length === 0) {
    const missing = just === null;
    const placeholder = just !== null && just.trim().toLowerCase() === options.placeholder.trim().toLowerCase();
    if (missing || placeholder) {
      const what = nosec ? '`# nosec`' : '`# pysec: ignore`';
      const fixes: HygieneFix[] = [];
      const noIds = (nosec ? parts.nosecIds.length === 0 : true) && parts.ignoreIds.length === 0;
      if (!noIds) {
        for (const r of options.reasons) fixes.push(rewrite(`pysec: justify: ${r}`, { justification: r }));
        if (missing) fixes.push(rewrite('pysec: add a justification', { justification: options.placeholder }, true));
      }
      out.push({
        code: 'PSN005',
        severity: 'information',
        line,
        range: whole,
        message: missing
          ? `This ${what} has no justification: say why after a second \`#\` (\`# nosec B602  # input is a constant\`). A suppression without a reviewed reason is itself a security gap.`
          : `This ${what} still has the placeholder justification \`${options.placeholder}\`: replace it with the reason the finding is safe or accepted.`,
        fixes,
      });
    }
  }

  // Suppressions that silence nothing.
  const unusedNosec = nosec && !blanket ? parts.nosecIds.filter((w) => !usage.used.has(resolveBanditWord(w) ?? w) && options.covers(resolveBanditWord(w) ?? w, line)) : [];
  const unusedIgnore = ignore ? parts.ignoreIds.filter((id) => !usage.used.has(id) && options.covers(id, line)) : [];
  const blanketUnused = nosec && blanket && !usage.used.has('*') && [...BANDIT_IDS].every((id) => options.covers(id, line));
  if (unusedNosec.length || unusedIgnore.length || blanketUnused) {
    const keepNosec = blanket ? (blanketUnused ? [] : parts.nosecIds) : parts.nosecIds.filter((w) => !unusedNosec.includes(w));
    const keepIgnore = parts.ignoreIds.filter((id) => !unusedIgnore.includes(id));
    const unused = [...(blanketUnused ? ['# nosec'] : unusedNosec), ...unusedIgnore];
    const everything = keepNosec.length === 0 && keepIgnore.length === 0 && !(blanket && !blanketUnused);
    const spec: Partial<CommentSpec> = { nosec: keepNosec, ignore: keepIgnore };
    let fix: HygieneFix;
    if (blanket && !blanketUnused) {
      // The bare `# nosec` is used; only `# pysec: ignore` ids go. Keep the nosec text as it is.
      fix = { title: `pysec: remove unused ${unusedIgnore.join(', ')}`, edit: commentEdit(slot, rebuildKeepingNosec(parts, keepIgnore)) };
    } else {
      fix = rewrite(everything ? 'pysec: remove the unused suppression' : `pysec: remove unused ${unused.join(', ')}`, spec);
    }
    out.push({
      code: 'PSN006',
      severity: 'information',
      line,
      range: blanketUnused ? nosecRange! : unusedNosec.length && !unusedIgnore.length ? nosecRange! : !unusedNosec.length && ignoreRange ? ignoreRange : whole,
      message: blanketUnused
        ? 'This `# nosec` silences nothing: no finding on this line or its statement.'
        : `${quote(unused)} silence${unused.length === 1 ? 's' : ''} nothing: no finding with ${unused.length === 1 ? 'that id' : 'those ids'} on this line or its statement.`,
      unnecessary: true,
      fixes: [fix],
    });
  }
  return out;
}

/** The justification as it stands, with the placeholder kept (the PSN005 check looks at it). */
function currentJustification(parts: CommentParts): string | null {
  return parts.justification;
}

/** Words stuck in the id list, then the existing justification. */
function joinReason(prose: readonly string[], parts: CommentParts): string | null {
  const s = [prose.join(' '), parts.justification ?? ''].filter((x) => x !== '').join('; ');
  return s === '' ? parts.justification : s;
}

/** The comment with a bare `# nosec` left as written and only the `# pysec: ignore` ids changed. */
function rebuildKeepingNosec(parts: CommentParts, ignore: readonly string[]): string {
  const n = parts.nosec!;
  const nosecText = parts.text.slice(n.at, n.end).trimEnd();
  const head = [parts.lead, nosecText, ignore.length ? `# pysec: ignore[${ignore.join(', ')}]` : ''].filter(Boolean).join('  ');
  return parts.justification !== null ? `${head}  # ${parts.justification}` : head;
}
