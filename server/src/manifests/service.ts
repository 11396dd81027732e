import { dirname, isAbsolute, join } from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Policy } from '../config/policy.js';
import type { Settings } from '../config/schema.js';
import type { PositionEncoding } from '../positions/encoding.js';
import type { AdvisoryDatabase, DatabaseCache, DependencyRule, DocumentAudit, ProjectContext } from './adapter.js';
import { ManifestDocument } from './document.js';
import { importsBelow } from './imports.js';
import { isLockKind, manifestKindOf, manifestOf } from './names.js';

/** The audit's API (adapter.ts), loaded when the first manifest opens. */
export type AuditApi = typeof import('./adapter.js');

/** What the manifests need of the session. */
export interface ManifestHost {
  settingsFor(uri: string): Settings;
  policyFor(uri: string): Policy;
  /** The workspace folder holding a URI (a path), if any. */
  folderFor(uri: string): string | undefined;
  /** The dependency rules' metadata (PS601, PS602), by id. */
  rules(): ReadonlyMap<string, DependencyRule>;
  /** A message the user sees, once per key. */
  warnOnce(key: string, message: string): void;
  /** A line in the log, once per key. */
  logOnce(key: string, message: string): void;
}

/** A document's audit as an answer reads it: null when the audit is off for it. */
export interface ManifestAudit {
  doc: ManifestDocument;
  audit: DocumentAudit;
  /** The database it was audited against (null: none, and the user was told how to get one). */
  db: AdvisoryDatabase | null;
  policy: Policy;
  settings: Settings;
  /** The audit's API, loaded. */
  api: AuditApi;
}

/**
 * The open manifests and lock files, and what their audit reads: the
 * advisory database (loaded once, again when its stamp changes), and each
 * project's context (the lock files beside a manifest, the modules its
 * Python files import), read once per folder and the lock files again when
 * one of them changes.
 */
export class ManifestService {
  private readonly docs = new Map<string, ManifestDocument>();
  /**
   * The audit's modules (the PEP 440, CVSS, TOML, YAML and zip libraries)
   * are loaded with the first manifest, not with the server: a Python-only
   * session never loads them, and cannot be broken by them.
   */
  private api: AuditApi | undefined;
  private loading: Promise<AuditApi> | undefined;
  private databases: DatabaseCache | undefined;
  private readonly contexts = new Map<string, ProjectContext>();
  /** Bumped when any context changes: part of every audit's key. */
  private generation = 0;

  /** Manifests whose project context changed (their imports were read): the server publishes them again. */
  onContextChanged: ((docs: readonly ManifestDocument[]) => void) | undefined;

  constructor(private readonly host: ManifestHost) {}

  /** Whether the URI is a manifest the server audits (by name). */
  static handles(uri: string): boolean {
    return manifestOf(uri) !== null;
  }

  /** Whether a path is a lock file's (poetry.lock, uv.lock, Pipfile.lock, pylock*.toml). */
  static isLockPath(path: string): boolean {
    const kind = manifestKindOf(path);
    return kind !== null && isLockKind(kind);
  }

  /** The audit's API, loaded once (the first manifest's audit waits for it). */
  load(): Promise<AuditApi> {
    return (this.loading ??= import('./adapter.js').then(
      (api) => {
        this.api = api;
        this.databases = new api.DatabaseCache();
        return api;
      },
      (e: unknown) => {
        // Said once; the Python documents are not touched by it.
        this.host.warnOnce('audit:load', `pysec: the dependency audit could not be loaded, manifests are not audited: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      },
    ));
  }

  get(uri: string): ManifestDocument | undefined {
    return this.docs.get(uri);
  }

  all(): ManifestDocument[] {
    return [...this.docs.values()];
  }

  open(uri: string, version: number, text: string): ManifestDocument | undefined {
    const m = manifestOf(uri);
    if (!m) return undefined;
    const doc = new ManifestDocument(uri, m.path, m.kind, version, text);
    this.docs.set(uri, doc);
    return doc;
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[], encoding: PositionEncoding): ManifestDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    doc.applyChanges(changes, version, encoding);
    return doc;
  }

  close(uri: string): boolean {
    return this.docs.delete(uri);
  }

  /**
   * A lock file changed (saved, or changed on disk): the manifests beside it
   * read its pins again, and are published again by the caller.
   */
  lockChanged(path: string): ManifestDocument[] {
    const folder = dirname(path);
    const ctx = this.contexts.get(folder);
    if (ctx && this.api) this.contexts.set(folder, { ...ctx, locked: this.api.lockedIn(folder) });
    this.generation++;
    return this.all().filter((d) => dirname(d.path) === folder);
  }

  /** The audit of a document now, or null when `pysec.audit.enabled` is off for it (the audit's API loaded first). */
  async audit(doc: ManifestDocument): Promise<ManifestAudit | null> {
    const settings = this.host.settingsFor(doc.uri);
    if (!settings.audit.enabled) return null;
    const api = await this.load();
    const policy = this.host.policyFor(doc.uri);
    const db = this.database(api, doc, settings);
    const ctx = this.context(api, doc);
    const key = `${db?.stamp ?? 'none'}\0${this.generation}`;
    const audit = doc.audit(key, (text) => api.auditDocument(doc.path, text, db, ctx, this.host.rules(), doc.kind));
    return { doc, audit, db, policy, settings, api };
  }

  /** The audit of `text` as if it were the document's (to check an edit before offering it). */
  auditText(a: ManifestAudit, text: string): DocumentAudit {
    return a.api.auditDocument(a.doc.path, text, a.db, this.context(a.api, a.doc), this.host.rules(), a.doc.kind);
  }

  /** Where the database is for a document: the setting (relative to its workspace folder), else the user cache. */
  private databasePath(api: AuditApi, doc: ManifestDocument, settings: Settings): string {
    const set = settings.audit.database;
    if (!set) return api.defaultDatabasePath();
    if (isAbsolute(set)) return set;
    return join(this.host.folderFor(doc.uri) ?? dirname(doc.path), set);
  }

  /**
   * The database, loaded once and again when its stamp changes. Said once
   * each: that there is none (and how to get one), that it cannot be read,
   * that it is older than a week, that some of its records were skipped.
   */
  private database(api: AuditApi, doc: ManifestDocument, settings: Settings): AdvisoryDatabase | null {
    const path = this.databasePath(api, doc, settings);
    const { db, error } = this.databases!.get(path);
    if (error) {
      this.host.warnOnce(`audit:error:${path}:${error}`, `pysec: ${error}; the dependencies are not audited.`);
      return null;
    }
    if (!db) {
      const where = settings.audit.database ? `pysec.audit.database names ${path}, and nothing is there` : `there is none at ${path} yet`;
      this.host.warnOnce(
        `audit:none:${path}`,
        `pysec: the dependencies of ${doc.path} are not audited: no advisory database (${where}). Run \`pysec-lsp advisories update\` to download one.`,
      );
      return null;
    }
    const age = api.databaseAgeDays(db);
    if (age > api.STALE_DAYS) {
      this.host.warnOnce(
        `audit:stale:${path}`,
        `pysec: the advisory database is ${age} days old (its newest advisory is of ${db.date.slice(0, 10)}): run \`pysec-lsp advisories update\` for the advisories published since.`,
      );
    }
    if (db.malformed > 0) {
      this.host.logOnce(`audit:malformed:${db.stamp}`, `pysec: ${db.malformed} record(s) of the advisory database ${path} were skipped: ${db.problems.slice(0, 3).join('; ')}`);
    }
    return db;
  }

  /**
   * The project context of a document's folder, read once: the lock files
   * beside it and the `.venv`'s metadata at once; the imports of the Python
   * files below it in slices, after the first audit (which grades nothing
   * down meanwhile), and then the folder's manifests are published again.
   */
  private context(api: AuditApi, doc: ManifestDocument): ProjectContext {
    const folder = dirname(doc.path);
    let ctx = this.contexts.get(folder);
    if (!ctx) {
      ctx = { locked: api.lockedIn(folder), imports: null, installed: api.installedTopLevels(folder) };
      this.contexts.set(folder, ctx);
      void importsBelow(folder, api.MAX_IMPORT_FILES, api.importsOfText, () => this.docs.size === 0)
        .then((imports) => {
          const now = this.contexts.get(folder);
          if (!imports || !now) return;
          this.contexts.set(folder, { ...now, imports });
          this.generation++;
          this.onContextChanged?.(this.all().filter((d) => dirname(d.path) === folder));
        })
        .catch((e: unknown) => this.host.logOnce(`audit:imports:${folder}`, `pysec: reading the imports below ${folder} failed: ${String(e)}`));
    }
    return ctx;
  }
}
