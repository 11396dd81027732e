import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileKey, projectInputs } from '../cache/key.js';
import { fingerprint, Hashes, sha256, trusted, type Recorded } from '../cache/fresh.js';
import { depFrom, ResultStore, type StoredDep, type StoredEntry } from '../cache/store.js';
import { mayHaveSuppressions } from '../suppress/hygiene.js';
import { positionTable, printedOffsets } from '../cache/positions.js';
import type { ProjectBanditConfig } from '../bandit/project-config.js';
import { decodeSource } from '../files/decode.js';
import { readRegularFile } from '../files/read.js';
import type { Finding, Span } from '../findings/finding.js';
import type { FileResult } from './file.js';
import { RunRoots } from './resolve.js';
import { LookupCheck } from './verified-lookups.js';

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

type Known = Omit<StoredEntry, 'used'>;

export class CachedReview {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly hashes: Hashes;
  private readonly projectKeys = new Map<string, string>();
  /** The bytes read for a file's key, kept for a miss until its result is stored (the result must be of the same text). */
  private readonly pending = new Map<string, FreshRead>();
  /** Each stored or reused result's entry, by absolute path: `check` adds the hygiene to it. */
  private readonly known = new Map<string, Known>();
  private readonly resolver = new RunRoots();
  /** The project roots of the files looked up: the lookups are marked under them at the end (`save`). */
  private readonly roots = new Set<string>();
  private readonly held = new Map<string, boolean>();

  constructor(
    readonly store: ResultStore,
    /** The key of the run's shared inputs (cache/key.ts runInputs). */
    private readonly run: string,
    private readonly configOf: (path: string) => ProjectBanditConfig,
  ) {
    this.hashes = new Hashes((path) => store.recorded(path));
  }

  /** The stored result of a file, if every input is unchanged; else undefined (a miss: review it, then `record`). */
  lookup(path: string): FileResult | undefined {
    const abs = resolve(path);
    const cfg = this.configOf(path);
    this.resolver.addRoot(cfg.root);
    this.roots.add(cfg.root);
    const read = readFresh(abs, this.store.recorded(abs));
    if (!read) {
      this.stats.misses++;
      return undefined;
    }
    const { bytes, hash, print } = read;
    // Another file's lookups may name this one: its hash is known now.
    this.hashes.set(abs, hash);
    const key = fileKey(this.run, this.projectKey(cfg), hash);
    const e = this.store.get(abs, key);
    const data = e && resultData(e.data);
    if (!e || !data || !e.deps.every((d) => this.holds(d, abs))) {
      this.pending.set(abs, { bytes, hash, print });
      this.stats.misses++;
      return undefined;
    }
    const decoded = decodeSource(bytes);
    if ('error' in decoded) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    const { used: _, ...stored } = e;
    // Hashed again (an older entry, a fingerprint too recent to trust, a touched file): the new fingerprint is kept, so that the next run need not.
    const refreshed = !!print && (print.print !== e.print || print.at !== e.at);
    const entry = refreshed ? { ...stored, hash, print: print.print, at: print.at } : stored;
    this.known.set(abs, entry);
    if (refreshed) this.store.put(abs, entry);
    return {
      path,
      text: decoded.text,
      doc: TextDocument.create(path, 'python', 0, decoded.text),
      findings: data.findings,
      ...(data.syntaxErrorAt !== undefined ? { syntaxErrorAt: data.syntaxErrorAt } : {}),
      lookups: e.deps.map((d) => [d[0], depFrom(d, abs), d[2]] as const),
    };
  }

  /** Stores a reviewed file's result (one `lookup` missed), unless the file changed while it was reviewed. */
  record(r: FileResult): void {
    const abs = resolve(r.path);
    const read = this.pending.get(abs);
    this.pending.delete(abs);
    if (!read) return;
    const { bytes, hash, print } = read;
    // A hostile file (a 10 MB line, 100,000 calls) is reviewed again each run rather than stored: the one
    // results.json is read whole by every run, and an entry of 100,000 findings would make every run pay for it.
    if (bytes.length > MAX_STORED_BYTES || r.findings.length > MAX_STORED_FINDINGS) return;
    const decoded = decodeSource(bytes);
    if ('error' in decoded || decoded.text !== r.text) return;
    const key = fileKey(this.run, this.projectKey(this.configOf(r.path)), hash);
    // Absolute: another run (another working folder, the same --cache-dir) resolves them the same.
    const deps: StoredDep[] = (r.lookups ?? []).map(([name, from, file]) => {
      const source = resolve(from);
      return [name, source === abs ? '' : source, file, file === null ? null : this.hashes.hashOf(file)];
    });
    // A file without a suppression comment has no hygiene to judge: said now, so that a warm run need not read its text to know it.
    // The printed positions too: a warm run then prints the result without reading the file (cache/positions.ts).
    const at = positionTable(r.text, printedOffsets(r.findings, r.syntaxErrorAt));
    const data = { findings: r.findings, ...(r.syntaxErrorAt !== undefined ? { syntaxErrorAt: r.syntaxErrorAt } : {}), ...(mayHaveSuppressions(r.text) ? {} : { hygiene: [] }), at };
    const entry = { key, deps, data, hash, ...(print ? { print: print.print, at: print.at } : {}) };
    this.known.set(abs, entry);
    this.store.put(abs, entry);
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
    const findings = Array.isArray(k.data.findings) ? (k.data.findings as Finding[]) : [];
    const syntaxErrorAt = typeof k.data.syntaxErrorAt === 'number' ? k.data.syntaxErrorAt : undefined;
    k.data = { ...k.data, hygiene, at: positionTable(r.text, printedOffsets(findings, syntaxErrorAt, hygiene as { range: Span }[])) };
    this.store.put(abs, k);
  }

  /** Writes the cache; the reason it could not, or undefined. */
  save(): string | undefined {
    const failed = this.store.save();
    if (failed === undefined) this.markLookups();
    return failed;
  }

  /**
   * Marks the module lookups of every entry this run stored or reused that
   * hold now, with the folders they read (cache/verified.ts), so that the
   * next warm run need not resolve them again. After the store is written:
   * a mark names the entry by its `used` stamp as written. Resolved afresh,
   * not from the review's answers: folders may have changed while it ran.
   */
  private markLookups(): void {
    const check = new LookupCheck(this.store.dir, (path) => this.hashes.hashOf(path));
    for (const root of this.roots) check.roots.addRoot(root);
    for (const [abs, known] of this.known) {
      const e = this.store.peek(abs);
      if (e && e.key === known.key) check.holds(abs, e);
    }
    check.save();
  }

  /** Whether a module lookup still gives the same file with the same content. */
  private holds(dep: StoredDep, path: string): boolean {
    // Many files import the same names from one folder: each lookup is checked once per run.
    const from = depFrom(dep, path);
    const k = `${dep[0]}\u0000${from}\u0000${dep[2]}\u0000${dep[3]}`;
    let ok = this.held.get(k);
    if (ok === undefined) {
      const [name, , file, hash] = dep;
      const now = this.resolver.resolver.fileOf(name, from) ?? null;
      this.held.set(k, (ok = now === file && (file === null || this.hashes.hashOf(file) === hash)));
    }
    return ok;
  }

  private projectKey(cfg: ProjectBanditConfig): string {
    let k = this.projectKeys.get(cfg.root);
    if (k === undefined) this.projectKeys.set(cfg.root, (k = projectInputs(cfg.root, cfg.files)));
    return k;
  }
}

interface FreshRead {
  bytes: Buffer;
  hash: string;
  /** The fingerprint taken before the bytes were read, and when (none: it moved while they were read). */
  print?: { print: string; at: number };
}

/**
 * A file's bytes and their hash: the recorded hash when the fingerprint is
 * trusted before the read and unchanged after it (the bytes are then those
 * the hash was made of), else the bytes' own hash. Undefined: unreadable.
 */
export function readFresh(path: string, rec: Recorded | undefined): FreshRead | undefined {
  const at = Date.now();
  const before = fingerprint(path);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path);
  } catch {
    return undefined;
  }
  const after = before && fingerprint(path);
  const still = !!before && after?.print === before.print;
  if (rec && before && still && trusted(rec, before)) return { bytes, hash: rec.hash, print: { print: rec.print, at: rec.at } };
  return { bytes, hash: sha256(bytes), ...(still ? { print: { print: before.print, at } } : {}) };
}

/** A stored result's data, if it has the shape this version writes (else the entry is foreign: a miss). */
function resultData(data: Record<string, unknown>): { findings: Finding[]; syntaxErrorAt?: number } | undefined {
  const { findings, syntaxErrorAt } = data;
  if (!Array.isArray(findings) || !findings.every((f) => f && typeof f === 'object' && typeof (f as Finding).rule === 'string' && typeof (f as Finding).range?.start === 'number')) return undefined;
  if (syntaxErrorAt !== undefined && typeof syntaxErrorAt !== 'number') return undefined;
  return { findings: findings as Finding[], ...(syntaxErrorAt !== undefined ? { syntaxErrorAt } : {}) };
}

