import type { Node, Tree } from 'web-tree-sitter';
import type { TextLines } from '../positions/lines.js';
import type { Finding } from '../findings/finding.js';
import type { FindingLines } from './apply.js';
import { isBanditId } from './comment.js';

/**
 * How bandit 1.6 reads a `# nosec`, for what the suppress actions must say.
 *
 * 1.6 collects every line whose comment contains `#nosec` or `# nosec`
 * (ids are not read: any such comment is blanket), then skips every AST
 * node that starts on such a line together with everything under it
 * (`BanditNodeVisitor.pre_visit`), and drops a result whose line or whose
 * node's line is one of them (`BanditTester.run_tests`). So a comment
 * written for one finding also silences, on 1.6, every other finding on
 * its line — and under a statement that starts there (a multi-line call's
 * other arguments, a `def`'s whole body).
 *
 * And 1.6 reports B106 (a password passed as a keyword argument) on the
 * call's first line, where 1.9 reports it on the argument's own line
 * (`kw.value.lineno`): 1.6 reads no comment on that line.
 */

/** Tests whose issue line 1.9 moved off the node's first line: 1.6 reports (and reads a comment) only there. */
export const ISSUE_LINE_MOVED_AFTER_16: ReadonlySet<string> = new Set(['B106']);

/** Whether bandit 1.6 reads a comment as `# nosec` (a substring test, as `manager._parse_file` does). */
export function nosec16(comment: string | null | undefined): boolean {
  return !!comment && (comment.includes('#nosec') || comment.includes('# nosec'));
}

/**
 * The rows a `# nosec` on `line` silences on bandit 1.6: the line, and the
 * whole of the outermost node that starts on it (a statement, a keyword
 * argument on a continuation line). A decorator's line skips the decorator
 * only: Python puts the function at its `def`.
 */
export function skippedRows16(doc: TextLines, tree: Tree, line: number): { first: number; last: number } {
  const text = doc.getText();
  let k = doc.offsetAt({ line, character: 0 });
  const end = line + 1 < doc.lineCount ? doc.offsetAt({ line: line + 1, character: 0 }) : text.length;
  while (k < end && (text[k] === ' ' || text[k] === '\t' || text[k] === '\f')) k++;
  let last = line;
  let n: Node | null = k < end ? tree.rootNode.descendantForIndex(k, k + 1) : null;
  for (; n && n.parent && n.startPosition.row === line; n = n.parent) {
    if (n.type === 'decorated_definition' || n.type === 'module') break;
    last = Math.max(last, n.endPosition.row - (n.endPosition.column === 0 && n.endPosition.row > line ? 1 : 0));
  }
  return { first: line, last };
}

/**
 * Other findings a new `# nosec` on `line` would silence on bandit 1.6 and
 * not on 1.9: bandit's tests, outside `exclude` (the targets and those
 * already named as collateral), not already under a 1.6 `# nosec`, whose
 * line or node starts on that line or lies within the statement starting
 * there. Their ids, and whether any is off the line itself.
 */
export function silencedOn16(
  doc: TextLines,
  tree: Tree,
  line: number,
  others: readonly { f: Finding; lines: FindingLines }[],
  exclude: ReadonlySet<Finding>,
  commentAt: (line: number) => string | null,
): { ids: string[]; beyondLine: boolean } {
  if (nosec16(commentAt(line))) return { ids: [], beyondLine: false };
  const rows = skippedRows16(doc, tree, line);
  const ids: string[] = [];
  let beyondLine = false;
  for (const { f, lines } of others) {
    if (exclude.has(f) || !isBanditId(f.rule)) continue;
    const onLine = lines.issue === line || lines.first === line;
    const within = lines.first >= rows.first && lines.last <= rows.last;
    if (!onLine && !within) continue;
    if (nosec16(commentAt(lines.issue)) || nosec16(commentAt(lines.first))) continue;
    if (!ids.includes(f.rule)) ids.push(f.rule);
    if (lines.issue !== line) beyondLine = true;
  }
  return { ids: ids.sort(), beyondLine };
}
