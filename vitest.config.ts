import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A private user cache for the whole run (test/support/global-setup.ts removes it).
const cacheHome = (process.env.PYSEC_TEST_CACHE_HOME ??= mkdtempSync(join(tmpdir(), 'pysec-test-cache-')));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { XDG_CACHE_HOME: cacheHome, PYSEC_TEST_CACHE_HOME: cacheHome },
    globalSetup: ['test/support/global-setup.ts'],
  },
});
