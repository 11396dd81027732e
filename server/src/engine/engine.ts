import type { Parser } from 'web-tree-sitter';
import { createParser, loadPython, queryRangeScale } from './grammar.js';
import { DocumentAnalysis, type OffsetEdit } from './incremental.js';
import type { Rule, RuleSelection } from './rule.js';
import { readRules, RuleSet } from './ruleset.js';

export type { OffsetEdit };

/**
 * The as-you-type engine: the grammar, one parser, and the compiled rules.
 * Loaded once per process; documents and the CLI share it.
 */
export class Engine {
  private constructor(
    readonly parser: Parser,
    readonly ruleset: RuleSet,
  ) {}

  static async load(queriesDir?: string): Promise<Engine> {
    const language = await loadPython();
    const parser = await createParser();
    const ruleset = new RuleSet(language, readRules(queriesDir));
    ruleset.rangeScale = queryRangeScale(language, parser);
    return new Engine(parser, ruleset);
  }

  analysis(filename: string, selection?: RuleSelection, onError?: (rule: Rule, e: unknown) => void): DocumentAnalysis {
    return new DocumentAnalysis(this.ruleset, filename, selection, onError);
  }
}
