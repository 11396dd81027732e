import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from './checks/index.js';
import { queriesFiles, type Prebuilt } from './prebuilt.js';
import type { Rule } from './rule.js';
import { RuleMetaSchema } from './rule-schema.js';
import { combine, defaultQueriesDir, splitTopLevel, takePrebuilt } from './ruleset.js';

// Reading and validating queries/ (zod): loaded by the build, by tests, and
// at a start only when the build's copy of the rules is stale
// (ruleset.ts `loadRules`), so that a start loads no zod (issue 19).

/**
 * The rules of `dir`, at once: the build's copy while it is current, else
 * every `<ID>.json` + `<ID>.scm` pair read; a broken rule is an error, not a
 * silent skip. A dependency rule (`"kind": "dependency"`, PS6xx) has no
 * `.scm`: its query is empty, so it matches nothing in Python.
 */
export function readRules(dir: string = defaultQueriesDir()): Rule[] {
  return takePrebuilt(dir) ?? readRuleFiles(dir);
}

/** What scripts/bundle.mjs writes to dist/rules.json: the rules of `dir` read and validated here, and their combined query. */
export function prebuild(dir: string, stamp: string): Prebuilt {
  const rules = readRuleFiles(dir);
  const built = combine(rules, (text) => splitTopLevel(text));
  const index = new Map(rules.map((r, i) => [r, i]));
  return { stamp, files: queriesFiles(dir), rules, combined: { source: built.source, offsets: built.offsets, owners: built.owners.map((g) => g.map((r) => index.get(r)!)) } };
}

/** Every rule of `dir`, read and validated. */
export function readRuleFiles(dir: string): Rule[] {
  const rules: Rule[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const path = join(dir, file);
    const parsed = RuleMetaSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path}: ${parsed.error.message}`);
    const meta = parsed.data;
    if (`${meta.id}.json` !== file) throw new Error(`${path}: file name must be ${meta.id}.json`);
    if (meta.check && !CHECKS[meta.check]) throw new Error(`${path}: unknown check "${meta.check}"`);
    const query = meta.kind === 'dependency' ? '' : readFileSync(join(dir, `${meta.id}.scm`), 'utf8');
    rules.push({ ...meta, query });
  }
  return rules;
}

