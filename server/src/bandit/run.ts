import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExeca, pythonToolOptions, runFolder, type RunFolder } from './python-env.js';
import { atLeast, type BanditCommand, type BanditVersion } from './discover.js';
import { parseBanditOutputInSlices, type BanditReport } from './output.js';
import { readReport, reportArgs } from './report-file.js';

export interface RunRequest {
  cmd: BanditCommand;
  version: BanditVersion;
  /** The buffer's current text: bandit reads it on stdin, never the file on disk. */
  text: string;
  /** `-c pyproject.toml`, `--ini .bandit`, ... */
  configArgs: readonly string[];
  timeoutMs: number;
  /** Aborted when a newer run for the same document starts. */
  signal?: AbortSignal;
}

export type RunOutcome =
  | { kind: 'ok'; report: BanditReport }
  | { kind: 'error'; message: string }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

/** The arguments of one run: how it reports (report-file.ts), the project's config, stdin. */
export function banditArgs(req: Pick<RunRequest, 'cmd' | 'configArgs'>, folder: RunFolder): string[] {
  return [...req.cmd.args, ...reportArgs(folder), ...req.configArgs, '-'];
}

/**
 * Runs bandit once on `text`, in a private empty folder (python-env.ts:
 * nothing from the workspace is imported). bandit ≥ 1.7.3 reads a pipe;
 * older versions seek on stdin and crash on a pipe, so they get a private
 * temp file's descriptor (folder 0700, file 0600, removed afterwards).
 * Never a shell.
 */
export async function runBandit(req: RunRequest): Promise<RunOutcome> {
  const pipe = atLeast(req.version, 1, 7, 3);
  let folder: RunFolder | undefined;
  let fd: number | undefined;
  const { execa } = await loadExeca();
  try {
    folder = runFolder();
    if (!pipe) {
      const file = join(folder.dir, 'buffer.py');
      writeFileSync(file, req.text, { mode: 0o600 });
      fd = openSync(file, 'r');
    }
    const r = await execa(req.cmd.program, banditArgs(req, folder), {
      ...pythonToolOptions(folder.cwd),
      shell: false,
      reject: false,
      timeout: req.timeoutMs,
      cancelSignal: req.signal,
      forceKillAfterDelay: 2_000,
      maxBuffer: 64 * 1024 * 1024,
      stripFinalNewline: false,
      // A file descriptor is handed to the child as is (execa's types list only 0–9).
      ...(pipe ? { input: req.text } : { stdin: fd as unknown as 3 }),
    });
    if (r.isCanceled) return { kind: 'cancelled' };
    if (r.timedOut) return { kind: 'timeout' };
    if (r.isMaxBuffer) return { kind: 'error', message: 'bandit printed more than 64 MB' };
    // 0: nothing found; 1: issues found. Anything else is a failure.
    if (r.exitCode !== 0 && r.exitCode !== 1) {
      const why = r.exitCode === undefined ? r.shortMessage : `exit code ${r.exitCode}${r.signal ? ` (${r.signal})` : ''}`;
      const err = r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300);
      return { kind: 'error', message: `bandit failed: ${why}${err ? `: ${err}` : ''}` };
    }
    const report = readReport(folder, 64 * 1024 * 1024);
    if ('error' in report) return { kind: 'error', message: report.error };
    const parsed = await parseBanditOutputInSlices(report.text);
    if ('error' in parsed) return { kind: 'error', message: parsed.error };
    return { kind: 'ok', report: parsed.report };
  } catch (e) {
    return { kind: 'error', message: `cannot run bandit: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
    folder?.remove();
  }
}
