import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { collectFacts } from '../engine/analyzer.js';
import { FileContext } from '../engine/context.js';
import type { Engine } from '../engine/engine.js';
import type { ProjectIndex, ProjectModule } from '../engine/flow/state.js';
import { decodeSource } from '../files/decode.js';
import { readRegularFile } from '../files/read.js';
import { parsePython } from '../engine/parse.js';
import { isInside, isRegularFile, ListedFiles, NameResolver, RunRoots } from './resolve.js';

export { candidatesIn, isInside, searchFolders } from './resolve.js';

/**
 * The project's own modules for the flow layer (engine/flow `ProjectIndex`):
 * a dotted name as an import wrote it (`helpers`, `app.util`; relative
 * imports come without their dots, as bandit reads them), from the file
 * that imports it, found as Python would find it in the project and parsed.
 *
 * Where a name is looked for, in order: the importing file's folder (a
 * sibling module, a relative import), the folders above it while they are
 * packages (`__init__.py`: the package chain's top is where `app.util`
 * starts), then the project root holding the file and its `src/`. Never
 * outside that root (a file in no root: its own folder only for `check`,
 * nothing for the editor: its index is the workspace folders'). In each
 * folder the package (`name/__init__.py`) before the module (`name.py`),
 * regular files only (a link is not followed).
 *
 * `check` builds one per worker thread with the run's project roots, read
 * from disk once (`DiskModules` with no recheck); the language server
 * builds one over the workspace folders with the open documents first
 * (documents/project.ts). Every tree parsed here is this index's: deleted
 * when its file changes or the index is dropped, never while a grading runs
 * (deletion waits for the next turn of the event loop; the grading is
 * synchronous).
 */

/** A module over this size is not parsed (a generated file is no helper worth following). */
export const MAX_MODULE_BYTES = 1_000_000;
/** Modules kept parsed; beyond, the least recently used are let go. */
const MAX_MODULES = 512;

export interface DiskModulesOptions {
  /** How long a file's stat (and a name's resolution) is trusted before it is looked at again; Infinity: read once (a `check` run). */
  recheckMs?: number;
  maxBytes?: number;
  /**
   * Whether a file is there from its folder's listing, read once (`ListedFiles`):
   * for a run that reads the disk once (`check`), one read per folder instead of
   * one lstat per candidate name of every import.
   */
  listed?: boolean;
}

interface Parsed {
  /** The decoded text; null: unreadable, undecodable or too large. */
  text: string | null;
  /** Parsed when first asked for (undefined: not yet; null: no tree). */
  module: ProjectModule | null | undefined;
  tree: Tree | null;
  mtimeMs: number;
  size: number;
  checked: number;
}

/** Files of the project read from disk, parsed lazily and kept until they change. */
export class DiskModules {
  private readonly parsed = new Map<string, Parsed>();
  private readonly recheckMs: number;
  private readonly maxBytes: number;
  private retired: Tree[] = [];
  private readonly listing: ListedFiles | undefined;

  /** Without an engine nothing is parsed: a resolver only (the result cache checks where names resolve, cache/deps.ts). */
  constructor(
    private readonly engine: Engine | undefined,
    opts: DiskModulesOptions = {},
  ) {
    this.recheckMs = opts.recheckMs ?? Infinity;
    this.maxBytes = opts.maxBytes ?? MAX_MODULE_BYTES;
    this.listing = opts.listed ? new ListedFiles() : undefined;
  }

  /** Whether a regular file is there (a module candidate; `within`: the search folder it is below, ListedFiles.isFile). */
  isFile(path: string, within?: string): boolean {
    return this.listing ? this.listing.isFile(path, within) : isRegularFile(path);
  }

  /** The text of the file at an absolute path (read once until it changes); undefined when it cannot be read, decoded or is too large. */
  text(path: string): string | undefined {
    return this.entry(path).text ?? undefined;
  }

  /** The module at an absolute path, parsed; undefined when it cannot be read, decoded or is too large. */
  get(path: string): ProjectModule | undefined {
    const p = this.entry(path);
    if (p.module === undefined) p.module = this.parse(path, p);
    return p.module ?? undefined;
  }

  /**
   * The tree already parsed here for the file at `path` when it was parsed
   * from `text` (the same string content): a file reviewed after the run
   * parsed it as another's module is not parsed twice. The tree stays this
   * index's: the caller must not delete it (retirement waits for the next
   * turn of the event loop, so it outlives a synchronous review).
   */
  parsedTree(path: string, text: string): Tree | undefined {
    const p = this.parsed.get(path);
    return p?.tree && p.text === text ? p.tree : undefined;
  }

  private entry(path: string): Parsed {
    const now = Date.now();
    let p = this.parsed.get(path);
    if (p && now - p.checked >= this.recheckMs) {
      const st = statOf(path);
      if (!st || st.mtimeMs !== p.mtimeMs || st.size !== p.size) this.invalidate(path);
      else p.checked = now;
      p = this.parsed.get(path);
    }
    if (p) {
      // Most recently used last: the first ones go when the index is full.
      this.parsed.delete(path);
      this.parsed.set(path, p);
      return p;
    }
    p = this.read(path, now);
    this.parsed.set(path, p);
    while (this.parsed.size > MAX_MODULES) this.invalidate(this.parsed.keys().next().value!);
    return p;
  }

  private read(path: string, now: number): Parsed {
    const none = (st?: { mtimeMs: number; size: number }): Parsed => ({ text: null, module: null, tree: null, mtimeMs: st?.mtimeMs ?? -1, size: st?.size ?? -1, checked: now });
    const st = statOf(path);
    if (!st || st.size > this.maxBytes) return none(st);
    let text: string;
    try {
      const decoded = decodeSource(readRegularFile(path));
      if ('error' in decoded) return none(st);
      text = decoded.text;
    } catch {
      return none(st);
    }
    if (text.length > this.maxBytes) return none(st);
    return { text, module: undefined, tree: null, mtimeMs: st.mtimeMs, size: st.size, checked: now };
  }

  private parse(path: string, p: Parsed): ProjectModule | null {
    if (p.text === null || !this.engine) return null;
    const tree = parsePython(this.engine.parser, p.text);
    if (!tree) return null;
    p.tree = tree;
    const facts = collectFacts(this.engine.ruleset, tree.rootNode, null);
    return { file: path, root: tree.rootNode, ctx: new FileContext(facts.imports, path, facts.settings) };
  }

  /** Forgets a file (it changed on disk, or the index is full); its tree is deleted on the next turn. */
  invalidate(path: string): void {
    const p = this.parsed.get(path);
    if (!p) return;
    this.parsed.delete(path);
    if (p.tree) this.retire(p.tree);
  }

  /** Forgets every file. */
  clear(): void {
    for (const path of [...this.parsed.keys()]) this.invalidate(path);
  }

  /** How many files are held (tests count reads with it). */
  get size(): number {
    return this.parsed.size;
  }

  private retire(tree: Tree): void {
    this.retired.push(tree);
    if (this.retired.length === 1) {
      setImmediate(() => {
        const trees = this.retired;
        this.retired = [];
        for (const t of trees) t.delete();
      }).unref?.();
    }
  }
}

function statOf(path: string): { mtimeMs: number; size: number } | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? { mtimeMs: st.mtimeMs, size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a module's text may define a top-level def or class `name`: a
 * plain search (no parse), so that `os.path.join` does not parse `os.py`
 * to find no `def path` there. Only ever says no when there is none.
 */
export function definesName(text: string, name: string): boolean {
  return text.includes(`def ${name}(`) || text.includes(`def ${name} `) || text.includes(`class ${name}(`) || text.includes(`class ${name}:`) || text.includes(`class ${name} `);
}

export interface ProjectFilesOptions {
  /** The project root or workspace folder holding a file (absolute), or undefined. */
  rootOf: (file: string) => string | undefined;
  /** A file's module as the editor holds it (an open document), before the disk's. */
  overlay?: (path: string) => ProjectModule | undefined;
  /** An overlaid file's text (an open document's). */
  overlayText?: (path: string) => string | undefined;
  /** Whether an overlay holds a file that may not be on disk (an unsaved document). */
  overlaid?: (path: string) => boolean;
  /** How long a name's resolution is trusted; Infinity: for the whole run. */
  recheckMs?: number;
  /** For a file in no root: its own folder is looked in (`check`, default), or nothing is (the editor: only the workspace folders' files). */
  noRoot?: 'own-folder' | 'nothing';
}

/** A ProjectIndex over the project's files: open documents (the overlay) first, else the disk. */
export class ProjectFiles implements ProjectIndex {
  private readonly names: NameResolver;
  /** `mayDefine`'s answers by file, for the text they were read from. */
  private readonly defines = new Map<string, { text: string; names: Map<string, boolean> }>();

  constructor(
    readonly disk: DiskModules,
    private readonly opts: ProjectFilesOptions,
  ) {
    this.names = new NameResolver({
      rootOf: opts.rootOf,
      exists: (p, within) => opts.overlaid?.(p) === true || disk.isFile(p, within),
      ...(opts.recheckMs !== undefined ? { recheckMs: opts.recheckMs } : {}),
      ...(opts.noRoot !== undefined ? { noRoot: opts.noRoot } : {}),
    });
  }

  module(name: string, fromFile: string): ProjectModule | undefined {
    const file = this.fileOf(name, fromFile);
    if (!file) return undefined;
    return this.opts.overlay?.(file) ?? this.disk.get(file);
  }

  /** Whether the module a name resolves to may define `def` (its text holds `def def(` or `class def`): else it is not parsed for it. */
  mayDefine(name: string, fromFile: string, def: string): boolean {
    const file = this.fileOf(name, fromFile);
    if (!file) return false;
    const text = this.opts.overlayText?.(file) ?? this.disk.text(file);
    if (text === undefined) return false;
    // Asked for every call into the module from every file: each answer kept while the text is the same string.
    let known = this.defines.get(file);
    if (!known || known.text !== text) {
      known = { text, names: new Map() };
      this.defines.set(file, known);
      while (this.defines.size > 1024) this.defines.delete(this.defines.keys().next().value!);
    }
    let yes = known.names.get(def);
    if (yes === undefined) known.names.set(def, (yes = definesName(text, def)));
    return yes;
  }

  /** The file and text a name resolves to, unparsed (the flow layer's request gate reads it). */
  moduleSource(name: string, fromFile: string): { file: string; text: string } | undefined {
    const file = this.fileOf(name, fromFile);
    if (!file) return undefined;
    const text = this.opts.overlayText?.(file) ?? this.disk.text(file);
    return text === undefined ? undefined : { file, text };
  }

  /** The file a name imported by `fromFile` resolves to, or undefined (not the project's). */
  fileOf(name: string, fromFile: string): string | undefined {
    return this.names.fileOf(name, fromFile);
  }

  /** Forgets every resolution (a file was created, deleted or opened: a name may resolve elsewhere now). */
  forgetResolutions(): void {
    this.names.forget();
  }
}

/**
 * The index of a `check` run (one per worker thread, one for the main
 * thread's inline checks): roots are the projects of the files it was given
 * (`addRoot`), each file resolved within the deepest root holding it; files
 * read once for the whole run.
 */
export class RunProject {
  private readonly roots = new RunRoots();
  readonly index: ProjectFiles;

  /** `engine` undefined: it resolves names but parses nothing. */
  constructor(engine?: Engine) {
    this.index = new ProjectFiles(new DiskModules(engine, { listed: true }), { rootOf: (file) => this.roots.rootOf(file) });
  }

  addRoot(root: string): void {
    this.roots.addRoot(root);
  }

  /** The tree this run already parsed for `path` from `text`, if any (DiskModules `parsedTree`): borrowed, never deleted by the caller. */
  parsedTree(path: string, text: string): Tree | undefined {
    return this.index.disk.parsedTree(path, text);
  }
}
