/**
 * Code actions over LSP, from the built server: the suppress actions
 * (titles, versioned edits, position encodings, snippets where the client
 * takes them, preset reasons from the settings, a whole line at once, a
 * disabled action where no line can carry a comment), answering only for
 * our own diagnostics, and the suppression-hygiene diagnostics (pushed and
 * pulled, recomputed on each change, with their fixes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientCapabilities, CodeAction, Diagnostic, FullDocumentDiagnosticReport, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { applyAction, editsFor } from '../support/edits.js';
import { docUri, LspClient, type StartOptions } from './client.js';

const ACTIONS: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true } },
  textDocument: {
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
      disabledSupport: true,
      isPreferredSupport: true,
    },
  },
};

const clients: LspClient[] = [];

async function start(opts: StartOptions = {}): Promise<LspClient> {
  const c = await LspClient.start({ capabilities: ACTIONS, initializationOptions: { bandit: { enabled: false } }, ...opts });
  clients.push(c);
  return c;
}

/** The client most tests share: code action literals, documentChanges, disabled actions, utf-16. */
let main: LspClient;

beforeAll(async () => {
  main = await start();
});

afterAll(async () => {
  for (const c of clients) expect(await c.shutdown()).toBe(0);
});

/** A code action's edits as didChange content changes (one edit: the same thing). */
function asChanges(a: CodeAction) {
  const edits = (a.edit!.documentChanges![0] as TextDocumentEdit).edits;
  expect(edits).toHaveLength(1);
  return edits.map((e) => ({ range: e.range, text: e.newText }));
}

let n = 0;
async function opened(c: LspClient, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = docUri(`actions-${++n}.py`);
  await c.open(uri, text, 3);
  const p = await c.waitForDiagnostics(uri, { version: 3 });
  return { uri, diagnostics: p.diagnostics };
}

function actions(c: LspClient, uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
}

const byCode = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);

describe('code actions', () => {
  it('advertises quick fixes only, without resolve', async () => {
    const c = main;
    expect(c.initializeResult.capabilities.codeActionProvider).toEqual({ codeActionKinds: ['quickfix'], resolveProvider: false });
  });

  it('offers "suppress B307 on this line" and one action per preset reason, each with its whole, versioned edit', async () => {
    const c = main;
    const text = 'def run(expr):\n    return eval(expr)\n';
    const { uri, diagnostics } = await opened(c, text);
    const got = await actions(c, uri, byCode(diagnostics, 'B307'));
    expect(got.map((a) => a.title)).toEqual([
      'pysec: suppress B307 on this line',
      'pysec: suppress B307 on this line — false positive: input is not user-controlled',
      'pysec: suppress B307 on this line — accepted risk: reviewed',
    ]);
    for (const a of got) {
      expect(a.kind).toBe('quickfix');
      expect(a.command).toBeUndefined();
      expect(a.diagnostics).toEqual(byCode(diagnostics, 'B307'));
      const edit = a.edit!.documentChanges![0] as TextDocumentEdit;
      expect(edit.textDocument).toEqual({ uri, version: 3 });
    }
    expect(applyAction(text, uri, got[0], 'utf-16', 3)).toBe('def run(expr):\n    return eval(expr)  # nosec B307  # justification required\n');
    expect(applyAction(text, uri, got[1], 'utf-16', 3)).toBe('def run(expr):\n    return eval(expr)  # nosec B307  # false positive: input is not user-controlled\n');
  });

  it('answers only for pysec diagnostics and only for quick fixes', async () => {
    const c = main;
    const { uri, diagnostics } = await opened(c, 'eval(x)\n');
    const theirs: Diagnostic = { ...diagnostics[0], source: 'pyright', code: 'reportUndefinedVariable' };
    expect(await actions(c, uri, [theirs])).toEqual([]);
    expect(await actions(c, uri, [{ ...diagnostics[0], source: 'Pyright' }])).toEqual([]);
    expect(await actions(c, uri, diagnostics, ['source.organizeImports'])).toEqual([]);
    expect((await actions(c, uri, diagnostics, ['quickfix'])).length).toBeGreaterThan(0);
    expect((await actions(c, uri, [theirs, ...diagnostics])).every((a) => a.diagnostics?.every((d) => d.source === 'pysec'))).toBe(true);
  });

  it('unversioned `changes` for a client without documentChanges; nothing for one without code action literals', async () => {
    const plain = await start({ capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } } });
    const text = 'eval(x)\n';
    const { uri, diagnostics } = await opened(plain, text);
    const [first] = await actions(plain, uri, diagnostics);
    expect(first.edit?.documentChanges).toBeUndefined();
    expect(editsFor(first.edit!, uri).version).toBeNull();
    expect(applyAction(text, uri, first, 'utf-16')).toBe('eval(x)  # nosec B307  # justification required\n');

    const old = await start({ capabilities: { workspace: { workspaceEdit: { documentChanges: true } } } });
    const o = await opened(old, text);
    expect(await actions(old, o.uri, o.diagnostics)).toEqual([]);
  });

  it('computes the edit in the negotiated position encoding', async () => {
    const text = 'x = {"😀é中": 1}; y = eval(s)\n';
    const results = new Set<string>();
    for (const enc of ['utf-8', 'utf-16', 'utf-32'] as const) {
      const c = await start({ positionEncodings: [enc] });
      const { uri, diagnostics } = await opened(c, text);
      const [a] = await actions(c, uri, byCode(diagnostics, 'B307'));
      const edit = (a.edit!.documentChanges![0] as TextDocumentEdit).edits[0];
      // The comment goes at the end of the line: column = the line's length in that encoding.
      expect(edit.range.start.character).toBe({ 'utf-8': Buffer.byteLength(text.trimEnd()), 'utf-16': text.trimEnd().length, 'utf-32': [...text.trimEnd()].length }[enc]);
      results.add(applyAction(text, uri, a, enc, 3));
    }
    expect([...results]).toEqual(['x = {"😀é中": 1}; y = eval(s)  # nosec B307  # justification required\n']);
  });

  it('makes the placeholder a tab stop where the client takes snippets in workspace edits (LSP 3.18)', async () => {
    const c = await start({ capabilities: { ...ACTIONS, workspace: { workspaceEdit: { documentChanges: true, snippetEditSupport: true } as never } } });
    const text = 'eval(x)  # cost: $5 {a}\n';
    const { uri, diagnostics } = await opened(c, text);
    const got = await actions(c, uri, diagnostics);
    const edit = (got[0].edit!.documentChanges![0] as TextDocumentEdit).edits[0] as unknown as { snippet: { kind: string; value: string } };
    expect(edit.snippet).toEqual({ kind: 'snippet', value: '# cost: \\$5 {a\\}  # nosec B307  # ${1:justification required}' });
    expect(applyAction(text, uri, got[0], 'utf-16', 3)).toBe('eval(x)  # cost: $5 {a}  # nosec B307  # justification required\n');
    // A preset reason is plain text.
    expect((got[1].edit!.documentChanges![0] as TextDocumentEdit).edits[0]).toHaveProperty('newText');
  });

  it('merges into an existing # nosec, keeps other comments, and writes # pysec: ignore for our own rules', async () => {
    const c = main;
    const cases: [string, string, string][] = [
      ['assert eval(x)  # nosec B101  # tests only\n', 'B307', 'assert eval(x)  # nosec B101, B307  # tests only\n'],
      ['x = eval(y)  # type: ignore  # noqa: S307\n', 'B307', 'x = eval(y)  # type: ignore  # noqa: S307  # nosec B307  # justification required\n'],
      [
        'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
        'PS501',
        'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # pysec: ignore[PS501]  # justification required\n',
      ],
    ];
    for (const [text, code, expected] of cases) {
      const { uri, diagnostics } = await opened(c, text);
      const [a] = await actions(c, uri, byCode(diagnostics, code));
      expect(applyAction(text, uri, a, 'utf-16', 3), text).toBe(expected);
    }
  });

  it('offers one comment for every finding of a line', async () => {
    const c = main;
    const text = 'import subprocess  # nosec B404  # ok\nsubprocess.run(cmd, shell=True); eval(cmd)\n';
    const { uri, diagnostics } = await opened(c, text);
    const got = await actions(c, uri, diagnostics.filter((d) => d.range.start.line === 1));
    const line = got.filter((a) => a.title.startsWith('pysec: suppress every finding'));
    expect(line.map((a) => a.title)).toEqual(['pysec: suppress every finding on this line (B602, B307)']);
    expect(applyAction(text, uri, line[0], 'utf-16', 3)).toBe(
      'import subprocess  # nosec B404  # ok\nsubprocess.run(cmd, shell=True); eval(cmd)  # nosec B602, B307  # justification required\n',
    );
  });

  it('never writes into a string: another line of the statement, or a disabled action that says why', async () => {
    const c = main;
    const sql = 'def q(cursor, uid):\n    cursor.execute("""SELECT *\n        FROM t WHERE id = %s""" % uid)\n';
    const s = await opened(c, sql);
    const [a] = await actions(c, s.uri, byCode(s.diagnostics, 'B608'));
    expect(a.title).toBe('pysec: suppress B608 (comment on line 3) [read by bandit ≥ 1.7.5 only]');
    expect(applyAction(sql, s.uri, a, 'utf-16', 3)).toBe(sql.replace('% uid)\n', '% uid)  # nosec B608  # justification required\n'));

    const inside = 'def f(y):\n    return f"""{\neval(y)\n}"""\n';
    const f = await opened(c, inside);
    const got = await actions(c, f.uri, byCode(f.diagnostics, 'B307'));
    expect(got).toHaveLength(1);
    expect(got[0].edit).toBeUndefined();
    expect(got[0].disabled?.reason).toMatch(/cannot suppress here: no line can carry the comment \(line 3: it ends inside a string\)/);

    // Without disabledSupport: no action at all, never a broken one.
    const plain = await start({ capabilities: { ...ACTIONS, textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } } });
    const p = await opened(plain, inside);
    expect(await actions(plain, p.uri, byCode(p.diagnostics, 'B307'))).toEqual([]);
  });

  it('takes the placeholder and the preset reasons from the settings', async () => {
    const c = await start({ initializationOptions: { bandit: { enabled: false }, suppress: { placeholder: 'TODO: why?', reasons: ['test code only'] } } });
    const text = 'eval(x)\n';
    const { uri, diagnostics } = await opened(c, text);
    const got = await actions(c, uri, diagnostics);
    expect(got.map((a) => a.title)).toEqual(['pysec: suppress B307 on this line', 'pysec: suppress B307 on this line — test code only']);
    expect(applyAction(text, uri, got[0], 'utf-16', 3)).toBe('eval(x)  # nosec B307  # TODO: why?\n');
    // ... and the hygiene check flags that placeholder, not the default one.
    await c.change(uri, 4, [{ range: { start: { line: 0, character: 7 }, end: { line: 0, character: 7 } }, text: '  # nosec B307  # TODO: why?' }]);
    const p = await c.waitForDiagnostics(uri, { version: 4 });
    expect(p.diagnostics.map((d) => d.code)).toEqual(['PSN005']);
  });
});

describe('the finding a diagnostic stands for', () => {
  it('is read from its data: of two findings of one rule on a line, the one the diagnostic was published for, whatever range the client sends back', async () => {
    const c = main;
    // A client that rewrites ranges (Neovim 0.7 sends byte columns back as utf-16 ones) must still get the fix for its finding.
    const text = 'import yaml\nlabel = "é"; a = yaml.load(s); b = yaml.load(t)\n';
    const { uri, diagnostics } = await opened(c, text);
    const loads = byCode(diagnostics, 'B506').sort((x, y) => x.range.start.character - y.range.start.character);
    expect(loads).toHaveLength(2);
    const second = { ...loads[1], range: { start: { line: 1, character: loads[1].range.start.character + 1 }, end: { line: 1, character: loads[1].range.end.character + 1 } } };
    const got = await actions(c, uri, [second]);
    const fix = got.find((a) => a.title.startsWith('pysec: use yaml.safe_load'));
    expect(fix, got.map((a) => a.title).join('\n')).toBeDefined();
    expect(applyAction(text, uri, fix!, 'utf-16', 3)).toBe('import yaml\nlabel = "é"; a = yaml.load(s); b = yaml.safe_load(t)\n');
  });

  it('without data (a client may drop it), is matched by its range as before', async () => {
    const c = main;
    const text = 'import yaml\na = yaml.load(s); b = yaml.load(t)\n';
    const { uri, diagnostics } = await opened(c, text);
    const loads = byCode(diagnostics, 'B506').sort((x, y) => x.range.start.character - y.range.start.character);
    const bare = { ...loads[1], data: undefined };
    const got = await actions(c, uri, [bare]);
    const fix = got.find((a) => a.title.startsWith('pysec: use yaml.safe_load'))!;
    expect(applyAction(text, uri, fix, 'utf-16', 3)).toBe('import yaml\na = yaml.load(s); b = yaml.safe_load(t)\n');
  });
});

describe('hygiene diagnostics', () => {
  it('are published beside the findings, recomputed on each change, and their fixes apply', async () => {
    const c = main;
    const uri = docUri('hygiene.py');
    const text = 'x = 1  # nosec B307  # was eval\neval(y)  # nosec\n';
    await c.open(uri, text, 1);
    const p1 = await c.waitForDiagnostics(uri, { version: 1 });
    expect(p1.diagnostics.map((d) => [d.code, d.range.start.line]).sort()).toEqual([
      ['PSN001', 1],
      ['PSN005', 1],
      ['PSN006', 0],
    ]);
    const unused = p1.diagnostics.find((d) => d.code === 'PSN006')!;
    expect(unused).toMatchObject({ source: 'pysec', severity: 3, tags: [1], data: { rule: 'PSN006', hygiene: true, version: 1, line: 0 } });
    expect(p1.diagnostics.find((d) => d.code === 'PSN001')).toMatchObject({ severity: 2 });

    // The fix of the unused one removes the comment.
    const [remove] = await actions(c, uri, [unused]);
    expect(remove.title).toBe('pysec: remove the unused suppression');
    const after = applyAction(text, uri, remove, 'utf-16', 1);
    expect(after).toBe('x = 1\neval(y)  # nosec\n');
    await c.change(uri, 2, asChanges(remove));
    const p2 = await c.waitForDiagnostics(uri, { version: 2 });
    expect(p2.diagnostics.map((d) => d.code).sort()).toEqual(['PSN001', 'PSN005']);

    // The bare one's fix names the id; then only the placeholder is left to replace.
    const bare = p2.diagnostics.find((d) => d.code === 'PSN001')!;
    const [name] = await actions(c, uri, [bare]);
    expect(name.title).toBe('pysec: name the ids: # nosec B307');
    await c.change(uri, 3, asChanges(name));
    const p3 = await c.waitForDiagnostics(uri, { version: 3 });
    expect(p3.diagnostics.map((d) => d.code)).toEqual(['PSN005']);
    const justify = await actions(c, uri, p3.diagnostics);
    expect(justify.map((a) => a.title)).toEqual(['pysec: justify: false positive: input is not user-controlled', 'pysec: justify: accepted risk: reviewed']);
    await c.change(uri, 4, asChanges(justify[1]));
    const p4 = await c.waitForDiagnostics(uri, { version: 4 });
    expect(p4.diagnostics).toEqual([]);
  });

  it('are part of pulled diagnostics too', async () => {
    const c = await start({ capabilities: { ...ACTIONS, textDocument: { ...ACTIONS.textDocument, diagnostic: { dynamicRegistration: false } } } });
    const uri = docUri('hygiene-pull.py');
    await c.open(uri, 'eval(x)  # nosec B307,B101\n', 1);
    const report = (await c.pull(uri)) as FullDocumentDiagnosticReport;
    expect(report.items.map((d) => d.code).sort()).toEqual(['B307', 'PSN003', 'PSN005', 'PSN006']);
  });
});
