// `npm run build`, after tsc: bundles the command line and the two worker
// entries with esbuild into dist/ (issue 19), the package's dependencies
// included, so that a command loads a few files instead of hundreds of
// modules. `splitting` keeps what cli.ts imports lazily (the server, each
// command, each report renderer) in chunks of its own, loaded only when asked.
//
// Layout, all flat in dist/ beside tsc's module tree (which benches and
// tests import): cli.js (the `bin`), worker-main.js and large-worker-main.js
// (started as worker threads: pool.ts and large.ts find them beside
// themselves, `./worker-main.js`, from any bundle file), and
// bundle-*.js (the chunks). From dist/ the rest is found as from tsc's
// tree: queries/ one folder up (engine/ruleset.ts), the grammars' wasm
// files as package files (engine/grammar.ts), package.json one folder up
// (version.ts). dist/rules.json: the rules of queries/ read and validated
// at build time (engine/prebuilt.ts). dist/yaml.cjs: the yaml package, which
// bandit/yaml.ts requires when a project's bandit config is YAML. dist/bundle.meta.json is esbuild's account of which module
// went where (test/cli/cold-start.test.ts reads it); it is not shipped.
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist`;

// Chunk names change with their contents: the previous build's go first.
for (const f of readdirSync(DIST)) if (/^bundle-.*\.c?js$/.test(f)) rmSync(`${DIST}/${f}`);

/**
 * zod's namespace of every language's error messages (`z.locales`, 360 kB,
 * half of zod) is reachable from both its builds, so it would load with
 * every command that validates anything; nothing here uses it (English,
 * the one we set, is imported by its own path), so the bundle gets an empty
 * namespace in its place.
 */
const noZodLocales = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'no-zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * node's own modules through `require`, not `import`: importing `node:fs`
 * as an ES module makes node build its ES facade, which reads every export,
 * and the `ReadStream` getter loads all of node's streams (a tenth of a
 * one-file `check`'s module loading, measured on node 20). `require` gives
 * the same object without the facade. Each static import becomes a small
 * ES module that re-exports the plain properties of the required object
 * (read here, from this node), so that importers bind to them directly;
 * a property node defines by a getter (fs's `ReadStream`, `promises`) is
 * not read unless listed in `ACCESSORS`: importing another fails the build,
 * which says to list it. A dynamic `import()` keeps node's own facade (it
 * wants the named exports of a namespace, once).
 */
const BUILTINS = new Set(builtinModules);
const ACCESSORS = { util: ['parseArgs', 'aborted'] };
const requireHere = createRequire(import.meta.url);
function builtinModule(spec) {
  const name = spec.replace(/^node:/, '');
  const m = requireHere(spec);
  const plain = Object.keys(m).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && ('value' in Object.getOwnPropertyDescriptor(m, k) || ACCESSORS[name]?.includes(k)));
  return `const m = require(${JSON.stringify(spec)});\nexport default m;\n${plain.map((k) => `export const ${k} = m.${k};`).join('\n')}\n`;
}
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && (args.path.startsWith('node:') || BUILTINS.has(args.path)) ? { path: args.path, namespace: 'builtin-by-require' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({ contents: builtinModule(args.path), loader: 'js' }));
  },
};

// CommonJS dependencies (vscode-languageserver) and builtinsByRequire call
// require() for node's own modules; an ES module has no require, so each
// file makes one. The alias keeps clear of a bundled module's own `createRequire`.
const ESM_REQUIRE = "import { createRequire as __pysecCreateRequire } from 'node:module';\nconst require = __pysecCreateRequire(import.meta.url);";

// The pool's two worker entries (node starts a worker from a URL): ES
// modules, split into shared chunks.
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    'worker-main': 'server/src/batch/worker-main.ts',
    'large-worker-main': 'server/src/documents/large-worker-main.ts',
  },
  outdir: 'dist',
  chunkNames: 'bundle-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: ESM_REQUIRE },
  // The wasm files stay in their packages: found at run time (engine/grammar.ts).
  plugins: [noZodLocales, builtinsByRequire],
  metafile: true,
  logLevel: 'warning',
});
const merge = (more) => Object.assign(result.metafile.outputs, more.metafile.outputs);

/**
 * The command line: one CommonJS file per command, each holding all it
 * runs, so that a command loads one or two files, each compiled through
 * V8's code cache (boot/code-cache.ts: `vm.Script` takes scripts, not ES
 * modules). cli.ts's dynamic imports of the commands are the seams:
 * `bundle-cli-<hash>.cjs` requires `./bundle-<command>-<hash>.cjs`, which
 * the loader runs the same way; any other dynamic import is inside its
 * bundle (esbuild makes it a lazy `require` of the bundled module: nothing
 * of it runs before it is asked). `import.meta.url` is the bundle's own
 * URL, from which the rest is found as from tsc's tree (see the top).
 */
const COMMANDS = {
  'check-warm': 'server/src/check/warm.ts',
  check: 'server/src/check/command.ts',
  report: 'server/src/report/command.ts',
  advisories: 'server/src/advisories/update.ts',
};
/** web-tree-sitter's CommonJS build: its ES one imports node's `module` dynamically and then declares a `require` of its own. */
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: requireHere.resolve('web-tree-sitter') }));
  },
};
/**
 * The build's id for the result cache's key (cache/key.ts buildStamp): a
 * hash of the sources, the locked dependencies and this script, in place
 * of the stat of every file of dist/ that tsc's tree would otherwise cost
 * each warm `check`.
 */
function buildId() {
  const h = createHash('sha256');
  const stack = [`${ROOT}server/src`];
  const files = [`${ROOT}package-lock.json`, fileURLToPath(import.meta.url)];
  while (stack.length) {
    const d = stack.pop();
    for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? stack : files).push(`${d}/${e.name}`);
  }
  for (const f of files.sort()) h.update(`${f.slice(ROOT.length)}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 32);
}
const scriptOptions = {
  absWorkingDir: ROOT,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  entryNames: 'bundle-[name]-[hash]',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // A dynamic import becomes a require (of the bundled module, or of node's own): a vm.Script has no ES loader.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__pysecUrl', PYSEC_BUILD_ID: JSON.stringify(buildId()) },
  // Each bundle is one function expression, node's CommonJS wrapper and `__pysecImport` (boot/code-cache.ts runs it): the
  // loader compiles the file as it is read, with no copy to wrap it. A hashbang (cli.ts's) stays first, where V8 takes it.
  banner: { js: "(function (exports, require, module, __filename, __dirname, __pysecImport) {var __pysecUrl = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '\n})' },
  minifyWhitespace: true,
  metafile: true,
  logLevel: 'warning',
};
/**
 * Third-party packages that a command's bundle would carry for a few runs
 * only, each a CommonJS file of its own that the bundle requires when the
 * module importing it first runs (the loader runs a `./bundle-*.cjs` through
 * the code cache like a command's): execa (only when bandit runs) and the
 * CVSS calculator (the dependency audit) as `bundle-<package>-<hash>.cjs`,
 * yaml (the audit's advisory database) as dist/yaml.cjs, which bandit/yaml.ts
 * requires too. A one-file `check` then reads a third less JavaScript
 * (each kilobyte read costs a start, code cache or not). None keeps state
 * that the bundle's own code shares.
 */
const APART = ['execa', 'ae-cvss-calculator'];
const apart = await build({ ...scriptOptions, entryPoints: Object.fromEntries(APART.map((p) => [p, p])) });
merge(apart);
const apartFile = { yaml: './yaml.cjs' };
for (const [out, o] of Object.entries(apart.metafile.outputs)) {
  const name = APART.find((p) => out.startsWith(`dist/bundle-${p}-`));
  if (name && out.endsWith('.cjs')) apartFile[name] = `./${out.slice('dist/'.length)}`;
}
const packagesApart = {
  name: 'packages-apart',
  setup(b) {
    b.onResolve({ filter: /^(execa|ae-cvss-calculator|yaml)$/ }, (args) => ({ path: apartFile[args.path], external: true }));
  },
};
/**
 * node's worker_threads, required when first used: the check bundle holds the pool (batch/pool.ts), which a run of fewer
 * files than its threshold never starts, and node's worker modules cost a one-file `check` a millisecond or two to load.
 * Each export is a getter that requires the module.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:worker_threads$/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `for (const k of ${JSON.stringify(Object.keys(requireHere(args.path)))}) Object.defineProperty(exports, k, { enumerable: true, get: () => require(${JSON.stringify(args.path)})[k] });`,
      loader: 'js',
    }));
  },
};
const commands = await build({ ...scriptOptions, entryPoints: COMMANDS, plugins: [noZodLocales, webTreeSitterCjs, packagesApart, lazyBuiltins] });
merge(commands);
/** Output file name of each command's bundle. */
const commandFile = {};
for (const [out, o] of Object.entries(commands.metafile.outputs)) {
  const name = Object.keys(COMMANDS).find((k) => o.entryPoint === COMMANDS[k]);
  if (name && out.endsWith('.cjs')) commandFile[COMMANDS[name].replace(/^server\/src\//, './').replace(/\.ts$/, '.js')] = out.slice('dist/'.length);
}
/**
 * The language server (`--stdio`) in four script bundles, loaded as the
 * commands' are (through the code cache):
 *   - `bundle-lsp-<hash>.cjs`, vscode-languageserver (with its protocol and
 *     vscode-jsonrpc), and `bundle-grammar-<hash>.cjs`, web-tree-sitter
 *     and the grammar's loader (grammar-modules.ts): one copy of each for
 *     the two others, whose `require` of it gives the same module (one
 *     `ResponseError` class, one loaded grammar);
 *   - `bundle-serve-<hash>.cjs`, serve.ts: the wiring, the gate and the
 *     transport, all that runs before `initialize` is answered, and the
 *     start of the grammar's wasm compile;
 *   - `bundle-session-<hash>.cjs`, server-modules.ts: the session, its
 *     handlers and the engine. serve.ts's way to it, server-load.ts, is
 *     replaced by the loader's `__pysecImport` of this file, which reads it
 *     off the main thread while the server answers `initialize`
 *     (test/lsp/startup.test.ts holds that read).
 */
const lspOnly = await build({ ...scriptOptions, entryPoints: { lsp: 'vscode-languageserver/node.js' } });
merge(lspOnly);
const lspFile = Object.keys(lspOnly.metafile.outputs).find((f) => f.endsWith('.cjs')).slice('dist/'.length);
/** Every import of the LSP library: the shared bundle. */
const sharedLsp = {
  name: 'shared-lsp',
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver(?:\/node\.js)?$/ }, () => ({ path: `./${lspFile}`, external: true }));
    b.onResolve({ filter: /^vscode-(?:languageserver-protocol|jsonrpc)(?:\/|$)/ }, (args) => {
      throw new Error(`${args.importer} imports ${args.path}: take it from vscode-languageserver, which the server's bundles share (scripts/bundle.mjs)`);
    });
  },
};
/** The grammar's loader and web-tree-sitter (grammar-modules.ts), shared by the two as the LSP library is. */
const grammarOnly = await build({ ...scriptOptions, entryPoints: { grammar: 'server/src/grammar-modules.ts' }, plugins: [webTreeSitterCjs] });
merge(grammarOnly);
const grammarFile = Object.keys(grammarOnly.metafile.outputs).find((f) => f.endsWith('.cjs')).slice('dist/'.length);
const GRAMMAR_TS = `${ROOT}server/src/engine/grammar.ts`;
const sharedGrammar = {
  name: 'shared-grammar',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: `./${grammarFile}`, external: true }));
    b.onResolve({ filter: /(?:^|\/)grammar\.js$/ }, (args) => (resolvePath(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === GRAMMAR_TS ? { path: `./${grammarFile}`, external: true } : undefined));
  },
};
const session = await build({ ...scriptOptions, entryPoints: { session: 'server/src/server-modules.ts' }, plugins: [noZodLocales, sharedGrammar, sharedLsp] });
merge(session);
const sessionFile = Object.keys(session.metafile.outputs).find((f) => f.endsWith('.cjs')).slice('dist/'.length);
/** server-load.ts in the server's bundle: the session bundle through the loader (boot/code-cache.ts loadBundleAsync). */
const sessionSeam = {
  name: 'session-seam',
  setup(b) {
    b.onLoad({ filter: /[\\/]server\/src\/server-load\.ts$/ }, () => ({
      contents: `let modules;\nexport function serverModules() {\n  return (modules ??= __pysecImport(${JSON.stringify(`./${sessionFile}`)}));\n}\n`,
      loader: 'js',
    }));
  },
};
const serve = await build({ ...scriptOptions, entryPoints: { serve: 'server/src/serve.ts' }, plugins: [sessionSeam, sharedGrammar, sharedLsp] });
merge(serve);
const serveFile = Object.keys(serve.metafile.outputs).find((f) => f.endsWith('.cjs')).slice('dist/'.length);

/** cli.ts's `import('./check/command.js')` → `require('./bundle-check-<hash>.cjs')`, and `import('./serve.js')` → the server's. */
const commandSeams = {
  name: 'command-seams',
  setup(b) {
    b.onResolve({ filter: /^\.\// }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.endsWith(`server/src/cli.ts`)) return undefined;
      const file = args.path === './serve.js' ? serveFile : commandFile[args.path];
      if (!file) throw new Error(`cli.ts imports ${args.path} dynamically: name it in COMMANDS (scripts/bundle.mjs)`);
      return { path: `./${file}`, external: true };
    });
  },
};
const cli = await build({ ...scriptOptions, entryPoints: { cli: 'server/src/cli.ts' }, plugins: [commandSeams] });
merge(cli);
const cliFile = Object.keys(cli.metafile.outputs).find((f) => f.endsWith('.cjs')).slice('dist/'.length);

// dist/cli.js, the `bin`: the loader (boot/main.ts), an ES module as the package's type says, told the CLI bundle's name.
const boot = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'server/src/boot/main.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { PYSEC_CLI_BUNDLE: JSON.stringify(cliFile) },
  banner: { js: `#!/usr/bin/env node\n${ESM_REQUIRE}` },
  plugins: [builtinsByRequire],
  metafile: true,
  logLevel: 'warning',
});
merge(boot);

// yaml, for a project's YAML bandit config, as a CommonJS file that
// bandit/yaml.ts requires when it first needs it: a chunk would load with
// every `check`, and an ES module cannot be loaded synchronously.
const yaml = await build({
  absWorkingDir: ROOT,
  entryPoints: { yaml: 'yaml' },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
});
merge(yaml);

/**
 * The script bundles in ASCII, which the loader reads as Latin-1
 * (boot/code-cache.ts): esbuild escapes what is not in strings and
 * identifiers, but keeps some comments as written (a `→` or `–` in a
 * class's doc comment), and one such character makes node decode the whole
 * file as UTF-8 into a two-byte string (2 MB: 15–25 ms of the server's
 * start, measured) that V8 then scans at twice the size. Each is written as
 * a `\uXXXX` escape, which means the same character wherever esbuild could
 * have left one (a comment, a string, a regular expression, an identifier).
 */
for (const f of readdirSync(DIST)) {
  if (!/^bundle-.*\.cjs$/.test(f)) continue;
  const text = readFileSync(`${DIST}/${f}`, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(`${DIST}/${f}`, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

writeFileSync(`${DIST}/bundle.meta.json`, JSON.stringify(result.metafile));

// The rules read and validated once, here, with their combined query
// (engine/prebuilt.ts): a start takes them while queries/ hashes the same.
// From tsc's tree, which the build has just written.
const { defaultQueriesDir } = await import(`${DIST}/engine/ruleset.js`);
const { prebuild } = await import(`${DIST}/engine/rules-read.js`);
const { queriesStamp, PREBUILT_FILE } = await import(`${DIST}/engine/prebuilt.js`);
const queries = defaultQueriesDir();
writeFileSync(`${DIST}/${PREBUILT_FILE}`, JSON.stringify(prebuild(queries, queriesStamp(queries))));
// npm links `bin` to it.
chmodSync(`${DIST}/cli.js`, 0o755);
