/**
 * The request gate (engine/flow/request-gate.ts): the flow rules ask the
 * layer only in files request data may enter. Must: every way request data
 * enters (a request name, a request type, a route decorator, a project
 * module one import away that reads it). Must not: the word in a comment or
 * a plain string, a module the file does not import. Every minimal pair of
 * the flow layer's tests also asserts the gate open where request data
 * reaches its sink (pairs.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectIndex } from '../../../server/src/engine/flow/index.js';
import { requestOwners, scanTree } from '../../../server/src/engine/flow/request-gate.js';
import { scanModule } from '../../../server/src/engine/flow/module-gate.js';
import { REQUEST_TYPE_WORDS, REQUEST_WORDS, ROUTE_METHODS } from '../../../server/src/engine/flow/sources.js';
import { gateOpen, loadEngine, parse, reach } from './support.js';

beforeAll(loadEngine);

describe('the words that let request data in', () => {
  // [code, the file's own scan (scanTree: the tree places each word), a module's text scan (scanModule: types anywhere)]
  it.each([
    ['def f(request): pass', true, true],
    ['x = flask.request.args', true, true],
    ['from flask import request as r', true, true],
    ['import flask as fl\nx = fl.request.args', true, true],
    ['x = self.request.GET', true, true],
    ['def v(req): return req.query', true, true],
    ['async def h(r: Request): ...', true, true],
    ['def h(ws: WebSocket): ...', true, true],
    ['def h(c: starlette.HTTPConnection): ...', true, true],
    ['def v(r: HttpRequest): ...', true, true],
    ['def v(r: Annotated[Optional[web.BaseRequest], 1] = None): ...', true, true],
    ['@app.route("/u/<name>")\ndef u(name): ...', true, true],
    ['@router.get("/items")\nasync def items(q: str): ...', true, true],
    ['x = f"{request.args}"', true, true],
    ['x = rf"""{ req }"""', true, true],
    ['x = (g()).request', true, true],
    ['# the request is sent\nx = 1', false, false],
    ['"""Send the request."""\nx = 1', false, false],
    ["x = 'request'; y = b'req'", false, false],
    ["x = r'\\\\' + 'request'", false, false],
    ['requests.get(url)', false, false],
    ['@functools.lru_cache()\ndef f(): ...', false, false],
    ['d.get(k)', false, false],
    ['import urllib.request\nurllib.request.urlopen(u)', false, false],
    ['from urllib.request import urlopen', false, false],
    ['x = a.b.request.args', false, false],
    ['conn.request("GET", "/")', false, false],
    ['x = self.req', false, false],
    ['r = Request(url)', false, true],
    ['class HTTPConnection:\n    pass', false, true],
    ['a @ b.get(1)', false, false], // a matrix product: no decorator line
  ])('%s → file %s, module %s', (text, tree, module) => {
    expect(scanModule(text).request).toBe(module);
    const { tree: t, ctx } = parse(`# a comment first\n${text}`);
    try {
      expect(scanTree(t.rootNode, null, requestOwners(ctx)).request).toBe(tree);
    } finally {
      t.delete();
    }
  });

  // The gates find the words by native searches spelt out as regex literals (the linear-regex lint reads literals): each
  // request name, type and route method of sources.ts's tables (a type counts in an annotation) must be found by both scans, or a table grown alone would close files.
  it.each([
    ...[...REQUEST_WORDS].filter((w) => !REQUEST_TYPE_WORDS.has(w)).map((w) => [`def f(${w}): pass`, `a request name: ${w}`]),
    ...[...REQUEST_TYPE_WORDS].map((w) => [`def f(r: ${w}): pass`, `a request type: ${w}`]),
    ...[...ROUTE_METHODS].map((m) => [`@app.${m}("/u")\ndef f(u): ...`, `a route method: ${m}`]),
  ])('sources.ts tables: %s opens both scans (%s)', (text) => {
    expect(scanModule(text).request).toBe(true);
    const { tree: t, ctx } = parse(text);
    try {
      expect(scanTree(t.rootNode, null, requestOwners(ctx)).request).toBe(true);
    } finally {
      t.delete();
    }
  });

  it('scanTree: the names called on an import-bound name, over lines and continuations', () => {
    const { tree } = parse('import pkg\nx = (pkg\n  .mod.f(1))\ny = pkg . other . g()\nz = notpkg.h()\n');
    try {
      expect([...scanTree(tree.rootNode, new Set(['pkg'])).chains].sort()).toEqual(['pkg.mod.f', 'pkg.other.g']);
    } finally {
      tree.delete();
    }
  });

  it("scanModule: each top-level def, class and assignment with the names it calls, over decorators, brackets, strings and continuations", () => {
    const ms = scanModule(
      'import flask\n@dec(\n1)\ndef f(a,\nb):\n    """\ndef g(): request\n"""\n    return h() + Cls.m()\n# a comment\nclass Cls:\n    def m(self):\n        return self.n()\nX = \\\n  flask.request\nasync def h(): pass\n',
    );
    expect([...ms.defs.keys()]).toEqual(['f', 'h']);
    expect([...ms.classes.keys()]).toEqual(['Cls']);
    expect([...ms.defs.get('f')![0].calls].sort()).toEqual(['Cls.m', 'dec', 'f', 'h']); // `def f(` reads as a call of f: more, never fewer
    expect([...ms.classes.get('Cls')![0].calls].sort()).toEqual(['m', 'self.n']);
    expect([...ms.requestGlobals]).toEqual(['X']);
    expect(ms.defs.get('f')![0].request).toBe(false);
  });
});

/** A project whose modules are texts by dotted name; `asked` records each module looked up. */
function project(modules: Record<string, string>, asked: string[] = []): ProjectIndex {
  const parsed = new Map<string, ReturnType<typeof parse>>();
  return {
    module(name) {
      asked.push(name);
      if (!(name in modules)) return undefined;
      let m = parsed.get(name);
      if (!m) parsed.set(name, (m = parse(modules[name], `/project/${name}.py`)));
      return { file: `/project/${name}.py`, root: m.tree.rootNode, ctx: m.ctx };
    },
  };
}

it('scanTree on hostile chains: 100 kB of `pkg . a . a …` and of dots, each without a call (a generous time-out only a super-linear search reaches)', { timeout: 10_000 }, () => {
  for (const text of ['x = pkg' + ' . a'.repeat(25_000) + ' !\n', 'x = pkg' + ' .'.repeat(50_000) + '\n', ('pkg.' + 'a'.repeat(60) + ' \\\n').repeat(1500)]) {
    const { tree } = parse(text);
    try {
      expect(scanTree(tree.rootNode, new Set(['pkg'])).request).toBe(false);
    } finally {
      tree.delete();
    }
  }
});

describe('the gate of a file', () => {
  const helper = 'from flask import request\ndef user():\n    return request.args["u"]\n';
  const plain = 'def user():\n    return "u"\n';

  it('open: its own code reads the request', () => {
    expect(gateOpen('from flask import request\ndef f():\n    open(request.args["p"])\n')).toBe(true);
  });
  it('closed: no request in the file and no project', () => {
    expect(gateOpen('import os\ndef f(p):\n    # a request\n    return open(os.path.join("/srv", p))\n')).toBe(false);
  });
  it.each([
    ['from helpers import user\ndef f():\n    open(user())\n'],
    ['import helpers\ndef f():\n    open(helpers.user())\n'],
    ['import helpers as h\ndef f():\n    open(h.user())\n'],
    ['from pkg import helpers\ndef f():\n    open(helpers.user())\n'],
    ['import helpers\ndef f():\n    open(getattr(helpers, "user")())\n'],
  ])('open: a project module one import away reads it: %s', (text) => {
    expect(gateOpen(text, project({ helpers: helper, 'pkg.helpers': helper, pkg: '' }))).toBe(true);
  });
  it('closed: the imported module does not read the request', () => {
    expect(gateOpen('import helpers\ndef f():\n    open(helpers.user())\n', project({ helpers: plain }))).toBe(false);
  });
  it('closed: a name no import binds is not looked up as a module (a local `helpers` object)', () => {
    const asked: string[] = [];
    expect(gateOpen('def f(helpers):\n    open(helpers.user())\n', project({ helpers: helper }, asked))).toBe(false);
    expect(asked).toEqual([]);
  });
});

describe('a project module one import away: only what the calls reach in it', () => {
  const sink = (call: string) => `def f():\n    open(${call})\n`;
  /** [what the pair shows, the module `helpers`, the importing file: open, closed] */
  const pairs: [string, string, string, string][] = [
    [
      'a called wrapper, not an unrelated def that names the request',
      'from flask import request\ndef user():\n    return request.args["u"]\ndef plain():\n    return "u"\n',
      `import helpers\n${sink('helpers.user()')}`,
      `import helpers\n${sink('helpers.plain()')}`,
    ],
    [
      'from m import f',
      'from flask import request\ndef user():\n    return request.args["u"]\ndef plain():\n    return "u"\n',
      `from helpers import user\n${sink('user()')}`,
      `from helpers import plain\n${sink('plain()')}`,
    ],
    [
      'through an alias',
      'from flask import request\ndef user():\n    return request.args["u"]\ndef plain():\n    return "u"\n',
      `import helpers as h\n${sink('h.user()')}`,
      `import helpers as h\n${sink('h.plain()')}`,
    ],
    [
      'a same-module callee of the called def',
      'from flask import request\ndef user():\n    return _read()\ndef _read():\n    return request.args["u"]\ndef plain():\n    return "u"\n',
      `import helpers\n${sink('helpers.user()')}`,
      `import helpers\n${sink('helpers.plain()')}`,
    ],
    [
      "a class's method, and what it calls on self",
      'from flask import request\nclass Api:\n    def user(self):\n        return self._get()\n    def _get(self):\n        return request.args["u"]\nclass Plain:\n    def user(self):\n        return "u"\n',
      `from helpers import Api\n${sink('Api.user(None)')}`,
      `from helpers import Plain\n${sink('Plain.user(None)')}`,
    ],
    [
      'a class called is its constructor (not followed), a method of it is',
      'from flask import request\nclass Api:\n    def user(self):\n        return request.args["u"]\n',
      `import helpers\n${sink('helpers.Api.user(None)')}`,
      `import helpers\n${sink('helpers.Api()')}`,
    ],
    [
      'a module-level name the called def reads',
      'import flask\nARGS = flask.request.args\ndef user():\n    return ARGS["u"]\ndef plain():\n    return "u"\n',
      `import helpers\n${sink('helpers.user()')}`,
      `import helpers\n${sink('helpers.plain()')}`,
    ],
    [
      'a route decorator on the called def',
      'from app import app\n@app.route("/u/<name>")\ndef user(name):\n    return name\ndef plain(name):\n    return name\n',
      `import helpers\n${sink('helpers.user("x")')}`,
      `import helpers\n${sink('helpers.plain("x")')}`,
    ],
    [
      'getattr(module, name)() may call any def of the module; getattr of another object none',
      'from flask import request\ndef user():\n    return request.args["u"]\n',
      `import helpers\ndef f(name, obj):\n    open(getattr(helpers, name)())\n    return obj\n`,
      `import helpers\ndef f(name, obj):\n    open(getattr(obj, name)())\n    return helpers\n`,
    ],
  ];

  it.each(pairs)('%s', (_what, helper, open, closed) => {
    const index = project({ helpers: helper });
    expect(gateOpen(open, index)).toBe(true);
    expect(gateOpen(closed, index)).toBe(false);
    // The gate answers as the layer does: request data reaches the sink through the open one.
    const r = reach(open, 'path', 'open', 0, index);
    expect(r.kind).toBe('untrusted');
    expect(r.kind === 'untrusted' && r.trust).toBe('request');
    // And none through the closed one: the gate closed only what the layer could never open.
    const c = reach(closed, 'path', 'open', 0, index);
    expect(c.kind === 'untrusted' && c.trust === 'request').toBe(false);
  });

  it("closed: a module's request word only in a def the calls never reach, through every way in at once", () => {
    const helper = 'from flask import request\ndef plain():\n    return "u"\nclass Api:\n    def m(self):\n        return "u"\ndef unrelated():\n    return request.args["u"]\n';
    const text = `import helpers\nfrom helpers import plain, Api\nimport helpers as h\ndef f():\n    open(helpers.plain() + plain() + h.plain() + Api.m(None) + getattr(Api, "m")())\n`;
    expect(gateOpen(text, project({ helpers: helper }))).toBe(false);
  });
});

describe("scanModule's top-level defs and classes are the tree's (resolve.ts moduleDefs, classMethods)", () => {
  /** Each top-level def and class of a tree, by kind and name, with its methods' names for a class. */
  function treeUnits(root: Node): { defs: string[]; classes: string[] } {
    const defs: string[] = [];
    const classes: string[] = [];
    for (const c of root.namedChildren) {
      const d = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
      const name = d?.childForFieldName('name')?.text;
      if (!name) continue;
      if (d?.type === 'function_definition') defs.push(name);
      else if (d?.type === 'class_definition') classes.push(name);
    }
    return { defs: [...new Set(defs)].sort(), classes: [...new Set(classes)].sort() };
  }

  it.each([
    ['a form feed before a def', 'x = 1\n\f\ndef f():\n    return req\n\fdef g():\n    pass\nclass C: pass\n'],
    ['lone carriage returns', 'x = 1\r# c\rdef f():\r    return req\rdef g(a=(\r1)):\r    pass\r'],
    ['brackets and strings over lines', 'X = [\n"""\ndef no(): pass\n""",\n]\ndef f(a, b = {\n1: 2}):\n    return req\nY = f"""{\nreq}\n"""\n@d(\n)\nclass C:\n    def m(self): pass\n'],
    ['a continuation', 'x = 1 + \\\n2\ndef f(): return req\n'],
  ])('%s', (_what, text) => {
    const { tree } = parse(text);
    try {
      // Every one the tree has (the grammar reads a comment's lone \r as part of it: the scan finds more there, never fewer).
      const ms = scanModule(text);
      const want = treeUnits(tree.rootNode);
      expect(want.defs.length).toBeGreaterThan(_what === 'lone carriage returns' ? -1 : 0);
      for (const d of want.defs) expect(ms.defs.has(d)).toBe(true);
      for (const c of want.classes) expect(ms.classes.has(c)).toBe(true);
      expect(ms.defs.has('no')).toBe(false);
    } finally {
      tree.delete();
    }
  });

  const lib = '/usr/lib/python3.11';
  it.runIf(existsSync(join(lib, 'inspect.py')))('every module of the standard library (a request word put first, so that it is read)', () => {
    let files = 0;
    const stack = [lib];
    while (stack.length) {
      const dir = stack.pop()!;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'site-packages' && e.name !== '__pycache__') stack.push(p);
          continue;
        }
        if (!e.name.endsWith('.py')) continue;
        let text: string;
        try {
          text = `req = 1\n${readFileSync(p, 'utf8')}`;
        } catch {
          continue;
        }
        const { tree } = parse(text);
        try {
          if (tree.rootNode.hasError) continue; // a test file of bad syntax: the tree guesses
          const ms = scanModule(text);
          expect({ file: p, defs: [...ms.defs.keys()].sort(), classes: [...ms.classes.keys()].sort() }).toEqual({ file: p, ...treeUnits(tree.rootNode) });
          files++;
        } finally {
          tree.delete();
        }
      }
    }
    expect(files).toBeGreaterThan(500);
  }, 120_000);
});
