import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { loadExeca, pythonToolOptions, runFolder } from './python-env.js';

/** How to start bandit: a program and the arguments that come before bandit's own. */
export interface BanditCommand {
  program: string;
  args: string[];
  /** Where it came from, for messages. */
  origin: 'settings' | 'venv' | 'PATH';
}

export interface BanditSettings {
  /** `bandit.path`: an executable. */
  path?: string;
  /** `bandit.command`: an argument list, e.g. `["python3", "-m", "bandit"]`. */
  command?: string[];
  /**
   * `bandit.useProjectVenv`: a bandit inside the workspace (its `.venv`/`venv`,
   * or a `PATH` entry inside it) may run. The user's own settings only: the
   * CLI's `--project-venv`, or the client's settings (never a workspace file).
   */
  useProjectVenv?: boolean;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is `folder` or below it. */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A program looked up on PATH, and the workspace programs the lookup passed over. */
export interface PathLookup {
  found?: string;
  /** Executables of that name in PATH entries inside `refuseUnder` (an activated workspace venv), not used. */
  refused: string[];
}

/**
 * A program name looked up on PATH, the way execvp would (no shell), but
 * only in absolute entries (a relative one would resolve against wherever
 * the program runs) and, given `refuseUnder`, not in entries inside those
 * folders: a workspace's activated `.venv/bin` is the workspace's code.
 */
export function lookupPath(name: string, env: NodeJS.ProcessEnv = process.env, refuseUnder: readonly string[] = []): PathLookup {
  const refused: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    if (!isExecutable(p)) continue;
    if (refuseUnder.some((f) => isInside(p, f))) refused.push(p);
    else return { found: p, refused };
  }
  return { refused };
}

/** A program name looked up on PATH, the way execvp would (no shell). */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  return lookupPath(name, env).found;
}

const VENV_CANDIDATES = ['.venv/bin/bandit', 'venv/bin/bandit', '.venv/Scripts/bandit.exe', 'venv/Scripts/bandit.exe'];

/** Which bandit, and the workspace's own bandit passed over because the settings do not allow it. */
export interface Discovery {
  cmd?: BanditCommand;
  /** An executable inside the workspace that would have run had `useProjectVenv` been set. */
  refused?: string;
}

/**
 * The bandit to use: client settings (never a file inside the workspace),
 * then — only with `useProjectVenv` — the project's `.venv`/`venv`, then
 * PATH (absolute entries; entries inside the workspace only with
 * `useProjectVenv`). A program in the settings is made absolute here: a
 * bare name through the same PATH lookup, a relative path against the
 * workspace folder (bandit itself runs in a private empty folder).
 */
export function discoverBandit(settings: BanditSettings, workspaceRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): Discovery {
  const allow = settings.useProjectVenv === true;
  const refuseUnder = allow || !workspaceRoot ? [] : [workspaceRoot];
  const program = (name: string): { program?: string; refused?: string } => {
    if (isAbsolute(name)) return { program: name };
    if (name.includes('/') || name.includes('\\')) return { program: resolve(workspaceRoot ?? process.cwd(), name) };
    const found = lookupPath(name, env, refuseUnder);
    // Not found: left as it is, so that starting it fails with its own name.
    return found.found ? { program: found.found } : found.refused.length ? { refused: found.refused[0] } : { program: name };
  };
  if (settings.command && settings.command.length > 0) {
    const [name, ...args] = settings.command;
    const p = program(name);
    return p.program ? { cmd: { program: p.program, args, origin: 'settings' } } : { refused: p.refused };
  }
  if (settings.path) {
    const p = program(settings.path);
    return p.program ? { cmd: { program: p.program, args: [], origin: 'settings' } } : { refused: p.refused };
  }
  let refused: string | undefined;
  if (workspaceRoot) {
    for (const rel of VENV_CANDIDATES) {
      const p = join(workspaceRoot, rel);
      if (!isExecutable(p)) continue;
      if (allow) return { cmd: { program: p, args: [], origin: 'venv' } };
      refused ??= p;
    }
  }
  const found = lookupPath('bandit', env, refuseUnder);
  refused ??= found.refused[0];
  return found.found ? { cmd: { program: found.found, args: [], origin: 'PATH' }, ...(refused ? { refused } : {}) } : refused ? { refused } : {};
}

/** {@link discoverBandit}'s command alone. */
export function findBandit(settings: BanditSettings, workspaceRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): BanditCommand | undefined {
  return discoverBandit(settings, workspaceRoot, env).cmd;
}

/** How to let a workspace's own bandit run, for the message that says it was passed over. */
export function projectVenvHint(refused: string, where: 'editor' | 'cli'): string {
  const how = where === 'editor' ? 'set pysec.bandit.useProjectVenv to true in your editor\'s settings' : 'pass --project-venv';
  return `${refused} is inside the workspace and was not run (a repository can ship any program under that name); if you trust this workspace, ${how}.`;
}

export interface BanditVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseVersion(output: string): BanditVersion | undefined {
  const m = /(?<!\d)(\d+)\.(\d+)\.(\d+)/.exec(output.split('\n')[0] ?? '');
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3], text: `${m[1]}.${m[2]}.${m[3]}` };
}

/** `a >= b` for [major, minor, patch]. */
export function atLeast(v: BanditVersion, major: number, minor: number, patch = 0): boolean {
  return v.major !== major ? v.major > major : v.minor !== minor ? v.minor > minor : v.patch >= patch;
}

const versions = new Map<string, Promise<BanditVersion>>();

/**
 * Why a program did not start, in one line: the OS's words for the common
 * cases rather than the process library's two-line message.
 */
function startFailure(r: { code?: string; timedOut: boolean; shortMessage?: string; originalMessage?: string }): string {
  switch (r.code) {
    case 'ENOENT':
      return 'no such file (or, for a script, its interpreter is missing)';
    case 'EACCES':
      return 'permission denied (not executable?)';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
  }
  if (r.timedOut) return 'it did not answer --version in time';
  return (r.originalMessage ?? r.shortMessage ?? 'it did not start').split('\n')[0];
}

/** Runs `bandit --version` once per command line; rejects with a message that says what is wrong. */
export function banditVersion(cmd: BanditCommand, timeoutMs = 20_000): Promise<BanditVersion> {
  const key = JSON.stringify([cmd.program, ...cmd.args]);
  let p = versions.get(key);
  if (!p) {
    p = (async () => {
      const { execa } = await loadExeca();
      const folder = runFolder();
      const r = await execa(cmd.program, [...cmd.args, '--version'], { ...pythonToolOptions(folder.cwd), reject: false, timeout: timeoutMs, stdin: 'ignore', shell: false }).finally(() => folder.remove());
      if (r.failed && r.exitCode === undefined) throw new Error(`cannot run ${[cmd.program, ...cmd.args].join(' ')}: ${startFailure(r)}`);
      const v = parseVersion(r.stdout) ?? parseVersion(r.stderr);
      if (!v) throw new Error(`${[cmd.program, ...cmd.args].join(' ')} --version printed no version (exit ${r.exitCode}): ${(r.stdout || r.stderr).slice(0, 200)}`);
      return v;
    })();
    versions.set(key, p);
  }
  return p;
}
