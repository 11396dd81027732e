import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { digest } from './key.js';

/**
 * Where `check` and `report` keep their result cache. By default in the
 * user's cache folder, one folder per working folder:
 * `$XDG_CACHE_HOME/pysec-lsp/cache/<hash of the working folder>` (else
 * `~/.cache/...`). Never inside the workspace by default: a cache in an
 * untrusted checkout could be committed with forged "no findings" entries
 * for its files. `--cache-dir DIR` puts it where the user says (a CI's
 * cache step).
 */

/** The folder holding every project's cache folder (evicted together: cache/store.ts). */
export function userCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative path is invalid and is to be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'pysec-lsp', 'cache');
}

/** The default cache folder for a run in `cwd`. */
export function defaultCacheDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  let root = resolve(cwd);
  try {
    root = realpathSync(root);
  } catch {
    /* the path as given */
  }
  return join(userCacheRoot(env), digest(root).slice(0, 32));
}

/** The cache a command uses for `--cache-dir`/`--no-cache` (command-line/args.ts CacheChoice), run in `cwd`: its folder, or undefined for none. */
export function cacheFolder(choice: { enabled: boolean; dir?: string }, cwd: string, env: NodeJS.ProcessEnv = process.env): { dir: string; evictSiblings: boolean } | undefined {
  if (!choice.enabled) return undefined;
  if (choice.dir !== undefined) return { dir: resolve(cwd, choice.dir), evictSiblings: false };
  return { dir: defaultCacheDir(cwd, env), evictSiblings: true };
}
