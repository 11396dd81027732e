/**
 * `qualifiedName` (pyast.ts) reads a plain name chain (`os.path.join`)
 * from its text, and anything else from the tree part by part. Both must
 * give the same name, aliases resolved the same way: checked on made-up
 * edge cases and on every call's callee in a few large stdlib files.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { qualifiedName, treeQualifiedName } from '../../server/src/engine/pyast.js';
import { Engine } from '../../server/src/engine/engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const ALIASES = new Map([
  ['sp', 'subprocess'],
  ['os.path', 'posixpath'],
  ['system', 'os.system'],
  ['self', 'SELF'],
  ['request', 'flask.request'],
]);

/** Every call's callee in `source`, with its qualified name both ways. */
function callees(source: string): { text: string; fast: string; tree: string }[] {
  const tree = engine.parser.parse(source)!;
  try {
    return tree.rootNode.descendantsOfType('call').flatMap((call) => {
      const fn = call?.childForFieldName('function') as Node | null | undefined;
      if (!fn) return [];
      return [{ text: fn.text, fast: qualifiedName(fn, ALIASES), tree: treeQualifiedName(fn, ALIASES) }];
    });
  } finally {
    tree.delete();
  }
}

describe('qualifiedName', () => {
  it.each([
    ['sp.run(x)', 'subprocess.run'],
    ['os.path.join(a)', 'posixpath.join'],
    ['system("ls")', 'os.system'],
    ['(sp).run(x)', 'subprocess.run'],
    ['sp . run(x)', 'subprocess.run'],
    ['(sp.run)(x)', 'subprocess.run'],
    ['sp.\\\n  run(x)', 'subprocess.run'],
    ['f(x).y(z)', '.y'],
    ['a[0].b(c)', '.b'],
    ['True.x()', '.x'],
    ['print(x)', 'print'],
    ['exec(x)', 'exec'],
    ['é.f(x)', 'é.f'],
  ])('%s → %s, both ways', (source, want) => {
    const [first] = callees(source);
    expect(first.tree).toBe(want);
    expect(first.fast).toBe(want);
  });

  it('gives the tree\'s name for every callee of large stdlib files', () => {
    let n = 0;
    for (const file of ['_pydecimal.py', 'argparse.py', 'subprocess.py', 'typing.py', 'tarfile.py']) {
      for (const c of callees(readFileSync(`/usr/lib/python3.11/${file}`, 'utf8'))) {
        n++;
        if (c.fast !== c.tree) expect(c).toEqual({ ...c, fast: c.tree });
      }
    }
    expect(n).toBeGreaterThan(3000);
  });
});
