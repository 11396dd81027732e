import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { execa } from 'execa';

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
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A program name looked up on PATH, the way execvp would (no shell). */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

const VENV_CANDIDATES = ['.venv/bin/bandit', 'venv/bin/bandit', '.venv/Scripts/bandit.exe', 'venv/Scripts/bandit.exe'];

/**
 * The bandit to use: client settings (never a file inside the workspace),
 * then the project's `.venv`/`venv`, then PATH. Undefined: none found.
 */
export function findBandit(settings: BanditSettings, workspaceRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): BanditCommand | undefined {
  if (settings.command && settings.command.length > 0) {
    const [program, ...args] = settings.command;
    return { program, args, origin: 'settings' };
  }
  if (settings.path) return { program: settings.path, args: [], origin: 'settings' };
  if (workspaceRoot) {
    for (const rel of VENV_CANDIDATES) {
      const p = join(workspaceRoot, rel);
      if (isExecutable(p)) return { program: p, args: [], origin: 'venv' };
    }
  }
  const p = onPath('bandit', env);
  return p ? { program: p, args: [], origin: 'PATH' } : undefined;
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

/** Runs `bandit --version` once per command line; rejects with a message that says what is wrong. */
export function banditVersion(cmd: BanditCommand, timeoutMs = 20_000): Promise<BanditVersion> {
  const key = JSON.stringify([cmd.program, ...cmd.args]);
  let p = versions.get(key);
  if (!p) {
    p = (async () => {
      const r = await execa(cmd.program, [...cmd.args, '--version'], { reject: false, timeout: timeoutMs, stdin: 'ignore', shell: false });
      if (r.failed && r.exitCode === undefined) {
        throw new Error(`cannot run ${[cmd.program, ...cmd.args].join(' ')}: ${r.shortMessage}`);
      }
      const v = parseVersion(r.stdout) ?? parseVersion(r.stderr);
      if (!v) throw new Error(`${[cmd.program, ...cmd.args].join(' ')} --version printed no version (exit ${r.exitCode}): ${(r.stdout || r.stderr).slice(0, 200)}`);
      return v;
    })();
    versions.set(key, p);
  }
  return p;
}
