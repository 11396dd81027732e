import { unzipSync } from 'fflate';

/** What a verified download holds. */
export interface VerifiedDatabase {
  /** OSV entries (JSON files with an `id`). */
  entries: number;
  /** The newest `modified` date among them (ISO text), when any says one. */
  newest?: string;
}

/** A download that is not an OSV database: the message says why. */
export class NotADatabase extends Error {}

/**
 * Checks that `data` is a zip whose every `.json` entry is an OSV record
 * (an object with a string `id`), and that there is at least one. A
 * truncated zip has no central directory and fails here, as does any
 * other file (an HTML error page, a tarball).
 */
export function verifyOsvZip(data: Uint8Array): VerifiedDatabase {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, { filter: (f) => f.name.toLowerCase().endsWith('.json') });
  } catch (e) {
    throw new NotADatabase(`not a readable zip (${e instanceof Error ? e.message : String(e)}): the download is truncated or is not the OSV export`);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let entries = 0;
  let newest: string | undefined;
  for (const [name, bytes] of Object.entries(files)) {
    let record: unknown;
    try {
      record = JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw new NotADatabase(`its entry ${name} is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const r = record as { id?: unknown; modified?: unknown } | null;
    if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r.id !== 'string') throw new NotADatabase(`its entry ${name} is not an OSV record (no "id")`);
    entries++;
    if (typeof r.modified === 'string' && (newest === undefined || r.modified > newest)) newest = r.modified;
  }
  if (entries === 0) throw new NotADatabase('the zip holds no OSV entry (no .json file)');
  return { entries, ...(newest !== undefined ? { newest } : {}) };
}
