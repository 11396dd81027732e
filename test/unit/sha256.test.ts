/**
 * cache/sha256.ts: the result cache's SHA-256 without node:crypto for small
 * inputs must be node:crypto's digest exactly (keys written by one are read
 * by the other): every length around the padding's edges, multi-block and
 * non-ASCII text, and the sizes where it hands over to node:crypto.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NATIVE_FROM, sha256Hex } from '../../server/src/cache/sha256.js';

const native = (d: string | Uint8Array) => createHash('sha256').update(d).digest('hex');

describe('sha256Hex', () => {
  it('is the known digest of the empty string and of "abc"', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it("equals node:crypto's for every length from 0 to 300 bytes and around each block edge up to the hand-over", () => {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4095, 4096, 4097, NATIVE_FROM - 65, NATIVE_FROM - 56, NATIVE_FROM - 55, NATIVE_FROM - 1, NATIVE_FROM, NATIVE_FROM + 1, 100_000];
    for (const n of lengths) {
      const b = randomBytes(n);
      expect(sha256Hex(b), `${n} bytes`).toBe(native(b));
    }
  });

  it('hashes a string as its UTF-8 bytes (non-ASCII, astral, lone surrogate)', () => {
    for (const s of ['é', '— em dash', '😀 astral', 'x'.repeat(70) + 'ü', '\ud800 alone', JSON.stringify([['schema', '2'], ['pysec', '0.1.0'], ['bandit', 'none']])]) {
      expect(sha256Hex(s), s).toBe(native(s));
    }
  });
});
