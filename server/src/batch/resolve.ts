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
  const own = dirname(resolve(fromFile));
  if (root === undefined || !isInside(own, root)) return [own];
  const out = [own];
  let dir = own;
  for (let i = 0; i < MAX_PACKAGE_DEPTH && dir !== root && isFile(join(dir, '__init__.py')); i++) {
    const up = dirname(dir);
    if (up === dir || !isInside(up, root)) break;
    out.push(up);
    dir = up;
  }
  for (const d of [root, join(root, 'src')]) if (!out.includes(d)) out.push(d);
  return out;
}

/** The files a dotted name may be in a folder: the package's `__init__.py`, then the module. */
export function candidatesIn(dir: string, name: string): string[] {
  const parts = name.split('.');
  return [join(dir, ...parts, '__init__.py'), `${join(dir, ...parts)}.py`];
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
  /** Whether a module file is there. */
  exists: (path: string) => boolean;
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

  constructor(private readonly opts: ResolverOptions) {
    this.recheckMs = opts.recheckMs ?? Infinity;
  }

  /** The file a name imported by `fromFile` resolves to, or undefined (not the project's). */
  fileOf(name: string, fromFile: string): string | undefined {
    if (name.length > 256 || !name.split('.').every((part) => IDENTIFIER.test(part))) return undefined;
    const from = resolve(fromFile);
    const key = `${dirname(from)}\u0000${name}`;
    const now = Date.now();
    const hit = this.resolved.get(key);
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
    const now = Date.now();
    const hit = this.folders.get(key);
    if (hit && now - hit.at < this.recheckMs) return hit.dirs;
    const dirs = searchFolders(from, root, this.opts.exists);
    this.folders.set(key, { dirs, at: now });
    if (this.folders.size > 1024) this.folders.delete(this.folders.keys().next().value!);
    return dirs;
  }

  private search(from: string, name: string, except: string | null): string | null {
    const root = this.opts.rootOf(from);
    if (root === undefined && this.opts.noRoot === 'nothing') return null;
    for (const dir of this.foldersOf(from, root)) {
      const found = candidatesIn(dir, name).find((c) => c !== except && this.opts.exists(c));
      if (found) return found;
    }
    return null;
  }
}

/**
 * Whether a regular file is there, from its folder's listing (read once):
 * what `isRegularFile` says (a listing's entry types are lstat's), with one
 * read per folder instead of one lstat per candidate. For a run that
 * resolves thousands of names over a tree that does not change meanwhile
 * (the result cache's checks).
 */
export class ListedFiles {
  /** Folder → its listing; null: unreadable; 'absent': its parent's listing does not hold it. */
  private readonly listed = new Map<string, Listing | null | 'absent'>();

  isFile(path: string): boolean {
    const known = this.answers.get(path);
    if (known !== undefined) return known;
    const yes = this.listedHas(path);
    this.answers.set(path, yes);
    return yes;
  }

  /** Path → whether it is a regular file: the same paths are asked again and again (every import's candidates). */
  private readonly answers = new Map<string, boolean>();

  private listedHas(path: string): boolean {
    return this.listing(dirname(path))?.files.has(basename(path)) ?? false;
  }

  /**
   * A folder's listing; null: none (no such folder, or unreadable). A
   * folder its parent's listing does not hold (as a folder or a link) is
   * not read: most candidates are in folders that do not exist (`os/path/`
   * for `os.path`), and a failed read costs an exception each. The
   * ancestors not yet listed are listed first, from the top.
   */
  private listing(dir: string): Listing | null {
    const known = this.listed.get(dir);
    if (known !== undefined) return known === 'absent' ? null : known;
    const chain = [dir];
    for (let d = dir, up = dirname(d); up !== d && !this.listed.has(up); d = up, up = dirname(d)) chain.push(up);
    for (let i = chain.length - 1; i >= 0; i--) {
      const cur = chain[i];
      const up = dirname(cur);
      const parent = up === cur ? null : this.listed.get(up);
      const absent = parent === 'absent' || (!!parent && !parent.dirs.has(basename(cur)));
      this.listed.set(cur, absent ? 'absent' : readListing(cur));
    }
    const l = this.listed.get(dir);
    return l === 'absent' ? null : (l ?? null);
  }
}

interface Listing {
  /** Regular files (a listing's entry types are lstat's). */
  files: Set<string>;
  /** Entries that may be folders: folders, and links (readdir follows a link to a folder). */
  dirs: Set<string>;
}

function readListing(dir: string): Listing | null {
  try {
    const out: Listing = { files: new Set(), dirs: new Set() };
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile()) out.files.add(e.name);
      else if (e.isDirectory() || e.isSymbolicLink()) out.dirs.add(e.name);
    }
    return out;
  } catch {
    return null;
  }
}

/** The roots of a `check` run, each file resolved within the deepest root holding it (the result cache's resolver). */
export class RunRoots {
  private readonly roots = new Set<string>();
  private readonly files = new ListedFiles();
  readonly resolver = new NameResolver({ rootOf: (file) => this.rootOf(file), exists: (p) => this.files.isFile(p) });

  addRoot(root: string): void {
    this.roots.add(resolve(root));
  }

  rootOf(file: string): string | undefined {
    let best: string | undefined;
    for (const r of this.roots) if (isInside(file, r) && (!best || r.length > best.length)) best = r;
    return best;
  }
}
