/**
 * A rule's pattern may capture its node's parent as `@parent`
 * (`(_ (string) @node) @parent`, the string rules): runRules records it as
 * the node's parent (memo.ts `seedParent`), so that `parentOf` does not walk
 * down from the root. That is right only if the captured node is the one
 * `node.parent` gives: checked on every string of a few stdlib files, long
 * concatenations, dict literals and f-strings among them.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Query } from 'web-tree-sitter';
import { Engine } from '../../server/src/engine/engine.js';
import { forgetMemo, parentOf, seedParent } from '../../server/src/engine/memo.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

describe('@parent captures', () => {
  it('the captured parent is the node\'s parent, for every string', () => {
    const query = new Query(engine.ruleset.language, '(_ (string) @node) @parent');
    let strings = 0;
    try {
      for (const file of ['pydoc_data/topics.py', 'html/entities.py', 'string.py', 'argparse.py', 'typing.py']) {
        const tree = engine.parser.parse(readFileSync(`/usr/lib/python3.11/${file}`, 'utf8'))!;
        try {
          const all = tree.rootNode.descendantsOfType('string').length;
          const matches = query.matches(tree.rootNode);
          // One match per string: every string has one parent.
          expect(matches.length).toBe(all);
          for (const m of matches) {
            const node = m.captures.find((c) => c.name === 'node')!.node;
            const parent = m.captures.find((c) => c.name === 'parent')!.node;
            if (parent.id !== node.parent?.id) expect({ file, at: node.startIndex, parent: parent.type }).toEqual({ file, at: node.startIndex, parent: node.parent?.type });
            strings++;
          }
        } finally {
          tree.delete();
        }
      }
    } finally {
      query.delete();
    }
    expect(strings).toBeGreaterThan(5000);
  });

  it('seedParent answers parentOf without asking the tree, and never overrides what is known', () => {
    const tree = engine.parser.parse('x = ("a" "b")\n')!;
    try {
      const [a, b] = tree.rootNode.descendantsOfType('string').map((n) => n!);
      const concat = a.parent!;
      seedParent(a, concat);
      expect(parentOf(a)).toBe(concat);
      expect(parentOf(b)?.id).toBe(concat.id);
      seedParent(b, tree.rootNode);
      expect(parentOf(b)?.id).toBe(concat.id);
    } finally {
      forgetMemo(tree);
      tree.delete();
    }
  });
});
