import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RACY_MS } from './fresh.js';
import { CACHE_SCHEMA } from './key.js';
import { asciiJson, jsonText, MAX_ENTRIES, writeAtomically } from './store.js';

/**
 * Which stored entries' module lookups (cache/deps.ts) were found to hold,
 * and under which state of the folders whose listings decided them: a warm
 * run whose folders are all as recorded need not resolve those lookups
 * again (on the standard library: 5,700 lookups, a quarter of a warm run).
 *
 * A name's resolution (batch/resolve.ts) is a function of the listings of
 * the folders it read, of the file it is made from and of that file's
 * project root. The listings are held by each folder's stat fingerprint
 * (mtime and ctime in ns, inode; links followed): a folder's mtime and
 * ctime move whenever an entry is added, removed or renamed in it, and its
 * inode when it is replaced; a folder recorded missing must still be
 * missing. So a file added to a recorded folder, a module created where a
 * name resolved to nothing, a folder put where there was none: each changes
 * a recorded fingerprint, and then the whole record is ignored (the lookups
 * are resolved again, as without it, and a new record written).
 *
 * "Racy" folders, as cache/fresh.ts's files: a fingerprint whose mtime is
 * not safely older (`RACY_MS`) than when the folder was listed proves
 * nothing (a change in the same timestamp tick keeps it), and a record
 * holding one is not written; a change after the listing moves the ctime
 * (which no one can set back) and the mtime past the recorded one.
 *
 * Each mark names the entry it was made for by its key and its `used` time
 * (a rewritten entry has another), and the project roots its lookups were
 * made under (`roots`, batch/verified-lookups.ts). The resolved files'
 * contents are not in it: a warm run still compares their hashes.
 *
 * `verified.json` beside `results.json`, written atomically (private temp
 * file renamed over it); corrupt, foreign or oversized: ignored. A warm run
 * writes it only when it had to resolve lookups that no valid record held.
 */

export const VERIFIED_FILE = 'verified.json';
const MAX_FOLDERS = 50_000;
const MAX_BYTES = 16 * 1024 * 1024;

/** `mtimeNs:ctimeNs:ino` of a folder (links followed), or `missing`. */
export type FolderPrint = string;

/** A folder's fingerprint now, and its mtime in ms (for the racy rule; NaN when missing). */
export function folderPrint(dir: string): { print: FolderPrint; mtimeMs: number } {
  try {
    const st = statSync(dir, { bigint: true });
    return { print: `${st.mtimeNs}:${st.ctimeNs}:${st.ino}`, mtimeMs: Number(st.mtimeNs / 1_000_000n) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Not a folder there (nothing, or a file on the way): what a listing of it said too. Anything else: unknown, never trusted.
    return { print: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `error ${code}`, mtimeMs: NaN };
  }
}

/** The folders a run's resolutions listed, each fingerprinted just before its listing was read. */
export class FolderRecorder {
  private readonly seen = new Map<string, [FolderPrint, number]>();
  private racyOrUnknown = false;

  /** Called before `dir`'s listing is read. */
  note(dir: string): void {
    if (this.seen.has(dir)) return;
    const at = Date.now();
    const { print, mtimeMs } = folderPrint(dir);
    if (print.startsWith('error') || !(print === 'missing' || mtimeMs < at - RACY_MS)) this.racyOrUnknown = true;
    this.seen.set(dir, [print, at]);
  }

  /** Whether every folder noted may be trusted later (none changed within RACY_MS of its listing, none unreadable). */
  get trustworthy(): boolean {
    return !this.racyOrUnknown;
  }

  folders(): ReadonlyMap<string, [FolderPrint, number]> {
    return this.seen;
  }
}

/** What a mark says of an entry: its key, its `used` stamp, the roots its lookups were resolved under. */
export interface VerifiedMark {
  key: string;
  used: number;
  roots: string;
}

interface VerifiedFileShape {
  schema: number;
  folders: Record<string, [FolderPrint, number]>;
  marks: Record<string, [string, number, string]>;
}

export class VerifiedLookups {
  private readonly added = new Map<string, VerifiedMark>();

  private constructor(
    private readonly dir: string,
    /** The record's marks, when every folder it names is as it recorded; else empty. */
    private readonly marks: Map<string, VerifiedMark>,
    private readonly folders: Map<string, [FolderPrint, number]>,
  ) {}

  /** The record in cache folder `dir`, its folders checked now (never throws: a missing, corrupt or stale record is an empty one). */
  static open(dir: string): VerifiedLookups {
    const empty = () => new VerifiedLookups(dir, new Map(), new Map());
    let f: Partial<VerifiedFileShape>;
    try {
      const bytes = readFileSync(join(dir, VERIFIED_FILE));
      if (bytes.length > MAX_BYTES) return empty();
      f = JSON.parse(jsonText(bytes)) as Partial<VerifiedFileShape>;
    } catch {
      return empty();
    }
    if (!f || typeof f !== 'object' || f.schema !== CACHE_SCHEMA || !f.folders || typeof f.folders !== 'object' || !f.marks || typeof f.marks !== 'object') return empty();
    const folders = new Map<string, [FolderPrint, number]>();
    for (const [path, rec] of Object.entries(f.folders)) {
      if (!Array.isArray(rec) || typeof rec[0] !== 'string' || typeof rec[1] !== 'number') return empty();
      const now = folderPrint(path);
      if (now.print !== rec[0] || (now.print !== 'missing' && !(now.mtimeMs < rec[1] - RACY_MS))) return empty();
      folders.set(path, [rec[0], rec[1]]);
    }
    const marks = new Map<string, VerifiedMark>();
    for (const [path, m] of Object.entries(f.marks)) {
      if (Array.isArray(m) && typeof m[0] === 'string' && typeof m[1] === 'number' && typeof m[2] === 'string') marks.set(path, { key: m[0], used: m[1], roots: m[2] });
    }
    return new VerifiedLookups(dir, marks, folders);
  }

  /** The mark of a file's entry, if the record holds one and its folders are unchanged. */
  get(path: string): VerifiedMark | undefined {
    return this.marks.get(path);
  }

  /** Notes that an entry's lookups were resolved by this run and held. */
  add(path: string, mark: VerifiedMark): void {
    this.added.set(path, mark);
  }

  /** How many marks this run added (tests). */
  get addedCount(): number {
    return this.added.size;
  }

  /**
   * Writes the record if this run added marks and every folder it listed
   * (`recorder`) may be trusted: the old record's folders and marks (all
   * checked unchanged by `open`) and this run's. Returns why it could not
   * write, or undefined (also when there was nothing to write).
   */
  save(recorder: FolderRecorder): string | undefined {
    if (this.added.size === 0 || !recorder.trustworthy) return undefined;
    const folders = new Map(this.folders);
    for (const [path, rec] of recorder.folders()) folders.set(path, rec);
    if (folders.size > MAX_FOLDERS) return undefined;
    const marks = new Map(this.marks);
    for (const [path, m] of this.added) marks.set(path, m);
    const out: VerifiedFileShape = { schema: CACHE_SCHEMA, folders: Object.fromEntries(folders), marks: {} };
    let n = 0;
    for (const [path, m] of marks) {
      if (n++ >= MAX_ENTRIES) break;
      out.marks[path] = [m.key, m.used, m.roots];
    }
    try {
      writeAtomically(join(this.dir, VERIFIED_FILE), asciiJson(out));
      return undefined;
    } catch (e) {
      return `cannot write ${VERIFIED_FILE} in ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    }
  }
}
