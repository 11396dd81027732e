import { createHash } from 'node:crypto';
import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { memo, parentOf } from '../memo.js';
import { enclosingClass } from './resolve.js';
import type { Analysis, ProjectIndex } from './state.js';
import { mapLeaves, type Value } from './value.js';

/**
 * The keys that summary.ts caches analyses by, across edits: a scope's text
 * and what decides how its calls resolve, not its place (a def an edit
 * above only moved keeps its analysis, its steps rebased: `rebase`).
 */

/** One file as the layer sees it. */
export interface FileScope {
  root: Node;
  ctx: FileContext;
  /** Null: the file being asked about; else the project file's path (its steps name it). */
  file: string | null;
  project?: ProjectIndex;
  /** The dotted name it was imported by, for a project module (its defs are found again by it). */
  module?: string;
}

export function importsSignature(ctx: FileContext): string {
  return memoSig.get(ctx) ?? (memoSig.set(ctx, ctx.imports.map((i) => `${i.aliases.map((x) => x.join('=')).join(',')};${i.modules.join(',')}`).join('|')), memoSig.get(ctx)!);
}
const memoSig = new WeakMap<FileContext, string>();

/**
 * A scope's key: its file, its text (which changes with any edit inside it)
 * and what decides how its calls resolve — its class's name, the text of
 * the def it is nested in. Not its place: a def that an edit above only
 * moved keeps its analysis, rebased (`rebase`).
 */
export function scopeKey(scope: Node, file: string | null): string {
  // Per file as named: one tree may be asked about as the document and as another's project module.
  return memo(scope, `flowKey:${file ?? ''}`, (s) => digest(scopeText(s, file)));
}

/**
 * A long key kept as its digest: the cache holds thousands of keys across
 * edits, and a module's (its whole text) or a big def's would keep a copy
 * of that text alive per edit.
 */
function digest(key: string): string {
  return key.length <= 256 ? key : `#${createHash('sha256').update(key).digest('base64')}`;
}

function scopeText(s: Node, file: string | null): string {
  {
    if (s.type === 'module') return `${file ?? ''}\u0000module\u0000${s.tree.rootNode.text}`;
    const outermost = outermostDef(s);
    const cls = enclosingClass(s)?.childForFieldName('name')?.text ?? '';
    // Decorators decide what a framework passes the parameters (`@app.route("/<int:x>")`).
    const parent = parentOf(s);
    const own = parent?.type === 'decorated_definition' ? parent.text : s.text;
    return `${file ?? ''}\u0000${cls}\u0000${outermost.id === s.id ? '' : outermost.text}\u0000${own}`;
  }
}

/**
 * The key of a scope's analysis: its scope key, and whether the project's
 * other modules were there to follow (a rule asks without them, the grading
 * with them: a call into a helper module resolves in one and not the other,
 * so their analyses are kept apart).
 */
export function analysisKey(scope: Node, fs: FileScope): string {
  // The file asked about (fs.file null) is named too: an identical def in another file may resolve its names elsewhere
  // (a module found there and not here is no dependency a kept analysis would check).
  const key = scopeKey(scope, fs.file ?? `\u0001${fs.ctx.filename}`);
  return fs.project ? `${key}\u0000project` : key;
}

/** The outermost def around a def (itself at module or class level). */
function outermostDef(def: Node): Node {
  let out = def;
  for (let p = parentOf(def); p; p = parentOf(p)) if (p.type === 'function_definition') out = p;
  return out;
}

/**
 * A value read from an analysis made where the scope stood before (an edit
 * above moved it): the steps inside the moved def shifted to where they are now.
 */
export function rebase(v: Value, a: Analysis, scope: Node): Value {
  const dOffset = scope.startIndex - a.base.start;
  const dRow = scope.startPosition.row - a.base.row;
  if (dOffset === 0 && dRow === 0) return v;
  const start = a.baseFrom;
  const end = a.base.end;
  return mapLeaves(v, (leaf) => {
    if (leaf.t !== 'taint') return leaf;
    let moved = false;
    const path = leaf.path.map((s) => {
      if (s.file !== a.file || s.span.start < start || s.span.end > end) return s;
      moved = true;
      return { ...s, span: { start: s.span.start + dOffset, end: s.span.end + dOffset }, line: s.line + dRow };
    });
    return moved ? { ...leaf, path } : leaf;
  });
}

