import type { MessagePort } from 'node:worker_threads';
import { Engine } from '../engine/engine.js';
import type { Finding } from '../findings/finding.js';
import { ruleSelection, type Rule, type RuleSelection } from '../engine/rule.js';
import { overridesKey, ruleVariant } from '../bandit/plugin-config.js';
import { checkFile, type FileError, type FileResult } from './file.js';
import { RunProject } from './project.js';
import { RecordingIndex, type ModuleLookup } from '../cache/deps.js';

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
  /** The file's project root: the modules it imports are looked for there (batch/project.ts). */
  root?: string;
}

/** What one file gave: its text and findings, or why there are none. */
export type CheckOutcome = { path: string; text: string; findings: Finding[]; syntaxErrorAt?: number; lookups?: ModuleLookup[] } | { path: string; message: string };

export type ToWorker = { tasks: CheckTask[] };
export type FromWorker = { ready: true } | { index: number; outcome: CheckOutcome } | { chunkDone: true } | { fatal: string };

/**
 * Which rules a file is checked with: rule ids (null: every rule), or those
 * with the project's bandit plugin settings as rule params (by rule id,
 * plugin-config.ts). Plain data, to cross to the worker threads.
 */
export type PoolSelection = readonly string[] | null | { ids: readonly string[] | null; params: readonly (readonly [string, Record<string, unknown>])[] };

/** A pool selection as the engine's rule selection, made once per selection (undefined: every rule as it is). */
export function selectionFor(sel: PoolSelection): RuleSelection | undefined {
  const ids = sel === null || Array.isArray(sel) ? (sel as readonly string[] | null) : (sel as { ids: readonly string[] | null }).ids;
  const params = sel !== null && !Array.isArray(sel) ? new Map((sel as { params: readonly (readonly [string, Record<string, unknown>])[] }).params) : undefined;
  const set = ids ? new Set(ids) : undefined;
  if (!set && !params?.size) return undefined;
  const accepts = (rule: { id: string }) => !set || set.has(rule.id);
  return ruleSelection(accepts, params?.size ? ruleVariant(params, overridesKey(params)) : undefined);
}

export interface ServeOptions {
  /** Rule selections (`PoolSelection`), by index. */
  selections: PoolSelection[];
  /** The parent's rules, as read from queries/ (plain data): not read again. */
  rules?: readonly Rule[];
  /** Called before each file (tests use it to crash a worker on purpose). */
  before?: (path: string) => void;
}

export async function serve(port: MessagePort, opts: ServeOptions): Promise<void> {
  let engine: Engine;
  try {
    engine = await Engine.load(undefined, opts.rules);
  } catch (e) {
    port.postMessage({ fatal: `cannot load the rules: ${e instanceof Error ? e.message : String(e)}` } satisfies FromWorker);
    return;
  }
  const enabled = opts.selections.map(selectionFor);
  // This thread's own index of the project's modules, read from disk once for the run.
  const project = new RunProject(engine);
  port.on('message', (msg: ToWorker) => {
    for (const t of msg.tasks) {
      opts.before?.(t.path);
      if (t.root) project.addRoot(t.root);
      const r = checkRecorded(engine, t.path, enabled[t.selection], project);
      const outcome: CheckOutcome = 'message' in r ? r : withoutDoc(r);
      port.postMessage({ index: t.index, outcome } satisfies FromWorker);
    }
    port.postMessage({ chunkDone: true } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

/** `checkFile` with the project modules its analysis looked up noted on the result (the result cache's cross-file inputs). */
export function checkRecorded(engine: Engine, path: string, selection: RuleSelection | undefined, project: RunProject): FileResult | FileError {
  const index = new RecordingIndex(project.index);
  const r = checkFile(engine, path, selection, index, project);
  return 'message' in r ? r : { ...r, lookups: index.lookups() };
}

/** What crosses the thread boundary: the result without its TextDocument (rebuilt on the other side, batch/pooled.ts). */
export function withoutDoc(r: FileResult): CheckOutcome {
  return { path: r.path, text: r.text, findings: r.findings, ...(r.syntaxErrorAt !== undefined ? { syntaxErrorAt: r.syntaxErrorAt } : {}), ...(r.lookups ? { lookups: r.lookups } : {}) };
}
