import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Query } from 'web-tree-sitter';
import { setV8Flags } from '../boot/v8-flags.js';

/**
 * Loads web-tree-sitter and the Python grammar once per process. The grammar
 * is the `tree-sitter-python.wasm` shipped inside the tree-sitter-python npm
 * package: nothing is built or downloaded.
 */
let loading: Promise<Language> | undefined;

export function pythonWasmPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}

/**
 * web-tree-sitter's own wasm, resolved as a package file: left to itself it
 * looks beside its script, and in the bundle (dist/) its script is a chunk.
 */
function treeSitterWasmPath(): string {
  return createRequire(import.meta.url).resolve('web-tree-sitter/tree-sitter.wasm');
}

/** Runs at most this many files, of at most this many bytes together, are short (`shortRun`). */
const SHORT_RUN_FILES = 8;
const SHORT_RUN_BYTES = 4 << 20;

/**
 * For a short run (a pre-commit hook's or a "lint on save"'s few files),
 * keeps the grammars' wasm on V8's baseline compiler, Liftoff. By default V8
 * also compiles the hot wasm functions (the query compiler, the grammar's
 * lexer) again with its optimising compiler in the background, and node
 * waits for those compiles at exit: measured on node 20, a one-file `check`
 * spent about half its CPU time on that, and still did on four 3,000-line
 * files. A long run (a folder, a pool of workers, the server) keeps the
 * default: there the optimised code pays back. A process-wide V8 flag, so it
 * is set only before the first wasm compile, and only by a command that will
 * not start workers (`files.length` below the pool's threshold).
 */
export function shortRun(files: readonly string[]): void {
  if (loading || files.length >= SHORT_RUN_FILES) return;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      /* unreadable: reported by the check itself */
    }
  }
  // Undone before the code caches are made at exit (--liftoff-only also turns off the two tier-ups).
  if (bytes <= SHORT_RUN_BYTES) setV8Flags('--liftoff-only', '--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering');
}

/**
 * V8's budget, per wasm function, of baseline (Liftoff) work before it is
 * queued for the optimising compiler, for the server (`serverRun`): 28 times
 * node 20's default (1,800,000).
 */
const SERVER_TIERING_BUDGET = 50_000_000;
/** V8's own, which the code caches made at exit are stamped with (boot/v8-flags.ts). */
const DEFAULT_TIERING_BUDGET = 1_800_000;

/**
 * For the server (issue 19): the grammars' wasm stays on Liftoff through the
 * first analyses and tiers up only where it stays hot. With V8's default
 * budget the query compile and the first file's parse already queue dozens
 * of TurboFan compiles, which on two cores take the CPU the first
 * diagnostics wait for (measured: the server's CPU time to its first
 * diagnostics 670 → 520 ms, the wall time a quarter less). Unlike
 * `--liftoff-only` (a fifth slower on a whole-file reparse once warm), the
 * hot parser and query code still reaches TurboFan in a long session: the
 * keystroke figures stay those of the default. Process-wide, so set before
 * the first wasm compile (a worker the server starts inherits it).
 */
export function serverRun(): void {
  if (!loading) setV8Flags(`--wasm-tiering-budget=${SERVER_TIERING_BUDGET}`, `--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
}

export function loadPython(): Promise<Language> {
  loading ??= (async () => {
    await Parser.init({ locateFile: () => treeSitterWasmPath() });
    // The bytes, not the path: given a path, web-tree-sitter reads it through
    // node's `fs/promises`, whose loading (with readline's, which it
    // requires) cost a one-file `check` a few milliseconds more than the read.
    return Language.load(readFileSync(pythonWasmPath()));
  })();
  return loading;
}

export async function createParser(): Promise<Parser> {
  const language = await loadPython();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * How query ranges are counted. web-tree-sitter reports node and changed-range
 * indexes in UTF-16 code units for a parsed JS string, but 0.25 hands a
 * query's `startIndex`/`endIndex` to the C cursor as raw byte offsets (two
 * per code unit). Measured once, on a probe text, rather than assumed, so a
 * web-tree-sitter that fixes it keeps working. Measured with the rules'
 * combined query (`query`), whose facts' patterns always capture each
 * `import_statement` (imports.ts): a query compiled for the probe alone
 * would cost a one-file `check` some 10 ms, as any compile does.
 */
let rangeScale: number | undefined;

export function queryRangeScale(parser: Parser, query: Query): number {
  if (rangeScale !== undefined) return rangeScale;
  const text = 'import a\nimport b\nimport c\nimport d\n';
  const tree = parser.parse(text);
  try {
    // `import c` sits at code units 18–26, byte 36: a range [18, 19) finds it only if ranges count code units (else `import b`).
    const found = query
      .matches(tree!.rootNode, { startIndex: 18, endIndex: 19 })
      .flatMap((m) => m.captures.filter((c) => c.node.type === 'import_statement').map((c) => c.node.text));
    rangeScale = found.includes('import c') ? 1 : 2;
  } finally {
    tree?.delete();
  }
  return rangeScale;
}
