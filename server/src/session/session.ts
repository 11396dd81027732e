import { pathToFileURL } from 'node:url';
import type { Connection, InitializeParams } from 'vscode-languageserver';
import { pysecRuleIds } from '../actions/hygiene.js';
import { BanditService } from '../bandit/service.js';
import type { Settings } from '../config/schema.js';
import { WorkspaceFolders } from '../documents/folders.js';
import type { PythonDocument } from '../documents/document.js';
import { DocumentStore } from '../documents/store.js';
import type { Engine } from '../engine/engine.js';
import { ManifestService } from '../manifests/service.js';
import { SettingsService } from '../workspace/settings.js';
import type { ClientSupport } from './client.js';
import { Notices } from './notices.js';
import { PulledUris } from './pulled.js';
import { DocumentView } from './view.js';

/** The engine as it loads: started at process start, concurrently with the client's `initialize` (server.ts). */
export type EngineLoading = Promise<Engine>;

/**
 * The server's state from `initialize` on: the client's capabilities, the
 * workspace folders and their settings, the open documents, the bandit
 * runs. There is none before `initialize` (transport/lifecycle.ts answers
 * every request before it), and it is built once the engine is loaded
 * (what the client sends meanwhile waits in order: `gate.ts`), so the
 * handlers take a session, never a maybe.
 */
export class Session {
  readonly folders = new WorkspaceFolders();
  /** Every folder's settings, kept current (config/ validates, workspace/ reads them from the client). */
  readonly settings: SettingsService;
  readonly documents: DocumentStore;
  readonly bandit: BanditService;
  readonly notices: Notices;
  /** The URIs the client has pulled diagnostics for: those are pushed no more (`pulled.ts`). */
  readonly pulled = new PulledUris();
  /** The open manifests and lock files, and their dependency audit (manifests/). */
  readonly manifests: ManifestService;
  /** The workspace scan running now (`commands/scan.ts`): a new one stops it. */
  scanning: AbortController | undefined;
  private readonly pysecRules: ReadonlySet<string>;

  /**
   * `changed`: a document's findings changed outside a request (a bandit
   * run finished): publish it again.
   */
  static async start(connection: Connection, params: InitializeParams, client: ClientSupport, engine: EngineLoading, changed: (session: Session, doc: PythonDocument) => void): Promise<Session> {
    return new Session(connection, params, client, await engine, changed);
  }

  private constructor(
    readonly connection: Connection,
    params: InitializeParams,
    readonly client: ClientSupport,
    readonly engine: Engine,
    changed: (session: Session, doc: PythonDocument) => void,
  ) {
    const notices = (this.notices = new Notices(connection));
    const settings = (this.settings = new SettingsService(connection, this.folders));
    this.pysecRules = pysecRuleIds(engine.ruleset.byId.keys());
    this.documents = new DocumentStore(
      engine,
      (rule, e) => notices.once(`rule:${rule}`, `pysec: rule ${rule} failed and was skipped: ${String(e)}`),
      (uri) => {
        // The project config's problems (its plugin settings' too) are said even with bandit off.
        for (const p of settings.policyFor(uri).project?.problems ?? []) notices.warnOnce(`config:${p}`, `pysec: ${p}`);
        return settings.enabledFor(uri);
      },
      // A large document's findings, from the worker thread (documents/large.ts).
      (uri, failure) => {
        if (failure) notices.once(`large:${failure}`, `pysec: ${failure}`);
        const doc = this.documents.get(uri);
        if (!doc) return;
        // The worker may have judged its text not Python, or its parse too costly (engine/parse.ts).
        this.sayNotAnalysed(doc);
        changed(this, doc);
      },
      // The modules a document imports are looked for in the workspace folders (documents/project.ts).
      () => this.folders.all(),
    );
    this.manifests = new ManifestService({
      settingsFor: (uri) => settings.settingsFor(uri),
      policyFor: (uri) => settings.policyFor(uri),
      folderFor: (uri) => this.folders.folderFor(uri),
      rules: () => engine.ruleset.byId,
      warnOnce: (key, message) => notices.warnOnce(key, message),
      logOnce: (key, message) => notices.once(key, message),
    });
    this.folders.initialize(params);
    settings.initialize(params, engine.ruleset.rules);
    this.bandit = new BanditService({
      projectConfig: (file, folder, configFile) => settings.projectConfig(file, folder, configFile),
      settingsFor: (uri) => {
        const policy = settings.policyFor(uri);
        return { ...policy.settings.bandit, ignoreNosec: policy.settings.ignoreNosec, excluded: policy.excluded };
      },
      folderFor: (uri) => this.folders.folderFor(uri),
      document: (uri) => this.documents.get(uri),
      rules: () => engine.ruleset.byId,
      changed: (uri) => {
        const doc = this.documents.get(uri);
        if (doc) changed(this, doc);
      },
      warnOnce: (key, message) => notices.warnOnce(key, message),
      log: (message) => notices.log(message),
      // One pool for the whole server: the first workspace folder's setting (else the global one).
      maxProcesses: () => settings.settingsFor(pathToFileURL(this.folders.all()[0] ?? '/').href).bandit.maxProcesses,
    });
  }

  /** A document under its folder's settings, for one answer (`view.ts`). */
  /**
   * A document that is not analysed (binary: files/decode.ts; or its parse
   * judged: engine/parse.ts) is said once per file, whichever thread judged it.
   */
  sayNotAnalysed(doc: PythonDocument): void {
    const why = doc.notAnalysedBecause;
    if (why) this.notices.warnOnce(`binary:${doc.uri}`, `pysec: ${doc.uri} ${why}.`);
  }

  view(doc: PythonDocument): DocumentView {
    return new DocumentView(doc, {
      policy: this.settings.policyFor(doc.uri),
      encoding: this.client.encoding,
      edits: this.client.edits,
      rules: this.engine.ruleset.byId,
      pysecRules: this.pysecRules,
      log: (message) => this.notices.log(message),
    });
  }

  /** The settings of a file or a workspace folder, by path. */
  settingsAt(path: string): Settings {
    return this.settings.settingsFor(pathToFileURL(path).href);
  }
}
