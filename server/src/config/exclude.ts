import { isAbsolute, relative, sep } from 'node:path';
import { BoundedCache } from '../glob/nfa.js';
import { matchesGlob } from './glob.js';

/**
 * Whether a file is excluded. Pure; paths are OS paths, patterns use `/`.
 */

function slashes(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** `path` relative to `root`, with `/`; undefined when it lies outside `root`. */
export function relativeTo(root: string, path: string): string | undefined {
  const rel = slashes(relative(root, path));
  if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return undefined;
  return rel;
}

/** `a/b/c.py` → `a`, `a/b`, `a/b/c.py`. */
function prefixes(rel: string): string[] {
  const parts = rel.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * `pysec.exclude`, the way ruff reads its `exclude`: a pattern without a
 * `/` matches any one file or folder name at any depth (`migrations`,
 * `*_pb2.py`); a pattern with a `/` matches the path relative to the
 * workspace folder (`app/generated/**`, `/settings/local.py` anchored at the
 * folder), or a folder above the file (`build/gen` excludes all below it);
 * an absolute pattern matches the absolute path. A trailing `/` is ignored.
 */
export function isExcluded(path: string, root: string | undefined, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return false;
  // Asked on every publish and hover: one answer per folder, pattern set and path.
  return answers.get(`${root ?? ''}\0${patterns.join('\0')}\0${path}`, () => excludedNow(path, root, patterns));
}

const answers = new BoundedCache<boolean>();

function excludedNow(path: string, root: string | undefined, patterns: readonly string[]): boolean {
  const abs = slashes(path);
  const rel = root !== undefined ? relativeTo(root, path) : undefined;
  for (let pattern of patterns) {
    pattern = pattern.trim();
    if (pattern === '') continue;
    if (pattern.length > 1 && pattern.endsWith('/')) {
      let end = pattern.length;
      while (end > 0 && pattern[end - 1] === '/') end--;
      pattern = pattern.slice(0, end);
    }
    if (pattern.startsWith('./')) pattern = pattern.slice(2);
    if (isAbsolute(pattern) && root !== undefined && !pattern.startsWith(slashes(root))) {
      // `/settings/local.py`: anchored at the workspace folder.
      if (rel !== undefined && prefixes(rel).some((p) => matchesGlob(p, pattern.slice(1)))) return true;
      continue;
    }
    if (isAbsolute(pattern)) {
      if (prefixes(abs.replace(/^\//, '')).some((p) => matchesGlob(`/${p}`, pattern))) return true;
      continue;
    }
    if (rel === undefined) continue;
    if (!pattern.includes('/')) {
      if (rel.split('/').some((part) => matchesGlob(part, pattern))) return true;
    } else if (prefixes(rel).some((p) => matchesGlob(p, pattern))) return true;
  }
  return false;
}
