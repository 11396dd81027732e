import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BanditChoice } from '../batch/bandit.js';
import type { Engine } from '../engine/engine.js';
import type { ProjectBanditConfig } from '../bandit/project-config.js';
import { EXTENSION, isReportFormat, renderReport, type ReportFormat } from './formats.js';
import { gatherReport } from './gather.js';
import { buildReport } from './model.js';

/** What the server lends the `pysec.report` command. */
export interface WorkspaceReportHost {
  engine: Engine;
  /** Workspace folders (paths); the report is written into the first. */
  folders: readonly string[];
  /** The bandit the folder's settings choose, or why there is none. */
  bandit: (folder: string) => Promise<BanditChoice>;
  projectConfig: (file: string) => ProjectBanditConfig;
  /** `pysec.exclude` (and the project's excludes) for a file. */
  excluded: (file: string) => boolean;
  placeholder: string;
  warn: (message: string) => void;
}

export interface WorkspaceReport {
  path: string;
  format: ReportFormat;
  findings: number;
  suppressions: number;
}

/** The command's argument: `{ format }`, default markdown (an editor opens it as text). */
export function reportFormatArg(arg: unknown): ReportFormat | { error: string } {
  const format = arg && typeof arg === 'object' && 'format' in arg ? (arg as { format: unknown }).format : undefined;
  if (format === undefined) return 'markdown';
  if (typeof format === 'string' && isReportFormat(format)) return format;
  return { error: `pysec.report: format must be markdown, json, sarif or html, not ${JSON.stringify(format)}` };
}

/**
 * `pysec.report`: the CLI's report over the workspace folders, under each
 * folder's bandit settings, written to `pysec-report.<ext>` in the first
 * folder. Null when there is no folder to review.
 */
export async function writeWorkspaceReport(host: WorkspaceReportHost, format: ReportFormat): Promise<WorkspaceReport | null> {
  const base = host.folders[0];
  if (!base) return null;
  const input = await gatherReport(host.engine, {
    paths: [...host.folders],
    base,
    bandit: () => host.bandit(base),
    projectConfig: host.projectConfig,
    exclude: host.excluded,
    warn: host.warn,
    placeholder: host.placeholder,
  });
  if ('missing' in input) throw new Error(`workspace folder(s) not found: ${input.missing.join(', ')}`);
  const model = buildReport(input);
  const path = join(base, `pysec-report.${EXTENSION[format]}`);
  const text = await renderReport(model, format);
  writeReplacing(path, text.endsWith('\n') ? text : `${text}\n`);
  return { path, format, findings: model.total, suppressions: model.suppressions.length };
}

/**
 * Writes `path` through a new file renamed over it: a symlink planted at
 * `path` by the workspace is replaced, never followed (the report cannot
 * be made to overwrite a file elsewhere), and a reader never sees half a
 * report.
 */
function writeReplacing(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
