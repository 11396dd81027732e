/**
 * The server's bandit pool: at most `size()` runs at once, whatever asks
 * for them (open documents, `pysec.runBandit`, the workspace scan), taken
 * from one queue in the order the user needs them: what was just edited
 * or saved first (newest first), then what was just opened (newest first),
 * then the rest in the order asked. It knows nothing of bandit: a job is a
 * function of a signal and a time limit.
 */

/** Which part of the queue a job waits in. */
export type Urgency = 'edit' | 'open' | 'later';

const RANK: Record<Urgency, number> = { edit: 0, open: 1, later: 2 };

export interface PoolJob<T> {
  /** A queued job with the same key is replaced by this one (it keeps the more urgent place). */
  key?: string;
  urgency: Urgency;
  timeoutMs: number;
  run(signal: AbortSignal, timeoutMs: number): Promise<T>;
  /** Whether an outcome is a time-out: the job is then queued once more, last, with twice the limit. */
  timedOut?(outcome: T): boolean;
  /** Stops the job: removed from the queue, or its signal aborted while it runs. */
  signal?: AbortSignal;
}

export type PoolResult<T> =
  /** `retried`: the first attempt timed out; `outcome` is the second's. */
  | { kind: 'done'; outcome: T; retried: boolean }
  /** Replaced by a newer job of the same key, or stopped, before it ran. */
  | { kind: 'dropped' };

interface Entry {
  key?: string;
  rank: number;
  seq: number;
  timeoutMs: number;
  retried: boolean;
  job: PoolJob<unknown>;
  resolve(r: PoolResult<unknown>): void;
  unlisten?: () => void;
}

/** How much longer the second attempt of a timed-out job may take. */
export const RETRY_FACTOR = 2;

export class ProcessPool {
  private readonly queue: Entry[] = [];
  private seq = 0;
  private active = 0;
  /** The most jobs that ever ran at once (status and tests). */
  peak = 0;

  constructor(
    private readonly size: () => number,
    /** Called whenever the last running job ends with nothing queued. */
    private readonly onIdle: () => void = () => undefined,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  submit<T>(job: PoolJob<T>): Promise<PoolResult<T>> {
    if (job.signal?.aborted) return Promise.resolve({ kind: 'dropped' });
    return new Promise<PoolResult<T>>((resolve) => {
      let rank = RANK[job.urgency];
      if (job.key !== undefined) {
        const i = this.queue.findIndex((e) => e.key === job.key);
        if (i >= 0) {
          const [old] = this.queue.splice(i, 1);
          rank = Math.min(rank, old.rank);
          old.unlisten?.();
          old.resolve({ kind: 'dropped' });
        }
      }
      this.enqueue({ key: job.key, rank, seq: this.seq++, timeoutMs: job.timeoutMs, retried: false, job: job as PoolJob<unknown>, resolve: resolve as Entry['resolve'] });
      this.pump();
    });
  }

  private enqueue(e: Entry): void {
    const signal = e.job.signal;
    if (signal) {
      const onAbort = () => {
        const i = this.queue.indexOf(e);
        if (i < 0) return;
        this.queue.splice(i, 1);
        e.resolve({ kind: 'dropped' });
        this.idleCheck();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      e.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    this.queue.push(e);
  }

  /** The next job: the lowest rank; newest first for edits and opens, oldest first for the rest. */
  private next(): Entry | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (best < 0) {
        best = i;
        continue;
      }
      const b = this.queue[best];
      if (e.rank !== b.rank ? e.rank < b.rank : e.rank === RANK.later ? e.seq < b.seq : e.seq > b.seq) best = i;
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  private pump(): void {
    while (this.active < Math.max(1, this.size()) && this.queue.length > 0) {
      const e = this.next()!;
      e.unlisten?.();
      this.start(e);
    }
  }

  private start(e: Entry): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    const controller = new AbortController();
    const outer = e.job.signal;
    const onAbort = () => controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    let outcome: unknown;
    let failed: unknown;
    void Promise.resolve()
      .then(() => e.job.run(controller.signal, e.timeoutMs))
      .then(
        (o) => (outcome = o),
        (err: unknown) => (failed = err ?? new Error('bandit job failed')),
      )
      .finally(() => {
        outer?.removeEventListener('abort', onAbort);
        this.active--;
        if (failed !== undefined) {
          // A job's own bug must not wedge the pool: it counts as done with nothing.
          e.resolve({ kind: 'dropped' });
        } else if (!e.retried && !outer?.aborted && e.job.timedOut?.(outcome)) {
          // Tried again once, after everything queued now, with a longer limit.
          this.enqueue({ ...e, rank: RANK.later, seq: this.seq++, timeoutMs: e.timeoutMs * RETRY_FACTOR, retried: true });
        } else {
          e.resolve({ kind: 'done', outcome, retried: e.retried });
        }
        this.pump();
        this.idleCheck();
      });
  }

  private idleCheck(): void {
    if (this.active === 0 && this.queue.length === 0) this.onIdle();
  }
}
