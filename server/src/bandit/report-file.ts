import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { RunFolder } from './python-env.js';

/**
 * Where a run's JSON report goes: a file in the run's private folder, named
 * on the command line. Not stdout: bandit ≥ 1.7 takes a `.bandit` file's
 * `output =` whenever the command line leaves the output at its default
 * (stdout, also when given as `-`), and then crashes writing the report to
 * a string; a workspace's `.bandit` must decide neither where bandit writes
 * nor whether it reports. (`/dev/stdout` is no way out: Node's pipes are
 * sockets, which cannot be opened by path.)
 */
export function reportArgs(folder: RunFolder): string[] {
  // Quiet: 1.7.5+ prints a progress bar otherwise.
  return ['-q', '-f', 'json', '-o', reportPath(folder)];
}

function reportPath(folder: RunFolder): string {
  return join(folder.dir, 'report.json');
}

/** The report bandit wrote, or why there is none (no file: bandit stopped before reporting; over `maxBytes`). */
export function readReport(folder: RunFolder, maxBytes: number): { text: string } | { error: string } {
  let fd: number;
  try {
    fd = openSync(reportPath(folder), 'r');
  } catch {
    return { error: 'bandit wrote no report' };
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { error: `bandit's report is over ${Math.round(maxBytes / 2 ** 20)} MB` };
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: buf.toString('utf8', 0, got) };
  } finally {
    closeSync(fd);
  }
}
