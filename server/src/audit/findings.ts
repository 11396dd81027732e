import type { DependencyData, Finding, Level, Risk, Suppression } from '../findings/finding.js';
import { parseComment } from '../suppress/comment.js';
import { advisoryCvss, cveOf, type Advisory, type AffectedPackage } from './advisory.js';
import { affects, allowedAffected, describeAffected, firstFixedAbove, fixedLowerBound, fixedVersions } from './affected.js';
import { riskOfScore } from './cvss.js';
import type { Requirement } from './manifest.js';

/**
 * The dependency findings of one requirement: PS601 for a pinned or locked
 * version an advisory affects, PS602 for a range that allows one. One
 * finding per (package, advisory), at the requirement.
 */

/** What a finding takes of its rule's metadata (`queries/PS601.json`): the engine's `ruleset.byId` serves. */
export interface DependencyRule {
  id: string;
  name: string;
  severity: Level;
  confidence: Level;
  cwe: number | null;
  owasp: string;
  risk: Risk;
  docs: string;
}

export const PS601 = 'PS601';
export const PS602 = 'PS602';

const LOWER: Record<Risk, Risk> = { Critical: 'High', High: 'Medium', Medium: 'Low', Low: 'Low' };
const SEVERITY_OF_RISK: Record<Risk, Level> = { Critical: 'HIGH', High: 'HIGH', Medium: 'MEDIUM', Low: 'LOW' };

/** How the finding is graded by whether the project imports the package. */
export interface ImportGrade {
  /** false: no Python file imports it (one step lower); null: not known. */
  imported: boolean | null;
}

/** The advisory's entries for `pkg`. */
function entriesFor(a: Advisory, pkg: string): AffectedPackage[] {
  return a.affected.filter((p) => p.name === pkg);
}

/** The finding for requirement `r` and advisory `a`, or null when the advisory does not apply. */
export function dependencyFinding(r: Requirement, a: Advisory, rules: ReadonlyMap<string, DependencyRule>, grade: ImportGrade, lockedElsewhere: boolean): Finding | null {
  const pkgs = entriesFor(a, r.package);
  if (!pkgs.length) return null;
  let rule: DependencyRule | undefined;
  let affectedVersion: string | null;
  let fixedIn: string | null;
  if (r.pinned !== null) {
    if (!safeAffects(pkgs, r.pinned)) return null;
    rule = rules.get(PS601);
    affectedVersion = r.pinned;
    fixedIn = safe(() => firstFixedAbove(pkgs, r.pinned!));
  } else {
    // A lock file of the project decides for a package it pins.
    if (lockedElsewhere) return null;
    affectedVersion = safe(() => allowedAffected(pkgs, r.specifier));
    if (affectedVersion === null) return null;
    rule = rules.get(PS602);
    fixedIn = safe(() => fixedLowerBound(pkgs, r.specifier));
  }
  if (!rule) return null;
  const cvss = advisoryCvss(a);
  let risk: Risk = cvss ? riskOfScore(cvss.score) : rule.risk;
  const severity: Level = cvss ? SEVERITY_OF_RISK[riskOfScore(cvss.score)] : rule.severity;
  if (grade.imported === false) risk = LOWER[risk];
  const data: DependencyData = {
    package: r.package,
    version: r.pinned,
    specifier: r.specifier,
    advisory: a.id,
    aliases: a.aliases,
    fixedIn,
    fixedVersions: safe(() => fixedVersions(pkgs)) ?? [],
    affectedRanges: describeAffected(pkgs),
    affectedVersion,
    summary: a.summary,
    cvss,
    imported: grade.imported,
    references: a.references,
    locked: r.locked,
  };
  // A manifest's `name==1.0` is highlighted whole; a lock file's name only (its version is on another line).
  const range = !r.locked && r.specSpan && r.specSpan.start >= r.nameSpan.start ? { start: r.nameSpan.start, end: r.specSpan.end } : { ...r.nameSpan };
  return {
    rule: rule.id,
    name: rule.name,
    severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    risk,
    message: messageOf(rule.id, r, a, data),
    range,
    anchor: { ...range },
    root: { ...r.span },
    engine: 'audit',
    docs: a.references[0] ?? rule.docs,
    suppressed: suppressionOf(r, [a.id, ...a.aliases, rule.id, rule.name]),
    dependency: data,
  };
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

function safeAffects(pkgs: AffectedPackage[], v: string): boolean {
  return safe(() => affects(pkgs, v)) ?? false;
}

function messageOf(rule: string, r: Requirement, a: Advisory, d: DependencyData): string {
  const cve = cveOf(a);
  const id = cve && cve !== a.id ? `${a.id} (${cve})` : a.id;
  const summary = a.summary ? `: ${a.summary.replace(/\.$/, '')}` : '';
  const fix = d.fixedIn ? (rule === PS601 ? ` Fixed in ${d.fixedIn}.` : ` Fixed in ${d.fixedIn}: raise the lower bound to >=${d.fixedIn}.`) : ' No fixed version yet.';
  const what = rule === PS601 ? `${r.name} ${r.pinned}${r.locked ? ' (locked)' : ''} is affected by ${id}` : `${r.name}${r.specifier ? ` ${r.specifier}` : ' (any version)'} allows ${d.affectedVersion}, affected by ${id}`;
  const graded = d.imported === false ? ' Not imported by this project (graded one step lower).' : '';
  return `${what}${summary}.${fix}${graded}`;
}

/** A `# pysec: ignore[...]` on the requirement's line naming the advisory (or an alias, or the rule): its suppression. */
export function suppressionOf(r: Requirement, names: readonly string[]): Suppression | null {
  if (!r.comment) return null;
  const parts = parseComment(r.comment.text);
  if (!parts.ignore) return null;
  const wanted = new Set(names.map((n) => n.toUpperCase()));
  if (!parts.ignoreIds.some((id) => wanted.has(id.toUpperCase()))) return null;
  return { kind: 'pysec-ignore', justification: parts.justification, line: r.comment.line };
}
