import type { ReportModel } from './model.js';
import type { ReportFormat } from '../command-line/report-formats.js';

export { EXTENSION, isReportFormat, REPORT_FORMATS, type ReportFormat } from '../command-line/report-formats.js';

/** The report in `format`: only that format's renderer is loaded. */
export async function renderReport(m: ReportModel, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(m);
    case 'json':
      return (await import('./json.js')).renderJson(m);
    case 'sarif':
      return (await import('./sarif.js')).renderSarif(m);
    case 'html':
      return (await import('./html.js')).renderHtml(m);
  }
}
