import type { Include, Manifest, NotChecked, Requirement } from './manifest.js';
import { declaredRequirement, parseRequirement, uncheckable } from './requirement.js';

/**
 * A requirements file in pip's format (`requirements*.txt`, `*.in`): lines
 * ending in `\` continue on the next, `#` after a blank (or at the start)
 * begins a comment, `-r`/`-c` include other files, `-e` and URLs or paths
 * install what the audit cannot check, and a requirement's own options
 * (`--hash=...`) follow its first word that starts with `-`.
 */

interface Piece {
  /** Offset in the file of this piece's first character. */
  start: number;
  text: string;
  line: number;
}

/** One logical line: its pieces (physical lines without the `\`), their comments. */
interface Logical {
  pieces: Piece[];
  comments: { text: string; line: number; start: number }[];
}

/** Where a comment starts in a physical line: `#` at the start or after a blank; -1 for none. */
function commentStart(line: string): number {
  for (let i = 0; i < line.length; i++) if (line[i] === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return i;
  return -1;
}

function logicalLines(text: string): Logical[] {
  const out: Logical[] = [];
  let current: Logical | null = null;
  let offset = 0;
  let line = 0;
  while (offset <= text.length) {
    let nl = text.indexOf('\n', offset);
    if (nl < 0) nl = text.length;
    let raw = text.slice(offset, nl);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const cut = commentStart(raw);
    const body = cut < 0 ? raw : raw.slice(0, cut);
    const l: Logical = current ?? { pieces: [], comments: [] };
    if (cut >= 0) l.comments.push({ text: raw.slice(cut), line, start: offset + cut });
    // pip joins a line ending in `\` with the next; a comment ends the joining.
    const continues = cut < 0 && body.endsWith('\\');
    l.pieces.push({ start: offset, text: continues ? body.slice(0, -1) : body, line });
    if (continues) current = l;
    else {
      out.push(l);
      current = null;
    }
    if (nl >= text.length) break;
    offset = nl + 1;
    line++;
  }
  if (current) out.push(current);
  return out;
}

/** The logical line's text and a map from its offsets back to the file's. */
function joined(l: Logical): { text: string; at: (i: number) => number; lineOf: (i: number) => number } {
  let text = '';
  const starts: number[] = [];
  for (const p of l.pieces) {
    starts.push(text.length);
    text += p.text;
  }
  const piece = (i: number) => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= i) k++;
    return k;
  };
  return { text, at: (i) => l.pieces[piece(i)].start + (i - starts[piece(i)]), lineOf: (i) => l.pieces[piece(i)].line };
}

const INCLUDE: Record<string, boolean> = { '-r': false, '--requirement': false, '-c': true, '--constraint': true };

/** A word of `text` from `i` (blanks skipped): [start, end). */
function wordAt(text: string, i: number): [number, number] {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  let j = i;
  while (j < text.length && text[j] !== ' ' && text[j] !== '\t') j++;
  return [i, j];
}

function looksLikeUrlOrPath(req: string): boolean {
  const t = req.trim();
  return t.includes('://') || t.startsWith('.') || t.startsWith('/') || t.startsWith('~') || t.includes('\\') || /^[a-z]+\+/i.test(t) || t.endsWith('.whl') || t.endsWith('.tar.gz') || t.endsWith('.zip');
}

export function parseRequirementsTxt(text: string): Manifest {
  const requirements: Requirement[] = [];
  const notChecked: NotChecked[] = [];
  const includes: Include[] = [];
  const errors: Manifest['errors'] = [];
  for (const l of logicalLines(text)) {
    const j = joined(l);
    const t = j.text;
    const [ws, we] = wordAt(t, 0);
    if (ws >= t.length) continue;
    const first = t.slice(ws, we);
    const span = { start: j.at(ws), end: j.at(Math.max(ws, t.trimEnd().length - 1)) + 1 };
    const comment = l.comments.length ? l.comments[l.comments.length - 1] : null;
    if (first.startsWith('-')) {
      // `-r file`, `-rfile`, `--requirement=file`.
      const eq = first.indexOf('=');
      const flag = first.startsWith('--') ? (eq < 0 ? first : first.slice(0, eq)) : first.slice(0, 2);
      if (flag in INCLUDE) {
        // The file: after `=`, glued to a short flag (`-rbase.txt`), or the next word.
        const [ps, pe] = first.startsWith('--') ? (eq < 0 ? wordAt(t, we) : [ws + eq + 1, we]) : first.length > 2 ? [ws + 2, we] : wordAt(t, we);
        if (ps < pe) includes.push({ path: t.slice(ps, pe), constraint: INCLUDE[flag], line: j.lineOf(ps), span: { start: j.at(ps), end: j.at(pe - 1) + 1 } });
        else errors.push({ line: j.lineOf(ws), message: `${flag} names no file` });
      } else if (flag === '-e' || flag === '--editable') {
        notChecked.push({ line: j.lineOf(ws), span, text: t.trim(), reason: 'an editable install: its version is the checkout, not a release' });
      }
      continue;
    }
    // The requirement is every word before the first option (`--hash=...`).
    let reqEnd = t.length;
    for (let i = we; i < t.length; ) {
      const [s, e] = wordAt(t, i);
      if (s >= t.length) break;
      if (t[s] === '-') {
        reqEnd = s;
        break;
      }
      i = e;
    }
    const reqText = t.slice(0, reqEnd);
    const reqSpan = { start: j.at(ws), end: j.at(Math.max(ws, reqText.trimEnd().length - 1)) + 1 };
    if (looksLikeUrlOrPath(reqText.split(';')[0])) {
      notChecked.push({ line: j.lineOf(ws), span: reqSpan, text: reqText.trim(), reason: 'a URL or a local path: no version to check' });
      continue;
    }
    const r = parseRequirement(reqText);
    if ('error' in r) {
      errors.push({ line: j.lineOf(ws), message: r.error });
      continue;
    }
    const why = uncheckable(r);
    if (why !== null) {
      notChecked.push({ line: j.lineOf(ws), span: reqSpan, text: reqText.trim(), reason: why });
      continue;
    }
    requirements.push(
      declaredRequirement(r, {
        line: j.lineOf(r.nameStart),
        nameSpan: { start: j.at(r.nameStart), end: j.at(r.nameEnd - 1) + 1 },
        specSpan: r.specifier ? { start: j.at(r.specStart), end: j.at(r.specEnd - 1) + 1 } : null,
        span: { start: span.start, end: span.end },
        comment,
        group: '',
      }),
    );
  }
  return { kind: 'requirements', requirements, notChecked, includes, errors };
}
