/**
 * The result cache's freshness without re-hashing (issue 19, cache/fresh.ts):
 * a file whose stat fingerprint (size, mtime, ctime, inode) is what the
 * cache recorded is taken as unchanged without being read; any other is
 * hashed. A content change that keeps the size and puts the mtime back is
 * still caught (the ctime moved); a touch that changes no byte stays a hit.
 * And the warm path (check/warm.ts) prints what a --no-cache run prints, in
 * both formats, including for a module that imports its own name.
 */
import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../support/cli.js';
import { tempProjects } from '../support/temp-projects.js';

const temp = tempProjects('pysec-check-fresh-');

const LOADS = 'import pickle\n\ndef load(b):\n    return pickle.loads(b)\n';
// The same size as LOADS, other findings: B307 (eval) instead of B301 (pickle).
const EVALS = 'import pickle\n\ndef load(b):\n    return eval(b)        \n';

/** A project whose files were last modified an hour ago: their fingerprints are old enough to be trusted. */
function project(name: string, files: Record<string, string>): string {
  const root = temp.project(name, files);
  const hourAgo = Date.now() / 1000 - 3600;
  for (const f of Object.keys(files)) utimesSync(join(root, f), hourAgo, hourAgo);
  return root;
}

async function check(root: string, args: string[]): Promise<{ stdout: string; hits: number; misses: number; code: number | null }> {
  const r = await runCli(['check', '--no-bandit', '--verbose', ...args, '.'], { cwd: root });
  expect([0, 1], r.stderr).toContain(r.code);
  const m = /(\d+) files unchanged, (\d+) reviewed/.exec(r.stderr);
  return { stdout: r.stdout, code: r.code, hits: m ? Number(m[1]) : -1, misses: m ? Number(m[2]) : -1 };
}

async function uncached(root: string, args: string[]): Promise<string> {
  const r = await runCli(['check', '--no-bandit', '--no-cache', ...args, '.'], { cwd: root });
  expect([0, 1], r.stderr).toContain(r.code);
  return r.stdout;
}

const rules = (out: string, path: string) => (JSON.parse(out) as JsonReport).findings.filter((f) => f.path === path).map((f) => f.rule);

describe('check --cache-dir: freshness from the stat fingerprint', () => {
  it('a change of content with the same size and the mtime put back is still reviewed again (the ctime moved)', async () => {
    const root = project('same-size', { 'other.py': LOADS, 'main.py': 'import os\nos.system("ls")\n' });
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    const cold = await check(root, ['--format', 'json', '--cache-dir', dir]);
    expect([cold.hits, cold.misses]).toEqual([0, 2]);
    expect(rules(cold.stdout, 'other.py')).toContain('B301');
    const file = join(root, 'other.py');
    const before = statSync(file);
    writeFileSync(file, EVALS);
    utimesSync(file, before.atime, before.mtime);
    const after = statSync(file);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const r = await check(root, ['--format', 'json', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([1, 1]);
    expect(rules(r.stdout, 'other.py')).toContain('B307');
    expect(rules(r.stdout, 'other.py')).not.toContain('B301');
    expect(r.stdout).toBe(await uncached(root, ['--format', 'json']));
  });

  it('a touch that changes no byte stays a hit', async () => {
    const root = project('touched', { 'other.py': LOADS, 'main.py': 'import os\nos.system("ls")\n' });
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    const cold = await check(root, ['--format', 'json', '--cache-dir', dir]);
    const now = new Date();
    utimesSync(join(root, 'other.py'), now, now);
    const r = await check(root, ['--format', 'json', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([2, 0]);
    expect(r.stdout).toBe(cold.stdout);
  });

  it('a warm run prints what --no-cache prints, as text and as JSON, with suppressions, a syntax error and a module importing its own name', async () => {
    const root = project('warm-text', {
      // Read first: its lookup of zz_self resolves to zz_self.py; zz_self.py's own lookup must not (nor depend on the order).
      'a_user.py': 'import zz_self\nimport subprocess\nsubprocess.call(zz_self.CMD, shell=True)\n',
      'zz_self.py': 'import zz_self\nimport os\nCMD = os.environ["X"]\nos.system(CMD)  # nosec\n',
      'broken.py': 'import os\nos.system(x)\ndef (:\n',
      'clean.py': 'x = 1\n',
    });
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    for (const format of [['--format', 'json'], []]) {
      const cold = await check(root, [...format, '--cache-dir', dir]);
      const warm = await check(root, [...format, '--cache-dir', dir]);
      expect([warm.hits, warm.misses]).toEqual([4, 0]);
      expect(warm.stdout).toBe(cold.stdout);
      expect(warm.stdout).toBe(await uncached(root, format));
      expect(warm.code).toBe(cold.code);
    }
  });
});
