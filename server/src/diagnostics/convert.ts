import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, FlowStep, Level, Risk } from '../findings/finding.js';
import { owaspLabel } from '../findings/owasp.js';
import { positionFromUtf16, type PositionEncoding } from '../documents/encoding.js';
import { DEFAULT_MATRIX, findingSeverity, type SeverityMapping, type SeverityMatrix } from './severity.js';

export const SOURCE = 'pysec';

/** What a later code action needs, carried in `Diagnostic.data` so no lookup is needed. */
export interface DiagnosticData {
  rule: string;
  name: string;
  engine: Finding['engine'];
  severity: Level;
  confidence: Level;
  risk: Risk;
  owasp: string;
  cwe: number | null;
  /** The document version the finding was computed on. */
  version: number;
  /** 0-based first and last line of the node bandit attaches the issue to. */
  anchorLines: [number, number];
  /** 0-based line bandit reports (`line_number`). */
  issueLine: number;
}

/** A message that stands alone, for clients that show nothing else. */
export function standaloneMessage(f: Finding): string {
  const cwe = f.cwe === null ? '' : ` · CWE-${f.cwe}`;
  return `${f.message} [${f.risk} risk · OWASP ${owaspLabel(f.owasp)}${cwe}]`;
}

function asMapping(m: SeverityMatrix | SeverityMapping | undefined): SeverityMapping {
  if (!m) return { matrix: DEFAULT_MATRIX, overrides: {} };
  return 'matrix' in m ? (m as SeverityMapping) : { matrix: m as SeverityMatrix, overrides: {} };
}

/**
 * A finding as an LSP diagnostic. `mapping` is the severity matrix, or the
 * matrix with per-rule overrides; an override `off` still yields a
 * diagnostic here (with the matrix's severity): drop such findings first,
 * or use `toDiagnostics`.
 */
export function toDiagnostic(
  f: Finding,
  doc: TextDocument,
  encoding: PositionEncoding,
  mapping?: SeverityMatrix | SeverityMapping,
): Diagnostic {
  const m = asMapping(mapping);
  const start = doc.positionAt(f.range.start);
  const end = doc.positionAt(f.range.end);
  const anchorFirst = doc.positionAt(f.anchor.start).line;
  const anchorLast = doc.positionAt(Math.max(f.anchor.start, f.anchor.end - 1)).line;
  const data: DiagnosticData = {
    rule: f.rule,
    name: f.name,
    engine: f.engine,
    severity: f.severity,
    confidence: f.confidence,
    risk: f.risk,
    owasp: f.owasp,
    cwe: f.cwe,
    version: doc.version,
    anchorLines: [anchorFirst, anchorLast],
    issueLine: start.line,
  };
  return {
    range: { start: positionFromUtf16(doc, start, encoding), end: positionFromUtf16(doc, end, encoding) },
    severity: findingSeverity(f, m) ?? findingSeverity(f, { matrix: m.matrix, overrides: {}, mode: m.mode })!,
    code: f.rule,
    codeDescription: { href: f.docs },
    source: SOURCE,
    message: standaloneMessage(f),
    ...(f.related?.length || f.flow?.length
      ? {
          relatedInformation: [
            ...(f.related ?? []).map((r) => ({
              location: {
                uri: doc.uri,
                range: {
                  start: positionFromUtf16(doc, doc.positionAt(r.span.start), encoding),
                  end: positionFromUtf16(doc, doc.positionAt(r.span.end), encoding),
                },
              },
              message: r.message,
            })),
            ...flowInformation(f.flow ?? [], doc, encoding),
          ],
        }
      : {}),
    data,
  };
}

/**
 * The attack path as related information, one location a step, numbered
 * (`1/3 source: …`): the source first, the sink's argument last. A step in
 * another file is placed by its line and column (UTF-16; the server does not
 * hold that file's text to convert them for other encodings).
 */
export function flowInformation(flow: readonly FlowStep[], doc: TextDocument, encoding: PositionEncoding): DiagnosticRelatedInformation[] {
  return flow.map((s, i) => {
    const here = s.file === null;
    const range = here
      ? { start: positionFromUtf16(doc, doc.positionAt(s.span.start), encoding), end: positionFromUtf16(doc, doc.positionAt(s.span.end), encoding) }
      : { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + (s.span.end - s.span.start) } };
    const role = i === 0 ? 'source' : i === flow.length - 1 ? 'sink' : 'step';
    return { location: { uri: here ? doc.uri : pathToFileURL(s.file!).href, range }, message: `${i + 1}/${flow.length} ${role}: ${s.note}` };
  });
}

/** The diagnostics of `findings` under `mapping`, without those whose rule an override turns off. */
export function toDiagnostics(
  findings: readonly Finding[],
  doc: TextDocument,
  encoding: PositionEncoding,
  mapping?: SeverityMatrix | SeverityMapping,
): Diagnostic[] {
  const m = asMapping(mapping);
  return findings.filter((f) => findingSeverity(f, m) !== null).map((f) => toDiagnostic(f, doc, encoding, m));
}
