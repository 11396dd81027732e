import { statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { foundManifests } from './find-manifests.js';
import { readRegularFile } from '../files/read.js';
import { manifestKind } from './manifest.js';
import { parseManifest } from './parse.js';

/**
 * The manifests and lock files under each path (a path that is a manifest
 * itself is taken as is), in a stable order, plus the files their `-r`/`-c`
 * lines include (followed relative to the including file, each once).
 */
export function manifestFiles(paths: readonly string[]): string[] {
  const found = foundManifests(paths);
  const roots = paths.map((p) => {
    const abs = resolve(p);
    try {
      return statSync(abs).isDirectory() ? abs : dirname(abs);
    } catch {
      return abs;
    }
  });
  return withIncludes(found, roots);
}

/** Whether `abs` is `root` or below it. */
function within(abs: string, root: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** At most this many files are followed through `-r`/`-c` (a loop of includes ends at the first repeat anyway). */
const MAX_INCLUDED = 200;

/**
 * `files` and what their includes name, followed only inside the folders
 * reviewed (`roots`): a hostile `-r /etc/passwd` would otherwise put lines
 * of any readable file into a report as "not checked".
 */
function withIncludes(files: string[], roots: readonly string[]): string[] {
  const seen = new Set(files.map((f) => resolve(f)));
  const out = [...files];
  const queue = files.filter((f) => manifestKind(f) === 'requirements');
  let followed = 0;
  while (queue.length && followed < MAX_INCLUDED) {
    const file = queue.shift()!;
    let text: string;
    try {
      text = readRegularFile(file).toString('utf8');
    } catch {
      continue;
    }
    for (const inc of parseManifest(file, text, 'requirements')?.includes ?? []) {
      const target = join(dirname(file), inc.path);
      const abs = resolve(target);
      if (seen.has(abs) || !roots.some((r) => within(abs, r))) continue;
      seen.add(abs);
      try {
        if (!statSync(abs).isFile()) continue;
      } catch {
        continue;
      }
      followed++;
      out.push(target);
      queue.push(target);
    }
  }
  return out;
}
