import { TextDocument } from 'vscode-languageserver-textdocument';
import { projectSelects, type ProjectBanditConfig } from '../bandit/project-config.js';
import type { Engine } from '../engine/engine.js';
import { checkFiles, type PoolOptions } from './pool.js';
import type { PoolSelection } from './worker.js';
import type { FileError, FileResult } from './file.js';

/**
 * A project's files through the worker pool (review.ts), each checked with
 * the rules its bandit config selects (the caller has left excluded files
 * out). Results in the order of `files`.
 */
export async function checkInPool(
  engine: Engine,
  files: readonly { path: string; cfg: ProjectBanditConfig }[],
  opts: PoolOptions = {},
): Promise<(FileResult | FileError)[]> {
  const selectionOf = new Map<ProjectBanditConfig, number>();
  const selections: PoolSelection[] = [];
  const tasks: { path: string; selection: number; root: string }[] = [];
  for (const { path, cfg } of files) {
    let selection = selectionOf.get(cfg);
    if (selection === undefined) {
      const ids = engine.ruleset.rules.filter((rule) => projectSelects(cfg, rule)).map((rule) => rule.id);
      selection = selections.length;
      const all = ids.length === engine.ruleset.rules.length ? null : ids;
      // The project's bandit plugin settings become the rules' params (plugin-config.ts).
      selections.push(cfg.pluginKey ? { ids: all, params: [...cfg.pluginParams] } : all);
      selectionOf.set(cfg, selection);
    }
    tasks.push({ path, selection, root: cfg.root });
  }
  const outcomes = await checkFiles(engine, tasks, selections, opts);
  return outcomes.map((o) => ('message' in o ? o : { ...o, doc: TextDocument.create(o.path, 'python', 0, o.text) }));
}
