import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
 * name and bytes there. Hashing them costs a start 10-25 ms more, so a
 * start first compares `files`, each file's name and size at the build, with
 * queries/ as it is, and takes the copy without hashing when they agree and
 * no file there was modified after dist/rules.json was written (make's rule:
 * an installed package's files all bear the tarball's date); otherwise it
 * hashes. A changed, added or removed rule file makes the start read
 * queries/ as before.
 */
export interface Prebuilt {
  stamp: string;
  /** queries/'s files at the build: name and size, in name order. */
  files: [string, number][];
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

/** A queries/ folder's rule files (`.json`, `.scm`), in name order. */
function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.scm'))
    .sort();
}

/** The hash of a queries/ folder's files (names and bytes, in name order). */
export function queriesStamp(dir: string): string {
  const h = createHash('sha256');
  for (const f of ruleFiles(dir)) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(dir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** A queries/ folder's files as `Prebuilt.files` records them. */
export function queriesFiles(dir: string): [string, number][] {
  return ruleFiles(dir).map((f) => [f, statSync(join(dir, f)).size]);
}

/** Whether queries/ (`dir`) has the files `files` names, of their sizes, none modified after `builtMs`: then it is what the build read. */
function unchanged(dir: string, files: readonly [string, number][], builtMs: number): boolean {
  const names = ruleFiles(dir);
  if (names.length !== files.length) return false;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== files[i][0]) return false;
    const s = statSync(join(dir, names[i]));
    if (s.size !== files[i][1] || s.mtimeMs > builtMs) return false;
  }
  return true;
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
    let builtMs: number;
    try {
      text = readFileSync(path, 'utf8');
      builtMs = statSync(path).mtimeMs;
    } catch {
      continue;
    }
    try {
      const p = JSON.parse(text) as Prebuilt;
      if (!Array.isArray(p.rules)) return null;
      return (Array.isArray(p.files) && unchanged(dir, p.files, builtMs)) || p.stamp === queriesStamp(dir) ? p : null;
    } catch {
      return null;
    }
  }
  return null;
}
