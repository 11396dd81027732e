/**
 * The hostile inputs of issue 16 as Python texts: each holds a line
 * `probe = 1` (alone on its line) that a test edits, to count what a
 * keystroke re-runs. Deterministic (mulberry32).
 */
import { mulberry32 } from './random.js';

export const PROBE = 'probe = 1';

export interface HostileCase {
  name: string;
  text: string;
  /**
   * A binary file, and why (as the server says it): it holds NUL, or one
   * character in 8 is a control character. Said once, never parsed nor
   * analysed (files/decode.ts `looksBinary`).
   */
  binary?: string;
  /**
   * Text that is mostly not Python (engine/parse.ts: syntax errors cover
   * more than half of it): not analysed, held as a binary one is, said once.
   */
  notParsed?: boolean;
  /** What `check` is given instead, when it holds a larger size than the server (`check` keeps no diagnostics). */
  checkText?: string;
  /** So many findings: the server publishes MAX_PUBLISHED of them and a PSN008 notice saying how many more. */
  capped?: number;
}

/** `size` random characters U+0000–U+00FF (a byte each, read as Latin-1); from U+0001 with `nul: false`. */
function randomBytes(size: number, { nul }: { nul: boolean }): string {
  const rng = mulberry32(16);
  const [low, span] = nul ? [0, 256] : [1, 255];
  const out: string[] = [];
  for (let i = 0; i < size; i += 4096) {
    let chunk = '';
    for (let j = 0; j < 4096 && i + j < size; j++) chunk += String.fromCharCode(low + Math.floor(rng() * span));
    out.push(chunk);
  }
  return out.join('');
}

/** `size` random printable ASCII characters, spaces, tabs and newlines: text, far from Python. */
function randomText(size: number): string {
  const rng = mulberry32(61);
  const alphabet = ' \t\n!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
  const out: string[] = [];
  for (let i = 0; i < size; i += 4096) {
    let chunk = '';
    for (let j = 0; j < 4096 && i + j < size; j++) chunk += alphabet[Math.floor(rng() * alphabet.length)];
    out.push(chunk);
  }
  return out.join('');
}

const MB = 1_000_000;

/**
 * Issue 16's hostile inputs at its sizes: 10 MB of random bytes (with
 * NULs, and without), a 10 MB
 * dict on one line, 100,000 imports, 100,000 calls on one line, a
 * 10,000-part concatenation, 20,000 nested dicts and lists. Each is held
 * to the same budgets (test/lsp/hostile.test.ts): it opens, the server
 * stays under 1 GB, a hover is answered, a keystroke re-runs only its
 * statement. 100,000 calls on one line are 100,000 findings (B307): the
 * server publishes the first 1,000 and one notice (PSN008) for the rest
 * (handlers/publish.ts MAX_PUBLISHED); published whole they made a 58 MB
 * message and a 1.24 GB peak.
 */
export function hostileCases(): HostileCase[] {
  const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i));
  const half = (xs: string[]) => [...xs.slice(0, xs.length >> 1), PROBE, ...xs.slice(xs.length >> 1)].join('\n') + '\n';
  const entries: string[] = [];
  for (let i = 0, size = 0; size < 10 * MB - 100; i++) {
    const e = `'k${i}': ${i}`;
    entries.push(e);
    size += e.length + 2;
  }
  return [
    { name: 'random bytes (10 MB)', text: `${randomBytes(10 * MB, { nul: true })}\n${PROBE}\n`, binary: 'it holds NUL bytes' },
    // No NUL: its control characters (~23% of it) make it binary all the same. Parsed, it took tree-sitter past 1 GB.
    {
      name: 'random bytes without a NUL (10 MB)',
      text: `${randomBytes(10 * MB, { nul: false })}\n${PROBE}\n`,
      binary: 'one character in 8 or more is a control character',
    },
    // Printable, so not binary; one ERROR node once parsed, and analysed whole it took the server past 1.4 GB.
    { name: 'random printable text (10 MB)', text: `${randomText(10 * MB)}\n${PROBE}\n`, notParsed: true },
    { name: 'one line (a 10 MB dict)', text: `x = {${entries.join(', ')}}\n${PROBE}\n` },
    { name: '100,000 imports', text: half(lines(100_000, (i) => `import m${i}`)) },
    { name: '100,000 eval() calls on one line', text: `${'eval(x); '.repeat(100_000)}\n${PROBE}\n`, capped: 100_000 },
    { name: 'a 10,000-part concatenation', text: `q = "select a " + ${lines(10_000, (i) => `v${i}`).join(' + "," + ')} + " from t"\ncursor.execute(q)\n${PROBE}\n` },
    { name: '20,000 nested dicts', text: `x = ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}\n${PROBE}\n` },
    { name: '20,000 nested lists', text: `x = ${'['.repeat(20_000)}1${']'.repeat(20_000)}\nsubprocess.run(${'['.repeat(20_000)}"ls"${']'.repeat(20_000)})\n${PROBE}\n` },
  ];
}
