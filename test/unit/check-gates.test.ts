/**
 * Check gates (rule.ts `CheckGate`, analyzer.ts `makePlan`): the blacklist
 * rules' checks run only on calls whose name one of their rules lists. The
 * gate must change what runs, never what is found: each rule's own
 * qualnames decide, a turned-off rule stays off, and a rule whose params are
 * broken still runs its check, which reports the problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../server/src/engine/analyzer.js';
import { FileContext } from '../../server/src/engine/context.js';
import { Engine } from '../../server/src/engine/engine.js';
import { ruleSelection, type Rule } from '../../server/src/engine/rule.js';
import { RuleSet } from '../../server/src/engine/ruleset.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const SOURCE = ['import pickle', 'import subprocess', 'eval("1")', 'pickle.loads(b"")', 'compile("x", "f", "exec")', 'subprocess.run(["ls"])', ''].join('\n');

/** The findings' `rule@line` over SOURCE with `rules`, and the rules whose check threw. */
function run(rules: readonly Rule[], enabled: (r: Rule) => boolean = () => true): { found: string[]; errors: string[] } {
  const ruleset = new RuleSet(engine.ruleset.language, rules);
  const tree = engine.parser.parse(SOURCE)!;
  const errors: string[] = [];
  try {
    const ctx = new FileContext([], '/virtual/gates.py');
    const found = runRules(ruleset, tree, ctx, null, ruleSelection(enabled), (rule) => errors.push(rule.id));
    return { found: found.map((f) => `${f.rule}@${tree.rootNode.descendantForIndex(f.range.start)!.startPosition.row + 1}`), errors };
  } finally {
    tree.delete();
  }
}

const rule = (id: string): Rule => engine.ruleset.byId.get(id)!;
const withParams = (r: Rule, params: Record<string, unknown>): Rule => ({ ...r, params: { ...r.params, ...params } });

describe('blacklist gate', () => {
  it('each rule reports the calls its own qualnames list, through the shared gate', () => {
    const ids = ['B301', 'B307', 'B403', 'B404'];
    expect(run(ids.map(rule)).found).toEqual(['B403@1', 'B404@2', 'B307@3', 'B301@4']);
  });

  it('a rule given other qualnames reports those, and no longer its old ones', () => {
    const b307 = withParams(rule('B307'), { qualnames: ['compile'] });
    expect(run([b307, rule('B301')]).found).toEqual(['B301@4', 'B307@5']);
  });

  it('a turned-off rule reports nothing, the others of its gate still do', () => {
    expect(run([rule('B301'), rule('B307')], (r) => r.id !== 'B307').found).toEqual(['B301@4']);
  });

  it('a rule with broken qualnames still runs its check, which reports the error on each call', () => {
    const broken = withParams(rule('B307'), { qualnames: 'eval' });
    const r = run([broken, rule('B301')]);
    expect(r.found).toEqual(['B301@4']);
    // One error per call matched (four calls), none swallowed by the gate.
    expect(r.errors).toEqual(['B307', 'B307', 'B307', 'B307']);
  });
});
