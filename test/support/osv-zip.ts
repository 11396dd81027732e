/**
 * The LSP tests' advisory database (test/fixtures/lsp-advisories: three OSV
 * records), as the folder it is or as the zip OSV publishes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { REPO_ROOT } from '../lsp/client.js';

export const ADVISORY_FOLDER = join(REPO_ROOT, 'test/fixtures/lsp-advisories');

/** The fixture records by file name. */
export function advisoryFiles(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const name of readdirSync(ADVISORY_FOLDER).sort()) if (name.endsWith('.json')) out[name] = readFileSync(join(ADVISORY_FOLDER, name));
  return out;
}

/** A zip of these files (default: the fixture records), as OSV's `all.zip` is laid out. */
export function osvZip(files: Record<string, Uint8Array> = advisoryFiles()): Uint8Array {
  return zipSync(files, { level: 6 });
}
