import { findProjectRoot, loadProjectConfig, type ProjectBanditConfig } from '../bandit/project-config.js';
import type { Engine } from '../engine/engine.js';
import type { BanditChoice, BanditRun } from './bandit.js';
import { syntaxError, type FileError, type FileResult } from './file.js';
import { reviewFiles } from './review.js';

/** Whether bandit ran over the files, which one, or why not: the report says it. */
export type BanditStatus =
  | { ran: true; version: string; command: string }
  | { ran: false; reason: string };

export interface CollectOptions {
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

/** The whole review at once: what `check` and `report` print. */
export interface Review {
  /** In the files' order. */
  results: FileResult[];
  /** The files the tree-sitter engine could not read or parse in full (in the files' order), then those bandit could not check. */
  errors: FileError[];
  bandit: BanditStatus;
  /** The bandit that ran, when one did (`check` runs it again on a few files: check/hygiene.ts). */
  banditRun?: BanditRun;
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
 * The review of `check` and `report`: `reviewFiles` over the files with one
 * bandit for all (asked for once, when the first project starts, or at the
 * end when there is none: the report names it either way), collected.
 */
export async function reviewAll(engine: Engine, files: readonly string[], options: CollectOptions): Promise<Review> {
  const configOf = options.projectConfig ?? projectConfigs(options.cwd, options.warn);
  const reviewed: (FileResult | FileError | undefined)[] = new Array(files.length);
  const banditErrors: FileError[] = [];
  let bandit: BanditStatus = { ran: false, reason: '--no-bandit was given' };
  let banditRun: BanditRun | undefined;
  let chosen: Promise<BanditRun | undefined> | undefined;
  const choose = async (pick: () => Promise<BanditChoice>): Promise<BanditRun | undefined> => {
    const choice = await pick();
    if ('reason' in choice) {
      options.warn(`${choice.reason}: tree-sitter rules only.${options.banditHint ? ` ${options.banditHint}` : ''}`);
      bandit = { ran: false, reason: choice.reason };
      return undefined;
    }
    banditRun = { cmd: choice.cmd, version: choice.version, timeoutMs: options.timeoutMs ?? 300_000 };
    bandit = { ran: true, version: choice.version.text, command: [choice.cmd.program, ...choice.cmd.args].join(' ') };
    return banditRun;
  };
  const pick = options.bandit;
  const banditFor = pick ? () => (chosen ??= choose(pick)) : undefined;
  await reviewFiles(engine, files, {
    configOf: (path) => configOf(path),
    ...(banditFor ? { bandit: banditFor } : {}),
    onFile: (outcome, index) => {
      reviewed[index] = outcome;
    },
    onBanditError: (e) => banditErrors.push(e),
  });
  await banditFor?.();
  const results: FileResult[] = [];
  const errors: FileError[] = [];
  for (const r of reviewed) {
    if (!r) continue;
    if ('message' in r) errors.push(r);
    else {
      results.push(r);
      const e = syntaxError(r);
      if (e) errors.push(e);
    }
  }
  errors.push(...banditErrors);
  return { results, errors, bandit, ...(banditRun ? { banditRun } : {}) };
}
