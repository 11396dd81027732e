/**
 * The request gate (engine/flow/request-gate.ts): the flow rules ask the
 * layer only in files request data may enter. Must: every way request data
 * enters (a request name, a request type, a route decorator, a project
 * module one import away that reads it). Must not: the word in a comment or
 * a plain string, a module the file does not import. Every minimal pair of
 * the flow layer's tests also asserts the gate open where request data
 * reaches its sink (pairs.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectIndex } from '../../../server/src/engine/flow/index.js';
import { scanCode, scanTree } from '../../../server/src/engine/flow/request-gate.js';
import { gateOpen, loadEngine, parse } from './support.js';

beforeAll(loadEngine);

describe('scanCode', () => {
  it.each([
    ['def f(request): pass', true],
    ['x = flask.request.args', true],
    ['from flask import request as r', true],
    ['def v(req): return req.query', true],
    ['async def h(r: Request): ...', true],
    ['def h(ws: WebSocket): ...', true],
    ['def h(c: starlette.HTTPConnection): ...', true],
    ['def v(r: HttpRequest): ...', true],
    ['@app.route("/u/<name>")\ndef u(name): ...', true],
    ['@router.get("/items")\nasync def items(q: str): ...', true],
    ['x = f"{request.args}"', true],
    ['x = rf"""{ req }"""', true],
    ['# the request is sent\nx = 1', false],
    ['"""Send the request."""\nx = 1', false],
    ["x = 'request'; y = b'req'", false],
    ["x = r'\\\\' + 'request'", false],
    ['requests.get(url)', false],
    ['@functools.lru_cache()\ndef f(): ...', false],
    ['d.get(k)', false],
    ['a @ b.get(1)', true], // a matrix product read as a decorator: more, never fewer
  ])('%s → %s', (text, want) => {
    expect(scanCode(text).request).toBe(want);
    // The same read from the tree (what the rules' own file gets): a matrix product is no decorator there.
    const { tree } = parse(`# a comment first\n${text}`);
    try {
      expect(scanTree(tree.rootNode, null).request).toBe(text === 'a @ b.get(1)' ? false : want);
    } finally {
      tree.delete();
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

  it('collects the dotted names called, not an attribute of a call', () => {
    const s = scanCode('import os\nos.path.join(a)\nx().y.z(1)\nf (2)\nh.\\\n  k(3)\n"s.t(1)"\n');
    expect([...s.chains].sort()).toEqual(['f', 'h.k', 'os.path.join', 'x']);
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
