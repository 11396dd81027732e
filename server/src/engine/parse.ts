import type { Parser, Tree } from 'web-tree-sitter';
import { asPythonReadsIt } from './newlines.js';

/**
 * Every parse of workspace text goes through here, bounded in memory.
 * tree-sitter's error recovery on text that is far from Python costs far more
 * than Python does: 10 MB of random printable characters grew its wasm heap
 * past 1.5 GB (measured: 2 MB of them, 320 MB; a 10 MB one-line dict, 465 MB;
 * 5 MB of the standard library, 135 MB), and wasm memory is never given back
 * to the system. So a parse that has grown the process's resident memory by
 * PARSE_MEMORY_LIMIT is abandoned, and its text is not analysed (said once,
 * as a binary file is). The growth is read from the RSS every
 * CHECK_EVERY progress callbacks (a callback comes every few dozen
 * characters of such text), which costs nothing a keystroke would notice.
 */
export const PARSE_MEMORY_LIMIT = 512 * 1024 * 1024;
const CHECK_EVERY = 64;
/**
 * Texts shorter than this are parsed unwatched: the worst measured, random
 * printable text, grows the heap by ~160 bytes a character, so 1 MB of it
 * stays far under the limit; and reading the RSS is a system call, which on
 * the whole standard library cost 3% of `check`.
 */
const WATCHED_FROM = 1_000_000;

/** Why a text was not analysed when its parse was abandoned. */
export const NOT_PARSED = `parsing it would take more than ${PARSE_MEMORY_LIMIT / (1024 * 1024)} MB of memory (the text is far from Python)`;

/** A parse from text or a reader of `size` characters, as web-tree-sitter takes it; null when abandoned over the memory bound. */
export function parseWithin(parser: Parser, input: string | ((index: number) => string | undefined), size: number, old?: Tree | null): Tree | null {
  if (size < WATCHED_FROM) return parser.parse(input, old ?? null);
  const base = process.memoryUsage.rss();
  let calls = 0;
  const tree = parser.parse(input, old ?? null, {
    progressCallback: () => ++calls % CHECK_EVERY === 0 && process.memoryUsage.rss() - base > PARSE_MEMORY_LIMIT,
  });
  // An abandoned parse leaves the parser ready to resume it: the next parse must start afresh.
  if (!tree) parser.reset();
  return tree;
}

/** A file's text parsed as Python reads it (engine/newlines.ts); null when abandoned over the memory bound. */
export function parsePython(parser: Parser, text: string): Tree | null {
  return parseWithin(parser, asPythonReadsIt(text), text.length);
}
