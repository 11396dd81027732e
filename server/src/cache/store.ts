import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { closeSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { makeFolders } from '../files/folders.js';
import { basename, dirname, join } from 'node:path';
import { readRegularFile } from '../files/read.js';
import type { Recorded } from './fresh.js';
import { CACHE_SCHEMA } from './key.js';

/**
 * The result cache on disk: one file per cache folder (`results.json`),
 * every reviewed file's entry in it by absolute path. One file rather than
 * one per source file: a warm run over the standard library reads one file
 * instead of hundreds (its budget is a fraction of a second).
 *
 * - Read once at the start; an unreadable, oversized or corrupt file is
 *   ignored (every file is then a miss, and the file is rewritten).
 * - An entry whose shape is wrong, or whose key differs (another pysec,
 *   other settings, another content), is never used, and is replaced.
 * - Written atomically at the end: a private temp file (0600, in a 0700
 *   folder) renamed over the old one, after merging in what another run
 *   wrote meanwhile. Two runs at once each print their own results;
 *   the cache keeps the newer entry of each file.
 * - Bounded: at most MAX_ENTRIES entries and MAX_FILE_BYTES, the least
 *   recently used dropped first; in the user cache root, at most
 *   MAX_FOLDERS cache folders (one per working folder), the oldest removed.
 */

export const CACHE_FILE = 'results.json';

const requireHere = createRequire(import.meta.url);
export const MAX_ENTRIES = 50_000;
// The file is read whole by every run: entries of hostile size are never stored (batch/cached.ts), so 64 MB holds tens of thousands of files.
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_FOLDERS = 64;

/**
 * A module a file's analysis looked up: `[name, from file, the file it resolved to or null, that file's hash or null]` (cache/deps.ts).
 * The `from` file is `''` when it is the entry's own file (most are): on the standard library this made results.json 15% smaller (1.23 to 1.05 MB).
 */
export type StoredDep = [string, string, string | null, string | null];

/** The file a stored lookup was made from, in the entry of `path`. */
export function depFrom(dep: StoredDep, path: string): string {
  return dep[1] === '' ? path : dep[1];
}

export interface StoredEntry {
  key: string;
  /** When last written or used (ms since the epoch): the least recently used go first. */
  used: number;
  deps: StoredDep[];
  /** The file's content hash (its key is made of it), the stat fingerprint taken before its bytes were read, and when (cache/fresh.ts): a later run trusts the hash without reading while the fingerprint holds. Absent in older entries: the file is hashed. */
  hash?: string;
  print?: string;
  at?: number;
  /** The result itself, as the batch layer stores it (batch/cached.ts checks its shape). */
  data: Record<string, unknown>;
}

interface CacheFile {
  schema: number;
  entries: Record<string, StoredEntry>;
}

export interface OpenOptions {
  /** Remove the oldest sibling cache folders beyond MAX_FOLDERS (the folder is one of the user cache's). */
  evictSiblings?: boolean;
  maxEntries?: number;
}

export class ResultStore {
  private readonly written = new Map<string, StoredEntry>();
  private readonly touched = new Set<string>();

  private constructor(
    readonly dir: string,
    private entries: Map<string, StoredEntry>,
    private readonly opts: OpenOptions,
  ) {}

  /** The cache in `dir` (never throws: a missing or unreadable cache is an empty one). */
  static open(dir: string, opts: OpenOptions = {}): ResultStore {
    return new ResultStore(dir, readEntries(join(dir, CACHE_FILE)), opts);
  }

  /** The entry stored for a file under this key, or undefined (none, another key, a malformed one). */
  get(path: string, key: string): StoredEntry | undefined {
    const e = this.entries.get(path);
    if (!e || e.key !== key) return undefined;
    this.touched.add(path);
    return e;
  }

  /** The entry held for a file, whatever its key, without noting a use. */
  peek(path: string): StoredEntry | undefined {
    return this.entries.get(path);
  }

  /** What the entry of a file (any key) recorded of its content, when it did (cache/fresh.ts). */
  recorded(path: string): Recorded | undefined {
    const e = this.entries.get(path);
    return e && e.hash !== undefined && e.print !== undefined && e.at !== undefined ? { hash: e.hash, print: e.print, at: e.at } : undefined;
  }

  put(path: string, entry: Omit<StoredEntry, 'used'>): void {
    const e = { ...entry, used: Date.now() };
    this.entries.set(path, e);
    this.written.set(path, e);
  }

  /**
   * Writes what this run learned (new entries, and the use of old ones),
   * merged with what is on disk now. Returns why it could not, or undefined.
   */
  save(): string | undefined {
    // A run that only reused entries writes nothing (a warm run stays a read): their use is recorded with the next write.
    if (this.written.size === 0) return undefined;
    try {
      makeFolders(this.dir, 0o700);
      const now = Date.now();
      // Another run may have written since this one read: keep its entries, this run's win for its own files.
      const merged = readEntries(join(this.dir, CACHE_FILE));
      for (const path of this.touched) {
        const e = this.entries.get(path);
        if (e && !this.written.has(path) && merged.get(path)?.key === e.key) merged.get(path)!.used = now;
      }
      for (const [path, e] of this.written) merged.set(path, e);
      writeAtomically(join(this.dir, CACHE_FILE), serialise(merged, this.opts.maxEntries ?? MAX_ENTRIES));
      this.entries = merged;
      this.written.clear();
      this.touched.clear();
      if (this.opts.evictSiblings) evictFolders(dirname(this.dir), this.dir);
      return undefined;
    } catch (e) {
      return `cannot write the cache in ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    }
  }

  /** How many entries are held (tests). */
  get size(): number {
    return this.entries.size;
  }
}

function readEntries(file: string): Map<string, StoredEntry> {
  const out = new Map<string, StoredEntry>();
  let data: unknown;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return out;
    data = JSON.parse(jsonText(readRegularFile(file)));
  } catch {
    return out;
  }
  const f = data as Partial<CacheFile> | null;
  if (!f || typeof f !== 'object' || f.schema !== CACHE_SCHEMA || !f.entries || typeof f.entries !== 'object') return out;
  for (const [path, e] of Object.entries(f.entries)) if (wellFormed(e)) out.set(path, e);
  return out;
}

function wellFormed(e: unknown): e is StoredEntry {
  if (!e || typeof e !== 'object') return false;
  const x = e as Partial<StoredEntry>;
  return (
    typeof x.key === 'string' &&
    typeof x.used === 'number' &&
    (x.hash === undefined || typeof x.hash === 'string') &&
    (x.print === undefined || typeof x.print === 'string') &&
    (x.at === undefined || typeof x.at === 'number') &&
    Array.isArray(x.deps) &&
    x.deps.every((d) => Array.isArray(d) && d.length === 4 && typeof d[0] === 'string' && typeof d[1] === 'string' && (d[2] === null || typeof d[2] === 'string') && (d[3] === null || typeof d[3] === 'string')) &&
    !!x.data &&
    typeof x.data === 'object'
  );
}

/** The file's text: the most recently used entries first, as many as the bounds allow. */
function serialise(entries: Map<string, StoredEntry>, maxEntries: number): string {
  const kept = [...entries].sort((a, b) => b[1].used - a[1].used);
  const parts: string[] = [];
  let bytes = 0;
  for (const [path, e] of kept) {
    if (parts.length >= maxEntries) break;
    const s = `${asciiJson(path)}:${asciiJson(e)}`;
    if (bytes + s.length > MAX_FILE_BYTES - 1024) break;
    parts.push(s);
    bytes += s.length + 1;
  }
  return `{"schema":${CACHE_SCHEMA},"entries":{${parts.join(',')}}}`;
}

/**
 * JSON with every character beyond ASCII escaped (`\uXXXX`): the same value,
 * one byte per character on disk. A single non-ASCII character (an em dash
 * in one finding's message) made node decode the whole of results.json as
 * UTF-8 into a two-byte string: on the standard library, 1 MB decoded in
 * 15-25 ms instead of 1-4 (`jsonText`).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON file's text: bytes all ASCII (as `asciiJson` writes) are taken one byte per character, without UTF-8 decoding; others are decoded. */
export function jsonText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** A private temp file beside `file`, renamed over it: a reader sees the old file or the new one, never half of one. */
export function writeAtomically(file: string, text: string): void {
  // node:crypto when a cache is written only (cache/sha256.ts says why).
  const { randomBytes } = requireHere('node:crypto') as typeof import('node:crypto');
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL: never through a link or a file someone put there.
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/** Removes the least recently written cache folders of `root` beyond MAX_FOLDERS (never `keep`). */
function evictFolders(root: string, keep: string): void {
  let folders: { path: string; mtime: number }[];
  try {
    folders = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => {
        const path = join(root, d.name);
        let mtime = 0;
        try {
          mtime = statSync(join(path, CACHE_FILE)).mtimeMs;
        } catch {
          /* no cache file: oldest */
        }
        return { path, mtime };
      });
  } catch {
    return;
  }
  if (folders.length <= MAX_FOLDERS) return;
  folders.sort((a, b) => a.mtime - b.mtime);
  for (const f of folders.slice(0, folders.length - MAX_FOLDERS)) {
    if (f.path === keep) continue;
    rmSync(f.path, { recursive: true, force: true });
  }
}
