import { writeSync } from 'node:fs';

/**
 * Writes `text` to the standard output, as `process.stdout.write` would,
 * without making `process.stdout`: for a pipe that is a `net.Socket`, and
 * with it node's network and stream modules, a tenth of a warm one-file
 * `check`'s time beyond node's own start (issue 19). The bytes go out by
 * `write(2)` on descriptor 1, all of them (a pipe may take part of a large
 * write). Anything else — a non-blocking descriptor that would block, a
 * closed pipe, no descriptor — hands the rest to `process.stdout`, which
 * deals with it as it always did.
 */
export function writeOut(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done);
  } catch {
    process.stdout.write(bytes.subarray(done));
  }
}
