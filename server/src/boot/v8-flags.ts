import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8 flags for the rest of the process, and says how to undo them
 * before the code caches are made (boot/code-cache.ts), and to set them
 * again after when that is not at exit: V8 stamps a
 * cache with the flags of the moment, and a cache made under flags that the
 * next start does not have is rejected. Through a global, because the
 * loader and the bundle that sets the flags are separate copies of code.
 */
export function setV8Flags(flags: string, undo: string): void {
  setFlagsFromString(flags);
  (globalThis as Record<symbol, unknown>)[Symbol.for('pysec-lsp.v8-flags-undo')] = undo;
  (globalThis as Record<symbol, unknown>)[Symbol.for('pysec-lsp.v8-flags-set')] = flags;
}
