import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { makeFolders } from '../files/folders.js';

/**
 * Loads the CLI's bundles (scripts/bundle.mjs: one CommonJS file per
 * command, `dist/bundle-<command>-<hash>.cjs`) through V8's code cache, as
 * v8-compile-cache does: each is compiled by `vm.Script` with the cache data
 * a previous run left, so that neither its parse nor the compile of the
 * functions that run did ran then is paid again. A bundle that had no cache,
 * or whose cache V8 rejected (another node, other V8 flags), gets one
 * written at exit, after the run, so that the functions compiled lazily
 * during it are in it too.
 *
 * Where: the user's cache folder, `$XDG_CACHE_HOME/pysec-lsp/code/` (else
 * `~/.cache/...`), never the workspace: a code cache is code, and a checkout
 * is untrusted. Private (folder 0700, files 0600), written to a temporary
 * name and renamed. The name holds the bundle's content hash, node's
 * version and architecture and a hash of the V8 flags; V8 checks its own
 * version, the source and the flags again and rejects a mismatch, which is
 * then rewritten. Any failure to read or write a cache only costs the time.
 *
 * node's own modules come through `require` (createRequire), not `import`:
 * this file is the one ES module a start loads (dist/cli.js), and an ES
 * import of `node:fs` builds its ES facade, which loads node's streams.
 */

const requireHere = createRequire(import.meta.url);
const fs = requireHere('node:fs') as typeof import('node:fs');
const vm = requireHere('node:vm') as typeof import('node:vm');
const v8 = requireHere('node:v8') as typeof import('node:v8');
const { pathToFileURL } = requireHere('node:url') as typeof import('node:url');

/** Set by boot/v8-flags.ts (in another bundle: so a global): the V8 flags that undo what the run set. */
const FLAGS_UNDO = Symbol.for('pysec-lsp.v8-flags-undo');

interface Pending {
  name: string;
  script: import('node:vm').Script;
  cacheFile: string;
}

const loaded = new Map<string, unknown>();
const pending: Pending[] = [];

/** The folder of the code caches (`code/` beside the result cache's `cache/`: cache/location.ts). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec: a relative path is invalid and is to be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'pysec-lsp', 'code');
}

/** FNV-1a of a string, as hex: the V8 flags in a cache file's name (V8 checks them again; this only keeps two sets apart). */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

/** What a cache file's name says beside the bundle's: node, the machine, the flags V8 was started with. */
function runtimeKey(): string {
  return `${process.version}-${process.arch}-${fnv(`${process.execArgv.join(' ')}|${process.env.NODE_OPTIONS ?? ''}`)}`;
}

/** `bundle-check-<hash>.cjs` → `bundle-check-`: the name of any build's cache of this bundle. */
function bundlePrefix(name: string): string {
  return name.slice(0, name.lastIndexOf('-') + 1);
}

/**
 * Runs the bundle `name` of `dir` (once: later calls give the same exports)
 * as node runs a CommonJS module, with a `require` that loads the other
 * bundles (`./bundle-*.cjs`, the commands' dynamic imports) the same way.
 */
export function loadBundle(dir: string, name: string): unknown {
  const done = loaded.get(name);
  if (done !== undefined) return done;
  const file = join(dir, name);
  let source = fs.readFileSync(file, 'utf8');
  // A hashbang (cli.ts's) is a comment only at the very start: here it follows the wrapper.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const cacheFile = join(codeCacheDir(), `${name}.${runtimeKey()}`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    /* none yet */
  }
  // The wrapper of node's CommonJS modules, on the source's first line: positions in stack traces stay the file's.
  // node's CommonJS wrapper, on the source's first line (positions in stack traces stay the file's), and `__pysecImport`: the
  // bundle's way to an ES module beside it (the server's, scripts/bundle.mjs), as a vm.Script has no ES loader of its own.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __pysecImport) {${source}\n})`, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (pending.length === 0) process.once('exit', writeCaches);
    pending.push({ name, script, cacheFile });
  }
  const module = { exports: {} as unknown };
  loaded.set(name, module.exports);
  const nodeRequire = createRequire(file);
  const bundleRequire = Object.assign((id: string) => (id.startsWith('./bundle-') && id.endsWith('.cjs') ? loadBundle(dir, id.slice(2)) : nodeRequire(id)), {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
  });
  const importBeside = (spec: string): Promise<unknown> => import(pathToFileURL(join(dir, spec)).href);
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, bundleRequire, module, file, dir, importBeside);
  loaded.set(name, module.exports);
  return module.exports;
}

/** At exit: each bundle's cache, with what the run compiled, written privately and atomically; older builds' caches of it removed. */
function writeCaches(): void {
  try {
    // V8 stamps the cache with the flags of the moment and rejects it under others: the ones the run set are undone first.
    const undo = (globalThis as Record<symbol, unknown>)[FLAGS_UNDO];
    if (typeof undo === 'string') v8.setFlagsFromString(undo);
    const dir = codeCacheDir();
    makeFolders(dir, 0o700);
    const names = fs.readdirSync(dir);
    for (const { name, script, cacheFile } of pending) {
      const base = cacheFile.slice(dir.length + 1);
      // `bundle-check-<hash>.cjs.<runtime>`: the same bundle's cache from another build, node or set of flags.
      for (const n of names) if (n !== base && n.includes('.cjs.') && bundlePrefix(n.slice(0, n.indexOf('.cjs.'))) === bundlePrefix(name)) fs.rmSync(join(dir, n), { force: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
        fs.renameSync(tmp, cacheFile);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    }
  } catch {
    /* no cache: the next start compiles again */
  }
}
