/**
 * Rule parity tables: a snippet, bandit 1.9.4's findings for it (`ID@line:SC`,
 * S and C the first letters of severity and confidence) and bandit's
 * messages, checked against the tree-sitter engine run from scratch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { Engine } from '../../server/src/engine/engine.js';

export interface SnippetFinding {
  rule: string;
  /** 1-based. */
  line: number;
  level: string;
  message: string;
}

export type ParityCase = [snippet: string, findings: string, messages: string[]];

/** A runner for the unsuppressed findings of `rules`; the engine loads in a `beforeAll`. */
export function snippetRunner(rules: Iterable<string>, appendNewline = true): (text: string) => SnippetFinding[] {
  const ours = new Set(rules);
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.load();
  });
  return (text) => {
    const r = checkText(engine, '/virtual/snippet.py', appendNewline ? text + '\n' : text);
    return r.findings
      .filter((f) => ours.has(f.rule) && !f.suppressed)
      .map((f) => ({ rule: f.rule, line: r.doc.positionAt(f.range.start).line + 1, level: f.severity[0] + f.confidence[0], message: f.message }));
  };
}

/** One test per case: the same findings, levels and messages as bandit. */
export function parityCases(title: string, cases: ParityCase[], run: (text: string) => SnippetFinding[]): void {
  describe(title, () => {
    it.each(cases)('%j', (text, want, messages) => {
      const found = run(text);
      expect(found.map((f) => `${f.rule}@${f.line}:${f.level}`).sort().join(' ')).toBe(want);
      expect([...new Set(found.map((f) => `${f.rule}@${f.line} ${f.message}`))].sort()).toEqual(messages);
    });
  });
}
