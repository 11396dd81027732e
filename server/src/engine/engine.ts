import type { Parser } from 'web-tree-sitter';
import { createParser, loadPython, queryRangeScale } from './grammar.js';
import { DocumentAnalysis, type OffsetEdit } from './incremental.js';
import type { Rule, RuleSelection } from './rule.js';
import { loadRules, RuleSet } from './ruleset.js';

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

  /**
   * `rules`: the rules as another thread read them (a pool worker gets its
   * parent's, plain data, rather than reading and validating queries/ again);
   * by default those of `queries/`.
   */
  static async load(queriesDir?: string, rules?: readonly Rule[]): Promise<Engine> {
    // The wasm compiles off the main thread while the rules are read here.
    const loading = loadPython();
    try {
      rules ??= await loadRules(queriesDir);
    } catch (e) {
      loading.catch(() => {});
      throw e;
    }
    const language = await loading;
    const parser = await createParser();
    const ruleset = new RuleSet(language, rules);
    ruleset.rangeScale = queryRangeScale(parser, ruleset.query);
    return new Engine(parser, ruleset);
  }

  analysis(filename: string, selection?: RuleSelection, onError?: (rule: Rule, e: unknown) => void): DocumentAnalysis {
    return new DocumentAnalysis(this.ruleset, filename, selection, onError);
  }
}
