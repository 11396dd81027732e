import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p` with `mode` for what it makes, one level at a time. Not
 * `mkdirSync(…, { recursive: true })`: node 20's never returns under a path
 * where mkdir fails with ENOENT whatever it makes first (a cache folder
 * given under `/proc`), where this throws that error. Iterative: the
 * missing ancestors are collected upwards, then made top down.
 */
export function makeFolders(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      mkdirSync(d, { mode });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') break;
      // Its parent is missing too: made first; at the root, nothing above to make.
      if (code !== 'ENOENT' || dirname(d) === d) throw e;
      missing.push(d);
    }
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i], { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
