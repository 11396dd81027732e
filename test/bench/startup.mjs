// Start-up benchmark (issue 19): what a pre-commit hook or an editor's
// "lint on save" waits for, each in a fresh process, taken in turns so that
// a busy moment of the machine weighs on all of them alike:
//   - `pysec-lsp --version` (dist/cli.js, the bundle), beside a bare `node -e ''`;
//   - `pysec-lsp check --no-bandit --no-cache` of one 50-line file, beside
//     bandit 1.6.2 (/usr/bin/bandit) and bandit 1.9.x (Debian sid's, under
//     $PYSEC_BANDIT_SID_DIR, as test/support/bandit.ts runs it) on the same file;
//   - the same check with the result cache warm (`--cache-dir`, a private temp
//     folder filled by one run first: the warm path, check/warm.ts), its ratio
//     to bandit 1.6.2 against the budget of issue 19 (≤ 0.5×: PASS or OVER);
//   - spawn → `initialize` answered, and spawn → first diagnostics of the same
//     file opened right after `initialized` (the server with bandit off, as the
//     other LSP benches: its tree-sitter diagnostics are the first);
//   - the same with a workspace folder, as every editor sends one: the file in
//     a temp project holding a requirements.txt, a pyproject.toml with
//     [tool.bandit], and a package of --project-files standard-library modules
//     (default 150; in a subfolder, so that they shadow none of the file's imports).
// Medians of --runs (default 10). A benchmark, not a test: it exits 0 whatever
// the figures, non-zero only when something could not be measured.
//   node test/bench/startup.mjs [--runs N] [--project-files N] [--json PATH]
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SERVER, startServer, stats } from './lsp-client.mjs';
import { benchArgs } from './args.mjs';

const SID_SITE = join(process.env.PYSEC_BANDIT_SID_DIR ?? '/opt/pysec-bandit-sid', 'usr/lib/python3/dist-packages');

/** 50 lines of an ordinary small web app, with a few findings for both engines. */
const FILE = `import hashlib
import json
import os
import subprocess
import sqlite3

from flask import Flask, request

app = Flask(__name__)
DB = os.environ.get("APP_DB", "app.db")


def connect():
    return sqlite3.connect(DB)
def digest(data):
    return hashlib.md5(data.encode()).hexdigest()


@app.route("/users/<name>")
def user(name):
    conn = connect()
    rows = conn.execute("SELECT * FROM users WHERE name = '%s'" % name).fetchall()
    return json.dumps(rows)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    out = subprocess.run(["ping", "-c", "1", host], capture_output=True, timeout=5)
    return out.stdout


@app.route("/report")
def report():
    kind = request.args.get("kind", "daily")
    path = os.path.join("/srv/reports", kind + ".txt")
    with open(path) as f:
        return f.read()


def checksum_all(paths):
    return {p: digest(open(p).read()) for p in paths}


def main():
    app.run(host="127.0.0.1", port=8080)


if __name__ == "__main__":
    main()`;

function parseArgs(argv) {
  const opts = { runs: 10, projectFiles: 150, json: join(ROOT, '.bench', 'startup.json') };
  return benchArgs(argv, opts, { '--runs': (v) => (opts.runs = Math.max(1, Number(v))), '--project-files': (v) => (opts.projectFiles = Math.max(0, Number(v))) });
}

/** Runs a command (never a shell) to its end: { ms, code, stdout }. */
function timed(cmd, args, { cwd, env = process.env }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** spawn → initialize answered, and → first diagnostics of `uri` opened right after `initialized` (in the folder `rootUri`, when given). */
async function firstDiagnostics(uri, rootUri = null) {
  const t0 = performance.now();
  const server = await startServer({ rootUri });
  const initialized = performance.now() - t0;
  const got = server.waitForDiagnostics(uri, 1);
  await server.open(uri, FILE, 1);
  const { at, params } = await got;
  await server.stop();
  return { initialize: initialized, first: at - t0, diagnostics: params.diagnostics.length };
}

/** A small project below `dir` (see the head comment); the number of Python files in it. */
function makeProject(dir, count) {
  const pkg = join(dir, 'vendored');
  mkdirSync(pkg, { recursive: true });
  const lib = STDLIB.find((d) => existsSync(d));
  let n = 0;
  if (lib) {
    for (const name of readdirSync(lib).sort()) {
      if (n >= count) break;
      if (!name.endsWith('.py')) continue;
      copyFileSync(join(lib, name), join(pkg, name));
      n++;
    }
  }
  writeFileSync(join(pkg, '__init__.py'), '');
  writeFileSync(join(dir, 'requirements.txt'), 'flask==2.0.1\nrequests==2.19.0\njinja2==2.10\n');
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "bench"\n\n[tool.bandit]\nskips = ["B101"]\n');
  writeFileSync(join(dir, 'app.py'), FILE);
  return n + 2;
}

const STDLIB = ['/usr/lib/python3.13', '/usr/lib/python3.12', '/usr/lib/python3.11'];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'pysec-startup-'));
  try {
    const file = join(dir, 'app.py');
    writeFileSync(file, FILE, { mode: 0o600 });
    const uri = pathToFileURL(file).href;
    const sid = existsSync(join(SID_SITE, 'bandit/__init__.py'));
    const load = { before: loadavg()[0] };
    const runs = { node: [], version: [], check: [], warm: [], bandit16: [], bandit19: [], initialize: [], first: [], folderFirst: [] };
    const project = join(dir, 'project');
    const projectFiles = makeProject(project, opts.projectFiles);
    const projectUri = pathToFileURL(join(project, 'app.py')).href;
    let findings;
    const cacheDir = join(dir, 'cache');
    const warmArgs = [SERVER, 'check', '--no-bandit', '--cache-dir', cacheDir, '--format', 'json', file];
    // The file is written a moment ago: the cache's fingerprint of it is too recent to trust (cache/fresh.ts RACY_MS), and a
    // user's file that has not just been saved is older. Dated back, so that the warm runs measure the usual case.
    const hourAgo = Date.now() / 1000 - 3600;
    utimesSync(file, hourAgo, hourAgo);
    const fill = await timed(process.execPath, warmArgs, { cwd: dir });
    if (fill.code !== 1) throw new Error(`check --cache-dir exited ${fill.code} (1 expected): ${fill.stderr}`);
    for (let i = 0; i < opts.runs; i++) {
      runs.node.push((await timed(process.execPath, ['-e', ''], { cwd: dir })).ms);
      const v = await timed(process.execPath, [SERVER, '--version'], { cwd: dir });
      if (v.code !== 0) throw new Error(`--version exited ${v.code}: ${v.stderr}`);
      runs.version.push(v.ms);
      const c = await timed(process.execPath, [SERVER, 'check', '--no-bandit', '--no-cache', '--format', 'json', file], { cwd: dir });
      if (c.code !== 1) throw new Error(`check exited ${c.code} (1 expected: the file has findings): ${c.stderr}`);
      findings = JSON.parse(c.stdout).findings.length;
      runs.check.push(c.ms);
      const w = await timed(process.execPath, warmArgs, { cwd: dir });
      if (w.code !== 1 || w.stdout !== c.stdout) throw new Error(`the warm check printed other findings than --no-cache (exit ${w.code}): ${w.stderr}`);
      runs.warm.push(w.ms);
      const b16 = await timed('/usr/bin/bandit', ['-q', '-f', 'json', file], { cwd: dir });
      if (b16.code !== 1) throw new Error(`bandit 1.6.2 exited ${b16.code}: ${b16.stderr}`);
      runs.bandit16.push(b16.ms);
      if (sid) {
        const b19 = await timed('/usr/bin/python3', ['-m', 'bandit', '-q', '-f', 'json', file], { cwd: dir, env: { ...process.env, PYTHONPATH: SID_SITE } });
        if (b19.code !== 1) throw new Error(`bandit 1.9 exited ${b19.code}: ${b19.stderr}`);
        runs.bandit19.push(b19.ms);
      }
      const lsp = await firstDiagnostics(uri);
      if (lsp.diagnostics === 0) throw new Error('the server published no diagnostics for a file with findings');
      runs.initialize.push(lsp.initialize);
      runs.first.push(lsp.first);
      const inFolder = await firstDiagnostics(projectUri, pathToFileURL(project).href);
      if (inFolder.diagnostics === 0) throw new Error('the server published no diagnostics for a file with findings, in a workspace folder');
      runs.folderFirst.push(inFolder.first);
    }
    load.after = loadavg()[0];
    const med = (k) => (runs[k].length ? stats(runs[k]) : undefined);
    const out = { runs: opts.runs, lines: FILE.split('\n').length, findings, load, node: med('node'), version: med('version'), check: med('check'), warm: med('warm'), bandit16: med('bandit16'), bandit19: med('bandit19'), initialize: med('initialize'), first: med('first'), projectFiles, folderFirst: med('folderFirst') };
    const f = (s) => (s ? `${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)})` : 'n/a');
    console.log(`load average ${load.before.toFixed(1)} → ${load.after.toFixed(1)} (2 cores shared); medians of ${opts.runs} fresh processes`);
    console.log(`node -e ''                         ${f(out.node)}`);
    console.log(`pysec-lsp --version                ${f(out.version)}`);
    console.log(`check --no-bandit, ${out.lines}-line file   ${f(out.check)}   (${findings} findings)`);
    const ratio = out.warm && out.bandit16 ? out.warm.median / out.bandit16.median : undefined;
    console.log(`  same, cache warm                 ${f(out.warm)}${ratio === undefined ? '' : `   ${ratio.toFixed(2)}× bandit 1.6.2 (budget ≤ 0.5×: ${ratio <= 0.5 ? 'PASS' : 'OVER'})`}`);
    console.log(`bandit 1.6.2, same file            ${f(out.bandit16)}`);
    console.log(`bandit 1.9.x, same file            ${f(out.bandit19)}`);
    console.log(`server spawn → initialize answer   ${f(out.initialize)}`);
    console.log(`server spawn → first diagnostics   ${f(out.first)}`);
    console.log(`  same, in a workspace folder       ${f(out.folderFirst)}   (${projectFiles} files)`);
    if (opts.json) {
      mkdirSync(dirname(opts.json), { recursive: true });
      writeFileSync(opts.json, JSON.stringify(out, null, 2));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`startup: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
