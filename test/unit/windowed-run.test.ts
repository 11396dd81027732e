/**
 * A text over analyzer.ts's MAX_WINDOW is run in windows (the query's
 * matches and the rules' memo held one window at a time, issue 16): its
 * findings, facts included, equal those of one run over the whole tree.
 * Also a binary text (NUL) is neither parsed nor analysed, and stops being
 * binary when its NUL goes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { collectFacts, combinedMatches, MAX_WINDOW, runRules } from '../../server/src/engine/analyzer.js';
import { FileContext } from '../../server/src/engine/context.js';
import { Engine } from '../../server/src/engine/engine.js';
import { REPO_ROOT } from '../lsp/client.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load();
});

const key = (f: { rule: string; range: { start: number; end: number }; message: string }) => `${f.rule}@${f.range.start}-${f.range.end}:${f.message}`;

describe('a run in windows', () => {
  it('finds what one run over the whole tree finds', () => {
    const dir = join(REPO_ROOT, 'test/fixtures/rules');
    const fixtures = readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
    let text = '';
    while (text.length < 3 * MAX_WINDOW) text += fixtures.join('\n');
    const tree = engine.parser.parse(text)!;
    try {
      const windowed = engine.analysis('/virtual/big.py');
      windowed.full(tree);
      const whole = combinedMatches(engine.ruleset, tree.rootNode, null);
      const facts = collectFacts(engine.ruleset, tree.rootNode, null, whole);
      const ctx = new FileContext(facts.imports, '/virtual/big.py', facts.settings);
      const once = runRules(engine.ruleset, tree, ctx, null, undefined, undefined, whole);
      expect(windowed.imports).toEqual(facts.imports);
      expect(windowed.findings.length).toBeGreaterThan(1000);
      expect(windowed.findings.map(key)).toEqual(once.map(key));
    } finally {
      tree.delete();
    }
  });
});

describe('a binary text', () => {
  it('is neither parsed nor analysed, and is once its NUL is gone', () => {
    const text = 'eval(x)\n\0\n';
    const doc = new PythonDocument('file:///virtual/bin.py', 1, text, engine.parser, engine.analysis('/virtual/bin.py'));
    try {
      expect(doc.binary).toBe(true);
      expect(doc.syntaxTree.rootNode.endIndex).toBe(0);
      expect(doc.findings()).toEqual([]);
      doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: '' }], 2, 'utf-16');
      expect(doc.binary).toBe(false);
      expect(doc.findings().map((f) => f.rule)).toEqual(['B307']);
      doc.applyChanges([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\0' }], 3, 'utf-16');
      expect(doc.binary).toBe(true);
      expect(doc.findings()).toEqual([]);
    } finally {
      doc.dispose();
    }
  });
});
