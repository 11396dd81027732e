import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/**
 * Where a module name imported by a file resolves in the project (the
 * rules: batch/project.ts). On its own, without the engine: the result
 * cache's warm path (check/warm.ts) checks a stored file's cross-file
 * inputs with it and must not load the analyzer to do so.
 */

/** One identifier of a dotted name (ASCII: a module file's name the index will look for). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Resolutions kept (`folder \0 name`): a run over a large tree asks tens of thousands, each a few file checks to find again. */
const MAX_RESOLVED = 65_536;
/** Folders above a file looked at for its package chain. */
const MAX_PACKAGE_DEPTH = 32;

/** `..`, `.` or an empty name in a path, or a `/` at its end: what path.resolve would rewrite in an absolute path. */
const NOT_NORMAL = /\/\.{0,2}(?:\/|$)/;

/**
 * `path` made absolute and normal, as path.resolve does; a path that is so
 * already (every path a run stores or derives) is returned as it is:
 * path.resolve and path.join cost microseconds each, and the result cache's
 * warm run asks thousands of times (check/warm.ts).
 */
export function absolute(path: string): string {
  return sep === '/' && path.charCodeAt(0) === 47 && !NOT_NORMAL.test(path) ? path : resolve(path);
}

/** `join(dir, rel)` for an absolute normal `dir` and a `rel` of plain names joined by `sep` (a concatenation then). */
function under(dir: string, rel: string): string {
  return absolute(dir) === dir ? (dir.endsWith(sep) ? dir + rel : dir + sep + rel) : join(dir, rel);
}

/** Whether `path` is `root` or inside it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The folders a name imported by `fromFile` is looked for in (absolute),
 * in order; `root`: the project root or workspace folder holding the file
 * (undefined: its own folder only).
 */
export function searchFolders(fromFile: string, root: string | undefined, isFile: (path: string) => boolean): string[] {
  const own = dirname(absolute(fromFile));
  if (root === undefined || !isInside(own, root)) return [own];
  const out = [own];
  let dir = own;
  for (let i = 0; i < MAX_PACKAGE_DEPTH && dir !== root && isFile(under(dir, '__init__.py')); i++) {
    const up = dirname(dir);
    if (up === dir || !isInside(up, root)) break;
    out.push(up);
    dir = up;
  }
  for (const d of [root, under(root, 'src')]) if (!out.includes(d)) out.push(d);
  return out;
}

/** The files a dotted name may be in a folder: the package's `__init__.py`, then the module. */
export function candidatesIn(dir: string, name: string): string[] {
  const parts = name.split('.');
  if (!parts.every((part) => IDENTIFIER.test(part))) return [join(dir, ...parts, '__init__.py'), `${join(dir, ...parts)}.py`];
  const module = under(dir, parts.join(sep));
  return [module + sep + '__init__.py', `${module}.py`];
}

/** Whether a regular file is there (a module candidate; a link is not followed). */
export function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

export interface ResolverOptions {
  /** The project root or workspace folder holding a file (absolute), or undefined. */
  rootOf: (file: string) => string | undefined;
  /** Whether a module file is there (`within`: the search folder the candidate is below, see ListedFiles). */
  exists: (path: string, within: string) => boolean;
  /** The module a dotted name (its parts) is in a search folder, not `except`, or null; instead of asking `exists` of each candidate (ListedFiles.moduleIn). */
  moduleIn?: (dir: string, parts: readonly string[], except: string | null) => string | null;
  /** How long a name's resolution is trusted; Infinity: for the whole run. */
  recheckMs?: number;
  /** For a file in no root: its own folder is looked in (`own-folder`, default), or nothing is. */
  noRoot?: 'own-folder' | 'nothing';
}

/** Resolves names, each (folder, name) searched once while trusted. */
export class NameResolver {
  /** `folder \0 name` → the first file found, whoever asks (null: none), and when. */
  private readonly resolved = new Map<string, { file: string | null; at: number }>();
  /** Folder (and root) → the folders its files' imports are looked for in, and when. */
  private readonly folders = new Map<string, { dirs: string[]; at: number }>();
  private readonly recheckMs: number;
  private last = { given: '', from: '', dir: '' };

  constructor(private readonly opts: ResolverOptions) {
    this.recheckMs = opts.recheckMs ?? Infinity;
  }

  /** The file a name imported by `fromFile` resolves to, or undefined (not the project's). */
  fileOf(name: string, fromFile: string): string | undefined {
    // A file's lookups come together (a stored entry's, an analysis's): its folder is found once for them.
    if (fromFile !== this.last.given) this.last = { given: fromFile, from: absolute(fromFile), dir: dirname(absolute(fromFile)) };
    const { from, dir } = this.last;
    const key = `${dir}\u0000${name}`;
    const hit = this.resolved.get(key);
    // Only valid names are kept: a hit needs no check.
    if (!hit && (name.length > 256 || !name.split('.').every((part) => IDENTIFIER.test(part)))) return undefined;
    const now = this.now();
    let found: string | null;
    if (hit && now - hit.at < this.recheckMs) found = hit.file;
    else {
      found = this.search(from, name, null);
      this.remember(key, found, now);
    }
    // A module never resolves to itself (`import pdb` in pdb.py): the next candidate, asked afresh. The shared answer
    // is the one without exclusion, so that the order in which files ask does not change what each is told;
    // the file's own answer is kept under its own key.
    if (found === from) {
      const own = `${from}\u0000${name}`;
      const mine = this.resolved.get(own);
      if (mine && now - mine.at < this.recheckMs) found = mine.file;
      else {
        found = this.search(from, name, from);
        this.remember(own, found, now);
      }
    }
    return found ?? undefined;
  }

  /** The time answers are dated with; a run that trusts them for good (`check`) reads no clock. */
  private now(): number {
    return this.recheckMs === Infinity ? 0 : Date.now();
  }

  private remember(key: string, file: string | null, at: number): void {
    this.resolved.set(key, { file, at });
    if (this.resolved.size > MAX_RESOLVED) this.resolved.delete(this.resolved.keys().next().value!);
  }

  /** Forgets every resolution (a file was created, deleted or opened: a name may resolve elsewhere now). */
  forget(): void {
    this.resolved.clear();
    this.folders.clear();
  }

  /** `searchFolders` of a file's folder, trusted as long as a resolution is: every name its files import is looked for in the same folders. */
  private foldersOf(from: string, root: string | undefined): string[] {
    const key = `${dirname(from)}\u0000${root ?? ''}`;
    const now = this.now();
    const hit = this.folders.get(key);
    if (hit && now - hit.at < this.recheckMs) return hit.dirs;
    const dirs = searchFolders(from, root, (p) => this.opts.exists(p, dirname(p)));
    this.folders.set(key, { dirs, at: now });
    if (this.folders.size > 1024) this.folders.delete(this.folders.keys().next().value!);
    return dirs;
  }

  private search(from: string, name: string, except: string | null): string | null {
    const root = this.opts.rootOf(from);
    if (root === undefined && this.opts.noRoot === 'nothing') return null;
    const moduleIn = this.opts.moduleIn;
    const parts = moduleIn ? name.split('.') : [];
    for (const dir of this.foldersOf(from, root)) {
      const found = moduleIn ? moduleIn(dir, parts, except) : candidatesIn(dir, name).find((c) => c !== except && this.opts.exists(c, dir));
      if (found) return found;
    }
    return null;
  }
}

/** A folder's listing: its regular files and the names that may be folders (folders, links); or why there is none. */
type Listing = { files: Set<string>; dirs: Set<string> } | 'none' | 'unreadable';

/**
 * Whether a regular file is there, from its folder's listing (read once):
 * what `isRegularFile` says (a listing's entry types are lstat's), with one
 * read per folder instead of one lstat per candidate. For a run that
 * resolves thousands of names over a tree that does not change meanwhile
 * (the result cache's checks). Most candidates are in folders that do not
 * exist (`os/__init__.py` beside every file that imports `os`): a folder
 * below the search folder is known absent from its parent's listing, with
 * no read (a failed read costs a system call and a thrown error).
 */
export class ListedFiles {
  private readonly listed = new Map<string, Listing>();

  /** `beforeRead`: told each folder whose listing is about to be read (the result cache fingerprints it: cache/verified.ts). */
  constructor(private readonly beforeRead?: (dir: string) => void) {}

  /** `within`: the search folder `path` is below; the folders between are judged from their parents' listings. */
  isFile(path: string, within?: string): boolean {
    const l = this.listing(dirname(path), within);
    return typeof l === 'object' && l.files.has(basename(path));
  }

  /**
   * What `candidatesIn(dir, parts.join('.'))` and `isFile(candidate, dir)`
   * say, the first candidate that is a file and not `except`, walking the
   * listings down from `dir` instead of building and splitting each
   * candidate's path (the warm run asks thousands of names).
   */
  moduleIn(dir: string, parts: readonly string[], except: string | null): string | null {
    let path = dir;
    let l = this.listing(dir, undefined);
    for (let i = 0; i < parts.length - 1; i++) {
      if (l === 'none' || (typeof l === 'object' && !l.dirs.has(parts[i]!))) return null;
      path = under(path, parts[i]!);
      l = this.listing(path, dir);
    }
    const last = parts[parts.length - 1]!;
    if (l === 'none' || (typeof l === 'object' && !l.dirs.has(last))) {
      // No package folder: the module file only.
    } else {
      const pkg = under(path, last);
      const inPkg = this.listing(pkg, dir);
      const init = under(pkg, '__init__.py');
      if (typeof inPkg === 'object' && inPkg.files.has('__init__.py') && init !== except) return init;
    }
    const mod = under(path, `${last}.py`);
    return typeof l === 'object' && l.files.has(`${last}.py`) && mod !== except ? mod : null;
  }

  private listing(dir: string, within: string | undefined): Listing {
    const known = this.listed.get(dir);
    if (known !== undefined) return known;
    const below = (d: string) => within !== undefined && d !== within && isInside(d, within);
    // The folders from `dir` up to `within` or to the first one listed, then listed top down (explicit stack: no recursion).
    const chain = [dir];
    for (let d = dir; below(d) && !this.listed.has(dirname(d)); d = dirname(d)) chain.push(dirname(d));
    const top = chain[chain.length - 1]!;
    let parent = below(top) ? this.listed.get(dirname(top)) : undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      const d = chain[i]!;
      // A folder whose parent was listed is there only if the parent holds it as a folder or a link; else it is read.
      const l: Listing = parent === 'none' || (typeof parent === 'object' && !parent.dirs.has(basename(d))) ? 'none' : this.read(d);
      this.listed.set(d, l);
      parent = l;
    }
    return parent!;
  }

  private read(dir: string): Listing {
    this.beforeRead?.(dir);
    return read(dir);
  }
}

function read(dir: string): Listing {
  const files = new Set<string>();
  const dirs = new Set<string>();
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile()) files.add(e.name);
      else if (e.isDirectory() || e.isSymbolicLink()) dirs.add(e.name);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'none' : 'unreadable';
  }
  return { files, dirs };
}

/** The roots of a `check` run, each file resolved within the deepest root holding it (the result cache's resolver). */
export class RunRoots {
  private readonly roots = new Set<string>();
  private readonly files: ListedFiles;
  readonly resolver = new NameResolver({
    rootOf: (file) => this.rootOf(file),
    exists: (p, within) => this.files.isFile(p, within),
    moduleIn: (dir, parts, except) => this.files.moduleIn(dir, parts, except),
  });

  /** `beforeRead`: see ListedFiles. */
  constructor(beforeRead?: (dir: string) => void) {
    this.files = new ListedFiles(beforeRead);
  }

  addRoot(root: string): void {
    this.roots.add(absolute(root));
  }

  rootOf(file: string): string | undefined {
    let best: string | undefined;
    for (const r of this.roots) if (isInside(file, r) && (!best || r.length > best.length)) best = r;
    return best;
  }
}
