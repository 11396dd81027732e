import type { MessagePort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import type { Finding } from '../findings/finding.js';
import { checkFile } from './run.js';

/**
 * One pool worker (pool.ts): loads the grammar and the rules once, then
 * checks the files it is sent, answering file by file so that a crash
 * loses only the file in hand.
 */

/** A file to check, with the index of its rule selection in the pool's table. */
export interface CheckTask {
  index: number;
  path: string;
  selection: number;
}

/** What one file gave: its text and findings, or why there are none. */
export type CheckOutcome = { path: string; text: string; findings: Finding[] } | { path: string; message: string };

export type ToWorker = { tasks: CheckTask[] };
export type FromWorker = { ready: true } | { index: number; outcome: CheckOutcome } | { chunkDone: true } | { fatal: string };

export interface ServeOptions {
  /** Rule ids enabled per selection; null: every rule. */
  selections: (string[] | null)[];
  /** Called before each file (tests use it to crash a worker on purpose). */
  before?: (path: string) => void;
}

export async function serve(port: MessagePort, opts: ServeOptions): Promise<void> {
  let engine: Engine;
  try {
    engine = await Engine.load();
  } catch (e) {
    port.postMessage({ fatal: `cannot load the rules: ${e instanceof Error ? e.message : String(e)}` } satisfies FromWorker);
    return;
  }
  const enabled = opts.selections.map((ids) => {
    if (!ids) return undefined;
    const set = new Set(ids);
    return (rule: { id: string }) => set.has(rule.id);
  });
  port.on('message', (msg: ToWorker) => {
    for (const t of msg.tasks) {
      opts.before?.(t.path);
      const r = checkFile(engine, t.path, enabled[t.selection]);
      const outcome: CheckOutcome = 'message' in r ? r : { path: r.path, text: r.text, findings: r.findings };
      port.postMessage({ index: t.index, outcome } satisfies FromWorker);
    }
    port.postMessage({ chunkDone: true } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}
