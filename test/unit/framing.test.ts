/**
 * The stdin framer (server/src/transport/framing.ts): every message of a
 * well-formed stream passes through unchanged however the bytes are cut
 * into chunks, and a broken frame costs only itself.
 */
import { describe, expect, it } from 'vitest';
import { parseHeader, ResyncingFramer } from '../../server/src/transport/framing.js';

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

  const REASONS = ['a body that is not a JSON object', 'a message shorter than its Content-Length', 'a malformed header line', 'a header without Content-Length', 'a Content-Length that is not a number', 'bytes before a header', 'bytes without a header'];
  // What is said first depends on where the chunks are cut (bytes before a header
  // seen before or after the header's end arrives); whole, it is the first reason.
  const broken: [string, string, string][] = [
    ['a Content-Length too long', `Content-Length: 500\r\n\r\n${BODIES[0]}`, 'a message shorter than its Content-Length'],
    ['a Content-Length too short', `Content-Length: 10\r\n\r\n${BODIES[0]}`, 'a body that is not a JSON object'],
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
    it(`a body that is ${name}: dropped and said, the next message passes`, async () => {
      const { frames, drops } = await run(Buffer.from(frame(body) + frame(BODIES[2])), 3);
      expect(frames).toEqual([BODIES[2]]);
      expect(drops).toEqual(['a body that is not a JSON object']);
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
