import { resolve } from 'node:path';
import { banditFindings } from '../bandit/convert.js';
import { banditVersion, findBandit, type BanditCommand, type BanditVersion } from '../bandit/discover.js';
import { runBanditOnFiles } from '../bandit/batch.js';
import type { BanditResult } from '../bandit/output.js';
import { configArgs, type ProjectBanditConfig } from '../bandit/project-config.js';
import type { Engine } from '../engine/engine.js';
import type { Finding } from '../findings/finding.js';
import type { FileError, FileResult } from './file.js';

/** A resolved bandit, or the reason there is none. */
export type BanditChoice = { cmd: BanditCommand; version: BanditVersion } | { reason: string };

/** A bandit to run over a batch of files, and its time limit. */
export interface BanditRun {
  cmd: BanditCommand;
  version: BanditVersion;
  timeoutMs: number;
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

/** What bandit said of one project's files: results by the files' paths as given, and the files it could not check. */
export interface ProjectBanditOutcome {
  results: Map<string, BanditResult[]>;
  errors: FileError[];
}

/**
 * bandit over one project's files, run in its root with its config
 * (`extraArgs` after the config's, such as `--ignore-nosec`). Paths come
 * back as they were given (bandit is handed absolute ones).
 */
export async function banditOverProject(
  run: BanditRun,
  cfg: ProjectBanditConfig,
  files: readonly string[],
  opts: { extraArgs?: readonly string[]; signal?: AbortSignal; progress?: (done: number) => void } = {},
): Promise<ProjectBanditOutcome> {
  const root = cfg.root;
  const given = new Map(files.map((f) => [resolve(f), f]));
  const outcome = await runBanditOnFiles({
    cmd: run.cmd,
    version: run.version,
    files: [...given.keys()],
    cwd: root,
    configArgs: [...configArgs(cfg, run.version), ...(opts.extraArgs ?? [])],
    timeoutMs: run.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.progress ? { progress: opts.progress } : {}),
  });
  const results = new Map<string, BanditResult[]>();
  for (const [file, res] of outcome.results) {
    const path = given.get(resolve(root, file));
    if (path !== undefined) results.set(path, res);
  }
  const errors = outcome.errors.map((e) => ({ path: given.get(resolve(root, e.path)) ?? e.path, message: e.message }));
  return { results, errors };
}

/**
 * bandit's findings for each of `results` (by project root, each with its
 * config; `extraArgs` after the config's), and the files it could not
 * check. Changes nothing. `check` looks again with `--ignore-nosec` through
 * it (check/hygiene.ts).
 */
export async function banditOver(
  results: readonly FileResult[],
  configOf: (path: string) => ProjectBanditConfig,
  engine: Engine,
  run: BanditRun,
  extraArgs: readonly string[] = [],
): Promise<{ found: Map<FileResult, Finding[]>; errors: FileError[] }> {
  const found = new Map<FileResult, Finding[]>();
  const errors: FileError[] = [];
  const byRoot = new Map<string, FileResult[]>();
  for (const r of results) {
    const root = configOf(r.path).root;
    byRoot.set(root, [...(byRoot.get(root) ?? []), r]);
  }
  for (const group of byRoot.values()) {
    const byPath = new Map(group.map((r) => [r.path, r]));
    const outcome = await banditOverProject(run, configOf(group[0].path), [...byPath.keys()], { extraArgs });
    errors.push(...outcome.errors);
    for (const [path, res] of outcome.results) {
      const r = byPath.get(path)!;
      found.set(r, banditFindings(res, r.text, engine.ruleset.byId));
    }
  }
  return { found, errors };
}
