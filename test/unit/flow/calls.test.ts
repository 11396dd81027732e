/** Calls: the project's own functions through their summaries, callers of a def, cross-module wrappers, getattr unions. */
import { beforeAll, describe } from 'vitest';
import type { ProjectIndex } from '../../../server/src/engine/flow/index.js';
import { checkPairs, type Pair } from './pairs.js';
import { flask } from './snippets.js';
import { loadEngine, parse } from './support.js';

beforeAll(loadEngine);

/** A project of modules by dotted name (parsed on demand, kept for the test's life). */
function project(modules: Record<string, string>): () => ProjectIndex {
  return () => {
    const parsed = new Map<string, { file: string; root: ReturnType<typeof parse>['tree']['rootNode']; ctx: ReturnType<typeof parse>['ctx'] }>();
    return {
      module(name: string) {
        if (!(name in modules)) return undefined;
        let m = parsed.get(name);
        if (!m) {
          const file = `/project/${name.replace(/\./g, '/')}.py`;
          const { tree, ctx } = parse(modules[name], file);
          m = { file, root: tree.rootNode, ctx };
          parsed.set(name, m);
        }
        return m;
      },
    };
  };
}

const pair = (name: string, top: string, bad: string, good: string, extra: Partial<Pair> = {}): Pair => ({
  name,
  sink: 'command',
  at: 'os.system',
  bad: flask(`user = request.args["u"]\n${bad}`, top),
  good: flask(`user = request.args["u"]\n${good}`, top),
  path: ["query parameter 'u'"],
  ...extra,
});

const helpers = project({
  'app.util': 'import shlex\nfrom flask import request\n\ndef build(cmd, arg):\n    return cmd + " " + arg\n\ndef safe(arg):\n    return shlex.quote(arg)\n\ndef first(arg, other):\n    return other\n\ndef param(name):\n    return request.args.get(name)\n\ndef fixed(name):\n    return "ls"\n',
  'app.handlers': 'def a(x):\n    return x\n\ndef b(x):\n    return "ls"\n',
  'app.quiet': 'def a(x):\n    return "pwd"\n\ndef b(x):\n    return "ls"\n',
});

const pairs: Pair[] = [
  pair('a same-module function returning its parameter', '\ndef wrap(x):\n    return "ls " + x\n', 'os.system(wrap(user))', 'os.system(wrap("-l"))', { path: ["query parameter 'u'", 'through wrap() on line', 'reaches os.system()'] }),
  pair('a function that drops its parameter', '\ndef pick(x, y):\n    return y\n', 'os.system(pick("ls", user))', 'os.system(pick(user, "ls"))'),
  pair('a sanitising function', '\ndef clean(x):\n    return shlex.quote(x)\n\ndef same(x):\n    return x\n', 'os.system("ls " + same(user))', 'os.system("ls " + clean(user))', { want: 'sanitised', by: 'shlex.quote' }),
  pair('keyword arguments map by name', '\ndef pick(x, y="ls"):\n    return y\n', 'os.system(pick("a", y=user))', 'os.system(pick(user, y="ls"))'),
  pair('a default argument', '\ndef pick(x, y="ls"):\n    return y\n', 'os.system(pick("a", user))', 'os.system(pick(user))'),
  pair('a chain of wrappers', '\ndef inner(x):\n    return x.strip()\n\ndef outer(x):\n    return inner(x)\n', 'os.system(outer(user))', 'os.system(outer("ls"))', { path: ["query parameter 'u'", 'through outer() on line'] }),
  pair('a function with branches', '\ndef choose(flag, x):\n    if flag:\n        return x\n    return "ls"\n', 'os.system(choose(request.method == "POST", user))', 'os.system(choose(request.method == "POST", "pwd"))'),
  pair('a recursive function does not loop', '\ndef rec(x, n):\n    if n:\n        return rec(x, n - 1)\n    return x\n', 'os.system(rec(user, 3) + user)', 'os.system(rec("ls", 3))', { want: 'unknown' }),
  pair('an unresolvable call joins its arguments', '', 'os.system(unknown_helper(user))', 'os.system(unknown_helper("ls"))', { want: 'unknown' }),
  pair('a method of the class through self', '', 'os.system(user)', 'os.system("ls")'),
  {
    name: 'self.method() summaries',
    sink: 'command',
    at: 'os.system',
    bad: 'from flask import request\nimport os\n\nclass V:\n    def arg(self):\n        return request.args["c"]\n\n    def run(self):\n        os.system(self.arg())\n',
    good: 'from flask import request\nimport os\n\nclass V:\n    def arg(self):\n        return "ls"\n\n    def run(self):\n        os.system(self.arg())\n',
    path: ["query parameter 'c'", 'through self.arg() on line'],
  },
  {
    name: 'a sink in a helper reached from a view (callers)',
    sink: 'command',
    at: 'os.system',
    bad: 'from flask import Flask, request\nimport os\napp = Flask(__name__)\n\ndef run(cmd):\n    os.system(cmd)\n\n@app.route("/x")\ndef view():\n    c = request.args["c"]\n    run(c)\n',
    good: 'from flask import Flask, request\nimport os\napp = Flask(__name__)\n\ndef _run(cmd):\n    os.system(cmd)\n\n@app.route("/x")\ndef view():\n    c = request.args["c"]\n    _run("ls")\n',
    path: ["query parameter 'c'", 'assigned to c', 'passed to run() on line 11', 'parameter cmd of run()', 'reaches os.system()'],
  },
  {
    name: 'a public helper whose callers pass constants stays unknown',
    sink: 'command',
    at: 'os.system',
    bad: 'from flask import request\nimport os\n\ndef run(cmd):\n    os.system(cmd)\n\ndef view():\n    run(request.args["c"])\n',
    good: 'from flask import request\nimport os\n\ndef run(cmd):\n    os.system(cmd)\n\ndef view():\n    run("ls")\n',
    want: 'unknown',
  },
  { name: 'a cross-module wrapper', sink: 'command', at: 'os.system', bad: flask('os.system(build("ls", request.args["a"]))', 'from app.util import build'), good: flask('os.system(build("ls", "-l"))', 'from app.util import build'), project: helpers, path: ["query parameter 'a'", 'through build() on line'] },
  { name: 'a cross-module sanitiser', sink: 'command', at: 'os.system', bad: flask('os.system("ls " + build("x", request.args["a"]))', 'from app.util import build, safe'), good: flask('os.system("ls " + safe(request.args["a"]))', 'from app.util import build, safe'), project: helpers, want: 'sanitised', by: 'shlex.quote' },
  { name: 'a cross-module module attribute call', sink: 'command', at: 'os.system', bad: flask('os.system(util.first("ls", request.args["a"]))', 'from app import util'), good: flask('os.system(util.first(request.args["a"], "ls"))', 'from app import util'), project: helpers },
  {
    name: 'a cross-module source wrapper',
    sink: 'command',
    at: 'os.system',
    bad: flask('os.system(param("c"))', 'from app.util import param, fixed'),
    good: flask('os.system(fixed("c"))', 'from app.util import param, fixed'),
    project: helpers,
    path: ['request.args.get(name)', 'through param() on line'],
  },
  {
    name: 'getattr(module, name)() is the union of its candidates',
    sink: 'command',
    at: 'os.system',
    bad: flask('f = request.args["f"]\nos.system(getattr(handlers, f)(request.args["x"]))', 'from app import handlers'),
    good: flask('f = request.args["f"]\nos.system(getattr(quiet, f)(request.args["x"]))', 'from app import quiet'),
    project: project({ 'app.handlers': 'def a(x):\n    return x\n\ndef b(x):\n    return "ls"\n', 'app.quiet': 'def a(x):\n    return "pwd"\n\ndef b(x):\n    return "ls"\n' }),
    path: ["query parameter 'x'"],
  },
];

describe('calls and summaries', () => checkPairs(pairs.filter((p) => p.name !== 'a method of the class through self')));
