import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Finding, Span } from '../findings/finding.js';
import { compareFindings } from '../findings/finding.js';
import { readRegularFile } from '../files/read.js';
import type { AdvisoryDatabase } from './database.js';
import { dependencyFinding, type DependencyRule } from './findings.js';
import { installedTopLevels, projectImports } from './imports.js';
import { isLock, manifestKind, type Include, type Manifest, type ManifestKind, type NotChecked } from './manifest.js';
import { importNamesOf } from './names.js';
import { parseManifest } from './parse.js';

/**
 * The audit of one manifest or lock file: its requirements against the
 * advisory database, in the project's context (which packages a lock file
 * pins, which modules the code imports). The entry point for the editor
 * (per document) and for `check` (per file found).
 */

export interface ProjectContext {
  /** Packages (normalised) some lock file of the project pins: PS602 leaves them to the lock file. */
  locked: ReadonlySet<string>;
  /** Top-level modules the project's Python files import; null: not known (nothing is graded down). */
  imports: ReadonlySet<string> | null;
  /** Top-level modules of installed distributions (a `.venv`'s metadata), by normalised name. */
  installed: ReadonlyMap<string, readonly string[]>;
}

export const EMPTY_CONTEXT: ProjectContext = { locked: new Set(), imports: null, installed: new Map() };

export interface DocumentAudit {
  /** null when the file is not a manifest the audit reads. */
  manifest: Manifest | null;
  /** PS601/PS602, suppressed ones included (their `suppressed` set), in position order. */
  findings: Finding[];
  notChecked: NotChecked[];
  /** What did not parse: 0-based line and message. */
  errors: { line: number; message: string }[];
  /** `-r`/`-c` includes (a requirements file), to audit those files too. */
  includes: Include[];
  /** The `# pysec: ignore[...]` ids on requirement lines that silence nothing (with the database loaded). */
  unusedIgnores: { line: number; id: string; span: Span }[];
}

/** Whether the audit reads the file at `path` (by its name). */
export function isManifest(path: string): boolean {
  return manifestKind(path) !== null;
}

/** Whether project `ctx` imports the distribution `pkg`: true, false, or null when it cannot tell. */
export function importedBy(pkg: string, ctx: ProjectContext): boolean | null {
  if (!ctx.imports) return null;
  const { names, sure } = importNamesOf(pkg, ctx.installed);
  if (names.some((n) => ctx.imports!.has(n))) return true;
  return sure ? false : null;
}

/**
 * The audit of one document (its text as the editor holds it); `db` null:
 * parsed only, no finding. `kind`: what the file is when its name does not
 * say (a file another one includes with `-r`/`-c` is a requirements file).
 */
export function auditDocument(path: string, text: string, db: AdvisoryDatabase | null, ctx: ProjectContext, rules: ReadonlyMap<string, DependencyRule>, kind?: ManifestKind): DocumentAudit {
  const manifest = parseManifest(path, text, kind ?? manifestKind(path));
  if (!manifest) return { manifest: null, findings: [], notChecked: [], errors: [], includes: [], unusedIgnores: [] };
  const findings: Finding[] = [];
  for (const r of manifest.requirements) {
    const advisories = db?.byPackage.get(r.package);
    if (!advisories) continue;
    const lockedElsewhere = !isLock(manifest.kind) && ctx.locked.has(r.package);
    const grade = { imported: importedBy(r.package, ctx) };
    const seen = new Set<string>();
    for (const a of advisories) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      const f = dependencyFinding(r, a, rules, grade, lockedElsewhere);
      if (f) findings.push(f);
    }
  }
  findings.sort(compareFindings);
  return { manifest, findings, notChecked: manifest.notChecked, errors: manifest.errors, includes: manifest.includes, unusedIgnores: db ? unusedIgnores(manifest, findings) : [] };
}

/** Ids in a requirement's `# pysec: ignore[...]` that match none of its findings (the advisory, an alias, the rule). */
function unusedIgnores(manifest: Manifest, findings: readonly Finding[]): DocumentAudit['unusedIgnores'] {
  const out: DocumentAudit['unusedIgnores'] = [];
  for (const r of manifest.requirements) {
    const c = r.comment;
    if (!c) continue;
    const open = c.text.indexOf('ignore[');
    if (open < 0) continue;
    const close = c.text.indexOf(']', open);
    if (close < 0) continue;
    const mine = findings.filter((f) => f.dependency && f.range.start >= r.span.start && f.range.start < Math.max(r.span.end, r.nameSpan.end + 1));
    const names = new Set(mine.flatMap((f) => [f.rule, f.name, f.dependency!.advisory, ...f.dependency!.aliases].map((n) => n.toUpperCase())));
    let at = open + 'ignore['.length;
    for (const raw of c.text.slice(at, close).split(',')) {
      const id = raw.trim();
      const start = c.start + at + raw.indexOf(id);
      at += raw.length + 1;
      if (id && !names.has(id.toUpperCase())) out.push({ line: c.line, id, span: { start, end: start + id.length } });
    }
  }
  return out;
}

const LOCK_NAMES = ['poetry.lock', 'uv.lock', 'Pipfile.lock', 'pylock.toml'];

/** The packages the lock files in `folder` pin (poetry.lock, uv.lock, Pipfile.lock, pylock*.toml). */
export function lockedIn(folder: string): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return out;
  }
  for (const name of names) {
    const kind = manifestKind(name);
    if (!kind || !isLock(kind) || !(LOCK_NAMES.includes(name) || kind === 'pylock')) continue;
    try {
      const m = parseManifest(name, readRegularFile(join(folder, name)).toString('utf8'), kind);
      for (const r of m?.requirements ?? []) out.add(r.package);
    } catch {
      /* unreadable lock file: it pins nothing we know of */
    }
  }
  return out;
}

/**
 * The context of the project a manifest belongs to (its folder): the lock
 * files beside it, the imports of the Python files below it (given, when
 * the caller has read them; else read here), the installed `.venv`'s
 * metadata.
 */
export function projectContextFor(manifestPath: string, imports?: ReadonlySet<string> | null): ProjectContext {
  const folder = dirname(manifestPath);
  return { locked: lockedIn(folder), imports: imports === undefined ? projectImports(folder) : imports, installed: installedTopLevels(folder) };
}
