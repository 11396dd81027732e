/**
 * A language client for tests: it starts the BUILT server (`dist/cli.js
 * --stdio`, run by `process.execPath`, never through a shell) and speaks
 * real JSON-RPC to it over stdin/stdout.
 *
 * Everything is event-driven: a wait resolves on the notification or
 * response it waits for. The only timer is a generous safety timeout that
 * turns a hung server into a failed test (with the server's stderr and the
 * last messages in the error) instead of a hung test run.
 *
 *   const c = await LspClient.start({ positionEncodings: ['utf-8'] });
 *   c.open(uri, 'eval(x)\n');
 *   const d = await c.waitForDiagnostics(uri, { version: 1 });
 *   await c.shutdown();
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type InitializeResult,
  type NotificationMessage,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_JS = resolve(REPO_ROOT, 'dist/cli.js');

/** How long any single wait may take before the test fails as hung. Not a timing assumption: only a guard. */
export const SAFETY_TIMEOUT_MS = 30_000;

export interface StartOptions {
  /** Client capabilities (merged over a minimal default). */
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Shorthand for `capabilities.general.positionEncodings`. */
  positionEncodings?: string[];
  /** Workspace folder (a path); default none. */
  rootPath?: string;
  /** Several workspace folders (paths): sent as `workspaceFolders`, the first also as `rootUri`. Overrides `rootPath`. */
  workspaceFolders?: string[];
  /** Extra arguments after `--stdio`. */
  args?: string[];
  /** The server to run (default: the built `dist/cli.js`), e.g. a copy of the package with something broken in it. */
  serverJs?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Answers to server → client requests by method (default: null / [] for configuration). */
  onServerRequest?: Record<string, (params: unknown) => unknown>;
  /** Safety timeout for every wait (ms). */
  timeoutMs?: number;
}

export interface Received {
  /** Arrival order, over every notification. */
  seq: number;
  method: string;
  params: unknown;
}

export interface WaitOptions {
  /** Only a publishDiagnostics carrying exactly this document version. */
  version?: number;
  /** Only one this predicate accepts. */
  predicate?: (p: PublishDiagnosticsParams) => boolean;
  /** Only one received after this sequence number (see `mark()`); default: any, including ones received before the call. */
  after?: number;
  timeoutMs?: number;
}

interface Waiter {
  match: (n: Received) => boolean;
  resolve: (n: Received) => void;
  reject: (e: Error) => void;
}

export class LspClient {
  readonly notifications: Received[] = [];
  readonly serverRequests: { method: string; params: unknown }[] = [];
  private stderrChunks: string[] = [];
  private waiters = new Set<Waiter>();
  private seq = 0;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  initializeResult!: InitializeResult;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    private readonly timeoutMs: number,
    /** Every response (or array of responses) the server wrote, in order, whatever its id. */
    readonly responses: unknown[] = [],
  ) {
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (s: string) => this.stderrChunks.push(s));
    this.exited = new Promise((res) => {
      proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        const err = new Error(`the server exited (code ${code}, signal ${signal})${this.context()}`);
        for (const w of this.waiters) w.reject(err);
        this.waiters.clear();
        res({ code, signal });
      });
    });
    // A write to a dead server must fail the test, not crash the runner.
    proc.stdin.on('error', () => {});
    connection.onUnhandledNotification((m: NotificationMessage) => this.record(m.method, m.params));
    connection.onError(() => {});
  }

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const serverJs = opts.serverJs ?? SERVER_JS;
    if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`npm run build\` first`);
    const proc = spawn(process.execPath, [serverJs, '--stdio', ...(opts.args ?? [])], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const writer = new StreamMessageWriter(proc.stdin);
    // Once the server is gone, a write fails inside vscode-jsonrpc on a
    // destroyed pipe, sometimes on a promise nobody holds. The exit handler
    // already fails every pending wait and request, so drop those failures.
    let gone = false;
    proc.on('exit', () => (gone = true));
    const write = writer.write.bind(writer);
    writer.write = (msg) =>
      write(msg).catch((e: unknown) => {
        if (!gone && !proc.stdin.destroyed) throw e;
      });
    // Every response the server writes is kept (`responses`), also those the
    // connection drops: errors with id null, answers to raw requests, arrays.
    const reader = new StreamMessageReader(proc.stdout);
    const responses: unknown[] = [];
    const listen = reader.listen.bind(reader);
    reader.listen = (callback) =>
      listen((m) => {
        if (Array.isArray(m) || !('method' in m)) responses.push(m);
        callback(m);
      });
    const connection = createProtocolConnection(reader, writer);
    const client = new LspClient(proc, connection, opts.timeoutMs ?? SAFETY_TIMEOUT_MS, responses);

    const answers: Record<string, (params: unknown) => unknown> = {
      'workspace/configuration': (p) => ((p as { items?: unknown[] })?.items ?? []).map(() => null),
      'client/registerCapability': () => null,
      'client/unregisterCapability': () => null,
      'window/workDoneProgress/create': () => null,
      'window/showMessageRequest': () => null,
      'workspace/applyEdit': () => ({ applied: false }),
      ...opts.onServerRequest,
    };
    for (const [method, answer] of Object.entries(answers)) {
      connection.onRequest(method, (params: unknown) => {
        client.serverRequests.push({ method, params });
        return answer(params);
      });
    }
    connection.listen();

    const capabilities: ClientCapabilities = {
      ...opts.capabilities,
      general: {
        ...opts.capabilities?.general,
        ...(opts.positionEncodings ? { positionEncodings: opts.positionEncodings } : {}),
      },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        ...opts.capabilities?.textDocument,
      },
    };
    const folderUris = opts.workspaceFolders?.map((p) => pathToFileURL(p).href);
    const rootUri = folderUris ? (folderUris[0] ?? null) : opts.rootPath ? pathToFileURL(opts.rootPath).href : null;
    client.initializeResult = await client.guard(
      'initialize',
      connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'pysec-lsp-test-client' },
        rootUri,
        workspaceFolders: folderUris
          ? folderUris.map((uri, i) => ({ uri, name: `folder${i}` }))
          : rootUri
            ? [{ uri: rootUri, name: 'root' }]
            : null,
        capabilities,
        initializationOptions: withBanditDefault(opts.initializationOptions),
      }) as Promise<InitializeResult>,
    );
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** A note of where the notification stream is now; pass it as `after` to ignore what came before. */
  mark(): number {
    return this.seq;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  get stderr(): string {
    return this.stderrChunks.join('');
  }

  /** window/logMessage and window/showMessage notifications, in order. */
  get logMessages(): { type: number; message: string }[] {
    return this.notifications.filter((n) => n.method === 'window/logMessage').map((n) => n.params as { type: number; message: string });
  }

  get shownMessages(): { type: number; message: string }[] {
    return this.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params as { type: number; message: string });
  }

  /** Every publishDiagnostics received for `uri`, in order. */
  published(uri: string): PublishDiagnosticsParams[] {
    return this.notifications
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as PublishDiagnosticsParams).uri === uri)
      .map((n) => n.params as PublishDiagnosticsParams);
  }

  /** The last publishDiagnostics received for `uri`. */
  latest(uri: string): PublishDiagnosticsParams | undefined {
    return this.published(uri).at(-1);
  }

  open(uri: string, text: string, version = 1, languageId = 'python'): Promise<void> {
    return this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): Promise<void> {
    return this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  save(uri: string): Promise<void> {
    return this.notify('textDocument/didSave', { textDocument: { uri } });
  }

  /** `textDocument/diagnostic` (pull). */
  pull(uri: string): Promise<DocumentDiagnosticReport> {
    return this.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
  }

  request<R = unknown>(method: string, params?: unknown): Promise<R> {
    const p = params === undefined ? this.connection.sendRequest(method) : this.connection.sendRequest(method, params);
    return this.guard(method, p as Promise<R>);
  }

  notify(method: string, params?: unknown): Promise<void> {
    return params === undefined ? this.connection.sendNotification(method) : this.connection.sendNotification(method, params);
  }

  /**
   * Resolves with the first publishDiagnostics for `uri` that matches
   * `version`/`predicate` (and came after `after`, when given), whether it
   * arrived before this call or arrives later.
   */
  async waitForDiagnostics(uri: string, opts: WaitOptions | ((p: PublishDiagnosticsParams) => boolean) = {}): Promise<PublishDiagnosticsParams> {
    const o: WaitOptions = typeof opts === 'function' ? { predicate: opts } : opts;
    const n = await this.waitForNotification(
      'textDocument/publishDiagnostics',
      (p) => {
        const d = p as PublishDiagnosticsParams;
        return d.uri === uri && (o.version === undefined || d.version === o.version) && (!o.predicate || o.predicate(d));
      },
      { after: o.after, timeoutMs: o.timeoutMs, what: `publishDiagnostics for ${uri}${o.version !== undefined ? ` version ${o.version}` : ''}` },
    );
    return n.params as PublishDiagnosticsParams;
  }

  /** Resolves on the first notification `method` whose params `match` accepts (already received or to come). */
  waitForNotification(
    method: string,
    match: (params: unknown) => boolean = () => true,
    opts: { after?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<Received> {
    const accept = (n: Received) => n.method === method && (opts.after === undefined || n.seq > opts.after) && match(n.params);
    const already = this.notifications.find(accept);
    if (already) return Promise.resolve(already);
    if (!this.alive) return Promise.reject(new Error(`the server is not running${this.context()}`));
    return new Promise<Received>((resolvePromise, rejectPromise) => {
      const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
      const waiter: Waiter = {
        match: accept,
        resolve: (n) => {
          clearTimeout(timer);
          resolvePromise(n);
        },
        reject: (e) => {
          clearTimeout(timer);
          rejectPromise(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        rejectPromise(new Error(`safety timeout (${timeoutMs} ms) waiting for ${opts.what ?? method}${this.context()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** shutdown + exit; kills the server if it has not exited once asked to. Resolves with its exit code. */
  async shutdown(): Promise<number | null> {
    if (this.alive) {
      try {
        await this.guard('shutdown', this.connection.sendRequest('shutdown') as Promise<unknown>, 10_000);
        await this.connection.sendNotification('exit');
      } catch {
        /* fall through to the kill below */
      }
      // Nothing may be written once `exit` is out: a late reply (to a server
      // request) would hit a destroyed pipe and reject where no one listens.
      this.connection.dispose();
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
    return this.exitInfo?.code ?? null;
  }

  /** Kills the server without ceremony (for afterAll after a failed test). */
  async kill(): Promise<void> {
    this.connection.dispose();
    if (this.alive) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  private record(method: string, params: unknown): void {
    const n: Received = { seq: ++this.seq, method, params };
    this.notifications.push(n);
    for (const w of [...this.waiters]) {
      if (w.match(n)) {
        this.waiters.delete(w);
        w.resolve(n);
      }
    }
  }

  /** Races a response against the server's exit and the safety timeout. */
  private guard<T>(what: string, p: Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`safety timeout (${timeoutMs} ms) waiting for the answer to ${what}${this.context()}`)), timeoutMs);
    });
    const exit = this.exited.then((e) => {
      throw new Error(`the server exited (code ${e.code}, signal ${e.signal}) before answering ${what}${this.context()}`);
    });
    return Promise.race([p, timeout, exit]).finally(() => clearTimeout(timer));
  }

  private context(): string {
    const stderr = this.stderr.slice(-2000);
    const last = this.notifications
      .slice(-5)
      .map((n) => `  ${n.method} ${JSON.stringify(n.params).slice(0, 300)}`)
      .join('\n');
    return `\n--- server stderr (tail) ---\n${stderr}\n--- last notifications ---\n${last}`;
  }
}

/**
 * A diagnostic's identity for comparisons that ignore `data.version` and the
 * document a related location is in (always the diagnostic's own: two
 * documents with the same text compare equal).
 */
export function diagnosticKey(d: Diagnostic): string {
  const data = d.data && typeof d.data === 'object' ? { ...(d.data as Record<string, unknown>), version: undefined } : d.data;
  const relatedInformation = d.relatedInformation?.map((r) => ({ ...r, location: { ...r.location, uri: '<same document>' } }));
  return JSON.stringify({ ...d, data, relatedInformation });
}

/** `file:///…/name` for a made-up document (never read from disk by the server). */
/**
 * Tests that do not speak of bandit run without it: the bandit on PATH
 * would otherwise run on every open, slowly, and merge its findings into
 * what those tests compare. Tests of the bandit engine set `bandit` themselves.
 */
export function withBanditDefault(options: unknown): unknown {
  const off = { enabled: false };
  if (options === undefined || options === null) return { bandit: off };
  if (typeof options !== 'object' || Array.isArray(options)) return options;
  const o = options as Record<string, unknown>;
  if ('bandit' in o || Object.keys(o).some((k) => k.startsWith('bandit.') || k.startsWith('pysec.bandit'))) return o;
  if (o.pysec && typeof o.pysec === 'object') {
    const p = o.pysec as Record<string, unknown>;
    return 'bandit' in p ? o : { ...o, pysec: { ...p, bandit: off } };
  }
  return { ...o, bandit: off };
}

export function docUri(name: string): string {
  return pathToFileURL(resolve(REPO_ROOT, 'test/.virtual', name)).href;
}
