import { readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Query, type Language } from 'web-tree-sitter';
import { FACT_QUERY } from './facts.js';
import { readPrebuilt, type Combined } from './prebuilt.js';
import type { Rule } from './rule.js';

/** `queries/` beside `dist/` (or beside `server/src` when run from sources). */
export function defaultQueriesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // the bundle's dist/chunk-*.js → ../queries ; dist/engine/ruleset.js → ../../queries ; server/src/engine/ruleset.ts → ../../../queries
  for (const up of ['..', '../..', '../../..']) {
    const dir = resolve(here, up, 'queries');
    try {
      if (readdirSync(dir).some((f) => f.endsWith('.scm'))) return dir;
    } catch {
      /* try the next candidate */
    }
  }
  throw new Error(`pysec: cannot find the queries/ folder near ${here}`);
}

/**
 * The rules of `dir`: the build's copy of them while it is current
 * (prebuilt.ts), else read and validated from the files (rules-read.ts,
 * which loads zod: only then). A broken rule is an error, not a silent skip.
 */
export async function loadRules(dir: string = defaultQueriesDir()): Promise<Rule[]> {
  return takePrebuilt(dir) ?? (await import('./rules-read.js')).readRuleFiles(dir);
}

/** The build's copy of the rules of `dir` if current (its combined query registered for RuleSet), else null. */
export function takePrebuilt(dir: string): Rule[] | null {
  const prebuilt = readPrebuilt(dir);
  if (!prebuilt) return null;
  PREBUILT_QUERY.set(prebuilt.rules, prebuilt.combined);
  return prebuilt.rules;
}

/** The combined query of rules read from dist/rules.json, by their array: RuleSet takes it rather than splitting the patterns again. */
const PREBUILT_QUERY = new WeakMap<readonly Rule[], Combined>();

/**
 * All rules compiled into one query, so that a run walks the tree once.
 * Rules share patterns: each rule's query is split into its top-level
 * patterns, and a pattern text several rules use (`(call) @node`) is
 * compiled once; `rulesByPattern` maps each pattern index back to the rules
 * that own it. (Sharing by pattern, not by whole file, keeps a rule with
 * several patterns, `(call) @node` among them, from matching every call a
 * second time.)
 */
export class RuleSet {
  readonly query: Query;
  private facts: Query | undefined;
  /** `query`'s patterns from this index on are `factQuery`'s. */
  readonly factsStart: number;
  readonly rulesByPattern: Rule[][];
  readonly byId: ReadonlyMap<string, Rule>;
  /**
   * A PS rule's `params.silentWhen`: the bandit ids whose finding on the same
   * line (and the same matched node or one overlapping it) makes the PS
   * finding redundant (analyzer.ts drops it).
   */
  readonly silencedBy: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every id some rule's `silentWhen` names. */
  readonly silencers: ReadonlySet<string>;
  /** Multiplier from code-unit offsets to the units query ranges are counted in (see grammar.ts). */
  rangeScale = 1;

  constructor(
    readonly language: Language,
    readonly rules: readonly Rule[],
  ) {
    // Compiling a query costs milliseconds (15 ms for `(call) @node` alone),
    // so the patterns are split by reading the text, and the one compile of
    // the combined query checks the split (pattern count and offsets); only
    // if that fails is each rule compiled on its own, to split it exactly or
    // to name the broken rule.
    // The facts' patterns (imports, settings) follow the rules' in the same
    // query, so that a run over the whole tree walks it once for both
    // (`factsStart`); incremental runs too, over their ranges. `factQuery`
    // alone serves callers that want the facts only; it is compiled when
    // first asked (each compile costs a one-file `check` about 10 ms,
    // however small the query: tree-sitter analyses the grammar's parse
    // table for it), so that a start compiles one query.
    const factPatterns = FACT_PATTERNS;
    const pre = PREBUILT_QUERY.get(rules);
    let built = pre ? { source: pre.source, offsets: pre.offsets, owners: pre.owners.map((g) => g.map((i) => rules[i])) } : combine(rules, (text) => splitTopLevel(text));
    let query = tryQuery(language, built.source + FACT_QUERY);
    if (!query || !splitConfirmed(query, built.offsets, factPatterns)) {
      query?.delete();
      built = combine(rules, (text, id) => splitPatterns(language, id, text));
      query = new Query(language, built.source + FACT_QUERY);
    }
    this.query = query;
    this.rulesByPattern = built.owners;
    this.factsStart = built.owners.length;
    if (this.query.patternCount() !== this.rulesByPattern.length + factPatterns) {
      throw new Error(`pysec: the combined query has ${this.query.patternCount()} patterns, expected ${this.rulesByPattern.length} and ${factPatterns} for the facts`);
    }
    this.byId = new Map(rules.map((r) => [r.id, r]));
    const silencedBy = new Map<string, ReadonlySet<string>>();
    for (const rule of rules) {
      const ids = silentWhen(rule);
      if (ids.length) silencedBy.set(rule.id, new Set(ids));
    }
    this.silencedBy = silencedBy;
    this.silencers = new Set([...silencedBy.values()].flatMap((s) => [...s]));
  }

  /** The file-wide facts' query alone: imports and settings assignments (`facts.ts`), for callers that want the facts only. */
  get factQuery(): Query {
    return (this.facts ??= new Query(this.language, FACT_QUERY));
  }
}

/** FACT_QUERY's patterns, as read from its text: the combined query's compile confirms the count (`splitConfirmed`). */
const FACT_PATTERNS = splitTopLevel(FACT_QUERY).length;

/** A rule's `params.silentWhen`, validated: bandit ids (`B201`), only on PS rules. */
export function silentWhen(rule: Rule): string[] {
  const v = rule.params.silentWhen;
  if (v === undefined) return [];
  if (!rule.id.startsWith('PS') || !Array.isArray(v) || !v.every((x) => typeof x === 'string' && /^B\d{3}$/.test(x))) {
    throw new Error(`queries/${rule.id}.json: params.silentWhen must be a list of bandit ids ("B201"), on a PS rule`);
  }
  return v as string[];
}

/** All rules' patterns, each distinct pattern once, with its owners and its byte offset in `source`. */
export function combine(rules: readonly Rule[], split: (text: string, id: string) => string[]): { source: string; owners: Rule[][]; offsets: number[] } {
  const groups = new Map<string, Rule[]>();
  const cache = new Map<string, string[]>();
  for (const rule of rules) {
    const text = normalise(rule.query);
    let patterns = cache.get(text);
    if (!patterns) cache.set(text, (patterns = split(text, rule.id)));
    for (const pattern of patterns) {
      if (!/@node\b/.test(pattern)) throw new Error(`queries/${rule.id}.scm: a pattern captures no @node: ${pattern}`);
      const g = groups.get(pattern);
      if (!g) groups.set(pattern, [rule]);
      else if (!g.includes(rule)) g.push(rule);
    }
  }
  let source = '';
  let bytes = 0;
  const owners: Rule[][] = [];
  const offsets: number[] = [];
  for (const [pattern, g] of groups) {
    owners.push(g);
    offsets.push(bytes);
    source += pattern + '\n';
    bytes += Buffer.byteLength(pattern, 'utf8') + 1;
  }
  return { source, owners, offsets };
}

function tryQuery(language: Language, source: string): Query | null {
  try {
    return new Query(language, source);
  } catch {
    return null;
  }
}

/** Whether the compiled query has exactly the patterns the text split found, where it put them (and `extra` after them). */
function splitConfirmed(query: Query, offsets: readonly number[], extra: number): boolean {
  if (query.patternCount() !== offsets.length + extra) return false;
  for (let i = 0; i < offsets.length; i++) if (query.startIndexForPattern(i) !== offsets[i]) return false;
  return true;
}

/**
 * A query's top-level patterns, read from its text: each parenthesised or
 * bracketed expression (or string) at depth 0 starts one, unless it is a
 * predicate `(#...)`; quantifiers and captures stay with their pattern.
 * Comments (`;` outside strings) are dropped. A heuristic: the compiled
 * query confirms it (`splitConfirmed`).
 */
export function splitTopLevel(source: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  const n = source.length;
  const readString = (): string => {
    let j = i + 1;
    while (j < n && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
    const s = source.slice(i, j + 1);
    i = j + 1;
    return s;
  };
  const readGroup = (): string => {
    let depth = 0;
    let text = '';
    while (i < n) {
      const c = source[i];
      if (c === '"') {
        text += readString();
        continue;
      }
      if (c === ';') {
        while (i < n && source[i] !== '\n') i++;
        continue;
      }
      text += c;
      i++;
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    return text;
  };
  while (i < n) {
    const c = source[i];
    if (/\s/.test(c)) {
      if (current) current += c === '\n' ? ' ' : c;
      i++;
      continue;
    }
    if (c === ';') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    let item: string;
    let starts: boolean;
    if (c === '(' || c === '[') {
      item = readGroup();
      starts = !/^\(\s*#/.test(item);
    } else if (c === '"') {
      item = readString();
      starts = true;
    } else {
      // A capture, a quantifier: part of the pattern before it.
      let j = i;
      while (j < n && !/[\s()[\]";]/.test(source[j])) j++;
      item = source.slice(i, Math.max(j, i + 1));
      i = Math.max(j, i + 1);
      starts = false;
    }
    if (starts && current.trim()) {
      out.push(current.trim());
      current = '';
    }
    current += item;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * A rule's (normalised) query split into its top-level patterns, by the
 * offsets tree-sitter reports for each; every pattern must capture `@node`.
 */
function splitPatterns(language: Language, id: string, source: string): string[] {
  const bytes = Buffer.from(source, 'utf8');
  const out: string[] = [];
  let q: Query | undefined;
  try {
    q = new Query(language, source);
    for (let i = 0; i < q.patternCount(); i++) {
      const text = normalise(bytes.subarray(q.startIndexForPattern(i), q.endIndexForPattern(i)).toString('utf8'));
      if (!/@node\b/.test(text)) throw new Error(`pattern ${i + 1} captures no @node: ${text}`);
      out.push(text);
    }
  } catch (e) {
    throw new Error(`queries/${id}.scm: ${(e as Error).message}`);
  } finally {
    q?.delete();
  }
  return out;
}

/** Comments and blank lines removed, so that equal queries group together. */
function normalise(scm: string): string {
  return scm
    .split('\n')
    .map((l) => l.replace(/^\s*;.*$/, '').trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
}
