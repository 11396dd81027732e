import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileHash, fileKey, projectInputs } from '../cache/key.js';
import { ResultStore, type StoredDep } from '../cache/store.js';
import type { ProjectBanditConfig } from '../bandit/project-config.js';
import { decodeSource } from '../files/decode.js';
import { readRegularFile } from '../files/read.js';
import type { Finding } from '../findings/finding.js';
import type { FileResult } from './file.js';
import { RunProject } from './project.js';

/** Files above these sizes are not stored (see `record`). */
export const MAX_STORED_BYTES = 2 * 1024 * 1024;
export const MAX_STORED_FINDINGS = 2_000;

/**
 * The result cache as the review uses it (batch/collect.ts): before the
 * review, each file whose stored result still holds is answered from the
 * cache, text and all, without parsing; after it, each file reviewed in full
 * is stored. What is stored is the final per-file result: both engines'
 * findings merged and graded, the syntax error's place, and `check`'s
 * suppression hygiene once it is judged (`hygieneOf`/`setHygiene`). A file
 * that could not be read or that bandit could not check is not stored (the
 * next run tries again). The key: cache/key.ts; the cross-file inputs:
 * cache/deps.ts; the file on disk: cache/store.ts.
 */

export interface CacheStats {
  hits: number;
  misses: number;
}

interface Known {
  key: string;
  deps: StoredDep[];
  data: Record<string, unknown>;
}

export class CachedReview {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly hashes = new Map<string, string | null>();
  private readonly projectKeys = new Map<string, string>();
  /** The bytes read for a file's key, kept for a miss until its result is stored (the result must be of the same text). */
  private readonly pending = new Map<string, Buffer>();
  /** Each stored or reused result's entry, by absolute path: `check` adds the hygiene to it. */
  private readonly known = new Map<string, Known>();
  private readonly resolver = new RunProject();
  private readonly held = new Map<string, boolean>();

  constructor(
    readonly store: ResultStore,
    /** The key of the run's shared inputs (cache/key.ts runInputs). */
    private readonly run: string,
    private readonly configOf: (path: string) => ProjectBanditConfig,
  ) {}

  /** The stored result of a file, if every input is unchanged; else undefined (a miss: review it, then `record`). */
  lookup(path: string): FileResult | undefined {
    const abs = resolve(path);
    const cfg = this.configOf(path);
    this.resolver.addRoot(cfg.root);
    let bytes: Buffer;
    try {
      bytes = readRegularFile(abs);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const hash = sha256(bytes);
    // Another file's lookups may name this one: its hash is known now.
    this.hashes.set(abs, hash);
    const key = fileKey(this.run, this.projectKey(cfg), hash);
    const e = this.store.get(abs, key);
    const data = e && resultData(e.data);
    if (!e || !data || !e.deps.every((d) => this.holds(d))) {
      this.pending.set(abs, bytes);
      this.stats.misses++;
      return undefined;
    }
    const decoded = decodeSource(bytes);
    if ('error' in decoded) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.known.set(abs, { key, deps: e.deps, data: e.data });
    return {
      path,
      text: decoded.text,
      doc: TextDocument.create(path, 'python', 0, decoded.text),
      findings: data.findings,
      ...(data.syntaxErrorAt !== undefined ? { syntaxErrorAt: data.syntaxErrorAt } : {}),
      lookups: e.deps.map(([name, from, file]) => [name, from, file] as const),
    };
  }

  /** Stores a reviewed file's result (one `lookup` missed), unless the file changed while it was reviewed. */
  record(r: FileResult): void {
    const abs = resolve(r.path);
    const bytes = this.pending.get(abs);
    this.pending.delete(abs);
    if (!bytes) return;
    // A hostile file (a 10 MB line, 100,000 calls) is reviewed again each run rather than stored: the one
    // results.json is read whole by every run, and an entry of 100,000 findings would make every run pay for it.
    if (bytes.length > MAX_STORED_BYTES || r.findings.length > MAX_STORED_FINDINGS) return;
    const decoded = decodeSource(bytes);
    if ('error' in decoded || decoded.text !== r.text) return;
    const key = fileKey(this.run, this.projectKey(this.configOf(r.path)), sha256(bytes));
    // Absolute: another run (another working folder, the same --cache-dir) resolves them the same.
    const deps: StoredDep[] = (r.lookups ?? []).map(([name, from, file]) => [name, resolve(from), file, file === null ? null : this.hashOf(file)]);
    const data = { findings: r.findings, ...(r.syntaxErrorAt !== undefined ? { syntaxErrorAt: r.syntaxErrorAt } : {}) };
    this.known.set(abs, { key, deps, data });
    this.store.put(abs, { key, deps, data });
  }

  /** `check`'s suppression hygiene stored with a file's result (undefined: not judged yet). */
  hygieneOf<T>(r: FileResult): T[] | undefined {
    const h = this.known.get(resolve(r.path))?.data.hygiene;
    return Array.isArray(h) ? (h as T[]) : undefined;
  }

  /** Stores the hygiene judged for a file whose result is stored. */
  setHygiene(r: FileResult, hygiene: readonly unknown[]): void {
    const abs = resolve(r.path);
    const k = this.known.get(abs);
    if (!k) return;
    k.data = { ...k.data, hygiene };
    this.store.put(abs, k);
  }

  /** Writes the cache; the reason it could not, or undefined. */
  save(): string | undefined {
    return this.store.save();
  }

  /** Whether a module lookup still gives the same file with the same content. */
  private holds(dep: StoredDep): boolean {
    // Many files import the same names from one folder: each lookup is checked once per run.
    const k = dep.join('\u0000');
    let ok = this.held.get(k);
    if (ok === undefined) {
      const [name, from, file, hash] = dep;
      const now = this.resolver.index.fileOf(name, from) ?? null;
      this.held.set(k, (ok = now === file && (file === null || this.hashOf(file) === hash)));
    }
    return ok;
  }

  private hashOf(path: string): string | null {
    let h = this.hashes.get(path);
    if (h === undefined) this.hashes.set(path, (h = fileHash(path)));
    return h;
  }

  private projectKey(cfg: ProjectBanditConfig): string {
    let k = this.projectKeys.get(cfg.root);
    if (k === undefined) this.projectKeys.set(cfg.root, (k = projectInputs(cfg.root, cfg.files)));
    return k;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stored result's data, if it has the shape this version writes (else the entry is foreign: a miss). */
function resultData(data: Record<string, unknown>): { findings: Finding[]; syntaxErrorAt?: number } | undefined {
  const { findings, syntaxErrorAt } = data;
  if (!Array.isArray(findings) || !findings.every((f) => f && typeof f === 'object' && typeof (f as Finding).rule === 'string' && typeof (f as Finding).range?.start === 'number')) return undefined;
  if (syntaxErrorAt !== undefined && typeof syntaxErrorAt !== 'number') return undefined;
  return { findings: findings as Finding[], ...(syntaxErrorAt !== undefined ? { syntaxErrorAt } : {}) };
}

