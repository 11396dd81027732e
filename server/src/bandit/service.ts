import { uriToPath } from '../files/uri.js';
import type { Finding } from '../findings/finding.js';
import type { Rule } from '../engine/rule.js';
import { banditFindings } from './convert.js';
import { availableParallelism } from 'node:os';
import { banditVersion, discoverBandit, projectVenvHint, type BanditCommand, type BanditVersion } from './discover.js';
import type { BatchSlot } from './batch.js';
import { ProcessPool, RETRY_FACTOR, type Urgency } from './pool.js';
import { configArgs, isExcluded, type ProjectBanditConfig } from './project-config.js';
import { runBandit } from './run.js';

/** The bandit part of the settings (`pysec.bandit.*`). */
export interface BanditRunSettings {
  enabled: boolean;
  path?: string;
  command?: string[];
  /** `pysec.bandit.useProjectVenv`: a bandit inside the workspace may run. */
  useProjectVenv?: boolean;
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

/**
 * What the service reads of an open document (documents/document.ts
 * `PythonDocument` is one): its text as of a revision, and where a run's
 * findings go, tagged with the revision the run read.
 */
export interface BanditDocument {
  readonly uri: string;
  readonly revision: number;
  readonly textDocument: { getText(): string };
  setBanditFindings(revision: number, findings: Finding[]): boolean;
}

/** What the service needs from the server; it knows nothing of LSP. */
export interface BanditHost {
  settingsFor(uri: string): BanditRunSettings;
  /** The workspace folder holding `uri`, as a path. */
  folderFor(uri: string): string | undefined;
  document(uri: string): BanditDocument | undefined;
  /** The project's bandit config for a file, from the cache both engines share. */
  projectConfig(file: string, folder: string | undefined, configFile: string | undefined): ProjectBanditConfig;
  rules(): ReadonlyMap<string, Rule>;
  /** Findings of `uri` changed: publish again. */
  changed(uri: string): void;
  /** A problem the user must hear about: said once per `key`. */
  warnOnce(key: string, message: string): void;
  log(message: string): void;
  /** `pysec.bandit.maxProcesses` for the whole server; undefined: one per core. */
  maxProcesses?(): number | undefined;
}

export type RunReason = 'open' | 'save' | 'idle' | 'timer' | 'config' | 'command' | 'commandAll';

/** Where a run waits in the pool: what the user just touched first. */
const URGENCY: Record<RunReason, Urgency> = { save: 'edit', idle: 'edit', command: 'edit', open: 'open', timer: 'later', config: 'later', commandAll: 'later' };

interface DocState {
  idle?: ReturnType<typeof setTimeout>;
  /** The revision the last finished run read. */
  ranAt: number;
  /** The run in progress: the revision it read, and how to stop it. */
  current?: { revision: number; controller: AbortController; done: Promise<void> };
  /** Resolves when what is queued or running for the document now is over (tests and `pysec.runBandit` wait on it). */
  settled?: Promise<void>;
}

/**
 * Runs the real bandit on open documents: on open, on save, after an idle
 * period following changes, and every N seconds for documents changed since
 * their last run. Every run goes through the server's one pool (pool.ts):
 * at most `maxProcesses` bandit processes, the document just edited first.
 * A newer request for a document replaces its queued one, and kills a run
 * in progress that read an older text: never two processes for one
 * document. A run that times out is tried again once, later, with twice
 * the limit; files that fail twice are said in one message when the pool
 * is idle. Without bandit, says so once and leaves the tree-sitter engine
 * to work alone.
 */
export class BanditService {
  private readonly docs = new Map<string, DocState>();
  private timer?: ReturnType<typeof setInterval>;
  private timerSeconds = 0;
  /** Child processes alive now, by document (for tests and shutdown). */
  readonly active = new Map<string, number>();
  /** Every bandit run of the server: documents and the workspace scan. */
  readonly pool: ProcessPool;
  /** Files whose run timed out twice, not yet said; and those already said (each file is named once). */
  private readonly timedOut = new Map<string, number>();
  private readonly saidTimedOut = new Set<string>();

  constructor(private readonly host: BanditHost) {
    this.pool = new ProcessPool(
      () => host.maxProcesses?.() ?? availableParallelism(),
      () => this.sayTimeoutsWhenIdle(),
    );
  }

  /** The project config for a file (the host caches it), with what is wrong in it said once. */
  projectConfig(file: string, folder: string | undefined, configFile: string | undefined): ProjectBanditConfig {
    const cfg = this.host.projectConfig(file, folder, configFile);
    for (const p of cfg.problems) this.host.warnOnce(`config:${p}`, `pysec: ${p}`);
    return cfg;
  }

  onOpen(doc: BanditDocument): void {
    this.updateTimer(doc.uri);
    void this.run(doc.uri, 'open');
  }

  onSave(uri: string): void {
    void this.run(uri, 'save');
  }

  onChange(doc: BanditDocument): void {
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
    st.current?.controller.abort();
    this.docs.delete(uri);
  }

  /** Re-runs every open document (settings or project config changed): a run in progress is stale whatever it read. */
  rerunAll(uris: readonly string[]): void {
    for (const uri of uris) {
      this.updateTimer(uri);
      void this.run(uri, 'config');
    }
  }

  /** `pysec.runBandit`: one document now (first in the queue), or every open one through the queue. */
  runNow(uris: readonly string[], all: boolean): void {
    for (const uri of uris) void this.run(uri, all ? 'commandAll' : 'command');
  }

  /**
   * Why bandit will not run on a document, in words for the user, or
   * undefined when it will (`pysec.runBandit` answers with it: asked
   * explicitly, it says what it did not do).
   */
  async whyNot(uri: string): Promise<string | undefined> {
    if (!this.host.document(uri)) return 'the document is not open';
    const settings = this.host.settingsFor(uri);
    if (!settings.enabled) return 'pysec.bandit.enabled is false';
    if (settings.excluded) return "the file is excluded by pysec.exclude";
    const resolved = await this.resolve(uri, settings);
    if (!resolved.bandit) return (resolved.warning?.message ?? 'no working bandit was found').replace(/^pysec: /, '').replace(/\.$/, '');
    const file = uriToPath(uri);
    if (isExcluded(this.projectConfig(file, this.host.folderFor(uri), settings.configFile), file)) return "the file is excluded by the project's bandit config (exclude_dirs / exclude)";
    return undefined;
  }

  /** A slot of the pool for one batch of the workspace scan (batch.ts): after the documents' runs. */
  readonly scanSlot: BatchSlot = (job) => this.pool.submit({ urgency: 'later', ...job }).then((r) => (r.kind === 'done' ? r.outcome : undefined));

  /** Waits for the document's queued and running work, if any (used by `pysec.runBandit` and tests). */
  async settled(uri: string): Promise<void> {
    for (let p = this.docs.get(uri)?.settled; p; ) {
      await p;
      const next = this.docs.get(uri)?.settled;
      if (next === p) break;
      p = next;
    }
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
          if (doc && doc.revision !== st.ranAt && !st.current) void this.run(u, 'timer');
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
    const r = await this.resolve(uri, settings);
    if (r.warning) this.host.warnOnce(r.warning.key, r.warning.message);
    return r.bandit;
  }

  /** The bandit for a document, and what to say about it: a refused project venv (with or without another bandit), none, a broken one. */
  private async resolve(uri: string, settings: BanditRunSettings): Promise<{ bandit?: { cmd: BanditCommand; version: BanditVersion }; warning?: { key: string; message: string } }> {
    const folder = this.host.folderFor(uri);
    const found = discoverBandit({ path: settings.path, command: settings.command, useProjectVenv: settings.useProjectVenv }, folder);
    const cmd = found.cmd;
    if (found.refused) {
      const warning = { key: `bandit:refused:${found.refused}`, message: `pysec: ${projectVenvHint(found.refused, 'editor')}${cmd ? ` Using ${cmd.program} instead.` : ''}` };
      if (!cmd) return { warning };
      // Said, and another bandit runs.
      this.host.warnOnce(warning.key, warning.message);
    }
    if (!cmd) {
      return {
        warning: {
          key: 'bandit:missing',
          message:
            'pysec: bandit was not found (not in pysec.bandit.path or on PATH; a project\'s .venv/venv only with pysec.bandit.useProjectVenv), so only the as-you-type rules run. ' +
            'Install it with `pipx install bandit`, or set pysec.bandit.path.',
        },
      };
    }
    try {
      return { bandit: { cmd, version: await banditVersion(cmd) } };
    } catch (e) {
      return {
        warning: {
          key: `bandit:broken:${cmd.program}`,
          message:
            `pysec: bandit from ${cmd.origin} does not work (${(e as Error).message}), so only the as-you-type rules run. ` +
            'Reinstall it with `pipx install bandit` or `pip install bandit`, or point pysec.bandit.path at a working one.',
        },
      };
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
    const current = st.current;
    if (current && current.revision === doc.revision && reason !== 'config') {
      // What runs now reads this very text: nothing newer to ask for.
      return current.done;
    }
    // A run of an older text (or of older settings) is stale: killed now.
    current?.controller.abort();
    const queued = this.pool.submit({
      key: uri,
      urgency: URGENCY[reason],
      timeoutMs: settings.timeoutSeconds * 1000,
      run: (signal, timeoutMs) => this.runOnce(uri, reason, signal, timeoutMs),
      timedOut: (o) => o === 'timeout',
    });
    const settled = queued.then((r) => {
      if (r.kind === 'done' && r.outcome === 'timeout') this.timeoutFailed(uri);
    });
    st.settled = settled;
    return settled;
  }

  /** One run of the document's current text, once the pool gives it a slot. `'timeout'` when it took too long. */
  private async runOnce(uri: string, reason: RunReason, signal: AbortSignal, timeoutMs: number): Promise<'timeout' | undefined> {
    const doc = this.host.document(uri);
    const st = this.docs.get(uri);
    if (!doc || !st || signal.aborted) return undefined;
    const settings = this.host.settingsFor(uri);
    if (!settings.enabled || settings.excluded) return undefined;
    // Never two processes for one document: a stale run killed just now ends first.
    await st.current?.done;
    if (signal.aborted || this.docs.get(uri) !== st) return undefined;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let finish!: () => void;
    const current = { revision: doc.revision, controller, done: new Promise<void>((r) => (finish = r)) };
    st.current = current;
    try {
      return await this.runBanditOn(doc, settings, controller.signal, timeoutMs, reason);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (st.current === current) st.current = undefined;
      finish();
    }
  }

  private async runBanditOn(doc: BanditDocument, settings: BanditRunSettings, signal: AbortSignal, timeoutMs: number, reason: RunReason): Promise<'timeout' | undefined> {
    const uri = doc.uri;
    const resolved = await this.command(uri, settings);
    if (!resolved || signal.aborted) return undefined;
    const file = uriToPath(uri);
    const cfg = this.projectConfig(file, this.host.folderFor(uri), settings.configFile);
    if (isExcluded(cfg, file)) return undefined;
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
        configArgs: [...configArgs(cfg, resolved.version), ...(settings.ignoreNosec ? ['--ignore-nosec'] : [])],
        timeoutMs,
        signal,
      });
    } finally {
      const n = (this.active.get(key) ?? 1) - 1;
      if (n > 0) this.active.set(key, n);
      else this.active.delete(key);
    }
    switch (outcome.kind) {
      case 'cancelled':
        return undefined;
      case 'timeout':
        this.host.log(`pysec: bandit took longer than ${Math.round(timeoutMs / 1000)} s on ${file} (${reason} run) and was stopped`);
        return 'timeout';
      case 'error':
        this.host.warnOnce(`bandit:error:${outcome.message.slice(0, 80)}`, `pysec: ${outcome.message}; the last good bandit findings stay.`);
        return undefined;
      case 'ok': {
        for (const e of outcome.report.errors) this.host.log(`pysec: bandit could not analyse ${file} (${reason} run): ${e.reason}`);
        if (outcome.report.errors.length > 0 && outcome.report.results.length === 0) return undefined;
        const current = this.host.document(uri);
        if (current !== doc) return undefined;
        const findings = banditFindings(outcome.report.results, text, this.host.rules());
        if (doc.setBanditFindings(revision, findings)) {
          this.state(uri).ranAt = revision;
          this.host.changed(uri);
        }
        return undefined;
      }
    }
  }

  /** A document's run timed out twice: said when the pool is next idle, with every other such file. */
  private timeoutFailed(uri: string): void {
    const file = uriToPath(uri);
    if (this.saidTimedOut.has(file)) return;
    this.timedOut.set(file, this.host.settingsFor(uri).timeoutSeconds);
    this.sayTimeoutsWhenIdle();
  }

  /** Once the pool has nothing running or queued (checked after the jobs' own callbacks have run). */
  private sayTimeoutsWhenIdle(): void {
    if (this.timedOut.size === 0) return;
    setImmediate(() => {
      if (this.pool.running === 0 && this.pool.queued === 0) this.sayTimeouts();
    });
  }

  private sayTimeouts(): void {
    if (this.timedOut.size === 0) return;
    const files = [...this.timedOut.keys()];
    const seconds = Math.min(...this.timedOut.values());
    this.timedOut.clear();
    for (const f of files) this.saidTimedOut.add(f);
    this.host.warnOnce(
      `bandit:timeout:${files.join('\n')}`,
      `pysec: bandit took longer than ${seconds} s, and again longer than ${seconds * RETRY_FACTOR} s when tried once more, on ${files.length === 1 ? files[0] : `${files.length} files: ${files.join(', ')}`}; ` +
        'it was stopped and their last bandit findings stay. Raise pysec.bandit.timeoutSeconds if your files need longer.',
    );
  }
}
