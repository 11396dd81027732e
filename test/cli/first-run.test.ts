/**
 * The command line as a newcomer first meets it. What `npm pack` puts in the tarball (issue 20): the server, its rule
 * queries, the editor setups the README points to, the README and the
 * licence; nothing of the tests or the TypeScript sources. `--dry-run`
 * lists without writing, and needs no network.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';
import { runCli } from '../support/cli.js';

describe('npm pack', () => {
  it('ships dist, queries, editors, README and LICENSE, and no tests or sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', shell: false });
    const files = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/cli.js', 'queries/B101.scm', 'queries/B101.json']) expect(files.has(f), f).toBe(true);
    // Every editor setup in the repository is in the tarball.
    for (const editor of readdirSync(join(REPO_ROOT, 'editors'), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const walk = (dir: string): string[] =>
        readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
      for (const f of walk(`editors/${editor.name}`)) expect(files.has(f), f).toBe(true);
    }
    expect([...files].filter((f) => f.startsWith('test/') || f.startsWith('server/') || f.startsWith('.ci/'))).toEqual([]);
  });
});

describe('the command line without a command', () => {
  it('no arguments: says what to run, the overview after it, exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('pysec-lsp: no command given: run the server with --stdio (as an editor does), or check or report');
    expect(r.stderr).toContain('pysec-lsp check [PATH...]');
  });

  it('an unknown word: named, exit 2', async () => {
    const r = await runCli(['chek']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('pysec-lsp: unknown command "chek"');
  });
});
