/** Python's `fnmatch` (B101's `skips`): the matcher lives in glob/ with bandit's excludes. */
export { fnmatch } from '../glob/fnmatch.js';
