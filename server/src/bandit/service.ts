import { uriToPath } from '../documents/store.js';
import type { PythonDocument } from '../documents/document.js';
import type { Rule } from '../engine/rule.js';
import { banditFindings } from './convert.js';
import { banditVersion, findBandit, type BanditCommand, type BanditVersion } from './discover.js';
import { configArgs, isExcluded, type ProjectBanditConfig } from './project-config.js';
import { runBandit } from './run.js';

/** The bandit part of the settings (`pysec.bandit.*`). */
export interface BanditRunSettings {
  enabled: boolean;
  path?: string;
  command?: string[];
  configFile?: string;
  idleDelayMs: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  workspaceScan: boolean;
  /** `pysec.ignoreNosec`: bandit runs with `--ignore-nosec` too. */
  ignoreNosec?: boolean;
  /** The document is excluded by the settings: no run. */
  excluded?: boolean;
}

/** What the service needs from the server; it knows nothing of LSP. */
export interface BanditHost {
  settingsFor(uri: string): BanditRunSettings;
  /** The workspace folder holding `uri`, as a path. */
  folderFor(uri: string): string | undefined;
  document(uri: string): PythonDocument | undefined;
  /** The project's bandit config for a file, from the cache both engines share. */
  projectConfig(file: string, folder: string | undefined, configFile: string | undefined): ProjectBanditConfig;
  rules(): ReadonlyMap<string, Rule>;
  /** Findings of `uri` changed: publish again. */
  changed(uri: string): void;
  /** A problem the user must hear about: said once per `key`. */
  warnOnce(key: string, message: string): void;
  log(message: string): void;
}

export type RunReason = 'open' | 'save' | 'idle' | 'timer' | 'config' | 'command';

interface DocState {
  controller?: AbortController;
  idle?: ReturnType<typeof setTimeout>;
  /** The revision the last finished run read. */
  ranAt: number;
  /** Resolves when the current run is over (tests and the scan wait on it). */
  running?: Promise<void>;
}

/**
 * Runs the real bandit on open documents: on open, on save, after an idle
 * period following changes, and every N seconds for documents changed since
 * their last run. One run per document at a time: a newer run kills the
 * older process. Without bandit, says so once and leaves the tree-sitter
 * engine to work alone.
 */
export class BanditService {
  private readonly docs = new Map<string, DocState>();
  private timer?: ReturnType<typeof setInterval>;
  private timerSeconds = 0;
  /** Child processes alive now, by document (for tests and shutdown). */
  readonly active = new Map<string, number>();

  constructor(private readonly host: BanditHost) {}

  /** The project config for a file (the host caches it), with what is wrong in it said once. */
  projectConfig(file: string, folder: string | undefined, configFile: string | undefined): ProjectBanditConfig {
    const cfg = this.host.projectConfig(file, folder, configFile);
    for (const p of cfg.problems) this.host.warnOnce(`config:${p}`, `pysec: ${p}`);
    return cfg;
  }

  onOpen(doc: PythonDocument): void {
    this.updateTimer(doc.uri);
    void this.run(doc.uri, 'open');
  }

  onSave(uri: string): void {
    void this.run(uri, 'save');
  }

  onChange(doc: PythonDocument): void {
    const settings = this.host.settingsFor(doc.uri);
    if (!settings.enabled) return;
    const st = this.state(doc.uri);
    if (st.idle) clearTimeout(st.idle);
    st.idle = setTimeout(() => {
      st.idle = undefined;
      void this.run(doc.uri, 'idle');
    }, settings.idleDelayMs);
  }

  onClose(uri: string): void {
    const st = this.docs.get(uri);
    if (!st) return;
    if (st.idle) clearTimeout(st.idle);
    st.controller?.abort();
    this.docs.delete(uri);
  }

  /** Re-runs every open document (settings or project config changed). */
  rerunAll(uris: readonly string[]): void {
    for (const uri of uris) {
      this.updateTimer(uri);
      void this.run(uri, 'config');
    }
  }

  /** Waits for the document's current run, if any (used by `pysec.runBandit` and tests). */
  async settled(uri: string): Promise<void> {
    await this.docs.get(uri)?.running;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const uri of [...this.docs.keys()]) this.onClose(uri);
  }

  private state(uri: string): DocState {
    let st = this.docs.get(uri);
    if (!st) {
      st = { ranAt: -1 };
      this.docs.set(uri, st);
    }
    return st;
  }

  /** One interval timer for all documents, at the shortest configured period. */
  private updateTimer(uri: string): void {
    const seconds = this.host.settingsFor(uri).intervalSeconds;
    if (seconds === this.timerSeconds) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.timerSeconds = seconds;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        for (const [u, st] of this.docs) {
          const doc = this.host.document(u);
          if (doc && doc.revision !== st.ranAt && !st.controller) void this.run(u, 'timer');
        }
      }, seconds * 1000);
      this.timer.unref?.();
    }
  }

  /** The bandit for a document or folder (settings of `uri`), or undefined after saying once why not. */
  commandFor(uri: string): Promise<{ cmd: BanditCommand; version: BanditVersion } | undefined> {
    const settings = this.host.settingsFor(uri);
    return settings.enabled ? this.command(uri, settings) : Promise.resolve(undefined);
  }

  /** Resolves the bandit to use for a document, or says once why there is none. */
  private async command(uri: string, settings: BanditRunSettings): Promise<{ cmd: BanditCommand; version: BanditVersion } | undefined> {
    const folder = this.host.folderFor(uri);
    const cmd = findBandit({ path: settings.path, command: settings.command }, folder);
    if (!cmd) {
      this.host.warnOnce(
        'bandit:missing',
        'pysec: bandit was not found (not in pysec.bandit.path, the project\'s .venv/venv, or PATH), so only the as-you-type rules run. ' +
          'Install it with `pipx install bandit`, or `pip install bandit` in the project\'s virtualenv, or set pysec.bandit.path.',
      );
      return undefined;
    }
    try {
      return { cmd, version: await banditVersion(cmd) };
    } catch (e) {
      this.host.warnOnce(
        `bandit:broken:${cmd.program}`,
        `pysec: bandit from ${cmd.origin} does not work (${(e as Error).message}), so only the as-you-type rules run. ` +
          'Reinstall it with `pipx install bandit` or `pip install bandit`, or point pysec.bandit.path at a working one.',
      );
      return undefined;
    }
  }

  private run(uri: string, reason: RunReason): Promise<void> {
    const doc = this.host.document(uri);
    const settings = this.host.settingsFor(uri);
    if (!doc || !settings.enabled || settings.excluded) return Promise.resolve();
    const st = this.state(uri);
    if (st.idle && reason !== 'idle') {
      clearTimeout(st.idle);
      st.idle = undefined;
    }
    // A newer run kills the older process, and starts only once it is gone:
    // never two bandit processes for one document.
    st.controller?.abort();
    const previous = st.running;
    const controller = new AbortController();
    st.controller = controller;
    const running = (async () => {
      await previous;
      if (!controller.signal.aborted) await this.runOnce(doc, settings, controller, reason);
    })().finally(() => {
      if (st.controller === controller) st.controller = undefined;
    });
    st.running = running;
    return running;
  }

  private async runOnce(doc: PythonDocument, settings: BanditRunSettings, controller: AbortController, reason: RunReason): Promise<void> {
    const uri = doc.uri;
    const resolved = await this.command(uri, settings);
    if (!resolved || controller.signal.aborted) return;
    const file = uriToPath(uri);
    const cfg = this.projectConfig(file, this.host.folderFor(uri), settings.configFile);
    if (isExcluded(cfg, file)) return;
    const revision = doc.revision;
    const text = doc.textDocument.getText();
    const key = `${uri}#${revision}`;
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    let outcome;
    try {
      outcome = await runBandit({
        cmd: resolved.cmd,
        version: resolved.version,
        text,
        cwd: cfg.root,
        configArgs: [...configArgs(cfg, resolved.version), ...(settings.ignoreNosec ? ['--ignore-nosec'] : [])],
        timeoutMs: settings.timeoutSeconds * 1000,
        signal: controller.signal,
      });
    } finally {
      const n = (this.active.get(key) ?? 1) - 1;
      if (n > 0) this.active.set(key, n);
      else this.active.delete(key);
    }
    switch (outcome.kind) {
      case 'cancelled':
        return;
      case 'timeout':
        this.host.warnOnce(
          'bandit:timeout',
          `pysec: bandit took longer than ${settings.timeoutSeconds} s on ${file} and was stopped; its last findings stay. Raise pysec.bandit.timeoutSeconds if your files need longer.`,
        );
        return;
      case 'error':
        this.host.warnOnce(`bandit:error:${outcome.message.slice(0, 80)}`, `pysec: ${outcome.message}; the last good bandit findings stay.`);
        return;
      case 'ok': {
        for (const e of outcome.report.errors) this.host.log(`pysec: bandit could not analyse ${file} (${reason} run): ${e.reason}`);
        if (outcome.report.errors.length > 0 && outcome.report.results.length === 0) return;
        const current = this.host.document(uri);
        if (current !== doc) return;
        const findings = banditFindings(outcome.report.results, text, this.host.rules());
        if (doc.setBanditFindings(revision, findings)) {
          this.state(uri).ranAt = revision;
          this.host.changed(uri);
        }
      }
    }
  }
}
