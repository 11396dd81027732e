import { checkNotification, MalformedInputError } from '../documents/validate.js';
import type { Notices } from '../session/notices.js';

/**
 * A notification handler that checks its params first (documents/validate.ts)
 * and never throws: a client's malformed input is said as such, anything
 * else is our bug, said with its stack; each once.
 */
export function guarded<A extends unknown[]>(notices: Notices, what: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      checkNotification(what, args[0]);
      fn(...args);
    } catch (e) {
      const why = e instanceof MalformedInputError ? e.message : `${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      notices.once(`${what}:${String(e)}`, `pysec: ${why}`);
    }
  };
}
