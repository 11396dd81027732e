import { availableParallelism } from 'node:os';
import { execa } from 'execa';
import type { BanditCommand, BanditVersion } from './discover.js';
import { parseBanditOutput, type BanditResult } from './output.js';

export interface BatchRequest {
  cmd: BanditCommand;
  version: BanditVersion;
  /** Absolute paths: bandit reports them as given. */
  files: readonly string[];
  cwd: string;
  configArgs: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of files done so far. */
  progress?: (done: number, total: number) => void;
  /** Files per bandit process (default: enough to keep every core busy, at most 200). */
  batchSize?: number;
}

export interface BatchOutcome {
  results: Map<string, BanditResult[]>;
  /** Files bandit could not analyse (syntax errors, unreadable), and failed batches. */
  errors: { path: string; message: string }[];
  cancelled: boolean;
}

/**
 * bandit over many files on disk: batches run in parallel, one process per
 * core, each with the project's config. A batch that fails is reported for
 * its files and the others go on.
 */
export async function runBanditOnFiles(req: BatchRequest): Promise<BatchOutcome> {
  const out: BatchOutcome = { results: new Map(), errors: [], cancelled: false };
  const cores = Math.max(1, availableParallelism());
  const size = req.batchSize ?? Math.max(1, Math.min(200, Math.ceil(req.files.length / cores)));
  const batches: string[][] = [];
  for (let i = 0; i < req.files.length; i += size) batches.push(req.files.slice(i, i + size));
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < batches.length && !req.signal?.aborted) {
      const batch = batches[next++];
      await runBatch(req, batch, out);
      done += batch.length;
      req.progress?.(done, req.files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(cores, batches.length) }, worker));
  out.cancelled = req.signal?.aborted ?? false;
  return out;
}

async function runBatch(req: BatchRequest, files: string[], out: BatchOutcome): Promise<void> {
  const r = await execa(req.cmd.program, [...req.cmd.args, '-q', '-f', 'json', ...req.configArgs, ...files], {
    cwd: req.cwd,
    shell: false,
    reject: false,
    stdin: 'ignore',
    timeout: req.timeoutMs,
    cancelSignal: req.signal,
    forceKillAfterDelay: 2_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.isCanceled) return;
  const fail = (message: string) => {
    for (const f of files) out.errors.push({ path: f, message });
  };
  if (r.timedOut) return fail(`bandit took longer than ${Math.round(req.timeoutMs / 1000)} s on this batch and was stopped`);
  if (r.exitCode !== 0 && r.exitCode !== 1) {
    const err = r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    return fail(`bandit failed (${r.exitCode === undefined ? r.shortMessage : `exit code ${r.exitCode}`})${err ? `: ${err}` : ''}`);
  }
  const parsed = parseBanditOutput(r.stdout);
  if ('error' in parsed) return fail(parsed.error);
  for (const e of parsed.report.errors) out.errors.push({ path: e.filename, message: `bandit: ${e.reason}` });
  for (const f of files) if (!out.results.has(f)) out.results.set(f, []);
  for (const res of parsed.report.results) {
    const list = out.results.get(res.filename) ?? [];
    list.push(res);
    out.results.set(res.filename, list);
  }
}
