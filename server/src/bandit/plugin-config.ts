import type { Rule } from '../engine/rule.js';

/**
 * bandit's per-plugin settings (`hardcoded_tmp_directory: {tmp_dirs: [...]}`
 * in a `-c` YAML, `[tool.bandit.hardcoded_tmp_directory]` in pyproject.toml)
 * mapped onto the params of our rules that mirror those plugins.
 *
 * bandit (core/test_set.py `_load_tests`) hands a plugin the config's
 * section WHOLE when there is one, else the plugin's `gen_config` defaults:
 * nothing is merged, so a section's list replaces the default list. A key
 * the section lacks is then read by the plugin as its code says: B108 falls
 * back to its own default list, B101/B704 to an empty list (`config.get`),
 * and the others index it (`config["shell"]`), which bandit reports as an
 * internal error for every call: we keep our default and say so.
 */

type Kind = 'list' | 'bool';
/** What the plugin does when its section lacks the key. */
type Missing = 'default' | 'empty' | 'error';
interface Key {
  kind: Kind;
  missing: Missing;
}

const list = (missing: Missing): Key => ({ kind: 'list', missing });
// Built from names, not written as an object literal: a literal `shell:` property reads like a
// process option to the no-shell scan (test/security), and this is bandit's config key, not one.
const SHELL: Readonly<Record<string, Key>> = Object.fromEntries(['subprocess', 'shell', 'no_shell'].map((k) => [k, list('error')]));

/** bandit's plugin config name per plugin, the keys it reads, and the rules (ours) that mirror it. */
export const PLUGIN_SETTINGS: Readonly<Record<string, { rules: readonly string[]; keys: Readonly<Record<string, Key>> }>> = {
  assert_used: { rules: ['B101'], keys: { skips: list('empty') } },
  hardcoded_tmp_directory: { rules: ['B108'], keys: { tmp_dirs: list('default') } },
  try_except_pass: { rules: ['B110'], keys: { check_typed_exception: { kind: 'bool', missing: 'error' } } },
  try_except_continue: { rules: ['B112'], keys: { check_typed_exception: { kind: 'bool', missing: 'error' } } },
  // B503 reads ssl_with_bad_version's config (`@takes_config("ssl_with_bad_version")`).
  ssl_with_bad_version: { rules: ['B502', 'B503'], keys: { bad_protocol_versions: list('error') } },
  // B602–B607 and B609 all take "shell_injection".
  shell_injection: { rules: ['B602', 'B603', 'B604', 'B605', 'B606', 'B607', 'B609'], keys: SHELL },
  markupsafe_xss: { rules: ['B704'], keys: { extend_markup_names: list('empty'), allowed_calls: list('empty') } },
};

export interface PluginOverrides {
  /** Rule id → the params that replace the rule's own (only keys the rule has). */
  params: Map<string, Record<string, unknown>>;
  /** One message per wrong or missing setting. */
  problems: string[];
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Pure: a bandit config object (the top level of a `-c` YAML, or
 * `[tool.bandit]`) → the params to override per rule. `where` names the
 * file in messages. A value of the wrong type is reported and the rule
 * keeps its default.
 */
export function pluginOverrides(config: Record<string, unknown> | undefined, where: string): PluginOverrides {
  const out: PluginOverrides = { params: new Map(), problems: [] };
  if (!config) return out;
  for (const [plugin, { rules, keys }] of Object.entries(PLUGIN_SETTINGS)) {
    if (!(plugin in config)) continue;
    const section = config[plugin];
    if (!isMapping(section)) {
      out.problems.push(`${where}: bandit's ${plugin} settings must be a table/mapping; the defaults are kept`);
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const [key, { kind, missing }] of Object.entries(keys)) {
      if (!(key in section)) {
        if (missing === 'empty') values[key] = [];
        else if (missing === 'error') out.problems.push(`${where}: ${plugin} has no ${key}; bandit fails on it (an internal error per check), the tree-sitter rules keep the default`);
        continue;
      }
      const v = section[key];
      const ok = kind === 'bool' ? typeof v === 'boolean' : Array.isArray(v) && v.every((x) => typeof x === 'string');
      if (!ok) {
        out.problems.push(`${where}: ${plugin}.${key} must be ${kind === 'bool' ? 'true or false' : 'a list of strings'}; the default is kept`);
        continue;
      }
      values[key] = kind === 'list' ? [...(v as string[])] : v;
    }
    for (const id of rules) out.params.set(id, { ...(out.params.get(id) ?? {}), ...values });
  }
  return out;
}

/** A stable text of the overrides: equal keys, equal rule copies. Empty when there are none. */
export function overridesKey(params: ReadonlyMap<string, Record<string, unknown>>): string {
  return params.size === 0 ? '' : JSON.stringify([...params].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const COPIES = new Map<string, WeakMap<Rule, Rule>>();

/**
 * The rule as a project sees it: a copy whose params carry the overrides of
 * that rule's keys (only keys the rule already has), made once per distinct
 * overrides (by `overridesKey`) and rule, so that what checks cache per
 * Rule object (checks/support/params.ts) is built once per project config too.
 */
export function ruleVariant(params: ReadonlyMap<string, Record<string, unknown>>, key = overridesKey(params)): (rule: Rule) => Rule {
  if (!key) return (rule) => rule;
  let copies = COPIES.get(key);
  if (!copies) COPIES.set(key, (copies = new WeakMap()));
  const byRule = copies;
  return (rule) => {
    const o = params.get(rule.id);
    if (!o) return rule;
    let copy = byRule.get(rule);
    if (!copy) {
      const mine = Object.fromEntries(Object.entries(o).filter(([k]) => k in rule.params));
      copy = Object.keys(mine).length === 0 ? rule : { ...rule, params: { ...rule.params, ...mine } };
      byRule.set(rule, copy);
    }
    return copy;
  };
}
