import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { readRegularFile } from '../files/read.js';
import { advisoryFromOsv, type Advisory } from './advisory.js';

/**
 * The advisory database, offline: OSV records (JSON, or the PyPA advisory
 * database's YAML) in a folder (read recursively) or a `.zip` (the PyPI
 * export of osv.dev). Indexed once by normalised package name. A record
 * that does not parse is skipped and counted; a withdrawn one is skipped.
 */
export interface AdvisoryDatabase {
  /** The folder or zip read. */
  path: string;
  /** Changes when the folder or zip does: reload when it differs (`databaseStamp`). */
  stamp: string;
  /** The newest `modified` of its records (ISO), else the folder's or zip's mtime. */
  date: string;
  /** Advisories indexed (PyPI ones, not withdrawn). */
  count: number;
  /** Records that did not parse (skipped), and the first few reasons. */
  malformed: number;
  problems: string[];
  withdrawn: number;
  byPackage: ReadonlyMap<string, readonly Advisory[]>;
}

/** Where `advisories update` installs the database and where the audit looks by default. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'pysec-lsp', 'advisories');
}

/**
 * A cheap stamp of the database at `path` (null when there is none): the
 * inode, size and mtime of the zip or of the folder. `advisories update`
 * installs a new database by a rename, which changes them; so does adding
 * or removing a record in the folder. (A record rewritten in place is not
 * seen: one stat, not twenty thousand, on each audit.)
 */
export function databaseStamp(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.isDirectory() ? 'dir' : 'file'}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

const MAX_PROBLEMS = 20;
const isRecordName = (name: string) => name.endsWith('.json') || name.endsWith('.yaml') || name.endsWith('.yml');

/** The database at `path`, or null when nothing is there. Throws only when the folder or zip itself cannot be read. */
export function loadDatabase(path: string): AdvisoryDatabase | null {
  const stamp = databaseStamp(path);
  if (stamp === null) return null;
  const st = statSync(path);
  const byPackage = new Map<string, Advisory[]>();
  const db = { path, stamp, date: st.mtime.toISOString(), count: 0, malformed: 0, problems: [] as string[], withdrawn: 0, byPackage };
  let newest = '';
  const add = (name: string, bytes: Uint8Array) => {
    let a: Advisory | null;
    try {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      const record = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      if (record && typeof record === 'object' && (record as { withdrawn?: unknown }).withdrawn) {
        db.withdrawn++;
        return;
      }
      a = advisoryFromOsv(record);
    } catch (e) {
      db.malformed++;
      if (db.problems.length < MAX_PROBLEMS) db.problems.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    if (!a) return;
    db.count++;
    if (a.modified && a.modified > newest) newest = a.modified;
    for (const name of new Set(a.affected.map((p) => p.name))) {
      const list = byPackage.get(name);
      if (list) list.push(a);
      else byPackage.set(name, [a]);
    }
  };
  if (st.isDirectory()) {
    // Iterative walk: a deep tree costs no stack.
    const dirs = [path];
    while (dirs.length) {
      const dir = dirs.pop()!;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (!e.name.startsWith('.')) dirs.push(p);
        } else if (e.isFile() && isRecordName(e.name)) {
          let bytes: Buffer;
          try {
            // The entry is a regular file (its dirent says so): read it at once, as 20,000 of them must be in well under a second.
            bytes = readFileSync(p);
          } catch {
            db.malformed++;
            continue;
          }
          add(p.slice(path.length + 1), bytes);
        }
      }
    }
  } else {
    const files = unzipSync(readRegularFile(path), { filter: (f) => isRecordName(f.name) && !f.name.endsWith('/') });
    for (const name of Object.keys(files).sort()) add(name, files[name]);
  }
  if (newest && !Number.isNaN(Date.parse(newest))) db.date = new Date(Date.parse(newest)).toISOString();
  return db;
}

/** The database's age in whole days at `now`. */
export function databaseAgeDays(db: Pick<AdvisoryDatabase, 'date'>, now: Date = new Date()): number {
  return Math.floor((now.getTime() - Date.parse(db.date)) / 86_400_000);
}

/** Older than a week: worth saying (`advisories update`). */
export const STALE_DAYS = 7;

/**
 * The database at a path, loaded once and again only when its stamp
 * changes; a path with nothing there is remembered as null until it has
 * something. For the server (each document's audit) and `check`.
 */
export class DatabaseCache {
  private readonly loaded = new Map<string, { stamp: string | null; db: AdvisoryDatabase | null; error: string | null }>();

  get(path: string): { db: AdvisoryDatabase | null; error: string | null } {
    const stamp = databaseStamp(path);
    const had = this.loaded.get(path);
    if (had && had.stamp === stamp) return had;
    let db: AdvisoryDatabase | null = null;
    let error: string | null = null;
    try {
      db = stamp === null ? null : loadDatabase(path);
    } catch (e) {
      error = `cannot read the advisory database ${path}: ${(e as Error).message}`;
    }
    const entry = { stamp, db, error };
    this.loaded.set(path, entry);
    return entry;
  }
}
