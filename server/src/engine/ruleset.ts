import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Query, type Language } from 'web-tree-sitter';
import { CHECKS } from './checks/index.js';
import { IMPORT_QUERY } from './imports.js';
import { RuleMetaSchema, type Rule } from './rule.js';

/** `queries/` beside `dist/` (or beside `server/src` when run from sources). */
export function defaultQueriesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/engine/ruleset.js → ../../queries ; server/src/engine/ruleset.ts → ../../../queries
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'queries');
    try {
      if (readdirSync(dir).some((f) => f.endsWith('.scm'))) return dir;
    } catch {
      /* try the next candidate */
    }
  }
  throw new Error(`pysec: cannot find the queries/ folder near ${here}`);
}

/** Reads every `<ID>.json` + `<ID>.scm` pair; a broken rule is an error, not a silent skip. */
export function readRules(dir: string = defaultQueriesDir()): Rule[] {
  const rules: Rule[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const path = join(dir, file);
    const parsed = RuleMetaSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path}: ${parsed.error.message}`);
    const meta = parsed.data;
    if (`${meta.id}.json` !== file) throw new Error(`${path}: file name must be ${meta.id}.json`);
    if (meta.check && !CHECKS[meta.check]) throw new Error(`${path}: unknown check "${meta.check}"`);
    const query = readFileSync(join(dir, `${meta.id}.scm`), 'utf8');
    rules.push({ ...meta, query });
  }
  return rules;
}

/**
 * All rules compiled into one query, so that a run walks the tree once.
 * Rules whose query text is the same share its patterns; `rulesByPattern`
 * maps each pattern index back to the rules that own it.
 */
export class RuleSet {
  readonly query: Query;
  readonly importQuery: Query;
  readonly rulesByPattern: Rule[][];
  readonly byId: ReadonlyMap<string, Rule>;
  /** Multiplier from code-unit offsets to the units query ranges are counted in (see grammar.ts). */
  rangeScale = 1;

  constructor(
    readonly language: Language,
    readonly rules: readonly Rule[],
  ) {
    const groups = new Map<string, Rule[]>();
    for (const rule of rules) {
      const key = normalise(rule.query);
      const g = groups.get(key);
      if (g) g.push(rule);
      else groups.set(key, [rule]);
    }
    let source = '';
    this.rulesByPattern = [];
    for (const [key, owners] of groups) {
      let count: number;
      try {
        const q = new Query(language, key);
        count = q.patternCount();
        if (!q.captureNames.includes('node')) throw new Error('the query captures no @node');
        q.delete();
      } catch (e) {
        throw new Error(`queries/${owners[0].id}.scm: ${(e as Error).message}`);
      }
      for (let i = 0; i < count; i++) this.rulesByPattern.push(owners);
      source += key + '\n';
    }
    this.query = new Query(language, source);
    this.importQuery = new Query(language, IMPORT_QUERY);
    this.byId = new Map(rules.map((r) => [r.id, r]));
  }
}

/** Comments and blank lines removed, so that equal queries group together. */
function normalise(scm: string): string {
  return scm
    .split('\n')
    .map((l) => l.replace(/^\s*;.*$/, '').trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
}
