import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine/engine.js';
import { banditFindings } from '../bandit/convert.js';
import { banditVersion, findBandit, type BanditCommand, type BanditVersion } from '../bandit/discover.js';
import { runBanditOnFiles } from '../bandit/batch.js';
import { configArgs, findProjectRoot, loadProjectConfig, type ProjectBanditConfig } from '../bandit/project-config.js';
import type { Finding } from '../findings/finding.js';
import { gradeByParsing, mergeGraded } from '../grading/merged.js';
import { checkInPool } from './pooled.js';
import type { FileError, FileResult } from './run.js';

/** Whether bandit ran over the files, which one, or why not: the report says it. */
export type BanditStatus =
  | { ran: true; version: string; command: string }
  | { ran: false; reason: string };

/** A resolved bandit, or the reason there is none. */
export type BanditChoice = { cmd: BanditCommand; version: BanditVersion } | { reason: string };

export interface ReviewOptions {
  /** The bandit to run, or false (`--no-bandit`). */
  bandit: false | (() => Promise<BanditChoice>);
  /** Where project roots are looked for from (the CLI's working folder). */
  cwd: string;
  /** bandit's project config for a file; default: the nearest project root's. */
  projectConfig?: (path: string) => ProjectBanditConfig;
  warn: (message: string) => void;
  /** Appended to the warning when bandit cannot run (the CLI says how to install it, or to pass --no-bandit). */
  banditHint?: string;
  timeoutMs?: number;
}

export interface Review {
  results: FileResult[];
  errors: FileError[];
  bandit: BanditStatus;
  /** The bandit that ran, when one did (`check` runs it again on a few files: check/hygiene.ts). */
  banditRun?: BanditRun;
}

/** A bandit that ran over the review's files, and its time limit. */
export interface BanditRun {
  cmd: BanditCommand;
  version: BanditVersion;
  timeoutMs: number;
}

/**
 * bandit's project config for each file, read once per project root (the
 * nearest folder with a `.bandit` or `[tool.bandit]`, up to `cwd`); each
 * config's problems said once through `warn`.
 */
export function projectConfigs(cwd: string, warn: (message: string) => void): (path: string) => ProjectBanditConfig {
  const configs = new Map<string, ProjectBanditConfig>();
  return (path: string) => {
    const root = findProjectRoot(path, cwd);
    let cfg = configs.get(root);
    if (!cfg) {
      cfg = loadProjectConfig(root);
      for (const p of cfg.problems) warn(p);
      configs.set(root, cfg);
    }
    return cfg;
  };
}

/**
 * The CLI's bandit: the project's .venv/venv or PATH (never a path from a
 * workspace file), with its version.
 */
export const CLI_BANDIT_HINT = 'Install it with `pipx install bandit`, or pass --no-bandit.';

export async function findCliBandit(cwd: string): Promise<BanditChoice> {
  const cmd = findBandit({}, cwd);
  if (!cmd) return { reason: "bandit was not found (the project's .venv/venv or PATH)" };
  try {
    return { cmd, version: await banditVersion(cmd) };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

/**
 * `check`'s review of files, shared with `report`: the tree-sitter rules
 * over each file under its project's bandit config (skips, tests,
 * excludes), then the real bandit over the same files, merged.
 */
export async function reviewFiles(engine: Engine, files: readonly string[], options: ReviewOptions): Promise<Review> {
  const results: FileResult[] = [];
  const errors: FileError[] = [];
  const configOf = options.projectConfig ?? projectConfigs(options.cwd, options.warn);
  // The tree-sitter rules on every core (check/pool.ts), results in the files' order.
  for (const r of await checkInPool(engine, files, configOf)) {
    if ('message' in r) errors.push(r);
    else results.push(r);
  }
  let bandit: BanditStatus = { ran: false, reason: '--no-bandit was given' };
  let banditRun: BanditRun | undefined;
  if (options.bandit) {
    const choice = await options.bandit();
    if ('reason' in choice) {
      options.warn(`${choice.reason}: tree-sitter rules only.${options.banditHint ? ` ${options.banditHint}` : ''}`);
      bandit = { ran: false, reason: choice.reason };
    } else {
      banditRun = { cmd: choice.cmd, version: choice.version, timeoutMs: options.timeoutMs ?? 300_000 };
      await addBandit(results, errors, configOf, engine, banditRun);
      bandit = { ran: true, version: choice.version.text, command: [choice.cmd.program, ...choice.cmd.args].join(' ') };
    }
  }
  return { results, errors, bandit, ...(banditRun ? { banditRun } : {}) };
}

/**
 * Runs the real bandit over the files (per project root, with its config)
 * and merges its findings: one per rule and line, bandit's wording.
 */
async function addBandit(
  results: FileResult[],
  errors: FileError[],
  configOf: (path: string) => ProjectBanditConfig,
  engine: Engine,
  run: BanditRun,
): Promise<void> {
  const outcome = await banditOver(results, configOf, engine, run);
  errors.push(...outcome.errors);
  for (const [r, found] of outcome.found) {
    const doc = TextDocument.create(r.path, 'python', 0, r.text);
    r.findings = mergeGraded(r.findings, found, (o) => doc.positionAt(o).line, (rest) => gradeByParsing(engine, r.path, r.text, rest));
  }
}

/**
 * bandit's findings for each of `results` (by project root, each with its
 * config; `extraArgs` after the config's, such as `--ignore-nosec`), and
 * the files it could not check. Changes nothing.
 */
export async function banditOver(
  results: readonly FileResult[],
  configOf: (path: string) => ProjectBanditConfig,
  engine: Engine,
  { cmd, version, timeoutMs }: BanditRun,
  extraArgs: readonly string[] = [],
): Promise<{ found: Map<FileResult, Finding[]>; errors: FileError[] }> {
  const found = new Map<FileResult, Finding[]>();
  const errors: FileError[] = [];
  const byRoot = new Map<string, FileResult[]>();
  for (const r of results) {
    const root = configOf(r.path).root;
    byRoot.set(root, [...(byRoot.get(root) ?? []), r]);
  }
  for (const [root, group] of byRoot) {
    const cfg = configOf(group[0].path);
    const byAbs = new Map(group.map((r) => [resolve(r.path), r]));
    const outcome = await runBanditOnFiles({ cmd, version, files: [...byAbs.keys()], cwd: root, configArgs: [...configArgs(cfg, version), ...extraArgs], timeoutMs });
    for (const e of outcome.errors) errors.push({ path: byAbs.get(resolve(root, e.path))?.path ?? e.path, message: e.message });
    for (const [file, res] of outcome.results) {
      const r = byAbs.get(resolve(root, file));
      if (r) found.set(r, banditFindings(res, r.text, engine.ruleset.byId));
    }
  }
  return { found, errors };
}
