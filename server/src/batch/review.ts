import { banditFindings } from '../bandit/convert.js';
import type { BanditResult } from '../bandit/output.js';
import type { BatchSlot } from '../bandit/batch.js';
import { isExcluded, type ProjectBanditConfig } from '../bandit/project-config.js';
import type { Engine } from '../engine/engine.js';
import { gradeByParsing, mergeGraded } from '../grading/merged.js';
import { notRegularFile } from '../files/read.js';
import { banditOverProject, type BanditRun } from './bandit.js';
import type { FileError, FileResult } from './file.js';
import { checkInPool } from './pooled.js';
import { RunProject } from './project.js';
import { RecordingIndex, unionLookups } from '../cache/deps.js';

/** The files of one project root, reviewed together under its bandit config. */
export interface Project {
  root: string;
  /** The config of its first file: bandit runs with it. */
  cfg: ProjectBanditConfig;
  /** Its files as given, and their indexes in the review's list. */
  files: { path: string; index: number; cfg: ProjectBanditConfig }[];
}

export interface ReviewOptions {
  /** bandit's project config for the file at `index` of the list: its root, excludes and rule selection. */
  configOf: (path: string, index: number) => ProjectBanditConfig;
  /** The bandit to run over a project's files (asked once per project, as it starts), or undefined: the tree-sitter rules alone there. */
  bandit?: (project: Project) => Promise<BanditRun | undefined>;
  /** A file reviewed, with its index in the list: both engines' findings merged, or why there are none. */
  onFile: (outcome: FileResult | FileError, index: number) => void;
  /**
   * A file bandit could not check, as bandit says it (a file the
   * tree-sitter engine could not read either is reported once, by `onFile`).
   */
  onBanditError?: (error: FileError) => void;
  /** How far the review is, in files: `message` says it in words. */
  progress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
  /** The server's bandit pool: each project's bandit batches wait for a free place in it. */
  slot?: BatchSlot;
}

/**
 * The review of many files, for `check`, `report` and the workspace scan:
 * the files that their project's bandit config does not exclude, grouped
 * by project root; for each project in turn, the tree-sitter rules on the
 * worker pool (pool.ts) while the real bandit runs over the same files in
 * the root with its config, then each file's findings merged (one per rule
 * and line, bandit's wording) and handed to `onFile`, in the project's
 * order. When aborted, the project under way hands over no file and no
 * later project starts.
 */
export async function reviewFiles(engine: Engine, files: readonly string[], options: ReviewOptions): Promise<{ total: number }> {
  const projects = new Map<string, Project>();
  files.forEach((path, index) => {
    const cfg = options.configOf(path, index);
    if (isExcluded(cfg, path)) return;
    const project = projects.get(cfg.root) ?? { root: cfg.root, cfg, files: [] };
    project.files.push({ path, index, cfg });
    projects.set(cfg.root, project);
  });
  const total = [...projects.values()].reduce((n, p) => n + p.files.length, 0);
  const { signal, progress } = options;
  // For bandit's findings graded here (those without a tree-sitter twin): the modules they import, read when first asked.
  let modules: RunProject | undefined;
  const modulesFor = (root: string) => {
    modules ??= new RunProject(engine);
    modules.addRoot(root);
    return modules;
  };
  let done = 0;
  progress?.(0, total, `${total} files`);
  for (const project of projects.values()) {
    if (signal?.aborted) break;
    const checked = checkInPool(engine, project.files, signal ? { signal } : {});
    checked.catch(() => undefined);
    const run = await options.bandit?.(project);
    let bandit: { results: Map<string, BanditResult[]>; errors: FileError[] } = { results: new Map(), errors: [] };
    if (run) {
      // Only regular files: bandit would wait for ever on a named pipe (the tree-sitter engine says what it is).
      const regular = project.files.map((f) => f.path).filter((f) => notRegularFile(f) === null);
      bandit = await banditOverProject(run, project.cfg, regular, {
        ...(signal ? { signal } : {}),
        ...(options.slot ? { slot: options.slot } : {}),
        progress: (n) => progress?.(done + n, total, `bandit: ${done + n}/${total} files`),
      });
    }
    const outcomes = await checked;
    if (signal?.aborted) {
      for (const e of bandit.errors) options.onBanditError?.(e);
    } else {
      // One error per file: the tree-sitter engine's (unreadable, a syntax error) replaces what bandit said of the same file.
      const unread = new Set(outcomes.flatMap((o) => ('message' in o || o.syntaxErrorAt !== undefined ? [o.path] : [])));
      for (const e of bandit.errors) if (!unread.has(e.path)) options.onBanditError?.(e);
      outcomes.forEach((o, k) => options.onFile(merged(engine, o, bandit.results, () => modulesFor(project.root)), project.files[k].index));
    }
    done += project.files.length;
    progress?.(done, total, `${done}/${total} files`);
  }
  return { total };
}

/** A file's tree-sitter findings with bandit's, where bandit has a result for it: bandit's graded like their tree-sitter twins (grading/merged.ts). */
function merged(engine: Engine, outcome: FileResult | FileError, bandit: ReadonlyMap<string, BanditResult[]>, project: () => RunProject): FileResult | FileError {
  if ('message' in outcome) return outcome;
  const found = bandit.get(outcome.path);
  if (!found) return outcome;
  let index: RecordingIndex | undefined;
  const findings = mergeGraded(outcome.findings, banditFindings(found, outcome.text, engine.ruleset.byId), (o) => outcome.doc.positionAt(o).line, (rest) =>
    gradeByParsing(engine, outcome.path, outcome.text, rest, (index = new RecordingIndex(project().index))),
  );
  // The grading of bandit's findings may look into other modules too: the cache keys the result by those as well.
  return { ...outcome, findings, ...(index ? { lookups: unionLookups(outcome.lookups, index.lookups()) } : {}) };
}
