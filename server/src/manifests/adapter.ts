/**
 * What the editor side of the dependency audit takes from the audit itself
 * (server/src/audit/, issue 15): the one module that names it, so that a
 * change of its API is a change of this file.
 */
export {
  auditDocument,
  DatabaseCache,
  databaseAgeDays,
  defaultDatabasePath,
  lockedIn,
  manifestKind,
  isLock,
  parseManifest,
  projectContextFor,
  riskOfScore,
  STALE_DAYS,
  type AdvisoryDatabase,
  type Advisory,
  type AffectedPackage,
  type DependencyRule,
  type DocumentAudit,
  type Manifest,
  type ManifestKind,
  type ProjectContext,
  type Requirement,
} from '../audit/index.js';

/** What a project imports and what its `.venv` installs: read here in slices, off the first audit's path (service.ts). */
export { importsOfText, installedTopLevels, MAX_IMPORT_FILES } from '../audit/imports.js';

/** The hygiene of a manifest's `# pysec: ignore[...]` comments (PSN005, PSN006), as `check` reports it. */
export { manifestHygiene } from '../audit/hygiene.js';

/** PEP 440 through the audit's own use of `@renovatebot/pep440`: whether a specifier set allows a version. */
export { allows, validSpecifier } from '../audit/versions.js';
