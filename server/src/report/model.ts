import { relative, sep } from 'node:path';
import type { FileError, FileResult } from '../batch/file.js';
import type { BanditStatus } from '../batch/collect.js';
import { codePointPosition, lineStartsOf } from '../positions/lines.js';
import { findingCode } from '../check/baseline.js';
import type { Finding, Level, Risk } from '../findings/finding.js';
import { CRITICAL_SINKS, type SinkKind } from '../engine/flow/types.js';
import { exposureInWords, pathInWords } from '../grading/words.js';
import { OWASP_2021, owaspLabel } from '../findings/owasp.js';
import { plainRisk } from '../hover/risk.js';
import { fixSnippet } from '../hover/snippets.js';
import { CVSS_BAND, grade, HORIZON, IMPACT, RISK_ORDER, riskRank } from './grading.js';
import type { Positive } from './positives.js';
import type { SuppressionComment } from './suppressions.js';
import { isManifest, type DependencySummary } from '../audit/index.js';
import { dependencyBlock, dependencyKeys, type DependencyKeys, type ReportDependencies } from './dependencies.js';

/**
 * One report model, built once from what the review found; every format
 * (markdown, JSON, SARIF, HTML) renders this and nothing else, so they
 * cannot disagree. Pure: the gathering (files, bandit, parsing) is
 * gather.ts's.
 */

export interface ReportInput {
  application: string;
  /** Paths in the report are relative to this folder. */
  base: string;
  /** What was reviewed, as given (files or folders). */
  scope: string[];
  date: Date;
  results: FileResult[];
  errors: FileError[];
  frameworks: { name: string; files: number; evidence: { path: string; line: number; reason: string }[] }[];
  positives: Positive[];
  /** Suppression comments by the result's `path`. */
  comments: ReadonlyMap<string, SuppressionComment[]>;
  remediation: (rule: string) => string | undefined;
  /** A rule's metadata (from `queries/`), for SARIF's rule table; undefined for a bandit test we have no rule for. */
  ruleInfo: (rule: string) => RuleInfo | undefined;
  bandit: BanditStatus;
  toolVersion: string;
  rulesLoaded: number;
  /** The placeholder justification the code actions write: it does not count as one. */
  placeholder: string;
  /** The dependency audit's summary (manifests read, database, status); absent: the report says nothing of dependencies. */
  dependencies?: DependencySummary;
}

export interface ExcerptLine {
  line: number;
  text: string;
  /** The finding's own line(s). */
  hit: boolean;
}

/** A finding; a dependency finding (PS6xx) also has its package keys (`DependencyKeys`). */
export interface ReportFinding extends DependencyKeys {
  /** `F-001`, … in report order (most serious first). */
  id: string;
  risk: Risk;
  rule: string;
  name: string;
  severity: Level;
  confidence: Level;
  cwe: number | null;
  owasp: string;
  owaspName: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** What is wrong (the engine's message). */
  description: string;
  /** What could happen, in plain words. */
  impact: string;
  remediation: string;
  docs: string;
  engine: string;
  /** The finding's first line, trimmed (what a baseline matches on besides file, rule and text). */
  code: string;
  excerpt: ExcerptLine[];
  /** The attack path that grades it (source first, the sink's argument last), paths as displayed; null when none was traced. */
  flow: { path: string; line: number; column: number; note: string }[] | null;
  /** The path in one sentence (grading/words.ts); null without one. */
  attackPath: string | null;
}

export interface ReportSuppression {
  path: string;
  line: number;
  kind: 'nosec' | 'pysec-ignore';
  /** The ids as written (empty: a bare `# nosec`). */
  ids: string[];
  /** Rules of the findings it silences in this review. */
  silences: string[];
  justification: string | null;
  /** Has a real reason (not missing, not the placeholder). */
  justified: boolean;
  /** What is wrong with it, for the call-out: missing justification, bare nosec, silences nothing. */
  problems: string[];
  code: string;
}

/** A rule as SARIF's rule table describes it. */
export interface RuleInfo {
  id: string;
  name: string;
  message: string;
  remediation?: string;
  docs: string;
  cwe: number | null;
  owasp: string;
  risk: Risk;
  confidence: Level;
  /** The sink the rule's findings stand for (grading by attack path), when it has one. */
  sink?: SinkKind;
  /** A hardcoded-credential rule: its path is its exposure in the repository. */
  credential?: boolean;
}

/** A finding a comment silences (SARIF lists it with its suppression). */
export interface SuppressedFinding {
  rule: string;
  message: string;
  path: string;
  line: number;
  column: number;
  code: string;
  /** Index into `suppressions`. */
  suppression: number;
}

export interface NextStep {
  risk: Risk;
  horizon: string;
  items: { ids: string[]; rule: string; text: string; paths: string[] }[];
}

/** A finding at an injection or code-execution sink whose input could not be traced: why the review is partial. */
export interface UntracedSink {
  id: string;
  rule: string;
  path: string;
  line: number;
  sink: SinkKind;
}

export interface EngineRun {
  name: string;
  ran: boolean;
  version: string | null;
  detail: string;
}

export interface ReportModel {
  title: string;
  application: string;
  /** YYYY-MM-DD (UTC). */
  date: string;
  generatedAt: string;
  frameworks: ReportInput['frameworks'];
  scope: { paths: string[]; files: number; base: string };
  summary: { risk: Risk; count: number; impact: string; cvss: string }[];
  total: number;
  top: ReportFinding[];
  positives: Positive[];
  nextSteps: NextStep[];
  findings: ReportFinding[];
  byOwasp: { id: string; name: string; count: number }[];
  byFile: { path: string; findings: ReportFinding[] }[];
  /**
   * "Partial review": the findings at injection or code-execution sinks
   * (command, code, SQL, deserialisation, template) whose input could not be
   * traced, so that their grade (at most High) is not the last word.
   */
  untraced: UntracedSink[];
  suppressions: ReportSuppression[];
  suppressed: SuppressedFinding[];
  unjustified: number;
  /** Every rule with an open or suppressed finding. */
  rules: RuleInfo[];
  engines: EngineRun[];
  errors: { path: string; message: string }[];
  /** The dependency audit: whether it ran, and the vulnerable dependencies (open and suppressed); absent when not asked for. */
  dependencies?: ReportDependencies;
}

const EXCERPT_CONTEXT = 2;

export function displayPath(base: string, path: string): string {
  const rel = relative(base, path);
  return (rel === '' ? path : rel).split(sep).join('/');
}

function excerpt(lines: readonly string[], first: number, last: number): ExcerptLine[] {
  const out: ExcerptLine[] = [];
  for (let l = Math.max(1, first - EXCERPT_CONTEXT); l <= Math.min(lines.length, last + EXCERPT_CONTEXT); l++) {
    out.push({ line: l, text: lines[l - 1], hit: l >= first && l <= last });
  }
  return out;
}

function remediationOf(f: Finding, input: ReportInput): string {
  const own = input.remediation(f.rule);
  if (own) return own;
  const snippet = fixSnippet({ id: f.rule, name: f.name });
  if (snippet) return snippet.note ? `${snippet.after} — ${snippet.note}` : `Instead: ${snippet.after}`;
  return `See ${f.docs}`;
}

export function buildReport(input: ReportInput): ReportModel {
  const pending: (Omit<ReportFinding, 'id'> & { reach?: Finding['reach'] })[] = [];
  const silencedBy = new Map<string, string[]>();
  const silenced: (Omit<SuppressedFinding, 'suppression'> & { key: string })[] = [];
  const rulesUsed = new Map<string, RuleInfo>();
  const dependencyFound: { finding: Finding; path: string; line: number }[] = [];
  const noteRule = (f: Finding) => {
    if (rulesUsed.has(f.rule)) return;
    rulesUsed.set(f.rule, input.ruleInfo(f.rule) ?? { id: f.rule, name: f.name, message: f.message, remediation: remediationOf(f, input), docs: f.docs, cwe: f.cwe, owasp: f.owasp, risk: f.risk, confidence: f.confidence });
  };
  for (const r of input.results) {
    const path = displayPath(input.base, r.path);
    const starts = lineStartsOf(r.text);
    const lines = r.text.split(/\r\n|\n|\r/);
    for (const f of r.findings) {
      noteRule(f);
      const s = codePointPosition(r.text, f.range.start, starts);
      if (f.dependency) dependencyFound.push({ finding: f, path, line: s.line });
      if (f.suppressed) {
        const key = `${r.path}\0${f.suppressed.line}\0${f.suppressed.kind}`;
        silencedBy.set(key, [...(silencedBy.get(key) ?? []), f.rule]);
        silenced.push({ key, rule: f.rule, message: f.message, path, line: s.line, column: s.column, code: findingCode(r, f) });
        continue;
      }
      const e = codePointPosition(r.text, Math.max(f.range.start, f.range.end), starts);
      pending.push({
        risk: grade(f),
        rule: f.rule,
        name: f.name,
        severity: f.severity,
        confidence: f.confidence,
        cwe: f.cwe,
        owasp: f.owasp,
        owaspName: owaspLabel(f.owasp),
        path,
        line: s.line,
        column: s.column,
        endLine: e.line,
        endColumn: e.column,
        description: f.message,
        impact: plainRisk(f),
        remediation: remediationOf(f, input),
        docs: f.docs,
        engine: f.engine,
        code: findingCode(r, f),
        excerpt: excerpt(lines, s.line, Math.min(e.line, s.line + 4)),
        flow: f.flow?.length
          ? f.flow.map((st) => {
              if (st.file !== null) return { path: displayPath(input.base, st.file), line: st.line + 1, column: st.column + 1, note: st.note };
              const p = codePointPosition(r.text, st.span.start, starts);
              return { path, line: p.line, column: p.column, note: st.note };
            })
          : null,
        attackPath: f.flow?.length ? pathInWords(f.flow) : f.risk === 'Critical' && input.ruleInfo(f.rule)?.credential ? exposureInWords(s.line) : null,
        ...(f.reach ? { reach: f.reach } : {}),
        ...dependencyKeys(f),
      });
    }
  }
  pending.sort(
    (a, b) =>
      riskRank(a.risk) - riskRank(b.risk) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
  const untraced: UntracedSink[] = [];
  const findings: ReportFinding[] = pending.map(({ reach, ...f }, i) => {
    const id = `F-${String(i + 1).padStart(3, '0')}`;
    const sink = input.ruleInfo(f.rule)?.sink;
    // Test code is graded Low whatever reaches its sinks: it does not make the review partial.
    if (reach === 'unknown' && sink && CRITICAL_SINKS.has(sink) && f.risk !== 'Low') untraced.push({ id, rule: f.rule, path: f.path, line: f.line, sink });
    return { id, ...f };
  });

  const summary = RISK_ORDER.map((risk) => ({ risk, count: findings.filter((f) => f.risk === risk).length, impact: IMPACT[risk], cvss: CVSS_BAND[risk] }));

  // The top three: the most serious, one per rule, so that three of the same bug do not hide the next one.
  const top: ReportFinding[] = [];
  for (const f of findings) {
    if (top.length === 3) break;
    if (!top.some((t) => t.rule === f.rule)) top.push(f);
  }

  const nextSteps: NextStep[] = [];
  for (const risk of RISK_ORDER) {
    const here = findings.filter((f) => f.risk === risk);
    if (!here.length) continue;
    const byRule = new Map<string, ReportFinding[]>();
    for (const f of here) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    nextSteps.push({
      risk,
      horizon: HORIZON[risk],
      items: [...byRule.values()].map((fs) => ({
        ids: fs.map((f) => f.id),
        rule: fs[0].rule,
        text: fs[0].remediation,
        // Each Critical with its path in one sentence: what makes it Critical.
        paths: risk === 'Critical' ? fs.filter((f) => f.attackPath).map((f) => `${f.id}: ${f.attackPath}`) : [],
      })),
    });
  }

  const owaspCounts = new Map<string, number>();
  for (const f of findings) owaspCounts.set(f.owasp, (owaspCounts.get(f.owasp) ?? 0) + 1);
  const byOwasp = Object.keys(OWASP_2021)
    .filter((id) => owaspCounts.has(id))
    .map((id) => ({ id, name: OWASP_2021[id], count: owaspCounts.get(id)! }));

  const files = new Map<string, ReportFinding[]>();
  for (const f of [...findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line)) {
    files.set(f.path, [...(files.get(f.path) ?? []), f]);
  }
  const byFile = [...files.entries()].map(([path, fs]) => ({ path, findings: fs }));

  const suppressions: (ReportSuppression & { key: string })[] = [];
  for (const r of input.results) {
    for (const c of input.comments.get(r.path) ?? []) {
      const key = `${r.path}\0${c.line}\0${c.kind}`;
      const silences = silencedBy.get(key) ?? [];
      const justified = c.justification !== null && c.justification.trim().toLowerCase() !== input.placeholder.trim().toLowerCase();
      const problems: string[] = [];
      if (c.justification === null) problems.push('no justification');
      else if (!justified) problems.push('placeholder justification');
      if (c.kind === 'nosec' && c.ids.length === 0) problems.push('bare # nosec silences every check on the line');
      if (silences.length === 0) problems.push('silences nothing in this review');
      suppressions.push({
        key,
        path: displayPath(input.base, r.path),
        line: c.line + 1,
        kind: c.kind,
        ids: c.ids,
        silences: [...new Set(silences)].sort(),
        justification: c.justification,
        justified,
        problems,
        code: c.code,
      });
    }
  }
  suppressions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line);
  const suppressionIndex = new Map(suppressions.map((x, i) => [x.key, i]));
  const suppressed: SuppressedFinding[] = [];
  for (const { key, ...rest } of silenced) {
    const i = suppressionIndex.get(key);
    // A finding silenced by a comment the tree reading did not find (it cannot happen: the same reading marked it) is left out rather than mislinked.
    if (i !== undefined) suppressed.push({ ...rest, suppression: i });
  }

  const engines: EngineRun[] = [
    { name: 'pysec-lsp tree-sitter rules', ran: true, version: input.toolVersion, detail: `${input.rulesLoaded} rules` },
    input.bandit.ran
      ? { name: 'bandit', ran: true, version: input.bandit.version, detail: `ran as ${input.bandit.command}` }
      : { name: 'bandit', ran: false, version: null, detail: `bandit did not run: ${input.bandit.reason}` },
  ];

  const fileCount = input.results.filter((r) => !isManifest(r.path)).length;
  return {
    title: `Security review: ${input.application}`,
    application: input.application,
    date: input.date.toISOString().slice(0, 10),
    generatedAt: input.date.toISOString(),
    frameworks: input.frameworks,
    scope: { paths: input.scope, files: fileCount, base: input.base },
    summary,
    total: findings.length,
    top,
    positives: input.positives,
    nextSteps,
    findings,
    byOwasp,
    byFile,
    untraced,
    suppressions: suppressions.map(({ key: _key, ...x }) => x),
    suppressed,
    unjustified: suppressions.filter((s) => !s.justified).length,
    rules: [...rulesUsed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    engines,
    errors: input.errors.map((e) => ({ path: displayPath(input.base, e.path), message: e.message })),
    ...(input.dependencies ? { dependencies: dependencyBlock(input.dependencies, dependencyFound, findings, (p) => displayPath(input.base, p)) } : {}),
  };
}
