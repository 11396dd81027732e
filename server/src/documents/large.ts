import { Worker } from 'node:worker_threads';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Rule, RuleSelection } from '../engine/rule.js';
import type { ImportFact } from '../engine/imports.js';
import type { Finding } from '../findings/finding.js';
import type { PoolSelection } from '../batch/worker.js';
import type { PositionEncoding } from '../positions/encoding.js';

/**
 * Documents over 1 MB are parsed and analysed on a worker thread
 * (large-worker.ts), so that the server answers requests about other
 * documents meanwhile (a 10 MB file takes seconds). The worker keeps its
 * own copy of each one (text, tree, incremental analysis) and applies the
 * same changes; this side keeps the text and the findings the worker last
 * sent, carried through the edits made since (document.ts). Smaller
 * documents stay on the main thread, as fast as before.
 */
export const LARGE_DOCUMENT = 1_000_000;

/** What the worker computed for a document at one revision (its count of changes). */
export interface RemoteResult {
  revision: number;
  /** The tree-sitter findings with `# nosec`/`# pysec: ignore` applied, and with only `# pysec: ignore` (ignoreNosec). */
  findings: Finding[];
  ignoringNosec: Finding[];
  imports: ImportFact[];
  lastRun: { full: boolean; chars: number };
  /** Why the worker did not analyse the text: its parse was abandoned over the memory bound (engine/parse.ts). */
  notParsed?: string;
}

export type ToLargeWorker =
  | { open: { uri: string; filename: string; version: number; text: string; selection: PoolSelection } }
  | { change: { uri: string; version: number; changes: readonly TextDocumentContentChangeEvent[]; encoding: PositionEncoding } }
  | { reset: { uri: string; selection: PoolSelection } }
  | { close: { uri: string } };

export type FromLargeWorker = { result: { uri: string } & RemoteResult } | { failed: { uri: string; message: string } };

/** A selection as data for the worker: the enabled rules' ids (null: all), with the plugin params if any. */
export function poolSelection(rules: readonly Rule[], enabled?: RuleSelection): PoolSelection {
  if (!enabled) return null;
  const ids = rules.filter((r) => enabled.accepts(r)).map((r) => r.id);
  return enabled.params?.length ? { ids, params: enabled.params } : ids;
}

/** One large document's side of the worker: the changes go there, the results come back. */
export class RemoteAnalysis {
  result: RemoteResult | undefined;
  /** The revision the worker has been sent; `settled` waits for its result. */
  private sent = 0;
  private waiting: (() => void)[] = [];
  /** The revision the worker's copy was opened at (a restarted worker counts its revisions from there). */
  private base = 0;
  private filename = '';
  private selection: PoolSelection = null;
  /**
   * The document's current text and version (document.ts sets it): what a
   * restarted worker is given to open again.
   */
  source: (() => { version: number; text: string }) | undefined;

  constructor(
    private readonly host: LargeDocuments,
    readonly uri: string,
  ) {}

  open(filename: string, version: number, text: string, selection: PoolSelection): void {
    this.filename = filename;
    this.selection = selection;
    this.host.post({ open: { uri: this.uri, filename, version, text, selection } });
  }

  /** @internal the worker was restarted: it gets the current text, as of the last revision sent. */
  reopen(): boolean {
    const now = this.source?.();
    if (!now) return false;
    this.base = this.sent;
    this.host.post({ open: { uri: this.uri, filename: this.filename, version: now.version, text: now.text, selection: this.selection } });
    return true;
  }

  change(version: number, changes: readonly TextDocumentContentChangeEvent[], encoding: PositionEncoding): void {
    this.sent++;
    this.host.post({ change: { uri: this.uri, version, changes, encoding } });
  }

  reset(selection: PoolSelection): void {
    this.selection = selection;
    this.host.post({ reset: { uri: this.uri, selection } });
  }

  close(): void {
    this.host.post({ close: { uri: this.uri } });
    this.host.forget(this.uri);
    this.release();
  }

  /** Resolves once the worker has answered for the latest change (or failed). */
  settled(): Promise<void> {
    if (this.result && this.result.revision >= this.sent) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** @internal the worker's answer (its revision counted from the copy it opened). */
  receive(result: RemoteResult | null): void {
    if (result) this.result = { ...result, revision: result.revision + this.base };
    if (!result || result.revision >= this.sent) this.release();
  }

  private release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }
}

const WORKER_MAIN = import.meta.url.endsWith('.ts') ? new URL('../../../dist/documents/large-worker-main.js', import.meta.url) : new URL('./large-worker-main.js', import.meta.url);

/**
 * The worker thread for large documents (one, started at the first one):
 * messages are handled in order, so a document's changes apply in order.
 * When the worker dies (out of memory on a pathological file), a new one
 * is started and given each document's current text; after RESTARTS deaths
 * with no result between them, its documents get no more tree-sitter
 * findings and the server says so once.
 */
export class LargeDocuments {
  private worker: Worker | undefined;
  private readonly docs = new Map<string, RemoteAnalysis>();
  /** Workers started so far (the fault-injection hook of the tests kills the first). */
  private started = 0;
  /** Deaths since the last result: past RESTARTS, no new worker. */
  private deaths = 0;
  static readonly RESTARTS = 2;

  constructor(
    /** A document's new findings arrived. */
    private readonly analysed: (uri: string) => void,
    private readonly failed: (uri: string, message: string) => void,
  ) {}

  analysis(uri: string): RemoteAnalysis {
    const a = new RemoteAnalysis(this, uri);
    this.docs.set(uri, a);
    return a;
  }

  /** @internal */
  post(message: ToLargeWorker): void {
    this.start().postMessage(message);
  }

  /** @internal */
  forget(uri: string): void {
    this.docs.delete(uri);
    if (this.docs.size === 0 && this.worker) {
      // No large document open: the thread and its grammar go.
      const w = this.worker;
      this.worker = undefined;
      void w.terminate();
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_MAIN, { workerData: { generation: this.started++ } });
    worker.unref();
    worker.on('message', (msg: FromLargeWorker) => {
      if ('result' in msg) {
        this.deaths = 0;
        const { uri, ...result } = msg.result;
        const doc = this.docs.get(uri);
        if (!doc) return;
        doc.receive(result);
        this.analysed(uri);
      } else {
        this.docs.get(msg.failed.uri)?.receive(null);
        this.failed(msg.failed.uri, msg.failed.message);
      }
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.docs.size && ++this.deaths <= LargeDocuments.RESTARTS) {
        // A new worker, each document opened again at its current text; one that cannot be is failed.
        for (const [uri, doc] of [...this.docs]) {
          if (doc.reopen()) continue;
          doc.receive(null);
          this.docs.delete(uri);
          this.failed(uri, `the analysis of a large document stopped: ${why}`);
        }
        return;
      }
      for (const [uri, doc] of this.docs) {
        doc.receive(null);
        this.failed(uri, `the analysis of a large document stopped: ${why}`);
      }
      this.docs.clear();
    };
    worker.on('error', (e) => died(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => died(`the worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    this.docs.clear();
    void w?.terminate();
  }
}
