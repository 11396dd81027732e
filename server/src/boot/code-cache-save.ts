/**
 * Asks the loader (boot/code-cache.ts, which dist/cli.js holds) to write
 * the code caches it has still to write, now rather than at exit. Through
 * a global, the loader being a copy of code of its own; nothing happens
 * where no loader runs (tsc's tree, in tests).
 */
export function saveCodeCaches(): void {
  const save = (globalThis as Record<symbol, unknown>)[Symbol.for('pysec-lsp.code-cache-save')];
  if (typeof save === 'function') save();
}
