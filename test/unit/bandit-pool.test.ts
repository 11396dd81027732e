/**
 * The bandit pool (server/src/bandit/pool.ts), with jobs the test finishes
 * by hand: never more than `size` at once; the order (edits newest first,
 * then opens newest first, then the rest oldest first); a newer job of the
 * same key replaces the queued one and keeps the more urgent place; a
 * timed-out job is queued once more, last, with twice the limit; a stopped
 * job leaves the queue; idle is announced.
 */
import { describe, expect, it } from 'vitest';
import { ProcessPool, type PoolResult, type Urgency } from '../../server/src/bandit/pool.js';

/** Lets the pool start what it will (jobs start on a later microtask). */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A job that runs until the test calls `finish(name, outcome)`. */
function harness(size: number) {
  const started: { name: string; timeoutMs: number }[] = [];
  const finishers = new Map<string, (o: string) => void>();
  let idle = 0;
  let running = 0;
  let peak = 0;
  const pool = new ProcessPool(
    () => size,
    () => idle++,
  );
  const submit = (name: string, urgency: Urgency, opts: { key?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<PoolResult<string>> =>
    pool.submit({
      key: opts.key,
      urgency,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs ?? 1000,
      timedOut: (o) => o === 'timeout',
      run: (_signal, timeoutMs) =>
        new Promise<string>((resolve) => {
          started.push({ name, timeoutMs });
          peak = Math.max(peak, ++running);
          finishers.set(name, (o) => {
            running--;
            resolve(o);
          });
        }),
    });
  const finish = async (name: string, outcome = 'ok') => {
    finishers.get(name)!(outcome);
    finishers.delete(name);
    await settle();
  };
  return { pool, submit, finish, started: () => started.map((s) => s.name), limits: () => started, idle: () => idle, peak: () => peak };
}

describe('ProcessPool', () => {
  it('runs at most `size` jobs at once, and says when it is idle', async () => {
    const h = harness(2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((n) => h.submit(n, 'later'));
    await settle();
    expect(h.started()).toEqual(['a', 'b']);
    for (const n of ['a', 'b', 'c', 'd', 'e']) await h.finish(n);
    expect((await Promise.all(all)).map((r) => r.kind)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(h.peak()).toBe(2);
    expect(h.pool.peak).toBe(2);
    expect(h.idle()).toBe(1);
  });

  it('takes edits first (newest first), then opens (newest first), then the rest (oldest first)', async () => {
    const h = harness(1);
    void h.submit('busy', 'later');
    void h.submit('later1', 'later');
    void h.submit('open1', 'open');
    void h.submit('later2', 'later');
    void h.submit('edit1', 'edit');
    void h.submit('open2', 'open');
    void h.submit('edit2', 'edit');
    await settle();
    for (const n of ['busy', 'edit2', 'edit1', 'open2', 'open1', 'later1', 'later2']) await h.finish(n);
    expect(h.started()).toEqual(['busy', 'edit2', 'edit1', 'open2', 'open1', 'later1', 'later2']);
  });

  it('a newer job of the same key replaces the queued one, keeping the more urgent place', async () => {
    const h = harness(1);
    void h.submit('busy', 'later');
    void h.submit('other-open', 'open');
    const first = h.submit('doc-v1', 'open', { key: 'doc' });
    const second = h.submit('doc-v2', 'later', { key: 'doc' });
    expect(await first).toEqual({ kind: 'dropped' });
    await settle();
    await h.finish('busy');
    // doc-v2 took doc-v1's place among the opens, and is the newer open.
    expect(h.started()).toEqual(['busy', 'doc-v2']);
    await h.finish('doc-v2');
    expect(await second).toEqual({ kind: 'done', outcome: 'ok', retried: false });
  });

  it('a job that times out is tried once more, after what is queued, with twice the limit; then its outcome is the second\'s', async () => {
    const h = harness(1);
    const slow = h.submit('slow', 'edit', { timeoutMs: 500 });
    void h.submit('next', 'later');
    await settle();
    await h.finish('slow', 'timeout');
    await h.finish('next');
    await h.finish('slow', 'timeout');
    expect(h.limits()).toEqual([
      { name: 'slow', timeoutMs: 500 },
      { name: 'next', timeoutMs: 1000 },
      { name: 'slow', timeoutMs: 1000 },
    ]);
    expect(await slow).toEqual({ kind: 'done', outcome: 'timeout', retried: true });
    const once = h.submit('once', 'edit', { timeoutMs: 500 });
    await settle();
    await h.finish('once', 'timeout');
    await h.finish('once', 'ok');
    expect(await once).toEqual({ kind: 'done', outcome: 'ok', retried: true });
  });

  it('a job stopped while queued leaves the queue; stopped while it runs, its signal is aborted', async () => {
    const h = harness(1);
    const stopBusy = new AbortController();
    let seen: AbortSignal | undefined;
    const busy = h.pool.submit({
      urgency: 'later',
      timeoutMs: 1,
      signal: stopBusy.signal,
      run: (signal) => {
        seen = signal;
        return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('cancelled')));
      },
    });
    const stop = new AbortController();
    const queued = h.submit('queued', 'edit', { signal: stop.signal });
    await settle();
    expect(h.pool.queued).toBe(1);
    stop.abort();
    expect(await queued).toEqual({ kind: 'dropped' });
    expect(h.pool.queued).toBe(0);
    stopBusy.abort();
    await settle();
    expect(seen?.aborted).toBe(true);
    expect(await busy).toEqual({ kind: 'done', outcome: 'cancelled', retried: false });
    expect(h.idle()).toBeGreaterThanOrEqual(1);
  });

  it('a job that throws frees its slot', async () => {
    const h = harness(1);
    const bad = h.pool.submit({ urgency: 'edit', timeoutMs: 1, run: () => Promise.reject(new Error('boom')) });
    const next = h.submit('next', 'later');
    expect(await bad).toEqual({ kind: 'dropped' });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.started()).toEqual(['next']);
    await h.finish('next');
    expect((await next).kind).toBe('done');
  });
});
