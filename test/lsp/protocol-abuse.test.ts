/**
 * Protocol abuse: bytes and messages no well-behaved client sends. Broken
 * framing and malformed JSON-RPC written raw to the server's stdin;
 * requests for documents never opened; changes with ranges out of range,
 * reversed or malformed; wrong versions; a change before the open; a 1 MB
 * line; lone surrogates. After each, the server answers a fresh request,
 * and a document opened before all of it keeps its state: its findings and
 * hover are still right, and an edit to it still gives what a fresh open of
 * the same text gives. (test/lsp/bad-input.test.ts has broken Python, huge
 * files, NUL bytes, unknown methods.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJson } from '../support/cli.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ErrorCodes, ResponseError, StreamMessageReader } from 'vscode-languageserver-protocol/node.js';
import { spawn } from 'node:child_process';
import type { Hover, MarkupContent, PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { diagnosticKey, docUri, LspClient, SERVER_JS } from './client.js';

let client: LspClient;

/** The document whose state must survive everything below. */
const KEEP = docUri('abuse-keep.py');
let keepText = 'import os\n\ndef f(x):\n    return eval(x)\n';
let keepVersion = 1;

beforeAll(async () => {
  client = await LspClient.start();
  await client.open(KEEP, keepText, keepVersion);
  await client.waitForDiagnostics(KEEP, { version: keepVersion });
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

const b307 = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'B307').map((d) => [d.range.start.line, d.range.start.character]);

/** Expected B307 positions in `text` (utf-16 columns): every `eval(` call. */
function evalCalls(text: string): number[][] {
  const out: number[][] = [];
  text.split('\n').forEach((line, i) => {
    for (let c = line.indexOf('eval('); c >= 0; c = line.indexOf('eval(', c + 1)) out.push([i, c]);
  });
  return out;
}

let freshCount = 0;
/** The diagnostics a fresh open of `text` gets (keys, sorted). */
async function freshKeys(c: LspClient, text: string): Promise<string[]> {
  const uri = docUri(`abuse-fresh-${++freshCount}.py`);
  await c.open(uri, text, 1);
  const p = await c.waitForDiagnostics(uri, { version: 1 });
  await c.close(uri);
  return p.diagnostics.map(diagnosticKey).sort();
}

/**
 * The server answers a request, and KEEP is intact: the status lists it at
 * its version, hover on its eval still explains B307, and an edit to it
 * publishes what a fresh open of the edited text publishes.
 */
async function intact(c: LspClient = client): Promise<void> {
  expect(c.alive).toBe(true);
  const status = await c.request<{ documents: { uri: string; version: number }[] }>('pysec/status');
  expect(status.documents.find((d) => d.uri === KEEP)?.version).toBe(keepVersion);
  const [line, character] = evalCalls(keepText).at(-1)!;
  const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: KEEP }, position: { line, character } });
  expect((hover?.contents as MarkupContent | string | undefined)?.toString() ?? '').not.toBe('');
  expect(JSON.stringify(hover)).toContain('B307');
  // One more line on top: every finding moves down one line.
  keepText = `# ${keepVersion}\n${keepText}`;
  await c.change(KEEP, ++keepVersion, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# ${keepVersion - 1}\n` }]);
  const p = await c.waitForDiagnostics(KEEP, { version: keepVersion });
  expect(b307(p)).toEqual(evalCalls(keepText));
  expect(p.diagnostics.map(diagnosticKey).sort()).toEqual(await freshKeys(c, keepText));
}

const frame = (body: string | Buffer) => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`, 'ascii'), b]);
};

/** Writes bytes to the server's stdin as they are (the client's own writer is idle meanwhile). */
function writeRaw(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.proc.stdin.write(bytes, (e) => (e ? reject(e) : resolve())));
}

const STATUS = '{"jsonrpc":"2.0","id":"raw-status","method":"pysec/status"}';

/** What the server answered: each error response as its id and code (a batch's answer as an array of them). */
type Answer = { id: unknown; code: unknown } | Answer[];
const answerShape = (r: unknown): Answer => {
  if (Array.isArray(r)) return r.map(answerShape) as Answer[];
  const m = r as { id?: unknown; error?: { code?: unknown } };
  return { id: m.id, code: m.error?.code };
};

/**
 * Writes `bytes`, then asks for the status: the server answers whatever the
 * bytes get before that request (it answers a bad message as it reads it),
 * so the responses written in between are exactly the bytes' answers.
 */
async function answersTo(bytes: Buffer): Promise<Answer[]> {
  const from = client.responses.length;
  await writeRaw(bytes);
  await client.request('pysec/status');
  const got = client.responses.slice(from);
  expect(got.at(-1)).toMatchObject({ result: { documents: expect.any(Array) } });
  return got.slice(0, -1).map(answerShape);
}

const PARSE = ErrorCodes.ParseError;
const INVALID = ErrorCodes.InvalidRequest;

describe('malformed JSON-RPC, written raw', () => {
  // JSON-RPC 2.0: a body that is not JSON gets a Parse error with id null; an object that is no
  // valid request an Invalid Request, with its id when it can be read. A broken frame is no
  // message at all: dropped, said on stderr, never answered. A response is never answered.
  const cases: [string, Buffer, Answer[]][] = [
    ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 5, "method": '), [{ id: null, code: PARSE }]],
    ['a body that is not UTF-8', frame(Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0x7d])), [{ id: null, code: PARSE }]],
    ['an empty body (Content-Length: 0)', Buffer.from('Content-Length: 0\r\n\r\n'), [{ id: null, code: PARSE }]],
    ['a Content-Length longer than the body', Buffer.from(`Content-Length: 500\r\n\r\n${STATUS}`), []],
    // The first 10 bytes are read as the body (not JSON); the rest is no header and is dropped.
    ['a Content-Length shorter than the body', Buffer.from(`Content-Length: 10\r\n\r\n${STATUS}`), [{ id: null, code: PARSE }]],
    ['a Content-Length that is not a number', Buffer.from(`Content-Length: ten\r\n\r\n${STATUS}`), []],
    ['a header without Content-Length', Buffer.from(`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${STATUS}`), []],
    ['no header at all', Buffer.from(STATUS), []],
    ['a header line without a colon', Buffer.from('this is no header\r\n\r\n'), []],
    ['JSON that is a number', frame('42'), [{ id: null, code: INVALID }]],
    ['JSON that is null', frame('null'), [{ id: null, code: INVALID }]],
    ['JSON that is a string', frame('"initialize"'), [{ id: null, code: INVALID }]],
    ['an empty batch', frame('[]'), [{ id: null, code: INVALID }]],
    // LSP has no batches: each request in one is refused under its own id, in an array (JSON-RPC answers a batch so).
    ['a batch array', frame(`[${STATUS}, ${STATUS}]`), [[{ id: 'raw-status', code: INVALID }, { id: 'raw-status', code: INVALID }]]],
    ['an id that is an object', frame('{"jsonrpc":"2.0","id":{"a":1},"method":"pysec/status"}'), [{ id: null, code: INVALID }]],
    ['an id that is a boolean', frame('{"jsonrpc":"2.0","id":true,"method":"pysec/status"}'), [{ id: null, code: INVALID }]],
    ['an id that is an array', frame('{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover","params":{}}'), [{ id: null, code: INVALID }]],
    ['an id that is null', frame('{"jsonrpc":"2.0","id":null,"method":"pysec/status"}'), [{ id: null, code: INVALID }]],
    ['a method that is a number', frame('{"jsonrpc":"2.0","id":77,"method":5}'), [{ id: 77, code: INVALID }]],
    ['a method that is a number, in a notification', frame('{"jsonrpc":"2.0","method":1,"params":"bar"}'), [{ id: null, code: INVALID }]],
    ['an id without a method', frame('{"jsonrpc":"2.0","id":5}'), [{ id: 5, code: INVALID }]],
    ['a string id without a method', frame('{"jsonrpc":"2.0","id":"raw-78"}'), [{ id: 'raw-78', code: INVALID }]],
    ['no "jsonrpc": "2.0"', frame('{"id":"raw-v1","method":"pysec/status"}'), [{ id: 'raw-v1', code: INVALID }]],
    ['params that are a string', frame('{"jsonrpc":"2.0","id":79,"method":"textDocument/hover","params":"x"}'), [{ id: 79, code: INVALID }]],
    ['a response to a request never made', frame('{"jsonrpc":"2.0","id":999999,"result":{}}'), []],
    ['a response whose id is an object', frame('{"jsonrpc":"2.0","id":{},"error":{"code":1,"message":"x"}}'), []],
    ['a didChange whose params are an array', frame('{"jsonrpc":"2.0","method":"textDocument/didChange","params":[1,2]}'), []],
    ['a $/cancelRequest without params', frame('{"jsonrpc":"2.0","method":"$/cancelRequest"}'), []],
    ['a $/cancelRequest for an id never sent', frame('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":424242}}'), []],
    ['an unknown $/ notification', frame('{"jsonrpc":"2.0","method":"$/pysec/unknown","params":{}}'), []],
    ['an unknown $/ request: MethodNotFound', frame('{"jsonrpc":"2.0","id":"raw-dollar","method":"$/pysec/unknown","params":{}}'), [{ id: 'raw-dollar', code: ErrorCodes.MethodNotFound }]],
    ['a $/cancelRequest sent as a request: MethodNotFound', frame('{"jsonrpc":"2.0","id":"raw-cancel","method":"$/cancelRequest","params":{"id":1}}'), [{ id: 'raw-cancel', code: ErrorCodes.MethodNotFound }]],
  ];

  for (const [name, bytes, expected] of cases) {
    it(`${name}: ${expected.length ? 'the error JSON-RPC says' : 'no answer'}, and the open document is intact`, async () => {
      expect(await answersTo(bytes)).toEqual(expected);
      await intact();
    });
  }

  it('two broken frames and a valid request in one write: the request is answered', async () => {
    const id = 'one-write';
    const valid = frame(`{"jsonrpc":"2.0","id":"${id}","method":"pysec/status"}`);
    const answered = new Promise<void>((resolve) => {
      const onData = (b: Buffer) => {
        if (b.toString('utf8').includes(`"id":"${id}"`)) {
          client.proc.stdout.off('data', onData);
          resolve();
        }
      };
      client.proc.stdout.on('data', onData);
    });
    await writeRaw(Buffer.concat([Buffer.from(`Content-Length: 900\r\n\r\n{"jsonrpc":`), Buffer.from('garbage\r\n\r\n'), valid]));
    await answered;
    await intact();
  });

  it('broken framing and refused messages are said on stderr, once per kind', () => {
    expect(client.stderr).toMatch(/dropped \d+ bytes of client input \(a header without Content-Length\)/);
    expect(client.stderr).toMatch(/a message shorter than its Content-Length/);
    expect(client.stderr.match(/a malformed header line/g)?.length).toBe(1);
    // Four bodies above are not JSON, four ids are unreadable: each kind said once.
    expect(client.stderr.match(/answered -32700 to a body that is not JSON/g)?.length).toBe(1);
    expect(client.stderr.match(/answered -32600 to a request id that is not a string or a number/g)?.length).toBe(1);
    expect(client.stderr).toMatch(/answered -32600 to a batch/);
    expect(client.stderr).toMatch(/ignored a \$\/cancelRequest without an id to cancel/);
    expect(client.stderr).not.toMatch(/pysec\/unknown/);
  });
});

describe('requests and notifications about documents never opened', () => {
  const nowhere = docUri('abuse-never-opened.py');

  it('codeAction: an empty list or an error, never a crash', async () => {
    const r = await client
      .request('textDocument/codeAction', { textDocument: { uri: nowhere }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: [] } })
      .then((x) => x, (e: unknown) => e);
    if (Array.isArray(r) || r === null) expect(r ?? []).toEqual([]);
    else expect(r).toBeInstanceOf(Error);
    await intact();
  });

  it('pysec.runBandit on a document never opened answers', async () => {
    const r = await client.request<{ ran: number }>('workspace/executeCommand', { command: 'pysec.runBandit', arguments: [nowhere] });
    expect(r).toEqual({ ran: 0, notRun: [{ uri: nowhere, why: 'the document is not open' }] });
    await intact();
  });

  it('didSave of a document never opened is ignored', async () => {
    await client.save(nowhere);
    await intact();
    expect(client.published(nowhere)).toEqual([]);
  });

  it('didChange before didOpen is ignored: the open text is what counts', async () => {
    const uri = docUri('abuse-change-first.py');
    await client.change(uri, 1, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'eval(a)\n' }]);
    await client.open(uri, 'x = 1\neval(b)\n', 2);
    const p = await client.waitForDiagnostics(uri, { version: 2 });
    expect(b307(p)).toEqual([[1, 0]]);
    await client.close(uri);
    await intact();
  });
});

describe('requests with params that make no sense, on an open document', () => {
  const pos = (line: unknown, character: unknown) => ({ line, character });
  const requests: [string, string, () => unknown][] = [
    ['hover without a position', 'textDocument/hover', () => ({ textDocument: { uri: KEEP } })],
    ['hover at a negative position', 'textDocument/hover', () => ({ textDocument: { uri: KEEP }, position: pos(-1, -1) })],
    ['hover far past the end', 'textDocument/hover', () => ({ textDocument: { uri: KEEP }, position: pos(1e9, 1e9) })],
    ['hover at a position of strings', 'textDocument/hover', () => ({ textDocument: { uri: KEEP }, position: pos('1', 'x') })],
    ['codeAction without a range', 'textDocument/codeAction', () => ({ textDocument: { uri: KEEP }, context: { diagnostics: [] } })],
    ['codeAction with a reversed range', 'textDocument/codeAction', () => ({ textDocument: { uri: KEEP }, range: { start: pos(3, 20), end: pos(0, 0) }, context: { diagnostics: [] } })],
    ['codeAction with diagnostics that are not ours or not diagnostics', 'textDocument/codeAction', () => ({ textDocument: { uri: KEEP }, range: { start: pos(0, 0), end: pos(9, 0) }, context: { diagnostics: [null, 42, { source: 'pysec', code: 'B307' }, { source: 'pysec', range: { start: pos(-5, 0), end: pos(1e9, 0) }, data: 'x' }] } })],
    ['executeCommand of another server\'s command', 'workspace/executeCommand', () => ({ command: 'pyright.organizeimports', arguments: [KEEP] })],
    ['pysec.runBandit with an argument that is a number', 'workspace/executeCommand', () => ({ command: 'pysec.runBandit', arguments: [42] })],
    ['pysec.scanWorkspace with no workspace folder', 'workspace/executeCommand', () => ({ command: 'pysec.scanWorkspace', arguments: ['x', { y: 1 }] })],
    ['a pull for diagnostics the server did not offer', 'textDocument/diagnostic', () => ({ textDocument: { uri: KEEP } })],
  ];
  for (const [name, method, params] of requests) {
    it(`${name}: an answer (a result or an error), and the document is intact`, async () => {
      const answer = await client.request(method, params()).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      if (!answer.ok) expect(answer.e).toBeInstanceOf(ResponseError);
      await intact();
    });
  }
});

describe('changes the text cannot take', () => {
  /** Sends `changes` to a fresh document, then checks it against TextDocument's reading (the LSP reference: clamped, reversed ranges swapped) and a fresh open. */
  async function applyAndCompare(name: string, text: string, changes: TextDocumentContentChangeEvent[], version = 2): Promise<string> {
    const uri = docUri(`abuse-${name}.py`);
    await client.open(uri, text, 1);
    await client.waitForDiagnostics(uri, { version: 1 });
    await client.change(uri, version, changes);
    const p = await client.waitForDiagnostics(uri, { version });
    const expected = TextDocument.update(TextDocument.create(uri, 'python', 1, text), changes, version).getText();
    expect(b307(p)).toEqual(evalCalls(expected));
    expect(p.diagnostics.map(diagnosticKey).sort()).toEqual(await freshKeys(client, expected));
    await client.close(uri);
    await intact();
    return expected;
  }

  it('a range past the end of the document is clamped to it', async () => {
    const out = await applyAndCompare('past-end', 'x = 1\n', [{ range: { start: { line: 1000, character: 5 }, end: { line: 2000, character: 0 } }, text: 'eval(z)\n' }]);
    expect(out).toBe('x = 1\neval(z)\n');
  });

  it('a character past the end of its line is clamped to the line', async () => {
    const out = await applyAndCompare('past-eol', 'x = 1\ny = 2\n', [{ range: { start: { line: 0, character: 999 }, end: { line: 0, character: 999 } }, text: '; eval(x)' }]);
    expect(out).toBe('x = 1; eval(x)\ny = 2\n');
  });

  it('a reversed range (end before start) is read as the same range forwards', async () => {
    const out = await applyAndCompare('reversed', 'a = 1\nb = 2\nc = 3\n', [{ range: { start: { line: 2, character: 0 }, end: { line: 0, character: 0 } }, text: 'eval(q)\n' }]);
    expect(out).toBe('eval(q)\nc = 3\n');
  });

  it('several changes in one notification, one of them out of range', async () => {
    await applyAndCompare('mixed', 'eval(a)\n', [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x = 1\n' },
      { range: { start: { line: 50, character: 0 }, end: { line: 50, character: 3 } }, text: 'eval(b)\n' },
      { range: { start: { line: 1, character: 0 }, end: { line: 0, character: 2 } }, text: '' },
    ]);
  });

  it('a version lower than the last one: the change applies, the diagnostics carry the version sent', async () => {
    await applyAndCompare('lower-version', 'x = 1\n', [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'eval(v)\n' }], 0);
  });

  it('a version that does not change (the same number again)', async () => {
    const uri = docUri('abuse-same-version.py');
    await client.open(uri, 'x = 1\n', 3);
    await client.change(uri, 3, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'eval(s)\n' }]);
    const p = await client.waitForDiagnostics(uri, (d) => d.version === 3 && d.diagnostics.length > 0);
    expect(b307(p)).toEqual([[1, 0]]);
    await client.close(uri);
    await intact();
  });

  it('a version that is null: the change still applies', async () => {
    const uri = docUri('abuse-null-version.py');
    await client.open(uri, 'x = 1\n', 1);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: null }, contentChanges: [{ text: 'eval(n)\n' }] });
    const p = await client.waitForDiagnostics(uri, (d) => d.diagnostics.length > 0);
    expect(b307(p)).toEqual([[0, 0]]);
    await client.close(uri);
    await intact();
  });

  it('a change whose range is null is the whole text (as the server has always read it)', async () => {
    const uri = docUri('abuse-null-range.py');
    await client.open(uri, 'x = 1\n', 1);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: null, text: 'y = 2\neval(r)\n' }] });
    const p = await client.waitForDiagnostics(uri, { version: 2 });
    expect(b307(p)).toEqual([[1, 0]]);
    expect(p.diagnostics.map(diagnosticKey).sort()).toEqual(await freshKeys(client, 'y = 2\neval(r)\n'));
    await client.close(uri);
    await intact();
  });

  const malformed: [string, unknown[]][] = [
    ['a range without an end', [{ range: { start: { line: 0, character: 0 } }, text: 'eval(m)\n' }]],
    ['a position whose character is a string', [{ range: { start: { line: 0, character: 'zero' }, end: { line: 0, character: 0 } }, text: 'eval(m)\n' }]],
    ['a fractional position', [{ range: { start: { line: 0, character: 1.5 }, end: { line: 0, character: 2.5 } }, text: 'eval(m)\n' }]],
    ['a negative position', [{ range: { start: { line: -1, character: -4 }, end: { line: 0, character: 0 } }, text: 'eval(m)\n' }]],
    ['a text that is a number', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 42 }]],
    ['a change that is null', [null]],
    ['a valid change followed by a malformed one', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'eval(first)\n' }, { range: { start: { line: 0 }, end: null }, text: 'x' }]],
  ];
  for (const [name, changes] of malformed) {
    it(`${name}: the whole notification is refused, the document keeps its text and state`, async () => {
      const uri = docUri(`abuse-malformed-${name.replace(/\W+/g, '-')}.py`);
      const text = 'import os\neval(k)\n';
      await client.open(uri, text, 1);
      await client.waitForDiagnostics(uri, { version: 1 });
      await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: changes });
      // The next good change applies to the text as it was before the malformed one.
      await client.change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# ok\n' }]);
      const p = await client.waitForDiagnostics(uri, { version: 3 });
      const expected = `# ok\n${text}`;
      expect(b307(p)).toEqual(evalCalls(expected));
      expect(p.diagnostics.map(diagnosticKey).sort()).toEqual(await freshKeys(client, expected));
      await client.close(uri);
      await intact();
    });
  }

  const badParams: [string, string, unknown][] = [
    ['didChange without textDocument', 'textDocument/didChange', { contentChanges: [{ text: 'eval(x)\n' }] }],
    ['didChange whose uri is a number', 'textDocument/didChange', { textDocument: { uri: 7, version: 2 }, contentChanges: [{ text: 'eval(x)\n' }] }],
    ['didChange whose contentChanges is not an array', 'textDocument/didChange', { textDocument: { uri: KEEP, version: 99 }, contentChanges: { text: 'eval(x)\n' } }],
    ['didOpen whose text is not a string', 'textDocument/didOpen', { textDocument: { uri: docUri('abuse-open-number.py'), languageId: 'python', version: 1, text: 12 } }],
    ['didOpen without params', 'textDocument/didOpen', undefined],
    ['didClose whose params are a string', 'textDocument/didClose', 'abuse.py'],
    ['didSave without textDocument', 'textDocument/didSave', {}],
    ['didChangeWatchedFiles without changes', 'workspace/didChangeWatchedFiles', {}],
  ];
  for (const [name, method, params] of badParams) {
    it(`${name}: ignored, said on the log`, async () => {
      await client.notify(method, params);
      await intact();
    });
  }

  it('malformed notifications are said on the log as such, never with a stack trace', () => {
    const said = client.logMessages.filter((m) => /^pysec: did/.test(m.message));
    expect(said.map((m) => m.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pysec: didChange: change 2 of 2 has a range whose positions are not non-negative integers; the whole notification was ignored/),
        expect.stringMatching(/^pysec: didChange: change 1 of 1 has no text string/),
        expect.stringMatching(/^pysec: didChange: textDocument.uri is not a string; the notification was ignored/),
        expect.stringMatching(/^pysec: didOpen: textDocument.text is not a string/),
        expect.stringMatching(/^pysec: didChangeWatchedFiles: changes is not an array/),
      ]),
    );
    expect(said.filter((m) => /\n\s+at /.test(m.message))).toEqual([]);
    // Once per kind: the same fault twice is said once.
    expect(new Set(said.map((m) => m.message)).size).toBe(said.length);
  });
});

describe('text no editor should send', () => {
  it('a single 1 MB line: its finding at the line end, hover there, an edit in its middle', async () => {
    const uri = docUri('abuse-long-line.py');
    const long = `x = "${'a'.repeat(1024 * 1024)}"; eval(x)`;
    const col = long.indexOf('eval(');
    await client.open(uri, `import os\n${long}\n`, 1);
    const p = await client.waitForDiagnostics(uri, { version: 1, timeoutMs: 120_000 });
    expect(b307(p)).toEqual([[1, col]]);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: col + 1 } });
    expect(JSON.stringify(hover)).toContain('B307');
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 500_000 }, end: { line: 1, character: 500_000 } }, text: 'bbb' }]);
    const p2 = await client.waitForDiagnostics(uri, { version: 2, timeoutMs: 120_000 });
    expect(b307(p2)).toEqual([[1, col + 3]]);
    await client.close(uri);
    await intact();
  }, 240_000);

  for (const enc of ['utf-16', 'utf-8', 'utf-32'] as const) {
    it(`lone surrogates (${enc}): findings on the right lines, edits after them apply`, async () => {
      const c = enc === 'utf-16' ? client : await LspClient.start({ positionEncodings: [enc] });
      try {
        const uri = docUri(`abuse-surrogates-${enc}.py`);
        const text = 's = "\uD800"; eval(a)\nt = "\uDC00\uDC00"\nu = "x\uDBFF"  # \uD83D\neval(b)\n';
        await c.open(uri, text, 1);
        const p = await c.waitForDiagnostics(uri, { version: 1 });
        expect(b307(p).map(([l]) => l)).toEqual([0, 3]);
        if (enc === 'utf-16') expect(b307(p)).toEqual([[0, 9], [3, 0]]);
        // utf-8 counts a lone surrogate as the 3 bytes of the U+FFFD a client would show; utf-32 as one.
        if (enc === 'utf-8') expect(b307(p)[0]).toEqual([0, 11]);
        if (enc === 'utf-32') expect(b307(p)[0]).toEqual([0, 9]);
        // An edit after the surrogate on line 2, in the client's columns.
        const at = enc === 'utf-8' ? 10 : 8;
        await c.change(uri, 2, [{ range: { start: { line: 2, character: at }, end: { line: 2, character: at } }, text: '; eval(c)' }]);
        const p2 = await c.waitForDiagnostics(uri, { version: 2 });
        expect(b307(p2).map(([l]) => l)).toEqual([0, 2, 3]);
        expect(c.alive).toBe(true);
        await c.close(uri);
      } finally {
        if (c !== client) expect(await c.shutdown()).toBe(0);
      }
      await intact();
    });
  }
});

describe('check on files that are not UTF-8', () => {
  it('latin-1 without a cookie, UTF-16 with a BOM, an unknown coding cookie, a truncated UTF-8 sequence: one error each, the good file checked, no crash', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pysec-abuse-enc-'));
    try {
      writeFileSync(join(root, 'latin1.py'), Buffer.concat([Buffer.from('s = "caf'), Buffer.from([0xe9]), Buffer.from('"\neval(s)\n')]));
      writeFileSync(join(root, 'utf16.py'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('eval(s)\n', 'utf16le')]));
      writeFileSync(join(root, 'klingon.py'), '# -*- coding: klingon -*-\neval(s)\n');
      writeFileSync(join(root, 'truncated.py'), Buffer.concat([Buffer.from('eval(s)\n# '), Buffer.from([0xe2, 0x82])]));
      writeFileSync(join(root, 'good.py'), 'eval(g)\n');
      const { result, report } = await checkJson([root]);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(1);
      expect(report.findings.map((f) => [f.path.slice(root.length + 1), f.rule])).toEqual([['good.py', 'B307']]);
      const errors = Object.fromEntries(report.errors.map((e) => [e.path.slice(root.length + 1), e.message]));
      expect(Object.keys(errors).sort()).toEqual(['klingon.py', 'latin1.py', 'truncated.py', 'utf16.py']);
      expect(errors['klingon.py']).toBe('unknown source encoding "klingon"');
      for (const f of ['latin1.py', 'utf16.py', 'truncated.py']) expect(errors[f]).toMatch(/^not valid utf-8 text/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('lifecycle out of order', () => {
  it('a second initialize gets an error (InvalidRequest) and every open document stays', async () => {
    const err = await client
      .request('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { bandit: { enabled: false } } })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError<unknown>).code).toBe(ErrorCodes.InvalidRequest);
    await intact();
  });

  it('a second initialized is ignored (it would register the file watchers again)', async () => {
    const c = await LspClient.start({ capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    try {
      await c.request('pysec/status');
      const registrations = () => c.serverRequests.filter((r) => r.method === 'client/registerCapability').length;
      expect(registrations()).toBe(1);
      await c.notify('initialized', {});
      await c.request('pysec/status');
      expect(registrations()).toBe(1);
      expect(c.stderr).toMatch(/ignored a second initialized notification/);
    } finally {
      expect(await c.shutdown()).toBe(0);
    }
  });

  it('after shutdown: every request (a second shutdown too) is InvalidRequest under its id, notifications are dropped, exit then exits 0', async () => {
    const c = await LspClient.start();
    const uri = docUri('abuse-after-shutdown.py');
    await c.open(uri, 'import os\neval(x)\n', 4);
    const before = await c.waitForDiagnostics(uri, { version: 4 });
    expect(b307(before)).toEqual([[1, 0]]);
    const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
    expect(await c.request('shutdown')).toBeNull();
    const refused = async (method: string, params?: unknown) => {
      const from = c.responses.length;
      const e = await c.request(method, params).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(ResponseError);
      expect((e as ResponseError<unknown>).code).toBe(ErrorCodes.InvalidRequest);
      // Under the request's own id (the client matched it), and nothing else was answered meanwhile.
      expect(c.responses.slice(from).length).toBe(1);
    };
    await refused('shutdown');
    await refused('pysec/status');
    await refused('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 0 } });
    await refused('initialize', { processId: null, rootUri: null, capabilities: {} });
    await c.change(uri, 5, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'eval(y)\n' }]);
    await refused('pysec/status');
    expect(c.stderr).toMatch(/ignored a notification after shutdown/);
    expect(c.stderr.match(/answered -32600 to a request after shutdown/g)?.length).toBe(1);
    await c.notify('exit');
    expect(await exited).toBe(0);
    // The change after shutdown was never applied: nothing published for version 5.
    expect(c.published(uri).map((p) => p.version)).toEqual([4]);
  });

  it('exit without shutdown exits with code 1', async () => {
    const c = await LspClient.start();
    const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
    await c.notify('exit');
    expect(await exited).toBe(1);
  });
});

/**
 * A server spawned bare (LspClient initializes at once), written raw
 * frames and read with vscode-jsonrpc's own reader: every message it
 * writes is kept, in order.
 */
class BareServer {
  readonly proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
  readonly messages: Record<string, unknown>[] = [];
  readonly exited: Promise<number | null>;
  private stderrText = '';
  private wake = new Set<() => void>();

  constructor() {
    this.proc.stdin.on('error', () => {});
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (t: string) => (this.stderrText += t));
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code) => {
        resolve(code);
        for (const w of this.wake) w();
      }),
    );
    new StreamMessageReader(this.proc.stdout).listen((m) => {
      this.messages.push(m as unknown as Record<string, unknown>);
      for (const w of this.wake) w();
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Writes the messages in one write. */
  send(...msgs: object[]): void {
    this.proc.stdin.write(Buffer.concat(msgs.map((m) => frame(JSON.stringify({ jsonrpc: '2.0', ...m })))));
  }

  /** The first message `match` accepts, received already or still to come (the test's timeout guards a hang). */
  until(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const m = this.messages.find(match);
        if (m) {
          this.wake.delete(look);
          resolve(m);
        } else if (this.proc.exitCode !== null) {
          this.wake.delete(look);
          reject(new Error(`the server exited (${this.proc.exitCode}); stderr:\n${this.stderr}`));
        }
      };
      this.wake.add(look);
      look();
    });
  }

  response(id: number | string) {
    return this.until((m) => m.id === id && ('result' in m || 'error' in m));
  }

  diagnostics(uri: string, version: number) {
    return this.until((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as PublishDiagnosticsParams).uri === uri && (m.params as PublishDiagnosticsParams).version === version).then((m) => m.params as PublishDiagnosticsParams);
  }
}

const INIT = { method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { bandit: { enabled: false } } } };
const openParams = (uri: string, version: number, text: string) => ({ textDocument: { uri, languageId: 'python', version, text } });
const hoverAt = (uri: string, line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

describe('lifecycle from a bare start', () => {
  it('before initialize: requests get ServerNotInitialized under their id, notifications are dropped; then initialize works and a document opened after it has its version, hover and diagnostics', async () => {
    const s = new BareServer();
    try {
      const early = 'file:///early.py';
      const late = 'file:///late.py';
      s.send(
        { id: 1, method: 'textDocument/hover', params: hoverAt(early, 0, 0) },
        { method: 'textDocument/didOpen', params: openParams(early, 1, 'eval(x)\n') },
        { method: 'initialized', params: {} },
        { id: 'two', method: 'shutdown' },
        { id: 3, method: '$/pysec/unknown', params: {} },
        { method: '$/cancelRequest', params: { id: 1 } },
      );
      for (const id of [1, 'two', 3]) expect(await s.response(id)).toMatchObject({ id, error: { code: ErrorCodes.ServerNotInitialized } });
      s.send({ id: 4, ...INIT });
      expect((await s.response(4)).result).toMatchObject({ capabilities: { hoverProvider: true } });
      s.send({ method: 'initialized', params: {} }, { method: 'textDocument/didOpen', params: openParams(late, 7, 'import os\neval(x)\n') }, { id: 5, method: 'pysec/status' });
      // The document opened before initialize was dropped (as LSP says); the one after is there.
      expect((await s.response(5)).result).toMatchObject({ documents: [{ uri: late, version: 7 }] });
      expect(b307(await s.diagnostics(late, 7))).toEqual([[1, 0]]);
      s.send({ id: 6, method: 'textDocument/hover', params: hoverAt(late, 1, 1) });
      expect(JSON.stringify((await s.response(6)).result)).toContain('B307');
      expect(s.messages.some((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as PublishDiagnosticsParams).uri === early)).toBe(false);
      expect(s.stderr.match(/answered -32002 to a request before initialize/g)?.length).toBe(1);
      expect(s.stderr.match(/ignored a notification before initialize/g)?.length).toBe(1);
      s.send({ id: 7, method: 'shutdown' });
      expect(await s.response(7)).toMatchObject({ result: null });
      s.send({ method: 'exit' });
      expect(await s.exited).toBe(0);
    } finally {
      s.proc.kill('SIGKILL');
    }
  });

  it('initialize, initialized, didOpen and requests in one write: nothing from the server before the initialize result, then all of it processed in order', async () => {
    const s = new BareServer();
    try {
      const uri = 'file:///pipelined.py';
      s.send(
        { id: 1, ...INIT },
        { method: 'initialized', params: {} },
        { method: 'textDocument/didOpen', params: openParams(uri, 3, 'import os\neval(x)\n') },
        { id: 2, method: 'textDocument/hover', params: hoverAt(uri, 1, 1) },
        { id: 3, method: 'pysec/status' },
      );
      expect((await s.response(3)).result).toMatchObject({ documents: [{ uri, version: 3 }] });
      expect(JSON.stringify((await s.response(2)).result)).toContain('B307');
      expect(b307(await s.diagnostics(uri, 3))).toEqual([[1, 0]]);
      // LSP: before its InitializeResult the server sends only log, show and telemetry messages.
      const first = s.messages.find((m) => !['window/logMessage', 'window/showMessage', 'telemetry/event'].includes(m.method as string));
      expect(first).toMatchObject({ id: 1, result: { capabilities: { hoverProvider: true } } });
      s.send({ method: 'exit' });
      expect(await s.exited).toBe(1);
    } finally {
      s.proc.kill('SIGKILL');
    }
  });

  it('exit before initialize exits with code 1; a shutdown refused before initialize does not count', async () => {
    const s = new BareServer();
    try {
      s.send({ id: 1, method: 'shutdown' });
      expect(await s.response(1)).toMatchObject({ error: { code: ErrorCodes.ServerNotInitialized } });
      s.send({ method: 'exit' });
      expect(await s.exited).toBe(1);
    } finally {
      s.proc.kill('SIGKILL');
    }
  });
});

describe('the client going away', () => {
  it('stdin closed without shutdown: the server exits (code 1, as LSP says), never lingers', async () => {
    const c = await LspClient.start();
    const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
    c.proc.stdin.end();
    expect(await exited).toBe(1);
  });

  it('stdin closed after shutdown (without exit): the server exits with code 0', async () => {
    const c = await LspClient.start();
    const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
    expect(await c.request('shutdown')).toBeNull();
    c.proc.stdin.end();
    expect(await exited).toBe(0);
  });

  it('stdin closed in the middle of a message: the server exits too', async () => {
    const c = await LspClient.start();
    const exited = new Promise<number | null>((resolve) => c.proc.on('exit', (code) => resolve(code)));
    c.proc.stdin.end(Buffer.from('Content-Length: 100\r\n\r\n{"jsonrpc":'));
    expect(await exited).toBe(1);
  });
});

describe('after all of it', () => {
  it('no stack trace on stderr or in the log: every fault above was expected and said as such', () => {
    expect(client.stderr).not.toMatch(/\n\s+at /);
    expect(client.logMessages.filter((m) => /\n\s+at /.test(m.message))).toEqual([]);
  });
});
