import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where `pysec-lsp advisories update` installs the advisory database, and
 * where the server and `check` read it when no path is set:
 * `$XDG_CACHE_HOME/pysec-lsp/advisories`, else `~/.cache/pysec-lsp/advisories`
 * (a relative `XDG_CACHE_HOME` is ignored, as the XDG spec says). The
 * database there is OSV's zip as downloaded, one file, which the loader
 * reads as a zip whatever its name: replaced by one rename, it is never
 * seen half written.
 */
export function installedDatabase(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'pysec-lsp', 'advisories');
}
