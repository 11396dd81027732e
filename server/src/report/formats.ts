import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { ReportModel } from './model.js';
import { renderSarif } from './sarif.js';
import type { ReportFormat } from './format-names.js';

export { EXTENSION, isReportFormat, REPORT_FORMATS, type ReportFormat } from './format-names.js';

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
