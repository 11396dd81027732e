/**
 * `check`'s result cache (issue 19): a second run over unchanged files
 * answers them from the cache (counted with --verbose) and prints exactly
 * what a `--no-cache` run prints; each kind of change invalidates exactly
 * the files it should — the file itself, a module its analysis looked into
 * (or a module created where an import now finds it), the project's
 * `[tool.pysec]` settings, its bandit config, bandit's version behind the
 * same command; a corrupt or foreign cache is ignored and rewritten; two
 * runs at once both print the right findings; the default cache is in the
 * user's cache folder, never the workspace, and private.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BANDIT_16, requireBandits, SID_SITE } from '../support/bandit.js';
import { runCli, type JsonReport } from '../support/cli.js';
import { tempProjects } from '../support/temp-projects.js';
import { APP, HELPERS, QUOTING } from '../support/two-module-app.js';
import { CACHE_SCHEMA } from '../../server/src/cache/key.js';

const temp = tempProjects('pysec-check-cache-');

/** A project of a few files: the two-module app, a file of its own, a package module. */
function app(name: string, extra: Record<string, string> = {}): string {
  return temp.project(name, {
    'app.py': APP,
    'helpers.py': HELPERS,
    'other.py': 'import pickle\n\ndef load(b):\n    return pickle.loads(b)\n',
    'pkg/__init__.py': '',
    'pkg/tool.py': 'import os\n\ndef go(x):\n    os.system(x)  # nosec B605\n',
    ...extra,
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The cache's counts from --verbose. */
  hits: number;
  misses: number;
}

async function check(root: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await runCli(['check', '--format', 'json', '--verbose', ...args, '.'], { cwd: root, ...(env ? { env } : {}) });
  expect([0, 1], r.stderr).toContain(r.code);
  const m = /(\d+) files unchanged, (\d+) reviewed/.exec(r.stderr);
  return { ...r, hits: m ? Number(m[1]) : -1, misses: m ? Number(m[2]) : -1 };
}

/** The same check with no cache: what a cached run must print. */
async function uncached(root: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCli(['check', '--format', 'json', '--no-cache', ...args, '.'], { cwd: root, ...(env ? { env } : {}) });
  expect([0, 1], r.stderr).toContain(r.code);
  return r.stdout;
}

const shellRisk = (out: string) => (JSON.parse(out) as JsonReport).findings.find((f) => f.path === 'app.py' && f.rule === 'B602')?.risk;

function cacheDir(): string {
  return mkdtempSync(join(temp.dir, 'cache-'));
}

describe('check --cache-dir: what a warm run reuses, and what a change invalidates', () => {
  it('a second run answers every file from the cache, and prints what --no-cache prints', async () => {
    const root = app('warm');
    const dir = cacheDir();
    const cold = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([cold.hits, cold.misses]).toEqual([0, 5]);
    const warm = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([warm.hits, warm.misses]).toEqual([5, 0]);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stdout).toBe(await uncached(root, ['--no-bandit']));
    // The cross-file path survives the cache: app.py's shell call is Critical through helpers.py.
    expect(shellRisk(warm.stdout)).toBe('Critical');
    expect(warm.code).toBe(cold.code);
  });

  it('a file of hostile size (over 2,000 findings) is reviewed again each run rather than stored: the others still come from the cache', async () => {
    const root = app('hostile-size');
    writeFileSync(join(root, 'many.py'), 'eval(x)\n'.repeat(2_001));
    const dir = cacheDir();
    const cold = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([cold.hits, cold.misses]).toEqual([0, 6]);
    const warm = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([warm.hits, warm.misses]).toEqual([5, 1]);
    expect(warm.stdout).toBe(cold.stdout);
    expect((JSON.parse(warm.stdout) as JsonReport).findings.filter((f) => f.path === 'many.py')).toHaveLength(2_001);
  });

  it('a changed file is reviewed again, alone', async () => {
    const root = app('changed-file');
    const dir = cacheDir();
    await check(root, ['--no-bandit', '--cache-dir', dir]);
    writeFileSync(join(root, 'other.py'), 'import pickle\n\ndef load(b):\n    return pickle.loads(b)\n\ndef again(b):\n    return pickle.loads(b)\n');
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([4, 1]);
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
    expect((JSON.parse(r.stdout) as JsonReport).findings.filter((f) => f.path === 'other.py' && f.rule === 'B301')).toHaveLength(2);
  });

  it('a changed helper invalidates the file whose attack path went through it (and itself), no other', async () => {
    const root = app('changed-helper');
    const dir = cacheDir();
    expect(shellRisk((await check(root, ['--no-bandit', '--cache-dir', dir])).stdout)).toBe('Critical');
    writeFileSync(join(root, 'helpers.py'), QUOTING);
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([3, 2]);
    expect(shellRisk(r.stdout)).toBe('Low');
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
  });

  it('a module created where an import now finds it invalidates the importing file', async () => {
    const root = temp.project('created-module', { 'app.py': APP, 'other.py': 'x = 1\n' });
    const dir = cacheDir();
    // No helpers module: what helpers.build() returns is not known, request data may reach the shell.
    const before = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect(shellRisk(before.stdout)).toBe('Critical');
    writeFileSync(join(root, 'helpers.py'), QUOTING);
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    // other.py unchanged; app.py (its `import helpers` resolves now) and the new helpers.py reviewed.
    expect([r.hits, r.misses]).toEqual([1, 2]);
    expect(shellRisk(r.stdout)).toBe('Low');
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
  });

  it('the same view in two folders, a quoting helper beside one: each graded by its own folder, and invalidated by it', async () => {
    // The flow layer once kept one analysis for a def of identical text in two files: b/app.py took a/app.py's "helpers not found".
    const root = temp.project('twin-views', { 'a/app.py': APP, 'b/app.py': APP, 'b/helpers.py': QUOTING });
    const dir = cacheDir();
    const risks = (out: string) => (JSON.parse(out) as JsonReport).findings.filter((f) => f.rule === 'B602').map((f) => `${f.path} ${f.risk}`);
    const cold = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect(risks(cold.stdout)).toEqual(['a/app.py Critical', 'b/app.py Low']);
    writeFileSync(join(root, 'b/helpers.py'), HELPERS);
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([1, 2]);
    expect(risks(r.stdout)).toEqual(['a/app.py Critical', 'b/app.py Critical']);
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
  });

  it("a changed [tool.pysec] setting invalidates the project's files", async () => {
    const root = app('changed-setting', { 'pyproject.toml': '[tool.pysec]\nsuppress.placeholder = "TODO"\n' });
    const dir = cacheDir();
    await check(root, ['--no-bandit', '--cache-dir', dir]);
    writeFileSync(join(root, 'pyproject.toml'), '[tool.pysec]\nrules.ignore = ["B301"]\nseverity.overrides = { PSN005 = "off" }\n');
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([0, 5]);
    const out = JSON.parse(r.stdout) as JsonReport;
    expect(out.findings.some((f) => f.rule === 'B301')).toBe(false);
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
  });

  it("a changed bandit config (.bandit skips) invalidates the project's files", async () => {
    const root = app('changed-config', { '.bandit': '[bandit]\nskips = B404\n' });
    const dir = cacheDir();
    const before = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect((JSON.parse(before.stdout) as JsonReport).findings.some((f) => f.rule === 'B301')).toBe(true);
    writeFileSync(join(root, '.bandit'), '[bandit]\nskips = B404,B301\n');
    const r = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([r.hits, r.misses]).toEqual([0, 5]);
    expect((JSON.parse(r.stdout) as JsonReport).findings.some((f) => f.rule === 'B301')).toBe(false);
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
  });

  it('a corrupt cache file is ignored and rewritten; a foreign or forged entry is not used', async () => {
    const root = app('corrupt');
    const dir = cacheDir();
    const cold = await check(root, ['--no-bandit', '--cache-dir', dir]);
    const file = join(dir, 'results.json');
    writeFileSync(file, '{"schema":1,"entries":{"/x": tr');
    const afterCorrupt = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([afterCorrupt.hits, afterCorrupt.misses]).toEqual([0, 5]);
    expect(afterCorrupt.stdout).toBe(cold.stdout);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { schema: number; entries: Record<string, { key: string; data: { findings: unknown[] } }> };
    expect(Object.keys(stored.entries)).toHaveLength(5);
    // Forged: app.py's entry says "no findings" under a key of its own making; other.py's data is not a result.
    const appEntry = Object.keys(stored.entries).find((p) => p.endsWith('app.py'))!;
    const otherEntry = Object.keys(stored.entries).find((p) => p.endsWith('other.py'))!;
    stored.entries[appEntry] = { ...stored.entries[appEntry], key: '0'.repeat(64), data: { findings: [] } };
    stored.entries[otherEntry] = { ...stored.entries[otherEntry], data: { findings: 'none' } as never };
    writeFileSync(file, JSON.stringify(stored));
    const forged = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([forged.hits, forged.misses]).toEqual([3, 2]);
    expect(forged.stdout).toBe(cold.stdout);
    // Another schema: every entry is foreign.
    writeFileSync(file, JSON.stringify({ ...stored, schema: 999 }));
    const foreign = await check(root, ['--no-bandit', '--cache-dir', dir]);
    expect([foreign.hits, foreign.misses]).toEqual([0, 5]);
    expect(foreign.stdout).toBe(cold.stdout);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { schema: number }).schema).toBe(CACHE_SCHEMA);
  });

  it('two runs at once on one tree and one cache both print the right findings', async () => {
    const root = app('concurrent');
    const dir = cacheDir();
    const expected = await uncached(root, ['--no-bandit']);
    const [a, b] = await Promise.all([check(root, ['--no-bandit', '--cache-dir', dir]), check(root, ['--no-bandit', '--cache-dir', dir])]);
    expect(a.stdout).toBe(expected);
    expect(b.stdout).toBe(expected);
    // Then both at once again, warm or half warm: still right, and the cache is whole.
    const [c, d] = await Promise.all([check(root, ['--no-bandit', '--cache-dir', dir]), check(root, ['--no-bandit', '--cache-dir', dir])]);
    expect(c.stdout).toBe(expected);
    expect(d.stdout).toBe(expected);
    expect(c.hits).toBe(5);
    // results.json, and the record of verified lookups when the folders were old enough to trust (cache/verified.ts): no temp file left.
    expect(readdirSync(dir).filter((f) => f !== 'verified.json')).toEqual(['results.json']);
  });

  it('a cache folder that cannot be made: the same findings, and a word on stderr', async () => {
    const root = app('unwritable');
    const file = join(temp.dir, 'a-file');
    writeFileSync(file, '');
    const r = await runCli(['check', '--no-bandit', '--format', 'json', '--cache-dir', join(file, 'cache'), '.'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(await uncached(root, ['--no-bandit']));
    expect(r.stderr).toMatch(/cannot write the cache in .*a-file.cache: ENOTDIR/);
  });

  it('--no-cache reads and writes nothing', async () => {
    const root = app('no-cache');
    const home = mkdtempSync(join(temp.dir, 'home-'));
    const env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, 'xdg') };
    const r = await runCli(['check', '--no-bandit', '--no-cache', '--verbose', '.'], { cwd: root, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cache: not used');
    // Nothing but the compiled code's own cache (boot/code-cache.ts), which is not the result cache.
    const left = readdirSync(home, { recursive: true }).map(String).filter((p) => !['xdg', join('xdg', 'pysec-lsp')].includes(p) && !p.startsWith(join('xdg', 'pysec-lsp', 'code')));
    expect(left).toEqual([]);
    const both = await runCli(['check', '--no-cache', '--cache-dir', join(home, 'c'), '.'], { cwd: root, env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--cache-dir and --no-cache do not go together');
  });
});

describe('the default cache: in the user cache folder, private', () => {
  it('is under $XDG_CACHE_HOME/pysec-lsp/cache/<hash>, never in the workspace, 0700/0600', async () => {
    const root = app('default-xdg');
    const before = readdirSync(root, { recursive: true }).sort();
    const xdg = mkdtempSync(join(temp.dir, 'xdg-'));
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    const cold = await check(root, ['--no-bandit'], env);
    expect(cold.misses).toBe(5);
    const warm = await check(root, ['--no-bandit'], env);
    expect(warm.hits).toBe(5);
    expect(readdirSync(root, { recursive: true }).sort()).toEqual(before);
    const base = join(xdg, 'pysec-lsp', 'cache');
    const folders = readdirSync(base);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(warm.stderr).toContain(join(base, folders[0]));
    for (const d of [join(xdg, 'pysec-lsp'), base, join(base, folders[0])]) expect(statSync(d).mode & 0o777).toBe(0o700);
    const files = readdirSync(join(base, folders[0]));
    expect(files.filter((f) => f !== 'verified.json')).toEqual(['results.json']);
    for (const f of files) expect(statSync(join(base, folders[0], f)).mode & 0o777).toBe(0o600);
  });

  it('without XDG_CACHE_HOME: under ~/.cache', async () => {
    const root = app('default-home');
    const home = mkdtempSync(join(temp.dir, 'home-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_CACHE_HOME;
    const r = await check(root, ['--no-bandit'], env);
    expect(r.misses).toBe(5);
    expect(readdirSync(join(home, '.cache', 'pysec-lsp', 'cache'))).toHaveLength(1);
  });
});

describe('with the real bandit: its findings are cached, keyed by its version', () => {
  beforeAll(() => requireBandits());

  // bandit 1.6.2 reports hashlib.md5 as B303 (1.9 as B324): `# nosec B303` is used under 1.6, unused under 1.9.
  const MD5 = 'import hashlib\nhashlib.md5(b"x")  # nosec B303  # a checksum, not security\n';

  /** One `bandit` on PATH, at the same path whichever bandit it runs (the command line is the same: only the version differs). */
  function banditAt(bin: string, bandit: string[]): NodeJS.ProcessEnv {
    mkdirSync(bin, { recursive: true });
    const script = join(bin, 'bandit');
    writeFileSync(script, `#!/bin/sh\nexec ${bandit.map((a) => `'${a}'`).join(' ')} "$@"\n`);
    chmodSync(script, 0o755);
    return { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
  }
  const hygiene = (out: string) => (JSON.parse(out) as JsonReport).findings.filter((f) => f.engine === 'hygiene').map((f) => `${f.line} ${f.rule}`);

  it('bandit 1.6.2 then 1.9.4 behind the same command: every file reviewed again, each equal to --no-cache', async () => {
    const root = temp.project('bandit-version', { 'm.py': MD5, 'n.py': 'import subprocess\nsubprocess.call("ls", shell=True)\n' });
    const dir = cacheDir();
    const bin = join(temp.dir, 'bandit-bin');
    const env16 = banditAt(bin, [BANDIT_16]);
    const cold = await check(root, ['--cache-dir', dir], env16);
    expect(cold.stderr).not.toMatch(/not found/);
    expect([cold.hits, cold.misses]).toEqual([0, 2]);
    expect(hygiene(cold.stdout)).toEqual([]);
    const warm = await check(root, ['--cache-dir', dir], env16);
    expect([warm.hits, warm.misses]).toEqual([2, 0]);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stdout).toBe(await uncached(root, [], env16));

    const env19 = banditAt(bin, ['/usr/bin/env', `PYTHONPATH=${SID_SITE}`, '/usr/bin/python3', '-m', 'bandit']);
    const r = await check(root, ['--cache-dir', dir], env19);
    expect([r.hits, r.misses]).toEqual([0, 2]);
    expect(hygiene(r.stdout)).toEqual(['2 PSN006']);
    expect(r.stdout).toBe(await uncached(root, [], env19));
    // And without bandit: another key again, the tree-sitter rules' own results.
    const alone = await check(root, ['--no-bandit', '--cache-dir', dir], env19);
    expect(alone.misses).toBe(2);
    expect(alone.stdout).toBe(await uncached(root, ['--no-bandit'], env19));
  });

  it('a warm run with bandit runs no bandit over unchanged files: a file changed since is the only one bandit sees', async () => {
    const root = temp.project('bandit-warm', { 'a.py': 'import subprocess\nsubprocess.call("ls", shell=True)\n', 'b.py': 'import pickle\npickle.loads(b"")\n' });
    const dir = cacheDir();
    const env = banditAt(join(temp.dir, 'bandit-bin-16'), [BANDIT_16]);
    await check(root, ['--cache-dir', dir], env);
    writeFileSync(join(root, 'b.py'), 'import pickle\npickle.loads(b"")\npickle.loads(b"x")\n');
    const r = await check(root, ['--cache-dir', dir], env);
    expect([r.hits, r.misses]).toEqual([1, 1]);
    expect(r.stdout).toBe(await uncached(root, [], env));
    expect(existsSync(join(dir, 'results.json'))).toBe(true);
  });
});

describe('report: the same cache as check', () => {
  it("a report over a tree check has cached says what a --no-cache report says, and leaves the cache whole", async () => {
    const root = app('report');
    const dir = cacheDir();
    expect((await check(root, ['--no-bandit', '--cache-dir', dir])).misses).toBe(5);
    const report = async (args: string[]) => {
      const r = await runCli(['report', '--no-bandit', '--format', 'json', ...args, '.'], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const { date: _d, generatedAt: _g, ...rest } = JSON.parse(r.stdout) as Record<string, unknown>;
      return rest;
    };
    const cached = await report(['--cache-dir', dir]);
    expect(cached).toEqual(await report(['--no-cache']));
    expect(JSON.stringify(cached)).toContain('B602');
    // check's stored hygiene survives the report's run: all five still answered.
    expect((await check(root, ['--no-bandit', '--cache-dir', dir])).hits).toBe(5);
  });
});
