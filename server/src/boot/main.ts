import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadBundle } from './code-cache.js';

/**
 * `dist/cli.js`, the package's `bin` (scripts/bundle.mjs builds it from this
 * file): runs the CLI's bundle, which lies beside it, through the code cache
 * (boot/code-cache.ts). The bundle's name holds its content hash, set by the
 * build.
 */
declare const PYSEC_CLI_BUNDLE: string;

const { fileURLToPath } = createRequire(import.meta.url)('node:url') as typeof import('node:url');
loadBundle(dirname(fileURLToPath(import.meta.url)), PYSEC_CLI_BUNDLE);
