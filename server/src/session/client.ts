import type { ClientCapabilities } from 'vscode-languageserver';
import { editSupport, type EditSupport } from '../actions/edits.js';
import { prefersMarkdown } from '../hover/hover.js';
import { negotiateEncoding, type PositionEncoding } from '../positions/encoding.js';

/** What the client can do, read once from its `initialize` capabilities. */
export interface ClientSupport {
  /** Position encoding of every position we read or write. */
  encoding: PositionEncoding;
  /**
   * The client can pull diagnostics (`textDocument/diagnostic`): we advertise a
   * `diagnosticProvider`, and still push each URI until its first pull (`pulled.ts`).
   */
  pull: boolean;
  /** Hover in markdown (else plaintext). */
  markdownHover: boolean;
  /** The client shows `$/progress` (work-done progress). */
  workDoneProgress: boolean;
  /** The client opens a document the server asks it to (`window/showDocument`). */
  showDocument: boolean;
  /** The client pulls again when asked (`workspace/diagnostic/refresh`). */
  refreshPulls: boolean;
  /** The client lets us register file watchers (for bandit's config files). */
  watchFiles: boolean;
  /** What shapes the code actions' edits (read defensively: any shape, any missing part). */
  edits: EditSupport;
}

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    encoding: negotiateEncoding(capabilities.general?.positionEncodings),
    pull: capabilities.textDocument?.diagnostic !== undefined,
    markdownHover: prefersMarkdown(capabilities.textDocument?.hover?.contentFormat),
    workDoneProgress: capabilities.window?.workDoneProgress === true,
    showDocument: capabilities.window?.showDocument?.support === true,
    refreshPulls: capabilities.workspace?.diagnostics?.refreshSupport === true,
    watchFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    edits: editSupport(capabilities),
  };
}
