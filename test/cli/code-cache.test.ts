/**
 * The CLI's code cache (issue 19, boot/code-cache.ts): dist/cli.js compiles
 * each command's bundle with the V8 cache data a previous run left in the
 * user cache folder. Checked by what is on disk, never by time: where the
 * cache is written (the user's cache folder, privately; never the
 * workspace), that a second run takes it as it is (V8 accepted it: not
 * rewritten, even after a run that set V8 flags for its wasm), and that a
 * corrupt cache changes nothing the user sees and is replaced.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
let work: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-code-cache-'));
  work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'app.py'), 'import subprocess\n\nsubprocess.call("ls -l", shell=True)\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run of `check` with its own user cache folder. */
function check(xdg: string) {
  return runCli(['check', '--no-bandit', '--no-cache', 'app.py'], { cwd: work, env: { ...process.env, XDG_CACHE_HOME: xdg, HOME: dir } });
}

/** The code cache's files: name → inode and modification time (a rewrite is a new file, renamed into place). */
function files(code: string): Map<string, string> {
  return new Map(readdirSync(code).map((n) => {
    const s = statSync(join(code, n));
    return [n, `${s.ino}:${s.mtimeMs}`];
  }));
}

describe('the code cache', () => {
  it('is written in the user cache folder, privately, and never in the workspace; a second run takes it as it is', async () => {
    const xdg = join(dir, 'xdg-1');
    const first = await check(xdg);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('B602');
    const code = join(xdg, 'pysec-lsp', 'code');
    const written = files(code);
    // The CLI's own bundle and the check's: the names hold the bundle's hash and node's version.
    expect([...written.keys()].some((n) => n.startsWith('bundle-cli-') && n.includes(process.version))).toBe(true);
    expect([...written.keys()].some((n) => n.startsWith('bundle-check-') && !n.startsWith('bundle-check-warm-'))).toBe(true);
    expect(statSync(code).mode & 0o077).toBe(0);
    for (const n of written.keys()) expect(statSync(join(code, n)).mode & 0o077, n).toBe(0);
    expect(readdirSync(work)).toEqual(['app.py']);
    // A one-file check sets V8 flags for its wasm (engine/grammar.ts shortRun): undone before the cache is made, or V8 would reject it now.
    const second = await check(xdg);
    expect(second.stdout).toBe(first.stdout);
    expect(files(code)).toEqual(written);
  });

  it('a corrupt cache is ignored: the same output, and the cache replaced', async () => {
    const xdg = join(dir, 'xdg-2');
    const first = await check(xdg);
    const code = join(xdg, 'pysec-lsp', 'code');
    const names = readdirSync(code);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) writeFileSync(join(code, n), Buffer.alloc(64, 7), { mode: 0o600 });
    const again = await check(xdg);
    expect(again.code).toBe(first.code);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toBe(first.stderr);
    expect(readdirSync(code).sort()).toEqual(names.sort());
    for (const n of names) expect(readFileSync(join(code, n)).length, n).toBeGreaterThan(64);
  });

  it('a cache folder that cannot be made (under /proc) costs nothing but the cache: the same output, and the run ends', async () => {
    const made = await check(join(dir, 'xdg-3'));
    const none = await check('/proc/pysec-lsp-test-nonexistent');
    expect(none.code).toBe(made.code);
    expect(none.stdout).toBe(made.stdout);
    expect(none.stderr).toBe(made.stderr);
  });
});
