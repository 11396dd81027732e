/**
 * The record of verified module lookups (issue 19, cache/verified.ts): a
 * warm run whose folders are as recorded takes a stored file's lookups as
 * holding without resolving them again — and every change of a folder's
 * listing is still seen: a module added where an import now finds it (even
 * with the folder's mtime put back: its ctime moved), a record corrupt or
 * foreign. Each run prints what a --no-cache run prints. The projects are
 * dated an hour back, as a user's tree that has not just changed: a folder
 * changed within RACY_MS of its listing is never recorded.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../support/cli.js';
import { tempProjects } from '../support/temp-projects.js';
import { APP, HELPERS, QUOTING } from '../support/two-module-app.js';

const temp = tempProjects('pysec-check-verified-');
const hourAgo = () => Date.now() / 1000 - 3600;

/** Every file and folder below `root` (and it) last modified an hour ago. */
function dateBack(root: string): void {
  const t = hourAgo();
  for (const rel of readdirSync(root, { recursive: true }) as string[]) utimesSync(join(root, rel), t, t);
  utimesSync(root, t, t);
}

/** The app importing `helpers`, found in src/ (the quoting one: Low), and a file of its own. */
function project(name: string): string {
  const root = temp.project(name, { 'app.py': APP, 'src/helpers.py': QUOTING, 'other.py': 'import os\n\ndef go(x):\n    os.system(x)\n' });
  dateBack(root);
  return root;
}

interface Run {
  stdout: string;
  hits: number;
  misses: number;
  /** Files whose lookups the record held, and files whose lookups were resolved (warm runs' --verbose). */
  marked: number;
  resolved: number;
}

async function check(root: string, dir: string, targets = ['.']): Promise<Run> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', '--verbose', '--cache-dir', dir, ...targets], { cwd: root });
  expect([0, 1], r.stderr).toContain(r.code);
  const m = /(\d+) files unchanged, (\d+) reviewed/.exec(r.stderr);
  const l = /module lookups: (\d+) files' held by their folders' record, (\d+) resolved/.exec(r.stderr);
  return { stdout: r.stdout, hits: m ? Number(m[1]) : -1, misses: m ? Number(m[2]) : -1, marked: l ? Number(l[1]) : -1, resolved: l ? Number(l[2]) : -1 };
}

async function uncached(root: string, targets = ['.']): Promise<string> {
  const r = await runCli(['check', '--no-bandit', '--format', 'json', '--no-cache', ...targets], { cwd: root });
  expect([0, 1], r.stderr).toContain(r.code);
  return r.stdout;
}

const shellRisk = (out: string) => (JSON.parse(out) as JsonReport).findings.find((f) => f.path === 'app.py' && f.rule === 'B602')?.risk;

describe('check --cache-dir: the record of verified module lookups', () => {
  it('a warm run takes the lookups from the record of unchanged folders, and prints what --no-cache prints', async () => {
    const root = project('held');
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    const cold = await check(root, dir);
    expect([cold.hits, cold.misses]).toEqual([0, 3]);
    const record = join(dir, 'verified.json');
    expect(statSync(record).mode & 0o777).toBe(0o600);
    const written = readFileSync(record, 'utf8');
    const warm = await check(root, dir);
    expect([warm.hits, warm.misses]).toEqual([3, 0]);
    // app.py and other.py look modules up (helpers, os): neither is resolved again.
    expect(warm.marked).toBeGreaterThanOrEqual(2);
    expect(warm.resolved).toBe(0);
    expect(shellRisk(warm.stdout)).toBe('Low');
    expect(warm.stdout).toBe(await uncached(root));
    // Nothing was added to it: a warm run left it as it was.
    expect(readFileSync(record, 'utf8')).toBe(written);
  });

  it("a module added beside the importing file, the folder's mtime put back, shadows the import: graded again (the ctime moved)", async () => {
    const root = project('shadowed');
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    // app.py alone: the new module is no file of the run, only the record's folders can tell that the import now finds it.
    const only = ['app.py'];
    expect(shellRisk((await check(root, dir, only)).stdout)).toBe('Low');
    expect((await check(root, dir, only)).marked).toBe(1);
    const before = statSync(root);
    // helpers.py beside app.py comes before src/ in the search: the unquoting helper, Critical.
    writeFileSync(join(root, 'helpers.py'), HELPERS);
    utimesSync(join(root, 'helpers.py'), hourAgo(), hourAgo());
    utimesSync(root, before.atime, before.mtime);
    expect(statSync(root).mtimeMs).toBe(before.mtimeMs);
    const r = await check(root, dir, only);
    expect(shellRisk(r.stdout)).toBe('Critical');
    expect(r.stdout).toBe(await uncached(root, only));
    // The full run recorded the folders as they are now: the next warm run takes the lookups from the record.
    const again = await check(root, dir, only);
    expect([again.hits, again.misses, again.marked, again.resolved]).toEqual([1, 0, 1, 0]);
    expect(again.stdout).toBe(r.stdout);
  });

  it('a corrupt or foreign record is ignored: the lookups are resolved, the findings right, the record written anew', async () => {
    const root = project('corrupt');
    const dir = mkdtempSync(join(temp.dir, 'cache-'));
    const cold = await check(root, dir);
    const record = join(dir, 'verified.json');
    const good = JSON.parse(readFileSync(record, 'utf8')) as { schema: number };
    for (const bad of ['{"schema":', JSON.stringify({ ...good, schema: 999 }), JSON.stringify({ ...good, folders: { [root]: ['0:0:0', 0] } })]) {
      writeFileSync(record, bad);
      const r = await check(root, dir);
      expect([r.hits, r.misses, r.marked]).toEqual([3, 0, 0]);
      expect(r.resolved).toBeGreaterThanOrEqual(2);
      expect(r.stdout).toBe(cold.stdout);
      expect((JSON.parse(readFileSync(record, 'utf8')) as { schema: number }).schema).toBe(good.schema);
    }
    const last = await check(root, dir);
    expect([last.marked > 0, last.resolved]).toEqual([true, 0]);
  });
});
