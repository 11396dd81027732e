import type { DependencySummary } from '../audit/index.js';
import type { Finding, Risk } from '../findings/finding.js';
import { dependencyKeys, type DependencyKeys } from '../check/format.js';
import { riskRank } from './grading.js';

// One definition of a dependency finding's keys for check's JSON and the report (check/format.ts).
export { dependencyKeys, type DependencyKeys };

/**
 * The report's dependency audit (issue 15): whether it ran (manifests read,
 * the database's date, clean / findings / not run and why) and the table of
 * vulnerable dependencies, open and suppressed. Its findings (PS601/PS602)
 * are counted with the rest in every section; this block says what only
 * they have (package, version, advisory, fix).
 */

export interface VulnerableDependency {
  /** The finding's report id (`F-004`); null when a comment suppresses it. */
  id: string | null;
  rule: string;
  package: string;
  /** Pinned or locked version; null for a range (see `specifier`). */
  version: string | null;
  specifier: string;
  advisory: string;
  aliases: string[];
  fixedIn: string | null;
  risk: Risk;
  path: string;
  line: number;
  suppressed: boolean;
}

export interface ReportDependencies {
  status: DependencySummary['status'];
  /** Why it did not run, or null. */
  reason: string | null;
  /** Manifests and lock files read, as displayed. */
  manifests: string[];
  database: { date: string; advisories: number; ageDays: number; stale: boolean } | null;
  /** Open findings. */
  findings: number;
  suppressed: number;
  vulnerable: VulnerableDependency[];
  notChecked: DependencySummary['notChecked'];
}

/**
 * The block, from the audit's summary and the dependency findings as the
 * report places them (`path` displayed, 1-based `line`), and the open
 * findings with their report ids.
 */
export function dependencyBlock(
  summary: DependencySummary,
  found: readonly { finding: Finding; path: string; line: number }[],
  open: readonly (DependencyKeys & { id: string; path: string; line: number; rule: string })[],
  display: (path: string) => string,
): ReportDependencies {
  const idOf = (path: string, line: number, rule: string, advisory: string) => open.find((f) => f.path === path && f.line === line && f.rule === rule && f.advisory === advisory)?.id ?? null;
  const vulnerable = found
    .filter((x) => x.finding.dependency)
    .map(({ finding: f, path, line }): VulnerableDependency => {
      const d = f.dependency!;
      const id = f.suppressed ? null : idOf(path, line, f.rule, d.advisory);
      return { id, rule: f.rule, package: d.package, version: d.version, specifier: d.specifier, advisory: d.advisory, aliases: d.aliases, fixedIn: d.fixedIn, risk: f.risk, path, line, suppressed: f.suppressed !== null };
    })
    .sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || riskRank(a.risk) - riskRank(b.risk) || (a.package < b.package ? -1 : a.package > b.package ? 1 : 0) || (a.path < b.path ? -1 : 1));
  const db = summary.database;
  return {
    status: summary.status,
    reason: summary.reason,
    manifests: summary.manifests.map(display),
    database: db && { date: db.date, advisories: db.advisories, ageDays: db.ageDays, stale: db.stale },
    findings: summary.findings,
    suppressed: summary.suppressed,
    vulnerable,
    notChecked: summary.notChecked.map((n) => ({ ...n, path: display(n.path) })),
  };
}

/** The header's line: "3 manifests read against the advisory database of 2024-05-01: 5 vulnerable dependencies", or why not. */
export function dependencyHeader(d: ReportDependencies): string {
  const n = d.manifests.length;
  const read = `${n} manifest${n === 1 ? '' : 's'} and lock file${n === 1 ? '' : 's'} read`;
  if (d.status === 'not-run') {
    if (d.reason === 'no manifest') return 'not audited: no requirements file, pyproject.toml dependencies or lock file in scope';
    if (d.reason === 'no advisory database') return `not audited (${read}): no advisory database — run \`pysec-lsp advisories update\``;
    return `not audited (${d.reason ?? 'off'})`;
  }
  const db = d.database!;
  const age = db.stale ? ` (${db.ageDays} days old: update it)` : '';
  const what = d.status === 'clean' ? 'no known vulnerability' : `${d.findings} vulnerable dependenc${d.findings === 1 ? 'y' : 'ies'}`;
  return `${read} against the advisory database of ${db.date.slice(0, 10)}${age}: ${what}${d.suppressed ? ` (${d.suppressed} suppressed)` : ''}`;
}

/** The rows of the "Vulnerable Dependencies" table: cells as plain text, the caller escapes them. */
export function dependencyRows(d: ReportDependencies): string[][] {
  return d.vulnerable.map((v) => [
    v.id ?? 'suppressed',
    v.risk,
    v.package,
    v.version ?? v.specifier,
    [v.advisory, ...v.aliases.filter((a) => a.startsWith('CVE-'))].join(', '),
    v.fixedIn ?? 'no fix yet',
    `${v.path}:${v.line}`,
  ]);
}

export const DEPENDENCY_COLUMNS = ['ID', 'Risk', 'Package', 'Version', 'Advisory', 'Fixed in', 'Where'];
