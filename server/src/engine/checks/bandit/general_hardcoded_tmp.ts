import type { Check, Hit } from '../../rule.js';
import { strVisits } from '../support/strings.js';

/**
 * bandit/plugins/general_hardcoded_tmp.py: B108 hardcoded_tmp_directory.
 */

/** B108 hardcoded_tmp_directory: a string starting with one of `params.tmp_dirs`. */
const hardcodedTmpDirectory: Check = (m, rule) => {
  const dirs = Array.isArray(rule.params.tmp_dirs) ? (rule.params.tmp_dirs as string[]) : ['/tmp', '/var/tmp', '/dev/shm'];
  return strVisits(m.node)
    .filter((v) => dirs.some((d) => v.value.startsWith(d)))
    .map((v): Hit => ({ node: v.node, anchor: v.anchor, occurrence: v.occurrence }));
};

export const CHECKS: Record<string, Check> = {
  hardcoded_tmp_directory: hardcodedTmpDirectory,
};
