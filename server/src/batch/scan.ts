import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine/engine.js';
import type { BanditCommand, BanditVersion } from '../bandit/discover.js';
import type { ProjectBanditConfig } from '../bandit/project-config.js';
import type { Finding } from '../findings/finding.js';
import { notRegularFile } from '../files/read.js';
import { pythonFiles } from '../files/walk.js';
import { reviewFiles } from './review.js';

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
 * through both engines project by project (review.ts: each project root
 * with its config, bandit in parallel batches while the tree-sitter rules
 * run on the worker pool), published per file.
 * Excludes are honoured; a file deleted or unreadable meanwhile is an error
 * entry, not a failure.
 */
export async function scanWorkspace(folders: readonly string[], host: ScanHost): Promise<ScanSummary> {
  const summary: ScanSummary = { files: 0, findings: 0, errors: [], bandit: false, cancelled: false };
  const files: string[] = [];
  /** The folder each file was found in: its project root is looked for up to it, and its bandit chosen by it. */
  const folderOf: string[] = [];
  for (const folder of folders) {
    for (const file of pythonFiles([folder]).files) {
      const abs = resolve(file);
      if (host.isOpen(pathToFileURL(abs).href)) continue;
      files.push(abs);
      folderOf.push(folder);
    }
  }
  await reviewFiles(host.engine, files, {
    configOf: (file, index) => host.projectConfig(file, folderOf[index]),
    bandit: async (project) => {
      const b = await host.bandit(folderOf[project.files[0].index]);
      if (!b) return undefined;
      summary.bandit = true;
      return { cmd: b.cmd, version: b.version, timeoutMs: host.timeoutMs };
    },
    onBanditError: (e) => summary.errors.push(e),
    onFile: (outcome) => {
      let r = outcome;
      // The rules read each file while bandit ran: one deleted or replaced
      // since is reported as such, not published from what it was.
      const gone = 'message' in r ? null : notRegularFile(r.path);
      if (gone) r = { path: r.path, message: `cannot read: ${gone}` };
      if ('message' in r) {
        // One error per file: ours replaces what bandit said of the same file.
        const path = r.path;
        summary.errors = summary.errors.filter((x) => x.path !== path);
        summary.errors.push({ path, message: r.message });
        return;
      }
      host.publish(pathToFileURL(r.path).href, r.doc, r.findings);
      summary.files++;
      summary.findings += r.findings.filter((f) => !f.suppressed).length;
    },
    progress: (done, total, message) => host.progress(done, total, message),
    ...(host.signal ? { signal: host.signal } : {}),
  });
  summary.cancelled = host.signal?.aborted ?? false;
  return summary;
}
