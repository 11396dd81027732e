import type { Tree } from 'web-tree-sitter';
import type { TextLines } from '../positions/lines.js';
import type { Finding, Suppression } from '../findings/finding.js';
import { parseNosec, parsePysecIgnore, type Nosec, type PysecIgnore } from './nosec.js';

/** The comment token on a line (at most one), found through the tree so that `#` inside strings is not one. */
export function commentOnLine(doc: TextLines, tree: Tree, line: number): { text: string; offset: number } | null {
  if (line < 0 || line >= doc.lineCount) return null;
  const start = doc.offsetAt({ line, character: 0 });
  // The line alone (to the next line's start, or the text's end): the whole text is not needed.
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  let i = text.indexOf('#');
  while (i >= 0) {
    const node = tree.rootNode.descendantForIndex(start + i, start + i + 1);
    if (node?.type === 'comment' && node.startIndex === start + i) {
      return { text: node.text, offset: node.startIndex };
    }
    i = text.indexOf('#', i + 1);
  }
  return null;
}

export interface LineComments {
  nosec: Nosec | null;
  ignore: PysecIgnore | null;
}

/** How a comment reads, as bandit 1.9 (`# nosec`) and pysec (`# pysec: ignore[...]`) read it. */
export function readComment(text: string, ignoreNosec = false): LineComments {
  return { nosec: ignoreNosec ? null : parseNosec(text), ignore: parsePysecIgnore(text) };
}

/** The comments of a document by line, read once each (a cache over `commentOnLine`). */
export function lineCommentReader(doc: TextLines, tree: Tree, ignoreNosec = false): (line: number) => LineComments | null {
  const cache = new Map<number, LineComments | null>();
  return (line: number): LineComments | null => {
    if (cache.has(line)) return cache.get(line)!;
    const c = commentOnLine(doc, tree, line);
    const v = c ? readComment(c.text, ignoreNosec) : null;
    cache.set(line, v);
    return v;
  };
}

/**
 * Marks findings that a comment silences, the way bandit 1.9 decides it
 * (`BanditTester._get_nosecs_from_contexts`): the ids of the `# nosec` on the
 * issue's own line, plus those of the first line of the node's range that
 * has one; an empty set silences everything. `# pysec: ignore[...]` on the
 * same lines silences the ids it names.
 */
export function applySuppressions(findings: readonly Finding[], doc: TextLines, tree: Tree, ignoreNosec = false): Finding[] {
  const at = lineCommentReader(doc, tree, ignoreNosec);
  return findings.map((f) => {
    const suppressed = suppressionFor(f, doc, at);
    return suppressed === f.suppressed ? f : { ...f, suppressed };
  });
}

/** 0-based lines bandit associates with a finding: the issue's line and its node's first and last. */
export interface FindingLines {
  issue: number;
  first: number;
  last: number;
}

export function findingLines(f: Finding, doc: TextLines): FindingLines {
  return {
    issue: doc.positionAt(f.range.start).line,
    first: doc.positionAt(f.anchor.start).line,
    last: doc.positionAt(Math.max(f.anchor.start, f.anchor.end - 1)).line,
  };
}

function suppressionFor(f: Finding, doc: TextLines, at: (line: number) => LineComments | null): Suppression | null {
  return suppressionAt(f.rule, findingLines(f, doc), at);
}

/**
 * Whether (and by which comment) the comments `at` each line silence a
 * finding of `rule` on `lines`: bandit 1.9's union of the issue line's
 * `# nosec` and the first one in the node's range; then `# pysec: ignore`.
 */
export function suppressionAt(rule: string, lines: FindingLines, at: (line: number) => LineComments | null): Suppression | null {
  const { issue: issueLine, first, last } = lines;

  // bandit: the issue line's nosec, and the first nosec in the node's range.
  const own = at(issueLine)?.nosec ?? null;
  let ctxLine = -1;
  let ctx: Nosec | null = null;
  for (let l = first; l <= last; l++) {
    const n = at(l)?.nosec;
    if (n) {
      ctx = n;
      ctxLine = l;
      break;
    }
  }
  if (own || ctx) {
    const ids = new Set([...(own?.ids ?? []), ...(ctx?.ids ?? [])]);
    if (ids.size === 0 || ids.has(rule)) {
      const useOwn = own && (own.ids.size === 0 || own.ids.has(rule));
      const by = useOwn ? own! : (ctx ?? own!);
      return { kind: 'nosec', justification: by.justification, line: useOwn ? issueLine : ctxLine >= 0 ? ctxLine : issueLine };
    }
  }
  for (const l of new Set([issueLine, ...range(first, last)])) {
    const ig = at(l)?.ignore;
    if (ig && ig.ids.has(rule)) return { kind: 'pysec-ignore', justification: ig.justification, line: l };
  }
  return null;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
