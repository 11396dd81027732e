/**
 * The package as `npm pack` makes it runs from its bundle (issue 19): the
 * tarball is unpacked where a global install puts it
 * (`<prefix>/lib/node_modules/pysec-lsp`, with `<prefix>/bin/pysec-lsp` a
 * link to its `bin`), beside only the two packages whose wasm files it reads
 * (tree-sitter-python, web-tree-sitter: linked from this repository, no
 * network). Everything else it runs must be inside the tarball's dist/ —
 * the CLI, its chunks, the pool's worker entry (nine files are enough for
 * the pool) and the rules' queries.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';

let dir: string;
let bin: string;
let pkg: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-packed-'));
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', shell: false });
  const tarball = join(dir, (JSON.parse(out) as { filename: string }[])[0].filename);
  const lib = join(dir, 'prefix/lib/node_modules');
  mkdirSync(lib, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', lib], { shell: false });
  pkg = join(lib, 'pysec-lsp');
  renameSync(join(lib, 'package'), pkg);
  mkdirSync(join(pkg, 'node_modules'));
  for (const name of ['tree-sitter-python', 'web-tree-sitter']) symlinkSync(join(REPO_ROOT, 'node_modules', name), join(pkg, 'node_modules', name));
  mkdirSync(join(dir, 'prefix/bin'));
  bin = join(dir, 'prefix/bin/pysec-lsp');
  symlinkSync('../lib/node_modules/pysec-lsp/dist/cli.js', bin);
  const work = join(dir, 'work');
  mkdirSync(work);
  // A module hook that writes down each file node loads (the worker threads' too), to see the pool's entry run.
  writeFileSync(join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.PYSEC_TEST_LOADED, url + '\\n');\n  return next(url, context);\n}\n");
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
  for (let i = 0; i < 9; i++) writeFileSync(join(work, `m${i}.py`), `import subprocess\n\nsubprocess.call("ls -l ${i}", shell=True)\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The link's shebang finds this node on PATH. */
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };

/** Runs the installed `pysec-lsp` link itself (its shebang, its mode), never a shell. */
function run(args: string[], env: NodeJS.ProcessEnv = ENV) {
  return spawnSync(bin, args, { cwd: join(dir, 'work'), encoding: 'utf8', shell: false, timeout: 60_000, env });
}

describe('the packed package', () => {
  it('holds the bundle only: dist/ is cli.js, the worker entries, bundle chunks, the prebuilt rules and yaml', () => {
    const dist = readdirSync(join(pkg, 'dist'));
    expect(dist).toContain('cli.js');
    expect(dist).toContain('worker-main.js');
    expect(dist).toContain('large-worker-main.js');
    expect(dist).toContain('rules.json');
    expect(dist.filter((f) => !['cli.js', 'worker-main.js', 'large-worker-main.js', 'rules.json', 'yaml.cjs'].includes(f) && !/^bundle-[\w-]+\.c?js$/.test(f))).toEqual([]);
  });

  it('runs --version from the bin link', () => {
    const r = run(['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('checks a folder of nine files through the worker pool, with the grammar and the queries found from the bundle', () => {
    const loaded = join(dir, 'loaded.log');
    writeFileSync(loaded, '');
    const r = run(['check', '--no-bandit', '--format', 'json', '.'], { ...ENV, NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}`, PYSEC_TEST_LOADED: loaded });
    expect(r.stderr).toBe('');
    // The pool's workers started from the package's own entry (a worker that cannot start would leave the files to this thread, silently).
    expect(readFileSync(loaded, 'utf8')).toContain(pathToFileURL(join(pkg, 'dist/worker-main.js')).href);
    expect(r.status).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; path: string }[] }).findings;
    expect(new Set(findings.filter((f) => f.rule === 'B602').map((f) => f.path)).size).toBe(9);
  });

  it('writes an HTML report (a renderer loaded on demand)', () => {
    const r = run(['report', '--no-bandit', '--format', 'html', 'm0.py']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<html');
    expect(r.stdout).toContain('B602');
  });

  it('answers initialize over stdio', async () => {
    const msg = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const child = spawn(bin, ['--stdio'], { cwd: join(dir, 'work'), stdio: ['pipe', 'pipe', 'pipe'], shell: false, env: ENV });
    let out = '';
    const answered = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (out.includes('"id":1')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the server exited (${code}) before answering`)));
      // A generous guard against a hung server, not a timing assumption.
      setTimeout(() => reject(new Error('no answer to initialize')), 60_000);
    });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(msg)}\r\n\r\n${msg}`);
    try {
      await answered;
    } finally {
      child.kill();
    }
    expect(out).toContain('"serverInfo":{"name":"pysec-lsp"');
  });
});
