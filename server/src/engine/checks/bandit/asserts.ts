import { fnmatch } from '../../fnmatch.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/asserts.py: B101 assert_used.
 */

/** B101 assert_used: every `assert`, unless the file matches a `skips` pattern. */
const assertUsed: Check = (_m, rule, ctx) => {
  const skips = Array.isArray(rule.params.skips) ? (rule.params.skips as string[]) : [];
  return !skips.some((s) => fnmatch(ctx.filename, s));
};

export const CHECKS: Record<string, Check> = {
  assert_used: assertUsed,
};
