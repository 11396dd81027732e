/**
 * The session's and the engine's modules (server-modules.ts), loaded once.
 * In tsc's tree a dynamic import; in the bundle (scripts/bundle.mjs) this
 * module is replaced by a call of the loader's `__pysecImport`
 * (boot/code-cache.ts), which reads the session bundle off the main thread
 * and compiles it through the code cache.
 */
let modules: Promise<typeof import('./server-modules.js')> | undefined;

export function serverModules(): Promise<typeof import('./server-modules.js')> {
  return (modules ??= import('./server-modules.js'));
}
