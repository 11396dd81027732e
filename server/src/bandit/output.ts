// zod's mini build, as for the rules' metadata (engine/rule-schema.ts): the classic build alone is a tenth of a second to load.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

/**
 * bandit's JSON report, as every version from 1.6.2 to 1.9.x writes it.
 * Fields appear with the versions: `col_offset` 1.7.1, `issue_cwe` 1.7.3,
 * `end_col_offset` 1.7.5. `line_range` is the flagged node's span;
 * `line_number` the issue's own line. Syntax errors come back in `errors`
 * with exit code 0.
 */
const level = z.enum(['LOW', 'MEDIUM', 'HIGH', 'UNDEFINED']);

export const BanditResultSchema = z.object({
  code: z.optional(z.string()),
  filename: z.string(),
  issue_confidence: level,
  issue_severity: level,
  issue_text: z.string(),
  issue_cwe: z.optional(z.object({ id: z.int(), link: z.optional(z.string()) })),
  line_number: z.int().check(z.minimum(0)),
  line_range: z._default(z.array(z.int()), []),
  col_offset: z.optional(z.int().check(z.minimum(-1))),
  end_col_offset: z.optional(z.int().check(z.minimum(-1))),
  more_info: z.optional(z.string()),
  test_id: z.string(),
  test_name: z.string(),
});

export const BanditReportSchema = z.object({
  errors: z._default(z.array(z.object({ filename: z.string(), reason: z.string() })), []),
  results: z.array(BanditResultSchema),
  generated_at: z.optional(z.string()),
  metrics: z.optional(z.record(z.string(), z.unknown())),
});

export type BanditResult = z.infer<typeof BanditResultSchema>;
export type BanditReport = z.infer<typeof BanditReportSchema>;

/** The report's outer shape, its results validated one by one afterwards (parseBanditOutputInSlices). */
const ReportShape = z.extend(BanditReportSchema, { results: z.array(z.unknown()) });

/**
 * Parses bandit's stdout. bandit may print log lines before the JSON (1.6
 * warns about module names on stderr, but plugins may print anywhere): the
 * report is the first line that opens a JSON object through the end.
 */
export function parseBanditOutput(stdout: string): { report: BanditReport } | { error: string } {
  const json = readJson(stdout);
  if ('error' in json) return json;
  const parsed = BanditReportSchema.safeParse(json.value);
  if (!parsed.success) return shapeError(parsed.error.issues[0]);
  return { report: parsed.data };
}

/**
 * {@link parseBanditOutput} for the server: the results are validated
 * `slice` at a time, yielding to the event loop between slices, so that a
 * large report (a scan batch, a file with thousands of findings) does not
 * hold up hover and code actions. Same answers, same messages.
 */
export async function parseBanditOutputInSlices(stdout: string, slice = 250): Promise<{ report: BanditReport } | { error: string }> {
  const json = readJson(stdout);
  if ('error' in json) return json;
  const outer = ReportShape.safeParse(json.value);
  if (!outer.success) return shapeError(outer.error.issues[0]);
  const raw = outer.data.results;
  const results: BanditResult[] = [];
  for (let i = 0; i < raw.length; i += slice) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (let k = i; k < Math.min(raw.length, i + slice); k++) {
      const r = BanditResultSchema.safeParse(raw[k]);
      if (!r.success) {
        const issue = r.error.issues[0];
        return shapeError(issue && { ...issue, path: ['results', k, ...issue.path] });
      }
      results.push(r.data);
    }
  }
  return { report: { ...outer.data, results } };
}

function readJson(stdout: string): { value: unknown } | { error: string } {
  const start = stdout.search(/^\{/m);
  if (start < 0) return { error: stdout.trim() === '' ? 'bandit printed nothing' : `bandit printed no JSON report: ${preview(stdout)}` };
  try {
    return { value: JSON.parse(stdout.slice(start)) };
  } catch (e) {
    return { error: `bandit printed malformed JSON (${(e as Error).message}): ${preview(stdout.slice(start))}` };
  }
}

function shapeError(issue: { path: PropertyKey[]; message: string } | undefined): { error: string } {
  return { error: `bandit's JSON report has an unexpected shape: ${issue?.path.map(String).join('.')} ${issue?.message}` };
}

function preview(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}
