import { statSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { reviewAll, type CollectOptions } from '../batch/collect.js';
import { pythonFiles } from '../files/walk.js';
import { FRAMEWORK_NAMES, FRAMEWORKS, scanFolder, scanSource, type Framework } from '../engine/frameworks.js';
import { VERSION } from '../version.js';
import { displayPath, type ReportInput } from './model.js';
import { PracticeScanner } from './positives.js';
import { suppressionComments, type SuppressionComment } from './suppressions.js';
import { parsePython } from '../engine/parse.js';
import { auditPaths } from '../audit/index.js';
import { manifestResults } from './manifests.js';

export interface GatherOptions {
  /** Files or folders to review (default: `base`). */
  paths: string[];
  /** Report paths are relative to it; the application is named after it. */
  base: string;
  bandit: CollectOptions['bandit'];
  projectConfig?: CollectOptions['projectConfig'];
  /** Files to leave out besides the project configs' excludes (the editor's `pysec.exclude`). */
  exclude?: (path: string) => boolean;
  warn: (message: string) => void;
  banditHint?: string;
  placeholder: string;
  /** The result cache (batch/collect.ts): the review's unchanged files answered from it. The good practices and suppression comments are still read from each file. */
  cache?: CollectOptions['cache'];
  /** The report's date (tests pin it). */
  date?: Date;
  /** The dependency audit: off (`--no-audit`), or the database to use (default: the user cache). */
  audit?: { enabled: boolean; database?: string };
}

/**
 * Everything a report says, gathered: the same review as `check` (both
 * engines, project configs), the frameworks of the folders, the good
 * practices and the suppression comments of each reviewed file.
 */
export async function gatherReport(engine: Engine, options: GatherOptions): Promise<ReportInput | { missing: string[] }> {
  const paths = options.paths.length ? options.paths : [options.base];
  const walked = pythonFiles(paths);
  if (walked.missing.length) return { missing: walked.missing };
  const files = options.exclude ? walked.files.filter((f) => !options.exclude!(resolve(f))) : walked.files;
  const review = await reviewAll(engine, files, {
    bandit: options.bandit,
    cwd: options.base,
    projectConfig: options.projectConfig,
    warn: options.warn,
    banditHint: options.banditHint,
    ...(options.cache ? { cache: options.cache } : {}),
  });
  const failed = review.cache?.save();
  // Only for a folder the user named (--cache-dir): the default one may be read-only without harm.
  if (failed && !options.cache?.evictSiblings) options.warn(failed);

  const scanner = new PracticeScanner(engine.parser.language!);
  const comments = new Map<string, SuppressionComment[]>();
  try {
    for (const r of review.results) {
      const tree = parsePython(engine.parser, r.text);
      if (!tree) continue;
      try {
        scanner.scan(tree, displayPath(options.base, r.path), r.text);
        const found = suppressionComments(r.doc, tree);
        if (found.length) comments.set(r.path, found);
      } finally {
        tree.delete();
      }
    }
  } finally {
    scanner.dispose();
  }

  // The manifests under the same paths (PS601/PS602), counted with the rest; their `# pysec: ignore` comments listed too.
  const deps = auditPaths(paths, { enabled: options.audit?.enabled ?? true, ...(options.audit?.database !== undefined ? { database: options.audit.database } : {}), python: review.results, rules: engine.ruleset.byId });
  for (const n of deps.notes) options.warn(n);
  const manifests = manifestResults(deps.results);
  for (const m of manifests) if (m.comments.length) comments.set(m.result.path, m.comments);

  return {
    // Named after the one folder reviewed, else after the base folder.
    application: applicationName(paths, options.base),
    base: resolve(options.base),
    scope: paths.map((p) => (resolve(p) === resolve(options.base) ? '.' : displayPath(options.base, resolve(p)))),
    date: options.date ?? new Date(),
    results: [...review.results, ...manifests.map((m) => m.result)],
    errors: review.errors,
    frameworks: frameworksOf(paths, options.base),
    positives: scanner.result(),
    comments,
    remediation: (rule) => engine.ruleset.byId.get(rule)?.remediation,
    ruleInfo: (id) => {
      const r = engine.ruleset.byId.get(id);
      return r && { id: r.id, name: r.name, message: r.message, remediation: r.remediation, docs: r.docs, cwe: r.cwe, owasp: r.owasp, risk: r.risk, confidence: r.confidence, ...(r.sink ? { sink: r.sink.kind } : {}), ...(r.credential ? { credential: true } : {}) };
    },
    bandit: review.bandit,
    toolVersion: VERSION,
    rulesLoaded: engine.ruleset.byId.size,
    placeholder: options.placeholder,
    dependencies: deps.summary,
  };
}

/** The frameworks of the reviewed folders and files, most files first, with evidence relative to `base`. */
function frameworksOf(paths: readonly string[], base: string): ReportInput['frameworks'] {
  const by = new Map<Framework, { files: number; evidence: { path: string; line: number; reason: string }[] }>();
  const add = (framework: Framework, files: number, evidence: { path: string; line: number; reason: string }[]) => {
    const e = by.get(framework) ?? { files: 0, evidence: [] };
    e.files += files;
    e.evidence.push(...evidence.slice(0, Math.max(0, 3 - e.evidence.length)));
    by.set(framework, e);
  };
  for (const p of paths) {
    const abs = resolve(p);
    let dir = false;
    try {
      dir = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    if (dir) {
      for (const f of scanFolder(abs).frameworks) {
        add(f.framework, f.files, f.evidence.map((e) => ({ path: displayPath(base, resolve(abs, e.path)), line: e.line, reason: e.reason })));
      }
    } else {
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch {
        continue;
      }
      for (const e of scanSource(text, displayPath(base, abs)).evidence) add(e.framework, 1, [{ path: e.path, line: e.line, reason: e.reason }]);
    }
  }
  return [...by.entries()]
    .sort((a, b) => b[1].files - a[1].files || FRAMEWORKS.indexOf(a[0]) - FRAMEWORKS.indexOf(b[0]))
    .map(([f, v]) => ({ name: FRAMEWORK_NAMES[f], files: v.files, evidence: v.evidence }));
}

function applicationName(paths: readonly string[], base: string): string {
  let folder = resolve(base);
  if (paths.length === 1) {
    try {
      if (statSync(paths[0]).isDirectory()) folder = resolve(paths[0]);
    } catch {
      /* missing paths are reported before this */
    }
  }
  return basename(folder) || folder;
}
