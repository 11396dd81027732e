import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';

/** A client sent params the server cannot take: said as such, never with a stack trace. */
export class MalformedInputError extends Error {
  override name = 'MalformedInputError';
}

const isUinteger = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function isPosition(p: unknown): boolean {
  if (!p || typeof p !== 'object') return false;
  const { line, character } = p as { line?: unknown; character?: unknown };
  return isUinteger(line) && isUinteger(character);
}

/**
 * Checks every change of a didChange before any is applied: a malformed one
 * (not an object, a text that is not a string, a range without both
 * positions, a position that is not a non-negative integer) refuses the
 * whole notification, so the document never holds half of it. Positions
 * past a line's or the document's end are fine: LSP says they clamp.
 */
export function checkChanges(changes: unknown): asserts changes is TextDocumentContentChangeEvent[] {
  if (!Array.isArray(changes)) throw new MalformedInputError('didChange: contentChanges is not an array; the change was ignored');
  changes.forEach((c: unknown, i) => {
    const what = (why: string) => new MalformedInputError(`didChange: change ${i + 1} of ${changes.length} ${why}; the whole notification was ignored, the document keeps its previous text`);
    if (!c || typeof c !== 'object') throw what('is not an object');
    const { text, range } = c as { text?: unknown; range?: unknown };
    if (typeof text !== 'string') throw what('has no text string');
    // No range (or null, which some clients send): the whole text.
    if (range === undefined || range === null) return;
    const r = range as { start?: unknown; end?: unknown };
    if (typeof r !== 'object' || !isPosition(r.start) || !isPosition(r.end)) throw what('has a range whose positions are not non-negative integers');
  });
}

const DOCUMENT_NOTIFICATIONS = new Set(['didOpen', 'didChange', 'didClose', 'didSave']);

/**
 * The params of a document notification, checked before its handler runs:
 * an object with a `textDocument.uri` string (and a `text` string for
 * didOpen); didChangeWatchedFiles a `changes` array. Other names pass unchecked.
 */
export function checkNotification(method: string, params: unknown): void {
  if (!DOCUMENT_NOTIFICATIONS.has(method) && method !== 'didChangeWatchedFiles') return;
  const bad = (why: string) => new MalformedInputError(`${method}: ${why}; the notification was ignored`);
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw bad('its params are not an object');
  const p = params as { textDocument?: { uri?: unknown; text?: unknown }; changes?: unknown };
  if (method === 'didChangeWatchedFiles') {
    if (!Array.isArray(p.changes)) throw bad('changes is not an array');
    return;
  }
  if (!p.textDocument || typeof p.textDocument !== 'object' || typeof p.textDocument.uri !== 'string') throw bad('textDocument.uri is not a string');
  if (method === 'didOpen' && typeof p.textDocument.text !== 'string') throw bad('textDocument.text is not a string');
}
