import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../findings/finding.js';
import { offsetRange, type PositionEncoding } from '../positions/encoding.js';

/** What `findingOf` reads of a diagnostic's `data` (diagnostics/convert.ts `DiagnosticData`). */
interface FindingData {
  version: number;
  offsets: [number, number];
  issueLine: number;
}

function findingData(data: unknown): FindingData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { version, offsets, issueLine } = data as Record<string, unknown>;
  if (typeof version !== 'number' || typeof issueLine !== 'number' || !Array.isArray(offsets) || offsets.length !== 2) return undefined;
  if (typeof offsets[0] !== 'number' || typeof offsets[1] !== 'number') return undefined;
  return { version, offsets: [offsets[0], offsets[1]], issueLine };
}

export function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The finding a diagnostic of ours stands for. Its `data` names it (the
 * finding's offsets in the version it was published for; if bandit's
 * finding has since taken that line's place, the same rule on the same
 * line). A diagnostic without our data (LSP lets a client drop it) or of an
 * older version is matched as the client shows it: same rule and range,
 * else, without data, same rule and line.
 */
export function findingOf(d: Diagnostic, visible: readonly Finding[], doc: TextDocument, encoding: PositionEncoding): Finding | undefined {
  const candidates = visible.filter((f) => f.rule === d.code);
  const data = findingData(d.data);
  const lineOf = (f: Finding) => doc.positionAt(f.range.start).line;
  if (data?.version === doc.version) {
    const [start, end] = data.offsets;
    return candidates.find((f) => f.range.start === start && f.range.end === end) ?? candidates.find((f) => lineOf(f) === data.issueLine);
  }
  const exact = candidates.find((f) => sameRange(offsetRange(doc, f.range.start, f.range.end, encoding), d.range));
  if (exact) return exact;
  const version = (d.data as { version?: unknown } | undefined)?.version;
  if (typeof version === 'number' && version !== doc.version) return undefined;
  return candidates.find((f) => lineOf(f) === d.range.start.line);
}
