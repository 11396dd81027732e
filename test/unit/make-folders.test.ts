// files/folders.ts makeFolders: `mkdir -p` with a mode, one level at a time,
// because node 20's recursive mkdirSync never returns under a path where
// mkdir fails with ENOENT whatever it makes first (`/proc/…`). The `check`
// case runs the built CLI with such a cache folder: it must finish (vitest's
// timeout is the only bound, and only a hang breaks it) and say why.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { makeFolders } from '../../server/src/files/folders.js';

const dir = mkdtempSync(join(tmpdir(), 'pysec-folders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeFolders', () => {
  it('makes every missing level with the mode, and is a no-op when the folder is there', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeFolders(deep, 0o700);
    for (const d of [join(dir, 'a'), join(dir, 'a', 'b'), deep]) {
      expect(statSync(d).isDirectory()).toBe(true);
      expect(statSync(d).mode & 0o777).toBe(0o700);
    }
    expect(() => makeFolders(deep, 0o700)).not.toThrow();
  });

  it('throws ENOENT under /proc instead of never returning', () => {
    expect(() => makeFolders('/proc/self/pysec-nope/a/b', 0o700)).toThrow(/ENOENT/);
  });

  it('throws when a file stands where a folder must be made', () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => makeFolders(join(dir, 'file', 'sub'), 0o700)).toThrow(/ENOTDIR/);
  });

  it('check --cache-dir under /proc finishes, with its findings, and says the cache could not be written', async () => {
    const file = join(dir, 'app.py');
    writeFileSync(file, 'import subprocess\nsubprocess.call("ls", shell=True)\n');
    const r = await execa(process.execPath, [join(__dirname, '../../dist/cli.js'), 'check', '--no-bandit', '--cache-dir', '/proc/self/pysec-nope/cache', file], { reject: false, timeout: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('B602');
    expect(r.stderr).toMatch(/cache/i);
  });
});
