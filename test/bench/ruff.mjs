// ruff's wasm build (@astral-sh/ruff-wasm-nodejs, a dev dependency used by the
// bench only) as the bench's anchor: the flake8-bandit `S` rules, the same
// family pysec's B rules come from. One Workspace, reused for every text.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function ruffLinter() {
  let ruff;
  try {
    ruff = require('@astral-sh/ruff-wasm-nodejs');
  } catch (e) {
    throw new Error(`@astral-sh/ruff-wasm-nodejs is missing (npm ci installs it): ${e.message}`);
  }
  const workspace = new ruff.Workspace({ lint: { select: ['S'] } }, ruff.PositionEncoding.Utf16);
  return {
    version: ruff.Workspace.version(),
    /** The diagnostics of one text. */
    check: (text) => workspace.check(text),
  };
}
