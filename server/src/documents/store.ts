import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Engine } from '../engine/engine.js';
import { ALL_RULES, type RuleSelection } from '../engine/rule.js';
import { LARGE_DOCUMENT, LargeDocuments, poolSelection } from './large.js';
import type { PositionEncoding } from '../positions/encoding.js';
import { PythonDocument } from './document.js';
import { WorkspaceProject } from './project.js';
import { uriToPath } from '../files/uri.js';

/** Is this an LSP document we review? Python by language id or by extension. */
export function isPython(uri: string, languageId?: string): boolean {
  if (languageId === 'python') return true;
  return /\.pyi?$/i.test(uri.split(/[?#]/)[0]);
}

/** The open documents, by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, PythonDocument>();
  /** The worker thread for documents over LARGE_DOCUMENT (large.ts), when the server gave a way to hear from it. */
  private readonly large: LargeDocuments | undefined;
  /** The workspace's modules for attack paths across files (project.ts). */
  readonly project: WorkspaceProject;

  constructor(
    readonly engine: Engine,
    private readonly onRuleError?: (ruleId: string, e: unknown) => void,
    /** Which rules run for a document (the settings' selection); default all. */
    private readonly enabledFor?: (uri: string) => RuleSelection,
    /** A large document's findings arrived from the worker (or its analysis failed: `failure`). */
    analysed?: (uri: string, failure?: string) => void,
    /** The workspace folders (absolute paths): where the modules a document imports are looked for. */
    folders: () => readonly string[] = () => [],
  ) {
    this.project = new WorkspaceProject(engine, folders);
    if (analysed) this.large = new LargeDocuments((uri) => analysed(uri), (uri, message) => analysed(uri, message));
  }

  get(uri: string): PythonDocument | undefined {
    return this.docs.get(uri);
  }

  all(): PythonDocument[] {
    return [...this.docs.values()];
  }

  open(uri: string, version: number, text: string): PythonDocument {
    this.docs.get(uri)?.dispose();
    const enabled = this.enabledFor?.(uri);
    let doc: PythonDocument;
    if (this.large && text.length > LARGE_DOCUMENT) {
      const remote = this.large.analysis(uri);
      remote.open(uriToPath(uri), version, text, poolSelection(this.engine.ruleset.rules, enabled));
      doc = new PythonDocument(uri, version, text, this.engine.parser, remote);
    } else {
      const analysis = this.engine.analysis(uriToPath(uri), enabled, (rule, e) => this.onRuleError?.(rule.id, e));
      doc = new PythonDocument(uri, version, text, this.engine.parser, analysis, this.project.indexFor(uri));
    }
    this.docs.set(uri, doc);
    this.project.opened(doc);
    return doc;
  }

  /**
   * The open documents whose grading read the module of `uri` (or of a file
   * path), marked to be graded again: a change there may change their
   * paths. The caller publishes them.
   */
  dependentsOf(uriOrPath: string): PythonDocument[] {
    const path = uriOrPath.startsWith('file:') ? uriToPath(uriOrPath) : uriOrPath;
    const out: PythonDocument[] = [];
    for (const uri of this.project.dependentsOf(path)) {
      const doc = this.docs.get(uri);
      if (!doc) continue;
      doc.projectChanged();
      out.push(doc);
    }
    return out;
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[], encoding: PositionEncoding): PythonDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    doc.applyChanges(changes, version, encoding);
    return doc;
  }

  /** Re-runs a document's rules from scratch with its current selection (the settings changed). */
  reanalyse(uri: string): PythonDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const enabled = this.enabledFor?.(uri);
    doc.reanalyse(enabled ?? ALL_RULES, poolSelection(this.engine.ruleset.rules, enabled));
    return doc;
  }

  /** Stops the large documents' worker (the server is shutting down). */
  dispose(): void {
    this.large?.dispose();
    this.project.dispose();
  }

  close(uri: string): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    doc.dispose();
    this.docs.delete(uri);
    this.project.closed(uri);
    return true;
  }
}
