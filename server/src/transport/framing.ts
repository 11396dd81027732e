import { Transform, type TransformCallback } from 'node:stream';

/**
 * The `Content-Length` framing of LSP over stdio, made to survive a broken
 * frame. vscode-jsonrpc's reader trusts every header: one frame without a
 * `Content-Length`, with a non-numeric one, or with a wrong length leaves
 * it reading the following messages from the middle, for ever (every later
 * request goes unanswered). This stream sits in front of it and passes on
 * only frames whose header is well formed; on a bad one it drops bytes up
 * to the next `Content-Length:` header and goes on from there.
 *
 * Why a too-long length is detectable: a header line with its blank line,
 * `Content-Length: 12\r\n\r\n`, can never occur inside a JSON body (JSON
 * strings cannot hold a raw CR or LF, and the words are not JSON outside a
 * string), so one seen inside a declared body means that body was cut short.
 * What the body holds is left to the next stage (jsonrpc.ts), which answers
 * a body that is no JSON or no valid message as JSON-RPC says.
 */
export class ResyncingFramer extends Transform {
  /** Bytes received and not yet passed on, in arrival order (joined only when needed). */
  private parts: Buffer[] = [];
  private size = 0;
  /** The body length the current header declared; -1 while reading a header. */
  private want = -1;
  /** The length of the current header, blank line included (passed on with its body). */
  private headerLength = 0;
  /** How far the current body has been searched for a header inside it. */
  private scanned = 0;

  /** `dropped(reason, bytes)` is told of every run of bytes thrown away. */
  constructor(private readonly dropped: (reason: string, bytes: number) => void = () => {}) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    try {
      this.drain();
    } catch {
      // Never an error on the stream (it would end the connection, and the server):
      // what is buffered is given up, reading goes on with the next bytes.
      this.dropped('an internal framing error', this.size);
      this.parts = [];
      this.size = 0;
      this.want = -1;
    }
    done();
  }

  /** All buffered bytes as one buffer. */
  private flat(): Buffer {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts, this.size)];
    return this.parts[0];
  }

  /** Bytes [a, b) of the buffer, copying only the parts they lie in. */
  private range(a: number, b: number): Buffer {
    const out: Buffer[] = [];
    let at = 0;
    for (const p of this.parts) {
      const lo = Math.max(a, at);
      const hi = Math.min(b, at + p.length);
      if (lo < hi) out.push(p.subarray(lo - at, hi - at));
      at += p.length;
      if (at >= b) break;
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  private consume(n: number): void {
    const rest = this.flat().subarray(n);
    this.parts = rest.length ? [rest] : [];
    this.size = rest.length;
  }

  private discard(n: number, reason: string): void {
    if (n <= 0) return;
    this.dropped(reason, n);
    this.consume(n);
  }

  private drain(): void {
    for (;;) {
      if (this.want < 0) {
        const buf = this.flat();
        const end = buf.indexOf(HEADER_END);
        if (end < 0) {
          // No header end yet. Garbage before a header start can go now; so
          // can a long run of bytes that cannot be a header (keeping a tail
          // in case a header starts in it).
          const next = findHeaderStart(buf, 1);
          if (next > 0 && !looksLikeHeaderPrefix(buf.subarray(0, next))) this.discard(next, 'bytes before a header');
          else if (next < 0 && buf.length > MAX_HEADER && !looksLikeHeaderPrefix(buf)) this.discard(buf.length - TAIL, 'bytes without a header');
          return;
        }
        const parsed = parseHeader(buf.toString('latin1', 0, end));
        if (typeof parsed === 'string') {
          // Resynchronise at the next `Content-Length:` inside this block, or after it.
          const next = findHeaderStart(buf.subarray(0, end), 1);
          this.discard(next > 0 ? next : end + HEADER_END.length, parsed);
          continue;
        }
        this.want = parsed;
        this.headerLength = end + HEADER_END.length;
        this.scanned = this.headerLength;
      }
      const total = this.headerLength + this.want;
      // A complete header inside the declared body: the length was too long.
      // Only the bytes not searched yet (and a tail, for a header cut in two).
      const from = Math.max(this.headerLength, this.scanned - TAIL);
      const to = Math.min(this.size, total + TAIL);
      if (to > from) {
        const inner = findCompleteHeader(this.range(from, to), total - from);
        this.scanned = to;
        if (inner >= 0) {
          this.want = -1;
          this.discard(from + inner, 'a message shorter than its Content-Length');
          continue;
        }
      }
      if (this.size < total) return;
      this.push(this.flat().subarray(0, total));
      this.consume(total);
      this.want = -1;
    }
  }
}

/** A header block longer than this is not one. */
const MAX_HEADER = 64 * 1024;
/** Bytes searched again at a boundary (a header may be cut between two chunks). */
const TAIL = 512;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /content-length:/i;

/** Without the spaces and tabs at either end (a loop: `[ \t]*(.*?)[ \t]*$` is quadratic on a line of blanks). */
function trimBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

/** The declared body length, or what is wrong with the header block. */
export function parseHeader(block: string): number | string {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):(.*)$/.exec(line);
    if (!m) return 'a malformed header line';
    if (m[1].toLowerCase() === 'content-length') {
      const value = trimBlanks(m[2]);
      if (!/^\d{1,12}$/.test(value)) return 'a Content-Length that is not a number';
      length = Number(value);
    }
  }
  return length === undefined ? 'a header without Content-Length' : length;
}

/** The index of the first `Content-Length:` at or after `from` (case-insensitive), or -1. */
function findHeaderStart(buf: Buffer, from: number): number {
  const s = buf.toString('latin1');
  const m = CONTENT_LENGTH.exec(s.slice(from));
  return m ? from + m.index : -1;
}

/** Could these bytes be the start of a header still arriving (e.g. `Content-Type: …\r\n`)? */
function looksLikeHeaderPrefix(buf: Buffer): boolean {
  return /^(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*\r\n)*$/.test(buf.toString('latin1'));
}

/**
 * The start of a complete `Content-Length: N\r\n…\r\n\r\n` header in
 * `bytes` that starts before `limit` (it may end past it), or -1.
 */
function findCompleteHeader(bytes: Buffer, limit: number): number {
  const re = /Content-Length:[ \t]*\d+\r\n(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*\r\n)*\r\n/gi;
  const m = re.exec(bytes.toString('latin1'));
  return m && m.index < limit ? m.index : -1;
}
