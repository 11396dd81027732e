/**
 * `pysec-lsp advisories update`: the built CLI downloads from an HTTP server
 * on loopback (in this test process) into the cache named by XDG_CACHE_HOME,
 * atomically: a truncated, short, wrong or failed download keeps the
 * previous database byte for byte, says why, and leaves no temp file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { osvZip } from '../support/osv-zip.js';
import { tempProjects } from '../support/temp-projects.js';

const temp = tempProjects('pysec-advisories-');
const good = osvZip();
/** The first half of the zip: no central directory. */
const truncated = good.subarray(0, Math.floor(good.length / 2));
const other = osvZip({ 'OTHER-1.json': new TextEncoder().encode(JSON.stringify({ id: 'OTHER-1', modified: '2025-01-02T00:00:00Z', affected: [] })) });

let server: Server;
let base: string;
/** Paths served: each answers with its status, body and (when set) a Content-Length that lies. */
const routes: Record<string, { status: number; body: Uint8Array; announce?: number }> = {
  '/all.zip': { status: 200, body: good },
  '/other.zip': { status: 200, body: other },
  '/truncated.zip': { status: 200, body: truncated },
  '/short.zip': { status: 200, body: truncated, announce: good.length },
  '/page.html': { status: 200, body: new TextEncoder().encode('<html><body>Service Unavailable</body></html>') },
  '/not-osv.zip': { status: 200, body: osvZip({ 'readme.json': new TextEncoder().encode('{"hello": "world"}') }) },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(route.status, { 'content-type': 'application/zip', 'content-length': String(route.announce ?? route.body.length) });
    if (route.announce !== undefined) {
      // Half the promised bytes, then the connection drops.
      res.write(route.body, () => res.destroy());
      return;
    }
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What the user cache holds, but for the compiled code's own cache (boot/code-cache.ts, `code/`). */
const stored = (dir: string): string[] => readdirSync(dir).filter((n) => n !== 'code');

/** A fresh cache folder; the database's path inside it (the zip itself) and its folder. */
function cache(name: string): { env: NodeJS.ProcessEnv; db: string; dir: string } {
  const root = join(temp.dir, name);
  mkdirSync(root, { recursive: true });
  const dir = join(root, 'pysec-lsp');
  return { env: { ...process.env, XDG_CACHE_HOME: root }, db: join(dir, 'advisories'), dir };
}

const update = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(['advisories', 'update', ...args], { env });

describe('advisories update', () => {
  it('installs the zip from an HTTP source, with progress on stderr, privately', async () => {
    const c = cache('fresh');
    const r = await update(c.env, '--source', `${base}/all.zip`);
    expect(r.stderr).toContain(`downloading ${base}/all.zip`);
    expect(r.stderr).toMatch(/of \d+\.\d kB \(100%\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`installed 3 advisories, newest advisory modified 2024-11-19 at ${c.db}`);
    expect(Buffer.compare(readFileSync(c.db), Buffer.from(good))).toBe(0);
    expect(statSync(c.db).mode & 0o077).toBe(0);
    expect(stored(c.dir)).toEqual(['advisories']);
  });

  it('replaces an installed database with a new download', async () => {
    const c = cache('replace');
    expect((await update(c.env, '--source', `${base}/all.zip`)).code).toBe(0);
    const r = await update(c.env, '--source', `${base}/other.zip`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('installed 1 advisories');
    expect(Buffer.compare(readFileSync(c.db), Buffer.from(other))).toBe(0);
  });

  it('keeps the previous database when the zip is truncated, and says why', async () => {
    const c = cache('truncated');
    expect((await update(c.env, '--source', `${base}/all.zip`)).code).toBe(0);
    const r = await update(c.env, '--source', `${base}/truncated.zip`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the download is not an OSV database: not a readable zip');
    expect(r.stderr).toContain('truncated');
    expect(r.stderr).toContain(`The previous database is kept: ${c.db}`);
    expect(r.stdout).toBe('');
    expect(Buffer.compare(readFileSync(c.db), Buffer.from(good))).toBe(0);
    expect(stored(c.dir)).toEqual(['advisories']);
  });

  it('keeps the previous database when the connection drops before the announced length', async () => {
    const c = cache('short');
    expect((await update(c.env, '--source', `${base}/all.zip`)).code).toBe(0);
    const r = await update(c.env, '--source', `${base}/short.zip`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/(stopped after |is truncated: )\d+ (bytes )?of \d+/);
    expect(Buffer.compare(readFileSync(c.db), Buffer.from(good))).toBe(0);
    expect(stored(c.dir)).toEqual(['advisories']);
  });

  it.each([
    ['/missing.zip', 'answered 404 Not Found'],
    ['/page.html', 'not a readable zip'],
    ['/not-osv.zip', 'its entry readme.json is not an OSV record'],
  ])('refuses %s and installs nothing', async (path, why) => {
    const c = cache(`refuse${path.replace(/\W/g, '-')}`);
    const r = await update(c.env, '--source', `${base}${path}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain('No database was installed.');
    expect(existsSync(c.db)).toBe(false);
    expect(stored(c.dir)).toEqual([]);
  });

  it('never replaces a folder at the database path (an unpacked database)', async () => {
    const c = cache('folder');
    mkdirSync(join(c.db, 'osv'), { recursive: true });
    writeFileSync(join(c.db, 'osv', 'A-1.json'), '{"id": "A-1"}');
    const r = await update(c.env, '--source', `${base}/all.zip`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${c.db} is a folder`);
    expect(readFileSync(join(c.db, 'osv', 'A-1.json'), 'utf8')).toBe('{"id": "A-1"}');
    expect(stored(c.dir)).toEqual(['advisories']);
  });

  it('says so when the server cannot be reached', async () => {
    const c = cache('unreachable');
    // A port nobody listens on: the server is closed after taking one.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await update(c.env, '--source', `http://127.0.0.1:${port}/all.zip`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not reach http://127.0.0.1:${port}/all.zip`);
    expect(r.stderr).toContain('No database was installed.');
  });

  it('takes a file: URL', async () => {
    const c = cache('file');
    const zip = join(temp.dir, 'local-all.zip');
    writeFileSync(zip, good);
    const r = await update(c.env, '--source', pathToFileURL(zip).href);
    expect(r.code).toBe(0);
    expect(Buffer.compare(readFileSync(c.db), Buffer.from(good))).toBe(0);
    const gone = await update(c.env, '--source', pathToFileURL(join(temp.dir, 'nothing.zip')).href);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('cannot read file:');
    expect(gone.stderr).toContain('The previous database is kept');
  });

  it.each([
    [['advisories'], 'which advisories command?'],
    [['advisories', 'fetch'], 'unknown advisories command "fetch"'],
    [['advisories', 'update', '--source', 'ftp://example.org/all.zip'], 'not a ftp: one'],
    [['advisories', 'update', '--source', 'all.zip'], 'must be an http(s) or file: URL'],
    [['advisories', 'update', '--mirror', 'x'], "Unknown option '--mirror'"],
  ])('a usage error exits 2: %j', async (args, message) => {
    const r = await runCli(args, { env: cache('usage').env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: pysec-lsp advisories update');
  });

  it('prints its usage with --help, and is in the overview', async () => {
    const r = await runCli(['advisories', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pysec-lsp advisories update [--source URL]');
    expect((await runCli(['--help'])).stdout).toContain('pysec-lsp advisories update');
  });
});
