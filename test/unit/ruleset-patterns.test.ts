/**
 * How rules become one query (server/src/engine/ruleset.ts): every rule's
 * query is split into its top-level patterns, and each distinct pattern is
 * compiled once and shared by all the rules that use it, so that a rule
 * with several patterns (`(call) @node` among them) does not make every
 * call match twice. The split is read from the text and confirmed by the one
 * compile of the combined query.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { loadPython } from '../../server/src/engine/grammar.js';
import type { Rule } from '../../server/src/engine/rule.js';
import { RuleSet, splitTopLevel } from '../../server/src/engine/ruleset.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

describe('splitTopLevel', () => {
  it.each([
    ['(call) @node', ['(call) @node']],
    ['(call) @node\n(string) @node', ['(call) @node', '(string) @node']],
    ['((assignment left: (identifier) @n) @node (#match? @n "^[A-Z]"))', ['((assignment left: (identifier) @n) @node (#match? @n "^[A-Z]"))']],
    ['(identifier) @node (#eq? @node "x")\n(call) @node', ['(identifier) @node (#eq? @node "x")', '(call) @node']],
    ['[(call) (string)] @node', ['[(call) (string)] @node']],
    ['(comment)+ @node ; trailing\n(call) @node', ['(comment)+ @node', '(call) @node']],
    ['((string) @node (#match? @node "[(;)]"))', ['((string) @node (#match? @node "[(;)]"))']],
    ['(call\n  function: (identifier) @f) @node', ['(call\n  function: (identifier) @f) @node']],
  ])('%j', (src, want) => {
    expect(splitTopLevel(src)).toEqual(want);
  });
});

describe('RuleSet', () => {
  it('compiles each distinct pattern once, shared by the rules that use it', () => {
    const rs = engine.ruleset;
    const patternTexts = rs.rulesByPattern.length;
    // The facts' patterns (imports, settings) follow the rules'.
    expect(rs.query.patternCount()).toBe(patternTexts + rs.factQuery.patternCount());
    expect(rs.factsStart).toBe(patternTexts);
    // One `(call) @node` pattern, owned by every rule that has it (B403 and PS504 among them).
    const callOwners = rs.rulesByPattern.filter((owners) => owners.some((r) => r.id === 'B602'));
    expect(callOwners).toHaveLength(1);
    const ids = callOwners[0].map((r) => r.id);
    for (const id of ['B602', 'B403', 'PS501', 'PS504', 'PS506', 'PS901']) expect(ids).toContain(id);
    // The settings patterns are shared across the PS rules that use them.
    const owners = (id: string) => rs.rulesByPattern.filter((g) => g.some((r) => r.id === id)).length;
    expect(owners('PS504')).toBe(3);
    expect(owners('PS502')).toBe(1);
    const nameOwners = rs.rulesByPattern.find((g) => g.some((r) => r.id === 'PS502'))!.map((r) => r.id);
    expect(nameOwners).toEqual(expect.arrayContaining(['PS103', 'PS501', 'PS502', 'PS503', 'PS504', 'PS505']));
  });

  it('falls back to compiling rules one by one, and names a broken one', async () => {
    const language = await loadPython();
    const base = engine.ruleset.byId.get('B602')!;
    const rule = (id: string, query: string): Rule => ({ ...base, id, query });
    // A capture name inside a predicate string, a bracket in a string: still split right.
    const ok = new RuleSet(language, [rule('B900', '((string) @node (#match? @node "^[(]"))\n(call) @node'), rule('B901', '(call) @node')]);
    expect(ok.query.patternCount()).toBe(2 + ok.factQuery.patternCount());
    expect(ok.rulesByPattern.map((g) => g.map((r) => r.id))).toEqual([['B900'], ['B900', 'B901']]);
    expect(() => new RuleSet(language, [rule('B902', '(call) @node'), rule('B903', '(no_such_node) @node')])).toThrow(/queries\/B903\.scm/);
    expect(() => new RuleSet(language, [rule('B904', '(call) @other')])).toThrow(/B904.*@node/);
  });
});
