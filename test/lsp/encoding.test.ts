/**
 * Position encodings: the server takes the client's first supported offer
 * (utf-16 when none), and every column it sends or reads is in that
 * encoding — on lines with accented and CJK letters, emoji and tabs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { docUri, LspClient } from './client.js';

type Enc = 'utf-8' | 'utf-16' | 'utf-32';

/** Columns counted independently of the server's code: bytes, UTF-16 units, code points. */
function col(prefix: string, enc: Enc): number {
  if (enc === 'utf-8') return Buffer.byteLength(prefix, 'utf8');
  if (enc === 'utf-16') return prefix.length;
  return [...prefix].length;
}

const LINES = [
  'é = 1; eval(x)',
  '中文 = 2; eval(x)',
  's = "😀"; eval(x)',
  's = "😀é中"\t;\teval(x)',
  '\t\t# 😀😀😀', // a comment line only: no finding
  't = "a😀b"; u = "中"; eval(x); eval(y)',
];
const TEXT = LINES.join('\n') + '\nif True:\n\teval(x)  # 😀 tab-indented\n';

/** Where each `eval(` starts and ends, in `enc`, from the text itself. */
function expectedRanges(text: string, enc: Enc): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  text.split('\n').forEach((line, i) => {
    for (let at = line.indexOf('eval('); at >= 0; at = line.indexOf('eval(', at + 1)) {
      const end = line.indexOf(')', at) + 1;
      out.push([i, col(line.slice(0, at), enc), i, col(line.slice(0, end), enc)]);
    }
  });
  return out;
}

function ranges(p: PublishDiagnosticsParams): [number, number, number, number][] {
  return p.diagnostics
    .filter((d) => d.code === 'B307')
    .map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character] as [number, number, number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

const clients: LspClient[] = [];
async function start(positionEncodings?: string[]): Promise<LspClient> {
  const c = await LspClient.start(positionEncodings ? { positionEncodings } : {});
  clients.push(c);
  return c;
}

afterAll(async () => {
  for (const c of clients) expect(await c.shutdown()).toBe(0);
});

describe('position encodings', () => {
  it('the test text really distinguishes the encodings', () => {
    const u8 = expectedRanges(TEXT, 'utf-8');
    const u16 = expectedRanges(TEXT, 'utf-16');
    const u32 = expectedRanges(TEXT, 'utf-32');
    expect(u8).not.toEqual(u16);
    expect(u16).not.toEqual(u32);
    expect(u8.length).toBe(7);
  });

  const cases: [string, string[] | undefined, Enc][] = [
    ['no offer → utf-16', undefined, 'utf-16'],
    ['["utf-8"] → utf-8', ['utf-8'], 'utf-8'],
    ['["utf-32"] → utf-32', ['utf-32'], 'utf-32'],
    ['["utf-16"] → utf-16', ['utf-16'], 'utf-16'],
    ['first supported offer wins: ["utf-32", "utf-8"]', ['utf-32', 'utf-8'], 'utf-32'],
    ['unknown offers skipped: ["latin-1", "utf-8"]', ['latin-1', 'utf-8'], 'utf-8'],
    ['nothing supported → utf-16', ['ebcdic'], 'utf-16'],
  ];

  it.each(cases)('%s', async (_name, offer, enc) => {
    const c = await start(offer);
    expect(c.initializeResult.capabilities.positionEncoding).toBe(enc);
    const uri = docUri(`enc-${enc}-${offer?.join('_') ?? 'none'}.py`);
    await c.open(uri, TEXT, 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    expect(ranges(p)).toEqual(expectedRanges(TEXT, enc));
  });

  it('utf-8 client: typing after an emoji lands at the byte column it names', async () => {
    const c = await start(['utf-8']);
    const uri = docUri('enc-typing-utf8.py');
    const line0 = 'a = "😀é"; b = 1';
    await c.open(uri, `${line0}\n`, 1);
    expect((await c.waitForDiagnostics(uri, { version: 1 })).diagnostics).toEqual([]);
    // Type `eval(x); ` right before `b`, one character at a time, in byte columns.
    const before = line0.slice(0, line0.indexOf('b = 1'));
    const typed = 'eval(x); ';
    let version = 1;
    for (let i = 0; i < typed.length; i++) {
      const at = Buffer.byteLength(before + typed.slice(0, i));
      await c.change(uri, ++version, [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text: typed[i] }]);
    }
    const text1 = `${before}${typed}b = 1\n`;
    const p = await c.waitForDiagnostics(uri, { version });
    expect(ranges(p)).toEqual(expectedRanges(text1, 'utf-8'));
    expect(ranges(p)).toEqual([[0, Buffer.byteLength(before), 0, Buffer.byteLength(before) + 7]]);

    // Delete the emoji (4 bytes) by its byte range: the finding moves 4 bytes left.
    const emojiAt = Buffer.byteLength('a = "');
    await c.change(uri, ++version, [{ range: { start: { line: 0, character: emojiAt }, end: { line: 0, character: emojiAt + 4 } }, text: '' }]);
    const p2 = await c.waitForDiagnostics(uri, { version });
    expect(ranges(p2)).toEqual([[0, Buffer.byteLength(before) - 4, 0, Buffer.byteLength(before) + 3]]);

    // Insert two emoji and a tab at the line start, then a second call after them on a new line.
    await c.change(uri, ++version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'z = "😀😀"\t;' }]);
    await c.change(uri, ++version, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '中 = "😀"; eval(y)\n' }]);
    const text3 = `z = "😀😀"\t;a = "é"; eval(x); b = 1\n中 = "😀"; eval(y)\n`;
    const p3 = await c.waitForDiagnostics(uri, { version });
    expect(ranges(p3)).toEqual(expectedRanges(text3, 'utf-8'));
  });

  it('utf-32 client: changes are read in code points', async () => {
    const c = await start(['utf-32']);
    const uri = docUri('enc-typing-utf32.py');
    await c.open(uri, 'a = "😀😀"; b = 1\n', 1);
    await c.waitForDiagnostics(uri, { version: 1 });
    // Code point 10 is `b` (the two emoji count one each).
    await c.change(uri, 2, [{ range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } }, text: 'eval(x); ' }]);
    const p = await c.waitForDiagnostics(uri, { version: 2 });
    expect(ranges(p)).toEqual([[0, 10, 0, 17]]);
    expect(ranges(p)).toEqual(expectedRanges('a = "😀😀"; eval(x); b = 1\n', 'utf-32'));
  });

  it('utf-16 client: a change after a surrogate pair is read in code units', async () => {
    const c = await start();
    const uri = docUri('enc-typing-utf16.py');
    await c.open(uri, 'a = "😀😀"; b = 1\n', 1);
    await c.waitForDiagnostics(uri, { version: 1 });
    await c.change(uri, 2, [{ range: { start: { line: 0, character: 12 }, end: { line: 0, character: 12 } }, text: 'eval(x); ' }]);
    const p = await c.waitForDiagnostics(uri, { version: 2 });
    expect(ranges(p)).toEqual([[0, 12, 0, 19]]);
  });
});
