/**
 * The dependency audit (issue 15): manifests and lock files against an
 * offline OSV advisory database, as PS601/PS602 findings. What the editor
 * and `check` use; the modules behind it each hold one concept.
 */
export { auditDocument, EMPTY_CONTEXT, importedBy, isManifest, lockedIn, projectContextFor, type DocumentAudit, type ProjectContext } from './audit.js';
export { DatabaseCache, databaseAgeDays, databaseStamp, defaultDatabasePath, loadDatabase, STALE_DAYS, type AdvisoryDatabase } from './database.js';
export type { Advisory, AffectedPackage, RangeEvent } from './advisory.js';
export { cveOf } from './advisory.js';
export { manifestFiles } from './discover.js';
export { auditPaths, NO_DATABASE_HINT, type AuditOptions, type AuditStatus, type DependencySummary, type ManifestResult, type ProjectAudit } from './project.js';
export { PS601, PS602, type DependencyRule } from './findings.js';
export { isLock, manifestKind, type Include, type Manifest, type ManifestKind, type NotChecked, type Requirement } from './manifest.js';
export { normaliseName } from './names.js';
export { parseManifest } from './parse.js';
export { poetryToPep440 } from './poetry-constraint.js';
export { riskOfScore, scoreOf } from './cvss.js';
export { manifestHygiene } from './hygiene.js';
