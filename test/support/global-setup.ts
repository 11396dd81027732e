import { rmSync } from 'node:fs';

/**
 * The suite's user cache (vitest.config.ts points XDG_CACHE_HOME at a fresh
 * folder): `check` and `report` write their result cache, and the server
 * looks for its advisory database, in the user cache by default, so tests
 * never read what an earlier run (or the machine's user) left there, and
 * leave nothing behind.
 */
export default function setup(): () => void {
  return () => {
    const dir = process.env.PYSEC_TEST_CACHE_HOME;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
