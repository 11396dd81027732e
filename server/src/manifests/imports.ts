import { readRegularFile } from '../files/read.js';
import { pythonFiles } from '../files/walk.js';

/** Files read between two yields to the event loop: a keystroke waits for at most this many. */
const SLICE = 32;

/**
 * The top-level modules the Python files below `root` import, read a slice
 * at a time with the event loop free between slices, so that opening a
 * manifest in a large workspace never stalls the server (the audit's own
 * `projectImports` reads them in one go, as `check` may). Each file is read
 * as the server reads any file found on disk (`readRegularFile`: never a
 * pipe). Null when there are more than `max` files (then nothing is graded
 * down), or when `stop` says the answer is no longer wanted.
 */
export async function importsBelow(root: string, max: number, importsOfText: (text: string, out: Set<string>) => void, stop: () => boolean): Promise<Set<string> | null> {
  const { files } = pythonFiles([root]);
  if (files.length > max) return null;
  const out = new Set<string>();
  for (let i = 0; i < files.length; i += SLICE) {
    await new Promise((resolve) => setImmediate(resolve));
    if (stop()) return null;
    for (const f of files.slice(i, i + SLICE)) {
      try {
        importsOfText(readRegularFile(f).toString('utf8'), out);
      } catch {
        // unreadable: its imports are unknown, the others still count
      }
    }
  }
  return out;
}
