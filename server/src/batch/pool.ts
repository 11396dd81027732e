import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Engine } from '../engine/engine.js';
import { RunProject } from './project.js';
import { checkRecorded, selectionFor, withoutDoc, type CheckOutcome, type CheckTask, type FromWorker, type PoolSelection, type ServeOptions, type ToWorker } from './worker.js';

export type { CheckOutcome };

/** A file for the pool, and which rule selection (an index into `selections`) it is checked with. */
export interface PoolFile {
  path: string;
  selection: number;
  /** Its project root: the modules it imports are looked for there. */
  root?: string;
}

export interface PoolOptions {
  /** Worker threads; default: every core (`os.availableParallelism()`), at most 8 (each holds its own grammar and rules). */
  workers?: number;
  /** Files per message to a worker; default: enough for about four chunks per worker, at most 32. */
  chunk?: number;
  /** Fewer files than this are checked in this thread with `engine` (a worker's start costs more). Default 8. */
  inlineBelow?: number;
  signal?: AbortSignal;
  /** The worker script; tests substitute one that crashes on purpose. */
  workerUrl?: URL;
  /** Extra `workerData` for a substitute script. */
  workerData?: Record<string, unknown>;
  /** Called as files finish (in any order). */
  progress?: (done: number, total: number) => void;
}

/**
 * The built worker entry beside this module; when this module runs from its
 * TypeScript source (vitest), the built one in dist/ (a worker thread is
 * plain node, which cannot load .ts).
 */
const MAX_WORKERS = 8;

const WORKER_MAIN = import.meta.url.endsWith('.ts') ? new URL('../../../dist/batch/worker-main.js', import.meta.url) : new URL('./worker-main.js', import.meta.url);

/**
 * Checks `files` with the tree-sitter engine on every core: a pool of
 * worker threads (worker.ts), each loading the grammar once, fed chunks of
 * files. The outcomes come back in the order of `files`, whatever order the
 * workers finish in, so the output equals a serial run's. A worker that dies
 * (a crash in the grammar, out of memory) costs only the file it was on:
 * that file gets an error outcome, the rest of its chunk goes to a fresh
 * worker. When no worker can start at all (threads unavailable, the
 * grammar missing in the worker's place), the files are checked in this
 * thread instead. `selections[i]`: the rule ids enabled for selection i (or
 * null for every rule), with the project's plugin settings if any. When aborted, files not yet checked come back as
 * "cancelled" errors.
 */
export async function checkFiles(engine: Engine, files: readonly PoolFile[], selections: readonly PoolSelection[], opts: PoolOptions = {}): Promise<CheckOutcome[]> {
  const n = files.length;
  const workers = Math.max(1, Math.min(opts.workers ?? Math.min(availableParallelism(), MAX_WORKERS), n));
  if (n < (opts.inlineBelow ?? 8) || (opts.workers ?? 2) <= 0) return checkInline(engine, files, selections, opts);
  const chunk = Math.max(1, opts.chunk ?? Math.min(32, Math.ceil(n / (workers * 4))));
  return new Promise((resolve, reject) => {
    const outcomes: (CheckOutcome | undefined)[] = new Array(n);
    const queue: number[] = files.map((_, i) => i);
    const live = new Set<Worker>();
    let done = 0;
    let finished = false;

    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of live) void w.terminate();
      live.clear();
      if (error) reject(error);
      else resolve(Array.from(outcomes, (o, i) => o ?? { path: files[i].path, message: 'cancelled' }));
    };
    const onAbort = () => finish();
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) return finish();

    const record = (index: number, outcome: CheckOutcome) => {
      if (outcomes[index]) return;
      outcomes[index] = outcome;
      done++;
      opts.progress?.(done, n);
      if (done === n) finish();
    };

    const spawn = () => {
      const data: ServeOptions & Record<string, unknown> = { ...opts.workerData, selections: [...selections], rules: engine.ruleset.rules };
      const worker = new Worker(opts.workerUrl ?? WORKER_MAIN, { workerData: data });
      live.add(worker);
      /** The files sent to this worker and not yet answered, in the order it checks them. */
      let inFlight: number[] = [];
      let ready = false;
      let failure = '';
      const feed = () => {
        if (queue.length === 0) {
          live.delete(worker);
          void worker.terminate();
          return;
        }
        inFlight = queue.splice(0, chunk);
        const tasks: CheckTask[] = inFlight.map((i) => ({ index: i, path: files[i].path, selection: files[i].selection, ...(files[i].root ? { root: files[i].root } : {}) }));
        worker.postMessage({ tasks } satisfies ToWorker);
      };
      worker.on('message', (msg: FromWorker) => {
        if (finished) return;
        if ('ready' in msg) {
          ready = true;
          feed();
        } else if ('fatal' in msg) {
          failure = msg.fatal;
          void worker.terminate();
        } else if ('chunkDone' in msg) {
          feed();
        } else {
          inFlight = inFlight.filter((i) => i !== msg.index);
          record(msg.index, msg.outcome);
        }
      });
      worker.on('error', (e) => {
        failure = e instanceof Error ? e.message : String(e);
      });
      worker.on('exit', (code) => {
        const wasLive = live.delete(worker);
        if (finished || !wasLive) return;
        const why = failure || `the worker exited with code ${code}`;
        if (!ready) {
          // It never took a file. With no other worker left, this thread does the rest.
          if (live.size === 0) inline();
          return;
        }
        // The first unanswered file is the one it died on; the others go back to the queue.
        const [dead, ...rest] = inFlight;
        inFlight = [];
        queue.unshift(...rest);
        if (dead !== undefined) record(dead, { path: files[dead].path, message: `analysis crashed: ${why}` });
        if (!finished && queue.length > 0) spawn();
      });
    };
    const inline = () => {
      const rest = queue.splice(0);
      const outcomes = checkInline(engine, rest.map((i) => files[i]), selections, { ...opts, progress: undefined });
      rest.forEach((i, k) => record(i, outcomes[k]));
      if (!finished) finish();
    };
    for (let i = 0; i < workers && i * chunk < n; i++) spawn();
  });
}

/** The same, in this thread, one file after another. */
function checkInline(engine: Engine, files: readonly PoolFile[], selections: readonly PoolSelection[], opts: PoolOptions): CheckOutcome[] {
  const enabled = selections.map(selectionFor);
  const project = new RunProject(engine);
  const out: CheckOutcome[] = [];
  for (const f of files) {
    if (opts.signal?.aborted) {
      out.push({ path: f.path, message: 'cancelled' });
      continue;
    }
    if (f.root) project.addRoot(f.root);
    const r = checkRecorded(engine, f.path, enabled[f.selection], project);
    out.push('message' in r ? r : withoutDoc(r));
    opts.progress?.(out.length, files.length);
  }
  return out;
}
