/**
 * Neovim end to end (Debian's neovim, 0.7.2 in CI): the setup of
 * editors/neovim (require('pysec_lsp').setup, vim.lsp.start_client on 0.7)
 * starts the real server beside a stand-in main server; the driver waits
 * for the B307 diagnostic, applies "pysec: suppress B307 on this line" and
 * waits for the diagnostic to go.
 */
import { describe, expect, it } from 'vitest';
import { DRIVERS_DIR, EDITORS_DIR, FIXTURE, MAIN_SERVER, REAL_SERVER, runDriver, SILENT_SERVER, SUPPRESSED, editorPresent } from './harness.js';
import { join } from 'node:path';
import { ADVISORY_FOLDER } from '../support/osv-zip.js';

const present = editorPresent('nvim');
const nvim = (opts: Parameters<typeof runDriver>[3]) =>
  runDriver('nvim', ['--headless', '--clean', '-u', join(DRIVERS_DIR, 'neovim/init.lua'), '{file}'], join(EDITORS_DIR, 'neovim'), opts);

describe.skipIf(!present)('Neovim end to end', () => {
  it('shows the B307 diagnostic beside the main server, and the suppress action writes the comment and clears it', { timeout: 180_000 }, async () => {
    const run = await nvim({ server: REAL_SERVER, main: MAIN_SERVER });
    expect(run.result, run.stderr).toBeDefined();
    const r = run.result!;
    expect(r.error, JSON.stringify(r)).toBeUndefined();
    expect(r.filetype).toBe('python');
    expect(r.clients).toEqual(['main', 'pysec']);
    // The root is the folder with pyproject.toml, above the file's own.
    expect(r.root).toBe(run.project);
    expect(r.before).toEqual([expect.objectContaining({ lnum: 1, col: 11, source: 'pysec', code: 'B307' })]);
    // The context carries both servers' diagnostics; each answers for its own.
    expect(r.context).toEqual(['Pyright', 'pysec']);
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'pysec: suppress B307 on this line',
        'pysec: suppress B307 on this line — accepted risk: reviewed',
        'stub: ignore this',
      ]),
    );
    for (const [title, sources] of Object.entries(r.fixes as Record<string, string>)) {
      expect(sources.trim(), title).toBe(title.startsWith('pysec:') ? 'pysec' : 'Pyright');
    }
    expect((r.lines as string[]).join('\n') + '\n').toBe(SUPPRESSED);
    // The server re-published for the new text: B307 gone, the placeholder flagged, the main server's untouched.
    expect(r.after).toEqual(['Pyright:reportStub', 'pysec:PSN005']);
    expect(run.fileOnDisk).toBe(FIXTURE);
  });

  it('attaches to requirements.txt by file name (0.7 gives it no filetype of its own): PS601, and the upgrade action clears it', { timeout: 180_000 }, async () => {
    const fixture = 'requests==2.30.0 ; python_version >= "3.8"\n';
    const run = await nvim({
      server: REAL_SERVER,
      main: MAIN_SERVER,
      fixture,
      file: 'requirements.txt',
      env: { PYSEC_E2E_RULE: 'PS601', PYSEC_E2E_TITLE: 'pysec: upgrade requests to 2.31.0', PYSEC_E2E_INIT: JSON.stringify({ audit: { database: ADVISORY_FOLDER } }) },
    });
    expect(run.result, run.stderr).toBeDefined();
    const r = run.result!;
    expect(r.error, JSON.stringify(r)).toBeUndefined();
    // The main Python server is not attached to it; pysec is.
    expect(r.clients).toEqual(['pysec']);
    expect(r.root).toBe(run.project);
    expect(r.before).toEqual([expect.objectContaining({ lnum: 0, col: 0, source: 'pysec', code: 'PS601' })]);
    expect(r.lines).toEqual(['requests==2.31.0 ; python_version >= "3.8"']);
    expect(r.after).toEqual([]);
    expect(run.fileOnDisk).toBe(fixture);
  });

  it('fails with "no diagnostics" against a server that publishes nothing', { timeout: 180_000 }, async () => {
    const run = await nvim({ server: SILENT_SERVER, diagnosticsWaitMs: 3_000 });
    expect(run.result?.error).toBe('no diagnostics');
    expect(run.result?.lines).toBeUndefined();
  });
});
