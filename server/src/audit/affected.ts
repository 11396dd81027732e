import { sortedRanges, type AffectedPackage, type RangeEvent } from './advisory.js';
import { afterPrefix, allows, compareVersions, constraintsOf, isPrerelease, justAbove, releaseOf, sameVersion, versionKey } from './versions.js';

/**
 * Whether a version, or a specifier's allowed versions, fall in an
 * advisory's affected versions. OSV's semantics: a range's events in
 * version order; `introduced` opens, `fixed` closes before its version,
 * `last_affected` after its version; plus the versions listed one by one.
 */

function inRange(events: readonly RangeEvent[], v: string): boolean {
  let affected = false;
  for (const e of events) {
    if (e.version === '0') {
      if (e.kind === 'introduced') affected = true;
      continue;
    }
    const c = compareVersions(e.version, v);
    if (e.kind === 'introduced' && c <= 0) affected = true;
    else if (e.kind === 'fixed' && c <= 0) affected = false;
    else if (e.kind === 'last_affected' && c < 0) affected = false;
  }
  return affected;
}

/** An entry's listed versions by `versionKey`, made on first use (only the packages audited pay for it). */
const listed = new WeakMap<AffectedPackage, Set<string>>();
function listedVersions(p: AffectedPackage): Set<string> {
  let set = listed.get(p);
  if (!set) {
    set = new Set();
    for (const x of p.versions) {
      const k = versionKey(x);
      if (k !== null) set.add(k);
    }
    listed.set(p, set);
  }
  return set;
}

/**
 * Whether the (valid) version `v` is affected. The listed versions are
 * matched as written first; as PEP 440 versions (`1.0` is `1.0.0`) only in
 * an entry without ranges: where both are given, osv.dev lists the versions
 * its ranges enumerate, and parsing hundreds of them per advisory would
 * cost more than the whole audit may.
 */
export function affects(pkgs: readonly AffectedPackage[], v: string): boolean {
  return pkgs.some((p) => p.versions.includes(v) || sortedRanges(p).some((r) => inRange(r, v)) || (p.ranges.length === 0 && p.versions.length > 0 && listedVersions(p).has(versionKey(v) ?? '')));
}

/**
 * Where the versions a specifier allows may start: the lower bounds it
 * names (`>=1.4` → 1.4, `>1.4` → just above 1.4, `!=1.4.*` → 1.5), and `0`.
 */
function specifierStarts(specifier: string): string[] {
  const out = ['0'];
  for (const c of constraintsOf(specifier)) {
    const wild = c.version.endsWith('.*');
    const base = wild ? c.version.slice(0, -2) : c.version;
    if (c.operator === '>=' || c.operator === '==' || c.operator === '~=' || c.operator === '===') out.push(base);
    else if (c.operator === '>' || (c.operator === '!=' && !wild)) {
      const up = justAbove(base);
      if (up) out.push(up);
    } else if (c.operator === '!=' && wild) {
      const next = afterPrefix(base);
      if (next) out.push(next);
    }
  }
  return out;
}

/** Where the affected versions start: each range's `introduced` (and its final release when it is a pre-release), and each listed version. */
function affectedStarts(pkgs: readonly AffectedPackage[]): string[] {
  const out: string[] = [];
  for (const p of pkgs) {
    out.push(...p.versions);
    for (const r of sortedRanges(p)) {
      for (const e of r) {
        if (e.kind !== 'introduced' || e.version === '0') continue;
        out.push(e.version);
        if (isPrerelease(e.version)) {
          const rel = releaseOf(e.version);
          if (rel) out.push(rel.join('.'));
        }
      }
    }
  }
  return out;
}

/**
 * An affected version the specifier allows (pip's view: no pre-release unless
 * the specifier names one), or null. Both sides are unions of intervals:
 * when they meet, they meet at the start of one of them, so trying every
 * start of either side decides it.
 */
export function allowedAffected(pkgs: readonly AffectedPackage[], specifier: string): string | null {
  const tried = new Set<string>();
  for (const v of [...affectedStarts(pkgs), ...specifierStarts(specifier)]) {
    if (tried.has(v)) continue;
    tried.add(v);
    try {
      if (allows(specifier, v) && affects(pkgs, v)) return v;
    } catch {
      /* a version the library does not order: not a candidate */
    }
  }
  return null;
}

/** Every `fixed` version of the advisory's ranges, ascending, no repeats. */
export function fixedVersions(pkgs: readonly AffectedPackage[]): string[] {
  const all = pkgs.flatMap((p) => sortedRanges(p).flatMap((r) => r.filter((e) => e.kind === 'fixed').map((e) => e.version)));
  const sorted = all.sort(compareVersions);
  return sorted.filter((v, i) => i === 0 || !sameVersion(v, sorted[i - 1]));
}

/** The first fixed version above `v` that is not itself affected: the upgrade for a pin. */
export function firstFixedAbove(pkgs: readonly AffectedPackage[], v: string): string | null {
  return fixedVersions(pkgs).find((f) => compareVersions(f, v) > 0 && !affects(pkgs, f)) ?? null;
}

/** The least fixed version F for which the specifier with `>=F` added allows no affected version: the lower bound to raise to. */
export function fixedLowerBound(pkgs: readonly AffectedPackage[], specifier: string): string | null {
  return fixedVersions(pkgs).find((f) => allowedAffected(pkgs, specifier.trim() ? `${specifier},>=${f}` : `>=${f}`) === null) ?? null;
}

/** Each range as a specifier-like text (`>=3.0, <3.2.13`; `<2.20.0` from the start), and the listed versions, for people. */
export function describeAffected(pkgs: readonly AffectedPackage[]): string[] {
  const out: string[] = [];
  for (const p of pkgs) {
    for (const r of sortedRanges(p)) {
      let from: string | null = null;
      for (const e of r) {
        if (e.kind === 'introduced') from = e.version;
        else if (from !== null) {
          const low = from === '0' ? '' : `>=${from}, `;
          out.push(`${low}${e.kind === 'fixed' ? '<' : '<='}${e.version}`);
          from = null;
        }
      }
      if (from !== null) out.push(from === '0' ? 'every version' : `>=${from}`);
    }
    if (p.versions.length) out.push(p.versions.join(', '));
  }
  return [...new Set(out)];
}
