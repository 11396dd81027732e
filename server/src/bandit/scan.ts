import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine/engine.js';
import type { Finding } from '../findings/finding.js';
import { gradeByParsing, mergeGraded } from '../grading/merged.js';
import { checkInPool } from '../check/pooled.js';
import { pythonFiles } from '../check/walk.js';
import { notRegularFile } from '../check/read.js';
import { banditFindings } from './convert.js';
import type { BanditCommand, BanditVersion } from './discover.js';
import { runBanditOnFiles } from './batch.js';
import { configArgs, findProjectRoot, isExcluded, type ProjectBanditConfig } from './project-config.js';

export interface ScanHost {
  engine: Engine;
  /** bandit for a folder, or undefined (then the scan runs tree-sitter alone). */
  bandit(folder: string): Promise<{ cmd: BanditCommand; version: BanditVersion } | undefined>;
  projectConfig(file: string, folder: string): ProjectBanditConfig;
  timeoutMs: number;
  /** Open documents are left to their own runs. */
  isOpen(uri: string): boolean;
  publish(uri: string, text: TextDocument, findings: Finding[]): void;
  progress(done: number, total: number, message: string): void;
  signal?: AbortSignal;
}

export interface ScanSummary {
  files: number;
  findings: number;
  errors: { path: string; message: string }[];
  bandit: boolean;
  cancelled: boolean;
}

/**
 * The workspace scan: every Python file of the folders that is not open,
 * through bandit in parallel batches (each project root with its config)
 * and through the tree-sitter rules on the check pool's worker threads,
 * merged, published per file.
 * Excludes are honoured; a file deleted or unreadable meanwhile is an error
 * entry, not a failure.
 */
export async function scanWorkspace(folders: readonly string[], host: ScanHost): Promise<ScanSummary> {
  const summary: ScanSummary = { files: 0, findings: 0, errors: [], bandit: false, cancelled: false };
  const groups = new Map<string, { folder: string; cfg: ProjectBanditConfig; files: string[] }>();
  for (const folder of folders) {
    for (const file of pythonFiles([folder]).files) {
      const abs = resolve(file);
      if (host.isOpen(pathToFileURL(abs).href)) continue;
      const cfg = host.projectConfig(abs, folder);
      if (isExcluded(cfg, abs)) continue;
      const root = findProjectRoot(abs, folder);
      const g = groups.get(root) ?? { folder, cfg, files: [] };
      g.files.push(abs);
      groups.set(root, g);
    }
  }
  const total = [...groups.values()].reduce((n, g) => n + g.files.length, 0);
  let done = 0;
  host.progress(0, total, `${total} files`);
  for (const [root, g] of groups) {
    if (host.signal?.aborted) break;
    // The tree-sitter rules on the worker pool while bandit runs.
    const checked = checkInPool(host.engine, g.files, () => g.cfg, { signal: host.signal });
    checked.catch(() => undefined);
    const b = await host.bandit(g.folder);
    let results = new Map<string, import('./output.js').BanditResult[]>();
    if (b) {
      summary.bandit = true;
      const outcome = await runBanditOnFiles({
        cmd: b.cmd,
        version: b.version,
        files: g.files,
        cwd: root,
        configArgs: configArgs(g.cfg, b.version),
        timeoutMs: host.timeoutMs,
        signal: host.signal,
        progress: (n) => host.progress(done + n, total, `bandit: ${done + n}/${total} files`),
      });
      results = new Map([...outcome.results].map(([f, r]) => [resolve(root, f), r]));
      summary.errors.push(...outcome.errors.map((e) => ({ path: resolve(root, e.path), message: e.message })));
    }
    for (const checkedFile of await checked) {
      if (host.signal?.aborted) break;
      let r = checkedFile;
      // The rules read each file while bandit ran: one deleted or replaced
      // since is reported as such, not published from what it was.
      const gone = 'message' in r ? null : notRegularFile(r.path);
      if (gone) r = { path: r.path, message: `cannot read: ${gone}` };
      if ('message' in r) {
        // One error per file: ours replaces what bandit said of the same file.
        const path = r.path;
        summary.errors = summary.errors.filter((x) => x.path !== path);
        summary.errors.push({ path, message: r.message });
        continue;
      }
      const fromBandit = results.get(r.path);
      const findings = fromBandit
        ? mergeGraded(r.findings, banditFindings(fromBandit, r.text, host.engine.ruleset.byId), (o) => r.doc.positionAt(o).line, (rest) => gradeByParsing(host.engine, r.path, r.text, rest))
        : r.findings;
      host.publish(pathToFileURL(r.path).href, r.doc, findings);
      summary.files++;
      summary.findings += findings.filter((f) => !f.suppressed).length;
    }
    done += g.files.length;
    host.progress(done, total, `${done}/${total} files`);
  }
  summary.cancelled = host.signal?.aborted ?? false;
  return summary;
}
