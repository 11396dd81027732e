import { statSync } from 'node:fs';
import { manifestKind } from '../audit/manifest.js';

/**
 * Whether the dependency audit could find anything under `paths`: a folder
 * (manifests anywhere below it) or a file that is a manifest itself. The
 * audit (audit/discover.ts) takes a file path that is no manifest as
 * nothing, so `check app.py` needs none of its modules (issue 19).
 */
export function mayHoldManifests(paths: readonly string[]): boolean {
  return paths.some((p) => {
    try {
      return statSync(p).isDirectory() || manifestKind(p) !== null;
    } catch {
      return false;
    }
  });
}
