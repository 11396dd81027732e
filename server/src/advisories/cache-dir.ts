import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where `pysec-lsp advisories update` installs the advisory database and
 * where the server and `check` look for it when no path is set:
 * `$XDG_CACHE_HOME/pysec-lsp/advisories`, else `~/.cache/pysec-lsp/advisories`.
 * A relative `XDG_CACHE_HOME` is ignored, as the XDG spec says.
 */
export function advisoriesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.cache');
  return join(base, 'pysec-lsp', 'advisories');
}

/** The name of the installed database inside the cache folder: OSV's PyPI export, as downloaded. */
export const DATABASE_FILE = 'PyPI.zip';

/** The installed database's path. */
export function installedDatabase(env: NodeJS.ProcessEnv = process.env): string {
  return join(advisoriesCacheDir(env), DATABASE_FILE);
}
