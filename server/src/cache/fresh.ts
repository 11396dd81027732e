import { statSync } from 'node:fs';
import { readRegularFile } from '../files/read.js';
import { sha256Hex } from './sha256.js';

/**
 * A file's content hash without reading it, as git's index does: the
 * stored entry keeps, beside the hash, the file's stat fingerprint (size,
 * mtime and ctime in nanoseconds, inode) taken just before its bytes were
 * read. While all four are the same, the recorded hash is the file's; a
 * content change that restores size and mtime (`touch -r`) still moves the
 * ctime, a file replaced by another moves the inode.
 *
 * "Racy" entries: a file changed within the same timestamp tick as it was
 * read keeps its mtime, so a fingerprint whose mtime is not safely older
 * than the read (`RACY_MS`, wider than any filesystem's granularity) is
 * never trusted: the file is hashed again.
 */

/** `size:mtimeNs:ctimeNs:ino`, or null when the path is not a regular file. */
export type Fingerprint = string;

/** A fingerprint as recent as this before its reading proves nothing (FAT's mtime has 2 s steps). */
export const RACY_MS = 2_000;

export function fingerprint(path: string): { print: Fingerprint; mtimeMs: number } | null {
  try {
    const st = statSync(path, { bigint: true });
    if (!st.isFile()) return null;
    return { print: `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`, mtimeMs: Number(st.mtimeNs / 1_000_000n) };
  } catch {
    return null;
  }
}

/** What an entry recorded of its file: the fingerprint taken before reading, when it was read (ms), and the hash of what was read. */
export interface Recorded {
  print: Fingerprint;
  at: number;
  hash: string;
}

/** Whether a recorded fingerprint may stand for the file's content now. */
export function trusted(rec: Recorded, now: { print: Fingerprint; mtimeMs: number }): boolean {
  return rec.print === now.print && now.mtimeMs < rec.at - RACY_MS;
}

export function sha256(bytes: Buffer): string {
  return sha256Hex(bytes);
}

/**
 * The content hashes of a run: a file's recorded hash when its fingerprint
 * is trusted, else the hash of its bytes (each file once per run).
 */
export class Hashes {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly recorded: (path: string) => Recorded | undefined) {}

  hashOf(path: string): string | null {
    let h = this.known.get(path);
    if (h === undefined) {
      const rec = this.recorded(path);
      const now = rec && fingerprint(path);
      if (rec && now && trusted(rec, now)) h = rec.hash;
      else {
        try {
          h = sha256(readRegularFile(path));
        } catch {
          h = null;
        }
      }
      this.known.set(path, h);
    }
    return h;
  }

  /** A hash learnt from bytes read elsewhere. */
  set(path: string, hash: string): void {
    this.known.set(path, hash);
  }
}
