/**
 * Runs a real editor headless on a Python file with one of the end-to-end
 * drivers (test/editors/neovim/init.lua, test/editors/emacs/*-e2e.el), with
 * the setup file a user loads from editors/, and reads back what the
 * driver saw (a JSON file). Editors run through execa with an argument
 * array (no shell), in a private temporary HOME/XDG tree, so no user
 * configuration is read. The drivers wait on events with their own
 * generous timeout; the execa timeout is only a guard against a hung editor.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT, SERVER_JS } from '../lsp/client.js';

export const EDITORS_DIR = resolve(REPO_ROOT, 'editors');
export const DRIVERS_DIR = resolve(REPO_ROOT, 'test/editors');
const STUB_SERVER = resolve(DRIVERS_DIR, 'stub-server.mjs');

/** The real server, as the drivers start it. */
export const REAL_SERVER = [process.execPath, SERVER_JS, '--stdio'];
/** A server that answers initialize and publishes nothing. */
export const SILENT_SERVER = [process.execPath, STUB_SERVER, 'silent'];
/** A stand-in for the user's main Python server (source "Pyright"). */
export const MAIN_SERVER = [process.execPath, STUB_SERVER, 'main'];

/** The fixture: B307 on line 2. */
export const FIXTURE = 'def run(expr):\n    return eval(expr)\n';
export const SUPPRESSED = 'def run(expr):\n    return eval(expr)  # nosec B307  # justification required\n';

/** Where `bin` is on PATH, else undefined. */
export function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, bin);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Whether tests of `bin` run here. Locally a missing editor skips them (the
 * message says which); in CI (`CI` set, as .ci/run does) it is a failure:
 * .ci/run installs every editor.
 */
export function editorPresent(bin: string): boolean {
  if (which(bin)) return true;
  if (process.env.CI) throw new Error(`${bin} is not installed, and CI must run its end-to-end tests (see .ci/run)`);
  console.warn(`skipping the ${bin} end-to-end tests: ${bin} is not on PATH`);
  return false;
}

export interface DriverRun {
  /** What the driver wrote (its JSON), or undefined when it wrote nothing. */
  result: Record<string, unknown> | undefined;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** The Python file as it is on disk after the run (the drivers never save). */
  fileOnDisk: string;
  /** The project folder (holds pyproject.toml; the file is pkg/app.py below it). */
  project: string;
}

export interface DriverOptions {
  /** Server command the setup under test is pointed at. */
  server: string[];
  /** The main server beside it, if any. */
  main?: string[];
  /** How long the driver waits for the first diagnostics (ms); every other wait may take 30 s. */
  diagnosticsWaitMs?: number;
  /** The file's text (default FIXTURE). */
  fixture?: string;
  /** The file's path in the project (default `pkg/app.py`), such as `requirements.txt`. */
  file?: string;
  /** More environment for the driver. */
  env?: Record<string, string>;
  /** `pysec-lsp` and the stand-ins on PATH first (`commandShims`), as `npm link` would put it. */
  shims?: boolean;
}

/**
 * Runs `bin args…` (args may use `{file}`) in a fresh temporary project
 * (`pyproject.toml`, the fixture in `pkg/app.py`), with HOME, XDG dirs and
 * TMPDIR in the temporary folder too.
 */
export async function runDriver(bin: string, args: string[], setupDir: string, opts: DriverOptions): Promise<DriverRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pysec-e2e-'));
  try {
    const project = join(dir, 'project');
    const home = join(dir, 'home');
    for (const d of [project, home, join(home, '.config'), join(home, '.local/share'), join(home, '.local/state'), join(home, '.cache')]) mkdirSync(d, { recursive: true });
    // A project root marker above the file's folder: the setups must find the root there.
    writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "e2e"\n');
    mkdirSync(join(project, 'pkg'));
    const file = join(project, opts.file ?? join('pkg', 'app.py'));
    writeFileSync(file, opts.fixture ?? FIXTURE);
    const out = join(dir, 'result.json');
    const proc = await execa(bin, args.map((a) => a.replace('{file}', file)), {
      cwd: project,
      env: {
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local/share'),
        XDG_STATE_HOME: join(home, '.local/state'),
        XDG_CACHE_HOME: join(home, '.cache'),
        // Temporary files the setups make go here too, so a test can see they are removed.
        TMPDIR: home,
        PYSEC_E2E_SETUP_DIR: setupDir,
        PYSEC_E2E_CMD: JSON.stringify(opts.server),
        PYSEC_E2E_MAIN_CMD: opts.main ? JSON.stringify(opts.main) : '',
        PYSEC_E2E_FILE: file,
        PYSEC_E2E_OUT: out,
        PYSEC_E2E_TIMEOUT_MS: '30000',
        PYSEC_E2E_DIAGNOSTICS_TIMEOUT_MS: String(opts.diagnosticsWaitMs ?? 30_000),
        ...(opts.shims ? { PATH: `${commandShims(dir)}${delimiter}${process.env.PATH ?? ''}` } : {}),
        ...opts.env,
      },
      extendEnv: true,
      stdin: 'ignore',
      reject: false,
      timeout: 170_000,
    });
    return {
      result: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : undefined,
      exitCode: proc.exitCode,
      stdout: String(proc.stdout),
      stderr: String(proc.stderr),
      fileOnDisk: readFileSync(file, 'utf8'),
      project,
    };
  } finally {
    await removeTempTree(dir);
  }
}

/**
 * Removes a test's temp tree that an editor's language servers may still be
 * writing under as they exit (their logs, pysec's bandit temp folders —
 * TMPDIR is the test's home — and its code cache, written at exit): the
 * whole removal is tried again on ENOTEMPTY, up to 50 times 200 ms apart.
 * Not rmSync's own maxRetries: it retries the folder's rmdir without
 * listing it again, so one file written after the listing fails every retry
 * (a CI run spent its linear back-off, 255 s, on one). Cleanup only.
 */
export async function removeTempTree(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (e) {
      if (attempt >= 50 || (e as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Where scripts/install-editors-sid.sh put Helix and Neovim 0.12 (`$PYSEC_EDITORS_SID_DIR`, default /opt/pysec-editors-sid). */
export const EDITORS_SID_DIR = process.env.PYSEC_EDITORS_SID_DIR || '/opt/pysec-editors-sid';

/**
 * The wrapper of a sid editor (`hx`, `nvim`) if installed, else undefined.
 * Locally a missing one skips its tests (the message says how to install
 * it); in CI it is a failure: .ci/run installs both.
 */
export function sidEditor(bin: 'hx' | 'nvim'): string | undefined {
  const p = join(EDITORS_SID_DIR, 'bin', bin);
  if (existsSync(p)) return p;
  const why = `${p} is missing (scripts/install-editors-sid.sh ${EDITORS_SID_DIR} installs it; PYSEC_EDITORS_SID_DIR names another folder)`;
  if (process.env.CI) throw new Error(`${why}, and CI must run its end-to-end tests (see .ci/run)`);
  console.warn(`skipping the sid ${bin} end-to-end tests: ${why}`);
  return undefined;
}

/**
 * A folder of commands as the README's setups name them, for PATH:
 * `pysec-lsp` runs the built server (what `npm link` puts on PATH), and
 * `pyright-langserver`/`ruff` stand in for the user's main servers
 * (stub-server.mjs `main` and `silent`). Small sh scripts with absolute paths.
 */
export function commandShims(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const shim = (name: string, argv: string[]) => {
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    writeFileSync(join(bin, name), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
  };
  shim('pysec-lsp', [process.execPath, SERVER_JS]);
  shim('pyright-langserver', MAIN_SERVER);
  shim('ruff', [process.execPath, STUB_SERVER, 'silent']);
  return bin;
}
