import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from './rule.js';

/**
 * The rules as `npm run build` read and validated them (`dist/rules.json`,
 * written by scripts/bundle.mjs), with the combined query RuleSet compiles
 * (its source and which rules own each pattern). Reading and validating the
 * 198 files of queries/ and splitting their patterns cost a one-file
 * `check` about a tenth of its time (issue 19); the prebuilt copy is taken
 * only while it is the same as queries/: `stamp` is a hash of every file's
 * name and bytes there, compared at each start (reading the files is the
 * cheap part). A changed, added or removed rule file makes the start read
 * queries/ as before.
 */
export interface Prebuilt {
  stamp: string;
  rules: Rule[];
  combined: Combined;
}

/** RuleSet's combined query: each distinct pattern once, `owners[i]` the indexes (in `rules`) of pattern i's rules, `offsets[i]` its byte offset in `source`. */
export interface Combined {
  source: string;
  owners: number[][];
  offsets: number[];
}

export const PREBUILT_FILE = 'rules.json';

/** The hash of a queries/ folder's files (names and bytes, in name order). */
export function queriesStamp(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json') && !f.endsWith('.scm')) continue;
    h.update(`${f}\0`);
    h.update(readFileSync(join(dir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** dist/rules.json beside the bundle (dist/), one folder up from tsc's dist/engine/, or the built one when run from server/src/engine (vitest). */
function prebuiltPaths(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return import.meta.url.endsWith('.ts') ? [resolve(here, '../../../dist', PREBUILT_FILE)] : [resolve(here, PREBUILT_FILE), resolve(here, '..', PREBUILT_FILE)];
}

/** The prebuilt rules if they are queries/ (`dir`) as it is now; null otherwise (none built, or stale). */
export function readPrebuilt(dir: string): Prebuilt | null {
  for (const path of prebuiltPaths()) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    try {
      const p = JSON.parse(text) as Prebuilt;
      return p.stamp === queriesStamp(dir) && Array.isArray(p.rules) ? p : null;
    } catch {
      return null;
    }
  }
  return null;
}
