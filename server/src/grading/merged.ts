import type { Tree } from 'web-tree-sitter';
import type { Engine } from '../engine/engine.js';
import { collectFacts } from '../engine/analyzer.js';
import { FileContext } from '../engine/context.js';
import type { DocumentAnalysis } from '../engine/incremental.js';
import type { RuleSet } from '../engine/ruleset.js';
import type { Finding } from '../findings/finding.js';
import { pairFindings } from '../findings/merge.js';
import { gradeFindings } from './pass.js';
import { reachOf, type ProjectIndex } from '../engine/flow/index.js';
import { constantsOnly, type ReachOf } from './reach.js';
import { parsePython } from '../engine/parse.js';
import { FLOW_OFF } from '../flow-switch.js';

/**
 * Where the grading pass runs: on the tree-sitter findings where their
 * tree is (the document, the check worker), and on the merged list of both
 * engines. A bandit finding takes the grade of the tree-sitter finding of
 * its rule on its line (the same call: the rules mirror bandit), so most
 * need no tree; the rest (a rule only bandit reported there) are graded
 * by `gradeRest`, which has or parses the tree.
 */

/**
 * The flow layer the grading asks: engine/flow's `reachOf`; `constantsOnly`
 * (grading/reach.ts) turns it off. Off only for the bench
 * (flow-switch.ts `FLOW_OFF`, `PYSEC_BENCH_FLOW=off`), which turns
 * the whole layer off: the rules that ask it too.
 */
let flowLayer: ReachOf = FLOW_OFF ? constantsOnly : (expr, kind, ctx, project) => reachOf(expr, kind, ctx, project);
export function useFlowLayer(layer: ReachOf): void {
  flowLayer = layer;
}

/** The tree-sitter findings of an analysed tree, graded; `project`: the project's other modules (paths across files). */
export function gradeAnalysed(findings: readonly Finding[], tree: Tree, analysis: Pick<DocumentAnalysis, 'imports' | 'settings'>, ruleset: RuleSet, path: string, project?: ProjectIndex): Finding[] {
  const ctx = new FileContext(analysis.imports, path, analysis.settings);
  return gradeFindings(findings, { tree, ctx, path, rules: ruleset.byId, reachOf: flowLayer, ...(project ? { project } : {}) });
}

/** Findings of a file graded on a tree parsed for them (a bandit finding the tree-sitter rules did not report). */
export function gradeByParsing(engine: Engine, path: string, text: string, findings: readonly Finding[], project?: ProjectIndex): Finding[] {
  if (findings.length === 0) return [];
  const tree = parsePython(engine.parser, text);
  if (!tree) return [...findings];
  try {
    const facts = collectFacts(engine.ruleset, tree.rootNode, null);
    return gradeAnalysed(findings, tree, facts, engine.ruleset, path, project);
  } finally {
    tree.delete();
  }
}

/**
 * `pairFindings` of graded tree-sitter findings and bandit's: each bandit
 * finding kept takes its tree-sitter twin's risk, flow and reach; those
 * without one go through `gradeRest` together.
 */
export function mergeGraded(
  treeSitter: readonly Finding[],
  bandit: readonly Finding[],
  lineOf: (offset: number) => number,
  gradeRest: (findings: readonly Finding[]) => Finding[],
): Finding[] {
  const rest: number[] = [];
  const out = pairFindings(treeSitter, bandit, lineOf).map(({ finding: f, twin }, i) => {
    if (f.engine !== 'bandit') return f;
    if (!twin) {
      rest.push(i);
      return f;
    }
    const g: Finding = { ...f, risk: twin.risk, flow: twin.flow ?? null };
    if (twin.reach) g.reach = twin.reach;
    return g;
  });
  if (rest.length) {
    const graded = gradeRest(rest.map((i) => out[i]));
    rest.forEach((i, j) => (out[i] = graded[j]));
  }
  return out;
}
