/**
 * The server's code caches (issue 19, boot/code-cache.ts): `--stdio` runs
 * from four script bundles (scripts/bundle.mjs), each compiled with the V8
 * code cache a previous start left. Checked by what is on disk, never by
 * time: the caches are written once the first document is analysed, while
 * the server runs (not only at exit, which an editor that kills its server
 * never reaches), privately in the user cache folder; a second server
 * takes every one as it is (V8 accepted it: not rewritten), the session's
 * too, which compiles after the server set its V8 flags for the grammar.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docUri, LspClient } from './client.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-server-code-cache-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The code cache's files: name → inode and modification time (a rewrite is a new file, renamed into place). */
function files(code: string): Map<string, string> {
  return new Map(
    readdirSync(code).map((n) => {
      const s = statSync(join(code, n));
      return [n, `${s.ino}:${s.mtimeMs}`];
    }),
  );
}

const KINDS = ['bundle-cli-', 'bundle-serve-', 'bundle-lsp-', 'bundle-grammar-', 'bundle-session-'];

/** A server with its own user cache folder that opens one document and waits for its diagnostics; `whileUp` runs before it exits. */
async function openOne(xdg: string, whileUp: () => Promise<void> = async () => {}) {
  const client = await LspClient.start({ env: { ...process.env, XDG_CACHE_HOME: xdg, HOME: dir } });
  try {
    const uri = docUri('code-cache.py');
    await client.open(uri, 'import subprocess\nsubprocess.call("ls", shell=True)\n', 1);
    const published = await client.waitForDiagnostics(uri, { version: 1 });
    expect(published.diagnostics.map((d) => d.code)).toContain('B602');
    await whileUp();
  } finally {
    expect(await client.shutdown()).toBe(0);
  }
}

describe("the server's code caches", () => {
  it('are written once the first document is analysed, before the server exits, privately; a second server takes them as they are', async () => {
    const xdg = join(dir, 'xdg');
    const code = join(xdg, 'pysec-lsp', 'code');
    let written = new Map<string, string>();
    await openOne(xdg, async () => {
      // While the server still runs: its five bundles' caches appear (a generous bound only a hang reaches).
      const until = Date.now() + 20_000;
      while (Date.now() < until && !(existsSync(code) && KINDS.every((k) => readdirSync(code).some((n) => n.startsWith(k) && !n.endsWith('.tmp'))))) await new Promise((r) => setTimeout(r, 20));
      written = files(code);
    });
    for (const k of KINDS) expect([...written.keys()].some((n) => n.startsWith(k) && n.includes(process.version)), k).toBe(true);
    expect(statSync(code).mode & 0o077).toBe(0);
    for (const n of written.keys()) expect(statSync(join(code, n)).mode & 0o077, n).toBe(0);
    // Nothing left to write at exit, and a second start rewrites nothing: V8 took every cache.
    expect(files(code)).toEqual(written);
    await openOne(xdg);
    expect(files(code)).toEqual(written);
  });
});
