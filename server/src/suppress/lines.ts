import type { Tree } from 'web-tree-sitter';
import type { TextLines } from '../positions/lines.js';
import { commentOnLine } from './apply.js';

/**
 * What the end of a line can take: a comment appended after its code, or
 * merged into the comment already there. Decided through the tree, so that
 * a line that ends inside a string (a triple-quoted string, an f-string
 * spanning lines) or that continues with a backslash is never given a
 * comment, which would change the string or break the code.
 */
export type LineSlot =
  | {
      ok: true;
      line: number;
      /** The comment token already on the line. */
      comment: { text: string; offset: number } | null;
      /** Where the code ends (after its last non-blank character): a new comment goes here. */
      codeEnd: number;
      /** The end of the line's text (before its line break). */
      lineEnd: number;
    }
  | { ok: false; line: number; reason: string };

/** The line's text bounds in UTF-16 offsets: start, and end before its line break. */
export function lineBounds(doc: TextLines, line: number): { start: number; end: number } {
  const text = doc.getText();
  const start = doc.offsetAt({ line, character: 0 });
  let end = line + 1 < doc.lineCount ? doc.offsetAt({ line: line + 1, character: 0 }) : text.length;
  if (end > start && text.charCodeAt(end - 1) === 0x0a) end--;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  return { start, end };
}

/** Whether offset `k` lies strictly inside a string (or a syntax error) of the tree. */
export function insideString(tree: Tree, k: number): boolean {
  let n = tree.rootNode.descendantForIndex(k, k + 1);
  for (; n; n = n.parent) {
    if (n.startIndex < k && k < n.endIndex && (n.type === 'string' || n.type === 'ERROR')) return true;
  }
  return false;
}

export function lineSlot(doc: TextLines, tree: Tree, line: number): LineSlot {
  if (line < 0 || line >= doc.lineCount) return { ok: false, line, reason: 'it is outside the document' };
  const text = doc.getText();
  const { start, end } = lineBounds(doc, line);
  const comment = commentOnLine(doc, tree, line);
  const code = text.slice(start, comment ? comment.offset : end);
  const codeEnd = start + code.trimEnd().length;
  if (comment) return { ok: true, line, comment, codeEnd, lineEnd: end };
  if (code.trim() === '') return { ok: false, line, reason: 'it is blank' };
  if (insideString(tree, end)) {
    return { ok: false, line, reason: 'it ends inside a string' };
  }
  if (text.charCodeAt(codeEnd - 1) === 0x5c /* \ */) return { ok: false, line, reason: 'it continues with a backslash' };
  const last = tree.rootNode.descendantForIndex(Math.max(0, codeEnd - 1), codeEnd);
  for (let n = last; n; n = n.parent) {
    if (n.type === 'ERROR' || n.isMissing) return { ok: false, line, reason: 'it has a syntax error' };
  }
  return { ok: true, line, comment: null, codeEnd, lineEnd: end };
}

/** An edit in UTF-16 offsets of the document. */
export interface OffsetTextEdit {
  start: number;
  end: number;
  text: string;
  /** Where in `text` the justification sits, when it is the placeholder (a snippet's tab stop). */
  tabStop?: [number, number];
}

/**
 * The edit that puts `comment` on a line: it replaces the comment already
 * there, or goes after the code (two spaces before it, as PEP 8 asks), or,
 * when `comment` is empty, removes the existing comment and the blanks
 * before it.
 */
export function commentEdit(slot: Extract<LineSlot, { ok: true }>, comment: string, tabStop?: [number, number] | null): OffsetTextEdit {
  if (comment === '') {
    const end = slot.comment ? slot.comment.offset + slot.comment.text.length : slot.lineEnd;
    return { start: slot.codeEnd, end, text: '' };
  }
  if (slot.comment) {
    const start = slot.comment.offset;
    return { start, end: start + slot.comment.text.length, text: comment, ...(tabStop ? { tabStop } : {}) };
  }
  const prefix = '  ';
  return {
    start: slot.codeEnd,
    end: slot.lineEnd,
    text: prefix + comment,
    ...(tabStop ? { tabStop: [tabStop[0] + prefix.length, tabStop[1] + prefix.length] as [number, number] } : {}),
  };
}
