/**
 * Each command loads only what it needs (issue 19): the built CLI (the
 * esbuild bundle in dist/) runs with a module hook that writes down every
 * file node loads (and every command bundle dist/cli.js reads to compile), and esbuild's own account of the bundle
 * (dist/bundle.meta.json) says which source modules each of those files
 * holds. A static import that drags the server, the editor settings' zod
 * schemas, execa or another report renderer into a command fails here —
 * by what is loaded, never by how long it takes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';
import { runCli } from '../support/cli.js';

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/**
 * esbuild's lazy-module helpers (`var __esm = …`, `var __commonJS2 = …`) as they run a module's body: [helper, its run, the run writing the
 * module's name down first]. The bundles are minified in whitespace (scripts/bundle.mjs): the patterns take the code with or without spaces.
 */
const LAZY_RUNS: [string, string, string][] = [
  ['var __esm\\d* ?= ?', 'return fn ?&& ?\\(res ?= ?\\(0, ?fn\\[(\\w+)\\(fn\\)\\[0\\]\\]\\)\\(fn ?= ?0\\)\\), ?res', 'return fn && (__pysecTestRan($1(fn)[0]), res = (0, fn[$1(fn)[0]])(fn = 0)), res'],
  [
    'var __commonJS\\d* ?= ?',
    'return mod ?\\|\\| ?\\(0, ?cb\\[(\\w+)\\(cb\\)\\[0\\]\\]\\)\\(\\(mod ?= ?\\{ ?exports: ?\\{\\} ?\\}\\)\\.exports, ?mod\\), ?mod\\.exports',
    'return mod || (__pysecTestRan($1(cb)[0]), (0, cb[$1(cb)[0]])((mod = { exports: {} }).exports, mod)), mod.exports',
  ],
];

/** Preloaded (--require): writes down each command bundle read and each of its lazy modules run; fails on helpers it does not know. */
const READS_HOOK = `const fs = require('node:fs');
const { pathToFileURL } = require('node:url');
const LAZY_RUNS = ${JSON.stringify(LAZY_RUNS)};
const log = (line) => fs.appendFileSync(process.env.PYSEC_TEST_LOADED, line + '\\n');
globalThis.__pysecTestRan = (name) => log('ran ' + name);
const read = fs.readFileSync;
fs.readFileSync = function (p, ...rest) {
  if (typeof p !== 'string' || !/[\\\\/]bundle-[\\w-]+\\.cjs$/.test(p)) return read.call(this, p, ...rest);
  log(pathToFileURL(p).href);
  let text = read.call(this, p, 'utf8');
  for (const [helper, run, logged] of LAZY_RUNS) {
    const helpers = text.match(new RegExp(helper, 'g'))?.length ?? 0;
    let runs = 0;
    text = text.replace(new RegExp(run, 'g'), (...m) => (runs++, logged.replace(/\\$1/g, m[1])));
    if (runs !== helpers) throw new Error('esbuild lazy-module helper not as expected in ' + p);
  }
  return text;
};
`;

/** The modules a script bundle wraps to run on first use (esbuild's `__esm({ "path"() {…} })`, `__commonJS({ "path"(exports, module) {…} })`). */
function lazyModules(text: string): Set<string> {
  return new Set([...text.matchAll(/(?:__esm|__commonJS)\d*\(\{\s*"([^"\n]+)"\(/g)].map((m) => m[1]));
}

let dir: string;
let meta: Meta;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-cold-start-'));
  // The hook appends each loaded URL to the file named by PYSEC_TEST_LOADED.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.PYSEC_TEST_LOADED, url + '\\n');\n  return next(url, context);\n}\n",
  );
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
  // The commands' bundles are scripts that dist/cli.js reads and compiles itself (boot/code-cache.ts), not modules node loads:
  // their reads are written down too. A bundle holds every module its command may need, the ones behind a dynamic import()
  // wrapped by esbuild to run on first use (`__esm`, `__commonJS`): those helpers are made to write down each module they run.
  writeFileSync(join(dir, 'reads.cjs'), READS_HOOK);
  writeFileSync(join(dir, 'app.py'), 'import subprocess\n\nsubprocess.call("ls -l", shell=True)\n');
  meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/bundle.meta.json'), 'utf8')) as Meta;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI and gives the source modules (paths relative to the repository, `node_modules/…` for packages) of every file it loaded. */
async function loadedModules(args: string[], log: string): Promise<{ code: number | null; stdout: string; files: string[]; modules: string[] }> {
  const file = join(dir, log);
  writeFileSync(file, '');
  const r = await runCli(args, { cwd: dir, env: { ...process.env, NODE_OPTIONS: `--require=${join(dir, 'reads.cjs')} --import=${pathToFileURL(join(dir, 'register.mjs')).href}`, PYSEC_TEST_LOADED: file, XDG_CACHE_HOME: join(dir, 'xdg') } });
  const lines = readFileSync(file, 'utf8').split('\n');
  const urls = [...new Set(lines.filter((u) => u.startsWith('file:')))];
  const ran = new Set(lines.filter((l) => l.startsWith('ran ')).map((l) => l.slice(4)));
  const files = urls.map((u) => fileURLToPath(u)).filter((p) => !p.startsWith(dir));
  const modules = new Set<string>();
  for (const f of files) {
    const out = meta.outputs[resolve(f).slice(REPO_ROOT.length + 1)];
    // A file outside the bundle (a package loaded from node_modules by itself) counts as itself.
    let inputs = out ? Object.keys(out.inputs) : [f];
    // A script bundle's lazy modules count when they ran.
    if (out && f.endsWith('.cjs')) {
      const lazy = lazyModules(readFileSync(f, 'utf8'));
      inputs = inputs.filter((i) => !lazy.has(i) || ran.has(i));
    }
    for (const i of inputs) modules.add(i.includes('node_modules/') ? `node_modules/${i.split('node_modules/').pop()}` : i);
  }
  return { code: r.code, stdout: r.stdout, files, modules: [...modules] };
}

const has = (modules: string[], part: string) => modules.some((m) => m.includes(part));

/** What no command but the server may load. */
const SERVER_ONLY = ['server/src/server.ts', 'server/src/session/', 'server/src/handlers/', 'node_modules/vscode-languageserver/', 'node_modules/vscode-jsonrpc/', 'node_modules/vscode-languageserver-protocol/'];

describe('what each command loads (the bundle)', () => {
  it('every file loaded comes from the bundle: dist/cli.js and its chunks, nothing from node_modules', async () => {
    const r = await loadedModules(['check', '--no-bandit', 'app.py'], 'check-files.log');
    expect(r.code).toBe(1);
    expect(r.files).toContain(join(REPO_ROOT, 'dist/cli.js'));
    for (const f of r.files) expect(f.startsWith(join(REPO_ROOT, 'dist') + '/'), f).toBe(true);
    for (const f of r.files) expect(meta.outputs[f.slice(REPO_ROOT.length + 1)], f).toBeDefined();
  });

  it.each(['--version', '--help', 'check --help'])('%s loads the option parser only: no engine, no server, no package', async (line) => {
    const args = line.split(' ');
    const r = await loadedModules(args, `${args.join('')}.log`);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
    expect(r.modules).toContain('server/src/cli.ts');
    expect(r.modules).toContain('server/src/command-line/args.ts');
    expect(r.modules.filter((m) => m.startsWith('node_modules/'))).toEqual([]);
    expect(r.modules.filter((m) => m.startsWith('server/src/engine/') || m.startsWith('server/src/check/'))).toEqual([]);
    for (const part of SERVER_ONLY) expect(has(r.modules, part), part).toBe(false);
  });

  it('check --no-bandit loads the engine, and not the server, the editor settings, zod\'s classic build, execa or a report renderer', async () => {
    // --no-cache: a file the result cache answers loads no engine at all (the next test).
    const r = await loadedModules(['check', '--no-bandit', '--no-cache', 'app.py'], 'check.log');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('B602');
    for (const m of ['server/src/check/command.ts', 'server/src/engine/engine.ts', 'node_modules/web-tree-sitter/']) expect(has(r.modules, m), m).toBe(true);
    for (const part of [...SERVER_ONLY, 'server/src/config/schema.ts', 'server/src/config/parse.ts', 'node_modules/zod/v4/classic/', 'node_modules/execa/', 'server/src/report/command.ts', 'server/src/report/markdown.ts', 'server/src/report/html.ts']) expect(has(r.modules, part), part).toBe(false);
  });

  it('check with the result cache warm loads no engine, grammar, analyzer or yaml, and prints what the run that filled it printed', async () => {
    const cache = mkdtempSync(join(dir, 'cache-'));
    const cold = await loadedModules(['check', '--no-bandit', '--cache-dir', cache, 'app.py'], 'check-cold.log');
    expect(has(cold.modules, 'server/src/engine/engine.ts')).toBe(true);
    const warm = await loadedModules(['check', '--no-bandit', '--cache-dir', cache, 'app.py'], 'check-warm.log');
    expect(warm.code).toBe(1);
    expect(warm.stdout).toBe(cold.stdout);
    expect(has(warm.modules, 'server/src/check/warm.ts')).toBe(true);
    for (const part of [...SERVER_ONLY, 'server/src/engine/', 'server/src/check/command.ts', 'server/src/batch/review.ts', 'node_modules/web-tree-sitter/', 'node_modules/yaml/', 'node_modules/execa/', 'node_modules/zod/']) expect(has(warm.modules, part), part).toBe(false);
  });

  it('check --no-bandit of a Python file loads neither zod nor yaml: the rules come from the build (dist/rules.json), not from validating queries/', async () => {
    const r = await loadedModules(['check', '--no-bandit', '--no-cache', 'app.py'], 'check-no-zod.log');
    expect(r.stdout).toContain('B602');
    expect(has(r.modules, 'server/src/engine/ruleset.ts')).toBe(true);
    for (const part of ['node_modules/zod/', 'node_modules/yaml/', 'server/src/engine/rule-schema.ts', 'server/src/engine/rules-read.ts', 'server/src/bandit/output.ts']) expect(has(r.modules, part), part).toBe(false);
  });

  it('check of a Python file loads no part of the dependency audit; check of a requirements file does', async () => {
    // (audit/manifest.ts, the manifest names, is what decides: it may load.)
    const AUDIT = ['server/src/check/audit.ts', 'server/src/audit/project.ts', 'server/src/audit/database.ts', 'server/src/audit/parse.ts', 'server/src/audit/cvss.ts', 'node_modules/ae-cvss-calculator/', 'node_modules/fflate/'];
    const py = await loadedModules(['check', '--no-bandit', '--no-cache', 'app.py'], 'check-no-audit.log');
    expect(py.stdout).toContain('B602');
    for (const part of AUDIT) expect(has(py.modules, part), part).toBe(false);
    writeFileSync(join(dir, 'requirements.txt'), 'requests==2.31.0\n');
    try {
      const req = await loadedModules(['check', '--no-bandit', '--no-cache', 'app.py', 'requirements.txt'], 'check-audit.log');
      expect(req.stdout).toContain('B602');
      expect(has(req.modules, 'server/src/check/audit.ts')).toBe(true);
      expect(has(req.modules, 'server/src/audit/project.ts')).toBe(true);
    } finally {
      rmSync(join(dir, 'requirements.txt'));
    }
  });

  it('check loads the settings parser when the project has [tool.pysec]', async () => {
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.pysec.rules]\nignore = ["B602"]\n');
    try {
      const r = await loadedModules(['check', '--no-bandit', 'app.py'], 'check-configured.log');
      expect(r.stdout).not.toContain('B602');
      expect(has(r.modules, 'server/src/config/parse.ts')).toBe(true);
      for (const part of SERVER_ONLY) expect(has(r.modules, part), part).toBe(false);
    } finally {
      rmSync(join(dir, 'pyproject.toml'));
    }
  });

  it.each([
    ['markdown', 'server/src/report/markdown.ts'],
    ['sarif', 'server/src/report/sarif.ts'],
  ])('report --format %s loads its renderer only', async (format, renderer) => {
    const r = await loadedModules(['report', '--no-bandit', '--format', format, 'app.py'], `report-${format}.log`);
    expect(r.code).toBe(0);
    expect(has(r.modules, renderer)).toBe(true);
    const others = ['markdown', 'sarif', 'html'].map((f) => `server/src/report/${f}.ts`).filter((m) => m !== renderer);
    for (const part of [...others, ...SERVER_ONLY, 'node_modules/execa/']) expect(has(r.modules, part), part).toBe(false);
  });
});
