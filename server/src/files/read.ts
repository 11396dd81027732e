import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';

/**
 * A regular file's bytes, for reading files found on disk while the server
 * runs. Opened non-blocking and checked with fstat before reading: a named
 * pipe put where a source file was would otherwise block the reading
 * process for ever (and with it the language server, whose reads are
 * synchronous). Throws an error with a `code` (ENOENT, EISDIR, ENOTREG…).
 */
export function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why `path` is no longer a regular file (`ENOENT`, `EISDIR`, `ENOTREG`…),
 * or null while it is one: for a result computed a moment ago (a workspace
 * scan reads files while bandit runs) about a file that may have gone since.
 */
export function notRegularFile(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? null : st.isDirectory() ? 'EISDIR' : 'ENOTREG';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
