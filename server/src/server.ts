import {
  DiagnosticRefreshRequest,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  ExecuteCommandRequest,
  MessageType,
  ShowDocumentRequest,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type Connection,
  type DocumentDiagnosticReport,
  ResponseError,
  type InitializeError,
  type InitializeResult,
} from 'vscode-languageserver';
import { toDiagnostics } from './diagnostics/convert.js';
import { hygieneSeverity } from './diagnostics/severity.js';
import { visibleFindings } from './config/policy.js';
import { findingHover, prefersMarkdown } from './hover/hover.js';
import { SettingsService } from './workspace/settings.js';
import { negotiateEncoding, type PositionEncoding } from './documents/encoding.js';
import { DocumentStore, isPython } from './documents/store.js';
import { checkNotification, MalformedInputError } from './documents/validate.js';
import type { PythonDocument } from './documents/document.js';
import { Engine } from './engine/engine.js';
import { SuppressionFeature } from './suppress/feature.js';
import { BanditService } from './bandit/service.js';
import { WorkspaceFolders } from './documents/folders.js';
import { scanWorkspace, type ScanSummary } from './bandit/scan.js';
import type { WorkDoneProgressReporter } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import { VERSION } from './version.js';
import { reportFormatArg, writeWorkspaceReport } from './report/workspace.js';

/** Our commands; other servers' commands (lsp-mode broadcasts them) are ignored. */
export const COMMANDS = { runBandit: 'pysec.runBandit', scanWorkspace: 'pysec.scanWorkspace', report: 'pysec.report' } as const;

/**
 * LSP wiring only: capabilities, and handlers that delegate to the
 * document store and the engine.
 */
export function startServer(connection: Connection): void {
  let store: DocumentStore | undefined;
  let encoding: PositionEncoding = 'utf-16';
  /** The client pulls diagnostics (`textDocument/diagnostic`): then we never push. */
  let pull = false;
  const reported = new Set<string>();
  const folders = new WorkspaceFolders();
  /** Every folder's settings, kept current (config/ validates, workspace/ reads them from the client). */
  const settings = new SettingsService(connection, folders);
  let bandit: BanditService | undefined;
  let markdownHover = false;
  let refreshPulls = false;

  /** Says a thing once per server run, whatever the number of times it happens. */
  const once = (key: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    connection.console.error(message);
  };
  /** A warning the user sees, once per server run. */
  const warnOnce = (key: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    // A notification, never window/showMessageRequest (Neovim 0.7 blocks on it).
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    connection.console.warn(message);
  };

  let initializeSeen = false;
  connection.onInitialize(async (params): Promise<InitializeResult | ResponseError<InitializeError>> => {
    // LSP allows one initialize: a second would replace every open document.
    if (initializeSeen) return new ResponseError(ErrorCodes.InvalidRequest, 'pysec: initialize was already sent; the first initialization stays', { retry: false });
    initializeSeen = true;
    encoding = negotiateEncoding(params.capabilities.general?.positionEncodings);
    workDoneProgress = params.capabilities.window?.workDoneProgress === true;
    showDocument = params.capabilities.window?.showDocument?.support === true;
    pull = params.capabilities.textDocument?.diagnostic !== undefined;
    const engine = await Engine.load();
    store = new DocumentStore(
      engine,
      (rule, e) => once(`rule:${rule}`, `pysec: rule ${rule} failed and was skipped: ${String(e)}`),
      (uri) => {
        // The project config's problems (its plugin settings' too) are said even with bandit off.
        for (const p of settings.policyFor(uri).project?.problems ?? []) warnOnce(`config:${p}`, `pysec: ${p}`);
        return settings.enabledFor(uri);
      },
      // A large document's findings, from the worker thread (documents/large.ts).
      (uri, failure) => {
        if (failure) once(`large:${failure}`, `pysec: ${failure}`);
        const doc = store?.get(uri);
        if (doc) void publish(doc);
      },
    );
    folders.initialize(params);
    settings.initialize(params, engine.ruleset.rules);
    markdownHover = prefersMarkdown(params.capabilities.textDocument?.hover?.contentFormat);
    refreshPulls = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    bandit = new BanditService({
      projectConfig: (file, folder, configFile) => settings.projectConfig(file, folder, configFile),
      settingsFor: (uri) => {
        const policy = settings.policyFor(uri);
        return { ...policy.settings.bandit, ignoreNosec: policy.settings.ignoreNosec, excluded: policy.excluded };
      },
      folderFor: (uri) => folders.folderFor(uri),
      document: (uri) => store?.get(uri),
      rules: () => engine.ruleset.byId,
      changed: (uri) => {
        const doc = store?.get(uri);
        if (doc) void publish(doc);
      },
      warnOnce,
      log: (message) => connection.console.log(message),
    });
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        hoverProvider: true,
        ...suppression.initialize(params.capabilities),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...(pull ? { diagnosticProvider: { identifier: 'pysec', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'pysec-lsp', version: VERSION },
    };
  });

  /** What a document shows: both engines' findings under its folder's settings. */
  const visible = (doc: PythonDocument) => {
    const policy = settings.policyFor(doc.uri);
    return visibleFindings(doc.allFindings(policy.settings.ignoreNosec), policy);
  };

  /** Code actions (suppress with a justification, quick fixes) and suppression-hygiene diagnostics: suppress/feature.ts. */
  const suppression = new SuppressionFeature({
    document: (uri) => store?.get(uri),
    encoding: () => encoding,
    visible: (doc) => visible(doc),
    all: (doc) => (settings.policyFor(doc.uri).excluded ? [] : doc.allFindings()),
    settings: (uri) => settings.settingsFor(uri).suppress,
    covers: (doc, rule) => !!store?.engine.ruleset.byId.has(rule) && settings.policyFor(doc.uri).enabled(store.engine.ruleset.byId.get(rule)!),
    ruleIds: () => new Set(store?.engine.ruleset.byId.keys() ?? []),
    reviewed: (doc) => !settings.policyFor(doc.uri).excluded,
    hygieneSeverity: (doc, rule, byDefault) => {
      const s = settings.settingsFor(doc.uri);
      return hygieneSeverity(rule, byDefault, s.severity.overrides, s.rules.ignore);
    },
    log: (message) => connection.console.log(message),
  });
  suppression.register(connection);

  const diagnosticsOf = (doc: PythonDocument) => [
    ...toDiagnostics(visible(doc), doc.textDocument, encoding, settings.policyFor(doc.uri).mapping),
    ...suppression.hygieneDiagnostics(doc),
  ];

  /** Resolves once the diagnostics are written (at once when none are pushed). */
  const publish = (doc: PythonDocument): Promise<void> => {
    // Before the first settings arrive nothing is published: their arrival publishes every document.
    if (pull || !settings.isSettled) return Promise.resolve();
    return connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnosticsOf(doc) });
  };

  const guarded =
    <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        checkNotification(what, args[0]);
        fn(...args);
      } catch (e) {
        // A client's malformed input is said as such; anything else is our bug, with its stack.
        const why = e instanceof MalformedInputError ? e.message : `${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        once(`${what}:${String(e)}`, `pysec: ${why}`);
      }
    };

  connection.onDidOpenTextDocument(
    guarded('didOpen', ({ textDocument: td }) => {
      if (!store || !isPython(td.uri, td.languageId)) return;
      const doc = store.open(td.uri, td.version, td.text);
      // A large document's diagnostics go out when the worker has its findings.
      if (!doc.isRemote) void publish(doc);
      bandit?.onOpen(doc);
    }),
  );

  connection.onDidChangeTextDocument(
    guarded('didChange', ({ textDocument: td, contentChanges }) => {
      if (!store) return;
      const doc = store.change(td.uri, td.version ?? 0, contentChanges, encoding);
      if (!doc) return;
      // The replaced tree is freed once the diagnostics are out: off the keystroke's path.
      if (doc.isRemote) doc.releaseOldTree();
      else
        void publish(doc)
          .catch(() => undefined)
          .finally(() => doc.releaseOldTree());
      bandit?.onChange(doc);
    }),
  );

  connection.onDidCloseTextDocument(
    guarded('didClose', ({ textDocument: td }) => {
      bandit?.onClose(td.uri);
      settings.forget(td.uri);
      if (store?.close(td.uri) && !pull) void connection.sendDiagnostics({ uri: td.uri, diagnostics: [] });
    }),
  );

  // The tree-sitter engine is already current; bandit runs on the buffer's text.
  connection.onDidSaveTextDocument(guarded('didSave', ({ textDocument: td }) => bandit?.onSave(td.uri)));

  /** Whether the client shows `$/progress` (work-done progress). */
  let workDoneProgress = false;
  /** Whether the client opens a document the server asks it to (`window/showDocument`). */
  let showDocument = false;
  /** The client lets us register file watchers (for bandit's config files). */
  let watchFiles = false;
  let scanning: AbortController | undefined;

  /** The workspace scan, with progress where the client shows it. */
  const runScan = async (attached?: WorkDoneProgressReporter): Promise<ScanSummary | null> => {
    if (!store || !bandit) return null;
    scanning?.abort();
    const controller = new AbortController();
    scanning = controller;
    let reporter: WorkDoneProgressReporter | undefined;
    if (attached) reporter = attached;
    else if (workDoneProgress) reporter = await connection.window.createWorkDoneProgress();
    reporter?.begin('pysec: scanning the workspace', 0, undefined, true);
    const engineRef = store.engine;
    const svc = bandit;
    const roots = folders.all();
    try {
      const summary = await scanWorkspace(roots, {
        engine: engineRef,
        bandit: (folder) => svc.commandFor(pathToFileURL(folder).href),
        projectConfig: (file, folder) => svc.projectConfig(file, folder, settings.settingsFor(pathToFileURL(file).href).bandit.configFile),
        timeoutMs: Math.max(...roots.map((r) => settings.settingsFor(pathToFileURL(r).href).bandit.timeoutSeconds), 1) * 1000 * 20,
        isOpen: (uri) => store?.get(uri) !== undefined,
        publish: (uri, text, findings) => {
          if (pull || store?.get(uri)) return;
          const policy = settings.policyFor(uri);
          void connection.sendDiagnostics({ uri, diagnostics: toDiagnostics(visibleFindings(findings, policy), text, encoding, policy.mapping) });
        },
        progress: (done, total, message) => reporter?.report(total ? Math.floor((100 * done) / total) : 100, message),
        signal: controller.signal,
      });
      for (const e of summary.errors.slice(0, 50)) connection.console.log(`pysec: scan: ${e.path}: ${e.message}`);
      return summary;
    } finally {
      reporter?.done();
      if (scanning === controller) scanning = undefined;
    }
  };

  /** `pysec.report`: writes the workspace report, then opens it (showDocument) or says where it is (a notification, never a request). */
  const runReport = async (arg: unknown) => {
    const format = reportFormatArg(arg);
    const say = (type: MessageType, message: string) => void connection.sendNotification(ShowMessageNotification.type, { type, message });
    if (typeof format === 'object') {
      say(MessageType.Error, format.error);
      return null;
    }
    if (!store || !bandit) return null;
    const svc = bandit;
    const roots = folders.all();
    if (!roots.length) {
      say(MessageType.Warning, 'pysec: no workspace folder to report on.');
      return null;
    }
    try {
      const written = await writeWorkspaceReport(
        {
          engine: store.engine,
          folders: roots,
          bandit: async (folder) => {
            const uri = pathToFileURL(folder).href;
            if (!settings.settingsFor(uri).bandit.enabled) return { reason: 'disabled in the settings (pysec.bandit.enabled)' };
            return (await svc.commandFor(uri)) ?? { reason: 'bandit was not found or would not start (see the server log)' };
          },
          projectConfig: (file) => {
            const uri = pathToFileURL(file).href;
            return svc.projectConfig(file, folders.folderFor(uri), settings.settingsFor(uri).bandit.configFile);
          },
          excluded: (file) => settings.policyFor(pathToFileURL(file).href).excluded,
          placeholder: settings.settingsFor(pathToFileURL(roots[0]).href).suppress.placeholder,
          warn: (message) => connection.console.warn(`pysec: report: ${message}`),
        },
        format,
      );
      if (!written) return null;
      const uri = pathToFileURL(written.path).href;
      if (showDocument) void connection.sendRequest(ShowDocumentRequest.type, { uri, external: format === 'html', takeFocus: true }).catch(() => undefined);
      else say(MessageType.Info, `pysec: wrote the security report (${written.findings} findings) to ${written.path}`);
      return { ...written, uri };
    } catch (e) {
      say(MessageType.Error, `pysec: the report failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };

  connection.onInitialized(async () => {
    // bandit's project config files: re-read them when they change, without a restart.
    if (watchFiles) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: ['**/pyproject.toml', '**/.bandit', '**/*.{yaml,yml}'].map((globPattern) => ({ globPattern })),
        })
        .catch(() => undefined);
    }
    await settings.initialized();
    const scan = folders.all().some((f) => settings.settingsFor(pathToFileURL(f).href).bandit.workspaceScan);
    if (scan) void runScan().catch((e) => once(`scan:${String(e)}`, `pysec: the workspace scan failed: ${String(e)}`));
  });

  /** A bandit config may have changed: both engines read the project's config again. */
  connection.onDidChangeWatchedFiles(
    guarded('didChangeWatchedFiles', ({ changes }) => {
      if (!changes.some((c) => /(?:^|\/)(?:pyproject\.toml|\.bandit|[^/]+\.(?:ya?ml|toml))$/.test(c.uri))) return;
      settings.projectConfigsChanged();
      bandit?.rerunAll((store?.all() ?? []).map((d) => d.uri));
    }),
  );

  // The raw request, not onExecuteCommand: that sugar deletes `workDoneToken` from the params.
  connection.onRequest(ExecuteCommandRequest.type, async (params) => {
    if (params.command === COMMANDS.scanWorkspace) {
      return runScan(params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined);
    }
    if (params.command === COMMANDS.report) {
      const progress = params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
      progress?.begin('pysec: writing the security report');
      return runReport(params.arguments?.[0]).finally(() => progress?.done());
    }
    if (params.command === COMMANDS.runBandit) {
      // Runs bandit now on the given document (or every open one) and answers when it is done.
      const uri = (params.arguments?.[0] as { uri?: string } | string | undefined) ?? undefined;
      const target = typeof uri === 'string' ? uri : uri?.uri;
      const uris = target ? [target] : (store?.all().map((d) => d.uri) ?? []);
      bandit?.rerunAll(uris);
      await Promise.all(uris.map((u) => bandit?.settled(u)));
      return { ran: uris.length };
    }
    return null;
  });

  /** What runs now: for `:LspInfo`-style status and for tests. */
  connection.onRequest('pysec/status', () => ({
    version: VERSION,
    // `lastRun`: what the last change re-ran (the whole file, or so many characters of statements); `remote`: analysed on the worker thread.
    documents: store?.all().map((d) => ({ uri: d.uri, version: d.version, banditRevision: d.banditRevision, remote: d.isRemote, lastRun: d.lastRun })) ?? [],
    banditProcesses: bandit ? Object.fromEntries(bandit.active) : {},
  }));

  connection.onShutdown(() => {
    bandit?.dispose();
    store?.dispose();
  });

  connection.onDidChangeConfiguration((params) => void settings.didChangeConfiguration(params));
  // New settings: every open document at once, re-run from scratch where the rule selection changed.
  settings.onChange((change) => {
    for (const doc of store?.all() ?? []) void publish(change.rerun(doc.uri) ? (store?.reanalyse(doc.uri) ?? doc) : doc);
    if (pull && refreshPulls) connection.sendRequest(DiagnosticRefreshRequest.type).catch(() => undefined);
    bandit?.rerunAll((store?.all() ?? []).filter((d) => change.banditChanged(d.uri)).map((d) => d.uri));
  });

  connection.onHover((params) => {
    const doc = store?.get(params.textDocument.uri);
    if (!doc) return null;
    const policy = settings.policyFor(doc.uri);
    return findingHover({
      doc: doc.textDocument,
      findings: visible(doc),
      position: params.position,
      encoding,
      markdown: markdownHover,
      remediation: (id) => {
        const rule = store?.engine.ruleset.byId.get(id);
        return rule && [rule.remediation, rule.detects].filter(Boolean).join(' ');
      },
      mapping: policy.mapping,
    });
  });

  connection.languages.diagnostics.on(async (params): Promise<DocumentDiagnosticReport> => {
    await settings.ready;
    await store?.get(params.textDocument.uri)?.settled();
    const doc = store?.get(params.textDocument.uri);
    return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsOf(doc) : [] };
  });

  connection.listen();
}
