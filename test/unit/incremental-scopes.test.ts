/**
 * Rules whose verdict depends on more than one statement match the node
 * that holds all they read (a module, a def, an except clause): an edit far
 * from the reported line must still update the finding. After the edits,
 * the findings equal a from-scratch run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const open = (text: string, narrowAbove?: number) => {
  const doc = new PythonDocument('file:///virtual/scopes.py', 1, text, engine.parser, engine.analysis('/virtual/scopes.py'));
  if (narrowAbove !== undefined) doc.analysis.narrowAbove = narrowAbove;
  return doc;
};
const lines = (d: PythonDocument) =>
  d
    .findings()
    .filter((f) => !f.suppressed)
    .map((f) => `${f.rule}@${d.textDocument.positionAt(f.range.start).line + 1}`);

/** Replaces the first `find` (after `from`) with `by`, one didChange per step; returns the findings after each step, incremental and from scratch. */
function steps(text: string, edits: [find: string, by: string][], narrowAbove?: number): { inc: string[][]; scratch: string[][] } {
  const doc = open(text, narrowAbove);
  let t = text;
  let version = 1;
  const inc: string[][] = [];
  const scratch: string[][] = [];
  try {
    for (const [find, by] of edits) {
      const at = t.indexOf(find);
      if (at < 0) throw new Error(`no ${JSON.stringify(find)} in ${JSON.stringify(t)}`);
      const td = TextDocument.create('x', 'python', 0, t);
      doc.applyChanges([{ range: { start: td.positionAt(at), end: td.positionAt(at + find.length) }, text: by }], ++version, 'utf-16');
      t = t.slice(0, at) + by + t.slice(at + find.length);
      const fresh = open(t);
      inc.push(lines(doc));
      scratch.push(lines(fresh));
      fresh.dispose();
    }
  } finally {
    doc.dispose();
  }
  return { inc, scratch };
}

describe('scope-wide rules stay current through edits elsewhere in their scope', () => {
  it('B703 at module level: an assignment two statements above decides', () => {
    const text = "from django.utils.safestring import SafeText\nx = 'a'\ny = 1\nSafeText(x)\n";
    const { inc, scratch } = steps(text, [
      ["'a'", 'fetch()'],
      ['fetch()', "'b'"],
    ]);
    expect(scratch).toEqual([['B703@4'], []]);
    expect(inc).toEqual(scratch);
  });

  it('B703 in a def: the function body decides, a nested def is a scope of its own', () => {
    const text =
      "from django.utils.safestring import SafeText\n\n\ndef page(fetch):\n    html = '<b>'\n    pad = 0\n\n    def inner():\n        return SafeText(html)\n\n    return SafeText(html), inner\n";
    const { inc, scratch } = steps(text, [
      ["html = '<b>'", 'html = fetch()'],
      ['pad = 0', "html = '<i>'"],
    ]);
    expect(scratch).toEqual([['B703@9', 'B703@11'], ['B703@9']]);
    expect(inc).toEqual(scratch);
  });

  it('B613: only the first line with a bidirectional character is reported, wherever the edit is', () => {
    const text = "a = 1\nb = '\u202e'\nc = 2\n";
    const { inc, scratch } = steps(text, [
      ['a = 1', "a = '\u2066'"],
      ["a = '\u2066'", 'a = 1'],
      ["b = '\u202e'", "b = ''"],
    ]);
    expect(scratch).toEqual([['B613@1'], ['B613@2'], []]);
    expect(inc).toEqual(scratch);
  });

  it('B110 / B112: the handler body decides', () => {
    const text = 'for x in xs:\n    try:\n        f(x)\n    except Exception:\n        pass\n';
    const { inc, scratch } = steps(text, [
      ['        pass', '        continue'],
      ['        continue', '        log(x)'],
      ['        log(x)', '        pass'],
    ]);
    expect(scratch).toEqual([['B112@4'], [], ['B110@4']]);
    expect(inc).toEqual(scratch);
  });

  it('B107 / B503: reported on the def line, recomputed when the parameters change', () => {
    const text = 'import ssl\n\n\ndef connect(host, password="x", version=ssl.PROTOCOL_TLS_CLIENT):\n    return host\n';
    const { inc, scratch } = steps(text, [
      ['PROTOCOL_TLS_CLIENT', 'PROTOCOL_SSLv3'],
      ['    return host', '    return host, password'],
      ['password="x"', 'password=None'],
    ]);
    expect(scratch).toEqual([
      ['B107@4', 'B503@4'],
      ['B107@4', 'B503@4'],
      ['B503@4'],
    ]);
    expect(inc).toEqual(scratch);
  });

  it('a # nosec anywhere in the function or handler silences the def-line finding, as in bandit', () => {
    const text = 'def connect(host, password="x"):\n    return host\n\n\ntry:\n    f()\nexcept Exception:\n    pass\n';
    const { inc, scratch } = steps(text, [
      ['    return host', '    return host  # nosec B107'],
      ['    pass', '    pass  # nosec B110'],
      ['  # nosec B107', ''],
    ]);
    expect(scratch).toEqual([['B110@7'], [], ['B107@1']]);
    expect(inc).toEqual(scratch);
  });

  it('a # nosec on a comment after the last statement is outside the lines bandit reads', () => {
    const text = 'def connect(host, password="x"):\n    return host\n    # nosec B107\n\n\ntry:\n    f()\nexcept Exception:\n    pass\n    # nosec B110\n';
    const doc = open(text);
    try {
      expect(lines(doc)).toEqual(['B107@1', 'B110@8']);
    } finally {
      doc.dispose();
    }
  });

  // The flow rules (PS001…) follow input through a def (engine/flow): the def
  // (with its decorators) is their match, so an edit to a decorator, a
  // parameter or an earlier assignment re-runs them on the whole def. Run
  // as is and with every re-run range narrowed (carry.ts), whose open holes
  // must still let the def be re-run.
  const FASTAPI =
    'import httpx\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/fetch")\nasync def fetch(url: str):\n    page = 1\n    return httpx.get(url)\n';
  for (const narrowAbove of [undefined, 0]) {
    const how = narrowAbove === 0 ? ' (every range narrowed)' : '';
    it(`PS001: a FastAPI route's decorator and parameter type decide${how}`, () => {
      const { inc, scratch } = steps(
        FASTAPI,
        [
          ['@app.get("/fetch")\n', ''],
          ['async def', '@app.get("/fetch")\nasync def'],
          ['app.get(', 'app.cache('],
          ['app.cache(', 'app.post('],
          ['url: str', 'url: int'],
          ['url: int', 'url'],
          ['fastapi import', 'flask import'],
          ['flask import', 'fastapi import'],
        ],
        narrowAbove,
      );
      expect(scratch).toEqual([[], ['PS001@10'], [], ['PS001@10'], [], ['PS001@10'], [], ['PS001@10']]);
      expect(inc).toEqual(scratch);
    });

    it(`PS001 / PS102: an earlier assignment in the def decides${how}`, () => {
      const text =
        'import requests\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/proxy")\ndef proxy():\n    target = request.args["url"]\n    name = "a.txt"\n    open(name)\n    return requests.get(target, timeout=5).text\n';
      const { inc, scratch } = steps(
        text,
        [
          ['request.args["url"]', '"https://example.com"'],
          ['"https://example.com"', 'request.args["url"]'],
          ['name = "a.txt"', 'name = request.args["f"]'],
          ['    target = request.args["url"]\n', ''],
          ['def proxy():\n', 'def proxy():\n    target = request.form["u"]\n'],
        ],
        narrowAbove,
      );
      expect(scratch).toEqual([[], ['PS001@12'], ['PS102@11', 'PS001@12'], ['PS102@10'], ['PS102@11', 'PS001@12']]);
      expect(inc).toEqual(scratch);
    });
  }
});

describe('the request gate (flow/request-gate.ts) carried from edit to edit', () => {
  it('a file no request entered: a keystroke that brings one in opens it (PS102 found, as from scratch); one in a comment or a string does not', () => {
    const text = 'import os\n\n\ndef a(p):\n    return open(p)\n\n\ndef b(x):\n    # the x\n    return open(x)\n';
    const { inc, scratch } = steps(text, [
      ['# the x', '# the request'],
      ['    return open(x)', '    return open("request")'],
      ['def b(x)', 'def b(request)'],
      ['open("request")', 'open(request.args["p"])'],
    ]);
    expect(scratch.map((s) => s.filter((r) => r.startsWith('PS')))).toEqual([[], [], [], ['PS102@10']]);
    expect(inc).toEqual(scratch);
  });

  it('code that was a string: the edits that remove its quotes open the gate', () => {
    const text = "def b(p):\n    return open(p)\n\n\nX = '''\ndef c(request):\n    return open(request.args['p'])\n'''\n";
    const { inc, scratch } = steps(text, [
      ["X = '''\n", ''],
      ["'])\n'''\n", "'])\n"],
    ]);
    expect(scratch[1].filter((r) => r.startsWith('PS'))).toEqual(['PS102@6']);
    expect(inc).toEqual(scratch);
  });
});
