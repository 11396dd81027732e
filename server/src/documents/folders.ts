import { resolve, sep } from 'node:path';
import type { InitializeParams, WorkspaceFoldersChangeEvent } from 'vscode-languageserver';
import { uriToPath } from '../files/uri.js';

/** The workspace folders, as paths; each document belongs to the deepest one that holds it. */
export class WorkspaceFolders {
  private paths: string[] = [];

  initialize(params: InitializeParams): void {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [params.rootPath] : []);
    this.paths = uris.map((u) => resolve(uriToPath(u)));
  }

  change(e: WorkspaceFoldersChangeEvent): void {
    const removed = new Set(e.removed.map((f) => resolve(uriToPath(f.uri))));
    this.paths = this.paths.filter((p) => !removed.has(p));
    for (const f of e.added) this.paths.push(resolve(uriToPath(f.uri)));
  }

  all(): readonly string[] {
    return this.paths;
  }

  folderFor(uri: string): string | undefined {
    const file = resolve(uriToPath(uri));
    let best: string | undefined;
    for (const p of this.paths) {
      if ((file === p || file.startsWith(p.endsWith(sep) ? p : p + sep)) && (!best || p.length > best.length)) best = p;
    }
    return best;
  }
}
