import type { Check, Hit } from '../../rule.js';
import { strVisits } from '../support/strings.js';

/**
 * bandit/plugins/general_bind_all_interfaces.py: B104 hardcoded_bind_all_interfaces.
 */

/** B104 hardcoded_bind_all_interfaces: the string "0.0.0.0". */
const hardcodedBindAllInterfaces: Check = (m) =>
  strVisits(m.node)
    .filter((v) => v.value === '0.0.0.0')
    .map((v): Hit => ({ node: v.node, anchor: v.anchor, occurrence: v.occurrence }));

export const CHECKS: Record<string, Check> = {
  hardcoded_bind_all_interfaces: hardcodedBindAllInterfaces,
};
