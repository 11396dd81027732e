/**
 * The transport (server/src/transport/): the stdin framer passes every
 * message of a well-formed stream through unchanged however the bytes are
 * cut into chunks, and a broken frame costs only itself; the JSON-RPC
 * checks answer what is no valid message with the code and id JSON-RPC 2.0
 * says; the lifecycle gate keeps LSP's order (initialize first, nothing but
 * exit after shutdown).
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type Message, type ResponseMessage } from 'vscode-languageserver/node.js';
import { parseHeader, ResyncingFramer } from '../../server/src/transport/framing.js';
import { checkMessage, lenientJsonDecoder, Unparsable, type Valid } from '../../server/src/transport/jsonrpc.js';
import { Lifecycle } from '../../server/src/transport/lifecycle.js';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Feeds `input` in chunks of `size` bytes; resolves with the frames passed on and the drops reported. */
async function run(input: Buffer, size: number): Promise<{ frames: string[]; drops: string[] }> {
  const drops: string[] = [];
  const framer = new ResyncingFramer((reason) => drops.push(reason));
  const out: Buffer[] = [];
  framer.on('data', (b: Buffer) => out.push(Buffer.from(b)));
  for (let i = 0; i < input.length; i += size) framer.write(input.subarray(i, i + size));
  framer.end();
  await new Promise((r) => framer.on('end', r));
  // Split what came out back into frames, the plain way (it is well formed by now).
  const all = Buffer.concat(out).toString('utf8');
  const frames: string[] = [];
  let rest = Buffer.from(all, 'utf8');
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    const len = Number(/Content-Length: (\d+)/i.exec(rest.subarray(0, end).toString())![1]);
    frames.push(rest.subarray(end + 4, end + 4 + len).toString('utf8'));
    rest = rest.subarray(end + 4 + len);
  }
  return { frames, drops };
}

const BODIES = [
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}',
  '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"é 😀 \\r\\n Content-Length: 5"}}',
  '{"jsonrpc":"2.0","id":2,"method":"shutdown"}',
];

describe('the stdin framer', () => {
  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    it(`passes a well-formed stream through unchanged in chunks of ${size} bytes`, async () => {
      const input = Buffer.from(BODIES.map(frame).join('') + `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame(BODIES[2])}`, 'utf8');
      const { frames, drops } = await run(input, size);
      expect(frames).toEqual([...BODIES, BODIES[2]]);
      expect(drops).toEqual([]);
    });
  }

  it('passes a 5 MB message through in 64 kB chunks', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { text: 'a'.repeat(5 * 1024 * 1024) } });
    const { frames, drops } = await run(Buffer.from(frame(body) + frame(BODIES[2])), 65536);
    expect(frames.map((f) => f.length)).toEqual([body.length, BODIES[2].length]);
    expect(drops).toEqual([]);
  });

  const REASONS = ['a message shorter than its Content-Length', 'a malformed header line', 'a header without Content-Length', 'a Content-Length that is not a number', 'bytes before a header', 'bytes without a header'];
  // What is said first depends on where the chunks are cut (bytes before a header
  // seen before or after the header's end arrives); whole, it is the first reason.
  const broken: [string, string, string][] = [
    ['a Content-Length too long', `Content-Length: 500\r\n\r\n${BODIES[0]}`, 'a message shorter than its Content-Length'],
    // The first 10 bytes pass as a body (jsonrpc.ts answers it a Parse error); the rest is no header.
    ['a Content-Length too short', `Content-Length: 10\r\n\r\n${BODIES[0]}`, 'a malformed header line'],
    ['no Content-Length', `Content-Type: x\r\n\r\n${BODIES[0]}`, 'a header without Content-Length'],
    ['a Content-Length that is no number', `Content-Length: -1\r\n\r\n${BODIES[0]}`, 'a Content-Length that is not a number'],
    ['no header', BODIES[0], 'a malformed header line'],
    ['bytes before a header', `garbage${frame(BODIES[0])}`, 'a header without Content-Length'],
  ];
  for (const [name, bad, reason] of broken) {
    for (const size of [1, 5, 100_000]) {
      it(`${name} (chunks of ${size}): dropped and said, the next message passes`, async () => {
        const { frames, drops } = await run(Buffer.from(bad + frame(BODIES[2])), size);
        expect(frames.at(-1)).toBe(BODIES[2]);
        expect(drops.length).toBeGreaterThanOrEqual(1);
        for (const d of drops) expect(REASONS).toContain(d);
        if (size === 100_000) expect(drops[0]).toBe(reason);
      });
    }
  }

  for (const [name, body] of [
    ['cut short', '{"jsonrpc":"2.0","id":1,"method":'],
    ['a number', '42'],
    ['empty', ''],
    ['only whitespace', ' \r\n '],
  ]) {
    it(`a body that is ${name}: passed on as it is (the JSON-RPC checks answer it), the next message passes`, async () => {
      const { frames, drops } = await run(Buffer.from(frame(body) + frame(BODIES[2])), 3);
      expect(frames).toEqual([body, BODIES[2]]);
      expect(drops).toEqual([]);
    });
  }

  it('a batch (an array) and an object with whitespace around it pass', async () => {
    const bodies = [`[${BODIES[2]}]`, ` \r\n${BODIES[2]}\n`];
    const { frames, drops } = await run(Buffer.from(bodies.map(frame).join('')), 4);
    expect(frames).toEqual(bodies);
    expect(drops).toEqual([]);
  });

  it('parseHeader reads the length and says what is wrong', () => {
    expect(parseHeader('Content-Length: 12')).toBe(12);
    expect(parseHeader('content-length:12\r\nContent-Type: a')).toBe(12);
    expect(parseHeader('Content-Type: a')).toBe('a header without Content-Length');
    expect(parseHeader('Content-Length: 1e3')).toBe('a Content-Length that is not a number');
    expect(parseHeader('{"a": 1}')).toBe('a malformed header line');
  });
});

/** The code and id of each answer (an array for a batch's answer), or null when nothing is answered. */
const answerOf = (value: unknown) => {
  const c = checkMessage(value);
  if (c.ok) return 'dispatched';
  if (!c.answer) return null;
  const pick = (r: ResponseMessage) => ({ id: r.id, code: r.error?.code });
  return Array.isArray(c.answer) ? c.answer.map(pick) : pick(c.answer);
};

describe('the JSON-RPC checks', () => {
  const PARSE = ErrorCodes.ParseError;
  const INVALID = ErrorCodes.InvalidRequest;

  it('the decoder keeps a body that does not parse as an Unparsable, and parses one that does', async () => {
    const opts = { charset: 'utf-8' as const };
    for (const bad of ['{"jsonrpc": "2.0", "id": 5, "method": ', '', ' ', '\ufeff{}', 'nul']) {
      expect(await lenientJsonDecoder.decode(Buffer.from(bad), opts)).toBeInstanceOf(Unparsable);
    }
    expect(await lenientJsonDecoder.decode(Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0x7d]), opts)).toBeInstanceOf(Unparsable);
    expect(await lenientJsonDecoder.decode(Buffer.from('{"jsonrpc":"2.0","method":"x","params":{"t":"é😀"}}'), opts)).toEqual({ jsonrpc: '2.0', method: 'x', params: { t: 'é😀' } });
  });

  const cases: [string, unknown, ReturnType<typeof answerOf>][] = [
    ['a body that is not JSON', new Unparsable('Unexpected end of JSON input'), { id: null, code: PARSE }],
    ['a number', 42, { id: null, code: INVALID }],
    ['null', null, { id: null, code: INVALID }],
    ['a string', 'initialize', { id: null, code: INVALID }],
    ['an id without a method', { jsonrpc: '2.0', id: 5 }, { id: 5, code: INVALID }],
    ['a method that is a number, with an id', { jsonrpc: '2.0', id: 77, method: 5 }, { id: 77, code: INVALID }],
    ['a method that is a number, without an id (JSON-RPC §7)', { jsonrpc: '2.0', method: 1, params: 'bar' }, { id: null, code: INVALID }],
    ['an id that is an object', { jsonrpc: '2.0', id: { a: 1 }, method: 'x' }, { id: null, code: INVALID }],
    ['an id that is a boolean', { jsonrpc: '2.0', id: true, method: 'x' }, { id: null, code: INVALID }],
    ['an id that is null', { jsonrpc: '2.0', id: null, method: 'x' }, { id: null, code: INVALID }],
    ['no jsonrpc member', { id: 'a', method: 'x' }, { id: 'a', code: INVALID }],
    ['jsonrpc 1.0', { jsonrpc: '1.0', id: 3, method: 'x' }, { id: 3, code: INVALID }],
    ['params that are a string, in a request', { jsonrpc: '2.0', id: 79, method: 'textDocument/hover', params: 'x' }, { id: 79, code: INVALID }],
    ['params that are a number, in a notification', { jsonrpc: '2.0', method: 'textDocument/didClose', params: 3 }, { id: null, code: INVALID }],
    ['an empty batch', [], { id: null, code: INVALID }],
    [
      'a batch: each request refused under its id, a notification not answered, a non-object with id null',
      [{ jsonrpc: '2.0', id: 1, method: 'x' }, { jsonrpc: '2.0', method: 'y' }, 1, { jsonrpc: '2.0', id: 'b', method: 2 }],
      [{ id: 1, code: INVALID }, { id: null, code: INVALID }, { id: 'b', code: INVALID }],
    ],
    ['a batch of notifications only: refused, nothing to answer', [{ jsonrpc: '2.0', method: 'y' }], null],
    ['a response whose id is an object: never answered', { jsonrpc: '2.0', id: {}, result: 1 }, null],
    ['a $/cancelRequest without params: said, not answered (a notification)', { jsonrpc: '2.0', method: '$/cancelRequest' }, null],
    ['a $/cancelRequest whose id is an object', { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: {} } }, null],
    // Valid ones go on to vscode-jsonrpc.
    ['a request', { jsonrpc: '2.0', id: 'x', method: 'pysec/status' }, 'dispatched'],
    ['a request with array params', { jsonrpc: '2.0', id: 1, method: 'm', params: [1] }, 'dispatched'],
    ['params null (serde clients send it for shutdown)', { jsonrpc: '2.0', id: 2, method: 'shutdown', params: null }, 'dispatched'],
    ['a notification', { jsonrpc: '2.0', method: 'exit' }, 'dispatched'],
    ['a $/cancelRequest for any id', { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 123456 } }, 'dispatched'],
    ['a response to an unknown request', { jsonrpc: '2.0', id: 999, result: {} }, 'dispatched'],
    ['an error response with id null', { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'x' } }, 'dispatched'],
  ];
  for (const [name, value, expected] of cases) {
    it(`${name}: ${expected === 'dispatched' ? 'dispatched' : expected === null ? 'refused without an answer' : 'answered'}`, () => {
      expect(answerOf(value)).toEqual(expected);
    });
  }
});

describe('the lifecycle gate', () => {
  const req = (id: number | string, method: string): Valid => ({ ok: true, kind: 'request', message: { jsonrpc: '2.0', id, method } as Message });
  const note = (method: string): Valid => ({ ok: true, kind: 'notification', message: { jsonrpc: '2.0', method } as Message });
  const result = (id: number | string): Message => ({ jsonrpc: '2.0', id, result: {} }) as Message;
  /** Each route as [action, error code or undefined]. */
  const route = (g: Lifecycle, m: Valid) => {
    const r = g.route(m);
    return r.action === 'answer' ? [r.action, r.answer.error?.code, r.answer.id] : [r.action];
  };

  it('before initialize: a request is answered ServerNotInitialized under its id, a notification dropped, exit let through', () => {
    const g = new Lifecycle();
    expect(route(g, req(1, 'textDocument/hover'))).toEqual(['answer', ErrorCodes.ServerNotInitialized, 1]);
    expect(route(g, req('s', 'shutdown'))).toEqual(['answer', ErrorCodes.ServerNotInitialized, 's']);
    expect(route(g, req(2, '$/unknown'))).toEqual(['answer', ErrorCodes.ServerNotInitialized, 2]);
    expect(route(g, note('textDocument/didOpen'))).toEqual(['drop']);
    expect(route(g, note('initialized'))).toEqual(['drop']);
    expect(route(g, note('$/cancelRequest'))).toEqual(['drop']);
    expect(route(g, note('exit'))).toEqual(['deliver']);
    expect(g.phase).toBe('uninitialized');
  });

  it('while initialize is answered: everything but exit is held, and released in order by the answer', () => {
    const g = new Lifecycle();
    expect(route(g, req(1, 'initialize'))).toEqual(['deliver']);
    const held = [note('initialized'), note('textDocument/didOpen'), req(2, 'textDocument/hover'), req(3, 'initialize')];
    for (const m of held) expect(route(g, m)).toEqual(['hold']);
    expect(route(g, note('exit'))).toEqual(['deliver']);
    // Another message written (a log line, an answer to another id) changes nothing.
    expect(g.sent({ jsonrpc: '2.0', method: 'window/logMessage', params: {} } as Message)).toEqual([]);
    expect(g.sent(result(3))).toEqual([]);
    expect(g.sent(result(1))).toEqual(held);
    expect(g.phase).toBe('running');
    expect(g.sent(result(1))).toEqual([]);
  });

  it('an initialize answered with an error leaves the server uninitialized: what was held is then refused', () => {
    const g = new Lifecycle();
    g.route(req(1, 'initialize'));
    g.route(req(2, 'pysec/status'));
    const released = g.sent({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'x' } } as Message);
    expect(g.phase).toBe('uninitialized');
    expect(released.map((m) => route(g, m))).toEqual([['answer', ErrorCodes.ServerNotInitialized, 2]]);
  });

  it('running: initialized taken once; after shutdown every request (a second shutdown too) is InvalidRequest, notifications dropped, exit let through', () => {
    const g = new Lifecycle();
    g.route(req(1, 'initialize'));
    g.sent(result(1));
    expect(route(g, note('initialized'))).toEqual(['deliver']);
    expect(route(g, note('initialized'))).toEqual(['drop']);
    expect(route(g, req(2, 'textDocument/hover'))).toEqual(['deliver']);
    expect(route(g, req(3, '$/unknown'))).toEqual(['deliver']);
    expect(route(g, req(4, 'shutdown'))).toEqual(['deliver']);
    expect(g.phase).toBe('shutdown');
    expect(route(g, req(5, 'shutdown'))).toEqual(['answer', ErrorCodes.InvalidRequest, 5]);
    expect(route(g, req(6, 'textDocument/hover'))).toEqual(['answer', ErrorCodes.InvalidRequest, 6]);
    expect(route(g, req(7, 'initialize'))).toEqual(['answer', ErrorCodes.InvalidRequest, 7]);
    expect(route(g, note('textDocument/didChange'))).toEqual(['drop']);
    expect(route(g, note('exit'))).toEqual(['deliver']);
  });

  it('responses (to the server\'s own requests) always go through', () => {
    const g = new Lifecycle();
    expect(g.route({ ok: true, kind: 'response', message: result(9) })).toEqual({ action: 'deliver' });
  });
});
