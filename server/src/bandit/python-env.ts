import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Where and with what environment bandit (or any Python tool) runs, so that
 * nothing from the workspace is imported. Python puts the working folder
 * first on `sys.path` for `python -m bandit` (a workspace's `bandit/`,
 * `yaml.py` or `json.py` would replace the real modules), and a relative
 * `PYTHONPATH` entry resolves against it. So the tool runs in a private
 * empty folder, with `PYTHONSAFEPATH=1` (Python 3.11+: neither the working
 * folder nor the script's folder goes on `sys.path`) and only the absolute
 * entries of `PYTHONPATH`. Not `-I`: it drops the `PYTHONPATH` that a bandit
 * unpacked beside the system Python needs; not `-P`: older Pythons refuse
 * it. The rest of the environment is the user's own and stays.
 * (`sitecustomize.py` and `.pth` files are read from site folders only,
 * which a workspace is not unless its own virtualenv runs.)
 */
export function pythonToolEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONSAFEPATH: '1', PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' };
  if (base.PYTHONPATH !== undefined) {
    const kept = base.PYTHONPATH.split(delimiter).filter((p) => p !== '' && isAbsolute(p));
    if (kept.length) env.PYTHONPATH = kept.join(delimiter);
    else delete env.PYTHONPATH;
  }
  return env;
}

/** A private folder (0700, under TMPDIR) for one run, and inside it the empty working folder the tool runs in. */
export interface RunFolder {
  dir: string;
  cwd: string;
  remove(): void;
}

export function runFolder(): RunFolder {
  const dir = mkdtempSync(join(tmpdir(), 'pysec-'));
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd, { mode: 0o700 });
  return { dir, cwd, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** execa's options for a Python tool: the private working folder and the environment above, nothing inherited besides. */
export function pythonToolOptions(cwd: string): { cwd: string; env: NodeJS.ProcessEnv; extendEnv: false } {
  return { cwd, env: pythonToolEnv(), extendEnv: false };
}

/**
 * execa, loaded when a Python tool first runs: its hundred modules would
 * otherwise load with every `check --no-bandit` and every server start.
 */
export function loadExeca(): Promise<typeof import('execa')> {
  return import('execa');
}
