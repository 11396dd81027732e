/**
 * Emacs end to end (Debian's emacs-nox 28 with elpa-eglot 1.9 and
 * elpa-lsp-mode 8.0, in `emacs --batch -Q`): the setups of editors/emacs
 * start the real server; the drivers wait for the B307 diagnostic, apply
 * "pysec: suppress B307 on this line" and wait for the diagnostic to go.
 * lsp-mode runs it as an add-on beside a stand-in main server; Eglot (one
 * server a buffer) runs it alone; the Flymake backend runs `pysec-lsp check` beside Eglot on the main server.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_JS } from '../lsp/client.js';
import { DRIVERS_DIR, EDITORS_DIR, FIXTURE, MAIN_SERVER, REAL_SERVER, runDriver, SILENT_SERVER, SUPPRESSED, editorPresent } from './harness.js';

const present = editorPresent('emacs');
const emacs = (driver: string, opts: Parameters<typeof runDriver>[3]) =>
  runDriver('emacs', ['--batch', '-Q', '-L', join(DRIVERS_DIR, 'emacs'), '-l', 'e2e-common', '-l', join(DRIVERS_DIR, 'emacs', driver)], join(EDITORS_DIR, 'emacs'), opts);

function ok(run: Awaited<ReturnType<typeof runDriver>>): Record<string, unknown> {
  expect(run.result, `${run.stdout}\n${run.stderr}`).toBeDefined();
  expect(run.result!.error, `${JSON.stringify(run.result)}\n${run.stderr}`).toBeUndefined();
  expect(run.result!.emacs).toMatch(/^\d+\./);
  return run.result!;
}

describe.skipIf(!present)('Emacs end to end', () => {
  describe('Eglot (editors/emacs/pysec-eglot.el)', () => {
    it('shows the B307 diagnostic in Flymake, and the suppress action writes the comment and clears it', { timeout: 180_000 }, async () => {
      const run = await emacs('eglot-e2e.el', { server: REAL_SERVER });
      const r = ok(run);
      expect(r.mode).toBe('python-mode');
      expect(r.before).toEqual([{ line: 2, text: expect.stringMatching(/^pysec \[B307\]: Use of possibly insecure function/) }]);
      expect(r.actions).toEqual(expect.arrayContaining(['pysec: suppress B307 on this line', 'pysec: suppress B307 on this line — accepted risk: reviewed']));
      expect(r.text).toBe(SUPPRESSED);
      expect(r.after).toEqual(['PSN005']);
      expect(run.fileOnDisk).toBe(FIXTURE);
    });

    it('fails with "no diagnostics" against a server that publishes nothing', { timeout: 180_000 }, async () => {
      const run = await emacs('eglot-e2e.el', { server: SILENT_SERVER, diagnosticsWaitMs: 3_000 });
      expect(run.result?.error).toBe('no diagnostics');
      expect(run.result?.text).toBeUndefined();
    });
  });

  describe('lsp-mode (editors/emacs/pysec-lsp-mode.el)', () => {
    it('runs as an add-on beside the main server; the suppress action writes the comment and clears the diagnostic', { timeout: 180_000 }, async () => {
      const run = await emacs('lsp-mode-e2e.el', { server: REAL_SERVER, main: MAIN_SERVER });
      const r = ok(run);
      expect(r.servers).toEqual(['pysec', 'stub-main']);
      expect(r.before).toEqual([{ line: 2, message: expect.stringMatching(/^Use of possibly insecure function/) }]);
      expect(r.context).toEqual(['Pyright', 'pysec']);
      expect(r.actions).toEqual(expect.arrayContaining(['pysec: suppress B307 on this line', 'stub: ignore this']));
      expect(r.text).toBe(SUPPRESSED);
      expect(r.after).toEqual(['Pyright:reportStub', 'pysec:PSN005']);
      expect(run.fileOnDisk).toBe(FIXTURE);
    });

    it('fails with "no diagnostics" against a server that publishes nothing', { timeout: 180_000 }, async () => {
      const run = await emacs('lsp-mode-e2e.el', { server: SILENT_SERVER, diagnosticsWaitMs: 3_000 });
      expect(run.result?.error).toBe('no diagnostics');
      expect(run.result?.text).toBeUndefined();
    });
  });

  describe('Flymake backend (editors/emacs/pysec-flymake.el)', () => {
    it('beside Eglot on the main server: reports the finding of `pysec-lsp check`, and re-checks the unsaved text through a private copy it removes', { timeout: 180_000 }, async () => {
      const run = await emacs('flymake-e2e.el', { server: [process.execPath, SERVER_JS, 'check', '--no-bandit'], main: MAIN_SERVER });
      const r = ok(run);
      // Eglot replaced Flymake's backends with its own; pysec-flymake put itself back.
      expect(r.backends).toEqual(expect.arrayContaining(['eglot-flymake-backend', 'pysec-flymake']));
      expect(r.main).toEqual([expect.stringContaining('stub main server: eval here')]);
      expect(r['main-after']).toEqual([expect.stringContaining('stub main server: eval here')]);
      expect(r.before).toEqual([{ line: 2, text: 'eval(expr)', type: ':warning', message: expect.stringMatching(/^B307 \[MEDIUM\/HIGH\] Use of possibly insecure function/) }]);
      expect(r.modified).toBe(true);
      expect(r.text).toBe('def run(expr):\n    return eval(expr)  # nosec B307  # reviewed\n');
      expect(r['temp-left']).toEqual([]);
      expect(run.fileOnDisk).toBe(FIXTURE);
    });

    it('fails with "no diagnostics" when the command reports nothing', { timeout: 180_000 }, async () => {
      // A stand-in for `check` that finds nothing (valid JSON, no findings).
      const run = await emacs('flymake-e2e.el', { server: [process.execPath, '-e', 'console.log(JSON.stringify({version:1,findings:[],errors:[]}))', '--'], diagnosticsWaitMs: 3_000 });
      expect(run.result?.error).toBe('no diagnostics');
    });
  });
});
