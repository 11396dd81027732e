/**
 * Regression cases for incremental rule runs, each once found by the
 * random-edit tests: after the edits, the findings equal a from-scratch run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

type Edit = { start: number; end: number; text: string };

const open = (text: string) => new PythonDocument('file:///virtual/inc.py', 1, text, engine.parser, engine.analysis('/virtual/inc.py'));
const keys = (d: PythonDocument) => d.findings().map((f) => `${f.rule}@${f.range.start}-${f.range.end}/${f.anchor.start}-${f.anchor.end}`);

/** Applies batches of offset edits (each batch one didChange), returns [incremental, from scratch]. */
function run(text: string, batches: Edit[][]): [string[], string[]] {
  const doc = open(text);
  let t = text;
  let version = 1;
  for (const batch of batches) {
    const changes = batch.map((e) => {
      const td = TextDocument.create('x', 'python', 0, t);
      const change = { range: { start: td.positionAt(e.start), end: td.positionAt(e.end) }, text: e.text };
      t = t.slice(0, e.start) + e.text + t.slice(e.end);
      return change;
    });
    doc.applyChanges(changes, ++version, 'utf-16');
  }
  expect(doc.textDocument.getText()).toBe(t);
  const fresh = open(t);
  try {
    return [keys(doc), keys(fresh)];
  } finally {
    doc.dispose();
    fresh.dispose();
  }
}

describe('incremental equals from scratch: regressions', () => {
  it('a call far into the file appears after an edit that un-breaks it (query ranges counted in code units, not bytes)', () => {
    const text = 'def f(:\n    eval(x\n\nclass (\neval(y)\ns =  rminated\neval(z)\n';
    const [inc, scratch] = run(text, [[{ start: 33, end: 38, text: 'q = "DELETE FROM t WHERE id = " + uid' }]]);
    expect(scratch.some((k) => k.startsWith('B307@82'))).toBe(true);
    expect(inc).toEqual(scratch);
  });

  it('an edit in one statement may flag the next one: the rest of a cut name begins where the new text ends', () => {
    // `X` of `XPASSWORD` becomes a call; `PASSWORD="r3t!"` is now a statement of its own, starting right at the edit's end.
    const text = 'XPASSWORD="r3t!"  # eET_KEY =3",  # exp';
    const [inc, scratch] = run(text, [[{ start: 0, end: 1, text: 'bind(("0.0.0.0", 80))' }, { start: 37, end: 43, text: '' }]]);
    expect(scratch.filter((k) => k.startsWith('B105'))).toHaveLength(1);
    expect(inc).toEqual(scratch);
  });

  it('an edit that renames an assignment target drops the finding its string had', () => {
    // `DB_PA` of `DB_PASWD` is replaced: the remaining `SWD="r3t!"` is no password.
    const text = 'DB_PASWD="r3t!"  # eET_KEY =3",  # exp';
    const [inc, scratch] = run(text, [[{ start: 0, end: 5, text: 'bind(("0.0.0.0", 80))' }, { start: 32, end: 38, text: '' }]]);
    expect(scratch.filter((k) => k.startsWith('B105'))).toEqual([]);
    expect(inc).toEqual(scratch);
  });

  it('typing a prefix onto a target name, one key at a time', () => {
    const text = 'WORD = "hunter2"\nx = 1\n';
    const [inc, scratch] = run(text, [[{ start: 0, end: 0, text: 'P' }], [{ start: 1, end: 1, text: 'A' }], [{ start: 2, end: 2, text: 'S' }], [{ start: 3, end: 3, text: 'S' }]]);
    expect(scratch.filter((k) => k.startsWith('B105'))).toHaveLength(1);
    expect(inc).toEqual(scratch);
  });

  it('an alias introduced above changes what a call below resolves to', () => {
    const text = 'import os\n\n\ndef f(cmd):\n    return s(cmd)\n';
    const [inc, scratch] = run(text, [[{ start: 10, end: 10, text: 'from os import system as s\n' }]]);
    expect(scratch.some((k) => k.startsWith('B605'))).toBe(true);
    expect(inc).toEqual(scratch);
    // And removed again.
    const [inc2, scratch2] = run('from os import system as s\n\n\ndef f(cmd):\n    return s(cmd)\n', [[{ start: 0, end: 27, text: '' }]]);
    expect(scratch2.some((k) => k.startsWith('B605'))).toBe(false);
    expect(inc2).toEqual(scratch2);
  });
});
