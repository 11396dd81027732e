import { isExcluded, type ProjectBanditConfig } from '../bandit/project-config.js';
import { banditIdentity, runInputs, type KeyInput } from '../cache/key.js';
import { ResultStore } from '../cache/store.js';
import type { Engine } from '../engine/engine.js';
import { VERSION } from '../version.js';
import type { BanditChoice, BanditRun } from './bandit.js';
import { CachedReview } from './cached.js';
import { projectConfigs } from './configs.js';

export { projectConfigs } from './configs.js';
import type { FileError, FileResult } from './file.js';
import { syntaxError } from './syntax-error-note.js';
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
  /** The result cache to answer unchanged files from and store the others in (batch/cached.ts); none: every file reviewed. */
  cache?: CacheOptions;
}

export interface CacheOptions {
  /** The cache folder (cache/location.ts). */
  dir: string;
  /** It is one of the user cache's folders: the oldest others are removed beyond a bound. */
  evictSiblings?: boolean;
  /** More inputs every file's key depends on (the advisory database's stamp, say). */
  extra?: readonly KeyInput[];
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
  /** The result cache, when one was used: its counts, and where `check` stores the hygiene; the caller saves it. */
  cache?: CachedReview;
}

/**
 * The review of `check` and `report`: `reviewFiles` over the files with one
 * bandit for all (asked for once, when the first project starts, or at the
 * end when there is none: the report names it either way), collected.
 */
export async function reviewAll(engine: Engine | (() => Promise<Engine>), files: readonly string[], options: CollectOptions): Promise<Review> {
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
  let todo = files.map((path, index) => ({ path, index }));
  let cache: CachedReview | undefined;
  if (options.cache) {
    // bandit's identity is part of every key: asked for before the first lookup.
    const run = await banditFor?.();
    const store = ResultStore.open(options.cache.dir, { evictSiblings: options.cache.evictSiblings ?? false });
    cache = new CachedReview(store, runInputs(VERSION, run ? banditIdentity(run.cmd, run.version.text) : null, options.cache.extra), configOf);
    const c = cache;
    // Excluded files are left out as reviewFiles leaves them out; an unchanged file is answered here, without parsing.
    todo = todo.filter(({ path, index }) => {
      if (isExcluded(configOf(path), path)) return false;
      const hit = c.lookup(path);
      if (hit) reviewed[index] = hit;
      return !hit;
    });
  }
  if (todo.length) {
    await reviewFiles(typeof engine === 'function' ? await engine() : engine, todo.map((t) => t.path), {
      configOf: (path) => configOf(path),
      ...(banditFor ? { bandit: banditFor } : {}),
      onFile: (outcome, k) => {
        reviewed[todo[k].index] = outcome;
      },
      onBanditError: (e) => banditErrors.push(e),
    });
  }
  await banditFor?.();
  if (cache) {
    // A file bandit could not check is not stored: the next run asks bandit again.
    const banditFailed = new Set(banditErrors.map((e) => e.path));
    for (const { index } of todo) {
      const r = reviewed[index];
      if (r && !('message' in r) && !banditFailed.has(r.path)) cache.record(r);
    }
  }
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
  return { results, errors, bandit, ...(banditRun ? { banditRun } : {}), ...(cache ? { cache } : {}) };
}
