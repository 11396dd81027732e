import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkChanges } from '../documents/validate.js';
import { positionToUtf16, type PositionEncoding } from '../positions/encoding.js';
import type { DocumentAudit, ManifestKind } from './adapter.js';

/**
 * An open manifest or lock file: its text as the editor holds it, and its
 * audit, kept until the text, the database or the project context changes.
 * Never a Python document: nothing of it goes through the Python engine.
 */
export class ManifestDocument {
  private doc: TextDocument;
  private audited: { key: string; version: number; result: DocumentAudit } | undefined;

  constructor(
    readonly uri: string,
    /** Its file path (manifests are `file:` documents only). */
    readonly path: string,
    readonly kind: ManifestKind,
    version: number,
    text: string,
  ) {
    this.doc = TextDocument.create(uri, 'plaintext', version, text);
  }

  get textDocument(): TextDocument {
    return this.doc;
  }

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  /** A didChange's changes, checked whole first (a malformed one refuses all of them). */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number, encoding: PositionEncoding): void {
    checkChanges(changes);
    let doc = this.doc;
    for (const change of changes) {
      if ('range' in change && change.range) {
        const range = { start: positionToUtf16(doc, change.range.start, encoding), end: positionToUtf16(doc, change.range.end, encoding) };
        doc = TextDocument.update(doc, [{ range, text: change.text }], version);
      } else doc = TextDocument.update(doc, [{ text: change.text }], version);
    }
    this.doc = TextDocument.create(this.uri, 'plaintext', version, doc.getText());
  }

  /** The audit of the current text under `key` (the database's stamp, the context, the rules): run once per text and key. */
  audit(key: string, run: (text: string) => DocumentAudit): DocumentAudit {
    const a = this.audited;
    if (a && a.key === key && a.version === this.doc.version) return a.result;
    const result = run(this.doc.getText());
    this.audited = { key, version: this.doc.version, result };
    return result;
  }
}
