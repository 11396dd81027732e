import type { AffectedPackage, RangeEvent } from './advisory.js';
import { afterPrefix, allows, compareVersions, constraintsOf, isPrerelease, justAbove, releaseOf, sameVersion } from './versions.js';

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

/** Whether the (valid) version `v` is affected. */
export function affects(pkgs: readonly AffectedPackage[], v: string): boolean {
  return pkgs.some((p) => p.versions.some((x) => sameVersion(x, v)) || p.ranges.some((r) => inRange(r, v)));
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
    for (const r of p.ranges) {
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
  const all = pkgs.flatMap((p) => p.ranges.flatMap((r) => r.filter((e) => e.kind === 'fixed').map((e) => e.version)));
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
