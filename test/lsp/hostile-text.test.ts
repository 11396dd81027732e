/**
 * Issue 16's hostile configuration and text, each over LSP (the large
 * files are test/lsp/hostile.test.ts): a `pyproject.toml` of 1 MB of
 * blank lines before `[tool.bandit]` (the section search was quadratic:
 * 17–46 s per open at 200 kB); `exclude_dirs` of ten stars and a folder of
 * 40 `a`s (the glob was a backtracking regex: over 60 s); a comment
 * repeating `# pysec: ignore[` (the suppression scan: 11.8 s to open,
 * 13–16 s per keystroke anywhere); a string of `select ` repeated, which
 * bandit's SIMPLE_SQL_RE read quadratically (7–11 s per keystroke). Each
 * opens, is published, answers a hover, and takes a keystroke, within a
 * time-out that only such a stall reaches (the inputs are sized so that
 * a quadratic reading takes minutes); no timing is asserted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hover } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

/** A linear server needs well under a second for each wait here; the stalls took tens of seconds at a fifth of these sizes. */
const BOUND_MS = 30_000;

type Status = { documents: { uri: string; lastRun?: { full: boolean; chars: number } }[] };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-hostile-text-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withServer(root: string | undefined, run: (c: LspClient) => Promise<void>): Promise<void> {
  const c = await LspClient.start({ ...(root ? { rootPath: root } : {}), initializationOptions: { bandit: { enabled: false } }, timeoutMs: BOUND_MS });
  try {
    await run(c);
    expect(c.alive).toBe(true);
  } finally {
    expect(await c.shutdown()).toBe(0);
  }
}

const hover = (c: LspClient, uri: string, line: number) => c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 0 } });
const codes = (p: { diagnostics: { code?: unknown }[] }) => p.diagnostics.map((d) => d.code);
/** A hover is answered: null (nothing there) or a hover, never an error. */
const answered = (h: Hover | null) => h === null || typeof h.contents === 'object' || typeof h.contents === 'string';

describe('hostile configuration', () => {
  it('a pyproject.toml of 1 MB of blank lines, then [tool.bandit] with exclude_dirs of eleven stars; a folder of 40 a\'s: read, applied, answered', { timeout: 4 * BOUND_MS }, async () => {
    const root = join(dir, 'ws');
    const deep = join(root, 'a'.repeat(40));
    const matched = join(root, `${'a'.repeat(40)}Q`);
    mkdirSync(deep, { recursive: true });
    mkdirSync(matched, { recursive: true });
    writeFileSync(join(root, 'pyproject.toml'), `${'\n'.repeat(1_000_000)}[tool.bandit]\nexclude_dirs = ["*a*a*a*a*a*a*a*a*a*a*Q*"]\n`);
    await withServer(root, async (c) => {
      const kept = pathToFileURL(join(deep, 'x.py')).href;
      const dropped = pathToFileURL(join(matched, 'x.py')).href;
      await c.open(kept, 'eval(x)\n', 1);
      await c.open(dropped, 'eval(x)\n', 1);
      // The section was found past the blank lines: its exclude_dirs apply (to the folder ending in Q only).
      expect(codes(await c.waitForDiagnostics(kept, { version: 1, timeoutMs: BOUND_MS }))).toEqual(['B307']);
      expect(codes(await c.waitForDiagnostics(dropped, { version: 1, timeoutMs: BOUND_MS }))).toEqual([]);
      // Every request asks whether the file is excluded: a hover and a keystroke, each answered.
      expect(await hover(c, kept, 0)).not.toBeNull();
      await c.change(kept, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'exec(y)\n' }]);
      expect(codes(await c.waitForDiagnostics(kept, { version: 2, timeoutMs: BOUND_MS }))).toEqual(['B307', 'B102']);
    });
  });
});

describe('hostile text', () => {
  it('a comment repeating `# pysec: ignore[` (500 kB): opens, a hover, a keystroke elsewhere re-runs its statement only', { timeout: 4 * BOUND_MS }, async () => {
    await withServer(undefined, async (c) => {
      const uri = docUri('hostile-ignore-comment.py');
      const text = `eval(x)  ${'# pysec: ignore['.repeat(31_250)}\nprobe = 1\n`;
      await c.open(uri, text, 1);
      expect(codes(await c.waitForDiagnostics(uri, { version: 1, timeoutMs: BOUND_MS }))).toEqual(['B307']);
      expect(await hover(c, uri, 0)).not.toBeNull();
      await c.change(uri, 2, [{ range: { start: { line: 1, character: 9 }, end: { line: 1, character: 9 } }, text: '2' }]);
      expect(codes(await c.waitForDiagnostics(uri, { version: 2, timeoutMs: BOUND_MS }))).toEqual(['B307']);
      const doc = (await c.request<Status>('pysec/status')).documents.find((d) => d.uri === uri)!;
      expect(doc.lastRun).toEqual({ full: false, chars: 'probe = 12'.length });
    });
  });

  it('a string of `select ` repeated (500 kB) in an execute(): B608 decided, a hover, a keystroke inside the string', { timeout: 4 * BOUND_MS }, async () => {
    await withServer(undefined, async (c) => {
      const uri = docUri('hostile-sql-string.py');
      const head = 'cursor.execute("';
      const text = `${head}${'select '.repeat(71_500)}" + x)\n`;
      await c.open(uri, text, 1);
      // No `from`: no SQL statement (bandit's reading), nothing to report.
      expect(codes(await c.waitForDiagnostics(uri, { version: 1, timeoutMs: BOUND_MS }))).toEqual([]);
      expect(answered(await hover(c, uri, 0))).toBe(true);
      // Typing in the string: its statement is read again, as bandit would (no `from`: no SQL statement).
      await c.change(uri, 2, [{ range: { start: { line: 0, character: head.length }, end: { line: 0, character: head.length } }, text: 's' }]);
      expect(codes(await c.waitForDiagnostics(uri, { version: 2, timeoutMs: BOUND_MS }))).toEqual([]);
      // And with a `from` at its end (before the closing quote) it is one.
      const end = text.length + 1 - '" + x)\n'.length;
      await c.change(uri, 3, [{ range: { start: { line: 0, character: end }, end: { line: 0, character: end } }, text: 'from t where a = ' }]);
      expect(codes(await c.waitForDiagnostics(uri, { version: 3, timeoutMs: BOUND_MS }))).toContain('B608');
    });
  });
});
