import type { ReportModel } from './model.js';

/**
 * The report model as JSON. Its `findings` carry `path`, `rule`, `message`
 * and `code`, so the file also serves as `check --baseline`.
 */
export function renderJson(m: ReportModel): string {
  return JSON.stringify({ version: 1, kind: 'pysec-lsp-report', ...m }, null, 2);
}
