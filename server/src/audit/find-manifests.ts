import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSkippedDir } from '../files/walk.js';
import { manifestKind } from './manifest.js';

/**
 * The manifests and lock files under each path (a path that is a manifest
 * itself is taken as is), in a stable order, without what they include
 * (audit/discover.ts `manifestFiles` adds that). Apart from the manifests'
 * parsers: `check`'s warm path (check/warm.ts) asks whether there is any.
 */
export function foundManifests(paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (!st.isDirectory()) {
      if (manifestKind(p)) found.push(p);
      continue;
    }
    // Iterative: a deep tree costs no stack.
    const dirs = [p];
    while (dirs.length) {
      const dir = dirs.pop()!;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        continue;
      }
      const sub: string[] = [];
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !isSkippedDir(dir, e.name)) sub.push(path);
        } else if (e.isFile() && manifestKind(e.name)) found.push(path);
      }
      dirs.push(...sub.reverse());
    }
  }
  return found;
}
