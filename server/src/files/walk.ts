import { readdirSync, statSync, existsSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** Folders never worth reviewing: VCS data, caches, dependencies, virtualenvs. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache']);

export function isSkippedDir(dir: string, name: string): boolean {
  if (SKIP_DIRS.has(name)) return true;
  // Any virtualenv, whatever its name.
  return existsSync(join(dir, name, 'pyvenv.cfg'));
}

/** Other files a caller wants from the same walk: those `wanted` by name, in the folders foundManifests (audit/find-manifests.ts) walks (no dot folder), and a path that is such a file itself. */
export interface AlsoFound {
  wanted: (name: string) => unknown;
  found: string[];
}

/**
 * The Python files below each path, as `path` joined with the file's path
 * below it, in a stable order. A path that is a file is taken as is.
 * `also`: other files noted on the way (check's warm path asks for the
 * manifests: one walk of the tree instead of two).
 */
export function pythonFiles(paths: readonly string[], also?: AlsoFound): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p, files, also);
    else {
      files.push(p);
      if (also?.wanted(p)) also.found.push(p);
    }
  }
  return { files, missing };
}

/**
 * Depth first, each folder's entries in name order and a sub-folder's files
 * where the sub-folder stands among them (as a recursive walk lists them);
 * iterative: a deep tree costs no stack.
 */
function walk(root: string, out: string[], also: AlsoFound | undefined): void {
  // `prefix`: what join(dir, name) puts before a name (dir normalised, and its separator), made once per folder: join for each
  // entry normalises the whole path again (the standard library's 4,000 entries: a tenth of a warm run's walk).
  const stack: { dir: string; prefix: string; entries: Dirent[]; next: number; dotted: boolean }[] = [];
  const enter = (dir: string, dotted: boolean) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    stack.push({ dir, prefix: join(dir, '_').slice(0, -1), entries, next: 0, dotted });
  };
  enter(root, false);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.entries.length) {
      stack.pop();
      continue;
    }
    const e = top.entries[top.next++]!;
    const { dir, dotted } = top;
    // A listed name holds no separator and is never `.` or `..`: join(dir, name) is the prefix and the name.
    const path = top.prefix + e.name;
    if (e.isDirectory()) {
      if (!isSkippedDir(dir, e.name)) enter(path, dotted || e.name.startsWith('.'));
    } else if (also && !dotted && e.isFile() && also.wanted(e.name)) {
      also.found.push(path);
      if (/\.pyi?$/.test(e.name)) out.push(path);
    } else if (/\.pyi?$/.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFileBehindLink(path)))) {
      // A link to a file is reviewed, as bandit's os.walk lists it; a link
      // to a folder is not followed (bandit does not either, and a link can
      // make a loop).
      out.push(path);
    }
  }
}

function isFileBehindLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // dangling
  }
}
