// ownNodes (engine/checks/ps/scoped.ts) answers a tree's first defs by
// walking each, and the rest by slicing the file's node lists (a review asks
// for every def; a keystroke for one or two). Both ways must give the same
// nodes: the same text is parsed twice and its defs asked in opposite
// orders, so that each def is answered one way in one tree and the other
// way in the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { createParser } from '../../server/src/engine/grammar.js';
import { ownNodes } from '../../server/src/engine/checks/ps/scoped.js';

function source(defs: number): string {
  const out: string[] = ['import subprocess', ''];
  for (let i = 0; i < defs; i++) {
    out.push(
      `def f${i}(x, y=lambda z: z.call(1)):`,
      `    a = subprocess.run(x)`,
      `    def inner(q):`,
      `        b = q.strip()`,
      `        return eval(b)`,
      `    c = [g(v) for v in (lambda: y(x))()]`,
      `    class K:`,
      `        d = open(x)`,
      `        def m(self):`,
      `            e = self.x.call()`,
      `    return inner(a) or c`,
      '',
    );
  }
  return out.join('\n');
}

const shape = (nodes: Node[]) => nodes.map((n) => `${n.type}@${n.startIndex}-${n.endIndex}`);

describe('ownNodes: walked or sliced, the same nodes', () => {
  let parser: Parser;
  const trees: Tree[] = [];
  beforeAll(async () => {
    parser = await createParser();
  });
  afterAll(() => {
    for (const t of trees) t.delete();
    parser.delete();
  });

  it('for every def of a 40-def file, calls and assignments alike', () => {
    const text = source(40);
    const [a, b] = [parser.parse(text)!, parser.parse(text)!];
    trees.push(a, b);
    const defsOf = (t: Tree) => t.rootNode.descendantsOfType('function_definition').filter((d): d is Node => !!d);
    for (const types of [['call'], ['assignment'], ['call', 'return_statement']]) {
      const inA = defsOf(a).map((d) => shape(ownNodes(d, ...types)));
      const inB = defsOf(b)
        .reverse()
        .map((d) => shape(ownNodes(d, ...types)))
        .reverse();
      expect(inA).toEqual(inB);
      // Not vacuous: the defs own calls, and the nested def's are not the outer def's.
      expect(inA[0].length).toBeGreaterThan(0);
      expect(inA.some((own, i) => own.length !== inA[(i + 1) % inA.length].length)).toBe(true);
    }
  });
});
