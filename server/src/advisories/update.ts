import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { makeFolders } from '../files/folders.js';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError, type AdvisoriesOptions } from '../command-line/args.js';
import { defaultDatabasePath } from '../audit/database.js';
import { download, DownloadFailed, type Progress } from './download.js';
import { NotADatabase, verifyOsvZip } from './verify.js';

/** OSV's export of every PyPI advisory, one JSON file per advisory in a zip. */
export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip';

/** What the command writes to: progress and messages go to stderr, the result line to stdout. */
export interface UpdateIO {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: progress redraws one line. */
  tty: boolean;
  env?: NodeJS.ProcessEnv;
}

/** A temp file left by a run that was killed is removed by a later run once this old. */
const STALE_MS = 24 * 3600 * 1000;

/**
 * `pysec-lsp advisories update [--source URL]`: downloads the database into
 * the user cache, atomically. The download goes to a private temp file in
 * the cache folder, is checked to be a zip of OSV records, and only then
 * renamed over the installed one: a failed, truncated or wrong download
 * leaves the previous database as it was and says why. The only command
 * that uses the network.
 *
 * Exit status: 0 installed, 1 the download or its check failed (the old
 * database kept), 2 usage error.
 */
export async function runAdvisoriesUpdate(options: AdvisoriesOptions, io: UpdateIO): Promise<number> {
  const source = sourceUrl(options.source ?? DEFAULT_SOURCE);
  // The path the audit reads by default (audit/database.ts): the zip is installed as that file,
  // which the loader reads as a zip whatever its name, and one rename replaces whole.
  const target = defaultDatabasePath(io.env ?? process.env);
  const dir = dirname(target);
  const say = (s: string) => io.err(`pysec-lsp advisories update: ${s}\n`);
  try {
    makeFolders(dir, 0o700);
  } catch (e) {
    say(`cannot create ${dir}: ${(e as Error).message}`);
    return 1;
  }
  // A folder there is a database someone unpacked: never replaced, never merged into.
  if (isFolder(target)) {
    say(`${target} is a folder (an unpacked database?): the download would replace it. Move it away, or keep it and set pysec.audit.database to it.`);
    return 1;
  }
  const prefix = `.${basename(target)}.`;
  removeStaleParts(dir, prefix);
  const temp = join(dir, `${prefix}${process.pid}.${randomBytes(6).toString('hex')}.part`);
  // An interrupted run leaves no temp file behind.
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      unlinkSync(temp);
    } catch {
      // not created yet, or already gone
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const before = await installedState(target);
  say(`downloading ${source.href}`);
  const show = progressLine(io);
  try {
    const handle = await open(temp, 'wx', 0o600);
    let got: Progress;
    try {
      got = await download(source, handle, show.update);
    } finally {
      await handle.close();
    }
    show.done(got);
    const verified = verifyOsvZip(await readFile(temp));
    await rename(temp, target);
    const newest = verified.newest ? `, newest advisory modified ${verified.newest.slice(0, 10)}` : '';
    io.out(`installed ${verified.entries} advisories${newest} at ${target}`);
    return 0;
  } catch (e) {
    show.abandon();
    await unlink(temp).catch(() => undefined);
    if (!(e instanceof DownloadFailed || e instanceof NotADatabase)) throw e;
    const why = e instanceof NotADatabase ? `the download is not an OSV database: ${e.message}` : e.message;
    say(`${why}.\n${before ? `The previous database is kept: ${target} (${before}).` : 'No database was installed.'}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `--source`: an http(s) or `file:` URL. */
function sourceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--source must be an http(s) or file: URL, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'file:') throw new UsageError(`--source must be an http(s) or file: URL, not a ${url.protocol} one`);
  return url;
}

/** The installed database's date, for the message that keeps it; undefined when there is none. */
async function installedState(target: string): Promise<string | undefined> {
  try {
    const s = await stat(target);
    return `downloaded ${s.mtime.toISOString().slice(0, 10)}`;
  } catch {
    return undefined;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Temp files of runs that were killed (SIGKILL, a power cut), once old enough that no run can still be writing them. */
function removeStaleParts(dir: string, prefix: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.part')) continue;
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    }
  } catch {
    // best effort: a leftover is only disk space
  }
}

const MB = 1024 * 1024;
const mb = (n: number) => (n / MB).toFixed(1);
/** A size in MB, or in kB below one MB (a small mirror, a test's zip). */
const size = (n: number, of = n) => (of < MB ? `${(n / 1024).toFixed(1)}` : mb(n));
const unit = (of: number) => (of < MB ? 'kB' : 'MB');

/**
 * Progress on stderr: one redrawn line on a terminal; else a line at each
 * tenth of a known size (each 10 MB of an unknown one), so a log stays short.
 */
function progressLine(io: UpdateIO) {
  let shown = -1;
  let drawn = false;
  const text = (p: Progress) =>
    p.total ? `${size(p.received, p.total)} of ${size(p.total)} ${unit(p.total)} (${Math.floor((p.received * 100) / p.total)}%)` : `${size(p.received)} ${unit(p.received)}`;
  return {
    update(p: Progress): void {
      const step = p.total ? Math.floor((p.received * (io.tty ? 100 : 10)) / p.total) : Math.floor(p.received / (io.tty ? MB : 10 * MB));
      if (step === shown) return;
      shown = step;
      if (io.tty) {
        io.err(`\r  ${text(p)}`);
        drawn = true;
      } else io.err(`  ${text(p)}\n`);
    },
    done(p: Progress): void {
      if (drawn) io.err('\n');
      drawn = false;
      io.err(`  received ${size(p.received)} ${unit(p.received)}; checking it\n`);
    },
    abandon(): void {
      if (drawn) io.err('\n');
      drawn = false;
    },
  };
}
