/**
 * Neovim 0.11+ end to end (Debian sid's neovim, 0.12 in CI, from
 * scripts/install-editors-sid.sh): editors/neovim on 'runtimepath' and
 * vim.lsp.enable('pysec'), exactly as editors/neovim/README.md says, with
 * `pysec-lsp` on PATH as `npm link` puts it. The driver
 * (test/editors/neovim/enable.lua) waits for the shell-injection
 * diagnostic, hovers it, applies the suppress action with
 * vim.lsp.buf.code_action and waits for the diagnostic to go. Neovim 0.12
 * pulls diagnostics: each finding must show once (pushed until the first
 * pull, then pulled only). Neovim 0.7's setup keeps its own test
 * (neovim.test.ts).
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ADVISORY_FOLDER } from '../support/osv-zip.js';
import { DRIVERS_DIR, EDITORS_DIR, runDriver, sidEditor, type DriverOptions } from './harness.js';

const nvim = sidEditor('nvim');

/** A shell injection (B602 on line 5, 0-based 4) and the import it needs (B404 on line 1). */
const FIXTURE = 'import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n';

const run = (opts: Partial<DriverOptions> = {}) =>
  runDriver(nvim!, ['--headless', '--clean', '-u', join(DRIVERS_DIR, 'neovim/enable.lua'), '{file}'], join(EDITORS_DIR, 'neovim'), {
    server: [],
    fixture: FIXTURE,
    shims: true,
    ...opts,
  });

/** No diagnostic twice (pushed and pulled both would show each twice). */
const noDuplicates = (list: string[]) => expect(list.filter((x, i) => list.indexOf(x) !== i)).toEqual([]);

describe.skipIf(nvim === undefined)('Neovim 0.11+ end to end (vim.lsp.enable)', () => {
  it('is Neovim 0.11 or newer', async () => {
    const r = await execa(nvim!, ['--version'], { reject: false });
    const m = /NVIM v(\d+)\.(\d+)/.exec(String(r.stdout));
    expect(m, String(r.stdout) + String(r.stderr)).not.toBeNull();
    expect(Number(m![1]) * 100 + Number(m![2])).toBeGreaterThanOrEqual(11);
  });

  it('shows the diagnostic once, hovers it, and the suppress action writes the comment and clears it', { timeout: 180_000 }, async () => {
    const r = await run();
    expect(r.result, r.stderr + r.stdout).toBeDefined();
    const res = r.result as Record<string, unknown> & { before: string[]; after: string[]; hover: string[]; lines: string[]; titles: string[] };
    expect(res.error, JSON.stringify(res)).toBeUndefined();
    expect(res.filetype).toBe('python');
    expect(res.root).toBe(r.project);
    // 0.12 pulls; the server offered it.
    expect(res.pulls).toBe(true);
    expect(res.before).toEqual(expect.arrayContaining(['pysec:B404:0', 'pysec:B602:4']));
    noDuplicates(res.before);
    expect(res.hover.join('\n')).toContain('B602');
    expect(res.hover.join('\n')).toMatch(/shell/i);
    expect(res.titles).toEqual(expect.arrayContaining(['pysec: suppress B602 on this line', 'pysec: suppress B602 on this line — accepted risk: reviewed']));
    expect(res.lines.join('\n') + '\n').toBe(FIXTURE.replace('shell=True)\n', 'shell=True)  # nosec B602  # justification required\n'));
    // B602 gone; B404 still there, once; the placeholder flagged.
    expect(res.after).toEqual(expect.arrayContaining(['pysec:B404:0', 'pysec:PSN005:4']));
    expect(res.after.filter((x) => x.includes('B602'))).toEqual([]);
    noDuplicates(res.after);
    // The driver never saves.
    expect(r.fileOnDisk).toBe(FIXTURE);
  });

  it("settings given with vim.lsp.config('pysec', { settings = { pysec = … } }) reach the server (rules.ignore turns B404 off)", { timeout: 180_000 }, async () => {
    const r = await run({ env: { PYSEC_E2E_SETTINGS: JSON.stringify({ rules: { ignore: ['B404'] } }) } });
    const res = r.result as Record<string, unknown> & { before: string[] };
    expect(res.error, JSON.stringify(res) + r.stderr).toBeUndefined();
    // B602 and B404 come in one answer: with B602 there, B404 would be too.
    expect(res.before).toContain('pysec:B602:4');
    expect(res.before.filter((x) => x.includes('B404'))).toEqual([]);
  });

  it('attaches to requirements.txt too (filetype requirements): the PS601 finding, its advisory on hover, the upgrade action clears it', { timeout: 180_000 }, async () => {
    const fixture = 'requests==2.30.0  # http\nflask>=2.0\n';
    const r = await run({
      fixture,
      file: 'requirements.txt',
      env: {
        PYSEC_E2E_RULE: 'PS601',
        PYSEC_E2E_TITLE: 'pysec: upgrade requests to 2.31.0',
        PYSEC_E2E_SETTINGS: JSON.stringify({ audit: { database: ADVISORY_FOLDER } }),
      },
    });
    const res = r.result as Record<string, unknown> & { before: string[]; after: string[]; hover: string[]; lines: string[]; titles: string[] };
    expect(res.error, JSON.stringify(res) + r.stderr).toBeUndefined();
    expect(res.filetype).toBe('requirements');
    expect(res.root).toBe(r.project);
    expect(res.before).toEqual(['pysec:PS601:0']);
    expect(res.hover.join('\n')).toContain('GHSA-j8r2-6x86-q33q');
    expect(res.titles).toEqual(expect.arrayContaining(['pysec: upgrade requests to 2.31.0']));
    expect(res.lines).toEqual(['requests==2.31.0  # http', 'flask>=2.0']);
    expect(res.after).toEqual([]);
    expect(r.fileOnDisk).toBe(fixture);
  });

  it('fails with "no diagnostics" when pysec-lsp is not on PATH', { timeout: 180_000 }, async () => {
    const r = await run({ shims: false, env: { PATH: "/usr/bin:/bin", PYSEC_E2E_TIMEOUT_MS: "5000" }, diagnosticsWaitMs: 3_000 });
    expect(r.result?.error).toMatch(/no client started|no diagnostics/);
  });
});
