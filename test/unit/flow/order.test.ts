/**
 * The flow layer's answers do not depend on which def was asked about first.
 * Recursion cuts a call somewhere (summary.ts, cycles.ts): the cut must fall
 * in the same place whatever the order, and an analysis made while a callee
 * was on the stack must not be kept as if it were complete. Each snippet's
 * defs (and its module) are asked about in every order (every permutation,
 * then every sink), on a fresh file each time, and again on one file whose
 * analyses the cache across edits already holds; every sink's reach (kind,
 * path: notes and places) and every def's summary must be the same.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../../server/src/engine/flow/fingerprint.js';
import { analysisOf, reachOf, type Reach, type SinkKind } from '../../../server/src/engine/flow/index.js';
import { join } from '../../../server/src/engine/flow/value.js';
import { flask } from './snippets.js';
import { loadEngine, parse } from './support.js';

beforeAll(loadEngine);

/** The reach as a comparable string: its kind, trust, what cleaned it, and every step's note and place. */
function shown(r: Reach): string {
  if (r.kind === 'untrusted') return `untrusted ${r.trust} ${r.path.map((s) => `${s.file ?? ''}:${s.line}:${s.column}:${s.span.start}-${s.span.end} ${s.note}`).join(' | ')}`;
  if (r.kind === 'sanitised') return `sanitised by ${r.by}`;
  return r.kind;
}

function defsOf(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const d of root.descendantsOfType('function_definition')) {
    const name = d?.childForFieldName('name')?.text;
    if (d && name) out.set(name, d);
  }
  return out;
}

/** Every `callee(...)` call's first argument in the file, in text order. */
function sinksOf(root: Node, callee: string): Node[] {
  return root
    .descendantsOfType('call')
    .filter((c): c is Node => !!c && c.childForFieldName('function')?.text === callee)
    .map((c) => c.childForFieldName('arguments')!.namedChildren.find((a) => !!a && a.type !== 'comment')!);
}

let run = 0;

/**
 * Asks about the snippet's scopes in `order` (def names, "<module>" for the
 * module's statements), then every sink: its answers and every def's summary.
 * A fresh file name each time (no analysis shared), unless `file` is given.
 */
function answers(text: string, order: string[], sink: SinkKind, callee: string, file = `/project/order/${run++}/views.py`): string[] {
  const { tree, ctx } = parse(text, file);
  try {
    const root = tree.rootNode;
    const defs = defsOf(root);
    const fs = { root, ctx, file: null };
    for (const name of order) analysisOf(name === '<module>' ? root : defs.get(name)!, fs);
    const out = sinksOf(root, callee).map((n) => `line ${n.startPosition.row + 1}: ${shown(reachOf(n, sink, ctx))}`);
    for (const [name, d] of defs) out.push(`summary of ${name}: ${fingerprint(join(...analysisOf(d, fs).returns))}`);
    return out;
  } finally {
    tree.delete();
  }
}

function permutations<T>(items: T[]): T[][] {
  // Iterative (Heap's algorithm): no recursion.
  const a = items.slice();
  const out: T[][] = [a.slice()];
  const c = new Array<number>(a.length).fill(0);
  let i = 0;
  while (i < a.length) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      out.push(a.slice());
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return out;
}

interface Case {
  name: string;
  text: string;
  sink: SinkKind;
  callee: string;
  /** Substrings one sink's answer must hold (so that the case tests a real path, not "unknown" everywhere). */
  some: string[];
}

const CASES: Case[] = [
  {
    name: 'mutually recursive defs (f and g call each other), with a sanitiser on one branch',
    text: flask(
      'cmd = f(request.args["c"], 3)\nos.system(cmd)\nos.system(g(request.args["d"], 2))\nos.system(h("ls"))',
      '\ndef f(x, n):\n    if n > 0:\n        return g(x + " -a", n - 1)\n    return x\n\ndef g(y, n):\n    if n > 0:\n        return f(y, n - 1)\n    return shlex.quote(y)\n\ndef h(z):\n    os.system(g(z, 1))\n    return f(z, 2)\n',
    ),
    sink: 'command',
    callee: 'os.system',
    some: ['untrusted'],
  },
  {
    name: 'a self-recursive def reading a global, called from the module\'s top level',
    text: 'import os\nimport sys\n\nALLOWED = {"ls", "pwd"}\nPREFIX = "run "\n\ndef walk(x, depth):\n    if depth:\n        return walk(x.strip(), depth - 1)\n    if x in ALLOWED:\n        return PREFIX + x\n    return PREFIX + x\n\ndef main():\n    os.system(walk(sys.argv[1], 2))\n    os.system(walk("ls", 1))\n\nif __name__ == "__main__":\n    os.system(walk(sys.argv[2], 0))\n    main()\n',
    sink: 'command',
    callee: 'os.system',
    some: ['untrusted local', 'sys.argv'],
  },
  {
    name: 'a cycle of three (a → b → c → a) with a def outside it that b calls',
    text: flask(
      'os.system(a(request.args["c"]))\nos.system(c("pwd"))',
      '\ndef a(x):\n    return b(x) + d(x)\n\ndef b(x):\n    if len(x) > 3:\n        return c(x[1:])\n    return d(x)\n\ndef c(x):\n    os.system(a(x))\n    return a(x.lower())\n\ndef d(x):\n    return "echo " + x\n',
    ),
    sink: 'command',
    callee: 'os.system',
    some: ['untrusted request'],
  },
];

describe('the same answers whatever the order of the questions', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { tree } = parse(c.text);
      const names = ['<module>', ...defsOf(tree.rootNode).keys()];
      tree.delete();
      const orders = permutations(names);
      const base = answers(c.text, [], c.sink, c.callee);
      expect(base.some((a) => c.some.every((w) => a.includes(w))), JSON.stringify(base, null, 1)).toBe(true);
      for (const order of orders) expect(answers(c.text, order, c.sink, c.callee), order.join(' → ')).toEqual(base);
      // One file asked in every order: the cache across edits holds what the earlier orders analysed.
      const shared = `/project/order/shared-${run++}/views.py`;
      for (const order of orders.slice(0, 24)) expect(answers(c.text, order, c.sink, c.callee, shared), `shared: ${order.join(' → ')}`).toEqual(base);
    });
  }
});

/** The standard library's folder as test/bench/stdlib-dir.mjs finds it (Debian's python3 first). */
function stdlibDir(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const dir = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (dir && existsSync(joinPath(dir, '_pydecimal.py'))) return dir;
    } catch {
      /* the next one */
    }
  }
  return undefined;
}

describe("CPython's mailcap.py, each of its defs asked about first", () => {
  it('gives the same paths at every os.system (line 281 reached from the module or from test())', () => {
    const dir = stdlibDir();
    expect(dir, 'a python3 with its standard library').toBeDefined();
    const text = readFileSync(joinPath(dir!, 'mailcap.py'), 'utf8');
    const { tree } = parse(text);
    const names = ['<module>', ...defsOf(tree.rootNode).keys()];
    tree.delete();
    const base = answers(text, [], 'command', 'os.system');
    expect(base.some((a) => a.startsWith('line 281: untrusted'))).toBe(true);
    for (const name of names) {
      expect(answers(text, [name], 'command', 'os.system'), `${name} first`).toEqual(base);
    }
    expect(answers(text, [...names].reverse(), 'command', 'os.system'), 'every scope, last first').toEqual(base);
  });
});
