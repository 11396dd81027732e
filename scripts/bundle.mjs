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
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist`;

// Chunk names change with their contents: the previous build's go first.
for (const f of readdirSync(DIST)) if (/^bundle-.*\.js$/.test(f)) rmSync(`${DIST}/${f}`);

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

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    cli: 'server/src/cli.ts',
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
  // CommonJS dependencies (vscode-languageserver) call require() for node's
  // own modules; an ES module has no require, so each file makes one. The
  // alias keeps clear of a bundled module's own `createRequire`.
  banner: { js: "import { createRequire as __pysecCreateRequire } from 'node:module';\nconst require = __pysecCreateRequire(import.meta.url);" },
  // The wasm files stay in their packages: found at run time (engine/grammar.ts).
  plugins: [noZodLocales, builtinsByRequire],
  metafile: true,
  logLevel: 'warning',
});

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
for (const [k, v] of Object.entries(yaml.metafile.outputs)) result.metafile.outputs[k] = v;

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
