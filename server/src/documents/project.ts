import { resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import type { ProjectIndex, ProjectModule } from '../engine/flow/state.js';
import { DiskModules, isInside, ProjectFiles } from '../batch/project.js';
import type { PythonDocument } from './document.js';
import { uriToPath } from '../files/uri.js';

/**
 * The project index of the language server (engine/flow `ProjectIndex`):
 * the modules a document imports, resolved in the workspace folders
 * (batch/project.ts says where a name is looked for), read from an open
 * document's current tree when the module is open, else from the file on
 * disk — read when first asked, files over 1 MB left out, kept parsed until
 * the file changes.
 *
 * Invalidated: a disk file when the client says it changed
 * (didChangeWatchedFiles) and, without that, when its size or mtime
 * differ at a look after RECHECK_MS; names' resolutions when a file is
 * created, deleted, opened or closed. And the other way: each document's
 * grading records the files it resolved (its dependencies, transitively);
 * when one of them changes (an edit, an open or close, a change on disk)
 * the open documents that depend on it are graded again and published
 * (`dependentsOf`). Their own analyses stay cached: only the defs whose
 * callee's summary changed are analysed again (engine/flow/summary.ts).
 */

/** How long a disk file's stat and a name's resolution are trusted without an event from the client. */
const RECHECK_MS = 2000;

export class WorkspaceProject {
  readonly files: ProjectFiles;
  /** Open documents by path (their text wins over the disk's). */
  private readonly open = new Map<string, PythonDocument>();
  /** Document URI → the files its gradings resolved. */
  private readonly deps = new Map<string, Set<string>>();
  private readonly indexes = new Map<string, ProjectIndex>();

  constructor(engine: Engine, folders: () => readonly string[]) {
    this.files = new ProjectFiles(new DiskModules(engine, { recheckMs: RECHECK_MS }), {
      rootOf: (file) => {
        let best: string | undefined;
        for (const f of folders()) if (isInside(file, f) && (!best || f.length > best.length)) best = f;
        return best;
      },
      overlay: (path) => this.moduleOfOpen(path),
      overlaid: (path) => this.open.has(path),
      overlayText: (path) => this.open.get(path)?.textDocument.getText(),
      recheckMs: RECHECK_MS,
      // A document outside every workspace folder imports nothing of the workspace's.
      noRoot: 'nothing',
    });
  }

  /** The index a document's grading asks: the workspace's, recording what it resolves as the document's dependencies. */
  indexFor(uri: string): ProjectIndex {
    let index = this.indexes.get(uri);
    if (!index) {
      let deps = this.deps.get(uri);
      if (!deps) this.deps.set(uri, (deps = new Set()));
      const seen = deps;
      index = {
        module: (name, fromFile) => {
          const file = this.files.fileOf(name, fromFile.startsWith('file:') ? uriToPath(fromFile) : fromFile);
          if (!file) return undefined;
          seen.add(file);
          return this.moduleOfOpen(file) ?? this.files.disk.get(file);
        },
        mayDefine: (name, fromFile, def) => {
          const from = fromFile.startsWith('file:') ? uriToPath(fromFile) : fromFile;
          const file = this.files.fileOf(name, from);
          // A module that may not define it is a dependency all the same: an edit may add it.
          if (file) seen.add(file);
          return this.files.mayDefine(name, from, def);
        },
        moduleSource: (name, fromFile) => {
          const from = fromFile.startsWith('file:') ? uriToPath(fromFile) : fromFile;
          const src = this.files.moduleSource(name, from);
          if (src) seen.add(src.file);
          return src;
        },
      };
      this.indexes.set(uri, index);
    }
    return index;
  }

  private moduleOfOpen(path: string): ProjectModule | undefined {
    const doc = this.open.get(path);
    // A large document (analysed on the worker thread) is not parsed here for that: not followed, as on disk.
    if (!doc || doc.isRemote) return undefined;
    return { file: path, root: doc.syntaxTree.rootNode, ctx: doc.context() };
  }

  /** A document was opened: its text is the module's now (a name may resolve to it even unsaved). */
  opened(doc: PythonDocument): void {
    this.open.set(pathOf(doc.uri), doc);
    this.files.forgetResolutions();
  }

  /** A document was closed: the disk's file is the module again; its own dependencies are forgotten. */
  closed(uri: string): void {
    this.open.delete(pathOf(uri));
    this.deps.delete(uri);
    this.indexes.delete(uri);
    this.files.forgetResolutions();
  }

  /** A file changed on disk (created, changed or deleted): read again when next asked. */
  diskChanged(path: string, createdOrDeleted: boolean): void {
    this.files.disk.invalidate(resolve(path));
    if (createdOrDeleted) this.files.forgetResolutions();
  }

  /** The URIs of the documents whose gradings read the file at `path` (not its own document). */
  dependentsOf(path: string): string[] {
    const p = resolve(path);
    const out: string[] = [];
    for (const [uri, files] of this.deps) if (files.has(p) && pathOf(uri) !== p) out.push(uri);
    return out;
  }

  /** Lets go of every parsed file (the server is shutting down). */
  dispose(): void {
    this.files.disk.clear();
  }
}

function pathOf(uri: string): string {
  return resolve(uriToPath(uri));
}
