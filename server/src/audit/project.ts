import { dirname, resolve, sep } from 'node:path';
import type { Finding } from '../findings/finding.js';
import { readRegularFile } from '../files/read.js';
import { auditDocument, lockedIn, type DocumentAudit, type ProjectContext } from './audit.js';
import { DatabaseCache, databaseAgeDays, defaultDatabasePath, STALE_DAYS, type AdvisoryDatabase } from './database.js';
import { manifestFiles } from './discover.js';
import { manifestKind } from './manifest.js';
import type { DependencyRule } from './findings.js';
import { importsOfText, installedTopLevels } from './imports.js';

/**
 * The audit of every manifest under some paths, for `check` and the report:
 * each file's findings, and what the run says of itself (the `dependencies`
 * block: manifests read, the database and its date, clean / findings / not
 * run and why).
 */

export interface ManifestResult extends DocumentAudit {
  path: string;
  text: string;
}

export type AuditStatus = 'clean' | 'findings' | 'not-run';

export interface DependencySummary {
  status: AuditStatus;
  /** Why it did not run (`--no-audit`, no database, no manifest), or null. */
  reason: string | null;
  /** The manifests and lock files read (with at least one requirement or line not checked), as given. */
  manifests: string[];
  database: { path: string; date: string; advisories: number; ageDays: number; stale: boolean; malformed: number } | null;
  /** Findings not suppressed. */
  findings: number;
  suppressed: number;
  notChecked: { path: string; line: number; text: string; reason: string }[];
}

export interface AuditOptions {
  /** false: `--no-audit`. */
  enabled: boolean;
  /** `--advisories PATH`; undefined: the user cache (`defaultDatabasePath`). */
  database?: string;
  /** The Python files of the run with their text: their imports grade "not imported". */
  python: readonly { path: string; text: string }[];
  rules: ReadonlyMap<string, DependencyRule>;
  cache?: DatabaseCache;
}

export interface ProjectAudit {
  results: ManifestResult[];
  summary: DependencySummary;
  /** One line each for stderr: how to get a database, its age, records skipped. */
  notes: string[];
}

export const NO_DATABASE_HINT = 'run `pysec-lsp advisories update` to download the advisory database (or name one with --advisories PATH)';

function withRequirements(r: DocumentAudit): boolean {
  return !!r.manifest && (r.manifest.requirements.length > 0 || r.manifest.notChecked.length > 0);
}

export function auditPaths(paths: readonly string[], options: AuditOptions): ProjectAudit {
  const notes: string[] = [];
  const empty = (reason: string, manifests: string[] = []): ProjectAudit => ({
    results: [],
    summary: { status: 'not-run', reason, manifests, database: null, findings: 0, suppressed: 0, notChecked: [] },
    notes,
  });
  if (!options.enabled) return empty('--no-audit');
  const files = manifestFiles(paths);
  const texts: { path: string; text: string }[] = [];
  for (const path of files) {
    try {
      texts.push({ path, text: readRegularFile(path).toString('utf8') });
    } catch (e) {
      notes.push(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  // Parsed without a database first: a project whose manifests declare nothing hears nothing.
  // A file found only through `-r`/`-c` is a requirements file whatever its name.
  const kindOf = (path: string) => manifestKind(path) ?? 'requirements';
  const parsed = texts.map((t) => ({ ...t, audit: auditDocument(t.path, t.text, null, { locked: new Set(), imports: null, installed: new Map() }, options.rules, kindOf(t.path)) }));
  const manifests = parsed.filter((p) => withRequirements(p.audit)).map((p) => p.path);
  if (!manifests.length) return empty('no manifest');

  const dbPath = options.database ?? defaultDatabasePath();
  const { db, error } = (options.cache ?? new DatabaseCache()).get(dbPath);
  if (error) notes.push(error);
  if (!db) {
    if (!error) notes.push(`no advisory database at ${dbPath}: ${NO_DATABASE_HINT}`);
    return empty('no advisory database', manifests);
  }
  const ageDays = databaseAgeDays(db);
  if (ageDays > STALE_DAYS) notes.push(`the advisory database is ${ageDays} days old (${db.date.slice(0, 10)}): \`pysec-lsp advisories update\` fetches the current one`);
  if (db.malformed) notes.push(`the advisory database has ${db.malformed} record${db.malformed === 1 ? '' : 's'} that did not parse, skipped${db.problems.length ? ` (first: ${db.problems[0]})` : ''}`);

  const contexts = new Map<string, ProjectContext>();
  const contextOf = (path: string): ProjectContext => {
    const folder = resolve(dirname(path));
    let ctx = contexts.get(folder);
    if (!ctx) contexts.set(folder, (ctx = { locked: lockedIn(folder), imports: importsUnder(folder, options.python), installed: installedTopLevels(folder) }));
    return ctx;
  };
  const results: ManifestResult[] = parsed
    .filter((p) => withRequirements(p.audit))
    .map((p) => ({ path: p.path, text: p.text, ...auditDocument(p.path, p.text, db, contextOf(p.path), options.rules, kindOf(p.path)) }));
  const all: Finding[] = results.flatMap((r) => r.findings);
  const open = all.filter((f) => !f.suppressed).length;
  return {
    results,
    summary: {
      status: open ? 'findings' : 'clean',
      reason: null,
      manifests,
      database: databaseInfo(db, ageDays),
      findings: open,
      suppressed: all.length - open,
      notChecked: results.flatMap((r) => [...r.notChecked.map((n) => ({ path: r.path, line: n.line + 1, text: n.text, reason: n.reason })), ...r.errors.map((e) => ({ path: r.path, line: e.line + 1, text: '', reason: e.message }))]),
    },
    notes,
  };
}

function databaseInfo(db: AdvisoryDatabase, ageDays: number): DependencySummary['database'] {
  return { path: db.path, date: db.date, advisories: db.count, ageDays, stale: ageDays > STALE_DAYS, malformed: db.malformed };
}

/** The imports of the run's Python files below `folder`; null when none of them is (then nothing is graded down). */
function importsUnder(folder: string, python: readonly { path: string; text: string }[]): Set<string> | null {
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  const mine = python.filter((p) => resolve(p.path).startsWith(prefix));
  if (!mine.length) return null;
  const out = new Set<string>();
  for (const p of mine) importsOfText(p.text, out);
  return out;
}
