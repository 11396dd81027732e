import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Point, Tree } from 'web-tree-sitter';
import type { OffsetEdit } from '../engine/incremental.js';
import { hasMarkerWord, MARKER_WORD_LENGTH } from '../suppress/hygiene.js';
import { positionToUtf16, type PositionEncoding } from '../positions/encoding.js';
import { advance } from '../positions/lines.js';
import type { DocumentText } from './text.js';

function point(p: Position): Point {
  return { row: p.line, column: p.character };
}

/**
 * Applies LSP content changes (positions in the client's encoding) to the
 * text, one after the other as the protocol orders, and the same edits to
 * the tree when there is one (a binary text's tree is an empty module's, not
 * its text's: not edited). Returns the edits in the text's UTF-16 offsets,
 * for carrying findings and re-running the rules, and whether the text now
 * holds a marker word (`nosec`/`pysec`): false stays known only when it was
 * known before and no edit brought one in; undefined is "look again".
 */
export function applyContentChanges(
  doc: DocumentText,
  tree: Tree | undefined,
  changes: readonly TextDocumentContentChangeEvent[],
  encoding: PositionEncoding,
  markerWords: boolean | undefined,
): { edits: OffsetEdit[]; markerWords: boolean | undefined } {
  const edits: OffsetEdit[] = [];
  for (const change of changes) {
    if ('range' in change && change.range) {
      const a = doc.offsetAt(positionToUtf16(doc, change.range.start, encoding));
      const b = doc.offsetAt(positionToUtf16(doc, change.range.end, encoding));
      // A lone `\r` before the edit may become half of a `\r\n` (or stop being one): its
      // newline as the parser sees it (engine/newlines.ts) changes, so the edit starts there.
      const at = Math.min(a, b);
      const start = at > 0 && doc.charCodeAt(at - 1) === 0x0d ? at - 1 : at;
      const oldEnd = Math.max(a, b);
      const startPos = doc.positionAt(start);
      const oldEndPos = doc.positionAt(oldEnd);
      const newEnd = at + change.text.length;
      tree?.edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition: point(startPos),
        oldEndPosition: point(oldEndPos),
        newEndPosition: point(advance(startPos, doc.slice(start, at) + change.text)),
      });
      doc.replace(at, oldEnd, change.text);
      edits.push({ start, oldEnd, newEnd });
      // None before: one now lies across the new text or the join (a deletion's).
      if (markerWords === false) markerWords = hasMarkerWord(doc.slice(Math.max(0, start - MARKER_WORD_LENGTH + 1), newEnd + MARKER_WORD_LENGTH - 1));
      else markerWords = undefined;
    } else {
      const oldEnd = doc.length;
      tree?.edit({
        startIndex: 0,
        oldEndIndex: oldEnd,
        newEndIndex: change.text.length,
        startPosition: { row: 0, column: 0 },
        oldEndPosition: point(doc.positionAt(oldEnd)),
        newEndPosition: point(advance({ line: 0, character: 0 }, change.text)),
      });
      doc.replace(0, oldEnd, change.text);
      edits.push({ start: 0, oldEnd, newEnd: change.text.length });
      markerWords = undefined;
    }
  }
  return { edits, markerWords };
}
