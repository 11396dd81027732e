/**
 * The report's formats by name, apart from their renderers (report/formats.ts):
 * the command line checks `--format` with them without loading a renderer.
 */
export const REPORT_FORMATS = ['markdown', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file extension each format is usually saved under. */
export const EXTENSION: Readonly<Record<ReportFormat, string>> = { markdown: 'md', json: 'json', sarif: 'sarif', html: 'html' };

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}
