import type { OffsetTextEdit } from '../suppress/lines.js';
import type { ManifestKind, Requirement } from './adapter.js';
import { isLockKind } from './names.js';

/**
 * The edit that upgrades a requirement to `fixed`, touching only its version
 * text: an `==` pin becomes `==<fixed>`; a range gets `>=<fixed>` as its
 * lower bound (an existing `>=`/`>` rewritten, else one added; a `~=` keeps
 * its upper bound beside it); a poetry constraint keeps its form (`^`, `~`,
 * exact). Markers, extras, comments and `--hash` options are outside the
 * version text and stay as written. A lock file is not edited: its tool
 * regenerates it. Null when the requirement has no version text to rewrite
 * in a known form. The caller checks the result (audited again) before
 * offering it.
 */
export function upgradeEdit(text: string, kind: ManifestKind, r: Requirement, fixed: string): OffsetTextEdit | null {
  if (isLockKind(kind)) return null;
  if (!r.specSpan || r.specSpan.end <= r.specSpan.start) return insertLowerBound(text, r, fixed);
  const { start, end } = r.specSpan;
  const written = text.slice(start, end);
  const poetry = kind === 'pyproject' && r.group.startsWith('tool.poetry');
  const rewritten = poetry ? poetryUpgrade(written, fixed) : pep440Upgrade(written, fixed);
  return rewritten === null || rewritten === written ? null : { start, end, text: rewritten };
}

/** A requirement with no version text (`requests`, `requests[socks] ; marker`): `>=fixed` after its name and extras. */
function insertLowerBound(text: string, r: Requirement, fixed: string): OffsetTextEdit | null {
  let at = r.nameSpan.end;
  let i = at;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0 || close >= r.span.end) return null;
    at = close + 1;
  }
  return { start: at, end: at, text: `>=${fixed}` };
}

/** One clause of a specifier set, with where it sits in the written text. */
interface Clause {
  start: number;
  end: number;
  op: string;
  version: string;
}

const OPERATORS = ['===', '==', '~=', '!=', '<=', '>=', '<', '>'];

function clauses(written: string): Clause[] | null {
  const out: Clause[] = [];
  let at = 0;
  for (const part of written.split(',')) {
    const lead = part.length - part.trimStart().length;
    const body = part.trim();
    const op = OPERATORS.find((o) => body.startsWith(o));
    if (!op) return body === '' && written.trim() === '' ? [] : null;
    out.push({ start: at + lead, end: at + lead + body.length, op, version: body.slice(op.length).trim() });
    at += part.length + 1;
  }
  return out;
}

/** A PEP 440 specifier set with `fixed` as its lower bound (or its pin). */
export function pep440Upgrade(written: string, fixed: string): string | null {
  const cs = clauses(written);
  if (cs === null) return null;
  const replace: { c: Clause; text: string }[] = [];
  let lowered = false;
  for (const c of cs) {
    const wildcard = c.version.endsWith('.*');
    if ((c.op === '==' || c.op === '===') && !wildcard) {
      replace.push({ c, text: `${c.op}${fixed}` });
      lowered = true;
    } else if (c.op === '>=' || c.op === '>') {
      replace.push({ c, text: `>=${fixed}` });
      lowered = true;
    }
  }
  let out = written;
  for (const { c, text } of replace.sort((a, b) => b.c.start - a.c.start)) out = out.slice(0, c.start) + text + out.slice(c.end);
  if (lowered) return out;
  // No lower bound to move: one added first (`~=2.0` becomes `>=2.31.0,~=2.0`, its upper bound kept).
  const lead = out.length - out.trimStart().length;
  return out.trim() === '' ? `>=${fixed}` : `${out.slice(0, lead)}>=${fixed},${out.slice(lead)}`;
}

/** A poetry constraint with `fixed` as its floor: `^2.30` → `^2.31.0`, `~2.30.1` → `~2.31.0`, `2.30.0` → `2.31.0`, `*` → `>=2.31.0`. */
export function poetryUpgrade(written: string, fixed: string): string | null {
  const c = written.trim();
  if (c.includes('|')) return null;
  const lead = written.slice(0, written.length - written.trimStart().length);
  const tail = written.slice(written.trimEnd().length);
  if (c === '*' || c === '') return `${lead}>=${fixed}${tail}`;
  if (!c.includes(',') && (c.startsWith('^') || (c.startsWith('~') && !c.startsWith('~=')))) return `${lead}${c[0]}${fixed}${tail}`;
  if (/^[0-9]/.test(c) && !c.includes(',')) return `${lead}${fixed}${tail}`;
  return pep440Upgrade(written, fixed);
}
