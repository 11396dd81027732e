import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { makeFolders } from '../files/folders.js';

/**
 * Loads the CLI's bundles (scripts/bundle.mjs: one CommonJS file per
 * command, `dist/bundle-<command>-<hash>.cjs`) through V8's code cache, as
 * v8-compile-cache does: each is compiled by `vm.Script` with the cache data
 * a previous run left, so that neither its parse nor the compile of the
 * functions that run did ran then is paid again. A bundle that had no cache,
 * or whose cache V8 rejected (another node, other V8 flags), gets one
 * written at exit, after the run, so that the functions compiled lazily
 * during it are in it too (the server's: once its first document is
 * analysed, boot/code-cache-save.ts). The server's bundles are four
 * (scripts/bundle.mjs): the session's is read off the main thread
 * (`loadBundleAsync`) while the server answers `initialize`.
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

/** Set by boot/v8-flags.ts (in another bundle: so globals): the V8 flags that undo what the run set, and what it set. */
const FLAGS_UNDO = Symbol.for('pysec-lsp.v8-flags-undo');
const FLAGS_SET = Symbol.for('pysec-lsp.v8-flags-set');

interface Pending {
  name: string;
  script: import('node:vm').Script;
  cacheFile: string;
  /** The V8 flags the run had set when the bundle was compiled (none: V8's own): its cache is made under the same. */
  flags: string | undefined;
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
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFileOf(name));
  } catch {
    /* none yet */
  }
  return run(dir, name, fs.readFileSync(file), cachedData);
}

const loading = new Map<string, Promise<unknown>>();

/**
 * The same, with the bundle and its cache read off the main thread: for the
 * server's session bundle (scripts/bundle.mjs), which loads while the
 * server answers `initialize`. Its seam in the server's bundle calls this
 * as `__pysecImport`.
 */
export function loadBundleAsync(dir: string, name: string): Promise<unknown> {
  const done = loaded.get(name);
  if (done !== undefined) return Promise.resolve(done);
  let p = loading.get(name);
  if (!p) {
    const read = (path: string, optional: boolean) =>
      new Promise<Buffer | undefined>((resolve, reject) => fs.readFile(path, (e, data) => (e ? (optional ? resolve(undefined) : reject(e)) : resolve(data))));
    p = Promise.all([read(join(dir, name), false), read(cacheFileOf(name), true)]).then(([source, cachedData]) => loaded.get(name) ?? run(dir, name, source!, cachedData));
    loading.set(name, p);
  }
  return p;
}

/** Where the code cache of the bundle `name` is, for this node, machine and set of V8 flags. */
function cacheFileOf(name: string): string {
  return join(codeCacheDir(), `${name}.${runtimeKey()}`);
}

/** Compiles the bundle's `text` with `cachedData` (when there is any) and runs it: its exports. */
function run(dir: string, name: string, text: Buffer, cachedData: Buffer | undefined): unknown {
  const file = join(dir, name);
  // Latin-1, which is ASCII here (the build fails on a bundle that is not, scripts/bundle.mjs): V8 takes it as a one-byte
  // string without decoding UTF-8 through a buffer of its own, a copy a start paid for in fresh memory.
  const source = text.toString('latin1');
  // The file is a function expression (scripts/bundle.mjs writes node's CommonJS wrapper around each bundle, and
  // `__pysecImport`: a bundle's dynamic import of another beside it, read off the main thread — the server's of the
  // session's), compiled as it is: wrapped here, the source would be copied once more.
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (pending.length === 0) process.once('exit', () => writeCaches());
    const flags = (globalThis as Record<symbol, unknown>)[FLAGS_SET];
    pending.push({ name, script, cacheFile: cacheFileOf(name), flags: typeof flags === 'string' ? flags : undefined });
  }
  const module = { exports: {} as unknown };
  loaded.set(name, module.exports);
  const nodeRequire = createRequire(file);
  const bundleRequire = Object.assign((id: string) => (isBundle(id) ? loadBundle(dir, id.slice(2)) : nodeRequire(id)), {
    resolve: nodeRequire.resolve,
    cache: nodeRequire.cache,
  });
  const loadBeside = (id: string): Promise<unknown> => (isBundle(id) ? loadBundleAsync(dir, id.slice(2)) : Promise.reject(new Error(`not a bundle: ${id}`)));
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, bundleRequire, module, file, dir, loadBeside);
  loaded.set(name, module.exports);
  return module.exports;
}

/** `./bundle-<name>-<hash>.cjs`: another bundle of the build, beside this one. */
const isBundle = (id: string) => id.startsWith('./bundle-') && id.endsWith('.cjs') && !id.includes('/', 2);

/**
 * The caches still to write, written now rather than at exit: for the
 * server, once its first document is analysed (server.ts), so that a cache
 * holds what a start runs rather than all a long session compiled (V8
 * reads a cache whole: a smaller one is quicker to take), and is written
 * even when the editor kills the server. The server's bundle calls it
 * through a global, the loader being a copy of its own.
 */
(globalThis as Record<symbol, unknown>)[Symbol.for('pysec-lsp.code-cache-save')] = () => writeCaches(true);

/**
 * At exit (or when asked, `running`): each bundle's cache, with what the run compiled, written privately and atomically;
 * older builds' caches of it removed.
 */
function writeCaches(running = false): void {
  if (pending.length === 0) return;
  const globals = globalThis as Record<symbol, unknown>;
  // V8 stamps a cache with the flags of the moment and rejects it under others: each is made under the flags its bundle
  // was compiled with (a command's bundle compiles before the command sets any: V8's own; the server's session bundle after
  // it set its own, grammar.ts serverRun). The run's are set again after, when it goes on.
  const undo = globals[FLAGS_UNDO];
  const set = globals[FLAGS_SET];
  let now = typeof set === 'string' ? set : undefined;
  // node:v8 only here: loading it loads node's streams, which `--version` has no use for.
  const v8 = requireHere('node:v8') as typeof import('node:v8');
  const flagsFor = (flags: string | undefined) => {
    if (flags === now) return;
    if (flags === undefined && typeof undo === 'string') v8.setFlagsFromString(undo);
    if (flags !== undefined) v8.setFlagsFromString(flags);
    now = flags;
  };
  try {
    const dir = codeCacheDir();
    makeFolders(dir, 0o700);
    const names = fs.readdirSync(dir);
    for (const { name, script, cacheFile, flags } of pending.splice(0)) {
      const base = cacheFile.slice(dir.length + 1);
      // `bundle-check-<hash>.cjs.<runtime>`: the same bundle's cache from another build, node or set of flags.
      for (const n of names) if (n !== base && n.includes('.cjs.') && bundlePrefix(n.slice(0, n.indexOf('.cjs.'))) === bundlePrefix(name)) fs.rmSync(join(dir, n), { force: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        flagsFor(flags);
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
        fs.renameSync(tmp, cacheFile);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    }
  } catch {
    /* no cache: the next start compiles again */
  } finally {
    if (running && typeof set === 'string') flagsFor(set);
  }
}
