import { isAbsolute, relative } from 'node:path';
import { codePointPosition, lineStartsOf } from '../positions/lines.js';
import type { Finding, FlowStep } from '../findings/finding.js';
import type { HygieneFinding } from './hygiene.js';
import type { FileError, FileResult } from '../batch/file.js';

export interface JsonFinding extends DependencyKeys {
  path: string;
  rule: string;
  name: string;
  severity: string;
  confidence: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** `tree-sitter`, `bandit`, or `hygiene` for a suppression-hygiene finding (PSN…). */
  engine: string;
  cwe: number | null;
  /** null for a hygiene finding, as `risk`. */
  owasp: string | null;
  risk: string | null;
  suppressed: boolean;
  justification: string | null;
  /** The attack path that grades the finding (source first, the sink's argument last); null when none was traced, and for hygiene findings. */
  flow: JsonFlowStep[] | null;
  /** A hygiene finding's configured severity (`error`, `warning`, `information`, `hint`); only on those. */
  level?: string;
}

/** A dependency finding's (PS6xx) own keys, in `check`'s JSON and the report's (and SARIF's properties); only on those. */
export interface DependencyKeys {
  /** A dependency finding's (PS6xx) package (PEP 503 name). */
  package?: string;
  /** The pinned or locked version; null for a range (PS602: see `specifier`). */
  version?: string | null;
  /** The requirement's specifier (`==2.19.0`, `>=2.0`). */
  specifier?: string;
  /** The advisory's id (GHSA-…, PYSEC-…) and its other ids (CVE-…). */
  advisory?: string;
  aliases?: string[];
  /** The version to upgrade to (the pin's first fixed version, or the lower bound that leaves the advisory out); null when none is fixed. */
  fixedIn?: string | null;
}

/** A dependency finding's own keys (PS6xx): none on the others, whose contract stays as it was. */
export function dependencyKeys(f: Finding): DependencyKeys {
  const d = f.dependency;
  return d ? { package: d.package, version: d.version, specifier: d.specifier, advisory: d.advisory, aliases: d.aliases, fixedIn: d.fixedIn } : {};
}

/** One step of an attack path: its file (the finding's own, or another of the project), 1-based line and column in code points, and what happens there. */
export interface JsonFlowStep {
  path: string;
  line: number;
  column: number;
  note: string;
}

/**
 * A finding's path for the JSON contract; a step in another file is placed
 * by its own line and (UTF-16) column, its path written as the run's are
 * (relative to the working folder when the finding's path is relative).
 */
function jsonFlow(r: FileResult, flow: readonly FlowStep[] | null | undefined, at: (offset: number) => { line: number; column: number }): JsonFlowStep[] | null {
  if (!flow?.length) return null;
  return flow.map((s) => {
    if (s.file !== null) return { path: stepPath(r.path, s.file), line: s.line + 1, column: s.column + 1, note: s.note };
    const p = at(s.span.start);
    return { path: r.path, line: p.line, column: p.column, note: s.note };
  });
}

/** Another file's path (absolute) as the run writes its own: relative to the working folder when `own` is relative and the file is under it. */
function stepPath(own: string, file: string): string {
  if (isAbsolute(own)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** A file's findings, with its hygiene findings (`check` has them; the report does not). */
type Reviewed = FileResult & { hygiene?: readonly HygieneFinding[] };

export function jsonFindings(results: readonly Reviewed[]): JsonFinding[] {
  const out: JsonFinding[] = [];
  for (const r of results) {
    // Most files of a large run have no finding: their lines are not needed (a warm cached run is mostly this loop).
    if (r.findings.length === 0 && !r.hygiene?.length) continue;
    let starts: number[] | undefined;
    // A cached result may know its positions without its text (cache/positions.ts).
    const at = r.at ?? ((o: number) => codePointPosition(r.text, o, (starts ??= lineStartsOf(r.text))));
    // Each hygiene finding goes before the first finding that starts after it: the file's findings stay in their order.
    const hygiene = [...(r.hygiene ?? [])].sort((a, b) => a.range.start - b.range.start);
    let h = 0;
    const flush = (before: number) => {
      for (; h < hygiene.length && hygiene[h].range.start < before; h++) out.push(hygieneEntry(r, hygiene[h], at));
    };
    for (const f of r.findings) {
      flush(f.range.start);
      const s = at(f.range.start);
      const e = at(f.range.end);
      out.push({
        path: r.path,
        rule: f.rule,
        name: f.name,
        severity: f.severity,
        confidence: f.confidence,
        line: s.line,
        column: s.column,
        endLine: e.line,
        endColumn: e.column,
        message: f.message,
        engine: f.engine,
        cwe: f.cwe,
        owasp: f.owasp,
        risk: f.risk,
        suppressed: f.suppressed !== null,
        justification: f.suppressed?.justification ?? null,
        flow: jsonFlow(r, f.flow, at),
        ...dependencyKeys(f),
      });
    }
    flush(Infinity);
  }
  return out;
}

function hygieneEntry(r: FileResult, h: HygieneFinding, at: (offset: number) => { line: number; column: number }): JsonFinding {
  const s = at(h.range.start);
  const e = at(h.range.end);
  return {
    path: r.path,
    rule: h.code,
    name: h.name,
    severity: h.severity,
    confidence: h.confidence,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    message: h.message,
    engine: 'hygiene',
    cwe: null,
    owasp: null,
    risk: null,
    suppressed: false,
    justification: null,
    flow: null,
    level: h.level,
  };
}

export function formatJson(results: readonly Reviewed[], errors: readonly FileError[]): string {
  return JSON.stringify({ version: 1, findings: jsonFindings(results), errors: errors.map((e) => ({ path: e.path, message: e.message })) }, null, 2);
}

/**
 * ruff-style lines: `path:line:col: B602 [HIGH/HIGH] message`; a hygiene
 * finding shows its configured severity instead: `PSN005 [information]`.
 */
export function formatText(results: readonly Reviewed[], errors: readonly FileError[]): string {
  const lines: string[] = [];
  let shown = 0;
  let suppressed = 0;
  for (const f of jsonFindings(results)) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    shown++;
    const from = f.flow?.length ? ` (from ${f.flow[0].note}, line ${f.flow[0].line}${f.flow[0].path !== f.path ? ` of ${f.flow[0].path}` : ''})` : '';
    lines.push(`${f.path}:${f.line}:${f.column}: ${f.rule} [${f.level ?? `${f.severity}/${f.confidence}`}] ${f.message}${from}`);
  }
  for (const e of errors) lines.push(`${e.path}: error: ${e.message}`);
  const s = shown === 1 ? '' : 's';
  const total = shown === 0 ? `No findings${suppressed ? ` (${suppressed} suppressed)` : ''}` : `Found ${shown} finding${s}${suppressed ? ` (${suppressed} suppressed)` : ''}`;
  const files = new Set(errors.map((e) => e.path)).size;
  lines.push(files ? `${total}; not everything was reviewed: ${files} file${files === 1 ? '' : 's'} with an error (above).` : `${total}.`);
  return lines.join('\n');
}
