import { availableParallelism } from 'node:os';
import type { BanditCommand, BanditVersion } from './discover.js';
import { loadExeca, pythonToolOptions, runFolder } from './python-env.js';
import type { BanditResult } from './output.js';
import { readReport, reportArgs } from './report-file.js';

export interface BatchRequest {
  cmd: BanditCommand;
  version: BanditVersion;
  /** Absolute paths: bandit reports them as given. */
  files: readonly string[];
  configArgs: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of files done so far. */
  progress?: (done: number, total: number) => void;
  /** Files per bandit process (default: enough to keep every core busy, at most 200; at most 50 in a slot). */
  batchSize?: number;
  /**
   * Where each batch runs: the server's pool (pool.ts), which limits and
   * orders it with the open documents' runs and tries a batch that timed
   * out once more with a longer limit. Default: one worker per core.
   */
  slot?: BatchSlot;
}

/** A pool's slot for one batch; undefined when the batch was stopped before it ran. */
export type BatchSlot = <T>(job: { timeoutMs: number; run(signal: AbortSignal, timeoutMs: number): Promise<T>; timedOut(outcome: T): boolean; signal?: AbortSignal }) => Promise<T | undefined>;

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
  const size = req.batchSize ?? Math.max(1, Math.min(req.slot ? 50 : 200, Math.ceil(req.files.length / cores)));
  const batches: string[][] = [];
  for (let i = 0; i < req.files.length; i += size) batches.push(req.files.slice(i, i + size));
  let done = 0;
  const finished = (batch: string[]) => {
    done += batch.length;
    req.progress?.(done, req.files.length);
  };
  const slot = req.slot;
  if (slot) {
    // All queued at once: the pool starts them as slots free up.
    await Promise.all(
      batches.map(async (batch) => {
        const r = await slot({
          timeoutMs: req.timeoutMs,
          signal: req.signal,
          run: (signal, timeoutMs) => execBatch(req, batch, signal, timeoutMs).then((result) => ({ result, timeoutMs })),
          timedOut: (o) => o.result.timedOut,
        });
        if (r) await collect(batch, r.result, r.timeoutMs, out);
        finished(batch);
      }),
    );
  } else {
    let next = 0;
    const worker = async () => {
      while (next < batches.length && !req.signal?.aborted) {
        const batch = batches[next++];
        await collect(batch, await execBatch(req, batch, req.signal, req.timeoutMs), req.timeoutMs, out);
        finished(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(cores, batches.length) }, worker));
  }
  out.cancelled = req.signal?.aborted ?? false;
  return out;
}

/** One batch's run: how the process ended and the report it wrote (read before its private folder goes). */
async function execBatch(req: BatchRequest, files: string[], signal: AbortSignal | undefined, timeoutMs: number) {
  // In a private empty folder, files and config by absolute path (python-env.ts: nothing from the workspace is imported).
  const { execa } = await loadExeca();
  const folder = runFolder();
  try {
    const exec = await execa(req.cmd.program, [...req.cmd.args, ...reportArgs(folder), ...req.configArgs, ...files], {
      ...pythonToolOptions(folder.cwd),
      shell: false,
      reject: false,
      stdin: 'ignore',
      timeout: timeoutMs,
      cancelSignal: signal,
      forceKillAfterDelay: 2_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const ended = !exec.isCanceled && !exec.timedOut && (exec.exitCode === 0 || exec.exitCode === 1);
    return { exec, timedOut: exec.timedOut, report: ended ? readReport(folder, 256 * 1024 * 1024) : undefined };
  } finally {
    folder.remove();
  }
}

async function collect(files: string[], run: Awaited<ReturnType<typeof execBatch>>, timeoutMs: number, out: BatchOutcome): Promise<void> {
  const r = run.exec;
  if (r.isCanceled) return;
  const fail = (message: string) => {
    for (const f of files) out.errors.push({ path: f, message });
  };
  if (r.timedOut) return fail(`bandit took longer than ${Math.round(timeoutMs / 1000)} s on this batch and was stopped`);
  if (r.exitCode !== 0 && r.exitCode !== 1) {
    const err = r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    return fail(`bandit failed (${r.exitCode === undefined ? r.shortMessage : `exit code ${r.exitCode}`})${err ? `: ${err}` : ''}`);
  }
  if (!run.report || 'error' in run.report) return fail(run.report?.error ?? 'bandit wrote no report');
  // The report's parser (and zod with it) loads once bandit has answered: `check --no-bandit` loads neither.
  const parsed = await (await import('./output.js')).parseBanditOutputInSlices(run.report.text);
  if ('error' in parsed) return fail(parsed.error);
  for (const e of parsed.report.errors) out.errors.push({ path: e.filename, message: `bandit: ${e.reason}` });
  for (const f of files) if (!out.results.has(f)) out.results.set(f, []);
  for (const res of parsed.report.results) {
    const list = out.results.get(res.filename) ?? [];
    list.push(res);
    out.results.set(res.filename, list);
  }
}
