import { resolve } from 'node:path';
import { HYGIENE_RULES } from '../suppress/hygiene.js';
import {
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  type ClientCapabilities,
  type Connection,
  type DidChangeConfigurationParams,
  type InitializeParams,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { findProjectRoot, loadProjectConfig, type ProjectBanditConfig } from '../bandit/project-config.js';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import { buildPolicy, type Policy } from '../config/policy.js';
import type { Problem } from '../config/parse.js';
import { resolveSettings, type SettingsSources } from '../config/resolve.js';
import type { RuleRef } from '../config/rules.js';
import { SECTION, type Settings } from '../config/schema.js';
import type { WorkspaceFolders } from '../documents/folders.js';
import { uriToPath } from '../files/uri.js';
import type { Rule, RuleSelection } from '../engine/rule.js';
import { BANDIT_ID_BY_NAME, BANDIT_IDS } from '../suppress/bandit-tests.js';
import { parseYaml } from '../bandit/yaml.js';

/** What changed, for the server to act on: re-run and re-publish. */
export interface SettingsChange {
  /** Whether the rules that run for this document changed (its analysis must start over). */
  rerun(uri: string): boolean;
  /** Whether what bandit runs with changed for this document (its settings or its project config). */
  banditChanged(uri: string): boolean;
}

/** How long the first `workspace/configuration` may take before documents are published with what is known. */
const FIRST_CONFIGURATION_TIMEOUT_MS = 3000;

/**
 * The settings of every workspace folder, kept current: read from
 * `initializationOptions`, from `workspace/configuration` (section `pysec`,
 * once without a scope and once per folder, when the client supports it),
 * and again on `workspace/didChangeConfiguration` and when folders come and
 * go. Each change is validated (a bad value: one warning naming it, and its
 * default) and announced to listeners once, for every open document at once.
 *
 * Owns the folder list's updates (`WorkspaceFolders`, shared with the bandit
 * service) and the project bandit configurations' cache for the tree-sitter
 * side's rule selection.
 */
export class SettingsService {
  private capabilities: ClientCapabilities = {};
  private sources: { initializationOptions?: unknown; changed?: unknown; global?: unknown } = {};
  /** `workspace/configuration` answers per folder path. */
  private folderAnswers = new Map<string, unknown>();
  /** Folder path → the URI the client named it by (for `scopeUri`). */
  private folderUris = new Map<string, string>();
  private global: Settings = DEFAULT_SETTINGS;
  private byFolder = new Map<string, Settings>();
  /** The settings before the last recompute, and whether project configs were re-read since the last change. */
  private previous: { global: Settings; byFolder: Map<string, Settings> } = { global: DEFAULT_SETTINGS, byFolder: new Map() };
  private projectsReread = false;
  private rules: readonly RuleRef[] = [];
  private known: (idOrName: string) => boolean = () => true;
  private ruleNames: () => Iterable<string> = () => [];
  private readonly projects = new Map<string, ProjectBanditConfig>();
  private readonly policies = new Map<string, Policy>();
  /** The rule selection each document's analysis was built with. */
  private readonly analysedWith = new Map<string, string>();
  private readonly listeners: ((change: SettingsChange) => void)[] = [];
  private shown = new Set<string>();
  private fetchGeneration = 0;
  /** The last `workspace/configuration` round trip started (the one whose answer counts). */
  private latestFetch: Promise<void> = Promise.resolve();
  private isReady = false;
  private markReady!: () => void;
  /** Resolves once the first settings are known (at once for clients without `workspace/configuration`). */
  readonly ready: Promise<void> = new Promise((r) => (this.markReady = r));

  constructor(
    private readonly connection: Connection,
    private readonly folders: WorkspaceFolders,
  ) {}

  /** In `onInitialize`, after `folders.initialize(params)`, with the engine's rules. */
  initialize(params: InitializeParams, rules: readonly Rule[]): void {
    this.capabilities = params.capabilities;
    this.rules = rules.map((r) => ({ id: r.id, name: r.name }));
    // Rules, and the suppression-hygiene codes (PSN001…), which overrides and `rules.ignore` may name too.
    const ours = new Set([...rules.flatMap((r) => [r.id, r.name]), ...Object.entries(HYGIENE_RULES).flat()]);
    this.known = (s) => ours.has(s) || BANDIT_IDS.has(s) || BANDIT_ID_BY_NAME.has(s);
    this.ruleNames = () => [...ours, ...BANDIT_IDS, ...BANDIT_ID_BY_NAME.keys()];
    for (const f of params.workspaceFolders ?? []) this.folderUris.set(resolve(uriToPath(f.uri)), f.uri);
    if (!params.workspaceFolders && params.rootUri) this.folderUris.set(resolve(uriToPath(params.rootUri)), params.rootUri);
    this.sources.initializationOptions = params.initializationOptions;
    this.recompute();
    if (!this.pullsConfiguration) this.setReady();
  }

  /** In `onInitialized`: registers for configuration changes where the client wants that, and reads the settings. */
  async initialized(): Promise<void> {
    const ws = this.capabilities.workspace;
    if (ws?.didChangeConfiguration?.dynamicRegistration) {
      // Not awaited: a client slow to answer must not hold up reading the settings.
      this.connection.client.register(DidChangeConfigurationNotification.type, { section: SECTION }).catch(() => {
        /* the client sends changes anyway, or never: nothing to do about it */
      });
    }
    if (this.pullsConfiguration) {
      const timer = setTimeout(() => this.setReady(), FIRST_CONFIGURATION_TIMEOUT_MS);
      try {
        await this.fetch();
        // A didChangeConfiguration meanwhile (Neovim sends one right after
        // `initialized`) started a newer fetch, and this one's answer was
        // dropped for it: the first settings are that one's, so wait for it.
        for (let p = this.latestFetch; ; p = this.latestFetch) {
          await p;
          if (p === this.latestFetch) break;
        }
      } finally {
        clearTimeout(timer);
        this.setReady();
      }
    }
  }

  async didChangeConfiguration(params: DidChangeConfigurationParams): Promise<void> {
    this.sources.changed = params?.settings ?? undefined;
    // A cheap moment to read the project's bandit configs again too.
    this.projects.clear();
    this.projectsReread = true;
    if (this.pullsConfiguration) await this.fetch();
    else this.apply();
  }

  /** `workspace/didChangeWorkspaceFolders`, which server.ts listens for from `initialized` on. */
  async didChangeWorkspaceFolders(e: WorkspaceFoldersChangeEvent): Promise<void> {
    this.folders.change(e);
    for (const f of e.removed) {
      const path = resolve(uriToPath(f.uri));
      this.folderUris.delete(path);
      this.folderAnswers.delete(path);
    }
    for (const f of e.added) this.folderUris.set(resolve(uriToPath(f.uri)), f.uri);
    if (this.pullsConfiguration) await this.fetch();
    else this.apply();
  }

  /** A project bandit config file changed on disk (or may have): read them again. */
  projectConfigsChanged(): void {
    this.projects.clear();
    this.projectsReread = true;
    this.apply();
  }

  /** Called with every change of the effective settings (not before the first settings are known). */
  onChange(listener: (change: SettingsChange) => void): void {
    this.listeners.push(listener);
  }

  get isSettled(): boolean {
    return this.isReady;
  }

  /** The effective settings for a document: its workspace folder's, else the global ones. */
  settingsFor(uri: string): Settings {
    return this.lookup(uri, this.byFolder, this.global);
  }

  private lookup(uri: string, byFolder: Map<string, Settings>, global: Settings): Settings {
    const folder = this.folders.folderFor(uri);
    return (folder !== undefined ? byFolder.get(folder) : undefined) ?? global;
  }

  /** Everything the settings decide for a document (cached until the next change). */
  policyFor(uri: string): Policy {
    let p = this.policies.get(uri);
    if (!p) {
      const settings = this.settingsFor(uri);
      const folder = this.folders.folderFor(uri);
      const file = uriToPath(uri);
      p = buildPolicy({ settings, file, folder, project: this.projectFor(file, folder, settings), rules: this.rules });
      this.policies.set(uri, p);
    }
    return p;
  }

  /** The rule selection a document's analysis runs with; remembers it, to know when it must run again. */
  enabledFor(uri: string): RuleSelection {
    const p = this.policyFor(uri);
    this.analysedWith.set(uri, p.selection);
    return p.ruleSelection;
  }

  /** The document was closed: forget what was remembered of it. */
  forget(uri: string): void {
    this.analysedWith.delete(uri);
    this.policies.delete(uri);
  }

  private get pullsConfiguration(): boolean {
    return this.capabilities.workspace?.configuration === true;
  }

  private setReady(): void {
    if (this.isReady) return;
    this.isReady = true;
    this.markReady();
    this.emit();
  }

  private projectFor(file: string, folder: string | undefined, settings: Settings): ProjectBanditConfig | undefined {
    if (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) return undefined; // not a file on disk
    return this.projectConfig(file, folder, settings.bandit.configFile);
  }

  /**
   * The project bandit config for a file on disk, cached until a config file
   * changes (`projectConfigsChanged`): one cache for both engines.
   */
  projectConfig(file: string, folder: string | undefined, configFile: string | undefined): ProjectBanditConfig {
    const root = findProjectRoot(file, folder);
    const key = `${root}\0${configFile ?? ''}`;
    let cfg = this.projects.get(key);
    if (!cfg) {
      cfg = loadProjectConfig(root, configFile, parseYaml);
      this.projects.set(key, cfg);
    }
    return cfg;
  }

  /** Asks the client for the global section and each folder's; applies the answer unless a newer request went out. */
  private fetch(): Promise<void> {
    const p = this.fetchAndApply();
    this.latestFetch = p;
    return p;
  }

  private async fetchAndApply(): Promise<void> {
    const generation = ++this.fetchGeneration;
    const folders = [...this.folderUris];
    let answers: unknown[];
    try {
      answers = await this.connection.workspace.getConfiguration([{ section: SECTION }, ...folders.map(([, uri]) => ({ scopeUri: uri, section: SECTION }))]);
    } catch (e) {
      this.connection.console.warn(`pysec: the client did not answer workspace/configuration (${e instanceof Error ? e.message : String(e)}); using the settings it sent otherwise.`);
      answers = [];
    }
    if (generation !== this.fetchGeneration) return;
    const list = Array.isArray(answers) ? answers : [];
    this.sources.global = list[0];
    this.folderAnswers = new Map(folders.map(([path], i) => [path, list[i + 1]]));
    this.apply();
  }

  /** Recomputes everything and tells the listeners (once the first settings are known). */
  private apply(): void {
    this.recompute();
    if (this.isReady) this.emit();
  }

  private recompute(): void {
    const problems: Problem[] = [];
    const resolveFor = (folder?: unknown) => {
      const sources: SettingsSources = { ...this.sources, folder };
      const r = resolveSettings(sources, { knownRule: this.known, ruleNames: this.ruleNames });
      problems.push(...r.problems);
      return r.settings;
    };
    this.previous = { global: this.global, byFolder: this.byFolder };
    this.global = resolveFor();
    this.byFolder = new Map(this.folders.all().map((path) => [path, resolveFor(this.folderAnswers.get(path))]));
    this.policies.clear();
    this.report(problems);
  }

  private emit(): void {
    const reread = this.projectsReread;
    this.projectsReread = false;
    const { global, byFolder } = this.previous;
    const change: SettingsChange = {
      rerun: (uri) => {
        const before = this.analysedWith.get(uri);
        return before === undefined || before !== this.policyFor(uri).selection;
      },
      banditChanged: (uri) =>
        reread || JSON.stringify(this.lookup(uri, byFolder, global).bandit) !== JSON.stringify(this.settingsFor(uri).bandit),
    };
    for (const l of this.listeners) l(change);
  }

  /**
   * One warning for the problems not already shown (a problem that stays
   * is not repeated on every change; one that goes and comes back is).
   */
  private report(problems: readonly Problem[]): void {
    const messages = [...new Set(problems.map((p) => p.message))];
    const fresh = messages.filter((m) => !this.shown.has(m));
    this.shown = new Set(messages);
    if (fresh.length === 0) return;
    const message =
      fresh.length === 1 ? `pysec settings: ${fresh[0]}` : `pysec settings, ${fresh.length} problems: ${fresh.map((m, i) => `(${i + 1}) ${m}`).join(' ')}`;
    // A notification, never window/showMessageRequest (Neovim 0.7 blocks on it).
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }
}
