import type { Rule } from '../../rule.js';

const LISTS = new WeakMap<Rule, Map<string, ReadonlySet<string>>>();

/** A list of qualified names from a rule's params, as a set (built once per rule and key). */
export function paramSet(rule: Rule, key: string): ReadonlySet<string> {
  let byKey = LISTS.get(rule);
  if (!byKey) LISTS.set(rule, (byKey = new Map()));
  let set = byKey.get(key);
  if (!set) {
    const v = rule.params[key];
    if (!Array.isArray(v)) throw new Error(`${rule.id}: params.${key} must be a list of qualified names`);
    set = new Set(v as string[]);
    byKey.set(key, set);
  }
  return set;
}
