/**
 * The flow layer as an engine: input-sized constructs cost their size (no
 * recursion as deep as the input), analyses are cached per def and survive
 * edits elsewhere (rebased), and are redone when the def or a callee's
 * summary changes; steps in another project file name it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisOf, ownerScope, reachOf } from '../../../server/src/engine/flow/index.js';
import { flask } from './snippets.js';
import { loadEngine, parse, reach, sinkArg } from './support.js';

beforeAll(loadEngine);

describe('input-sized constructs', () => {
  it('a 10,000-part + chain', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `"a${i % 10}"`).join(' + ');
    expect(reach(flask(`c = ${parts} + request.args["c"]\nos.system(c)`), 'command', 'os.system').kind).toBe('untrusted');
    expect(reach(flask(`c = ${parts}\nos.system(c)`), 'command', 'os.system').kind).toBe('constant');
  });

  it('5,000 nested parentheses', () => {
    const n = 5_000;
    expect(reach(flask(`os.system(${'('.repeat(n)}request.args["c"]${')'.repeat(n)})`), 'command', 'os.system').kind).toBe('untrusted');
  });

  it('a 3,000-deep nested list', () => {
    const n = 3_000;
    expect(reach(flask(`c = ${'['.repeat(n)}request.args["c"]${']'.repeat(n)}\nos.system(c)`), 'command', 'os.system').kind).toBe('untrusted');
  });

  it('300 nested ifs: the def gives up (unknown), the server stays up', () => {
    let body = '';
    for (let i = 0; i < 300; i++) body += `${' '.repeat(i)}if x${i}:\n`;
    body += `${' '.repeat(300)}os.system(request.args["c"])\n`;
    const text = `from flask import request\nimport os\ndef view():\n${body.replace(/^/gm, ' ')}`;
    expect(reach(text, 'command', 'os.system').kind).toBe('unknown');
  });

  it('a chain of 200 functions calling the next', () => {
    let text = 'from flask import request\nimport os\n';
    for (let i = 0; i < 200; i++) text += `def f${i}(x):\n    return f${i + 1}(x)\n`;
    text += 'def f200(x):\n    return x\ndef view():\n    os.system(f0(request.args["c"]))\n';
    // Deeper than the layer follows: the calls past it are not followed, and what went in comes out.
    expect(['untrusted', 'unknown']).toContain(reach(text, 'command', 'os.system').kind);
  });
});

describe('per-def cache', () => {
  const before = flask('c = request.args["c"]\nos.system(c)', '\ndef other():\n    return 1\n');

  it('an edit above a def keeps its analysis and moves its steps', () => {
    const one = parse(before);
    const two = parse(before.replace('return 1', 'x = 2\n    return 1 + x'));
    try {
      const a1 = analysisOf(ownerScope(sinkArg(one.tree.rootNode, 'os.system')), { root: one.tree.rootNode, ctx: one.ctx, file: null });
      const sink2 = sinkArg(two.tree.rootNode, 'os.system');
      const a2 = analysisOf(ownerScope(sink2), { root: two.tree.rootNode, ctx: two.ctx, file: null });
      expect(a2).toBe(a1);
      const r = reachOf(sink2, 'command', two.ctx);
      expect(r.kind).toBe('untrusted');
      if (r.kind !== 'untrusted') return;
      const text = before.replace('return 1', 'x = 2\n    return 1 + x');
      expect(text.slice(r.path[0].span.start, r.path[0].span.end)).toBe('request.args["c"]');
      expect(text.slice(r.path[1].span.start, r.path[1].span.end)).toBe('c');
      const lines = text.slice(0, r.path[0].span.start).split('\n');
      expect(r.path[0].line).toBe(lines.length - 1);
    } finally {
      one.tree.delete();
      two.tree.delete();
    }
  });

  it('an edit inside the def redoes its analysis', () => {
    const one = parse(before);
    const two = parse(before.replace('os.system(c)', 'os.system(c + "")'));
    try {
      const a1 = analysisOf(ownerScope(sinkArg(one.tree.rootNode, 'os.system')), { root: one.tree.rootNode, ctx: one.ctx, file: null });
      const a2 = analysisOf(ownerScope(sinkArg(two.tree.rootNode, 'os.system')), { root: two.tree.rootNode, ctx: two.ctx, file: null });
      expect(a2).not.toBe(a1);
    } finally {
      one.tree.delete();
      two.tree.delete();
    }
  });

  it("a callee's changed summary redoes the caller, an unchanged one does not", () => {
    const text = (ret: string, extra = '') => flask('os.system(helper(request.args["c"]))', `\ndef helper(x):\n    ${extra}return ${ret}\n`);
    const one = parse(text('x'));
    const same = parse(text('x', 'y = 1\n    '));
    const changed = parse(text('"ls"'));
    try {
      const scope = (p: ReturnType<typeof parse>) => analysisOf(ownerScope(sinkArg(p.tree.rootNode, 'os.system')), { root: p.tree.rootNode, ctx: p.ctx, file: null });
      const a1 = scope(one);
      expect(scope(same)).toBe(a1);
      expect(scope(changed)).not.toBe(a1);
      expect(reachOf(sinkArg(changed.tree.rootNode, 'os.system'), 'command', changed.ctx).kind).toBe('constant');
      expect(reachOf(sinkArg(one.tree.rootNode, 'os.system'), 'command', one.ctx).kind).toBe('untrusted');
    } finally {
      one.tree.delete();
      same.tree.delete();
      changed.tree.delete();
    }
  });

  it("a module constant's change redoes the defs that read it", () => {
    const text = (mode: string) => flask('c = "ls"\nif MODE == "debug":\n    c = request.args["c"]\nos.system(c)', `MODE = "${mode}"`);
    expect(reach(text('debug'), 'command', 'os.system').kind).toBe('untrusted');
    expect(reach(text('release'), 'command', 'os.system').kind).toBe('constant');
  });
});

describe('project files', () => {
  it('a step in another module names its file', () => {
    const util = parse('from flask import request\n\ndef param(name):\n    return request.args.get(name)\n', '/project/app/util.py');
    try {
      const project = { module: (name: string) => (name === 'app.util' ? { file: '/project/app/util.py', root: util.tree.rootNode, ctx: util.ctx } : undefined) };
      const r = reach(flask('os.system(param("c"))', 'from app.util import param'), 'command', 'os.system', 0, project);
      expect(r.kind).toBe('untrusted');
      if (r.kind !== 'untrusted') return;
      expect(r.path[0]).toMatchObject({ file: '/project/app/util.py', line: 3, column: 11 });
      expect(r.path[r.path.length - 1].file).toBeNull();
    } finally {
      util.tree.delete();
    }
  });
});
