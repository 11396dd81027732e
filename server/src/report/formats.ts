import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { ReportModel } from './model.js';
import { renderSarif } from './sarif.js';

export const REPORT_FORMATS = ['markdown', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file extension each format is usually saved under. */
export const EXTENSION: Readonly<Record<ReportFormat, string>> = { markdown: 'md', json: 'json', sarif: 'sarif', html: 'html' };

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export function renderReport(m: ReportModel, format: ReportFormat): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(m);
    case 'json':
      return renderJson(m);
    case 'sarif':
      return renderSarif(m);
    case 'html':
      return renderHtml(m);
  }
}
