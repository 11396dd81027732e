import type { Node, Parser, Tree } from 'web-tree-sitter';
import { asPythonReadsIt } from './newlines.js';

/**
 * Every parse of workspace text goes through here, with two verdicts that
 * keep a hostile file within the server's memory bound (issue 16), each
 * making the text one that is held as a binary one is: not analysed, said
 * once (an open document over the memory bound is not parsed again while it
 * is open; one mostly not Python is parsed afresh at its next change).
 *
 * - Mostly not Python. tree-sitter parses 10 MB of random printable text
 *   into one `ERROR` node in about the memory a 10 MB dict takes (~30 bytes a
 *   byte of UTF-16), but the rules and the flow layer over such a tree then
 *   took the process past 1.4 GB, and each keystroke reparsed all of it. A
 *   large text (WATCHED_FROM) whose top-level syntax errors cover more than
 *   half of it is not analysed. A legitimate file with a syntax error keeps
 *   its error local (one statement), so it is analysed as before.
 * - Memory. A parse that has grown the process's resident memory by
 *   PARSE_MEMORY_LIMIT is abandoned (wasm memory is never given back). The
 *   growth is read from the RSS every CHECK_EVERY progress callbacks, for
 *   large texts only: reading it is a system call (3% of `check` on the
 *   standard library when read for every file).
 */
export const PARSE_MEMORY_LIMIT = 768 * 1024 * 1024;
const CHECK_EVERY = 64;
/** Texts shorter than this are neither watched nor judged (1 MB of the worst text takes ~60 MB to parse). */
export const WATCHED_FROM = 1_000_000;

/** Why a text was not analysed when its parse was abandoned. */
export const NOT_PARSED = `parsing it would take more than ${PARSE_MEMORY_LIMIT / (1024 * 1024)} MB of memory`;
/** Why a large text whose syntax errors cover most of it was not analysed. */
export const NOT_PYTHON = 'most of it is not Python (syntax errors cover more than half of it)';

/** How much of the text the syntax errors at the top level of `root` cover (0–1). */
function errorShare(root: Node, size: number): number {
  if (root.type === 'ERROR') return 1;
  let covered = 0;
  for (const child of root.children) if (child && child.type === 'ERROR') covered += child.endIndex - child.startIndex;
  return covered / Math.max(1, size);
}

/**
 * A parse from text or a reader of `size` characters, as web-tree-sitter
 * takes it: the tree, or why the text is not analysed (the tree deleted).
 */
export function parseWithin(parser: Parser, input: string | ((index: number) => string | undefined), size: number, old?: Tree | null): Tree | string {
  if (size < WATCHED_FROM) return parser.parse(input, old ?? null) ?? 'tree-sitter returned no tree';
  const base = process.memoryUsage.rss();
  let calls = 0;
  const tree = parser.parse(input, old ?? null, {
    progressCallback: () => ++calls % CHECK_EVERY === 0 && process.memoryUsage.rss() - base > PARSE_MEMORY_LIMIT,
  });
  if (!tree) {
    // An abandoned parse leaves the parser ready to resume it: the next parse must start afresh.
    parser.reset();
    return NOT_PARSED;
  }
  if (tree.rootNode.hasError && errorShare(tree.rootNode, size) > 0.5) {
    tree.delete();
    return NOT_PYTHON;
  }
  return tree;
}

/** A file's text parsed as Python reads it (engine/newlines.ts): the tree, or why it is not analysed. */
export function parsePythonOrWhy(parser: Parser, text: string): Tree | string {
  return parseWithin(parser, asPythonReadsIt(text), text.length);
}

/** The same, null when the text is not analysed. */
export function parsePython(parser: Parser, text: string): Tree | null {
  const tree = parsePythonOrWhy(parser, text);
  return typeof tree === 'string' ? null : tree;
}
