import type { Placement, Requirement } from './manifest.js';
import { normaliseName } from './names.js';
import { pinnedBy, validSpecifier } from './versions.js';

/**
 * One PEP 508 requirement (`name[extra] >=1.0, <2 ; python_version < "3.9"`)
 * taken apart with the offsets of its pieces in the string, read character by
 * character (no regex over the input).
 */
export interface ParsedRequirement {
  name: string;
  package: string;
  nameStart: number;
  nameEnd: number;
  extras: string[];
  /** The specifier as written, trimmed, without parentheses ('' when none). */
  specifier: string;
  specStart: number;
  specEnd: number;
  marker: string | null;
  /** `name @ url`: a direct reference (not checked). */
  url: string | null;
}

const isNameChar = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '.' || c === '_' || c === '-';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** The requirement in `text`, or an error message. */
export function parseRequirement(text: string): ParsedRequirement | { error: string } {
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text[i])) i++;
  const nameStart = i;
  while (i < n && isNameChar(text[i])) i++;
  const nameEnd = i;
  const name = text.slice(nameStart, nameEnd);
  if (!name || !isNameChar(name[0]) || name[0] === '.' || name[0] === '-' || name[0] === '_') return { error: `"${text.trim()}" does not start with a package name` };
  while (i < n && isSpace(text[i])) i++;
  const extras: string[] = [];
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close < 0) return { error: `"${text.trim()}": unclosed "[" of the extras` };
    for (const e of text.slice(i + 1, close).split(',')) if (e.trim()) extras.push(normaliseName(e));
    i = close + 1;
    while (i < n && isSpace(text[i])) i++;
  }
  const semi = text.indexOf(';', i);
  const end = semi < 0 ? n : semi;
  const marker = semi < 0 ? null : text.slice(semi + 1).trim() || null;
  if (text[i] === '@') {
    return { name, package: normaliseName(name), nameStart, nameEnd, extras, specifier: '', specStart: i, specEnd: i, marker, url: text.slice(i + 1, end).trim() };
  }
  let specStart = i;
  let specEnd = end;
  while (specEnd > specStart && isSpace(text[specEnd - 1])) specEnd--;
  if (text[specStart] === '(') {
    const close = text.lastIndexOf(')', specEnd);
    if (close < specStart) return { error: `"${text.trim()}": unclosed "("` };
    specStart++;
    specEnd = close;
    while (specStart < specEnd && isSpace(text[specStart])) specStart++;
    while (specEnd > specStart && isSpace(text[specEnd - 1])) specEnd--;
  }
  return { name, package: normaliseName(name), nameStart, nameEnd, extras, specifier: text.slice(specStart, specEnd), specStart, specEnd, marker, url: null };
}

/** Why the audit cannot check a parsed requirement (a direct URL, a specifier PEP 440 cannot read), or null when it can. */
export function uncheckable(r: ParsedRequirement): string | null {
  if (r.url !== null) return 'a direct URL reference: no version to check';
  return validSpecifier(r.specifier) ? null : `"${r.specifier}" is not a PEP 440 specifier`;
}

/** A requirement declared in a manifest (not locked), where `at` says. */
export function declaredRequirement(r: ParsedRequirement, at: Placement): Requirement {
  return { name: r.name, package: r.package, specifier: r.specifier, pinned: pinnedBy(r.specifier), locked: false, extras: r.extras, marker: r.marker, ...at };
}
