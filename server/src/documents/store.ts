import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/engine.js';
import { ALL_RULES, type RuleSelection } from '../engine/rule.js';
import type { PositionEncoding } from './encoding.js';
import { PythonDocument } from './document.js';

/** Is this an LSP document we review? Python by language id or by extension. */
export function isPython(uri: string, languageId?: string): boolean {
  if (languageId === 'python') return true;
  return /\.pyi?$/i.test(uri.split(/[?#]/)[0]);
}

export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** The open documents, by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, PythonDocument>();

  constructor(
    readonly engine: Engine,
    private readonly onRuleError?: (ruleId: string, e: unknown) => void,
    /** Which rules run for a document (the settings' selection); default all. */
    private readonly enabledFor?: (uri: string) => RuleSelection,
  ) {}

  get(uri: string): PythonDocument | undefined {
    return this.docs.get(uri);
  }

  all(): PythonDocument[] {
    return [...this.docs.values()];
  }

  open(uri: string, version: number, text: string): PythonDocument {
    this.docs.get(uri)?.dispose();
    const analysis = this.engine.analysis(uriToPath(uri), this.enabledFor?.(uri), (rule, e) => this.onRuleError?.(rule.id, e));
    const doc = new PythonDocument(uri, version, text, this.engine.parser, analysis);
    this.docs.set(uri, doc);
    return doc;
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
    doc.analysis.reset(doc.syntaxTree, this.enabledFor?.(uri) ?? ALL_RULES);
    return doc;
  }

  close(uri: string): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    doc.dispose();
    this.docs.delete(uri);
    return true;
  }
}
