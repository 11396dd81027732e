import { manifestKind, type Manifest, type ManifestKind } from './manifest.js';
import { parseTomlLock, parsePipfileLock } from './locks.js';
import { parsePyproject } from './pyproject.js';
import { parseRequirementsTxt } from './requirements-txt.js';

/** A manifest's text read by the parser of its kind (by file name when not given); null when the audit reads no such file. */
export function parseManifest(path: string, text: string, kind: ManifestKind | null = manifestKind(path)): Manifest | null {
  switch (kind) {
    case 'requirements':
      return parseRequirementsTxt(text);
    case 'pyproject':
      return parsePyproject(text);
    case 'poetry.lock':
    case 'uv.lock':
    case 'pylock':
      return parseTomlLock(text, kind);
    case 'Pipfile.lock':
      return parsePipfileLock(text);
    default:
      return null;
  }
}
