import * as pep440 from '@renovatebot/pep440';
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js';

/**
 * PEP 440 through `@renovatebot/pep440` only: the comparisons are the
 * library's; this module only says what the audit asks of them.
 */

/** The version, valid per PEP 440, or null. */
export function validVersion(v: string): string | null {
  return pep440.valid(v.trim());
}

/** Comparisons made, remembered: an advisory's events are compared with the same pins again on every audit of a document. */
const compared = new Map<string, number>();
const COMPARED_MAX = 200_000;

/** -1, 0, 1 as PEP 440 orders them (local labels included). Throws on an invalid version: callers pass valid ones. */
export function compareVersions(a: string, b: string): number {
  const key = `${a}\u0000${b}`;
  let c = compared.get(key);
  if (c === undefined) {
    c = pep440.compare(a, b);
    if (compared.size >= COMPARED_MAX) compared.clear();
    compared.set(key, c);
  }
  return c;
}

export function sameVersion(a: string, b: string): boolean {
  return pep440.eq(a, b);
}

/** Whether `v` is a pre- or dev-release (pip installs one only when asked). */
export function isPrerelease(v: string): boolean {
  const e = pep440.explain(v);
  return !!e && (e.is_prerelease || e.is_devrelease);
}

/** Whether `specifier` is a valid PEP 440 specifier set ("" allows every version). */
export function validSpecifier(specifier: string): boolean {
  return specifier.trim() === '' || pep440.validRange(specifier);
}

/**
 * Whether `specifier` allows `v`. Pre-releases follow pip: allowed when the
 * specifier names one itself (`>=2.0rc1`) or the version is the only kind
 * asked about (`prereleases`).
 */
export function allows(specifier: string, v: string, prereleases = false): boolean {
  if (specifier.trim() === '') return prereleases || !isPrerelease(v);
  try {
    return pep440.satisfies(v, specifier, prereleases ? { prereleases: true } : undefined);
  } catch {
    return false;
  }
}

/** The constraints of a specifier set (`>=1.0,!=1.3.*`), as the library splits them; a wildcard keeps its `.*`. */
export function constraintsOf(specifier: string): { operator: string; version: string }[] {
  if (specifier.trim() === '') return [];
  try {
    return (parseSpecifier(specifier) ?? []).map((c) => ({ operator: c.operator, version: c.version + (c.prefix ?? '') }));
  } catch {
    return [];
  }
}

/** The exact version a specifier pins (`==1.2.3`, `===1.2.3`), or null (a range, a wildcard `==1.2.*`). */
export function pinnedBy(specifier: string): string | null {
  const cs = constraintsOf(specifier);
  const eq = cs.find((c) => (c.operator === '==' || c.operator === '===') && !c.version.endsWith('.*'));
  if (!eq) return null;
  return validVersion(eq.version) ?? (eq.operator === '===' ? eq.version : null);
}

/** The release part's numbers (`1!2.3.4rc1` → [2, 3, 4]), or null for an invalid version. */
export function releaseOf(v: string): number[] | null {
  return pep440.explain(v)?.release ?? null;
}

/** The epoch prefix of `v` as written (`1!`), or ''. */
function epochPrefix(v: string): string {
  const e = pep440.explain(v);
  return e && e.epoch ? `${e.epoch}!` : '';
}

/**
 * A version just above `v` that no other release sits between in practice
 * (`1.4` → `1.4.0.0.0.1`): where an exclusive bound (`>1.4`, `!=1.4`) starts
 * the allowed versions. Not a post-release, which `>1.4` excludes.
 */
export function justAbove(v: string): string | null {
  const e = pep440.explain(v);
  if (!e) return null;
  const rel = [...e.release];
  while (rel.length < 4) rel.push(0);
  return `${epochPrefix(v)}${rel.join('.')}.0.1`;
}

/** The first release after a wildcard prefix (`1.4.*` → `1.5`): where `!=1.4.*` allows versions again. */
export function afterPrefix(prefix: string): string | null {
  const rel = releaseOf(prefix);
  if (!rel || !rel.length) return null;
  const next = [...rel];
  next[next.length - 1]++;
  return `${epochPrefix(prefix)}${next.join('.')}`;
}

/**
 * A key equal for versions PEP 440 calls equal (`1.0` and `1.0.0`, `1.0-RC1`
 * and `1.0rc1`), from the library's parse: for looking a version up in a
 * set instead of comparing it with each. null for an invalid version.
 */
export function versionKey(v: string): string | null {
  const e = pep440.explain(v);
  if (!e) return null;
  const rel = [...e.release];
  while (rel.length > 1 && rel[rel.length - 1] === 0) rel.pop();
  return `${e.epoch}!${rel.join('.')}|${e.pre ? e.pre.join('') : ''}|${e.post ?? ''}|${e.dev ?? ''}|${e.local ?? ''}`;
}
